// The template description: both versions, their keys, and what is derived from them.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  columnsOf, dataRowsOf, isTemplateVersion, tableName, TABLE_KEYS, TEMPLATE_SECTIONS, TEMPLATE_VERSIONS, TEMPLATES, versionForYear,
} from '../src/template/index.js';

test('the versions are exactly the keys of TEMPLATES, and isTemplateVersion tells them from other template keys', () => {
  assert.deepEqual(Object.keys(TEMPLATES).sort(), [...TEMPLATE_VERSIONS].sort());
  for (const v of TEMPLATE_VERSIONS) assert.equal(isTemplateVersion(v), true);
  for (const x of ['pre2019', 'unknown', '2020', '', 2021, null, undefined]) assert.equal(isTemplateVersion(x), false, String(x));
});

test('each version has the three tables under their keys, and the six sections in order', () => {
  for (const v of TEMPLATE_VERSIONS) {
    const t = TEMPLATES[v];
    assert.deepEqual(Object.keys(t.tables), [...TABLE_KEYS]);
    for (const k of TABLE_KEYS) assert.equal(t.tables[k].key, k);
    assert.deepEqual(t.sections.map((s) => s.number), ['一', '二', '三', '四', '五', '六']);
    assert.equal(t.sections, TEMPLATE_SECTIONS);
  }
});

test('row keys are unique within a table, and every data row has columns with unique keys', () => {
  for (const v of TEMPLATE_VERSIONS) {
    for (const k of TABLE_KEYS) {
      const table = TEMPLATES[v].tables[k];
      const keys = table.rows.map((r) => r.key);
      assert.equal(new Set(keys).size, keys.length, `${v} ${k}: duplicate row key`);
      for (const row of dataRowsOf(table)) {
        const cols = columnsOf(table, row).map((c) => c.key);
        assert.ok(cols.length > 0, `${v} ${k}.${row.key}: no columns`);
        assert.equal(new Set(cols).size, cols.length, `${v} ${k}.${row.key}: duplicate column key`);
      }
      for (const row of table.rows) if (row.parent && !table.singleLine) assert.ok(keys.includes(row.parent), `${v} ${k}.${row.key}: parent ${row.parent} is not a row`);
    }
  }
});

test('the request rows follow output.md "Keys" (2021), with the 2019 single (六) row', () => {
  const rows2021 = dataRowsOf(TEMPLATES['2021'].tables.requests).map((r) => r.key);
  assert.deepEqual(rows2021.slice(0, 4), ['new_received', 'carried_over', 'granted', 'partially_granted']);
  assert.deepEqual(rows2021.slice(-5), ['other_no_correction', 'other_no_fee', 'other_other', 'total', 'carried_forward']);
  const rows2019 = dataRowsOf(TEMPLATES['2019'].tables.requests).map((r) => r.key);
  assert.ok(!rows2019.includes('other_no_correction') && rows2019.includes('other_other'));
  assert.deepEqual(TEMPLATES['2021'].tables.requests.columns.map((c) => c.key), ['natural_person', 'commercial', 'research', 'social_welfare', 'legal_service', 'other', 'total']);
});

test('a table is named by its section number and heading', () => {
  assert.equal(tableName('active'), '二、主动公开政府信息情况');
  assert.equal(tableName('requests'), '三、收到和处理政府信息公开申请情况');
  assert.equal(tableName('review_litigation'), '四、政府信息公开行政复议、行政诉讼情况');
});

test('the version a year calls for (spec §1)', () => {
  assert.equal(versionForYear(2018), 'pre2019');
  assert.equal(versionForYear(2019), '2019');
  assert.equal(versionForYear(2020), '2019');
  assert.equal(versionForYear(2021), '2021');
  assert.equal(versionForYear(2030), '2021');
});
