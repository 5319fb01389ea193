export * from './model.js';
export * from './versions.js';
export * from './rules.js';
export { cellPath, type CellPath, type ColumnKey, type RowKey } from './tables.js';
