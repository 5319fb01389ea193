// Library API of gongkai.
export { parseReport, parseDocument, parseDecoded, DEFAULT_MAX_BYTES, type ParseOptions } from './parse.js';
export { detectFormat, DEFAULT_LIMITS, type DecodedDocument, type DecodeLimits, type Box } from './decode/index.js';
export * from './types.js';
export { TEMPLATES, versionForYear } from './template/index.js';
export type { TemplateDef, TableDef, RowDef, ColumnDef, LinearRule, TableKey } from './template/index.js';
export * as register from './register/index.js';
