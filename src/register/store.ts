// The register in the corpus database (migration 3 'register', src/store/schema.ts): the current
// record of each application and case, and every change in `register_history` — who, when, the
// record before and after — which is only ever appended (a trigger refuses anything else). A
// change is one transaction: the record and its history row are written together or not at all.

import type { Db, Queryable } from '../store/db.js';
import { closing, type Application, type Case } from './records.js';

export interface ChangeSummary {
  created: number;
  updated: number;
  unchanged: number;
}

export interface HistoryEntry {
  seq: number;
  record_kind: 'application' | 'case';
  body: string;
  record_id: string;
  version: number;
  action: 'create' | 'update' | 'delete';
  actor: string;
  at: string;
  before: unknown;
  after: unknown;
}

/** Canonical JSON (keys sorted) to tell a real change from the same record again. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const strip = <T extends { schema?: string }>(r: T): Omit<T, 'schema'> => {
  const { schema: _kind, ...rest } = r;
  return rest;
};

function checkActor(actor: string): string {
  const a = actor.trim();
  if (!a) throw new Error('register: every change needs an actor (who made it)');
  return a;
}

export class RegisterStore {
  constructor(readonly db: Db) {}

  private t(name: string): string {
    return `${this.db.schema}.${name}`;
  }

  /**
   * Stores applications and cases (new ones created, changed ones updated, identical ones left),
   * all in one transaction, each change with its history row.
   */
  async save(applications: Application[], cases: Case[], actor: string): Promise<ChangeSummary> {
    const who = checkActor(actor);
    return this.db.transaction(async (q) => {
      const sum: ChangeSummary = { created: 0, updated: 0, unchanged: 0 };
      for (const a of applications) this.tally(sum, await this.putApplication(q, strip(a) as Application, who));
      for (const c of cases) this.tally(sum, await this.putCase(q, strip(c) as Case, who));
      return sum;
    });
  }

  private tally(sum: ChangeSummary, r: 'create' | 'update' | 'same'): void {
    if (r === 'create') sum.created++;
    else if (r === 'update') sum.updated++;
    else sum.unchanged++;
  }

  private async history(q: Queryable, kind: 'application' | 'case', body: string, id: string, version: number, action: string, actor: string, before: unknown, after: unknown): Promise<void> {
    await q.query(
      `insert into ${this.t('register_history')} (record_kind, body, record_id, version, action, actor, before, after) values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)`,
      [kind, body, id, version, action, actor, before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after)],
    );
  }

  private async putApplication(q: Queryable, a: Application, actor: string): Promise<'create' | 'update' | 'same'> {
    const old = await q.query<{ record: Application; version: number }>(`select record, version from ${this.t('register_applications')} where body = $1 and id = $2 for update`, [a.body, a.id]);
    const close = closing(a);
    if (!old.length) {
      await q.query(
        `insert into ${this.t('register_applications')} (body, id, received, closed, applicant_type, record) values ($1, $2, $3, $4, $5, $6::jsonb)`,
        [a.body, a.id, a.received, close?.date ?? null, a.applicant.type, JSON.stringify(a)],
      );
      await this.history(q, 'application', a.body, a.id, 1, 'create', actor, null, a);
      return 'create';
    }
    if (canonical(old[0].record) === canonical(a)) return 'same';
    const version = Number(old[0].version) + 1;
    await q.query(
      `update ${this.t('register_applications')} set received = $3, closed = $4, applicant_type = $5, record = $6::jsonb, version = $7, updated_at = now() where body = $1 and id = $2`,
      [a.body, a.id, a.received, close?.date ?? null, a.applicant.type, JSON.stringify(a), version],
    );
    await this.history(q, 'application', a.body, a.id, version, 'update', actor, old[0].record, a);
    return 'update';
  }

  private async putCase(q: Queryable, c: Case, actor: string): Promise<'create' | 'update' | 'same'> {
    const old = await q.query<{ record: Case; version: number }>(`select record, version from ${this.t('register_cases')} where body = $1 and id = $2 for update`, [c.body, c.id]);
    if (!old.length) {
      await q.query(
        `insert into ${this.t('register_cases')} (body, id, kind, filed, concluded, record) values ($1, $2, $3, $4, $5, $6::jsonb)`,
        [c.body, c.id, c.kind, c.filed, c.concluded ?? null, JSON.stringify(c)],
      );
      await this.history(q, 'case', c.body, c.id, 1, 'create', actor, null, c);
      return 'create';
    }
    if (canonical(old[0].record) === canonical(c)) return 'same';
    const version = Number(old[0].version) + 1;
    await q.query(
      `update ${this.t('register_cases')} set kind = $3, filed = $4, concluded = $5, record = $6::jsonb, version = $7, updated_at = now() where body = $1 and id = $2`,
      [c.body, c.id, c.kind, c.filed, c.concluded ?? null, JSON.stringify(c), version],
    );
    await this.history(q, 'case', c.body, c.id, version, 'update', actor, old[0].record, c);
    return 'update';
  }

  /** Removes an application (kept in the history with its last record). */
  async deleteApplication(body: string, id: string, actor: string): Promise<boolean> {
    const who = checkActor(actor);
    return this.db.transaction(async (q) => {
      const old = await q.query<{ record: Application; version: number }>(`delete from ${this.t('register_applications')} where body = $1 and id = $2 returning record, version`, [body, id]);
      if (!old.length) return false;
      await this.history(q, 'application', body, id, Number(old[0].version) + 1, 'delete', who, old[0].record, null);
      return true;
    });
  }

  /** Applications in the order received (then id), optionally of one body. */
  async applications(filter: { body?: string } = {}): Promise<Application[]> {
    const rows = await this.db.query<{ record: Application }>(
      `select record from ${this.t('register_applications')} ${filter.body ? 'where body = $1' : ''} order by received, body, id`,
      filter.body ? [filter.body] : [],
    );
    return rows.map((r) => r.record);
  }

  async cases(filter: { body?: string } = {}): Promise<Case[]> {
    const rows = await this.db.query<{ record: Case }>(
      `select record from ${this.t('register_cases')} ${filter.body ? 'where body = $1' : ''} order by filed, body, id`,
      filter.body ? [filter.body] : [],
    );
    return rows.map((r) => r.record);
  }

  async application(body: string, id: string): Promise<Application | null> {
    const rows = await this.db.query<{ record: Application }>(`select record from ${this.t('register_applications')} where body = $1 and id = $2`, [body, id]);
    return rows[0]?.record ?? null;
  }

  /** Every change to one record, oldest first. */
  async historyOf(kind: 'application' | 'case', body: string, id: string): Promise<HistoryEntry[]> {
    const rows = await this.db.query<HistoryEntry>(
      `select seq, record_kind, body, record_id, version, action, actor, at::text as at, before, after from ${this.t('register_history')} where record_kind = $1 and body = $2 and record_id = $3 order by seq`,
      [kind, body, id],
    );
    return rows.map((r) => ({ ...r, seq: Number(r.seq), version: Number(r.version) }));
  }
}
