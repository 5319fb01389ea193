// The one layout (src/layout/): the walk of each template table, the merged grid built from it,
// and formatCell with the status vocabulary, on a real report (朝阳 2021: an ambiguous row, blanks,
// inferred totals). The CLI, both XLSX exports and the web page all draw from these.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReport } from '../src/parse.js';
import { cellPaths, formatCell, isStatus, placeGrid, rowLabel, STATUS, STATUSES, tableOutline, templateLayout } from '../src/layout/index.js';
import { cellPaths as storedCellPaths } from '../src/store/model.js';
import { TEMPLATES } from '../src/template/index.js';
import { createApp } from '../src/server/app.js';
import { fixture } from './helpers.js';

const report = parseReport(fixture('corpus', 'input', 'seed001-chaoyang-2021.txt'), { path: 'seed001-chaoyang-2021.txt' });

for (const version of ['2019', '2021'] as const) {
  test(`${version}: the grid shows every cell of the walk once, in the walk's order (the order the store numbers cells in)`, () => {
    const fromWalk = (['active', 'requests', 'review_litigation'] as const).flatMap((tk) =>
      tableOutline(TEMPLATES[version].tables[tk]).flatMap((e) => (e.kind === 'row' ? e.columns.map((c) => `${tk}.${e.row.key}.${c.key}`) : [])));
    const grid = cellPaths(version).map((p) => p.path);
    assert.deepEqual(grid, fromWalk);
    assert.deepEqual(grid, storedCellPaths([version]));
    assert.equal(new Set(grid).size, grid.length);
  });
}

test('the walk: table 二 captions and a header at each, groups before their rows, nesting depth', () => {
  const active = tableOutline(TEMPLATES['2021'].tables.active);
  assert.deepEqual(active.filter((e) => e.kind === 'caption').map((e) => e.kind === 'caption' && e.text), ['第二十条第(一)项', '第二十条第(五)项', '第二十条第(六)项', '第二十条第(八)项']);
  assert.equal(active.filter((e) => e.kind === 'header').length, 4);
  const requests = TEMPLATES['2021'].tables.requests;
  const walk = tableOutline(requests);
  const denied = walk.findIndex((e) => e.kind === 'group' && e.row.key === 'denied');
  const secret = walk.findIndex((e) => e.kind === 'row' && e.row.key === 'denied_state_secret');
  assert.ok(denied >= 0 && secret === denied + 1);
  const entry = walk[secret];
  assert.ok(entry.kind === 'row');
  assert.deepEqual(entry.ancestors.map((r) => r.key), ['results', 'denied']);
  const partial = requests.rows.find((r) => r.key === 'partially_granted')!;
  assert.equal(rowLabel(requests, partial), '(二)部分公开(区分处理的,只计这一情形,不计其他情形)');
  assert.equal(rowLabel(requests, partial, { short: true }), '(二)部分公开');
  const rl = TEMPLATES['2021'].tables.review_litigation;
  assert.equal(rowLabel(rl, rl.rows[1]), '行政诉讼·未经复议直接起诉');
});

test('formatCell on a parsed report: the ambiguous row, inferred totals, blanks and absent cells', () => {
  const amb = report.tables.active!.normative_documents.issued;
  assert.equal(amb.status, 'ambiguous');
  const look = formatCell(amb, { maxCandidates: 3 });
  assert.equal(look.decided, false);
  assert.equal(look.value, null);
  assert.deepEqual(look.shown, amb.candidates!.slice(0, 3));
  assert.equal(look.text, `?${amb.candidates!.slice(0, 3).join('/')}`);
  assert.equal(formatCell(amb).candidates.length, amb.candidates!.length);
  const seen = new Set<string>();
  for (const p of cellPaths('2021')) {
    const cell = report.tables[p.table]?.[p.row]?.[p.column];
    const l = formatCell(cell);
    seen.add(l.status);
    if (cell && (cell.status === 'read' || cell.status === 'inferred' || cell.status === 'blank')) {
      assert.equal(l.decided, true, p.path);
      assert.equal(l.text, String(cell.value), p.path);
    }
  }
  assert.ok(seen.has('read') && seen.has('inferred') && seen.has('ambiguous'), [...seen].join());
  assert.equal(formatCell({ status: 'blank', value: 0 }).text, '0');
  assert.equal(formatCell({ status: 'blank', value: null }).text, '0', 'a blank stands for 0');
  assert.deepEqual(formatCell(undefined), { status: 'none', value: null, decided: false, text: '·', candidates: [], shown: [] });
  assert.equal(formatCell({ status: 'missing', value: null }).text, '缺');
  assert.equal(formatCell({ status: 'bogus', value: 3 }).status, 'none', 'an unknown status is no status');
  assert.equal(formatCell({ status: 'ambiguous', value: null, candidates: [1, 'x', Infinity, 2] }).text, '?1/2', 'only numbers are candidates');
});

test('status vocabulary: every status has Chinese and English words', () => {
  assert.deepEqual(STATUSES, ['read', 'blank', 'inferred', 'ambiguous', 'missing']);
  for (const s of STATUSES) {
    assert.ok(isStatus(s));
    assert.match(STATUS[s].zh, /\p{Script=Han}/u);
    assert.match(STATUS[s].en, /^[a-z]+$/);
    assert.ok(STATUS[s].hint && STATUS[s].long);
  }
  assert.ok(!isStatus('toString'));
});

test('the web page is served the very module the server formats cells with', async () => {
  const app = createApp();
  const res = await app.request('/shared/cells.js');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/javascript/);
  const src = await res.text();
  assert.match(src, /export function formatCell/);
  assert.ok(!/^\s*import\s/m.test(src), 'a browser module with nothing to import');
  assert.ok(!src.includes('sourceMappingURL'));
  // it runs as is: load it as a module from its own text
  const mod = await import(`data:text/javascript;base64,${Buffer.from(src).toString('base64')}`);
  assert.equal(mod.formatCell({ status: 'inferred', value: 8 }).text, '8');
  assert.equal(mod.STATUS.ambiguous.zh, STATUS.ambiguous.zh);
});

test('the grid covers its width on every row', () => {
  for (const t of templateLayout('2019').tables) {
    const cover = new Map<number, number>();
    for (const p of placeGrid(t.rows)) for (let i = 0; i < (p.cell.rowspan ?? 1); i++) cover.set(p.r + i, (cover.get(p.r + i) ?? 0) + (p.cell.colspan ?? 1));
    for (const [r, n] of cover) assert.equal(n, t.columns, `${t.key} row ${r}`);
  }
});
