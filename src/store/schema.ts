// The corpus schema, as ordered migrations. Long-form cells so that the common questions — a
// body's timeline, a region's sums for a year, the reports with errors — are one indexed query.

export const MIGRATIONS: { id: number; sql: string }[] = [
  {
    id: 1,
    sql: `
create table bodies (
  id serial primary key,
  name text not null unique,
  level text,
  region text,
  division_code text
);
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
  superseded_by int references reports(id),
  errors int not null default 0,
  warnings int not null default 0,
  report jsonb not null,
  created_at timestamptz not null default now(),
  unique (sha256, parser_version)
);
create index reports_body_year on reports (body_id, year) where superseded_by is null;
create index reports_year on reports (year) where superseded_by is null;
create index reports_errors on reports (errors) where superseded_by is null and errors > 0;
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
create index cells_path on cells (tbl, row_key, col_key);
create table findings (
  id serial primary key,
  report_id int not null references reports(id) on delete cascade,
  rule text not null,
  severity text not null,
  message text not null,
  cells text[] not null default '{}'
);
create index findings_report on findings (report_id);
create index findings_rule on findings (rule);
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
)`,
  },
];
