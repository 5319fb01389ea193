// npm run property: the property test at scale — N generated reports per text form (default
// 3,000), every size and blank share, fixed seeds; prints silent errors, cells whose truth is
// missing from their candidates and the share of cells left ambiguous, per form. Exit 1 on any
// silent error. (`npm test` runs the same check on a small fixed-seed sample.)
import { parseReport } from '../src/parse.js';
import { generateReport, mulberry32, TEXT_FORMS, type TextForm } from '../src/generate/report.js';
import { emptyTally, tallyReport } from '../src/generate/property.js';

const argOf = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const perForm = Number(argOf('--n') ?? 3000);
const only = argOf('--form');
const seed0 = Number(argOf('--seed') ?? 1);
const sizes = ['zero', 'small', 'medium', 'large'] as const;
const shares = [0, 0.3, 0.6, 1];
let failed = false;
for (const form of TEXT_FORMS.filter((f) => !only || f === only) as TextForm[]) {
  const tally = emptyTally();
  const started = Date.now();
  for (let i = 0; i < perForm; i++) {
    const seed = seed0 * 1_000_003 + i;
    const size = sizes[i % 4];
    const blankShare = shares[Math.floor(i / 4) % 4];
    const g = generateReport(mulberry32(seed), { form, size, blankShare });
    tallyReport(g, parseReport(g.text), tally, `seed ${seed} ${size} ${blankShare}`);
  }
  const pct = ((100 * tally.ambiguous) / tally.cells).toFixed(2);
  console.log(`${form}: ${tally.reports} reports, ${tally.cells} cells, silent errors ${tally.silent.length}, truth missing ${tally.truthMissing.length}, unexplained empty ${tally.unexplained.length}, ambiguous ${pct}% (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  for (const s of [...tally.silent.slice(0, 10), ...tally.truthMissing.slice(0, 5), ...tally.unexplained.slice(0, 5)]) console.log(`  ${s}`);
  if (tally.silent.length) failed = true;
}
process.exitCode = failed ? 1 : 0;
