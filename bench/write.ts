// npm run bench:write — the writers on a full report (gov-2021.docx parsed with its text): median
// time to render each format (PDF through LibreOffice when installed), and the round trip (render + parse back) per format. Timed here, not
// in the tests (a loaded CI machine fails wall-clock bounds for reasons that are not bugs).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from '../src/parse.js';
import { readRenderInput, renderReport } from '../src/write/index.js';
import { findSoffice } from '../src/decode/docx.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures');

async function median(fn: () => Promise<unknown>, runs = 21, warm = 3): Promise<number> {
  for (let i = 0; i < warm; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const report = await parseDocument(readFileSync(join(FIXTURES, 'docx', 'gov-2021.docx')), { path: 'gov-2021.docx', includeText: true });
const input = readRenderInput(JSON.stringify(report));
for (const format of ['docx', 'html', 'text'] as const) {
  const { bytes } = await renderReport(input, format);
  const render = await median(() => renderReport(input, format));
  const trip = await median(async () => parseDocument((await renderReport(input, format)).bytes, { path: `r.${format === 'text' ? 'txt' : format}` }));
  console.log(`${format.padEnd(5)} ${String(bytes.length).padStart(6)} bytes   render median ${render.toFixed(1)} ms   render + parse back median ${trip.toFixed(1)} ms`);
}
if (findSoffice()) {
  // PDF goes through LibreOffice: a process start per document dominates.
  const pdf = await median(() => renderReport(input, 'pdf'), 3, 1);
  console.log(`pdf   render (LibreOffice) median of 3: ${pdf.toFixed(0)} ms`);
}
