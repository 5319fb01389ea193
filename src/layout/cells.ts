// How a cell is shown to people, in one place: the status vocabulary (read / blank / inferred /
// ambiguous / missing → Chinese labels) and `formatCell`, the text that stands for a cell. The CLI,
// both XLSX exports and the web page (which is served this compiled module as /shared/cells.js)
// all draw from here. Browser-safe on purpose: no imports but types, no Node APIs.

import type { CellStatus } from '../types.js';

export interface StatusWords {
  /** Short Chinese name (chips, the inspector). */
  zh: string;
  en: string;
  /** What the status means, for a tooltip. */
  hint: string;
  /** One-line Chinese description (the note on a spreadsheet cell). */
  long: string;
}

export const STATUS: Record<CellStatus, StatusWords> = {
  read: { zh: '原文读取', en: 'read', hint: '数值照原文读取', long: '原文读取' },
  blank: { zh: '空白', en: 'blank', hint: '原文此格为空、“/”、“-”、“—”或“无”，按 0 计', long: '空白，按 0 计' },
  inferred: { zh: '推算', en: 'inferred', hint: '原文不可读或该空的合计不应为 0，按表格勾稽关系推算', long: '按勾稽关系推算' },
  ambiguous: { zh: '存疑', en: 'ambiguous', hint: '原文允许多个数值（数字连写或缺少分隔），列出候选值', long: '存疑，有多个候选值' },
  missing: { zh: '缺失', en: 'missing', hint: '原文中没有这个数', long: '原文缺失' },
};

export const STATUSES = Object.keys(STATUS) as CellStatus[];

export const isStatus = (s: unknown): s is CellStatus => typeof s === 'string' && Object.prototype.hasOwnProperty.call(STATUS, s);

/** A cell as any renderer holds it: a report cell, a stored cell, a posted one (checked here). */
export interface CellLike {
  value?: unknown;
  status?: unknown;
  candidates?: unknown;
}

export interface CellLook {
  /** The cell's status; `none` when there is no cell (or its status is unknown). */
  status: CellStatus | 'none';
  /** The cell's number when it is a finite number, else null (ambiguous and missing cells have none). */
  value: number | null;
  /** The cell decides its number: read, blank or inferred with a value. */
  decided: boolean;
  /** What stands in the cell: the number (a blank without one: 0), `?a/b/c`, 缺, or · for no cell. */
  text: string;
  /** ambiguous: every candidate (numbers only), most plausible first. */
  candidates: number[];
  /** ambiguous: the candidates `text` shows (at most `maxCandidates`). */
  shown: number[];
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The one way a cell becomes text. `maxCandidates` bounds how many candidates of an ambiguous
 * cell are spelled out (a narrow terminal column shows 3; a note or a sheet can show them all).
 */
export function formatCell(cell: CellLike | null | undefined, opts: { maxCandidates?: number } = {}): CellLook {
  const value = finite(cell?.value);
  if (!cell || !isStatus(cell.status)) {
    return { status: 'none', value, decided: false, text: value === null ? '·' : String(value), candidates: [], shown: [] };
  }
  const status = cell.status;
  const candidates = status === 'ambiguous' && Array.isArray(cell.candidates) ? cell.candidates.filter((x): x is number => finite(x) !== null) : [];
  const shown = candidates.slice(0, opts.maxCandidates ?? candidates.length);
  const decided = value !== null && (status === 'read' || status === 'blank' || status === 'inferred');
  let text: string;
  switch (status) {
    case 'ambiguous': text = `?${shown.join('/')}`; break;
    case 'missing': text = '缺'; break;
    case 'blank': text = value === null ? '0' : String(value); break;
    default: text = value === null ? '' : String(value);
  }
  return { status, value, decided, text, candidates, shown };
}

/** The template prints CJK punctuation; the template data keeps ASCII brackets. */
export function displayText(s: unknown): string {
  return String(s ?? '').replace(/\(/g, '（').replace(/\)/g, '）').replace(/,/g, '，').replace(/:/g, '：').replace(/;/g, '；');
}
