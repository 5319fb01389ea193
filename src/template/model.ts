// The shape of a declarative template description. One value of `TemplateDef` per national
// template version drives extraction (labels and variants), the solver and the checks (rules),
// rendering (layout) and storage (keys). Nothing outside src/template/ spells a row label.

import type { Severity } from '../types.js';

/** The national template versions (2019: 国办公开办函〔2019〕60号; 2021: 〔2021〕30号). */
export const TEMPLATE_VERSIONS = ['2019', '2021'] as const;
export type TemplateVersion = (typeof TEMPLATE_VERSIONS)[number];

/** Whether a template key (or any string) is one of the versions the template describes. */
export function isTemplateVersion(x: unknown): x is TemplateVersion {
  return (TEMPLATE_VERSIONS as readonly unknown[]).includes(x);
}

/** The three tables of a report, in the template's order. */
export const TABLE_KEYS = ['active', 'requests', 'review_litigation'] as const;
export type TableKey = (typeof TABLE_KEYS)[number];

export interface ColumnDef {
  key: string;
  /** The header label as the template prints it. */
  label: string;
  /** Money column: decimals allowed; `unit` is the template's unit. */
  money?: boolean;
  unit?: string;
  /** Negative values allowed (2019 `change`: 本年增/减). */
  signed?: boolean;
  /** Parent header (申请人情况 › 法人或其他组织 …), for rendering. */
  parent?: string;
  /** This column is the sum of the row's other columns (requests `total`). */
  isTotal?: boolean;
  /**
   * What a register counts in this column (src/register) when it is not the key of a value:
   * `pending`, the cases not concluded at the end of the year (table 四 尚未审结).
   */
  tally?: 'pending';
}

export interface RowDef {
  key: string;
  /** Label without its numbering, as the template prints it. */
  label: string;
  /** Numbering printed before the label: 一、 (一) 1. … */
  numbering?: string;
  /** Other wordings seen in the wild (without numbering). */
  variants?: readonly string[];
  /** A group heading row: carries no numbers. */
  group?: boolean;
  /** Key of the group heading this row belongs to. */
  parent?: string;
  /** Columns of this row (active rows differ); defaults to the table's columns. */
  columns?: readonly ColumnDef[];
  /** Sub-table caption this row sits under (active: 第二十条第(一)项 …). */
  caption?: string;
  /** The row is a total of other rows (its cells may be left blank in the source and inferred). */
  isTotal?: boolean;
  /**
   * What a register counts in this row (src/register, spec register.md §3): the applications
   * received in the year, open at its start, or open at its end. Outcome rows (under the results
   * group) need no mark: they count the answers whose outcome is their key, or one of `absorbs`.
   */
  tally?: 'received' | 'open_at_start' | 'open_at_end';
  /** Outcome keys of finer rows of another version that this row counts (2019 （六）其他处理). */
  absorbs?: readonly string[];
}

/** A linear rule bound to one template's cells: sum(coef × cell) = 0, over cell paths `table.row.column`. Declared in rules.ts. */
export interface LinearRule {
  id: string;
  severity: Severity;
  /** Human statement, Chinese / English, rendered from the registry (rules.ts). */
  statement: string;
  /** The parameters of the statement (the row, the column …). */
  params?: Record<string, unknown>;
  terms: { cell: string; coef: number }[];
  /** The cell that is the "total" of the rule: a blank there may be inferred from the others. */
  totalCell?: string;
}

export interface TableDef {
  key: TableKey;
  /** Section heading (numbering + text) that introduces the table. */
  heading: string;
  headingNumber: string;
  headingVariants?: readonly string[];
  rows: readonly RowDef[];
  /** Default columns (requests: applicant columns). */
  columns: readonly ColumnDef[];
  /** Header of the label column (二: 信息内容). */
  labelHeader?: string;
  /** The in-table note of the header (三: the 勾稽关系 note). */
  note?: string;
  /** Column headers that group others (申请人情况, 法人或其他组织 …), outermost first. */
  groupHeaders?: readonly string[];
  /**
   * review_litigation is printed as one data row of 15 numbers under a three-row header: the
   * table's "rows" are the three groups, read together in this order from one line of numbers.
   */
  singleLine?: boolean;
  /**
   * The largest count one body plausibly reports in a cell of this table — far above any
   * published (the busiest bodies report tens of thousands of applications a year, hundreds of
   * review cases). A reading of damaged text that needs a larger value is refused while a
   * plausible one exists; a larger value is taken only as cleanly written (one number per cell).
   */
  plausibleMax?: number;
}

export interface SectionDef {
  key: 'overview' | 'active' | 'requests' | 'review_litigation' | 'problems' | 'other_matters';
  number: string;
  heading: string;
  variants: readonly string[];
}

export interface TemplateDef {
  version: TemplateVersion;
  instrument: string;
  /** Report years this version applies to. */
  years: [number, number | null];
  sections: readonly SectionDef[];
  tables: Record<TableKey, TableDef>;
  rules: LinearRule[];
  /** Strong markers (spec §8): normalised text containing one points to this version. */
  strongMarkers: string[];
  mediumMarkers: string[];
}
