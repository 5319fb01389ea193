// Working days of the State Council's holiday arrangement (条例 第三十三条 counts in working days:
// Monday–Friday, minus the public holidays, plus the weekend days made working days, 调休).
//
// Why `chinese-days`: it is maintained (a release each year when the State Council publishes the
// next year's arrangement, with a script that fetches it from the gov.cn notice), covers every year
// from 2004, ships its data inside the package (no network at run time) and answers the one
// question we need, "is this date a working day", including 调休 days. Nothing here types a holiday.
//
// The calendar is turned once into an array of day numbers, so that "the Nth working day after D"
// and "working days between A and B" are array look-ups — the due list of a large register is
// computed in milliseconds. A date outside the years the package covers is an error: guessing
// Monday–Friday there would give a due date that may be wrong by a week-long holiday.

import chineseDays from 'chinese-days';

const cd = chineseDays as unknown as {
  isWorkday(date: string): boolean;
  getHolidaysInRange(start: string, end: string, includeWeekends?: boolean): string[];
};

/** A calendar date as `YYYY-MM-DD`. */
export type IsoDate = string;

export class CalendarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarError';
  }
}

const DAY_MS = 86_400_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Days since 1970-01-01 of proleptic Gregorian y-m-d (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const digit = (s: string, i: number) => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

/**
 * Days since 1970-01-01 of a valid `YYYY-MM-DD`, else null. Read digit by digit: the due list of a
 * large register parses every event date, and this is most of its time.
 */
export function dayNumber(date: string): number | null {
  if (typeof date !== 'string' || date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return null;
  const y0 = digit(date, 0), y1 = digit(date, 1), y2 = digit(date, 2), y3 = digit(date, 3);
  const m0 = digit(date, 5), m1 = digit(date, 6), d0 = digit(date, 8), d1 = digit(date, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return null;
  const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const m = m0 * 10 + m1;
  const d = d0 * 10 + d1;
  if (m < 1 || m > 12 || d < 1 || d > (m === 2 && leap(y) ? 29 : DAYS_IN_MONTH[m - 1])) return null;
  return daysFromCivil(y, m, d);
}

const isoCache = new Map<number, string>();
export function isoOf(day: number): IsoDate {
  let s = isoCache.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (isoCache.size < 100_000) isoCache.set(day, s);
  }
  return s;
}

export function isIsoDate(s: string): boolean {
  return dayNumber(s) !== null;
}

interface Table {
  firstYear: number;
  lastYear: number;
  first: number; // day number of firstYear-01-01
  last: number; // day number of lastYear-12-31
  /** cum[i]: working days in [first, first + i] (inclusive). */
  cum: Int32Array;
  /** The working days, as day numbers, in order. */
  workdays: Int32Array;
}

let table: Table | null = null;

/** The years the package has an arrangement for: every arranged year has at least 元旦 as a holiday. */
function coveredYears(): [number, number] {
  const has = (y: number) => cd.getHolidaysInRange(`${y}-01-01`, `${y}-12-31`, false).length > 0;
  let y = new Date().getUTCFullYear();
  // Start from a year that is covered (the package may lag the clock by a year, or lead it).
  let probe = y;
  while (!has(probe) && probe > 2000) probe--;
  if (!has(probe)) throw new CalendarError('节假日日历不可用 / the holiday calendar package has no data');
  y = probe;
  let lo = y, hi = y;
  while (has(lo - 1)) lo--;
  while (has(hi + 1)) hi++;
  return [lo, hi];
}

function build(): Table {
  const [firstYear, lastYear] = coveredYears();
  const first = dayNumber(`${firstYear}-01-01`)!;
  const last = dayNumber(`${lastYear}-12-31`)!;
  const n = last - first + 1;
  const cum = new Int32Array(n);
  const work: number[] = [];
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (cd.isWorkday(isoOf(first + i))) {
      c++;
      work.push(first + i);
    }
    cum[i] = c;
  }
  return { firstYear, lastYear, first, last, cum, workdays: Int32Array.from(work) };
}

function cal(): Table {
  return (table ??= build());
}

/** The years the calendar covers, inclusive. */
export function calendarYears(): [number, number] {
  const t = cal();
  return [t.firstYear, t.lastYear];
}

function outside(what: string): CalendarError {
  const t = cal();
  return new CalendarError(
    `${what} 超出节假日日历的范围（${t.firstYear}–${t.lastYear} 年），无法计算工作日；请升级 chinese-days / ${what} is outside the holiday calendar (${t.firstYear}–${t.lastYear}): working days cannot be counted; upgrade chinese-days`,
  );
}

/** Index of a day in the table; `what` names it in the error (computed only then). */
function index(day: number, what?: () => string): number {
  const t = cal();
  if (day < t.first || day > t.last) throw outside(what ? what() : isoOf(day));
  return day - t.first;
}

/** Day number of a date, checked to be a date inside the calendar. */
export function day(date: IsoDate): number {
  const d = dayNumber(date);
  if (d === null) throw new CalendarError(`不是日期：${date} / not a date: ${date}`);
  index(d, () => date);
  return d;
}

export function isWorkingDay(d: number): boolean {
  const t = cal();
  const i = index(d);
  return t.cum[i] !== (i === 0 ? 0 : t.cum[i - 1]);
}

/** Working days in (a, b] — negative when b < a: minus the working days in (b, a]. */
export function workingDaysBetween(a: number, b: number): number {
  const t = cal();
  return t.cum[index(b)] - t.cum[index(a)];
}

/** Working days in [a, b], both inclusive (a consultation's length); 0 when b < a. */
export function workingDaysInclusive(a: number, b: number): number {
  if (b < a) return 0;
  const t = cal();
  const ia = index(a);
  return t.cum[index(b)] - (ia === 0 ? 0 : t.cum[ia - 1]);
}

/**
 * The nth working day after day d (民法典 第二百零一条: the day itself is not counted), n ≥ 1;
 * n = 0 is d itself.
 */
export function addWorkingDays(d: number, n: number): number {
  if (n === 0) return d;
  const t = cal();
  const k = t.cum[index(d)] + n; // the k-th working day of the calendar (1-based)
  if (k < 1 || k > t.workdays.length) throw outside(`${isoOf(d)} 之后第 ${n} 个工作日 / working day ${n} after ${isoOf(d)}`);
  return t.workdays[k - 1];
}
