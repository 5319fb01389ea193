// npm run fuzz [-- --n 20000 --seed 1 --parallel 2 --deadline 5000 --from 0]
// Prints the crashes, hangs, slowest input and peak memory; exit 1 when anything crashed, hung
// or escaped the library as other than an InputError.

import { formatSummary, runFuzz } from './harness.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};

const n = arg('n', 20_000);
let last = 0;
const summary = await runFuzz({
  seed: arg('seed', 1), n, from: arg('from', 0), parallel: arg('parallel', 2), deadlineMs: arg('deadline', 5000), budgetMs: arg('budget', 2000),
  onProgress: (done, _n, s) => {
    if (done - last >= 1000 || done === n) {
      last = done;
      process.stderr.write(`  ${done}/${n} in ${s.seconds} s: crashes ${s.crashes.length}, hangs ${s.hangs.length}, internal ${s.internal.length}, slowest ${s.slowest?.ms ?? 0} ms (${s.slowest?.name ?? '-'}), peak ${s.peakRssMb} MB\n`);
    }
  },
});
process.stdout.write(formatSummary(summary) + '\n');
process.exitCode = summary.crashes.length || summary.hangs.length || summary.internal.length ? 1 : 0;
