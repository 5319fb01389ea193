// The generated example reports shipped in examples/generated/: a few made-up bodies of a made-up
// city (示例市 — "example city", so nobody mistakes them for real reports) over several years,
// one year left out on purpose, so that the web app's body page has a timeline with a gap and the
// year-on-year comparison has pairs. The real reports beside them in examples/ have one year per
// body only. Regenerate with `node dist/src/generate/examples.js [DIR]` (deterministic).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateReport, mulberry32 } from './report.js';

export interface ExampleSeries {
  /** File name stem (ASCII). */
  slug: string;
  agency: string;
  years: number[];
}

/** Made-up bodies: a district government with 2021 missing, another district and a department. */
export const EXAMPLE_SERIES: ExampleSeries[] = [
  { slug: 'example-qinghe', agency: '示例市青禾区人民政府', years: [2019, 2020, 2022, 2023, 2024] },
  { slug: 'example-yunshan', agency: '示例市云杉区人民政府', years: [2023, 2024] },
  { slug: 'example-education', agency: '示例市教育局', years: [2022, 2023, 2024] },
];

export function exampleReports(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  EXAMPLE_SERIES.forEach((s, k) => {
    for (const year of s.years) {
      const g = generateReport(mulberry32(7000 + k * 100 + year), {
        version: year <= 2020 ? '2019' : '2021', form: 'pipes', size: 'medium', agency: s.agency, year,
      });
      out.push({ name: `${s.slug}-${year}.txt`, text: `${g.text}\n（本报告为 gongkai 生成的示例数据，不是真实报告 / generated example, not a real report）\n` });
    }
  });
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = resolve(process.argv[2] ?? 'examples/generated');
  mkdirSync(dir, { recursive: true });
  for (const r of exampleReports()) writeFileSync(join(dir, r.name), r.text);
  process.stdout.write(`wrote ${exampleReports().length} example reports to ${dir}\n`);
}
