/** A train job's result on the page and in the pane: every model's holdout accuracy, the champion marked. */
import type { Metrics, TrainResult } from "../../api/types";
import { Explain } from "../../components/Explain";
import { fmtPct } from "../../components/format";
import { IdDetail } from "../../components/IdDetail";
import { NarrowSwitch } from "../../components/NarrowSwitch";
import { TableHead } from "../../components/TableHead";
import { GLOSSARY, modelDescription } from "../glossary";
import type { GlossaryKey } from "../glossary";
import type { ResultViewProps } from "../kind";
import { TrainNotes } from "./TrainNotes";

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

function ModelName({ row, championId = "champion" }: { row: MetricRow; championId?: string }) {
  return (
    <>
      {row.name}
      <Explain term={row.name} text={modelDescription(row.name)} />
      {row.champion && (
        <span className="tag tag--accent" data-testid={championId}>
          champion
        </span>
      )}
    </>
  );
}

/** Narrow: each model as a card, WAPE first; the scores explained once above the cards. */
function ModelCards({ rows }: { rows: MetricRow[] }) {
  const term = (key: GlossaryKey) => (
    <span>
      {GLOSSARY[key].term}
      <Explain term={GLOSSARY[key].term} text={GLOSSARY[key].text} testId={`explain-${key}-card`} />
    </span>
  );
  return (
    <>
      <p className="small muted card-legend">
        Scored on held-out campaigns: {term("wape")} {term("mape")} {term("bias")}
      </p>
      <ul className="cards" data-testid="train-cards">
        {rows.map((r) => (
          <li key={r.key} className={`card-row${r.champion ? " card-row--accent" : ""}`} data-testid="train-card">
            <div className="card-row__head">
              <span className="card-row__name card-row__name--wrap">
                <ModelName row={r} championId="champion-card" />
              </span>
              <span className="card-row__figure">WAPE {fmtPct(r.metrics.wape)}</span>
            </div>
            <div className="card-row__line">
              <span className={r.kind === "baseline" ? "muted is-baseline" : "muted"}>{r.kind}</span>
              <span>MAPE {fmtPct(r.metrics.mape)}</span>
              <span>bias {fmtPct(r.metrics.bias)}</span>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Wide: the full table, one row per model. */
function ModelTable({ rows }: { rows: MetricRow[] }) {
  return (
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
                  <ModelName row={r} />
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
  );
}

/** Which model plans from now on, by its name (its id apart, for support): this job's new
 * model, or a registered one kept because it still scores better on campaigns neither saw. */
function ChampionLine({ result, champion }: { result: TrainResult; champion: string }) {
  const fresh = (result.models ?? []).includes(champion);
  const chosen = (result.candidates ?? []).find((c) => c.chosen);
  const kept = (result.registered ?? []).find((r) => r.champion || r.id === champion);
  const name = fresh ? chosen?.name : kept?.name;
  return (
    <div className="champion-line">
      <p className="small muted" data-testid="train-champion">
        {fresh
          ? <>Plans now use {name ? <strong>{name}</strong> : "this training's model"}, the champion.</>
          : <>Plans keep the champion {name ? <strong>{name}</strong> : "from an earlier training"}: it still scores better on campaigns neither model was trained on.</>}
      </p>
      <IdDetail id={champion} what="model" testId="champion-id" />
    </div>
  );
}

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
      <NarrowSwitch testId="train-models" what="accuracy" compact={<ModelCards rows={rows} />} table={<ModelTable rows={rows} />} />
      <TrainNotes result={result} />
      {champion && <ChampionLine result={result} champion={champion} />}
    </div>
  );
}
