// PostgreSQL COPY text format (tab-separated, `\N` for null, backslash escapes), kept apart from
// db.ts so that the ingest worker threads can encode rows without loading the database drivers.
// Bulk ingest into PGlite sends whole batches as one COPY per table: the workers encode each
// report's rows (without the report id, which only the writing thread knows) and the main
// thread only joins the pieces — on two cores the main thread's time is the scarce one.

/** A JS array as a PostgreSQL array literal. */
export function pgArray(xs: unknown[]): string {
  return `{${xs.map((x) => (x === null || x === undefined ? 'NULL' : `"${String(x).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}

const NEEDS_ESCAPE = /[\\\n\r\t]/;

/** One value as a COPY text field: null → `\N`, arrays as array literals, booleans t/f; backslash, newline, CR and tab escaped. */
export function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  const s = Array.isArray(v) ? pgArray(v) : typeof v === 'boolean' ? (v ? 't' : 'f') : String(v);
  return NEEDS_ESCAPE.test(s) ? s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') : s;
}

/** Rows as COPY text lines (no trailing newline). */
export function copyLines(rows: unknown[][]): string {
  let out = '';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    let line = copyField(r[0]);
    for (let k = 1; k < r.length; k++) line += '\t' + copyField(r[k]);
    out += i ? '\n' + line : line;
  }
  return out;
}

/**
 * Puts a report id in front of each line of rows encoded without it. A newline inside a value is
 * escaped (`\n`, two characters), so every real newline starts a row.
 */
export function withId(id: number, lines: string): string {
  if (!lines) return '';
  const prefix = `${id}\t`;
  return prefix + lines.replaceAll('\n', '\n' + prefix);
}
