/** A train job's result as a sheet: candidates, baselines and registered models on the same holdout rows. */
import type { Table, TrainResult } from "../../api/types";

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

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

