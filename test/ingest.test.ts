// Bulk ingest: folders, globs and stdin; worker threads; failures recorded, never fatal; the same
// bytes once; parser versions; originals kept; the SKIP LOCKED queue; and a SIGKILL in the middle
// followed by a rerun. PGlite always; a PostgreSQL server too when TEST_DATABASE_URL is set.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDb, type Db } from '../src/store/db.js';
import { cellCount } from '../src/store/model.js';
import { collectPaths, enqueue, ingest, ingestQueue } from '../src/store/ingest.js';
import type { Report } from '../src/types.js';
import { writeBenchReports } from '../bench/store.js';
import { backends, BIN, INPUT } from './backends.js';



/** Every report whole (its cells, findings and facts all there), none twice. Returns the number of reports. */
async function assertWhole(db: Db): Promise<number> {
  const rows = await db.query<{ id: number; sha256: string; report: Report | string; cell_count: number; cells: number; findings: number; facts: number }>(
    `select r.id, r.sha256, r.report, r.cell_count,
            (select count(*)::int from cells c where c.report_id = r.id) as cells,
            (select count(*)::int from findings f where f.report_id = r.id) as findings,
            (select count(*)::int from facts f where f.report_id = r.id) as facts
     from reports r`);
  assert.equal(new Set(rows.map((r) => r.sha256)).size, rows.length, 'one report per sha256');
  for (const r of rows) {
    const rep: Report = typeof r.report === 'string' ? JSON.parse(r.report) : r.report;
    assert.equal(Number(r.cells), cellCount(rep), `report ${r.id}: all its cells`);
    assert.equal(Number(r.cell_count), cellCount(rep));
    assert.equal(Number(r.findings), rep.findings.length, `report ${r.id}: all its findings`);
    assert.equal(Number(r.facts), rep.narrative.facts.length, `report ${r.id}: all its facts`);
  }
  const [{ orphans }] = await db.query<{ orphans: number }>(
    `select ((select count(*) from cells c where not exists (select 1 from reports r where r.id = c.report_id))
           + (select count(*) from findings f where not exists (select 1 from reports r where r.id = f.report_id)))::int as orphans`);
  assert.equal(Number(orphans), 0, 'no rows without their report');
  return rows.length;
}

test('collectPaths: files, folders (recursive; hidden entries, other extensions and data dirs skipped), globs, missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gk-paths-'));
  try {
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    mkdirSync(join(dir, 'data', 'pg'), { recursive: true });
    for (const f of ['x.txt', 'a/y.TXT', 'a/b/z.html', 'a/b/w.pdf', 'a/.hidden.txt', 'a/truth.json', 'data/gongkai.json', 'data/r.txt']) writeFileSync(join(dir, f), 'x');
    const names = (args: string[]) => collectPaths(args).files.map((f) => f.path);
    assert.deepEqual(names([dir]), ['a/b/w.pdf', 'a/b/z.html', 'a/y.TXT', 'x.txt'].map((f) => join(dir, f)));
    assert.deepEqual(names([join(dir, 'a', 'truth.json')]), [join(dir, 'a', 'truth.json')], 'a file named explicitly is always taken');
    assert.deepEqual(names([join(dir, '**', '*.html')]), [join(dir, 'a/b/z.html')]);
    assert.deepEqual(names([join(dir, 'a', '*.TXT')]), [join(dir, 'a/y.TXT')]);
    assert.deepEqual(names([join(dir, '*.txt'), join(dir, 'x.txt')]), [join(dir, 'x.txt')], 'each file once');
    const rel = collectPaths([join(dir, 'nope'), join(dir, '*.nothing')]);
    assert.deepEqual(rel.missing, [join(dir, 'nope'), join(dir, '*.nothing')]);
    assert.ok(collectPaths([dir]).files.every((f) => f.path === resolve(f.path) && f.size === 1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const be of backends('ingest')) {
  describe(`ingest on ${be.name}`, { skip: be.skip }, () => {
    const work = mkdtempSync(join(tmpdir(), 'gk-ingest-in-'));
    after(async () => {
      rmSync(work, { recursive: true, force: true });
      await be.cleanup();
    });

    test('a folder: parsed in workers, failures recorded, the same bytes once, originals kept; a rerun skips it all', async () => {
      const dir = join(work, 'folder');
      mkdirSync(dir);
      for (const f of readdirSync(INPUT)) copyFileSync(join(INPUT, f), join(dir, f));
      writeBenchReports(join(dir, 'gen'), 20, 7);
      copyFileSync(join(INPUT, 'seed001-chaoyang-2021.txt'), join(dir, 'gen', 'chaoyang-copy.txt'));
      writeFileSync(join(dir, 'broken.txt'), '这不是年度报告。Just some notes, nothing else.\n');
      writeFileSync(join(dir, 'empty.txt'), '');
      writeFileSync(join(dir, '.hidden.txt'), 'x');
      const files = collectPaths([dir]).files;
      assert.equal(files.length, 6 + 20 + 1 + 2);

      const o = await be.fresh();
      const db = await openDb({ ...o, create: true });
      try {
        const progress: number[] = [];
        const s = await ingest(db, files, { parserVersion: '1.0.0', workers: 2, batch: 7, onProgress: (p) => progress.push(p.done) });
        assert.deepEqual([s.total, s.stored, s.replaced, s.skipped, s.duplicates, s.failed.length], [29, 26, 0, 0, 1, 2]);
        assert.deepEqual(s.failed.map((f) => f.path).sort(), [join(dir, 'broken.txt'), join(dir, 'empty.txt')].sort());
        assert.ok(s.failed.every((f) => /[\u4e00-\u9fff].* \/ /.test(f.message)), 'bilingual messages');
        assert.equal(progress[progress.length - 1], 29);
        assert.equal(await assertWhole(db), 26);
        const errs = await db.query<{ path: string; message: string }>('select path, message from ingest_errors order by path');
        assert.deepEqual(errs.map((e) => e.path), [join(dir, 'broken.txt'), join(dir, 'empty.txt')]);
        const paths = await db.query<{ n: number; r: number }>('select count(*)::int as n, count(distinct report_id)::int as r from report_paths');
        assert.deepEqual([Number(paths[0].n), Number(paths[0].r)], [27, 26], 'both names of the same bytes recorded, one report');

        // originals: content-addressed folder (PGlite) or the originals table (server)
        const stored = await db.query<{ sha256: string; path: string; original: string }>('select sha256, path, original from reports');
        for (const r of stored) {
          if (db.filesDir) {
            assert.deepEqual(readFileSync(join(db.filesDir, r.original)), readFileSync(r.path), `${r.path} kept`);
            assert.ok(r.original.startsWith(`${r.sha256.slice(0, 2)}/${r.sha256}`));
          } else {
            assert.equal(r.original, 'db');
            const [{ bytes }] = await db.query<{ bytes: Uint8Array }>('select bytes from originals where sha256 = $1', [r.sha256]);
            assert.deepEqual(Buffer.from(bytes), readFileSync(r.path), `${r.path} kept`);
          }
        }

        // again: nothing to do; the unchanged failures are not parsed again but still reported
        const again = await ingest(db, collectPaths([dir]).files, { parserVersion: '1.0.0', workers: 2 });
        assert.deepEqual([again.stored, again.skipped, again.duplicates, again.failed.length], [0, 27, 0, 2]);
        assert.ok(again.failed.every((f) => f.earlier));
        const retry = await ingest(db, collectPaths([dir]).files, { parserVersion: '1.0.0', workers: 1, retryFailed: true });
        assert.deepEqual([retry.stored, retry.failed.length, retry.failed.some((f) => f.earlier)], [0, 2, false]);

        // renamed (same bytes, new name): one report, the new name recorded
        copyFileSync(join(dir, 'gen', '0000', 'r0000003.txt'), join(dir, 'renamed.txt'));
        const renamed = await ingest(db, [join(dir, 'renamed.txt')], { parserVersion: '1.0.0' });
        assert.deepEqual([renamed.stored, renamed.skipped], [0, 1]);
        assert.equal((await db.query('select 1 from report_paths where path = $1', [join(dir, 'renamed.txt')])).length, 1);

        // a newer parser version parses again and replaces, keeping the old JSON
        const three = files.filter((f) => f.path.includes(`${join('gen', '0000')}`)).slice(0, 3);
        const v2 = await ingest(db, three, { parserVersion: '1.1.0', workers: 2 });
        assert.deepEqual([v2.stored, v2.replaced, v2.skipped], [0, 3, 0]);
        const versions = await db.query<{ parser_version: string; n: number }>('select parser_version, count(*)::int as n from report_versions group by 1');
        assert.deepEqual(versions.map((v) => [v.parser_version, Number(v.n)]), [['1.0.0', 3]]);
        assert.equal(await assertWhole(db), 26);
        const now = await db.query<{ v: string; n: number }>('select parser_version as v, count(*)::int as n from reports group by 1 order by 1');
        assert.deepEqual(now.map((r) => [r.v, Number(r.n)]), [['1.0.0', 23], ['1.1.0', 3]]);
      } finally {
        await db.close();
      }
    });

    test('the CLI: stdin lists and globs, a plain summary, exit 1 when a file failed, exit 2 on a bad path (nothing stored)', async () => {
      const o = await be.fresh();
      const env = { ...process.env, ...be.env(o), GONGKAI_PROGRESS: '' };
      const dir = join(work, 'cli');
      writeBenchReports(dir, 8, 11);
      writeFileSync(join(dir, 'notes.txt'), '随便写点什么 / random words\n');
      const bad = spawnSync(process.execPath, [BIN, 'ingest', join(dir, '0000'), join(dir, 'no-such-file.txt'), ...be.args(o)], { env, encoding: 'utf8' });
      assert.equal(bad.status, 2);
      assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
      assert.match(bad.stderr, /找不到或无法读取 1 个路径：.*no-such-file\.txt.* \/ cannot read/);
      const files = readdirSync(join(dir, '0000')).map((f) => join(dir, '0000', f));
      const r = spawnSync(process.execPath, [BIN, 'ingest', '-', join(dir, '*.txt'), ...be.args(o)], { env, input: files.slice(0, 5).join('\n') + '\n', encoding: 'utf8' });
      assert.equal(r.status, 1, r.stderr + r.stdout);
      assert.match(r.stdout, /^导入完成：6 个文件，新增 5 份.*失败 1 个.* \/ done: 6 files, 5 stored, .* 1 failed/m);
      assert.match(r.stdout, /失败 failed: .*notes\.txt: /);
      const rest = spawnSync(process.execPath, [BIN, 'ingest', join(dir, '0000'), ...be.args(o)], { env, encoding: 'utf8' });
      assert.equal(rest.status, 0, rest.stderr + rest.stdout);
      assert.match(rest.stdout, /新增 3 份.*已存跳过 5 个/);
      const db = await openDb(o);
      try {
        assert.equal(await assertWhole(db), 8);
      } finally {
        await db.close();
      }
    });

    test('the queue: paths claimed with FOR UPDATE SKIP LOCKED, each closed with its report', async () => {
      const o = await be.fresh();
      const dir = join(work, 'queue');
      writeBenchReports(dir, 30, 13);
      writeFileSync(join(dir, 'zz-broken.txt'), '');
      const files = collectPaths([dir]).files.map((f) => f.path);
      const db = await openDb({ ...o, create: true });
      try {
        assert.equal(await enqueue(db, files), 31);
        assert.equal(await enqueue(db, files), 0, 'queued once');
      } finally {
        await db.close();
      }
      if (be.name === 'PGlite') {
        const d = await openDb(o);
        try {
          const s = await ingestQueue(d, { workers: 2, claim: 4 });
          assert.deepEqual([s.total, s.stored, s.failed.length], [31, 30, 1]);
        } finally {
          await d.close();
        }
      } else {
        // two processes share the queue
        const env = { ...process.env, ...be.env(o), GONGKAI_PROGRESS: '' };
        const run = () => new Promise<{ code: number | null; out: string }>((res) => {
          const c = spawn(process.execPath, [BIN, 'ingest', '--queue', '--workers', '1'], { env });
          let out = '';
          c.stdout.on('data', (b) => (out += b));
          c.stderr.on('data', (b) => (out += b));
          c.on('exit', (code) => res({ code, out }));
        });
        const [a, b] = await Promise.all([run(), run()]);
        assert.ok([0, 1].includes(a.code ?? -1) && [0, 1].includes(b.code ?? -1), a.out + b.out);
        const stored = [a.out, b.out].map((t) => Number(/新增 (\d+) 份/.exec(t)?.[1] ?? NaN));
        assert.equal(stored[0] + stored[1], 30, a.out + b.out);
      }
      const d = await openDb(o);
      try {
        const states = await d.query<{ state: string; n: number }>('select state, count(*)::int as n from ingest_queue group by state order by state');
        assert.deepEqual(states.map((x) => [x.state, Number(x.n)]), [['done', 30], ['failed', 1]]);
        assert.equal(await assertWhole(d), 30);
        assert.equal((await ingestQueue(d, { workers: 1 })).total, 0, 'nothing left to claim');
      } finally {
        await d.close();
      }
    });

    test('a bulk load into PGlite builds the cells key at its end; a store left without it gets it back on open', async () => {
      const dir = join(work, 'bulk');
      writeBenchReports(dir, 30, 23);
      const o = await be.fresh();
      const hasKey = async (d: Db) => (await d.query(`select 1 from pg_constraint where conname = 'cells_pkey' and conrelid = '${d.schema}.cells'::regclass`)).length === 1;
      let db = await openDb({ ...o, create: true });
      try {
        const phases: string[] = [];
        const s = await ingest(db, collectPaths([dir]).files, { workers: 2, deferKeyMin: 10, onIndex: (phase) => phases.push(phase) });
        assert.equal(s.stored, 30);
        // only PGlite defers it (one process at a time); a server keeps it all along
        assert.deepEqual(phases, be.name === 'PGlite' ? ['start', 'done'] : []);
        assert.ok(await hasKey(db), 'the key is there after the run');
        assert.equal(await assertWhole(db), 30);
        // as a run killed after dropping it leaves the store: the next open builds it again
        await db.query(`alter table cells drop constraint cells_pkey`);
      } finally {
        await db.close();
      }
      db = await openDb(o);
      try {
        assert.ok(await hasKey(db), 'built again on open');
        // with reports stored already, a smaller run keeps the key (building it over them would cost more)
        const more = join(work, 'bulk2');
        writeBenchReports(more, 12, 29);
        const phases: string[] = [];
        const s = await ingest(db, collectPaths([more]).files, { workers: 1, deferKeyMin: 10, onIndex: (phase) => phases.push(phase) });
        assert.equal(s.stored, 12);
        assert.deepEqual(phases, []);
        assert.equal(await assertWhole(db), 42);
      } finally {
        await db.close();
      }
    });

    test('SIGKILL in the middle of `gongkai ingest DIR`, then a rerun: every report whole, none twice', { timeout: 300_000 }, async () => {
      const dir = join(work, 'kill');
      const N = 200;
      writeBenchReports(dir, N, 17);
      const o = await be.fresh();
      const args = [BIN, 'ingest', dir, '--batch', '8', ...be.args(o)];
      const env = { ...process.env, ...be.env(o), GONGKAI_PROGRESS: 'lines' };
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let done = 0;
      let killed = false;
      const exited = new Promise<void>((res) => child.once('exit', () => res()));
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (s: string) => {
        const m = [...s.matchAll(/^(\d+)\/(\d+)$/gm)].pop();
        if (m) done = Number(m[1]);
        if (!killed && done >= 20) {
          killed = true;
          child.kill('SIGKILL');
        }
      });
      await exited;
      assert.ok(killed, 'the first run was killed');
      assert.ok(done < N, `killed before the end (${done}/${N})`);
      const db0 = await openDb(o);
      let first: number;
      try {
        first = await assertWhole(db0);
        assert.ok(first >= 20 && first < N, `some stored before the kill (${first})`);
      } finally {
        await db0.close();
      }
      const rerun = spawnSync(process.execPath, args, { env: { ...env, GONGKAI_PROGRESS: '' }, encoding: 'utf8' });
      assert.equal(rerun.status, 0, rerun.stderr + rerun.stdout);
      assert.match(rerun.stdout, new RegExp(`导入完成：${N} 个文件，新增 ${N - first} 份.*已存跳过 ${first} 个`));
      const db = await openDb(o);
      try {
        assert.equal(await assertWhole(db), N);
        assert.equal((await db.query('select 1 from ingest_errors')).length, 0);
        assert.equal(Number((await db.query<{ n: number }>('select count(*)::int as n from report_paths'))[0].n), N);
      } finally {
        await db.close();
      }
      if (o.dataDir) assert.ok(!existsSync(join(o.dataDir, 'lock')), 'the lock is released');
    });
  });
}
