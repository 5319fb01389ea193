// The corpus schema, as ordered SQL migrations (applied once each, recorded in `schema_migrations`,
// same SQL on PGlite and on a PostgreSQL server). Everything lives in one PostgreSQL schema
// (`gongkai` by default) so that a server database can hold other things beside it.
//
// The common questions are one indexed query each:
//   a body's timeline          reports (body_id, year)  → cells (report_id, cell)
//   a region's sums for a year bodies (region) / gin (region_parts) → reports (year, body_id) → cells
//   reports with errors        reports (id) where errors > 0   (partial index)
//
// `cells` is long (one row per report × template cell) and narrow: the cell path is a smallint
// into `cell_keys`, the status one byte ('r' read, 'b' blank, 'i' inferred, 'a' ambiguous,
// 'm' missing). `cells_v` spells both out. `cells`, `findings` and `facts` carry no foreign key
// to `reports` (a per-row check halves the bulk insert rate); they are only ever written in the
// same transaction as their report and deleted with it.

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'corpus',
    sql: `
create table bodies (
  id serial primary key,
  name text not null,
  norm_name text not null unique,
  level text,
  region text,
  region_parts text[] not null default '{}',
  division_code text,
  created_at timestamptz not null default now()
);
create index bodies_region on bodies (region);
create index bodies_region_parts on bodies using gin (region_parts);
create index bodies_division_code on bodies (division_code text_pattern_ops);

create table cell_keys (
  id smallint primary key,
  path text not null unique,
  tbl text not null,
  row_key text not null,
  col_key text not null
);

create table reports (
  id serial primary key,
  body_id int references bodies (id),
  year smallint,
  template text not null,
  published date,
  sha256 text not null unique,
  size bigint,
  format text not null,
  encoding text,
  path text not null,
  original text,
  parser_version text not null,
  cell_count int not null,
  errors int not null default 0,
  warnings int not null default 0,
  signature text,
  report jsonb not null,
  ingested_at timestamptz not null default now()
);
create index reports_body_year on reports (body_id, year);
create index reports_year_body on reports (year, body_id);
create index reports_with_errors on reports (id) where errors > 0;
create index reports_signature on reports (signature) where signature is not null;
create index reports_parser_version on reports (parser_version);

create table cells (
  report_id int not null,
  cell smallint not null,
  value numeric,
  status "char" not null,
  candidates numeric[],
  span_start int,
  span_end int,
  page smallint,
  primary key (report_id, cell)
);

create table findings (
  report_id int not null,
  rule text not null,
  severity text not null,
  message text not null,
  cells text[] not null default '{}',
  span_start int,
  span_end int
);
create index findings_report on findings (report_id);
create index findings_rule on findings (rule, severity);

create table facts (
  report_id int not null,
  kind text not null,
  value numeric not null,
  unit text,
  cell text,
  span_start int,
  span_end int,
  text text
);
create index facts_report on facts (report_id);

create table report_paths (
  path text primary key,
  report_id int not null,
  size bigint,
  mtime_ms bigint,
  seen_at timestamptz not null default now()
);
create index report_paths_report on report_paths (report_id);

create table report_versions (
  id serial primary key,
  report_id int not null,
  parser_version text not null,
  replaced_at timestamptz not null default now(),
  replaced_by_version text not null,
  cell_count int not null,
  errors int not null,
  warnings int not null,
  report jsonb not null
);
create index report_versions_report on report_versions (report_id);

create table originals (
  sha256 text primary key,
  bytes bytea not null
);

create table ingest_errors (
  path text primary key,
  sha256 text,
  size bigint,
  mtime_ms bigint,
  parser_version text not null,
  message text not null,
  at timestamptz not null default now()
);

create table ingest_queue (
  path text primary key,
  state text not null default 'pending' check (state in ('pending', 'claimed', 'done', 'failed')),
  claimed_by text,
  claimed_at timestamptz,
  attempts int not null default 0,
  message text
);
create index ingest_queue_open on ingest_queue (state, claimed_at) where state in ('pending', 'claimed');

create view cells_v as
select c.report_id, k.tbl, k.row_key, k.col_key, k.path, c.value,
       case c.status when 'r' then 'read' when 'b' then 'blank' when 'i' then 'inferred' when 'a' then 'ambiguous' else 'missing' end as status,
       c.candidates, c.span_start, c.span_end, c.page
from cells c join cell_keys k on k.id = c.cell`,
  },
  {
    // Speed (#5), one migration for both:
    // * The report JSON as `json` rather than `jsonb`: nothing queries inside it (the cells,
    //   findings and facts tables are what queries use), it is read back whole, and PGlite stores
    //   a `json` value in half the time (0.42 against 0.82 ms for a 13 KB report; no binary
    //   conversion). The cells key is left out during large PGlite loads and built again at the
    //   end (migrations.ts, restoreCellsKey): no schema change for that.
    // * `--region X` matches a body's full region or its own place (the last division):
    //   bodies_own_place makes the second test an index scan too, so the two become a BitmapOr
    //   instead of a scan of every body joined to every report of the year.
    id: 2,
    name: 'store_speed',
    sql: `
alter table reports alter column report type json using report::json;
alter table report_versions alter column report type json using report::json;
create index bodies_own_place on bodies ((region_parts[cardinality(region_parts)]))`,
  },
  {
    // The 依申请公开 register (src/register, spec register.md): applications and review /
    // litigation cases, each the current record (jsonb, as imported) with the columns the
    // counting and the due list filter on; and every change in `register_history` (who, when,
    // before, after), append-only: a trigger refuses to update or delete it.
    id: 3,
    name: 'register',
    sql: `
create table register_applications (
  body text not null,
  id text not null,
  received date not null,
  closed date,
  applicant_type text not null,
  record jsonb not null,
  version int not null default 1,
  updated_at timestamptz not null default now(),
  primary key (body, id)
);
create index register_applications_open on register_applications (received) where closed is null;
create table register_cases (
  body text not null,
  id text not null,
  kind text not null,
  filed date not null,
  concluded date,
  record jsonb not null,
  version int not null default 1,
  updated_at timestamptz not null default now(),
  primary key (body, id)
);
create table register_history (
  seq bigserial primary key,
  record_kind text not null check (record_kind in ('application', 'case')),
  body text not null,
  record_id text not null,
  version int not null,
  action text not null check (action in ('create', 'update', 'delete')),
  actor text not null,
  at timestamptz not null default now(),
  before jsonb,
  after jsonb
);
create index register_history_record on register_history (record_kind, body, record_id, seq);
create function register_history_append_only() returns trigger language plpgsql as $$ begin raise exception 'register_history is append-only'; end $$;
create trigger register_history_keep before update or delete on register_history
  for each row execute function register_history_append_only()`,
  },
  {
    // Accounts, sessions and the audit log (#14; the tables are used by src/auth/). Id 3 is the
    // register's. Passwords are Argon2id strings (src/auth/passwords.ts); a session row holds the
    // SHA-256 of the cookie's random id, never the id itself, so a copy of the database opens no
    // session. `audit_log` refuses UPDATE, DELETE and TRUNCATE: rows are only ever appended.
    id: 4,
    name: 'accounts',
    sql: `
create table users (
  id serial primary key,
  name text not null,
  norm_name text not null unique,
  display_name text,
  password_hash text not null,
  totp_secret text,
  totp_last_step bigint,
  disabled boolean not null default false,
  password_changed_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);

create table user_grants (
  id serial primary key,
  user_id int not null references users (id) on delete cascade,
  role text not null check (role in ('registrar', 'reviewer', 'superior', 'admin', 'researcher')),
  body_id int references bodies (id),
  division_prefix text check (division_prefix ~ '^[0-9]{2,12}$'),
  parent_body_id int references bodies (id),
  personal_data boolean not null default false,
  created_at timestamptz not null default now()
);
create index user_grants_user on user_grants (user_id);

create table sessions (
  id_hash text primary key,
  user_id int not null references users (id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  address text
);
create index sessions_user on sessions (user_id);

create table login_failures (
  kind text not null check (kind in ('account', 'address')),
  key text not null,
  at timestamptz not null
);
create index login_failures_key on login_failures (kind, key, at);

create table audit_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_id int,
  actor_name text,
  address text,
  action text not null,
  subject_kind text,
  subject_id text,
  body_id int,
  before jsonb,
  after jsonb
);
create index audit_log_at on audit_log (at);
create index audit_log_body on audit_log (body_id, at) where body_id is not null;

-- one line: the migration runner splits statements at a semicolon that ends a line
create function audit_log_append_only() returns trigger language plpgsql as $$ begin raise exception 'audit_log is append-only'; end $$;
create trigger audit_log_no_update before update or delete on audit_log for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only()`,
  },
  {
    // The store's own count of its reports, kept by the database in the same transaction as
    // every insert, delete and truncate (statement triggers: one update per statement, not per
    // row). integrity.ts compares it with the table on open (id 3 is the register's, 4 the accounts'): a reports file cut short or
    // emptied outside PostgreSQL shows as fewer rows than were committed.
    id: 5,
    name: 'manifest',
    sql: `
create table manifest (tbl text primary key, n bigint not null);
insert into manifest (tbl, n) select 'reports', count(*) from reports;
create function manifest_added() returns trigger language plpgsql as $$ begin update manifest set n = n + (select count(*) from added) where tbl = TG_TABLE_NAME; return null; end $$;
create function manifest_removed() returns trigger language plpgsql as $$ begin update manifest set n = n - (select count(*) from removed) where tbl = TG_TABLE_NAME; return null; end $$;
create function manifest_emptied() returns trigger language plpgsql as $$ begin update manifest set n = 0 where tbl = TG_TABLE_NAME; return null; end $$;
create trigger reports_manifest_insert after insert on reports referencing new table as added for each statement execute function manifest_added();
create trigger reports_manifest_delete after delete on reports referencing old table as removed for each statement execute function manifest_removed();
create trigger reports_manifest_truncate after truncate on reports for each statement execute function manifest_emptied()`,
  },
];

/** The newest schema this code knows. A database with a later migration was made by a newer gongkai. */
export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.id));
