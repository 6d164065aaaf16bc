/**
 * The Office.js side of the add-in. Everything that touches `Excel.*` lives here.
 * Reads and writes go in row chunks so no single request exceeds Excel on the web's
 * 5 MB payload limit.
 */
import type { Cell, Table } from "../api/types";
import { trimTable } from "./adapter";
import type {
  CellOrigin,
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

export interface ExcelAdapterOptions {
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

  constructor(excel?: ExcelLike, opts: ExcelAdapterOptions = {}) {
    this.excel = excel ?? (globalThis as unknown as { Excel: ExcelLike }).Excel;
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
      const options: SourceOption[] = [];
      for (const t of tables.items) options.push({ source: { kind: "table", name: t.name }, label: `Table ${t.name}` });
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
      const sheets = context.workbook.worksheets;
      const existing = sheets.getItemOrNullObject(name);
      existing.load("isNullObject");
      await context.sync();
      if (!existing.isNullObject) existing.delete();
      const sheet = sheets.add(name);
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
    });
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
    for (let r = 0; r < block.rowCount; r += perRequest) {
      const n = Math.min(perRequest, block.rowCount - r);
      const chunk = sheet.getRangeByIndexes(block.rowIndex + r, block.columnIndex, n, block.columnCount);
      chunk.load("values");
      await context.sync();
      for (const row of chunk.values as Cell[][]) out.push(row);
    }
    return out;
  }

  private async writeRows(
    context: Excel.RequestContext,
    sheet: Excel.Worksheet,
    startRow: number,
    values: Table,
    cols: number,
  ): Promise<void> {
    const perRequest = Math.max(1, Math.floor(this.cellsPerRequest / Math.max(1, cols)));
    for (let r = 0; r < values.length; r += perRequest) {
      const chunk = values.slice(r, r + perRequest);
      sheet.getRangeByIndexes(startRow + r, 0, chunk.length, cols).values = chunk as unknown as string[][];
      await context.sync();
    }
  }
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
