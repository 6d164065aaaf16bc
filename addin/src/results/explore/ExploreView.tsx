/** An explore job's result: findings, per-column statistics with sparklines, histograms, correlations, clusters, SOM. */
import type { ColumnSummary, ExploreResult } from "../../api/types";
import { fmtInt, fmtRange, fmtValue } from "../../components/format";

/** A column's median as its ends are written: whole in a column of whole ends ("median 18", not 18.00). */
const wholeAs = (c: { min?: unknown; max?: unknown }, v: unknown) =>
  Number.isInteger(c.min) && Number.isInteger(c.max) && Number.isInteger(v) ? fmtRange(v, v)[0] : fmtValue(v);
import { NarrowSwitch } from "../../components/NarrowSwitch";
import { TableHead } from "../../components/TableHead";
import type { ResultViewProps } from "../kind";
import { ClusterProfiles, CorrelationView, HistogramChart, SomView } from "./ExploreCharts";
import { dateSpan, findingText } from "./sheets";

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

/** Each column as a card: its name and distribution, its count, then its figures (or top values). */
function ColumnCards({ columns }: { columns: ColumnSummary[] }) {
  return (
    <ul className="cards" data-testid="explore-cards">
      {columns.map((c) => {
        const numeric = typeof c.mean === "number";
        const span = dateSpan(c);
        return (
          <li key={c.column} className="card-row" data-testid="explore-card">
            <div className="card-row__head">
              <span className="card-row__name" title={c.column}>
                {c.column}
              </span>
              {numeric && <Histogram summary={c} />}
            </div>
            <div className="card-row__line">
              <span>{fmtInt(c.count)} values</span>
              {c.missing > 0 && <span className="muted">{fmtInt(c.missing)} missing</span>}
            </div>
            {numeric ? (
              <div className="card-row__line" data-testid="explore-card-figures">
                <span>mean {fmtValue(c.mean)}</span>
                <span>median {wholeAs(c, c.median)}</span>
                <span>
                  {fmtRange(c.min, c.max).join(" to ")}
                </span>
              </div>
            ) : span ? (
              <div className="card-row__line" data-testid="explore-card-span">
                <span className="muted">dates</span> <span>{span}</span>
              </div>
            ) : (
              (c.top ?? []).length > 0 && (
                <div className="card-row__line card-row__line--wrap">
                  <span className="muted">most often</span> <Histogram summary={c} />
                </div>
              )
            )}
          </li>
        );
      })}
    </ul>
  );
}

function ColumnTable({ columns }: { columns: ColumnSummary[] }) {
  return (
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
          {columns.map((c) => {
            const dates = dateSpan(c) !== null; // a date column: first and last day, no histogram
            return (
              <tr key={c.column}>
                <td>{c.column}</td>
                <td className="num">{fmtInt(c.count)}</td>
                <td className="num">{fmtInt(c.missing)}</td>
                <td className="num">{fmtValue(c.mean)}</td>
                <td className="num">{wholeAs(c, c.median)}</td>
                <td className="num">{fmtValue(c.std)}</td>
                <td className="num">{dates ? String(c.first) : fmtRange(c.min, c.max)[0]}</td>
                <td className="num">{dates ? String(c.last) : fmtRange(c.min, c.max)[1]}</td>
                <td>{dates ? null : <Histogram summary={c} />}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function ExploreView({ result }: ResultViewProps<ExploreResult>) {
  const findings = result.findings ?? [];
  const numeric = (result.columns ?? []).filter((c) => c.histogram?.counts?.length);
  return (
    <div className="result result--explore" data-testid="explore-result">
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
      <NarrowSwitch testId="explore-columns" what="statistics" compact={<ColumnCards columns={result.columns ?? []} />} table={<ColumnTable columns={result.columns ?? []} />} />
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
          <CorrelationView corr={result.correlations} />
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
