// The 依申请公开 register (spec register.md), usable without a store or a login.
export { calendarYears, CalendarError, addWorkingDays, workingDaysBetween, day, isoOf, type IsoDate } from './calendar.js';
export { clockOf, dueList, type ClockOptions, type ClockState, type ClockFlag } from './clock.js';
export { countTables, templateForYear, TABLES_SCHEMA, type CountResult, type RegisterTables } from './count.js';
export { fee, pieceFee, volumeFee, monthlyRanks, type FeeMethod } from './fees.js';
export {
  parseRegisterLines, validateApplication, validateCase, withoutPersonal, closing,
  APPLICATION_SCHEMA, CASE_SCHEMA, APPLICANT_TYPES, OUTCOMES, CASE_KINDS, CASE_RESULTS,
  type Application, type Case, type RegisterEvent, type RecordError,
} from './records.js';
export { RegisterStore, type HistoryEntry } from './store.js';
export { importWorkbook, guessMapping, checkMapping, previewText, ImportError, type Mapping } from './import-xlsx.js';
export { toJsonLines, toWorkbook, outcomeWording } from './export.js';
export { noticeDocx, noticeText, NOTICE_KINDS, type NoticeKind } from './notices.js';
