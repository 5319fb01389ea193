// npm run bench: parsing throughput on one core, on generated reports of mixed forms and sizes,
// plus the dev corpus when ../shared is beside the project. Prints lines for the README.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, parseReport } from '../src/parse.js';
import { generateReport, mulberry32, TEXT_FORMS, type TextForm } from '../src/generate/report.js';
import { benchPdf } from './pdf.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const n = arg('--n', 2000);
const rng = mulberry32(20241123);
const sizes = ['small', 'medium', 'large'] as const;
const reports = Array.from({ length: n }, (_, i) => generateReport(rng, { form: TEXT_FORMS[i % TEXT_FORMS.length], size: sizes[Math.floor(i / TEXT_FORMS.length) % 3] }));

let peak = 0;
const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
parseReport(reports[0].text); // warm-up: converters and division tables load once

const perForm = new Map<TextForm, { n: number; ms: number }>();
let worst = { ms: 0, form: '' as string, size: '' };
const t0 = process.hrtime.bigint();
reports.forEach((g, i) => {
  const s = process.hrtime.bigint();
  parseReport(g.text);
  const ms = Number(process.hrtime.bigint() - s) / 1e6;
  const f = perForm.get(g.form) ?? { n: 0, ms: 0 };
  f.n++; f.ms += ms;
  perForm.set(g.form, f);
  if (ms > worst.ms) worst = { ms, form: g.form, size: sizes[Math.floor(i / TEXT_FORMS.length) % 3] };
  if (i % 50 === 0) sample();
});
const total = Number(process.hrtime.bigint() - t0) / 1e6;
sample();
console.log(`generated text reports: ${n} parsed in ${(total / 1000).toFixed(2)} s on one core = ${(n / (total / 1000)).toFixed(0)} reports/s; mean ${(total / n).toFixed(2)} ms; worst ${worst.ms.toFixed(1)} ms (${worst.form}, ${worst.size})`);
console.log(`per form (reports/s): ${[...perForm].map(([f, v]) => `${f} ${(v.n / (v.ms / 1000)).toFixed(0)}`).join(', ')}`);
console.log(`peak RSS: ${(peak / 1048576).toFixed(0)} MB sampled, ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB max`);

// HTML: the same generated reports as web pages (tables as <table>, blocks as <p>).
const toHtml = (text: string) => '<html><head><meta charset="utf-8"></head><body><div class="article">' + text.split('\n').map((l) => (l.includes('|')
  ? `<table><tr>${l.split('|').slice(0, -1).map((c) => `<td>${c.trim() || '&nbsp;'}</td>`).join('')}</tr></table>`
  : `<p>${l.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`)).join('') + '</div></body></html>';
const pages = reports.filter((g) => g.form === 'pipes').slice(0, 300).map((g) => Buffer.from(toHtml(g.text)));
const h0 = process.hrtime.bigint();
for (const b of pages) parseReport(b);
const hms = Number(process.hrtime.bigint() - h0) / 1e6;
console.log(`HTML pages: ${pages.length} parsed at ${(pages.length / (hms / 1000)).toFixed(0)} reports/s (mean ${(hms / pages.length).toFixed(2)} ms)`);

// The real dev corpus, when it is there: text inputs per report, PDFs per page.
const corpus = join(process.cwd(), '..', 'shared', 'corpus', 'dev', 'input');
if (existsSync(corpus)) {
  const files = readdirSync(corpus).sort();
  for (const f of files) {
    const bytes = readFileSync(join(corpus, f));
    const runs = f.endsWith('.pdf') ? 3 : 20;
    const pages = 0;
    const s = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) {
      try {
        await parseDocument(bytes, { path: f });
      } catch { /* a format not yet supported */ }
    }
    const ms = Number(process.hrtime.bigint() - s) / 1e6 / runs;
    console.log(`corpus ${f}: ${ms.toFixed(1)} ms per report${pages ? `, ${(pages / (ms / 1000)).toFixed(1)} pages/s` : ''}`);
  }
  const pdfs = files.filter((f) => f.endsWith('.pdf')).map((f) => join(corpus, f));
  if (pdfs.length) {
    await benchPdf(pdfs); // warm-up: fonts and cmaps
    const b = await benchPdf(pdfs);
    console.log(`PDF decoding (dev corpus, warm): ${b.pages} pages in ${b.seconds.toFixed(2)} s = ${(b.pages / b.seconds).toFixed(1)} pages/s`);
  }
}
