// The corpus store: PGlite in a data directory or a PostgreSQL server, bulk ingest in worker
// threads, checks across reports, exports and aggregates. See docs/corpus.md.
export { openDb, resolveTarget, StoreError, DEFAULT_DATA_DIR, DEFAULT_SCHEMA, type Db, type OpenOptions, type Queryable } from './db.js';
export { migrate } from './migrations.js';
export { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
export { PARSER_VERSION, parserVersion, compareVersions } from './version.js';
export { bodyOf, cellCount, cellPaths, normaliseName, prepareReport, regionParts, levelOfName } from './model.js';
export { collectPaths, enqueue, ingest, ingestQueue, claimPaths, storeReport, statEntry, type FileEntry, type IngestOptions, type IngestProgress, type IngestSummary } from './ingest.js';
export { checkCorpus, type CorpusFinding } from './checks.js';
export { bodyTimeline, cellsOf, exportText, exportXlsx, reportsWithErrors, selectReports, type ReportFilter, type ReportRow } from './export.js';
export { aggregate, renderAggregate, type Aggregate, type AggregateFilter } from './aggregate.js';
