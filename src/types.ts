// Shared types of the report JSON contract (gongkai/report@1, see ../shared/spec/output.md)
// and of the pipeline stages. Stage modules import from here, never from each other's internals.

import type { TemplateVersion } from './template/model.js';
export type { TemplateVersion };
export type TemplateKey = TemplateVersion | 'pre2019' | 'unknown';

export type CellStatus = 'read' | 'blank' | 'inferred' | 'ambiguous' | 'missing';

/** [start, end) character offsets in the normalised text. */
export type Span = [number, number];

export interface Cell {
  value: number | null;
  status: CellStatus;
  /** For `ambiguous`: the values the source allows, most plausible first. */
  candidates?: number[];
  span?: Span;
  /** Unit actually written next to a money value when it differs from the template's (e.g. 元). */
  unit?: string;
  /** PDF: the page (1-based) and box [x, y, width, height] (PDF units, origin top-left) the cell was read from. */
  page?: number;
  box?: [number, number, number, number];
  /** Read from OCR text: less certain than a text layer. */
  ocr?: boolean;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** A rule id declared in src/template/rules.ts. */
  rule: string;
  severity: Severity;
  /** Chinese first, English after " / ": rendered from `params` by the rule's templates. */
  message: string;
  /** Cell paths such as `requests.total.natural_person`. */
  cells: string[];
  span?: Span;
  /** The values the message is rendered from (keys and numbers; labels come from the template). */
  params?: Record<string, unknown>;
}

export interface Fact {
  kind: string;
  value: number;
  unit: string;
  span: Span;
  /** The template cell this figure restates, when there is one. */
  cell?: string;
  /** The sentence fragment the figure was read from (for display). */
  text?: string;
}

export type TableCells = Record<string, Record<string, Cell>>;

/** A repair normalisation made to the text (mojibake, pinyin annotations, web-page cruft). */
export interface Repair {
  kind: 'mojibake' | 'pinyin' | 'cruft';
  /** Span in the normalised text (empty for removals: where the text was). */
  span: [number, number];
  original: string;
  replacement: string;
}

export interface Report {
  schema: 'gongkai/report@1';
  source: { path: string | null; sha256: string; format: 'text' | 'html' | 'pdf' | 'docx'; encoding: string };
  meta: {
    agency: string | null;
    year: number | null;
    published: string | null;
    template: TemplateKey;
    /** 部门 / 省 / 市 / 县 / 乡镇 / 街道, from the body's name. */
    level?: string | null;
    /** Full region name from the body's name (广东省广州市番禺区). */
    region?: string | null;
    /** Administrative division code (GB/T 2260) of that region, when unique. */
    division_code?: string | null;
  };
  tables: {
    active: TableCells | null;
    requests: TableCells | null;
    review_litigation: TableCells | null;
  };
  narrative: { facts: Fact[] };
  findings: Finding[];
  /** Repairs normalisation made to the text (the first 200), when there were any. */
  repairs?: Repair[];
  /** Extra rows found in the source that are not in the template (kept, never mapped). */
  extra_rows?: { table: string; label: string; values: string[]; span: Span }[];
  /** The six sections found, with the spans of their headings and bodies, and (一)…(五) sub-headings. */
  sections?: { key: string; heading: string; span: Span; body: Span; subheadings: { text: string; span: Span }[] }[];
  /** The normalised text that every span points into (omitted from --json unless asked). */
  text?: string;
}

/** An input that cannot be read as a report: the CLI prints `message` and exits 2. */
export class InputError extends Error {
  constructor(message: string, readonly code: string = 'input') {
    super(message);
    this.name = 'InputError';
  }
}
