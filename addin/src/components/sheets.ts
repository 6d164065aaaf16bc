/**
 * Results as workbook sheets: what the Excel pane writes after a job (plan + summary, model
 * metrics, explore sheets with native charts and colour scales). Pure functions from a job's
 * result to tables and report blocks, so they are tested without Excel.
 */
import type { Cell, ExploreResult, Finding, PlanResult, Table, TrainResult } from "../api/types";
import type { ReportBlock } from "../office/adapter";
import { boundGap, describeRules, stoppedByLabel } from "./Results";

export const CURRENCY = '#,##0.00 "€"';
export const PLAN_FORMATS: Record<string, string> = {
  page: "0",
  slot: "0",
  discount: "0%",
  forecast_units: "#,##0",
  forecast_low: "#,##0",
  forecast_high: "#,##0",
  forecast_revenue: CURRENCY,
  forecast_profit: CURRENCY,
  price: CURRENCY,
  unit_cost: CURRENCY,
  anomaly_contribution: "0.000",
};

export { CONVERGENCE_CHART } from "./convergenceSink";

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The Summary sheet of a plan: totals (with the gap to the bound), rules, settings, run record. */
export function planSummaryBlocks(result: PlanResult): ReportBlock[] {
  const t = result.totals ?? {};
  const bound = num(result.bound);
  const run = (result.run ?? {}) as Record<string, unknown>;
  const objective = String((run.settings as Record<string, unknown> | undefined)?.objective ?? "profit");
  const achieved = num(t[objective as keyof typeof t]) ?? num(t.profit);
  const gap = bound !== null && achieved !== null ? bound - achieved : null;
  const totals: [string, Cell, string | null][] = [
    ["Forecast units", num(t.units), "#,##0"],
    ["Forecast revenue", num(t.revenue), CURRENCY],
    ["Forecast profit", num(t.profit), CURRENCY],
    ["Products", num(t.products), "0"],
    ["Slots used", num(t.slots_used), "0"],
    [`Upper bound on ${objective}`, bound, objective === "units" ? "#,##0" : CURRENCY],
    ["Gap to the bound", gap, objective === "units" ? "#,##0" : CURRENCY],
    ["Gap to the bound (share)", gap !== null && bound ? gap / Math.abs(bound) : null, "0.0%"],
    ["Anomaly score", num(result.anomaly_score), "0.00"],
    ["Stopped early (cancelled)", result.cancelled ? "yes" : "no", null],
  ];
  const rows = totals.filter(([, v]) => v !== null);
  const blocks: ReportBlock[] = [
    {
      title: "Plan summary",
      table: [["item", "value"], ...rows.map(([k, v]) => [k, v])],
      asTable: false,
      rowFormats: rows.map(([, , f]) => f),
    },
  ];
  if (result.countries?.length) blocks.push(countryBlock(result));
  const rules = describeRules(result.rules ?? []);
  const byCountry = rules.some((r) => r.country);
  if (rules.length)
    blocks.push({
      title: "Rules",
      table: [
        [...(byCountry ? ["country"] : []), "rule", "detail", "kept"],
        ...rules.map((r) => [...(byCountry ? [r.country ?? ""] : []), r.label, r.detail, r.kept ? "kept" : "BROKEN"]),
      ],
    });
  const settings = run.settings as Record<string, unknown> | undefined;
  if (settings && typeof settings === "object")
    blocks.push({ title: "Settings", table: [["setting", "value"], ...Object.entries(settings).map(([k, v]) => [k, scalar(v)])], asTable: false });
  const record = Object.entries(run).filter(([k]) => k !== "settings");
  if (record.length) blocks.push({ title: "Run record", table: [["item", "value"], ...record.map(([k, v]) => [k, scalar(v)])], asTable: false });
  return blocks;
}

/** A multi-country plan's countries side by side, as a formatted table on the Summary sheet. */
export function countryBlock(result: PlanResult): ReportBlock {
  const header = ["country", "status", "units", "revenue", "profit", "products", "bound", "gap to bound", "stopped by", "generations", "error"];
  const rows: Table = (result.countries ?? []).map((c) => {
    const t = c.totals ?? {};
    return [
      c.country,
      c.status,
      num(t.units),
      num(t.revenue),
      num(t.profit),
      num(t.products),
      num(c.bound),
      boundGap(c),
      c.stopped_by ? stoppedByLabel(c.stopped_by) : "",
      num(c.generations_run),
      c.error ? [c.error.code, c.error.detail].filter(Boolean).join(": ") : "",
    ];
  });
  return {
    title: "By country",
    table: [header, ...rows],
    numberFormats: { units: "#,##0", revenue: CURRENCY, profit: CURRENCY, products: "0", bound: "#,##0", "gap to bound": "0.0%", generations: "0" },
  };
}

function scalar(v: unknown): Cell {
  if (v === null || v === undefined) return "";
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}

/** Model metrics: candidates, baselines and registered models on the same holdout rows. */
export function trainMetricsTable(result: TrainResult): Table {
  const champion = result.champion ?? undefined;
  const rows: Table = [["model", "kind", "wape", "mape", "bias", "champion"]];
  for (const c of result.candidates ?? [])
    rows.push([c.name, c.family ?? "candidate", num(c.metrics?.wape), num(c.metrics?.mape), num(c.metrics?.bias), c.chosen || (champion && (c.id === champion || c.name === champion)) ? "yes" : ""]);
  for (const b of result.baselines ?? []) rows.push([b.name, "baseline", num(b.metrics?.wape), num(b.metrics?.mape), num(b.metrics?.bias), ""]);
  for (const r of result.registered ?? [])
    rows.push([r.name ?? r.id ?? "model", "registered", num(r.metrics?.wape), num(r.metrics?.mape), num(r.metrics?.bias), r.champion ? "yes" : ""]);
  return rows;
}

export const METRIC_FORMATS = { wape: "0.0%", mape: "0.0%", bias: "0.0%" };

export function findingText(f: unknown): string {
  if (typeof f === "string") return f;
  if (f && typeof f === "object") {
    const o = f as Finding;
    return String(o.text ?? o.message ?? JSON.stringify(o));
  }
  return String(f);
}

/** A histogram's bins as labels ("10–20"), rounded to what the data needs. */
export function binLabels(edges: number[]): string[] {
  const span = edges.length > 1 ? Math.abs(edges[edges.length - 1] - edges[0]) : 1;
  const digits = span >= 100 ? 0 : span >= 10 ? 1 : span >= 1 ? 2 : 3;
  const f = (x: number) => x.toFixed(digits);
  return edges.slice(0, -1).map((e, i) => `${f(e)}–${f(edges[i + 1])}`);
}

/** A grid with 1-based row and column labels, as a table whose first row and column are labels. */
export function gridTable(grid: (number | null)[][]): Table {
  const cols = Math.max(0, ...grid.map((r) => r.length));
  return [["", ...Array.from({ length: cols }, (_, j) => j + 1)], ...grid.map((r, i) => [i + 1, ...r.map((v) => (v === null ? "" : v))])];
}

const gridFormats = (grid: unknown[][], format = "0.00") =>
  Object.fromEntries(Array.from({ length: Math.max(0, ...grid.map((r) => r.length)) }, (_, j) => [String(j + 1), format]));

/** Explore results as sheets: name -> blocks. */
export function exploreSheets(result: ExploreResult, table: string): Record<string, ReportBlock[]> {
  const sheets: Record<string, ReportBlock[]> = {};
  const overview: ReportBlock[] = [];
  const findings = result.findings ?? [];
  if (findings.length) overview.push({ title: `What stands out in ${table}`, table: [["finding", "value", "n"], ...findings.map((f) => [findingText(f), typeof f === "object" ? num(f.value) : null, typeof f === "object" ? num(f.n) : null])] });
  overview.push({
    title: "Columns",
    table: [
      ["column", "count", "missing", "mean", "median", "std", "min", "max", "top values"],
      ...(result.columns ?? []).map((c) => [
        c.column, c.count, c.missing, num(c.mean), num(c.median), num(c.std), num(c.min), num(c.max),
        (c.top ?? []).slice(0, 3).map((t) => (t && typeof t === "object" ? `${(t as { value?: unknown }).value} (${(t as { count?: unknown }).count})` : String(t))).join(", "),
      ]),
    ],
    numberFormats: { count: "#,##0", missing: "#,##0", mean: "#,##0.00", median: "#,##0.00", std: "#,##0.00", min: "#,##0.00", max: "#,##0.00" },
  });
  sheets["Folio Explore"] = overview;

  const hist: ReportBlock[] = [];
  for (const c of result.columns ?? []) {
    const h = c.histogram;
    if (!h || !h.counts?.length) continue;
    const labels = binLabels(h.edges);
    hist.push({
      title: `Histogram of ${c.column}`,
      table: [["bin", "count"], ...h.counts.map((n, i) => [labels[i] ?? String(i + 1), n])],
      chart: { type: "column", title: `${c.column}: rows per bin`, category: "bin", series: ["count"] },
    });
  }
  if (hist.length) sheets["Folio Histograms"] = hist;

  const corr = result.correlations;
  if (corr && corr.columns?.length > 1)
    sheets["Folio Correlations"] = [{
      title: "Pearson correlations (blue −1, white 0, red +1)",
      table: [["", ...corr.columns], ...corr.matrix.map((r, i) => [corr.columns[i], ...r.map((v) => (v === null ? "" : v))])],
      asTable: false,
      colorScale: "diverging",
      numberFormats: Object.fromEntries(corr.columns.map((c) => [c, "0.00"])),
    }];

  const cl = result.clusters;
  if (cl && cl.profiles?.length) {
    sheets["Folio Clusters"] = [
      {
        title: `${cl.k} clusters (k chosen by silhouette ${cl.silhouette?.toFixed(2) ?? "–"})`,
        table: [["k", "silhouette"], ...cl.scores.map((s) => [s.k, num(s.silhouette)])],
        numberFormats: { silhouette: "0.000" },
        chart: { type: "column", title: "Silhouette score per k (higher is better)", category: "k", series: ["silhouette"] },
      },
      {
        title: "Cluster profiles: mean per feature",
        table: [["cluster", "size", "share", ...cl.features], ...cl.profiles.map((p) => [p.cluster + 1, p.size, num(p.share), ...cl.features.map((f) => num(p.means[f]))])],
        numberFormats: { size: "#,##0", share: "0.0%", ...Object.fromEntries(cl.features.map((f) => [f, "#,##0.00"])) },
      },
      {
        title: "Cluster profiles: standardised means (blue below average, red above)",
        table: [["cluster", ...cl.features], ...cl.profiles.map((p) => [p.cluster + 1, ...cl.features.map((f) => num(p.z_means[f]))])],
        asTable: false,
        colorScale: "diverging",
        numberFormats: Object.fromEntries(cl.features.map((f) => [f, "0.00"])),
      },
    ];
  }

  const som = result.som;
  if (som && som.u_matrix?.length) {
    const blocks: ReportBlock[] = [
      { title: `Self-organising map ${som.rows}×${som.cols}: U-matrix (red = borders between groups)`, table: gridTable(som.u_matrix), asTable: false, colorScale: "heat", numberFormats: gridFormats(som.u_matrix) },
    ];
    if (som.hits) blocks.push({ title: "Rows won per unit", table: gridTable(som.hits), asTable: false, colorScale: "heat" });
    for (const f of som.features) if (som.planes[f]) blocks.push({ title: `Heatmap of ${f} (mean per unit)`, table: gridTable(som.planes[f]), asTable: false, colorScale: "heat", numberFormats: gridFormats(som.planes[f]) });
    sheets["Folio SOM"] = blocks;
  }
  return sheets;
}
