/**
 * Explore results as sheets: an overview, histograms with native column charts, correlations and
 * cluster profiles with colour scales, the self-organising map's grids. Pure functions from the
 * job's result to report blocks, so they are tested without Excel.
 */
import type { ColumnSummary, ExploreResult, Finding, Histogram, Table } from "../../api/types";
import type { ReportBlock } from "../../office/adapter";

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** A date column's span ("2023-01-02 to 2024-12-30"), or null for any other column. */
export function dateSpan(summary: ColumnSummary): string | null {
  const { kind, first, last } = summary as { kind?: unknown; first?: unknown; last?: unknown };
  if (kind !== "date" || typeof first !== "string" || typeof last !== "string") return null;
  return first === last ? first : `${first} to ${last}`;
}

/** A finding as a sentence (the engine sends text; older results a message or detail). */
export function findingText(f: unknown): string {
  if (typeof f === "string") return f;
  if (f && typeof f === "object") {
    const o = f as Finding;
    return String(o.text ?? o.message ?? o.detail ?? JSON.stringify(o));
  }
  return String(f);
}

/**
 * A histogram's bars as labels: a column counted per value (a 0/1 flag: "0", "1") by its
 * numbers, other columns by their bins ("10–20").
 */
export function histogramLabels(h: Histogram): string[] {
  return h.values?.length === h.counts.length ? h.values.map(String) : binLabels(h.edges);
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
      ...(result.columns ?? []).map((c) => {
        const dates = dateSpan(c) !== null; // a date column: its first and last day, no top values
        return [
          c.column, c.count, c.missing, num(c.mean), num(c.median), num(c.std),
          dates ? String(c.first) : num(c.min), dates ? String(c.last) : num(c.max),
          dates ? "" : (c.top ?? []).slice(0, 3).map((t) => (t && typeof t === "object" ? `${(t as { value?: unknown }).value} (${(t as { count?: unknown }).count})` : String(t))).join(", "),
        ];
      }),
    ],
    numberFormats: { count: "#,##0", missing: "#,##0", mean: "#,##0.00", median: "#,##0.00", std: "#,##0.00", min: "#,##0.00", max: "#,##0.00" },
  });
  sheets["Folio Explore"] = overview;

  const hist: ReportBlock[] = [];
  for (const c of result.columns ?? []) {
    const h = c.histogram;
    if (!h || !h.counts?.length) continue;
    const labels = histogramLabels(h);
    const perValue = h.values?.length === h.counts.length;
    const bar = perValue ? "value" : "bin";
    hist.push({
      title: `Histogram of ${c.column}`,
      table: [[bar, "count"], ...h.counts.map((n, i) => [labels[i] ?? String(i + 1), n])],
      chart: { type: "column", title: `${c.column}: rows per ${bar}`, category: bar, series: ["count"] },
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
