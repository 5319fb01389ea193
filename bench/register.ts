// npm run bench:register: the register at 100,000 applications (a body's seven years, generated
// with a fixed seed): tables 三 and 四 of one year (aim < 1 s) and the due list of every
// application on one day (aim < 200 ms). Prints lines for the README.
import { countTables } from '../src/register/count.js';
import { dueList } from '../src/register/clock.js';
import { calendarYears, dayNumber, isoOf } from '../src/register/calendar.js';
import { APPLICANT_TYPES, CASE_KINDS, CASE_RESULTS, OUTCOMES, type Application, type Case } from '../src/register/records.js';
import { mulberry32 } from '../src/generate/report.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const n = arg('--n', 100_000);
const runs = arg('--runs', 5);
const rng = mulberry32(20251204);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
const first = dayNumber('2019-01-01')!;
const last = dayNumber('2025-12-31')!;

const apps: Application[] = [];
for (let i = 0; i < n; i++) {
  const received = first + Math.floor(rng() * (last - first));
  const events: Application['events'] = [];
  let t = received;
  if (rng() < 0.1) {
    events.push({ date: isoOf((t += 1 + Math.floor(rng() * 6))), kind: 'correction_requested' });
    events.push({ date: isoOf((t += 1 + Math.floor(rng() * 10))), kind: 'correction_received' });
  }
  if (rng() < 0.1) {
    events.push({ date: isoOf((t += 1 + Math.floor(rng() * 5))), kind: 'consultation_started', with: 'third_party' });
    events.push({ date: isoOf((t += 1 + Math.floor(rng() * 20))), kind: 'consultation_ended' });
  }
  if (rng() < 0.05) events.push({ date: isoOf((t += 10)), kind: 'extended' });
  if (rng() < 0.95) events.push({ date: isoOf(t + Math.floor(rng() * 40)), kind: 'answered', outcome: pick(OUTCOMES) as never });
  apps.push({ id: `A-${i}`, body: '示例市青禾区人民政府办公室', received: isoOf(received), applicant: { type: pick(APPLICANT_TYPES) as never }, events });
}
const cases: Case[] = Array.from({ length: Math.floor(n / 100) }, (_, i) => {
  const filed = first + Math.floor(rng() * (last - first));
  const done = rng() < 0.8;
  return { id: `C-${i}`, body: '示例市青禾区人民政府办公室', kind: pick(CASE_KINDS) as never, filed: isoOf(filed), concluded: done ? isoOf(filed + 30 + Math.floor(rng() * 200)) : null, result: done ? (pick(CASE_RESULTS) as never) : null };
});

calendarYears(); // the calendar table is built once per process: not part of either figure
const time = (fn: () => void) => {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], worst: times[times.length - 1] };
};
const withTrace = time(() => countTables(apps, cases, 2024));
const noTrace = time(() => countTables(apps, cases, 2024, { trace: false }));
const due = time(() => dueList(apps, '2025-12-01'));
const f = (x: { median: number; worst: number }) => `median ${x.median.toFixed(0)} ms, worst ${x.worst.toFixed(0)} ms`;
console.log(`register: ${n.toLocaleString('en')} applications, ${cases.length.toLocaleString('en')} cases, ${runs} runs`);
console.log(`tables 三/四 of one year, with the ids behind each cell: ${f(withTrace)} (aim < 1000 ms)`);
console.log(`tables 三/四 of one year, counts only: ${f(noTrace)}`);
console.log(`due list of every application on one day: ${f(due)} (aim < 200 ms)`);
