/**
 * The Office.js side of the add-in. Everything that touches `Excel.*` lives here.
 * Reads and writes go in row chunks so no single request exceeds Excel on the web's
 * 5 MB payload limit.
 */
import type { Cell, Table } from "../api/types";
import { excelSerialToIso, isDateFormat, trimTable } from "./adapter";
import { toA1 } from "./a1";
import type {
  CellOrigin,
  ChartSpec,
  ReportBlock,
  ReadResult,
  SourceOption,
  TableSource,
  WorkbookAdapter,
  WriteOptions,
} from "./adapter";

/** The part of the `Excel` namespace we use (the global in Excel, a mock in tests). */
export interface ExcelLike {
  run<T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T>;
}

/** `Office.context.document.settings`: saved inside the workbook, so each workbook remembers. */
export interface OfficeSettingsLike {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  saveAsync(callback?: (result: { status: unknown; error?: { message?: string } }) => void): void;
}

export interface ExcelAdapterOptions {
  /** Document settings (default: Office.context.document.settings). */
  settings?: OfficeSettingsLike;
  /** Cells per read/write request: ~100 bytes a cell keeps a request well under 5 MB. */
  cellsPerRequest?: number;
  /** Table style for written tables. */
  tableStyle?: string;
}

interface Block {
  sheet: string;
  rowIndex: number;
  columnIndex: number;
  rowCount: number;
  columnCount: number;
}

const BLOCK_PROPS = "rowIndex,columnIndex,rowCount,columnCount";

export class ExcelAdapter implements WorkbookAdapter {
  readonly kind = "excel" as const;
  private readonly excel: ExcelLike;
  private readonly cellsPerRequest: number;
  private readonly tableStyle: string;
  private readonly settings: OfficeSettingsLike | undefined;
  /** Charts kept over every row of a table that grows (table name -> chart). */
  private readonly charts = new Map<string, { sheet: string; chart: string; spec: ChartSpec; header: string[] }>();

  constructor(excel?: ExcelLike, opts: ExcelAdapterOptions = {}) {
    this.excel = excel ?? (globalThis as unknown as { Excel: ExcelLike }).Excel;
    this.settings =
      opts.settings ??
      (globalThis as unknown as { Office?: { context?: { document?: { settings?: OfficeSettingsLike } } } }).Office?.context
        ?.document?.settings;
    this.cellsPerRequest = Math.max(1, opts.cellsPerRequest ?? 50_000);
    this.tableStyle = opts.tableStyle ?? "TableStyleMedium2";
  }

  /** Named tables first, then sheets (their used ranges). */
  listSources(): Promise<SourceOption[]> {
    return this.excel.run(async (context) => {
      const tables = context.workbook.tables;
      const sheets = context.workbook.worksheets;
      // load() without arguments: every scalar of each item (names included); a table or
      // sheet count is small, and it is what both Excel and office-addin-mock accept.
      tables.load();
      sheets.load();
      await context.sync();
      // the tables' header rows (one more request): a table named "Table1" is still mapped by its columns
      const headers = tables.items.map((t) => {
        const header = tables.getItem(t.name).getHeaderRowRange();
        header.load("values");
        return header;
      });
      if (headers.length) await context.sync();
      const options: SourceOption[] = [];
      tables.items.forEach((t, i) => {
        const columns = ((headers[i].values as unknown[][])[0] ?? []).map((c) => String(c ?? ""));
        options.push({ source: { kind: "table", name: t.name }, label: `Table ${t.name}`, columns });
      });
      for (const s of sheets.items) options.push({ source: { kind: "sheet", name: s.name }, label: `Sheet ${s.name}` });
      return options;
    });
  }

  /** Freeze the current selection as a fixed range, so later reads don't follow the cursor. */
  captureSelection(): Promise<TableSource> {
    return this.excel.run(async (context) => {
      const range = context.workbook.getSelectedRange();
      range.load("address");
      range.worksheet.load("name");
      await context.sync();
      const bang = range.address.lastIndexOf("!");
      const address = bang >= 0 ? range.address.slice(bang + 1) : range.address;
      return { kind: "range", sheet: range.worksheet.name, address };
    });
  }

  readTable(source: TableSource): Promise<ReadResult> {
    return this.excel.run(async (context) => {
      const block = await this.locate(context, source);
      const values = await this.readBlock(context, block);
      return {
        values: trimTable(values),
        origin: { sheet: block.sheet, row: block.rowIndex, column: block.columnIndex },
      };
    });
  }

  writeTable(sheetName: string, table: Table, opts: WriteOptions = {}): Promise<void> {
    const name = safeSheetName(sheetName);
    const rows = table.length;
    const cols = Math.max(0, ...table.map((r) => r.length));
    if (rows === 0 || cols === 0) return Promise.resolve();
    const values = table.map((r) => padRow(r, cols).map(asCellText));
    return this.excel.run(async (context) => {
      const sheet = await freshSheet(context, name);
      await this.writeRows(context, sheet, 0, values, cols);

      const all = sheet.getRangeByIndexes(0, 0, rows, cols);
      const excelTable = sheet.tables.add(all, true);
      if (opts.tableName) excelTable.name = safeTableName(opts.tableName);
      excelTable.style = this.tableStyle;
      if (opts.numberFormats && rows > 1) {
        const header = values[0].map((h) => String(h ?? "").trim().toLowerCase());
        for (const [column, format] of Object.entries(opts.numberFormats)) {
          const j = header.indexOf(column.toLowerCase());
          if (j < 0) continue;
          sheet.getRangeByIndexes(1, j, rows - 1, 1).numberFormat = Array.from({ length: rows - 1 }, () => [format]);
        }
      }
      sheet.freezePanes.freezeRows(1);
      all.format.autofitColumns();
      if (opts.chart && opts.tableName) {
        const header = values[0].map((h) => String(h ?? ""));
        const chartName = safeTableName(`${opts.tableName}Chart`);
        addChart(sheet, opts.chart, header, 0, 0, rows, chartName, { row: 1, column: cols + 1 });
        this.charts.set(safeTableName(opts.tableName), { sheet: name, chart: chartName, spec: opts.chart, header });
      }
      if (opts.activate !== false) sheet.activate();
      await context.sync();
    });
  }

  appendRows(tableName: string, rows: Table): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.excel.run(async (context) => {
      const table = context.workbook.tables.getItem(safeTableName(tableName));
      const header = table.getHeaderRowRange();
      header.load("columnCount");
      await context.sync();
      const cols = header.columnCount;
      const perRequest = Math.max(1, Math.floor(this.cellsPerRequest / Math.max(1, cols)));
      for (let i = 0; i < rows.length; i += perRequest) {
        const chunk = rows.slice(i, i + perRequest).map((r) => padRow(r, cols).map(asCellText));
        table.rows.add(undefined, chunk as (string | number | boolean)[][]);
        await context.sync();
      }
      const kept = this.charts.get(safeTableName(tableName));
      if (kept) {
        // point the chart's series at every row now in the table
        const range = table.getRange();
        range.load("rowCount,rowIndex,columnIndex");
        await context.sync();
        const sheet = context.workbook.worksheets.getItem(kept.sheet);
        const chart = sheet.charts.getItem(kept.chart);
        setChartData(sheet, chart, kept.spec, kept.header, range.rowIndex, range.columnIndex, range.rowCount);
        await context.sync();
      }
    });
  }

  writeReport(sheetName: string, blocks: ReportBlock[], opts: { activate?: boolean } = {}): Promise<void> {
    const name = safeSheetName(sheetName);
    return this.excel.run(async (context) => {
      const sheet = await freshSheet(context, name);
      let row = 0;
      let widest = 1;
      // titles and sentences are written after the columns are fitted to the tables, so a long
      // sentence runs over the empty cells to its right instead of widening its column
      const texts: [number, string][] = [];
      for (const [i, block] of blocks.entries()) {
        const cols = Math.max(0, ...block.table.map((r) => r.length));
        const title = sheet.getRangeByIndexes(row, 0, 1, 1);
        texts.push([row, block.title]);
        title.format.font.bold = true;
        title.format.font.size = 13;
        row += 1;
        for (const line of block.lines ?? []) {
          texts.push([row, line]);
          row += 1;
        }
        const n = block.table.length;
        if (n > 0 && cols > 0) {
          widest = Math.max(widest, cols);
          const values = block.table.map((r) => padRow(r, cols).map(asCellText));
          await this.writeRows(context, sheet, row, values, cols, 0);
          const all = sheet.getRangeByIndexes(row, 0, n, cols);
          if (block.asTable !== false) {
            const t = sheet.tables.add(all, true);
            t.style = this.tableStyle;
          } else {
            sheet.getRangeByIndexes(row, 0, 1, cols).format.font.bold = true;
            sheet.getRangeByIndexes(row, 0, n, 1).format.font.bold = true;
          }
          const header = values[0].map((h) => String(h ?? "").trim().toLowerCase());
          if (n > 1) {
            for (const [column, format] of Object.entries(block.numberFormats ?? {})) {
              const j = header.indexOf(column.toLowerCase());
              if (j >= 0) sheet.getRangeByIndexes(row + 1, j, n - 1, 1).numberFormat = Array.from({ length: n - 1 }, () => [format]);
            }
            (block.rowFormats ?? []).forEach((format, k) => {
              if (format && k < n - 1 && cols > 1)
                sheet.getRangeByIndexes(row + 1 + k, 1, 1, cols - 1).numberFormat = [Array(cols - 1).fill(format)];
            });
            if (block.colorScale && cols > 1) addColorScale(sheet.getRangeByIndexes(row + 1, 1, n - 1, cols - 1), block.colorScale);
          }
          let height = n;
          if (block.chart) {
            const header0 = values[0].map((h) => String(h ?? ""));
            addChart(sheet, block.chart, header0, row, 0, n, safeTableName(`${name}_chart_${i + 1}`), { row, column: cols + 1 });
            height = Math.max(height, CHART_ROWS);
          }
          row += height;
        }
        row += 1;
      }
      sheet.getRangeByIndexes(0, 0, Math.max(1, row), widest).format.autofitColumns();
      for (const [at, text] of texts) sheet.getRangeByIndexes(at, 0, 1, 1).values = [[asCellText(text) as string]];
      if (opts.activate !== false) sheet.activate();
      await context.sync();
    });
  }

  async loadSetting<T = unknown>(key: string): Promise<T | undefined> {
    if (!this.settings) return undefined;
    const value = this.settings.get(key);
    return value === null || value === undefined ? undefined : (value as T);
  }

  saveSetting(key: string, value: unknown): Promise<void> {
    const settings = this.settings;
    if (!settings) return Promise.resolve();
    settings.set(key, value === undefined ? null : value);
    return new Promise((resolve, reject) =>
      settings.saveAsync((result) => {
        if (result && result.status !== "failed" && result.status !== 1) resolve();
        else reject(new Error(`Could not save the workbook settings: ${result?.error?.message ?? "unknown error"}`));
      }),
    );
  }

  goToCell(origin: CellOrigin, rowOffset: number, columnOffset: number): Promise<void> {
    return this.excel.run(async (context) => {
      const sheet = context.workbook.worksheets.getItem(origin.sheet);
      sheet.activate();
      sheet.getRangeByIndexes(origin.row + rowOffset, origin.column + columnOffset, 1, 1).select();
      await context.sync();
    });
  }

  // ---------- internals ----------

  private async locate(context: Excel.RequestContext, source: TableSource): Promise<Block> {
    let range: Excel.Range;
    let dropLastRow: (() => boolean) | undefined;
    if (source.kind === "table") {
      const table = context.workbook.tables.getItem(source.name);
      table.load("showTotals");
      range = table.getRange();
      dropLastRow = () => table.showTotals;
    } else if (source.kind === "sheet") {
      range = context.workbook.worksheets.getItem(source.name).getUsedRange(true);
    } else {
      range = context.workbook.worksheets.getItem(source.sheet).getRange(source.address);
    }
    range.load(BLOCK_PROPS);
    range.worksheet.load("name");
    await context.sync();
    const rowCount = range.rowCount - (dropLastRow?.() ? 1 : 0);
    return {
      sheet: range.worksheet.name,
      rowIndex: range.rowIndex,
      columnIndex: range.columnIndex,
      rowCount,
      columnCount: range.columnCount,
    };
  }

  /** Read a block in row chunks: one sync per chunk keeps each response small. */
  private async readBlock(context: Excel.RequestContext, block: Block): Promise<Table> {
    const sheet = context.workbook.worksheets.getItem(block.sheet);
    const perRequest = Math.max(1, Math.floor(this.cellsPerRequest / Math.max(1, block.columnCount)));
    const out: Table = [];
    // the first data row's number formats tell which columns hold dates (loaded with chunk 1)
    let formats: Excel.Range | undefined;
    if (block.rowCount > 1) {
      formats = sheet.getRangeByIndexes(block.rowIndex + 1, block.columnIndex, 1, block.columnCount);
      formats.load("numberFormat");
    }
    for (let r = 0; r < block.rowCount; r += perRequest) {
      const n = Math.min(perRequest, block.rowCount - r);
      const chunk = sheet.getRangeByIndexes(block.rowIndex + r, block.columnIndex, n, block.columnCount);
      chunk.load("values");
      await context.sync();
      for (const row of chunk.values as Cell[][]) out.push(row);
    }
    const row0 = formats ? ((formats.numberFormat as unknown as unknown[][])?.[0] ?? []) : [];
    const dateColumns = row0.map((f, j) => (isDateFormat(f) ? j : -1)).filter((j) => j >= 0);
    if (dateColumns.length)
      for (let i = 1; i < out.length; i++)
        for (const j of dateColumns) {
          const v = out[i][j];
          if (typeof v === "number" && Number.isFinite(v)) out[i][j] = excelSerialToIso(v);
        }
    return out;
  }

  private async writeRows(
    context: Excel.RequestContext,
    sheet: Excel.Worksheet,
    startRow: number,
    values: Table,
    cols: number,
    startColumn = 0,
  ): Promise<void> {
    const perRequest = Math.max(1, Math.floor(this.cellsPerRequest / Math.max(1, cols)));
    for (let r = 0; r < values.length; r += perRequest) {
      const chunk = values.slice(r, r + perRequest);
      sheet.getRangeByIndexes(startRow + r, startColumn, chunk.length, cols).values = chunk as unknown as string[][];
      await context.sync();
    }
  }
}

/** Rows a chart takes on a report sheet. */
const CHART_ROWS = 16;
const CHART_COLUMNS = 8;

const CHART_TYPES = { line: "Line", column: "ColumnClustered" } as const;

/**
 * A native chart over a block of the sheet (header at `row`, `rows` rows with the header):
 * one series per `spec.series` column, the category column as the x axis labels.
 */
function addChart(
  sheet: Excel.Worksheet,
  spec: ChartSpec,
  header: string[],
  row: number,
  column: number,
  rows: number,
  name: string,
  at: { row: number; column: number },
): Excel.Chart | undefined {
  const first = columnOf(header, spec.series[0]);
  if (first < 0) return undefined;
  const source = sheet.getRangeByIndexes(row, column + first, rows, 1);
  const chart = sheet.charts.add(CHART_TYPES[spec.type] as Excel.ChartType, source, "Columns" as Excel.ChartSeriesBy);
  chart.name = name;
  chart.title.text = spec.title;
  chart.legend.position = "Bottom" as Excel.ChartLegendPosition;
  // bars are read by their height: from 0 (Excel's own axis starts near the lowest bar when the
  // bars are close, and a 9 % difference between two scenarios then looks like 3x)
  if (spec.type === "column") chart.axes.valueAxis.minimum = 0;
  chart.setPosition(toA1(at.row, at.column), toA1(at.row + CHART_ROWS - 2, at.column + CHART_COLUMNS - 1));
  setChartData(sheet, chart, spec, header, row, column, rows, true);
  return chart;
}

/** (Re)point a chart's series and category labels at `rows` rows (header included). */
function setChartData(
  sheet: Excel.Worksheet,
  chart: Excel.Chart,
  spec: ChartSpec,
  header: string[],
  row: number,
  column: number,
  rows: number,
  fresh = false,
): void {
  const body = Math.max(1, rows - 1);
  const series = spec.series.map((s) => columnOf(header, s)).filter((j) => j >= 0);
  if (fresh) {
    // the chart was made from the first series; add the others by name
    for (const j of series.slice(1)) {
      const added = chart.series.add(header[j]);
      added.setValues(sheet.getRangeByIndexes(row + 1, column + j, body, 1));
    }
  } else {
    series.forEach((j, k) => chart.series.getItemAt(k).setValues(sheet.getRangeByIndexes(row + 1, column + j, body, 1)));
  }
  const category = columnOf(header, spec.category);
  if (category >= 0) chart.axes.categoryAxis.setCategoryNames(sheet.getRangeByIndexes(row + 1, column + category, body, 1));
}

function columnOf(header: string[], name: string): number {
  const want = name.trim().toLowerCase();
  return header.findIndex((h) => h.trim().toLowerCase() === want);
}

/** A 3-colour scale: "heat" white -> amber -> red (low to high), "diverging" blue -> white -> red over -1..1. */
function addColorScale(range: Excel.Range, kind: "heat" | "diverging"): void {
  const cf = range.conditionalFormats.add("ColorScale" as Excel.ConditionalFormatType);
  cf.colorScale.criteria =
    kind === "diverging"
      ? {
          minimum: { type: "Number" as Excel.ConditionalFormatColorCriterionType, formula: "-1", color: "#2F6FBA" },
          midpoint: { type: "Number" as Excel.ConditionalFormatColorCriterionType, formula: "0", color: "#FFFFFF" },
          maximum: { type: "Number" as Excel.ConditionalFormatColorCriterionType, formula: "1", color: "#D13438" },
        }
      : {
          minimum: { type: "LowestValue" as Excel.ConditionalFormatColorCriterionType, color: "#FFFFFF" },
          midpoint: { type: "Percentile" as Excel.ConditionalFormatColorCriterionType, formula: "50", color: "#F7C56B" },
          maximum: { type: "HighestValue" as Excel.ConditionalFormatColorCriterionType, color: "#C4314B" },
        };
}

function padRow(row: Cell[], cols: number): Cell[] {
  if (row.length >= cols) return row.slice(0, cols);
  return [...row, ...Array<Cell>(cols - row.length).fill("")];
}

/**
 * Values as Excel should store them: null -> empty, and text that Excel would take for a
 * formula (leading "=") is written as text with Excel's apostrophe prefix.
 */
export function asCellText(value: Cell): Cell {
  if (value === null || value === undefined) return "";
  if (typeof value === "string" && value.startsWith("=")) return `'${value}`;
  if (typeof value === "number" && !Number.isFinite(value)) return "";
  return value;
}

/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ]. */
export function safeSheetName(name: string): string {
  const cleaned = name.replace(/[:\\/?*[\]]/g, " ").replace(/^'+|'+$/g, "").trim().slice(0, 31);
  return cleaned || "Folio";
}

/** Excel table names: a letter or underscore first, then letters, digits, underscores, dots. */
export function safeTableName(name: string): string {
  let cleaned = name.replace(/[^A-Za-z0-9_.]/g, "_");
  if (!/^[A-Za-z_]/.test(cleaned)) cleaned = `_${cleaned}`;
  return cleaned.slice(0, 255);
}

/** A new, empty sheet named ``name``: an existing one of that name is replaced. */
async function freshSheet(context: Excel.RequestContext, name: string): Promise<Excel.Worksheet> {
  const sheets = context.workbook.worksheets;
  const existing = sheets.getItemOrNullObject(name);
  existing.load("isNullObject");
  await context.sync();
  if (!existing.isNullObject) existing.delete();
  return sheets.add(name);
}
