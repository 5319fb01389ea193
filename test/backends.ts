// The two stores the corpus tests run on: PGlite in a fresh temporary data directory, always, and
// a PostgreSQL server (a fresh schema each time) when TEST_DATABASE_URL is set — .ci/run starts one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { OpenOptions } from '../src/store/db.js';
import { FIXTURES } from './helpers.js';

export const BIN = join(FIXTURES, '..', '..', 'bin', 'gongkai.js');
export const INPUT = join(FIXTURES, 'corpus', 'input');
export const PG_URL = process.env.TEST_DATABASE_URL;
export const NO_PG = PG_URL ? undefined : 'no TEST_DATABASE_URL';

export interface Backend {
  name: string;
  /** Why the backend is skipped (no server), else undefined. */
  skip?: string;
  /** Options for a fresh, empty corpus. */
  fresh(): Promise<OpenOptions>;
  /** Environment for the CLI pointing at the same corpus. */
  env(o: OpenOptions): Record<string, string>;
  args(o: OpenOptions): string[];
  /** Remove every directory and schema handed out. */
  cleanup(): Promise<void>;
}

async function onServer(run: (c: pg.Client) => Promise<void>): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await run(c);
  } finally {
    await c.end();
  }
}

/** `prefix` names the temporary directories and schemas (gk-<prefix>-…, gk_<prefix>_…). */
export function backends(prefix: string): Backend[] {
  const dirs: string[] = [];
  const schemas: string[] = [];
  return [
    {
      name: 'PGlite',
      async fresh() {
        const d = mkdtempSync(join(tmpdir(), `gk-${prefix}-`));
        dirs.push(d);
        return { dataDir: join(d, 'data'), url: '' };
      },
      env: () => ({ DATABASE_URL: '' }),
      args: (o) => ['--data', o.dataDir!],
      async cleanup() {
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
      },
    },
    {
      name: 'PostgreSQL',
      skip: NO_PG,
      async fresh() {
        const schema = `gk_${prefix}_${process.pid}_${schemas.length}`;
        schemas.push(schema);
        await onServer((c) => c.query(`drop schema if exists ${schema} cascade`).then(() => undefined));
        return { url: PG_URL, schema };
      },
      env: (o) => ({ DATABASE_URL: o.url!, GONGKAI_SCHEMA: o.schema! }),
      args: () => [],
      async cleanup() {
        if (!PG_URL || !schemas.length) return;
        await onServer(async (c) => {
          for (const s of schemas) await c.query(`drop schema if exists ${s} cascade`);
        });
      },
    },
  ];
}
