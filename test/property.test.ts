// Property: random tables that satisfy the template's arithmetic, rendered in each damaged
// text form, parse back to the same cells or to an honest `ambiguous` — never a silent error.
// A small fixed-seed sample here; `npm run property` runs 3,000 reports per form.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseReport } from '../src/parse.js';
import { generateReport, mulberry32, TEXT_FORMS, type TextForm } from '../src/generate/report.js';
import { emptyTally, tallyReport, type PropertyTally } from '../src/generate/property.js';

const stats = new Map<TextForm, PropertyTally>();

for (const form of TEXT_FORMS) {
  test(`form ${form}: every cell right or honestly ambiguous`, () => {
    const sizes = fc.constantFrom('zero', 'small', 'medium', 'large') as fc.Arbitrary<'zero' | 'small' | 'medium' | 'large'>;
    // how many zero cells are written blank: none, some, most, all
    const shares = fc.constantFrom(0, 0.3, 0.6, 1);
    const tally = emptyTally();
    stats.set(form, tally);
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), sizes, shares, (seed, size, blankShare) => {
      const g = generateReport(mulberry32(seed), { form, size, blankShare });
      const r = parseReport(g.text);
      assert.equal(r.meta.template, g.version);
      assert.equal(r.meta.year, g.year);
      const before = { silent: tally.silent.length, missing: tally.truthMissing.length, unexplained: tally.unexplained.length };
      tallyReport(g, r, tally, `${form} seed ${seed} ${size} ${blankShare}`);
      assert.deepEqual(tally.silent.slice(before.silent), [], 'no cell confident and wrong');
      assert.deepEqual(tally.truthMissing.slice(before.missing), [], 'the truth among a complete candidate list');
      assert.deepEqual(tally.unexplained.slice(before.unexplained), [], 'an ambiguous cell lists candidates or a finding says why not');
    }), { numRuns: 60, seed: 11 });
  });
}

after(() => {
  const parts = TEXT_FORMS.map((f) => {
    const s = stats.get(f);
    return `${f} ${s ? ((100 * s.ambiguous) / s.cells).toFixed(1) : 'n/a'}%`;
  });
  console.log(`ambiguous share per form (cells not decided): ${parts.join(', ')}`);
});
