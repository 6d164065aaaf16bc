import { useState } from "react";
import type { Cell, ColumnSummary, CountryOutcome, ExploreResult, Metrics, PlanResult, RuleReport, Table, TrainResult } from "../api/types";
import { ClusterProfiles, CorrelationHeatmap, HistogramChart, SomView } from "./ExploreCharts";
import { fmtCell, fmtInt, fmtMoney, fmtPct, fmtValue, isNum } from "./format";
import { TableHead } from "./TableHead";

// ---------- train ----------

interface MetricRow {
  key: string;
  name: string;
  kind: string;
  metrics: Metrics;
  champion?: boolean;
}

export function TrainResults({ result }: { result: TrainResult }) {
  const champion = result.champion ?? undefined;
  const rows: MetricRow[] = [
    ...(result.candidates ?? []).map((c, i) => ({
      key: `c${i}`,
      name: c.name,
      kind: c.family ?? "candidate",
      metrics: c.metrics ?? {},
      champion: !!c.chosen || (!!champion && (c.id === champion || c.name === champion)),
    })),
    ...(result.baselines ?? []).map((b, i) => ({ key: `b${i}`, name: b.name, kind: "baseline", metrics: b.metrics ?? {} })),
    ...(result.registered ?? []).map((r, i) => ({
      key: `r${i}`,
      name: r.name ?? r.id ?? `model ${i + 1}`,
      kind: "registered",
      metrics: r.metrics ?? {},
      champion: !!r.champion,
    })),
  ];
  return (
    <div className="result">
      <h3>Holdout accuracy</h3>
      <div className="table-wrap">
        <table className="data" data-testid="train-table">
          <TableHead
            columns={[
              { label: "Model" },
              { label: "WAPE", num: true, title: "Weighted absolute percentage error" },
              { label: "MAPE", num: true, title: "Mean absolute percentage error" },
              { label: "Bias", num: true, title: "Forecast total / actual total − 1" },
            ]}
          />
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} className={r.champion ? "is-champion" : r.kind === "baseline" ? "is-baseline" : undefined}>
                <td className="model-cell">
                  <span className="model-cell__name">
                    {r.name}
                    {r.champion && (
                      <span className="tag tag--accent" data-testid="champion">
                        champion
                      </span>
                    )}
                  </span>
                  <span className="model-cell__kind">{r.kind}</span>
                </td>
                <td className="num">{fmtPct(r.metrics.wape)}</td>
                <td className="num">{fmtPct(r.metrics.mape)}</td>
                <td className="num">{fmtPct(r.metrics.bias)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {champion && (
        <p className="small muted">
          Champion model: <span className="mono">{champion}</span>
        </p>
      )}
    </div>
  );
}

// ---------- plan ----------

const PLAN_COLUMNS: { key: string; label: string; fmt: (v: Cell) => string; num?: boolean }[] = [
  // a multi-country plan's rows end with their country: shown first, it groups the rows
  { key: "country", label: "Country", fmt: fmtCell },
  { key: "page", label: "Page", fmt: fmtCell, num: true },
  { key: "slot", label: "Slot", fmt: fmtCell, num: true },
  { key: "product_id", label: "Product", fmt: fmtCell },
  { key: "category", label: "Category", fmt: fmtCell },
  { key: "discount", label: "Discount", fmt: (v) => fmtPct(v, 0), num: true },
  { key: "forecast_units", label: "Units", fmt: fmtInt, num: true },
  { key: "forecast_revenue", label: "Revenue", fmt: fmtMoney, num: true },
  { key: "forecast_profit", label: "Profit", fmt: fmtMoney, num: true },
];

const PREVIEW_ROWS = 100;

/** Totals: cents while they fit, whole units from 10,000 on. */
const fmtTotal = (v: unknown) => (isNum(v) && Math.abs(v) >= 10_000 ? fmtValue(v) : fmtMoney(v));

export function PlanResults({ result }: { result: PlanResult }) {
  const [showAll, setShowAll] = useState(false);
  const plan: Table = result.plan ?? [];
  const header = (plan[0] ?? []).map((h) => String(h ?? "").trim().toLowerCase());
  const columns = PLAN_COLUMNS.map((c) => ({ ...c, index: header.indexOf(c.key) })).filter((c) => c.index >= 0);
  const body = plan.slice(1);
  const visible = showAll ? body : body.slice(0, PREVIEW_ROWS);
  const t = result.totals ?? {};
  const bound = isNum(result.bound) ? result.bound : undefined;
  return (
    <div className="result">
      {result.cancelled && <p className="notice">Cancelled: this is the best plan found before the stop.</p>}
      <dl className="totals" data-testid="plan-totals">
        <div>
          <dt>Profit</dt>
          <dd title={fmtMoney(t.profit)}>{fmtTotal(t.profit)}</dd>
        </div>
        <div>
          <dt>Revenue</dt>
          <dd title={fmtMoney(t.revenue)}>{fmtTotal(t.revenue)}</dd>
        </div>
        <div>
          <dt>Units</dt>
          <dd title={fmtInt(t.units)}>{isNum(t.units) && t.units >= 100_000 ? fmtValue(t.units) : fmtInt(t.units)}</dd>
        </div>
        <div>
          <dt>Products</dt>
          <dd>{fmtInt(t.products)}</dd>
        </div>
        <div>
          <dt>Slots used</dt>
          <dd>{fmtInt(t.slots_used)}</dd>
        </div>
        {bound !== undefined && (
          <div>
            <dt>Bound</dt>
            <dd title="An upper bound on the objective">{fmtValue(bound)}</dd>
          </div>
        )}
        {isNum(result.anomaly_score) && (
          <div>
            <dt>Anomaly</dt>
            <dd>{result.anomaly_score.toFixed(2)}</dd>
          </div>
        )}
      </dl>

      {(result.countries ?? []).length > 0 && <CountryTable countries={result.countries!} />}

      {(result.rules ?? []).length > 0 && (
        <>
          <h3>Rules</h3>
          <RulesList lines={describeRules(result.rules)} />
        </>
      )}

      <h3>
        Plan <span className="muted small">{fmtInt(body.length)} slots</span>
      </h3>
      <div className="table-wrap">
        <table className="data" data-testid="plan-table">
          <TableHead columns={columns} />
          <tbody>
            {visible.map((row, i) => (
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c.key} className={c.num ? "num" : undefined}>
                    {c.fmt(row[c.index] ?? null)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {body.length > PREVIEW_ROWS && (
        <button type="button" className="link-button" onClick={() => setShowAll((v) => !v)}>
          {showAll ? "Show the first rows only" : `Show all ${fmtInt(body.length)} rows`}
        </button>
      )}
    </div>
  );
}

/** Gap to the bound as a share: how far below what is possible the plan is. */
export function boundGap(c: Pick<CountryOutcome, "bound" | "bound_gap" | "objective">): number | null {
  if (isNum(c.bound_gap)) return c.bound_gap;
  if (isNum(c.bound) && isNum(c.objective) && c.bound > 0) return Math.max(c.bound - c.objective, 0) / c.bound;
  return null;
}

const STOPPED_BY: Record<string, string> = {
  generations: "all generations",
  stagnation: "no better plan",
  time_limit: "time limit",
  cancelled: "cancelled",
};

export const stoppedByLabel = (v: unknown) => (typeof v === "string" && v ? STOPPED_BY[v] ?? v.replace(/_/g, " ") : "–");

/** A multi-country plan: one line per country, failures with their reason. */
export function CountryTable({ countries }: { countries: CountryOutcome[] }) {
  return (
    <>
      <h3>
        By country <span className="muted small">{fmtInt(countries.length)} catalogues</span>
      </h3>
      <div className="table-wrap">
        <table className="data" data-testid="country-table">
          <TableHead
            columns={[
              { label: "Country" },
              { label: "Status" },
              { label: "Units", num: true },
              { label: "Revenue", num: true },
              { label: "Profit", num: true },
              { label: "Gap to bound", num: true, title: "How far below the upper bound on the objective" },
              { label: "Stopped by" },
            ]}
          />
          <tbody>
            {countries.map((c) => {
              const t = c.totals ?? {};
              return (
                <tr key={c.country} data-testid={`country-row-${c.country}`} className={c.status === "failed" ? "is-failed" : undefined}>
                  <td>{c.country}</td>
                  <td className={`status-text--${c.status}`}>{c.status}</td>
                  {c.error?.detail || c.error?.code ? (
                    <td colSpan={5} className="country-error" data-testid={`country-error-${c.country}`} title={c.error?.code ?? undefined}>
                      {c.error?.detail ?? c.error?.code}
                    </td>
                  ) : (
                    <>
                      <td className="num">{fmtInt(t.units)}</td>
                      <td className="num">{fmtMoney(t.revenue)}</td>
                      <td className="num">{fmtMoney(t.profit)}</td>
                      <td className="num">{fmtPct(boundGap(c))}</td>
                      <td>{stoppedByLabel(c.stopped_by)}</td>
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

// ---------- rules ----------

function RuleItems({ lines }: { lines: RuleLine[] }) {
  return (
    <>
      {lines.map((r, i) => (
        <li key={i} className={r.kept ? "rule rule--kept" : "rule rule--broken"}>
          <span className="rule__mark" aria-label={r.kept ? "kept" : "broken"}>
            {r.kept ? "✓" : "✗"}
          </span>
          <span className="rule__name">{r.label}</span>
          <span className="rule__value muted">{r.detail}</span>
        </li>
      ))}
    </>
  );
}

/** The rules, one list; a multi-country plan's per country, folded where every rule was kept. */
function RulesList({ lines }: { lines: RuleLine[] }) {
  if (!lines.some((l) => l.country))
    return (
      <ul className="rules" data-testid="rules">
        <RuleItems lines={lines} />
      </ul>
    );
  const groups = new Map<string, RuleLine[]>();
  for (const l of lines) groups.set(l.country ?? "", [...(groups.get(l.country ?? "") ?? []), l]);
  return (
    <div className="rules-by-country" data-testid="rules">
      {[...groups.entries()].map(([country, group]) => {
        const broken = group.filter((l) => !l.kept).length;
        return (
          <details key={country} className="rules-country" open={broken > 0} data-testid={`rules-${country}`}>
            <summary className={broken ? "rule rule--broken" : "rule rule--kept"}>
              <span className="rule__mark">{broken ? "✗" : "✓"}</span>
              <span className="rule__name">
                <span className="rule__country">{country}</span>
                {broken ? `${broken} of ${group.length} rules broken` : `all ${group.length} rules kept`}
              </span>
            </summary>
            <ul className="rules">
              <RuleItems lines={group} />
            </ul>
          </details>
        );
      })}
    </div>
  );
}

export interface RuleLine {
  label: string;
  detail: string;
  kept: boolean;
  /** multi-country plans: the country the rule was checked for */
  country?: string;
}

const pctList = (v: unknown) =>
  Array.isArray(v) ? `${v.map((x) => (isNum(x) ? Math.round(x * 1000) / 10 : String(x))).join(", ")} %` : fmtCell(v as Cell);

/**
 * The engine's rule report in words; a category's min and max rules become one line. A
 * multi-country plan's rules carry their country: grouped by country, each line says which.
 */
export function describeRules(rules: RuleReport[]): RuleLine[] {
  if (!rules.some((r) => r.country)) return describeCountryRules(rules);
  const groups = new Map<string, RuleReport[]>();
  for (const r of rules) groups.set(r.country ?? "", [...(groups.get(r.country ?? "") ?? []), r]);
  return [...groups.entries()].flatMap(([country, group]) =>
    describeCountryRules(group).map((l) => ({ ...l, ...(country ? { country } : {}) })),
  );
}

function describeCountryRules(rules: RuleReport[]): RuleLine[] {
  const lines: RuleLine[] = [];
  const categories = new Map<string, { min?: RuleReport; max?: RuleReport; at: number }>();
  for (const r of rules) {
    if ((r.rule === "category_min" || r.rule === "category_max") && r.category !== undefined) {
      const key = `${r.country ?? ""}\u0000${r.category}`;
      let entry = categories.get(key);
      if (!entry) {
        entry = { at: lines.length };
        categories.set(key, entry);
        lines.push({ label: "", detail: "", kept: true });
      }
      entry[r.rule === "category_min" ? "min" : "max"] = r;
      const { min, max } = entry;
      const value = (min ?? max)?.value;
      const bounds =
        min && max ? `${fmtCell(min.limit as Cell)}–${fmtCell(max.limit as Cell)}` : min ? `≥ ${fmtCell(min.limit as Cell)}` : `≤ ${fmtCell(max!.limit as Cell)}`;
      lines[entry.at] = {
        label: `Category ${r.category}`,
        detail: `${fmtCell(value as Cell)} products (limit ${bounds})`,
        kept: (min?.kept ?? true) && (max?.kept ?? true),
      };
      continue;
    }
    switch (r.rule) {
      case "unique_products":
        lines.push({ label: "Each product at most once", detail: `max ${fmtCell(r.value as Cell)} per product`, kept: r.kept });
        break;
      case "one_product_per_slot":
        lines.push({ label: "One product per slot", detail: "", kept: r.kept });
        break;
      case "must_include":
        lines.push({ label: "Must-include products placed", detail: `${fmtCell(r.value as Cell)} of ${fmtCell(r.limit as Cell)}`, kept: r.kept });
        break;
      case "discount_levels":
        lines.push({ label: "Discounts from the allowed levels", detail: `used ${pctList(r.value)}`, kept: r.kept });
        break;
      case "max_discounted_share":
        lines.push({ label: "Discounted share", detail: `${fmtPct(r.value, 0)} (max ${fmtPct(r.limit, 0)})`, kept: r.kept });
        break;
      default: {
        const limit = r.limit !== undefined && r.limit !== null ? ` (limit ${Array.isArray(r.limit) ? r.limit.join(", ") : fmtCell(r.limit)})` : "";
        lines.push({
          label: r.rule.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase()),
          detail: `${Array.isArray(r.value) ? r.value.join(", ") : fmtCell(r.value ?? null)}${limit}`,
          kept: r.kept,
        });
      }
    }
  }
  return lines;
}

// ---------- explore ----------

function Histogram({ summary }: { summary: ColumnSummary }) {
  const counts = summary.histogram?.counts ?? [];
  if (counts.length === 0) {
    const top = (summary.top ?? []).slice(0, 3).map(topLabel).filter(Boolean);
    return <span className="muted small">{top.join(", ")}</span>;
  }
  const max = Math.max(...counts, 1);
  const w = 80;
  const h = 20;
  const bw = w / counts.length;
  return (
    <svg className="spark" viewBox={`0 0 ${w} ${h}`} width={w} height={h} role="img" aria-label={`Histogram of ${summary.column}`}>
      {counts.map((c, i) => {
        const bh = Math.max(c > 0 ? 1 : 0, (c / max) * h);
        return <rect key={i} x={i * bw + 0.5} y={h - bh} width={Math.max(0.5, bw - 1)} height={bh} />;
      })}
    </svg>
  );
}

function topLabel(t: unknown): string {
  if (t === null || t === undefined) return "";
  if (Array.isArray(t)) return `${t[0]} (${fmtInt(t[1])})`;
  if (typeof t === "object") {
    const o = t as Record<string, unknown>;
    const v = o.value ?? o.name ?? o.key;
    return o.count !== undefined ? `${String(v)} (${fmtInt(o.count)})` : String(v);
  }
  return String(t);
}

function findingText(f: unknown): string {
  if (typeof f === "string") return f;
  if (f && typeof f === "object") {
    const o = f as Record<string, unknown>;
    return String(o.text ?? o.message ?? o.detail ?? JSON.stringify(o));
  }
  return String(f);
}

export function ExploreResults({ result }: { result: ExploreResult }) {
  const findings = result.findings ?? [];
  const numeric = (result.columns ?? []).filter((c) => c.histogram?.counts?.length);
  return (
    <div className="result" data-testid="explore-result">
      {findings.length > 0 && (
        <>
          <h3>Findings</h3>
          <ul className="findings" data-testid="findings">
            {findings.map((f, i) => (
              <li key={i}>{findingText(f)}</li>
            ))}
          </ul>
        </>
      )}
      <h3>Columns</h3>
      <div className="table-wrap">
        <table className="data" data-testid="explore-table">
          <TableHead
            columns={[
              { label: "Column" },
              ...["Count", "Missing", "Mean", "Median", "Std", "Min", "Max"].map((label) => ({ label, num: true })),
              { label: "Distribution" },
            ]}
          />
          <tbody>
            {(result.columns ?? []).map((c) => (
              <tr key={c.column}>
                <td>{c.column}</td>
                <td className="num">{fmtInt(c.count)}</td>
                <td className="num">{fmtInt(c.missing)}</td>
                <td className="num">{fmtValue(c.mean)}</td>
                <td className="num">{fmtValue(c.median)}</td>
                <td className="num">{fmtValue(c.std)}</td>
                <td className="num">{fmtValue(c.min)}</td>
                <td className="num">{fmtValue(c.max)}</td>
                <td>
                  <Histogram summary={c} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {numeric.length > 0 && (
        <>
          <h3>Histograms</h3>
          <div className="chart-grid">
            {numeric.map((c) => (
              <HistogramChart key={c.column} summary={c} />
            ))}
          </div>
        </>
      )}
      {result.correlations && result.correlations.columns.length > 1 && (
        <>
          <h3>Correlations</h3>
          <CorrelationHeatmap corr={result.correlations} />
        </>
      )}
      {result.clusters && result.clusters.profiles?.length > 0 && (
        <>
          <h3>Clusters</h3>
          <ClusterProfiles clusters={result.clusters} />
        </>
      )}
      {result.som && result.som.u_matrix?.length > 0 && (
        <>
          <h3>Self-organising map</h3>
          <SomView som={result.som} />
        </>
      )}
    </div>
  );
}
