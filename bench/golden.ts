// npm run golden: the report JSON of every fixture and of a fixed-seed generated corpus
// (every damaged form, every size, every blank share), hashed one line per input. Refactors and
// speed work must not change a single cell: run `npm run golden -- --write FILE` before a change
// and `npm run golden -- --check FILE` after it; --check prints every input whose JSON differs.
// `--dump DIR` also writes each JSON, to diff the ones that changed.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from '../src/parse.js';
import { generateReport, mulberry32, TEXT_FORMS } from '../src/generate/report.js';

const argOf = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const perForm = Number(argOf('--per-form') ?? 420);
const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return filesUnder(p);
    return /\.(txt|html|json|docx|pdf)$/.test(name) && !/truth|expected/.test(name) ? [p] : [];
  });
}

/**
 * The JSON a run prints. A finding's `params` (the values its message is rendered from) are left
 * out of the hash: they add no reading of their own, and the message rendered from them is kept.
 */
async function jsonOf(bytes: Uint8Array, path: string): Promise<string> {
  try {
    const report = await parseDocument(bytes, { path });
    return JSON.stringify(report, (key, value) => (key === 'params' ? undefined : value));
  } catch (e) {
    return JSON.stringify({ error: (e as Error).message, code: (e as { code?: string }).code ?? null });
  }
}

const lines: string[] = [];
const dump = argOf('--dump');
if (dump) mkdirSync(dump, { recursive: true });
async function add(name: string, bytes: Uint8Array) {
  const json = await jsonOf(bytes, name);
  lines.push(`${name}\t${createHash('sha256').update(json).digest('hex').slice(0, 16)}`);
  if (dump) writeFileSync(join(dump, name.replace(/[/\\]/g, '__') + '.json'), json);
}

for (const file of filesUnder(fixtures)) await add(relative(root, file), readFileSync(file));
const sizes = ['zero', 'small', 'medium', 'large'] as const;
const shares = [0, 0.3, 0.6, 1];
for (const form of TEXT_FORMS) {
  const rng = mulberry32(0x5eed + form.length * 7919);
  for (let i = 0; i < perForm; i++) {
    const g = generateReport(rng, { form, size: sizes[i % 4], blankShare: shares[Math.floor(i / 4) % 4] });
    await add(`generated/${form}/${i}`, Buffer.from(g.text, 'utf8'));
  }
}

const out = lines.join('\n') + '\n';
const write = argOf('--write');
const check = argOf('--check');
if (write) writeFileSync(write, out);
if (check) {
  const want = new Map(readFileSync(check, 'utf8').trim().split('\n').map((l) => l.split('\t') as [string, string]));
  const differ = lines.map((l) => l.split('\t')).filter(([name, h]) => want.get(name) !== h).map(([name]) => name);
  const gone = [...want.keys()].filter((k) => !lines.some((l) => l.startsWith(k + '\t')));
  for (const name of differ) console.log(`differs: ${name}`);
  for (const name of gone) console.log(`gone: ${name}`);
  console.log(`golden: ${lines.length} inputs, ${differ.length} differ, ${gone.length} gone`);
  process.exit(differ.length || gone.length ? 1 : 0);
}
if (!write) process.stdout.write(out);
console.error(`golden: ${lines.length} inputs`);
