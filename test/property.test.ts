// Property: random tables that satisfy the template's arithmetic, rendered in each damaged
// text form, parse back to the same cells or to an honest `ambiguous` — never a silent error.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseReport } from '../src/parse.js';
import { generateReport, mulberry32, TEXT_FORMS, type TextForm } from '../src/generate/report.js';
import type { Report } from '../src/types.js';

const CONFIDENT = new Set(['read', 'blank', 'inferred']);
const stats = new Map<TextForm, { cells: number; ambiguous: number }>();

function cell(r: Report, path: string) {
  const [t, row, col] = path.split('.');
  return (r.tables as Record<string, Record<string, Record<string, { value: number | null; status: string; candidates?: number[] }>> | null>)[t]?.[row]?.[col];
}

for (const form of TEXT_FORMS) {
  test(`form ${form}: every cell right or honestly ambiguous`, () => {
    const sizes = fc.constantFrom('zero', 'small', 'medium', 'large') as fc.Arbitrary<'zero' | 'small' | 'medium' | 'large'>;
    // how many zero cells are written blank: none, some, most, all
    const shares = fc.constantFrom(0, 0.3, 0.6, 1);
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), sizes, shares, (seed, size, blankShare) => {
      const g = generateReport(mulberry32(seed), { form, size, blankShare });
      const r = parseReport(g.text);
      assert.equal(r.meta.template, g.version);
      assert.equal(r.meta.year, g.year);
      const s = stats.get(form) ?? { cells: 0, ambiguous: 0 };
      for (const [path, want] of Object.entries(g.cells)) {
        const got = cell(r, path);
        assert.ok(got, `${path} absent`);
        s.cells++;
        if (CONFIDENT.has(got.status)) assert.equal(got.value, want, `${form} seed ${seed} ${size} ${blankShare}: ${path} is ${got.value} (${got.status}), truth ${want}`);
        else {
          s.ambiguous++;
          // The candidates are complete unless the list was cut at 12 or the search ran out of budget.
          const cut = (got.candidates?.length ?? 0) >= 12 || r.findings.some((f) => f.rule === 'solve.budget');
          if (got.status === 'ambiguous' && got.candidates?.length && !cut) assert.ok(got.candidates.includes(want), `${path}: truth ${want} not among ${got.candidates}`);
        }
      }
      stats.set(form, s);
    }), { numRuns: 60 });
  });
}

after(() => {
  const parts = TEXT_FORMS.map((f) => {
    const s = stats.get(f);
    return `${f} ${s ? ((100 * s.ambiguous) / s.cells).toFixed(1) : 'n/a'}%`;
  });
  console.log(`ambiguous share per form (cells not decided): ${parts.join(', ')}`);
});
