// npm run bench:stages — single stages on fixed inputs, timed here rather than in the tests (a
// loaded CI machine makes a wall-clock assertion fail for reasons that are not bugs): the prose
// reader on a 30 KB report and on punctuation-free input (must stay linear), and the text
// normaliser on 20 KB reports.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFacts } from '../src/narrative/index.js';
import { normalizeText } from '../src/normalize/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures');
const read = (...p: string[]) => readFileSync(join(FIXTURES, ...p), 'utf8');

/** Median of `runs` timed calls after `warm` untimed ones, in ms. */
function median(fn: () => unknown, runs = 11, warm = 3): number {
  for (let i = 0; i < warm; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const report = ['seed003-panyu-2021.txt', 'huaian-city-2024.txt', 'seed001-chaoyang-2021.txt', 'seed004-linshu-2019.txt']
  .map((f) => read('narrative', f)).join('\n').slice(0, 30000);
console.log(`prose facts, 30 KB report: median ${median(() => extractFacts(report)).toFixed(1)} ms`);
for (const k of [1, 2, 4]) {
  const flat = '受理申请1件'.repeat(5000 * k) + '无'.repeat(10000 * k) + '行政复议'.repeat(2000 * k);
  console.log(`prose facts, ${(flat.length / 1000).toFixed(0)}k characters without punctuation: ${median(() => extractFacts(flat), 3, 1).toFixed(0)} ms`);
}
for (const f of ['seed001-chaoyang-2021.head.txt', 'seed003-panyu-2021.plain.txt']) {
  const src = read('normalize', f);
  const big = (src + '\n').repeat(Math.ceil(20000 / src.length)).slice(0, 20000);
  console.log(`normalise 20 KB (${f}): median ${median(() => normalizeText(big), 11, 5).toFixed(2)} ms`);
}
