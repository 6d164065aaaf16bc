/** A train job's result on the page and in the pane: every model's holdout accuracy, the champion marked. */
import type { Metrics, TrainResult } from "../../api/types";
import { Explain } from "../../components/Explain";
import { fmtPct } from "../../components/format";
import { TableHead } from "../../components/TableHead";
import { GLOSSARY, modelDescription } from "../glossary";
import type { GlossaryKey } from "../glossary";
import type { ResultViewProps } from "../kind";

interface MetricRow {
  key: string;
  name: string;
  kind: string;
  metrics: Metrics;
  champion?: boolean;
}

const metric = (key: GlossaryKey) => ({
  key,
  num: true,
  label: (
    <>
      {GLOSSARY[key].term}
      <Explain term={GLOSSARY[key].term} text={GLOSSARY[key].text} testId={`explain-${key}`} />
    </>
  ),
});

export function TrainView({ result }: ResultViewProps<TrainResult>) {
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
              metric("wape"),
              metric("mape"),
              metric("bias"),
            ]}
          />
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} className={r.champion ? "is-champion" : r.kind === "baseline" ? "is-baseline" : undefined}>
                <td className="model-cell">
                  <span className="model-cell__name">
                    {r.name}
                    <Explain term={r.name} text={modelDescription(r.name)} />
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
