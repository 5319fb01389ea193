// Library API of gongkai.
export { parseReport, DEFAULT_MAX_BYTES, type ParseOptions } from './parse.js';
export * from './types.js';
export { TEMPLATES, versionForYear } from './template/index.js';
export type { TemplateDef, TableDef, RowDef, ColumnDef, LinearRule, TableKey } from './template/index.js';
