// The template's tables as people see them: one walk of each table (outline), the merged grid
// built from it (grid), the same walk as flat lines (lines), and how a cell is shown (cells).
// Used by the web app, the CLI, both XLSX exports and the aggregate table.
export * from './cells.js';
export * from './grid.js';
export * from './outline.js';
export * from './lines.js';
