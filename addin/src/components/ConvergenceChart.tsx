import { useEffect, useRef, useState } from "react";
import type { RefObject } from "react";
import type { ConvergencePoint } from "../state/job";
import { fmtValue } from "./format";

const PAD = { left: 48, right: 10, top: 10, bottom: 24 };

/** The element's width in CSS pixels, so the chart draws at 1:1 and text keeps its size. */
function useWidth(fallback: number) {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver((entries) => {
      const w = Math.round(entries[0]?.contentRect.width ?? 0);
      if (w > 0) setWidth(w);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width] as const;
}

/** Tick labels with just enough digits that neighbouring ticks differ (2.812M, 2.815M). */
export function tickFormatter(ticks: number[]): (v: number) => string {
  for (let digits = 2; digits <= 8; digits++) {
    const f = new Intl.NumberFormat("en-US", { notation: "compact", maximumSignificantDigits: digits });
    const labels = ticks.map((t) => f.format(t));
    if (new Set(labels).size === labels.length) return (v) => f.format(v);
  }
  return fmtValue;
}

/** Best and mean objective per generation, as a small inline SVG line chart. */
export function ConvergenceChart({ points, of }: { points: ConvergencePoint[]; of?: number }) {
  const [ref, W] = useWidth(320);
  const H = W < 420 ? 150 : 210;
  const values = points.flatMap((p) => [p.best, p.mean]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (points.length === 0 || values.length === 0) {
    return (
      <div ref={ref as RefObject<HTMLDivElement>} className="chart chart--empty" data-testid="convergence-chart">
        The convergence chart appears with the first generation.
      </div>
    );
  }
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) {
    hi += Math.abs(hi) * 0.05 || 1;
    lo -= Math.abs(lo) * 0.05 || 1;
  }
  const g0 = Math.min(...points.map((p) => p.generation));
  const last = Math.max(...points.map((p) => p.generation));
  // a long run's first generations would be squeezed into the left edge: grow the axis with the run
  const g1 = Math.max(g0 + 10, last, Math.min(of ?? last, Math.ceil(g0 + (last - g0) * 1.25)));
  const x = (g: number) => PAD.left + ((g - g0) / (g1 - g0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const line = (key: "best" | "mean") =>
    points
      .filter((p) => typeof p[key] === "number" && Number.isFinite(p[key]))
      .map((p) => `${x(p.generation).toFixed(1)},${y(p[key] as number).toFixed(1)}`)
      .join(" ");
  const ticks = [hi, (hi + lo) / 2, lo];
  const label = tickFormatter(ticks);
  return (
    <figure ref={ref} className="chart" data-testid="convergence-chart" data-points={points.length}>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Convergence: best and mean objective per generation">
        {ticks.map((t, i) => (
          <g key={i}>
            <line className="chart__grid" x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text className="chart__tick" x={PAD.left - 4} y={y(t) + 3} textAnchor="end">
              {label(t)}
            </text>
          </g>
        ))}
        <text className="chart__tick" x={PAD.left} y={H - 6} textAnchor="start">
          {g0}
        </text>
        <text className="chart__tick" x={W - PAD.right} y={H - 6} textAnchor="end">
          {g1}
        </text>
        <text className="chart__tick" x={(PAD.left + W - PAD.right) / 2} y={H - 6} textAnchor="middle">
          generation
        </text>
        <polyline className="chart__mean" points={line("mean")} />
        <polyline className="chart__best" points={line("best")} />
      </svg>
      <figcaption className="chart__legend">
        <span className="swatch swatch--best" /> best <span className="swatch swatch--mean" /> mean
      </figcaption>
    </figure>
  );
}
