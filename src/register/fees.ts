// 信息处理费 under 国办函〔2020〕109号 (《政府信息公开信息处理费管理办法》 第三条 至 第五条; spec
// register.md §5). Two methods, one per application, never both: 按件 (by application, counted per
// applicant per calendar month, cumulative) and 按量 (by volume, per application, cumulative).
// Amounts in 元, integers.

import type { Application } from './records.js';

export type FeeMethod = 'piece' | 'volume';

/**
 * 按件: the fee for the applicant's nth application in a calendar month. 1–10 free; 11–30 100 元;
 * from the 31st in tiers of 10, each tier 100 元 more than the one before (31–40 200 元, 41–50 300 元 …).
 */
export function pieceFee(nth: number): number {
  if (!Number.isInteger(nth) || nth < 1) throw new RangeError('nth must be a positive integer');
  if (nth <= 10) return 0;
  if (nth <= 30) return 100;
  return 100 * (2 + Math.floor((nth - 31) / 10));
}

/** 按量 tiers: [up to and including this page, 元 per page]. */
const VOLUME_TIERS: [number, number][] = [[30, 0], [100, 10], [200, 20], [Infinity, 40]];

/** 按量: the fee for an application of `pages` pages, cumulative over the tiers. */
export function volumeFee(pages: number): number {
  if (!Number.isInteger(pages) || pages < 0) throw new RangeError('pages must be a non-negative integer');
  let fee = 0;
  let below = 0;
  for (const [upTo, rate] of VOLUME_TIERS) {
    if (pages <= below) break;
    fee += (Math.min(pages, upTo) - below) * rate;
    below = upTo;
  }
  return fee;
}

export function fee(method: FeeMethod, count: number): number {
  return method === 'piece' ? pieceFee(count) : volumeFee(count);
}

/**
 * The rank of each application among its applicant's applications of the same calendar month
 * (by date received, then file order): the n of 按件. Applicants are told apart by ID number, else
 * name; an application without either is its own applicant (never lumped with strangers).
 */
export function monthlyRanks(apps: Application[]): Map<string, number> {
  const groups = new Map<string, { i: number; a: Application }[]>();
  apps.forEach((a, i) => {
    const who = a.applicant.id_number || a.applicant.name;
    const key = `${a.body}\u0000${who ?? `#${a.id}`}\u0000${a.received.slice(0, 7)}`;
    const l = groups.get(key);
    if (l) l.push({ i, a });
    else groups.set(key, [{ i, a }]);
  });
  const ranks = new Map<string, number>();
  for (const l of groups.values()) {
    l.sort((x, y) => (x.a.received < y.a.received ? -1 : x.a.received > y.a.received ? 1 : x.i - y.i));
    l.forEach((x, k) => ranks.set(`${x.a.body}\u0000${x.a.id}`, k + 1));
  }
  return ranks;
}
