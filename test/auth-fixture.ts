// A store with accounts for the access tests: three bodies in a made-up city (甲区 and 乙区 under
// 示例市人民政府, 丙市 elsewhere), one stored report, and a user for every role and scope.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../src/store/db.js';
import { ingest } from '../src/store/ingest.js';
import { addGrant, createUser } from '../src/auth/users.js';
import type { GrantSpec } from '../src/auth/users.js';
import { INPUT } from './backends.js';

export const PASSWORD = 'Lantern-42-river';
export const CLI = { id: null, name: 'test', address: 'test' };

export interface AccountsFixture {
  db: Db;
  bodies: { A: number; B: number; city: number; C: number };
  reportId: number;
  /** principal name → user id */
  users: Record<string, number>;
  close(): Promise<void>;
}

export const PRINCIPALS = ['registrarA', 'reviewerA', 'superiorCity', 'superiorPD', 'admin', 'researcher', 'nobody'] as const;
export type Principal = (typeof PRINCIPALS)[number] | 'anonymous';

async function body(db: Db, name: string, code: string, parts: string[], level: string): Promise<number> {
  const [r] = await db.query<{ id: number }>(
    'insert into bodies (name, norm_name, level, region, region_parts, division_code) values ($1, $1, $2, $3, $4, $5) returning id',
    [name, level, parts.join(''), parts, code]);
  return Number(r.id);
}

export async function accountsFixture(opts: { withReport?: boolean } = {}): Promise<AccountsFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'gk-auth-'));
  const db = await openDb({ dataDir: join(dir, 'data'), url: '', create: true });
  const bodies = {
    city: await body(db, '示例市人民政府', '990100', ['示例省', '示例市'], '市级'),
    A: await body(db, '示例市甲区人民政府', '990101', ['示例省', '示例市', '甲区'], '县级'),
    B: await body(db, '示例市乙区人民政府', '990102', ['示例省', '示例市', '乙区'], '县级'),
    C: await body(db, '丙市人民政府', '990200', ['示例省', '丙市'], '市级'),
  };
  let reportId = 1;
  if (opts.withReport !== false) {
    await ingest(db, [join(INPUT, 'seed001-chaoyang-2021.txt')], { workers: 1 });
    const [r] = await db.query<{ id: number }>('select id from reports limit 1');
    reportId = Number(r.id);
  }
  const grants: Record<(typeof PRINCIPALS)[number], GrantSpec[]> = {
    registrarA: [{ role: 'registrar', body_id: bodies.A }],
    reviewerA: [{ role: 'reviewer', body_id: bodies.A }],
    superiorCity: [{ role: 'superior', parent_body_id: bodies.city }],
    superiorPD: [{ role: 'superior', division_prefix: '9901', personal_data: true }],
    admin: [{ role: 'admin' }],
    researcher: [{ role: 'researcher' }],
    nobody: [],
  };
  const users: Record<string, number> = {};
  for (const p of PRINCIPALS) {
    const u = await createUser(db, CLI, { name: p, password: PASSWORD });
    for (const g of grants[p]) await addGrant(db, CLI, u.id, g);
    users[p] = u.id;
  }
  return {
    db, bodies, reportId, users,
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
