// The one seam to the shared table layout (the grid of each template table with its merged
// header cells, built from src/template/): the writers draw that grid and build none of their own.
// It lives in src/server/layout.ts today; when it moves to src/layout/, only this line changes.
export { displayText, templateLayout, type LayoutCell, type TableLayout } from '../server/layout.js';
