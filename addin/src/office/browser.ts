import type { Table } from "../api/types";
import { trimTable } from "./adapter";
import type { ReadResult, ReportBlock, SourceOption, TableSource, WorkbookAdapter, WriteOptions } from "./adapter";
import { safeStorage } from "../api/settings";

/**
 * The standalone page's "workbook": the sheets of an uploaded (or demo) workbook, parsed by
 * the server and held in memory. Writes are kept so the page can show and download them.
 */
export class BrowserAdapter implements WorkbookAdapter {
  readonly kind = "browser" as const;
  private sheets: Record<string, Table> = {};
  private _fileName: string | undefined;
  /** Tables "written" by the app, by sheet name. */
  readonly outputs = new Map<string, { table: Table; opts: WriteOptions }>();
  /** Report sheets "written" by the app, by sheet name. */
  readonly reports = new Map<string, ReportBlock[]>();
  private readonly tableSheets = new Map<string, string>();

  constructor(private readonly storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | undefined = safeStorage()) {}

  get fileName(): string | undefined {
    return this._fileName;
  }

  setWorkbook(sheets: Record<string, Table>, fileName?: string): void {
    this.sheets = Object.fromEntries(Object.entries(sheets).map(([name, t]) => [name, trimTable(t ?? [])]));
    this._fileName = fileName;
  }

  sheetNames(): string[] {
    return Object.keys(this.sheets);
  }

  async listSources(): Promise<SourceOption[]> {
    return Object.entries(this.sheets).map(([name, table]) => ({
      source: { kind: "sheet", name },
      label: name,
      rows: Math.max(0, table.length - 1),
      columns: (table[0] ?? []).map((c) => String(c ?? "")),
    }));
  }

  async readTable(source: TableSource): Promise<ReadResult> {
    if (source.kind !== "sheet") throw new Error(`The page can only read whole sheets, not ${source.kind} sources.`);
    const table = this.sheets[source.name];
    if (!table) throw new Error(`The workbook has no sheet named "${source.name}".`);
    return { values: table, origin: { sheet: source.name, row: 0, column: 0 } };
  }

  async writeTable(sheetName: string, table: Table, opts: WriteOptions = {}): Promise<void> {
    this.outputs.set(sheetName, { table: table.map((r) => [...r]), opts });
    if (opts.tableName) this.tableSheets.set(opts.tableName, sheetName);
  }

  async appendRows(tableName: string, rows: Table): Promise<void> {
    const sheet = this.tableSheets.get(tableName);
    const out = sheet ? this.outputs.get(sheet) : undefined;
    if (!out) throw new Error(`No table named "${tableName}" was written.`);
    out.table.push(...rows.map((r) => [...r]));
  }

  async writeReport(sheetName: string, blocks: ReportBlock[]): Promise<void> {
    this.reports.set(sheetName, blocks);
  }

  /** The page has no workbook to keep settings in: localStorage (per browser) stands in. */
  async loadSetting<T = unknown>(key: string): Promise<T | undefined> {
    try {
      const raw = this.storage?.getItem(`folio.page.${key}`);
      return raw ? (JSON.parse(raw) as T) : undefined;
    } catch {
      return undefined;
    }
  }

  async saveSetting(key: string, value: unknown): Promise<void> {
    try {
      if (value === undefined || value === null) this.storage?.removeItem(`folio.page.${key}`);
      else this.storage?.setItem(`folio.page.${key}`, JSON.stringify(value));
    } catch {
      // storage disabled: the page forgets on reload
    }
  }
}
