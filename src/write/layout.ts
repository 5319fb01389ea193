// The one seam to the shared table layout (the grid of each template table with its merged
// header cells, built from src/template/): the writers draw that grid and build none of their own.
// It lives in src/layout/ (grid.ts).
export { displayText, templateLayout, type LayoutCell, type TableLayout } from '../layout/index.js';
