import type { Cell, Table } from "../api/types";

/** Where a role's table comes from. */
export type TableSource =
  /** a named Excel table (ListObject) */
  | { kind: "table"; name: string }
  /** a sheet's used range (Excel) or a sheet of the uploaded workbook (page) */
  | { kind: "sheet"; name: string }
  /** a fixed range, e.g. the selection captured when the user clicked "Use selection" */
  | { kind: "range"; sheet: string; address: string };

/** 0-based position of a table's top-left cell (its header's first cell) on its sheet. */
export interface CellOrigin {
  sheet: string;
  row: number;
  column: number;
}

export interface ReadResult {
  values: Table;
  origin?: CellOrigin;
}

export interface SourceOption {
  source: TableSource;
  label: string;
  /** data rows (header excluded), when cheaply known */
  rows?: number;
  /** the header row's column names, when cheaply known (maps a lone sheet by its columns) */
  columns?: string[];
}

export interface WriteOptions {
  /** Excel table name (letters, digits, underscores). */
  tableName?: string;
  /** Excel number format per column name, e.g. {"discount": "0%"}. */
  numberFormats?: Record<string, string>;
  /** A native chart next to the table, kept over every row when rows are appended. */
  chart?: ChartSpec;
  /** Bring the sheet to the front (default true). */
  activate?: boolean;
}

/** A native chart over columns of a written table (category column on the x axis). */
export interface ChartSpec {
  type: "line" | "column";
  title: string;
  /** column whose values label the x axis */
  category: string;
  /** columns drawn as series */
  series: string[];
}

/** One block of a report sheet: a small table, optionally an Excel table, a colour scale, a chart. */
export interface ReportBlock {
  title: string;
  /** sentences under the title, one per row in the first column, left to run over the empty
   * cells to their right (they do not widen the column) */
  lines?: string[];
  table: Table;
  /** make it a formatted Excel table (default true) */
  asTable?: boolean;
  numberFormats?: Record<string, string>;
  /** per data row: one number format for the row's value cells (key-value blocks) */
  rowFormats?: (string | null)[];
  /** colour the body cells (all but the first column) with a 3-colour scale */
  colorScale?: "heat" | "diverging";
  chart?: ChartSpec;
}

/**
 * The only seam between the UI and a workbook. `ExcelAdapter` talks to Office.js;
 * `BrowserAdapter` holds an uploaded workbook in memory for the standalone page.
 */
export interface WorkbookAdapter {
  readonly kind: "excel" | "browser";
  /** The tables/sheets a role can be mapped to. */
  listSources(): Promise<SourceOption[]>;
  readTable(source: TableSource): Promise<ReadResult>;
  /** Excel: freeze the current selection as a range source. */
  captureSelection?(): Promise<TableSource>;
  /** Write a table (header row first) to a new or replaced sheet. */
  writeTable(sheetName: string, table: Table, opts?: WriteOptions): Promise<void>;
  /** Add rows below an existing table written by writeTable. */
  appendRows(tableName: string, rows: Table): Promise<void>;
  /** Write titled blocks one below the other on a new or replaced sheet (summaries, explore). */
  writeReport(sheetName: string, blocks: ReportBlock[], opts?: { activate?: boolean }): Promise<void>;
  /** Per-workbook memory: Office document settings in Excel, localStorage on the page. */
  loadSetting<T = unknown>(key: string): Promise<T | undefined>;
  saveSetting(key: string, value: unknown): Promise<void>;
  /** Excel: select one cell, offsets relative to a table's origin. */
  goToCell?(origin: CellOrigin, rowOffset: number, columnOffset: number): Promise<void>;
}

export function sourceKey(source: TableSource | null | undefined): string {
  if (!source) return "";
  return source.kind === "range" ? `range:${source.sheet}!${source.address}` : `${source.kind}:${source.name}`;
}

export function sourceFromKey(key: string): TableSource | null {
  const i = key.indexOf(":");
  if (i < 0) return null;
  const kind = key.slice(0, i);
  const rest = key.slice(i + 1);
  if (kind === "table" || kind === "sheet") return { kind, name: rest };
  if (kind === "range") {
    const bang = rest.lastIndexOf("!");
    return bang < 0 ? null : { kind, sheet: rest.slice(0, bang), address: rest.slice(bang + 1) };
  }
  return null;
}

export function describeSource(source: TableSource): string {
  switch (source.kind) {
    case "table":
      return `Table ${source.name}`;
    case "sheet":
      return `Sheet ${source.name}`;
    case "range":
      return `${source.sheet}!${source.address}`;
  }
}

const isEmpty = (c: Cell | undefined) => c === null || c === undefined || c === "";

/** Drop trailing empty rows and trailing empty columns (used ranges often have them). */
export function trimTable(values: Table): Table {
  let rows = values.length;
  while (rows > 0 && values[rows - 1].every(isEmpty)) rows--;
  let cols = 0;
  for (let r = 0; r < rows; r++) {
    const row = values[r];
    for (let c = row.length - 1; c >= cols; c--) {
      if (!isEmpty(row[c])) {
        cols = c + 1;
        break;
      }
    }
  }
  return values.slice(0, rows).map((row) => row.slice(0, cols));
}

/** Excel serial day 0 = 1899-12-30 (this also absorbs Lotus' 1900 leap-year bug for serials >= 61). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** An Excel date serial as ISO text: "2024-03-01", or "2024-03-01T12:30:00" with a time part. */
export function excelSerialToIso(serial: number): string {
  const ms = Math.round((serial * 86400) * 1000) + EXCEL_EPOCH_MS;
  const iso = new Date(ms).toISOString();
  return Math.abs(serial - Math.round(serial)) < 1 / 86400 / 2 ? iso.slice(0, 10) : iso.slice(0, 19);
}

/** Does an Excel number format show a date or time? ("yyyy-mm-dd", "d/m/yy h:mm", not "0.00%"). */
export function isDateFormat(format: unknown): boolean {
  if (typeof format !== "string" || !format || format === "General") return false;
  const bare = format.replace(/"[^"]*"/g, "").replace(/\\./g, "").replace(/\[[^\]]*\]/g, "");
  return /[dmyhs]/i.test(bare) && !/^[#0.,%E+-]+$/i.test(bare);
}
