// Killing an ingest at any moment leaves no half report; running it again finishes the rest
// without duplicates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/store/db.js';
import { generateReport, mulberry32 } from '../src/generate/report.js';
import { FIXTURES } from './helpers.js';

const BIN = join(FIXTURES, '..', '..', 'bin', 'gongkai.js');

test('SIGKILL during ingest, then a rerun: every report whole, none twice', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gk-kill-'));
  const data = mkdtempSync(join(tmpdir(), 'gk-kill-db-'));
  const N = 80;
  for (let i = 0; i < N; i++) writeFileSync(join(dir, `r${i}.txt`), generateReport(mulberry32(1000 + i), { size: 'medium' }).text);
  const child = spawn(process.execPath, [BIN, 'ingest', '--data', data, dir], { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  // kill it while it works (if it is not done already)
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  child.kill('SIGKILL');
  await exited;
  const rerun = spawnSync(process.execPath, [BIN, 'ingest', '--data', data, dir], { encoding: 'utf8' });
  assert.equal(rerun.status, 0, rerun.stderr);
  const db = await openDb({ dataDir: data, url: '' });
  try {
    const reports = await db.query<{ n: number; d: number }>('select count(*)::int as n, count(distinct sha256)::int as d from reports');
    assert.equal(reports[0].n, N);
    assert.equal(reports[0].d, N);
    const partial = await db.query<{ id: number; n: number; template: string }>(
      'select r.id, r.template, count(c.*)::int as n from reports r left join cells c on c.report_id = r.id group by r.id, r.template',
    );
    for (const p of partial) assert.equal(p.n, p.template === '2019' ? 161 + 15 + 22 : 175 + 15 + 10, `report ${p.id}`);
  } finally {
    await db.close();
  }
});
