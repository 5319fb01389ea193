// The register in the store (PGlite, and PostgreSQL when TEST_DATABASE_URL is set): import
// through the CLI, every change kept in an append-only history, nothing stored from a bad file,
// the due list and export from the store, notices read back from their document.xml.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { backends, BIN } from './backends.js';
import { openDb } from '../src/store/db.js';
import { RegisterStore } from '../src/register/store.js';
import { noticeDocx, noticeText, NOTICE_KINDS } from '../src/register/notices.js';
import { OUTCOMES, type Application } from '../src/register/records.js';
import { makeOfficeWorkbook } from './register-workbook.js';

const BODY = '示例市青禾区人民政府办公室';
const tmp = mkdtempSync(join(tmpdir(), 'gk-regstore-'));
const write = (name: string, lines: unknown[]) => {
  const f = join(tmp, name);
  writeFileSync(f, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return f;
};
const a1 = { schema: 'gongkai/application@1', id: 'A-1', body: BODY, received: '2025-09-26', applicant: { type: 'natural_person', name: '王某某', id_number: '110101199001011234', contact: '13800000001' }, request: '某地块规划许可', events: [] as unknown[] };
const a2 = { schema: 'gongkai/application@1', id: 'A-2', body: BODY, received: '2025-10-20', applicant: { type: 'commercial' }, events: [] };
const c1 = { schema: 'gongkai/case@1', id: '复议-1', body: BODY, kind: 'review', filed: '2025-06-02', application: 'A-1', concluded: null, result: null };

const documentXml = (bytes: Uint8Array) => strFromU8(unzipSync(bytes)['word/document.xml']).replace(/<[^>]+>/g, '');

for (const be of backends('register')) {
  describe(`register store on ${be.name}`, { skip: be.skip }, () => {
    after(() => be.cleanup());
    const cli = (o: object, args: string[]) => spawnSync(process.execPath, [BIN, 'register', ...args, ...be.args(o as never)], { encoding: 'utf8', env: { ...process.env, ...be.env(o as never) } });

    test('import, change, history: who, when, before and after, append-only; a bad file stores nothing', async () => {
      const o = await be.fresh();
      const first = cli(o, ['import', '--actor', '张科员', write('one.jsonl', [a1, a2, c1])]);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /新增 3/);
      const changed = { ...a1, events: [{ date: '2025-10-09', kind: 'extended', approved_by: '主任' }] };
      const second = cli(o, ['import', '--actor', '李主任', write('two.jsonl', [changed, a2])]);
      assert.match(second.stdout, /新增 0，更新 1，未变 1/);
      const bad = cli(o, ['import', write('bad.jsonl', [{ ...a2, id: 'A-3' }, { ...a2, id: 'A-4', received: '2025-13-01' }])]);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /bad\.jsonl:2: .*received/);
      const db = await openDb(o);
      try {
        const s = new RegisterStore(db);
        assert.deepEqual((await s.applications()).map((a) => a.id), ['A-1', 'A-2'], 'nothing of the bad file stored');
        const h = await s.historyOf('application', BODY, 'A-1');
        assert.deepEqual(h.map((x) => [x.version, x.action, x.actor]), [[1, 'create', '张科员'], [2, 'update', '李主任']]);
        assert.deepEqual((h[1].before as Application).events, []);
        assert.equal((h[1].after as Application).events![0].kind, 'extended');
        assert.ok(h[1].at);
        await assert.rejects(db.query(`update register_history set actor = 'x'`), /append-only/);
        await assert.rejects(db.query(`delete from register_history`), /append-only/);
        assert.equal(await s.deleteApplication(BODY, 'A-2', '李主任'), true);
        const gone = await s.historyOf('application', BODY, 'A-2');
        assert.deepEqual(gone.map((x) => x.action), ['create', 'delete']);
        assert.equal((await s.cases()).length, 1);
      } finally {
        await db.close();
      }
      const skip = cli(o, ['import', '--skip-bad', write('skip.jsonl', [{ ...a2, id: 'A-5' }, { ...a2, id: 'A-6', applicant: { type: 'alien' } }])]);
      assert.equal(skip.status, 0);
      assert.match(skip.stderr, /跳过 1 行[\s\S]*skip\.jsonl:2:/);
    });

    test('list --due-within, export without personal data by default, notice from the store', async () => {
      const o = await be.fresh();
      cli(o, ['import', '--actor', 't', write('l.jsonl', [a1, a2])]);
      const list = cli(o, ['list', '--due-within', '5', '--on', '2025-10-27', '--json']);
      assert.equal(list.status, 0, list.stderr);
      const due = list.stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(due.map((d) => [d.id, d.due, d.working_days_left]), [['A-1', '2025-10-30', 3]]);
      const human = cli(o, ['list', '--due-within', '5', '--on', '2025-10-27']);
      assert.match(human.stdout, /A-1\t2025-10-30\t还有 3 个工作日/);
      const plain = cli(o, ['export', '--format', 'jsonl']);
      assert.equal(plain.status, 0, plain.stderr);
      assert.ok(!plain.stdout.includes('王某某') && !plain.stdout.includes('110101199001011234'));
      assert.match(cli(o, ['export', '--format', 'jsonl', '--with-personal']).stdout, /王某某/);
      const xlsx = join(tmp, `${be.name}.xlsx`);
      assert.equal(cli(o, ['export', '--format', 'xlsx', '--out', xlsx]).status, 0);
      assert.equal(readFileSync(xlsx).subarray(0, 2).toString(), 'PK');
      const docx = join(tmp, `${be.name}-notice.docx`);
      const n = cli(o, ['notice', '--kind', 'extension', '--id', 'A-1', '--out', docx]);
      assert.equal(n.status, 2, 'no extension in the record: no notice');
      assert.match(n.stderr, /没有延期/);
    });

    test('an Excel file with a bad row stores nothing; --preview stores nothing; --save-mapping writes the mapping', async () => {
      const o = await be.fresh();
      const f = join(tmp, 'office.xlsx');
      writeFileSync(f, await makeOfficeWorkbook());
      const r = cli(o, ['import', '--body', BODY, f]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /第 11 行/);
      assert.ok(!r.stderr.includes('110101199912311234'));
      const m = join(tmp, `${be.name}-mapping.json`);
      const p = cli(o, ['import', '--body', BODY, '--preview', '--save-mapping', m, f]);
      assert.equal(p.status, 2, 'the preview reads every row too');
      const db = await openDb({ ...(o as object), create: true });
      try {
        assert.equal((await new RegisterStore(db).applications()).length, 0);
      } finally {
        await db.close();
      }
    });
  });
}

// ---------------------------------------------------------------- notices

const full: Application = {
  id: 'N-1', body: BODY, received: '2025-09-26', applicant: { type: 'natural_person', name: '王某某', id_number: '110101199001011234' }, request: '某地块规划许可',
  events: [
    { date: '2025-09-29', kind: 'correction_requested', note: '请写明文件名称' }, { date: '2025-09-30', kind: 'correction_received' },
    { date: '2025-10-10', kind: 'consultation_started', with: 'third_party' }, { date: '2025-10-20', kind: 'consultation_ended' },
    { date: '2025-10-21', kind: 'extended' }, { date: '2025-10-22', kind: 'fee_notice', amount: 100, method: 'piece' }, { date: '2025-10-23', kind: 'fee_paid' },
    { date: '2025-11-10', kind: 'answered', outcome: 'denied_state_secret' },
  ],
};

test('notices: each kind as .docx, its document.xml carrying the record and the provision it cites', async () => {
  const want: Record<string, RegExp[]> = {
    correction: [/补正告知书/, /第三十条/, /请写明文件名称/, /2025年9月26日收到/],
    extension: [/延期答复告知书/, /第三十三条第二款/, /2025年12月/],
    consultation: [/第三方意见征询函/, /第三十二条/, /十五个工作日/],
    fee: [/收费通知/, /第四十二条/, /国办函〔2020〕109号/, /100元/, /按件计收/],
    answer: [/答复书/, /第十四条/, /属于国家秘密/, /不予公开-属于国家秘密/],
  };
  for (const kind of NOTICE_KINDS) {
    const xml = documentXml(await noticeDocx(full, kind));
    for (const re of want[kind]) assert.match(xml, re, `${kind}: ${re}`);
    assert.match(xml, new RegExp(BODY));
    if (kind === 'consultation') assert.ok(!xml.includes('王某某'), 'the letter to a third party does not name the applicant');
    else assert.match(xml, /王某某：/);
    assert.ok(!xml.includes('110101199001011234'), 'no ID number in any notice');
  }
});

test('an answer notice for every outcome cites a provision; the CLI writes one from a file', () => {
  for (const o of OUTCOMES) {
    const a = { ...full, events: [{ date: '2025-10-10', kind: 'answered', outcome: o }] } as Application;
    assert.match(noticeText(a, 'answer'), /条例》第[一二三四五六七八九十]+条/, o);
  }
  const f = write('n.jsonl', [{ schema: 'gongkai/application@1', ...full }]);
  const out = join(tmp, 'answer.docx');
  const r = spawnSync(process.execPath, [BIN, 'register', 'notice', '--kind', 'answer', '--id', 'N-1', '--out', out, f], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(documentXml(readFileSync(out)), /政府信息公开申请答复书/);
  const wrong = spawnSync(process.execPath, [BIN, 'register', 'notice', '--kind', 'answer', '--id', 'nope', '--out', out, f], { encoding: 'utf8' });
  assert.equal(wrong.status, 2);
});
