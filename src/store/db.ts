// One small interface over the two databases the corpus lives in: an embedded PostgreSQL (PGlite)
// in a data directory — nothing to install — or a PostgreSQL server (DATABASE_URL). Same SQL, same
// migrations; bulk rows go in with COPY on PGlite and with unnest() arrays on a server.
//
// A data directory is ours when it holds `gongkai.json`:
//   DIR/gongkai.json   marker (format, layout)
//   DIR/pg/            the PGlite database
//   DIR/files/ab/…     original files, content-addressed by sha256
//   DIR/lock           pid of the process using it (PGlite is one process at a time)

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { copyLines, pgArray } from './copy.js';
import { migrate } from './migrations.js';
import { LockBusyError, takeLock } from './lock.js';
import { checkIntegrity } from './integrity.js';

/** A store that cannot be opened or used (not ours, in use, missing, newer): the CLI prints the message and exits 2. */
export class StoreError extends Error {
  constructor(message: string, readonly code: 'missing' | 'not_ours' | 'in_use' | 'newer' | 'connect' | 'bad_option' | 'corrupt') {
    super(message);
    this.name = 'StoreError';
  }
}

export type Row = Record<string, unknown>;
/** A column for bulk inserts: name and PostgreSQL type (`int`, `text[]`, `jsonb`, …). */
export type Column = readonly [name: string, type: string];

export interface Queryable {
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Inserts many rows at once (COPY on PGlite, unnest() on PostgreSQL). Values: null, numbers, strings, booleans, arrays. */
  insertRows(table: string, columns: readonly Column[], rows: unknown[][]): Promise<void>;
  /**
   * PGlite only: rows already in COPY text form (`copy.ts`; lines separated by newlines), in one
   * COPY. Absent on a server, where `insertRows` is the bulk path.
   */
  copyText?(table: string, columns: readonly Column[], text: string): Promise<void>;
}

export interface Db extends Queryable {
  kind: 'pglite' | 'postgres';
  /** The PostgreSQL schema the tables live in. */
  schema: string;
  /** Where the corpus is, for messages: the data directory or the server URL without its password. */
  location: string;
  /** Folder of the original files (content-addressed); null: their bytes go to the `originals` table. */
  filesDir: string | null;
  /** Cell path → `cell_keys.id`. */
  cellIds: Map<string, number>;
  /** Runs `fn` in one transaction: all of it is stored, or none. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const DEFAULT_DATA_DIR = './gongkai-data';
export const DEFAULT_SCHEMA = 'gongkai';
const MARKER = 'gongkai.json';
const LAYOUT = 1;

export interface OpenOptions {
  /** PGlite data directory. Given, it wins over DATABASE_URL; else GONGKAI_DATA, else ./gongkai-data. */
  dataDir?: string;
  /** PostgreSQL URL; default DATABASE_URL (unless dataDir is given). '' forces PGlite. */
  url?: string;
  /** PostgreSQL schema for the tables (default `gongkai`). */
  schema?: string;
  /** Folder for original files (PostgreSQL only; default GONGKAI_FILES, else the `originals` table). */
  filesDir?: string | null;
  /** Create the data directory / schema when absent (ingest); otherwise a missing corpus is an error. */
  create?: boolean;
}

/** Which database the options point to. */
export function resolveTarget(opts: OpenOptions = {}): { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string } {
  if (opts.url) return { kind: 'postgres', url: opts.url };
  if (opts.dataDir) return { kind: 'pglite', dir: resolve(opts.dataDir) };
  if (opts.url === undefined && process.env.DATABASE_URL) return { kind: 'postgres', url: process.env.DATABASE_URL };
  return { kind: 'pglite', dir: resolve(process.env.GONGKAI_DATA || DEFAULT_DATA_DIR) };
}

export async function openDb(opts: OpenOptions = {}): Promise<Db> {
  const schema = opts.schema ?? process.env.GONGKAI_SCHEMA ?? DEFAULT_SCHEMA;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new StoreError(`模式名不合法：${schema} / bad schema name`, 'bad_option');
  const target = resolveTarget(opts);
  const db = target.kind === 'postgres'
    ? await openPostgres(target.url, schema, opts.filesDir ?? process.env.GONGKAI_FILES ?? null)
    : await openPglite(target.dir, schema, !!opts.create);
  try {
    await migrate(db, { create: !!opts.create });
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  const problem = await checkIntegrity(db);
  if (problem) {
    await db.close().catch(() => undefined);
    throw new StoreError(`语料库已损坏（${db.location}）：${problem.message}；未作任何改动，请从备份恢复或重新导入 / the corpus store is damaged; nothing was changed: restore a backup or ingest again`, 'corrupt');
  }
  return db;
}

// ---------------------------------------------------------------- PGlite

function checkDataDir(dir: string, create: boolean): void {
  let st;
  try {
    st = statSync(dir);
  } catch {
    if (!create) throw new StoreError(`没有语料库：${dir} 不存在（请先运行 gongkai ingest） / no corpus at ${dir}: run gongkai ingest first`, 'missing');
    mkdirSync(dir, { recursive: true });
    st = statSync(dir);
  }
  if (!st.isDirectory()) throw new StoreError(`${dir} 不是目录，不能作为数据目录 / ${dir} is not a directory`, 'not_ours');
  const marker = join(dir, MARKER);
  if (existsSync(marker)) {
    let info: { format?: string; layout?: number };
    try {
      info = JSON.parse(readFileSync(marker, 'utf8'));
    } catch {
      throw new StoreError(`${marker} 无法读取，这不是 gongkai 的数据目录 / ${dir} is not a gongkai data directory (unreadable ${MARKER})`, 'not_ours');
    }
    if (info.format !== 'gongkai-corpus') throw new StoreError(`${dir} 不是 gongkai 的数据目录 / ${dir} is not a gongkai data directory`, 'not_ours');
    if ((info.layout ?? 0) > LAYOUT) throw new StoreError(`${dir} 由更新版本的 gongkai 创建，请升级 / ${dir} was made by a newer gongkai: upgrade`, 'newer');
    return;
  }
  const entries = readdirSync(dir).filter((f) => !f.startsWith('.'));
  if (entries.length) {
    const hint = entries.includes('PG_VERSION') ? '（这是一个没有 gongkai 标记的 PostgreSQL 数据目录，可能是旧版布局）' : '';
    throw new StoreError(`${dir} 不是 gongkai 的数据目录${hint}，未作任何改动；请换一个空目录 / ${dir} is not a gongkai data directory (not empty, no ${MARKER}); nothing was changed`, 'not_ours');
  }
  if (!create) throw new StoreError(`没有语料库：${dir} 是空目录（请先运行 gongkai ingest） / no corpus in ${dir}: run gongkai ingest first`, 'missing');
  writeFileSync(marker, JSON.stringify({ format: 'gongkai-corpus', layout: LAYOUT, created: new Date().toISOString() }, null, 2) + '\n');
}

/** One process at a time per PGlite directory: `lock` holds the pid, taken atomically (lock.ts). */
function lockDataDir(dir: string): () => void {
  try {
    return takeLock(join(dir, 'lock'));
  } catch (err) {
    if (!(err instanceof LockBusyError)) throw err;
    if (err.holder === process.pid) throw new StoreError(`${dir} 已在本进程中打开 / ${dir} is already open in this process`, 'in_use');
    if (err.holder !== null) throw new StoreError(`数据目录 ${dir} 正被进程 ${err.holder} 使用；内嵌数据库一次只能由一个进程打开（多进程请用 DATABASE_URL） / ${dir} is in use by process ${err.holder}`, 'in_use');
    throw new StoreError(`无法锁定数据目录 ${dir} / cannot lock ${dir}`, 'in_use');
  }
}

export { pgArray };

type LiteLike = { query<T>(sql: string, params?: unknown[], opts?: { blob?: Blob }): Promise<{ rows: T[] }> };

function liteQueryable(q: LiteLike): Queryable {
  // COPY from a blob: several times faster than INSERT in PGlite
  const copyText = async (table: string, columns: readonly Column[], text: string) => {
    if (!text) return;
    await q.query(`copy ${table} (${columns.map((c) => c[0]).join(', ')}) from '/dev/blob'`, [], { blob: new Blob([text + '\n']) });
  };
  return {
    query: async <T>(sql: string, params: unknown[] = []) => (await q.query<T>(sql, params)).rows,
    insertRows: (table, columns, rows) => copyText(table, columns, copyLines(rows)),
    copyText,
  };
}

async function openPglite(dir: string, schema: string, create: boolean): Promise<Db> {
  checkDataDir(dir, create);
  const release = lockDataDir(dir);
  let lite: PGlite;
  try {
    const pgDir = join(dir, 'pg');
    if (!existsSync(pgDir) && !create) throw new StoreError(`没有语料库：${dir} 中没有数据库（请先运行 gongkai ingest） / no database in ${dir}: run gongkai ingest first`, 'missing');
    mkdirSync(pgDir, { recursive: true });
    mkdirSync(join(dir, 'files'), { recursive: true });
    lite = new PGlite(pgDir);
    await lite.waitReady;
    await lite.query(`create schema if not exists ${schema}`);
    await lite.query(`set search_path to ${schema}`);
  } catch (err) {
    release();
    if (err instanceof StoreError) throw err;
    throw new StoreError(`无法打开内嵌数据库 ${dir}：${(err as Error).message} / cannot open the embedded database`, 'connect');
  }
  const base = liteQueryable(lite as unknown as LiteLike);
  let closed = false;
  return {
    kind: 'pglite',
    schema,
    location: dir,
    filesDir: join(dir, 'files'),
    cellIds: new Map(),
    ...base,
    transaction: (fn) => lite.transaction((tx) => fn(liteQueryable(tx as unknown as LiteLike))),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await lite.close();
      } finally {
        release();
      }
    },
  };
}

// ---------------------------------------------------------------- PostgreSQL server

function pgQueryable(c: pg.Pool | pg.PoolClient): Queryable {
  return {
    query: async <T>(sql: string, params: unknown[] = []) => (await c.query(sql, params)).rows as T[],
    async insertRows(table, columns, rows) {
      // one statement per few thousand rows: every column sent as text[] and cast back
      const names = columns.map((col) => col[0]).join(', ');
      const select = columns.map((col, i) => `u.c${i}::${col[1]}`).join(', ');
      const args = columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
      const alias = columns.map((_, i) => `c${i}`).join(', ');
      for (let i = 0; i < rows.length; i += 5000) {
        const chunk = rows.slice(i, i + 5000);
        const cols = columns.map((_, k) => chunk.map((r) => {
          const v = r[k];
          return v === null || v === undefined ? null : Array.isArray(v) ? pgArray(v) : typeof v === 'boolean' ? (v ? 't' : 'f') : String(v);
        }));
        await c.query(`insert into ${table} (${names}) select ${select} from unnest(${args}) as u(${alias})`, cols);
      }
    },
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

async function openPostgres(url: string, schema: string, filesDir: string | null): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined); // an idle client dropped by the server: the next query reconnects
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new StoreError(`无法连接 PostgreSQL（${redact(url)}）：${(err as Error).message} / cannot connect to PostgreSQL`, 'connect');
  }
  if (filesDir) mkdirSync(filesDir, { recursive: true });
  let closed = false;
  return {
    kind: 'postgres',
    schema,
    location: redact(url),
    filesDir: filesDir ? resolve(filesDir) : null,
    cellIds: new Map(),
    ...pgQueryable(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const out = await fn(pgQueryable(client));
        await client.query('commit');
        return out;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
