/**
 * A small Excel workbook for unit tests, built on office-addin-mock's OfficeMockObject so
 * reading any property before load() + sync() gives the mock's error value, as in Excel.
 * Ranges, sheets and tables are created lazily as children of the mock tree, so
 * `context.sync()` reaches them. A table the code adds is found by the name it is given and
 * grows with the rows added to it, as in Excel.
 */
import { OfficeMockObject } from "office-addin-mock";
import type { Cell, Table } from "../../api/types";
import { columnLetters, parseRangeAddress } from "../a1";

export interface FakeBlock {
  sheet: string;
  row: number;
  column: number;
  rows: number;
  columns: number;
}

export interface FakeTableInit extends FakeBlock {
  showTotals?: boolean;
}

export interface FakeInit {
  sheets: Record<string, Table>;
  tables?: Record<string, FakeTableInit>;
  selection?: FakeBlock;
  /** number formats per sheet (same shape as the sheet's values); "General" where missing */
  formats?: Record<string, string[][]>;
}

export interface RangeRecord extends FakeBlock {
  mock: any;
  initial: Table;
}

type Mock = any;

export function makeFakeExcel(init: FakeInit) {
  const grids = new Map<string, Table>(Object.entries(init.sheets).map(([k, v]) => [k, v.map((r) => [...r])]));
  const ranges: RangeRecord[] = [];
  const log = {
    syncs: 0,
    deletedSheets: [] as string[],
    addedSheets: [] as string[],
    addedTables: [] as { sheet: string; hasHeaders: boolean; range: Mock; table: Mock }[],
    frozenRows: new Map<string, number>(),
    autofit: [] as Mock[],
    activated: [] as string[],
    selected: [] as string[],
    appended: [] as { table: string; index: unknown; values: Table }[],
    charts: [] as { sheet: string; type: string; source: Mock; seriesBy: string; chart: Mock }[],
    series: [] as { chart: Mock; name?: string; values: Mock }[],
    categories: [] as { chart: Mock; range: Mock }[],
    positions: [] as { chart: Mock; from: string; to: string }[],
    colorScales: [] as { range: Mock; cf: Mock }[],
  };
  const sheetKeys = new Map<string, string>();
  let counter = 0;
  const key = (prefix: string) => `${prefix}${++counter}`;
  const populate = (parent: Mock, k: string, data: object): Mock => {
    parent.populate({ [k]: data });
    return parent[k];
  };

  const slice = (b: FakeBlock): Table => {
    const grid = grids.get(b.sheet) ?? [];
    return Array.from({ length: b.rows }, (_, i) =>
      Array.from({ length: b.columns }, (_, j) => (grid[b.row + i]?.[b.column + j] ?? "") as Cell),
    );
  };

  const makeRange = (parent: Mock, b: FakeBlock): Mock => {
    const initial = slice(b);
    const address = `${b.sheet}!${columnLetters(b.column)}${b.row + 1}:${columnLetters(b.column + b.columns - 1)}${b.row + b.rows}`;
    const mock = populate(parent, key("range"), {
      address,
      values: initial,
      numberFormat: Array.from({ length: b.rows }, (_, i) =>
        Array.from({ length: b.columns }, (_, j) => init.formats?.[b.sheet]?.[b.row + i]?.[b.column + j] ?? "General"),
      ),
      rowIndex: b.row,
      columnIndex: b.column,
      rowCount: b.rows,
      columnCount: b.columns,
      worksheet: { name: b.sheet },
      format: {
        font: { bold: false, size: 11 },
        autofitColumns() {
          log.autofit.push(mock);
        },
      },
      conditionalFormats: {
        add(this: Mock, type: string): Mock {
          const cf = populate(this, key("cf"), { type, colorScale: {} });
          log.colorScales.push({ range: mock, cf });
          return cf;
        },
      },
      select() {
        log.selected.push(address);
      },
    });
    ranges.push({ ...b, mock, initial });
    return mock;
  };

  const usedBlock = (sheet: string): FakeBlock => {
    const grid = grids.get(sheet) ?? [];
    let rows = 0;
    let cols = 0;
    grid.forEach((r, i) =>
      r.forEach((c, j) => {
        if (c !== "" && c !== null && c !== undefined) {
          rows = Math.max(rows, i + 1);
          cols = Math.max(cols, j + 1);
        }
      }),
    );
    return { sheet, row: 0, column: 0, rows: Math.max(1, rows), columns: Math.max(1, cols) };
  };

  const sheetData = (name: string) => ({
    name,
    isNullObject: false,
    getRangeByIndexes(this: Mock, row: number, column: number, rows: number, columns: number): Mock {
      return makeRange(this, { sheet: name, row, column, rows, columns });
    },
    getRange(this: Mock, address: string): Mock {
      const p = parseRangeAddress(address);
      if (!p) throw new Error(`InvalidArgument: ${address}`);
      return makeRange(this, {
        sheet: name,
        row: p.start.row,
        column: p.start.column,
        rows: p.end.row - p.start.row + 1,
        columns: p.end.column - p.start.column + 1,
      });
    },
    getUsedRange(this: Mock): Mock {
      return makeRange(this, usedBlock(name));
    },
    tables: {
      add(this: Mock, range: Mock, hasHeaders: boolean): Mock {
        // a table over the range: found by name afterwards, growing as rows are added
        const at = ranges.find((r) => r.mock === range);
        const b: FakeTableInit = at ? { sheet: at.sheet, row: at.row, column: at.column, rows: at.rows, columns: at.columns } : { sheet: name, row: 0, column: 0, rows: 1, columns: 1 };
        const table: Mock = populate(this, key("table"), { ...tableData(`Table${counter}`, b, () => table.name), style: "" });
        log.addedTables.push({ sheet: name, hasHeaders, range, table });
        return table;
      },
    },
    charts: {
      add(this: Mock, type: string, source: Mock, seriesBy: string): Mock {
        const chart: Mock = populate(this, key("chart"), {
          name: "",
          title: { text: "" },
          legend: { position: "" },
          setPosition(from: string, to: string) {
            log.positions.push({ chart, from, to });
          },
          series: {
            add(this: Mock, seriesName: string): Mock {
              const s: Mock = populate(this, key("series"), {
                setValues(values: Mock) {
                  log.series.push({ chart, name: seriesName, values });
                },
              });
              return s;
            },
            getItemAt(this: Mock, index: number): Mock {
              return populate(this, key("series"), {
                setValues(values: Mock) {
                  log.series.push({ chart, name: `#${index}`, values });
                },
              });
            },
          },
          axes: {
            valueAxis: { minimum: undefined as number | undefined },
            categoryAxis: {
              setCategoryNames(range: Mock) {
                log.categories.push({ chart, range });
              },
            },
          },
        });
        log.charts.push({ sheet: name, type, source, seriesBy, chart });
        return chart;
      },
      getItem(this: Mock, chartName: string): Mock {
        const hit = log.charts.find((c) => c.sheet === name && c.chart.name === chartName);
        if (!hit) throw new Error(`ItemNotFound: chart ${chartName}`);
        return hit.chart;
      },
    },
    freezePanes: {
      freezeRows(n: number) {
        log.frozenRows.set(name, n);
      },
    },
    activate() {
      log.activated.push(name);
    },
    delete() {
      log.deletedSheets.push(name);
      sheetKeys.delete(name);
      grids.delete(name);
    },
  });

  const tableData = (name: string, t: FakeTableInit, currentName: () => string = () => name) => ({
    name,
    showTotals: !!t.showTotals,
    getRange(this: Mock): Mock {
      return makeRange(this, t);
    },
    getHeaderRowRange(this: Mock): Mock {
      return makeRange(this, { ...t, rows: 1 });
    },
    rows: {
      add(index: unknown, values: Table) {
        log.appended.push({ table: currentName(), index, values });
        t.rows += values.length;
      },
    },
  });

  const data = {
    context: {
      workbook: {
        worksheets: {
          items: Object.keys(init.sheets).map((name) => ({ name })),
          getItem(this: Mock, name: string): Mock {
            const k = sheetKeys.get(name);
            if (!k) throw new Error(`ItemNotFound: worksheet ${name}`);
            return this[k];
          },
          getItemOrNullObject(this: Mock, name: string): Mock {
            const k = sheetKeys.get(name);
            return k ? this[k] : populate(this, key("null"), { isNullObject: true });
          },
          add(this: Mock, name: string): Mock {
            if (sheetKeys.has(name)) throw new Error(`ItemAlreadyExists: ${name}`);
            const k = key("sheet");
            grids.set(name, []);
            sheetKeys.set(name, k);
            log.addedSheets.push(name);
            return populate(this, k, sheetData(name));
          },
        },
        tables: {
          items: Object.keys(init.tables ?? {}).map((name) => ({ name })),
          getItem(this: Mock, name: string): Mock {
            const t = this[`table:${name}`] ?? log.addedTables.find((a) => a.table.name === name)?.table;
            if (!t) throw new Error(`ItemNotFound: table ${name}`);
            return t;
          },
        },
        getSelectedRange(this: Mock): Mock {
          if (!init.selection) throw new Error("No selection");
          return makeRange(this, init.selection);
        },
      },
    },
    run: async function (this: Mock, batch: (context: Mock) => Promise<unknown>) {
      return batch(this.context);
    },
  };

  const excel: Mock = new OfficeMockObject(data as any);
  const workbook = excel.context.workbook;
  for (const name of Object.keys(init.sheets)) {
    const k = key("sheet");
    sheetKeys.set(name, k);
    populate(workbook.worksheets, k, sheetData(name));
  }
  for (const [name, t] of Object.entries(init.tables ?? {})) populate(workbook.tables, `table:${name}`, tableData(name, { ...t }));
  const realSync = excel.context.sync.bind(excel.context);
  excel.context.sync = async () => {
    log.syncs++;
    await realSync();
  };

  /** The sheet as the code left it: every range the code assigned values to, applied in order. */
  const written = (sheet: string): Table => {
    const out: Table = [];
    for (const r of ranges) {
      if (r.sheet !== sheet) continue;
      const v = r.mock.values;
      if (!Array.isArray(v) || v === r.initial) continue;
      v.forEach((row: Cell[], i: number) =>
        row.forEach((c, j) => {
          (out[r.row + i] ??= [])[r.column + j] = c;
        }),
      );
    }
    return out;
  };

  return { excel, log, ranges, written, settings: makeFakeSettings() };
}

/** `Office.context.document.settings` as an office-addin-mock object: get/set, saveAsync. */
export function makeFakeSettings(initial: Record<string, unknown> = {}, fail = false) {
  const store: Record<string, unknown> = { ...initial };
  const saved: Record<string, unknown>[] = [];
  const office: Mock = new OfficeMockObject({
    context: {
      document: {
        settings: {
          get: (name: string) => (name in store ? store[name] : null),
          set: (name: string, value: unknown) => {
            store[name] = value;
          },
          saveAsync: (cb?: (r: { status: string; error?: { message: string } }) => void) => {
            if (!fail) saved.push(JSON.parse(JSON.stringify(store)));
            cb?.(fail ? { status: "failed", error: { message: "read-only workbook" } } : { status: "succeeded" });
          },
        },
      },
    },
  } as any);
  return { office, settings: office.context.document.settings, store, saved };
}
