// Property: for random registers over several years, every counted table passes every rule of
// its template, carried_over(Y) = carried_forward(Y−1), every application is received once and
// closed once over the years, and each cell's trace holds as many ids as its count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { countTables } from '../src/register/count.js';
import { dueList } from '../src/register/clock.js';
import { APPLICANT_TYPES, CASE_KINDS, CASE_RESULTS, OUTCOMES, validateApplication, validateCase, type Application, type Case } from '../src/register/records.js';
import { isoOf, dayNumber } from '../src/register/calendar.js';

const FIRST = dayNumber('2019-01-01')!;
const LAST = dayNumber('2025-12-31')!;

const application = fc.record({
  received: fc.integer({ min: FIRST, max: LAST }),
  type: fc.constantFrom(...APPLICANT_TYPES),
  correction: fc.option(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 30 })), { nil: null }),
  consultation: fc.option(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 30 })), { nil: null }),
  extended: fc.boolean(),
  close: fc.option(fc.record({ after: fc.integer({ min: 0, max: 400 }), outcome: fc.constantFrom(...OUTCOMES, 'withdrawn') }), { nil: null, freq: 4 }),
});
const kase = fc.record({
  kind: fc.constantFrom(...CASE_KINDS),
  filed: fc.integer({ min: FIRST, max: LAST }),
  concluded: fc.option(fc.record({ after: fc.integer({ min: 0, max: 500 }), result: fc.constantFrom(...CASE_RESULTS) }), { nil: null }),
});

type Gen = fc.Arbitrary<{ apps: Application[]; cases: Case[] }>;
const register: Gen = fc.tuple(fc.array(application, { maxLength: 120 }), fc.array(kase, { maxLength: 20 })).map(([as, cs]) => {
  const apps = as.map((g, i) => {
    const events: Record<string, unknown>[] = [];
    let t = g.received;
    if (g.correction) {
      events.push({ date: isoOf((t += g.correction[0])), kind: 'correction_requested' });
      events.push({ date: isoOf((t += g.correction[1])), kind: 'correction_received' });
    }
    if (g.consultation) {
      events.push({ date: isoOf((t += g.consultation[0])), kind: 'consultation_started', with: 'third_party' });
      events.push({ date: isoOf((t += g.consultation[1])), kind: 'consultation_ended' });
    }
    if (g.extended) events.push({ date: isoOf((t += 5)), kind: 'extended' });
    if (g.close && t + g.close.after <= LAST + 200) {
      const date = isoOf(t + g.close.after);
      events.push(g.close.outcome === 'withdrawn' ? { date, kind: 'withdrawn' } : { date, kind: 'answered', outcome: g.close.outcome });
    }
    const v = validateApplication({ id: `a${i}`, body: '示例机关', received: isoOf(g.received), applicant: { type: g.type }, events });
    assert.ok(v.ok, v.ok ? '' : v.message);
    return v.value;
  });
  const cases = cs.map((g, i) => {
    const v = validateCase({ id: `c${i}`, body: '示例机关', kind: g.kind, filed: isoOf(g.filed), concluded: g.concluded ? isoOf(g.filed + g.concluded.after) : null, result: g.concluded?.result ?? null });
    assert.ok(v.ok, v.ok ? '' : v.message);
    return v.value;
  });
  return { apps, cases };
});

test('random registers 2019–2025: every table passes every rule; carry-over chains; each application received once and closed once', () => {
  fc.assert(
    fc.property(register, ({ apps, cases }) => {
      let prev: Record<string, Record<string, number>> | null = null;
      let received = 0, closed = 0;
      for (let y = 2019; y <= 2025; y++) {
        for (const template of ['2019', '2021'] as const) {
          const r = countTables(apps, cases, y, { template });
          assert.deepEqual(r.findings, [], `${y} template ${template}`);
          for (const [path, ids] of r.trace) {
            const [, row, col] = path.split('.');
            const grid = path.startsWith('requests.') ? r.tables.requests : r.tables.review_litigation;
            assert.equal(ids.length, grid[row][col], path);
          }
        }
        const t = countTables(apps, cases, y).tables.requests;
        if (prev) assert.deepEqual(t.carried_over, prev.carried_forward, `carried_over(${y}) = carried_forward(${y - 1})`);
        else assert.equal(t.carried_over.total, 0);
        received += t.new_received.total;
        closed += t.total.total;
        prev = t;
      }
      assert.equal(received, apps.length);
      const closedBy2025 = apps.filter((a) => (a.events ?? []).some((e) => (e.kind === 'answered' || e.kind === 'withdrawn') && e.date <= '2025-12-31')).length;
      assert.equal(closed, closedBy2025);
      assert.equal(prev!.carried_forward.total, apps.length - closedBy2025);
      // The clock gives every application a state without throwing inside the calendar's years.
      for (const s of dueList(apps, '2025-12-31')) assert.ok(s.due === null || s.due >= apps.find((a) => a.id === s.id)!.received);
    }),
    { numRuns: 60, seed: 20251204 },
  );
});
