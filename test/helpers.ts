// Test helpers: fixture paths and the truth-file comparison the dev scorer uses.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/types.js';
import { TEMPLATES } from '../src/template/index.js';

/** test/fixtures in the source tree (tests run from dist/test). */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures');

export function fixture(...parts: string[]): Buffer {
  return readFileSync(join(FIXTURES, ...parts));
}

const REQUEST_COLS = ['natural_person', 'commercial', 'research', 'social_welfare', 'legal_service', 'other', 'total'];
const RL_GROUPS = ['review', 'litigation_direct', 'litigation_after_review'];
const RL_COLS = ['maintained', 'corrected', 'other', 'pending', 'total'];

export interface Truth {
  input: string;
  template: string;
  agency?: string | null;
  year?: number;
  published?: string;
  tables_absent?: boolean;
  table2?: Record<string, Record<string, number> | number[] | { ambiguous_digits: string }>;
  table3?: Record<string, number[]>;
  table4?: number[];
  narrative?: Record<string, number>;
}

export function truth(name: string): Truth {
  return JSON.parse(fixture('corpus', 'truth', `${name}.json`).toString('utf8'));
}

/** [path, expected] for every truth cell; expected 'ambiguous' where the source does not decide. */
export function truthCells(t: Truth): [string, number | 'ambiguous'][] {
  const out: [string, number | 'ambiguous'][] = [];
  for (const [row, vals] of Object.entries(t.table3 ?? {})) vals.forEach((v, i) => out.push([`requests.${row}.${REQUEST_COLS[i]}`, v]));
  (t.table4 ?? []).forEach((v, i) => out.push([`review_litigation.${RL_GROUPS[Math.floor(i / 5)]}.${RL_COLS[i % 5]}`, v]));
  // table2 rows are keyed by row key or by the template's label, with values as an object or in column order
  const version = TEMPLATES[t.template === '2019' ? '2019' : '2021'].tables.active;
  for (const [name, vals] of Object.entries(t.table2 ?? {})) {
    if (!Array.isArray(vals) && 'ambiguous_digits' in vals) continue;
    const row = version.rows.find((r) => r.key === name || r.label === name || (r.variants ?? []).includes(name));
    if (!row) continue;
    if (Array.isArray(vals)) vals.forEach((v, i) => row.columns?.[i] && out.push([`active.${row.key}.${row.columns[i].key}`, v]));
    else for (const [c, v] of Object.entries(vals)) out.push([`active.${row.key}.${c}`, v as number]);
  }
  return out;
}

export function cellAt(report: Report, path: string) {
  const [t, r, c] = path.split('.');
  return (report.tables as Record<string, Record<string, Record<string, { value: number | null; status: string; candidates?: number[] }>> | null>)[t]?.[r]?.[c];
}

const CONFIDENT = new Set(['read', 'blank', 'inferred']);

/** Truth cells the report does not give confidently with the right value, as readable lines. */
export function wrongCells(report: Report, cells: Iterable<[string, number | 'ambiguous']>): string[] {
  const wrong: string[] = [];
  for (const [path, want] of cells) {
    if (want === 'ambiguous') continue;
    const got = cellAt(report, path);
    if (!got || !CONFIDENT.has(got.status) || got.value !== want) wrong.push(`${path}: ${JSON.stringify(got)} want ${want}`);
  }
  return wrong;
}
