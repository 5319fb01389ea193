// The template's tables as people see them: one walk of each table (outline), the merged grid
// built from it (grid), and how a cell is shown (cells). Used by the web app, the CLI, both XLSX
// exports and the aggregate table; see docs in each file.
export * from './cells.js';
export * from './grid.js';
export * from './outline.js';
