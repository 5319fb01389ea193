// A store damaged outside PostgreSQL is refused on open (src/store/integrity.ts): the cells or the
// reports table file emptied or cut short, as a disk error or a careless copy would leave them.
// The CLI then says so in one line and exits 2, instead of exporting reports without cells.

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, StoreError } from '../src/store/db.js';
import { ingest } from '../src/store/ingest.js';
import { BIN, INPUT } from './backends.js';

const FILES = ['seed001-chaoyang-2021.txt', 'seed002-benge-2023.txt', 'seed004-linshu-2019.txt'].map((f) => join(INPUT, f));
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** A fresh store of three reports; returns its directory and the files of the tables, closed. */
async function store(): Promise<{ dir: string; file: (table: string) => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gk-integrity-'));
  dirs.push(dir);
  const db = await openDb({ dataDir: dir, create: true });
  const files = new Map<string, string>();
  try {
    const s = await ingest(db, FILES, { workers: 1 });
    assert.equal(s.stored, 3);
    for (const t of ['reports', 'cells']) {
      const [{ path }] = await db.query<{ path: string }>(`select pg_relation_filepath('${db.schema}.${t}') as path`);
      files.set(t, join(dir, 'pg', path));
    }
  } finally {
    await db.close();
  }
  return { dir, file: (t) => files.get(t)! };
}

function exportCli(dir: string) {
  return spawnSync(process.execPath, [BIN, 'export', '--format', 'jsonl', '--data', dir], { encoding: 'utf8', timeout: 120_000 });
}

describe('store integrity on open', () => {
  test('an intact store opens, and the manifest counts its reports', async () => {
    const { dir } = await store();
    const db = await openDb({ dataDir: dir });
    try {
      const [{ n }] = await db.query<{ n: string }>(`select n::text as n from manifest where tbl = 'reports'`);
      assert.equal(n, '3');
    } finally {
      await db.close();
    }
    const r = exportCli(dir);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 3);
  });

  test('the cells table file emptied: refused with one line, exit 2, no export', async () => {
    const { dir, file } = await store();
    assert.ok(statSync(file('cells')).size > 0);
    truncateSync(file('cells'), 0);
    await assert.rejects(openDb({ dataDir: dir }), (e: unknown) => e instanceof StoreError && e.code === 'corrupt' && /损坏.* \/ .*damaged/.test(e.message));
    const r = exportCli(dir);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /语料库已损坏.*cells/);
  });

  test('the reports table file emptied: refused (the manifest counted three)', async () => {
    const { dir, file } = await store();
    truncateSync(file('reports'), 0);
    await assert.rejects(openDb({ dataDir: dir }), (e: unknown) => e instanceof StoreError && e.code === 'corrupt' && /reports/.test(e.message));
    const r = spawnSync(process.execPath, [BIN, 'check', '--corpus', '--data', dir], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /语料库已损坏/);
  });
});
