// The corpus schema as ordered migrations, each applied once and recorded in schema_migrations.
// Same SQL on PGlite and PostgreSQL. Cells are stored long (one row per cell) so that a body's
// timeline, a region's sums for a year and the reports with errors are each one indexed query.

import type { Db } from './db.js';

export const MIGRATIONS: { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'corpus',
    sql: `
create table bodies (
  id serial primary key,
  name text not null unique,
  level text,
  region text,
  division_code text
);
create index bodies_region on bodies (region);
create table reports (
  id serial primary key,
  body_id int references bodies(id),
  year int,
  template text not null,
  published date,
  sha256 text not null,
  path text,
  format text,
  parser_version text not null,
  superseded_by int references reports(id) deferrable initially deferred,
  report jsonb not null,
  created_at timestamptz not null default now(),
  unique (sha256, parser_version)
);
create unique index reports_sha256_current on reports (sha256) where superseded_by is null;
create index reports_body_year on reports (body_id, year) where superseded_by is null;
create index reports_year_body on reports (year, body_id) where superseded_by is null;
create table cells (
  report_id int not null references reports(id) on delete cascade,
  tbl text not null,
  row_key text not null,
  col_key text not null,
  value numeric,
  status text not null,
  span_start int,
  span_end int,
  page int,
  primary key (report_id, tbl, row_key, col_key)
);
create table findings (
  id serial primary key,
  report_id int not null references reports(id) on delete cascade,
  rule text not null,
  severity text not null,
  message text not null,
  cells text[] not null default '{}'
);
create index findings_report on findings (report_id);
create index findings_errors on findings (report_id) where severity = 'error';
create table facts (
  id serial primary key,
  report_id int not null references reports(id) on delete cascade,
  kind text not null,
  value numeric not null,
  unit text,
  cell text
);
create index facts_report on facts (report_id);
create table ingest_errors (
  id serial primary key,
  path text not null,
  sha256 text,
  message text not null,
  at timestamptz not null default now()
);
create table ingest_queue (
  path text primary key,
  state text not null default 'pending',
  claimed_at timestamptz,
  message text
);
create index ingest_queue_pending on ingest_queue (state, claimed_at)`,
  },
];

/** Applies the migrations not yet recorded. Concurrent openers are serialised by an advisory lock on PostgreSQL. */
export async function migrate(db: Db): Promise<void> {
  await db.transaction(async (q) => {
    if (db.kind === 'postgres') await q('select pg_advisory_xact_lock(7341001)');
    await q('create table if not exists schema_migrations (id int primary key, name text not null, applied_at timestamptz not null default now())');
    const done = new Set((await q<{ id: number }>('select id from schema_migrations')).map((r) => Number(r.id)));
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      for (const stmt of m.sql.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) await q(stmt);
      await q('insert into schema_migrations (id, name) values ($1, $2)', [m.id, m.name]);
    }
  });
}
