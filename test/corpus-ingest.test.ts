// Bulk ingest: idempotent by bytes and parser version, failures recorded, the queue path, and a
// SIGKILL in the middle followed by a rerun. PGlite always; PostgreSQL when TEST_DATABASE_URL is set.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDb, type Db } from '../src/corpus/db.js';
import { cellCount, collectPaths, enqueue, ingest, ingestQueue } from '../src/corpus/ingest.js';
import { generateReport, mulberry32 } from '../src/generate/report.js';
import type { Report } from '../src/types.js';
import { FIXTURES } from './helpers.js';

const BIN = join(FIXTURES, '..', '..', 'bin', 'gongkai.js');
const INPUT = join(FIXTURES, 'corpus', 'input');

interface Target { dataDir?: string; url: string }
interface Backend { name: string; skip?: string; target(): Promise<Target>; cleanup(): Promise<void> }

function backends(): Backend[] {
  const dirs: string[] = [];
  const lite: Backend = {
    name: 'PGlite',
    async target() { const d = mkdtempSync(join(tmpdir(), 'gk-ingest-db-')); dirs.push(d); return { dataDir: d, url: '' }; },
    async cleanup() { for (const d of dirs) rmSync(d, { recursive: true, force: true }); },
  };
  const url = process.env.TEST_DATABASE_URL;
  const schemas: string[] = [];
  const server: Backend = {
    name: 'PostgreSQL',
    skip: url ? undefined : 'TEST_DATABASE_URL is not set: no PostgreSQL server to test against',
    async target() {
      const schema = `gk_ingest_${process.pid}_${schemas.length}_${Date.now() % 100000}`;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`create schema ${schema}`);
      await c.end();
      schemas.push(schema);
      const u = new URL(url!);
      u.searchParams.set('options', `-c search_path=${schema}`);
      return { url: u.toString() };
    },
    async cleanup() {
      if (!url || !schemas.length) return;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      for (const s of schemas) await c.query(`drop schema if exists ${s} cascade`);
      await c.end();
    },
  };
  return [lite, server];
}

function writeGenerated(dir: string, n: number, seed0 = 5000): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `g${String(i).padStart(4, '0')}.txt`), generateReport(mulberry32(seed0 + i), { size: 'medium' }).text);
}

/** No duplicates and every stored report whole (its cells rows = the cells of its JSON). */
async function assertWhole(db: Db): Promise<number> {
  const [{ n, d }] = await db.query<{ n: number; d: number }>('select count(*)::int as n, count(distinct sha256)::int as d from reports where superseded_by is null');
  assert.equal(n, d, 'one current report per sha256');
  const rows = await db.query<{ id: number; report: Report | string; cells: number; findings: number }>(
    `select r.id, r.report, (select count(*) from cells c where c.report_id = r.id)::int as cells,
            (select count(*) from findings f where f.report_id = r.id)::int as findings from reports r`);
  for (const r of rows) {
    const rep: Report = typeof r.report === 'string' ? JSON.parse(r.report) : r.report;
    assert.equal(r.cells, cellCount(rep), `report ${r.id}: all its cells`);
    assert.equal(r.findings, rep.findings.length, `report ${r.id}: all its findings`);
  }
  return n;
}

test('collectPaths: files, folders (recursive, hidden skipped), globs, missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gk-paths-'));
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  for (const f of ['x.txt', 'a/y.txt', 'a/b/z.html', 'a/.hidden.txt']) writeFileSync(join(dir, f), 'x');
  assert.deepEqual(collectPaths([dir]).files, ['a/b/z.html', 'a/y.txt', 'x.txt'].map((f) => join(dir, f)));
  assert.deepEqual(collectPaths([join(dir, '*.txt')]).files, [join(dir, 'x.txt')]);
  assert.deepEqual(collectPaths([join(dir, '**/*.txt')]).files, [join(dir, 'a/y.txt'), join(dir, 'x.txt')]);
  const { missing } = collectPaths([join(dir, 'nope.txt'), join(dir, '*.pdf')]);
  assert.equal(missing.length, 2);
  rmSync(dir, { recursive: true, force: true });
});

for (const be of backends()) {
  describe(`ingest on ${be.name}`, { skip: be.skip }, () => {
    after(() => be.cleanup());

    describe('in process', () => {
      let db: Db;
      const dir = mkdtempSync(join(tmpdir(), 'gk-ingest-in-'));
      before(async () => {
        for (const f of readdirSync(INPUT)) copyFileSync(join(INPUT, f), join(dir, f));
        copyFileSync(join(INPUT, 'seed001-chaoyang-2021.txt'), join(dir, 'same-bytes-other-name.txt'));
        writeFileSync(join(dir, 'broken.txt'), '');
        writeGenerated(join(dir, 'gen'), 12);
        db = await openDb(await be.target());
      });
      after(async () => { await db?.close(); rmSync(dir, { recursive: true, force: true }); });

      test('ingest twice: no duplicates; same bytes under two names → one report; broken file recorded', async () => {
        const { files } = collectPaths([dir]);
        const s1 = await ingest(db, files, { parserVersion: 'v1', workers: 2 });
        assert.equal(s1.total, files.length);
        assert.equal(s1.failed.length, 1);
        assert.match(s1.failed[0].path, /broken\.txt$/);
        assert.equal(s1.stored + s1.skipped + s1.failed.length, files.length);
        assert.equal(s1.stored, files.length - 2, 'the copy under another name is not stored again');
        const errs = await db.query<{ path: string; message: string }>('select path, message from ingest_errors');
        assert.equal(errs.length, 1);
        assert.match(errs[0].message, / \/ /);
        const n1 = await assertWhole(db);
        assert.equal(n1, s1.stored);
        const s2 = await ingest(db, files, { parserVersion: 'v1', workers: 2 });
        assert.equal(s2.stored, 0);
        assert.equal(s2.skipped, files.length - 1);
        assert.equal(await assertWhole(db), n1);
        assert.equal((await db.query('select 1 from ingest_errors')).length, 1, 'a failure is recorded once per path');
      });

      test('a new parser version re-parses and supersedes; the old rows stay, marked', async () => {
        const files = collectPaths([join(dir, 'gen')]).files.slice(0, 4);
        const before = await db.query<{ id: number; sha256: string }>('select id, sha256 from reports where superseded_by is null');
        const s = await ingest(db, files, { parserVersion: 'v2', workers: 2 });
        assert.equal(s.stored, 4);
        assert.equal(s.superseded, 4);
        const old = await db.query<{ id: number; superseded_by: number; nv: string }>(
          `select o.id, o.superseded_by, n.parser_version as nv from reports o join reports n on n.id = o.superseded_by where o.parser_version = 'v1'`);
        assert.equal(old.length, 4);
        assert.ok(old.every((o) => o.nv === 'v2'));
        const after = await db.query('select id from reports where superseded_by is null');
        assert.equal(after.length, before.length, 'the current set has the same size');
        await assertWhole(db);
        // v2 again: nothing to do
        assert.equal((await ingest(db, files, { parserVersion: 'v2' })).skipped, 4);
      });

      test('queue: paths claimed with FOR UPDATE SKIP LOCKED, each marked done with its report', async () => {
        const qdir = join(dir, 'queued');
        writeGenerated(qdir, 6, 9000);
        writeFileSync(join(qdir, 'zz-broken.txt'), '');
        const files = collectPaths([qdir]).files;
        assert.equal(await enqueue(db, files), 7);
        assert.equal(await enqueue(db, files), 0, 'queued once');
        const s = await ingestQueue(db, { parserVersion: 'v2', workers: 2, batch: 3 });
        assert.equal(s.total, 7);
        assert.equal(s.stored, 6);
        assert.equal(s.failed.length, 1);
        const states = await db.query<{ state: string; n: number }>('select state, count(*)::int as n from ingest_queue group by state order by state');
        assert.deepEqual(states, [{ state: 'done', n: 6 }, { state: 'failed', n: 1 }]);
        assert.equal((await ingestQueue(db, { parserVersion: 'v2' })).total, 0, 'nothing left to claim');
        await assertWhole(db);
      });
    });

    test('SIGKILL during `gongkai ingest DIR`, then a rerun: every report whole, none twice', { timeout: 180_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gk-kill-'));
      const N = 150;
      writeGenerated(dir, N, 20000);
      const t = await be.target();
      const args = [BIN, 'ingest', dir, ...(t.dataDir ? ['--data', t.dataDir] : [])];
      const env = { ...process.env, DATABASE_URL: t.url, GONGKAI_PROGRESS: 'lines' };
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stored = 0;
      let killed = false;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (s: string) => {
        const m = [...s.matchAll(/^(\d+)\/(\d+)$/gm)].pop();
        if (m) stored = Number(m[1]);
        if (!killed && stored >= 20) { killed = true; child.kill('SIGKILL'); }
      });
      await exited;
      assert.ok(killed, 'the first run was killed mid-way');
      assert.ok(stored < N, `killed before the end (${stored}/${N})`);
      const rerun = spawnSync(process.execPath, args, { env: { ...env, GONGKAI_PROGRESS: '' }, encoding: 'utf8' });
      assert.equal(rerun.status, 0, rerun.stderr + rerun.stdout);
      assert.match(rerun.stdout, /导入完成.* \/ done/);
      const db = await openDb(t);
      try {
        assert.equal(await assertWhole(db), N);
        assert.equal((await db.query('select 1 from ingest_errors')).length, 0);
      } finally {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
