// A fake Office/Excel host injected before the task pane loads (Playwright add_init_script).
// It holds a small in-memory workbook and implements the part of the Excel JavaScript API the
// add-in uses; everything written is kept in window.__fakeExcel for the test to inspect.
// Document settings live in localStorage, so they survive a reload (= closing the pane).
(() => {
  const init = window.__FAKE_WORKBOOK__ || { sheets: {}, tables: {} };
  const book = { sheets: new Map(), tables: new Map(), charts: [], selection: null, log: [] };
  for (const [name, grid] of Object.entries(init.sheets)) book.sheets.set(name, { name, grid: grid.map((r) => [...r]), formats: new Map(), frozen: 0, charts: [] });
  for (const [name, t] of Object.entries(init.tables)) book.tables.set(name, { name, ...t, showTotals: false, style: "" });
  window.__fakeExcel = book;

  const letters = (i) => { let n = i + 1, s = ""; while (n > 0) { const m = (n - 1) % 26; s = String.fromCharCode(65 + m) + s; n = Math.floor((n - 1) / 26); } return s; };
  const parseCell = (a) => { const m = /^\$?([A-Z]+)\$?(\d+)$/i.exec(a); let c = 0; for (const ch of m[1].toUpperCase()) c = c * 26 + ch.charCodeAt(0) - 64; return { row: +m[2] - 1, column: c - 1 }; };
  const sheetOf = (name) => { const s = book.sheets.get(name); if (!s) throw new Error(`ItemNotFound: ${name}`); return s; };

  function makeRange(sheetName, row, column, rows, columns) {
    const sheet = () => sheetOf(sheetName);
    const range = {
      rowIndex: row, columnIndex: column, rowCount: rows, columnCount: columns,
      address: `${sheetName}!${letters(column)}${row + 1}:${letters(column + columns - 1)}${row + rows}`,
      worksheet: { name: sheetName, load() {} },
      load() { return range; },
      get values() { const g = sheet().grid; return Array.from({ length: rows }, (_, i) => Array.from({ length: columns }, (_, j) => g[row + i]?.[column + j] ?? "")); },
      set values(v) { const g = sheet().grid; v.forEach((r, i) => r.forEach((c, j) => { (g[row + i] ??= [])[column + j] = c; })); },
      get numberFormat() { const f = sheet().formats; return Array.from({ length: rows }, (_, i) => Array.from({ length: columns }, (_, j) => f.get(`${row + i},${column + j}`) ?? "General")); },
      set numberFormat(v) { const f = sheet().formats; v.forEach((r, i) => r.forEach((c, j) => f.set(`${row + i},${column + j}`, c))); },
      format: { font: {}, autofitColumns() { book.log.push(["autofit", sheetName]); } },
      conditionalFormats: { add(type) { const cf = { type, colorScale: {} }; book.log.push(["conditionalFormat", sheetName, range.address, cf]); return cf; } },
      select() { book.selection = range.address; book.log.push(["select", range.address]); },
    };
    return range;
  }

  function usedRange(name) {
    const g = sheetOf(name).grid; let rows = 0, cols = 0;
    g.forEach((r, i) => r && r.forEach((c, j) => { if (c !== "" && c !== null && c !== undefined) { rows = Math.max(rows, i + 1); cols = Math.max(cols, j + 1); } }));
    return makeRange(name, 0, 0, Math.max(1, rows), Math.max(1, cols));
  }

  function tableApi(t) {
    return {
      get name() { return t.name; }, set name(v) { book.tables.delete(t.name); t.name = v; book.tables.set(v, t); },
      get style() { return t.style; }, set style(v) { t.style = v; },
      get showTotals() { return t.showTotals; },
      load() {},
      getRange() { return makeRange(t.sheet, t.row, t.column, t.rows, t.columns); },
      getHeaderRowRange() { return makeRange(t.sheet, t.row, t.column, 1, t.columns); },
      rows: { add(_index, values) { makeRange(t.sheet, t.row + t.rows, t.column, values.length, t.columns).values = values; t.rows += values.length; book.log.push(["rows.add", t.name, values.length]); } },
    };
  }

  function sheetApi(name) {
    return {
      name, isNullObject: false, load() {},
      getRangeByIndexes: (r, c, n, m) => makeRange(name, r, c, n, m),
      getRange: (address) => { const [a, b] = address.split(":"); const p = parseCell(a), q = parseCell(b ?? a); return makeRange(name, p.row, p.column, q.row - p.row + 1, q.column - p.column + 1); },
      getUsedRange: () => usedRange(name),
      tables: { add(range, hasHeaders) { const t = { name: `Table${book.tables.size + 1}`, sheet: name, row: range.rowIndex, column: range.columnIndex, rows: range.rowCount, columns: range.columnCount, showTotals: false, style: "", hasHeaders }; book.tables.set(t.name, t); return tableApi(t); } },
      charts: {
        add(type, source, seriesBy) {
          const chart = { type, source: source.address, seriesBy, name: "", title: { text: "" }, legend: {}, series: [], position: null, categories: null, sheet: name, valueAxis: {} };
          const seriesApi = (s) => ({ setValues(r) { s.values = r.address; } });
          const api = {
            get name() { return chart.name; }, set name(v) { chart.name = v; },
            title: chart.title, legend: chart.legend,
            setPosition(a, b) { chart.position = [a, b]; },
            series: { add(n) { const s = { name: n }; chart.series.push(s); return seriesApi(s); }, getItemAt(i) { chart.series[i] ??= { name: `#${i}` }; return seriesApi(chart.series[i]); } },
            axes: { valueAxis: chart.valueAxis, categoryAxis: { setCategoryNames(r) { chart.categories = r.address; } } },
          };
          chart.series.push({ name: "first", values: source.address });
          book.charts.push(chart); sheetOf(name).charts.push(chart); chart.api = api;
          return api;
        },
        getItem(n) { const c = book.charts.find((x) => x.sheet === name && x.name === n); if (!c) throw new Error(`ItemNotFound: chart ${n}`); return c.api; },
      },
      freezePanes: { freezeRows(n) { sheetOf(name).frozen = n; } },
      activate() { book.active = name; },
      delete() { book.sheets.delete(name); for (const [k, t] of book.tables) if (t.sheet === name) book.tables.delete(k); book.charts = book.charts.filter((c) => c.sheet !== name); },
    };
  }

  const context = {
    workbook: {
      tables: { load() {}, get items() { return [...book.tables.values()].map((t) => ({ name: t.name })); }, getItem(n) { const t = book.tables.get(n); if (!t) throw new Error(`ItemNotFound: table ${n}`); return tableApi(t); } },
      worksheets: {
        load() {}, get items() { return [...book.sheets.keys()].map((name) => ({ name })); },
        getItem(n) { sheetOf(n); return sheetApi(n); },
        getItemOrNullObject(n) { return book.sheets.has(n) ? sheetApi(n) : { isNullObject: true, load() {} }; },
        add(n) { if (book.sheets.has(n)) throw new Error(`ItemAlreadyExists: ${n}`); book.sheets.set(n, { name: n, grid: [], formats: new Map(), frozen: 0, charts: [] }); return sheetApi(n); },
      },
      getSelectedRange() { const s = init.selection; return makeRange(s.sheet, s.row, s.column, s.rows, s.columns); },
    },
    sync: () => new Promise((resolve) => setTimeout(resolve, 0)),
  };

  const KEY = "fake-office-document-settings";
  const settings = JSON.parse(localStorage.getItem(KEY) || "{}");
  window.Excel = { run: async (batch) => batch(context) };
  window.Office = {
    HostType: { Excel: "Excel" },
    onReady: async () => ({ host: "Excel", platform: "OfficeOnline" }),
    context: {
      document: {
        settings: {
          get: (k) => (k in settings ? settings[k] : null),
          set: (k, v) => { settings[k] = v; },
          saveAsync: (cb) => { localStorage.setItem(KEY, JSON.stringify(settings)); cb && cb({ status: "succeeded" }); },
        },
      },
    },
  };
})();
