/** Explore results drawn on the page and in the pane: histograms, heatmaps, SOM grids, clusters. */
import { useState } from "react";
import type { Clusters, ColumnSummary, Correlations, SomResult } from "../../api/types";
import { fmtInt, fmtPct, fmtRange, fmtValue } from "../../components/format";
import { histogramLabels } from "./sheets";
import { Explain } from "../../components/Explain";
import { NarrowSwitch } from "../../components/NarrowSwitch";
import { TableHead } from "../../components/TableHead";
import { GLOSSARY } from "../glossary";

/** white -> amber -> red for 0..1 */
export function heatColor(t: number): string {
  const x = Math.max(0, Math.min(1, t));
  const [a, b, u] = x < 0.5 ? [[255, 255, 255], [247, 197, 107], x * 2] : [[247, 197, 107], [196, 49, 75], (x - 0.5) * 2];
  const mix = (i: number) => Math.round((a as number[])[i] + ((b as number[])[i] - (a as number[])[i]) * (u as number));
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

/** blue (-1) -> white (0) -> red (+1) */
export function divergingColor(v: number): string {
  const x = Math.max(-1, Math.min(1, v));
  const to = x < 0 ? [47, 111, 186] : [209, 52, 56];
  const u = Math.abs(x);
  const mix = (i: number) => Math.round(255 + (to[i] - 255) * u);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

export function HistogramChart({ summary }: { summary: ColumnSummary }) {
  const h = summary.histogram;
  if (!h || !h.counts?.length) return null;
  const labels = histogramLabels(h);
  // a column of few whole numbers (a 0/1 flag): each bar labelled with its number under its middle
  // (every one up to 6 bars, else the first and last; up to 4, its rows too, since a rare value's
  // bar is a sliver: "1 (676)"); other columns: the range's two ends
  const perValue = h.values?.length === h.counts.length;
  const max = Math.max(...h.counts, 1);
  const w = 240;
  const ht = 90;
  const bw = w / h.counts.length;
  return (
    <figure className="chart-card" data-testid="histogram">
      <figcaption>
        {summary.column} <span className="muted small">{fmtInt(summary.count)} values</span>
      </figcaption>
      <svg viewBox={`0 0 ${w} ${ht + 14}`} role="img" aria-label={`Histogram of ${summary.column}`}>
        {h.counts.map((c, i) => {
          const bh = Math.max(c > 0 ? 1 : 0, (c / max) * ht);
          return (
            <rect key={i} className="bar" x={i * bw + 0.5} y={ht - bh} width={Math.max(0.5, bw - 1)} height={bh}>
              <title>{`${labels[i]}: ${fmtInt(c)}`}</title>
            </rect>
          );
        })}
        {perValue ? (
          labels.map((label, i) =>
            h.counts.length <= 6 || i === 0 || i === h.counts.length - 1 ? (
              <text key={i} x={(i + 0.5) * bw} y={ht + 12} className="axis" textAnchor="middle" data-testid="histogram-value">
                {h.counts.length <= 4 ? `${label} (${fmtInt(h.counts[i])})` : label}
              </text>
            ) : null,
          )
        ) : (
          <>
            <text x="0" y={ht + 12} className="axis">{fmtRange(h.edges[0], h.edges[h.edges.length - 1])[0]}</text>
            <text x={w} y={ht + 12} className="axis" textAnchor="end">{fmtRange(h.edges[0], h.edges[h.edges.length - 1])[1]}</text>
          </>
        )}
      </svg>
    </figure>
  );
}

/** The pairs of columns that move together most (|r| largest first), each pair once. */
export function strongestPairs(corr: Correlations, count = 8): { a: string; b: string; r: number }[] {
  const pairs: { a: string; b: string; r: number }[] = [];
  corr.columns.forEach((a, i) =>
    corr.columns.forEach((b, j) => {
      const r = corr.matrix[i]?.[j];
      if (j > i && typeof r === "number" && Number.isFinite(r)) pairs.push({ a, b, r });
    }),
  );
  return pairs.sort((x, y) => Math.abs(y.r) - Math.abs(x.r)).slice(0, count);
}

/** Narrow: the strongest pairs as a list; wide (and on demand): the whole heatmap. */
export function CorrelationView({ corr }: { corr: Correlations }) {
  const pairs = strongestPairs(corr);
  return (
    <NarrowSwitch
      testId="explore-correlations"
      what="correlation"
      compact={
        <>
          <p className="small muted">The pairs that move together most (r from −1 to 1; blue: one up, the other down).</p>
          <ul className="pairs" data-testid="correlation-pairs">
            {pairs.map((p) => (
              <li key={`${p.a}\u0000${p.b}`} className="pair">
                <span className="pair__swatch" style={{ background: divergingColor(p.r) }} aria-hidden="true" />
                <span className="pair__names" title={`${p.a} × ${p.b}`}>
                  {p.a} × {p.b}
                </span>
                <span className="pair__r">{`${p.r < 0 ? "−" : "+"}${Math.abs(p.r).toFixed(2)}`}</span>
              </li>
            ))}
          </ul>
        </>
      }
      table={<CorrelationHeatmap corr={corr} />}
    />
  );
}

export function CorrelationHeatmap({ corr }: { corr: Correlations }) {
  const n = corr.columns.length;
  return (
    <div className="grid-scroll">
      <table className="heat" data-testid="correlation-heatmap">
        <thead>
          <tr>
            <th />
            {corr.columns.map((c) => (
              <th key={c} scope="col" className="heat__col">
                <span>{c}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {corr.matrix.slice(0, n).map((row, i) => (
            <tr key={corr.columns[i]}>
              <th scope="row">{corr.columns[i]}</th>
              {row.map((v, j) => (
                <td key={j} style={{ background: v === null ? "#f3f2f1" : divergingColor(v) }} title={`${corr.columns[i]} × ${corr.columns[j]}: ${v === null ? "–" : v.toFixed(2)}`}>
                  {v === null ? "" : v.toFixed(2)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function GridMap({ grid, label, testId }: { grid: (number | null)[][]; label: string; testId?: string }) {
  const flat = grid.flat().filter((v): v is number => typeof v === "number");
  const lo = Math.min(...flat);
  const hi = Math.max(...flat);
  const cols = Math.max(0, ...grid.map((r) => r.length));
  return (
    <figure className="chart-card">
      <figcaption>{label}</figcaption>
      <div className="som-grid" style={{ gridTemplateColumns: `repeat(${cols}, 1fr)` }} role="img" aria-label={label} data-testid={testId}>
        {grid.flatMap((row, i) =>
          row.map((v, j) => (
            <span
              key={`${i}-${j}`}
              className="som-cell"
              style={{ background: v === null ? "#f3f2f1" : heatColor(hi > lo ? (v - lo) / (hi - lo) : 0.5) }}
              title={`(${i + 1}, ${j + 1}): ${v === null ? "no rows" : fmtValue(v)}`}
            />
          )),
        )}
      </div>
      <div className="legend small muted">
        <span>{flat.length ? fmtValue(lo) : ""}</span>
        <span className="legend__ramp" />
        <span>{flat.length ? fmtValue(hi) : ""}</span>
      </div>
    </figure>
  );
}

export function SomView({ som }: { som: SomResult }) {
  const [feature, setFeature] = useState<string>(som.features[0] ?? "");
  const plane = som.planes[feature];
  return (
    <div className="som">
      <div className="som__maps">
        <GridMap grid={som.u_matrix} label={`U-matrix ${som.rows}×${som.cols} (red = borders between groups)`} testId="som-umatrix" />
        {plane && <GridMap grid={plane} label={`${feature}: mean per unit`} testId="som-plane" />}
      </div>
      <label className="small som__pick">
        Feature heatmap{" "}
        <select value={feature} onChange={(e) => setFeature(e.target.value)} data-testid="som-feature">
          {som.features.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** Narrow: each cluster as a card, its features as coloured chips (the same colours as the table). */
function ClusterCards({ clusters }: { clusters: Clusters }) {
  return (
    <ul className="cards" data-testid="cluster-cards">
      {clusters.profiles.map((p) => (
        <li key={p.cluster} className="card-row" data-testid="cluster-card">
          <div className="card-row__head">
            <span className="card-row__name">Cluster #{p.cluster + 1}</span>
            <span>
              {fmtInt(p.size)} rows <span className="muted">{fmtPct(p.share, 0)}</span>
            </span>
          </div>
          <div className="chips">
            {clusters.features.map((f) => {
              const z = p.z_means[f];
              return (
                <span key={f} className="chip" style={{ background: typeof z === "number" ? divergingColor(z / 2) : undefined }} title={typeof z === "number" ? `${z >= 0 ? "+" : ""}${z.toFixed(1)} standard deviations from the mean` : undefined}>
                  {f} {fmtValue(p.means[f])}
                </span>
              );
            })}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Wide: one row per cluster, a column per feature. */
function ClusterTable({ clusters }: { clusters: Clusters }) {
  return (
    <div className="table-wrap">
      <table className="data" data-testid="cluster-table">
        <TableHead
          columns={[
            { label: "Cluster" },
            { label: "Rows", num: true },
            ...clusters.features.map((f) => ({ label: f, key: f, num: true })),
          ]}
        />
        <tbody>
          {clusters.profiles.map((p) => (
            <tr key={p.cluster}>
              <td>#{p.cluster + 1}</td>
              <td className="num">
                {fmtInt(p.size)} <span className="muted small">{fmtPct(p.share, 0)}</span>
              </td>
              {clusters.features.map((f) => {
                const z = p.z_means[f];
                return (
                  <td key={f} className="num" style={{ background: typeof z === "number" ? divergingColor(z / 2) : undefined }}>
                    {fmtValue(p.means[f])}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ClusterProfiles({ clusters }: { clusters: Clusters }) {
  return (
    <>
      <p className="small muted">
        k = {clusters.k} chosen by silhouette
        <Explain term={GLOSSARY.silhouette.term} text={GLOSSARY.silhouette.text} /> ({clusters.scores.map((s) => `k=${s.k}: ${s.silhouette === null ? "–" : s.silhouette.toFixed(2)}`).join(", ")}); cells coloured by
        standardised mean (blue below average, red above).
      </p>
      <NarrowSwitch
        testId="explore-clusters"
        what="cluster"
        compact={<ClusterCards clusters={clusters} />}
        table={<ClusterTable clusters={clusters} />}
      />
    </>
  );
}
