export * from './model.js';
export * from './versions.js';
export * from './rules.js';
export { cellPath, FACT_CELLS, type CellPath, type ColumnKey, type RowKey } from './tables.js';
