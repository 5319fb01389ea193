// The statutory clock of one application (条例 第三十条 至 第三十四条; spec register.md §2), as a
// pure function of its record and a date. Periods count working days from the day after
// (民法典 第二百零一条). Every date it touches must be inside the holiday calendar: outside it
// the calendar throws (CalendarError) rather than guess.

import { addWorkingDays, day, isoOf, workingDaysBetween, workingDaysInclusive, type IsoDate } from './calendar.js';
import type { Application } from './records.js';

export interface ClockOptions {
  /**
   * **[decision]** Does the time between `fee_notice` and `fee_paid` stop the clock? Default yes:
   * 国办函〔2020〕109号 lets the applicant decide whether to pay, and the office cannot provide the
   * information before payment — the wait is the applicant's, like a third party's (第三十三条 第三款).
   */
  feePausesClock?: boolean;
  /** An open application is due soon within this many working days (default 3). */
  dueSoonDays?: number;
  /** Fill `steps`, the due date explained for people (off in the due list of a whole register). */
  explain?: boolean;
}

/** Irregularities the record shows (spec §7 flags). */
export type ClockFlag = 'late_correction_request' | 'repeated_extension' | 'late_extension';

export interface ClockState {
  id: string;
  /** YYYY-MM-DD; null while the clock is stopped on the date asked about, or closed waiting for a correction. */
  due: IsoDate | null;
  state: 'open' | 'answered' | 'withdrawn';
  late: boolean;
  /** Open only: working days after the date up to and including due (0 on the due day; negative past it). */
  working_days_left: number | null;
  flags: ClockFlag[];
  /** Open and 0 ≤ working_days_left ≤ dueSoonDays. */
  due_soon: boolean;
  /** Why the clock is stopped on the date asked about, if it is. */
  stopped: 'correction' | 'consultation' | 'fee' | null;
  /** How the due date came about, for people: one step per line (with `explain`; else empty). */
  steps: string[];
}

/** Working days an application may wait for a correction request (第三十条). */
export const CORRECTION_REQUEST_DAYS = 7;
/** The answer period (第三十三条 第一款). */
export const ANSWER_DAYS = 20;
/** The one extension (第三十三条 第二款). */
export const EXTENSION_DAYS = 20;

/**
 * The clock of `app` as of the date `on` (events dated after it have not happened yet).
 * `on` is a day number (calendar.ts `day`).
 */
export function clockOf(app: Application, on: number, opts: ClockOptions = {}): ClockState {
  const feePauses = opts.feePausesClock ?? true;
  const soon = opts.dueSoonDays ?? 3;
  const flags: ClockFlag[] = [];
  const steps: string[] = [];
  const explain = !!opts.explain;
  // Steps are built only when asked for: string building is most of the cost of a large due list.
  const step = (f: () => string) => {
    if (explain) steps.push(f());
  };
  const received = day(app.received);
  let due = addWorkingDays(received, ANSWER_DAYS);
  step(() => `${app.received} 收到申请，第 ${ANSWER_DAYS} 个工作日 ${isoOf(due)} 到期 / received; due on the 20th working day`);
  const correctionDeadline = addWorkingDays(received, CORRECTION_REQUEST_DAYS);
  let extensions = 0;
  let waitingCorrection = false;
  let stopStart: number | null = null;
  let stopKind: 'consultation' | 'fee' | null = null;
  let state: ClockState['state'] = 'open';
  let closedOn: number | null = null;

  const endStop = (end: number, what: string) => {
    const n = workingDaysInclusive(stopStart!, end);
    due = addWorkingDays(due, n);
    step(() => `${isoOf(stopStart!)} 至 ${isoOf(end)} ${what}不计入期限（${n} 个工作日），到期日顺延至 ${isoOf(due)} / ${n} working days not counted`);
    stopStart = null;
    stopKind = null;
  };

  for (const e of app.events ?? []) {
    const d = day(e.date);
    if (d > on) break;
    switch (e.kind) {
      case 'correction_requested':
        if (d > correctionDeadline) {
          flags.push('late_correction_request');
          step(() => `${e.date} 补正告知晚于收到申请后第 ${CORRECTION_REQUEST_DAYS} 个工作日 ${isoOf(correctionDeadline)}（第三十条） / correction requested late`);
        }
        waitingCorrection = true;
        break;
      case 'correction_received':
        waitingCorrection = false;
        // The period runs afresh from the corrected application (第三十条).
        due = addWorkingDays(d, ANSWER_DAYS);
        stopStart = null;
        stopKind = null;
        step(() => `${e.date} 收到补正，期限重新计算，${isoOf(due)} 到期 / corrected: the period restarts`);
        break;
      case 'consultation_started':
        if (stopStart === null) {
          stopStart = d;
          stopKind = 'consultation';
        }
        break;
      case 'consultation_ended':
        if (stopKind === 'consultation') endStop(d, '征求意见');
        break;
      case 'fee_notice':
        if (feePauses && stopStart === null) {
          stopStart = d;
          stopKind = 'fee';
        }
        break;
      case 'fee_paid':
        if (stopKind === 'fee') endStop(d, '等待缴费');
        break;
      case 'extended':
        extensions++;
        if (extensions > 1) {
          flags.push('repeated_extension');
          step(() => `${e.date} 再次延期：只可延期一次（第三十三条），到期日不变 / a second extension does not move the due date`);
        } else if (d > due) {
          flags.push('late_extension');
          step(() => `${e.date} 延期晚于原到期日 ${isoOf(due)}，到期日不变 / extension after the due date does not move it`);
        } else {
          due = addWorkingDays(due, EXTENSION_DAYS);
          step(() => `${e.date} 延期 ${EXTENSION_DAYS} 个工作日，${isoOf(due)} 到期 / extended by 20 working days`);
        }
        break;
      case 'answered':
      case 'withdrawn':
        state = e.kind === 'answered' ? 'answered' : 'withdrawn';
        closedOn = d;
        break;
    }
    if (closedOn !== null) break;
  }

  if (closedOn !== null) {
    // A stop still running at the close counts up to the close (spec §2.2).
    if (stopStart !== null) endStop(closedOn, stopKind === 'fee' ? '等待缴费' : '征求意见');
    if (waitingCorrection) {
      step(() => '等待补正时办结，无到期日 / closed while waiting for a correction: no due date');
      return { id: app.id, due: null, state, late: false, working_days_left: null, flags, due_soon: false, stopped: null, steps };
    }
    return { id: app.id, due: isoOf(due), state, late: closedOn > due, working_days_left: null, flags, due_soon: false, stopped: null, steps };
  }
  if (waitingCorrection || stopStart !== null) {
    const stopped = waitingCorrection ? 'correction' : stopKind!;
    // A clock stopped after the due date had already passed is late all the same.
    const late = !waitingCorrection && stopStart !== null && stopStart > due;
    return { id: app.id, due: null, state, late, working_days_left: null, flags, due_soon: false, stopped, steps };
  }
  const left = workingDaysBetween(on, due);
  return { id: app.id, due: isoOf(due), state, late: on > due, working_days_left: left, flags, due_soon: left >= 0 && left <= soon, stopped: null, steps };
}

/** The clock of every application on the date `on` (YYYY-MM-DD), in order. */
export function dueList(apps: Application[], on: IsoDate, opts: ClockOptions = {}): ClockState[] {
  const d = day(on);
  return apps.map((a) => clockOf(a, d, opts));
}
