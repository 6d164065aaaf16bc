/**
 * A scenarios job's result: the best scenario in one sentence, a bar chart of each scenario's
 * expected profit with its 80 % range, the comparison (cards where narrow, the full table on
 * wide results or on demand), the last catalogue as the yardstick, and the plan of any scenario.
 */
import { useState } from "react";
import type { ScenariosResult } from "../../api/types";
import { Explain } from "../../components/Explain";
import { fmtInt, fmtPct, fmtTotal } from "../../components/format";
import { NarrowSwitch } from "../../components/NarrowSwitch";
import { TableHead } from "../../components/TableHead";
import { fmtLift } from "../common/businessCase";
import { PlanRows } from "../common/PlanRows";
import { GLOSSARY } from "../glossary";
import type { ResultViewProps } from "../kind";
import { bestSentence, lastCatalogueSentence, rangeWords, scenarioRows } from "./comparison";
import type { ScenarioRow } from "./comparison";

const liftClass = (v: number | null) => (v === null ? "" : v >= 0 ? " case-lift--up" : " case-lift--down");
const rulesWords = (r: ScenarioRow) => (r.rules !== null ? `${fmtInt(r.rulesKept)} of ${fmtInt(r.rules)} rules kept` : "");

/** Each scenario's expected profit as a bar, its 80 % range as a band on it; a failed one says why. */
function ScenarioChart({ rows }: { rows: ScenarioRow[] }) {
  const scale = Math.max(0, ...rows.flatMap((r) => [r.expectedProfit ?? 0, r.high ?? 0]));
  const pct = (v: number | null) => (v !== null && scale > 0 ? Math.max(0, Math.min(1, v / scale)) * 100 : 0);
  return (
    <ul className="scen-chart" data-testid="scenario-chart" aria-label="Expected profit by scenario">
      {rows.map((r) => (
        <li key={r.scenario} className={`scen-bar${r.best ? " scen-bar--best" : ""}`} data-testid="scenario-bar">
          <span className="scen-bar__label" title={r.scenario}>
            {r.scenario}
          </span>
          <span className="scen-bar__value">{r.expectedProfit !== null ? fmtTotal(r.expectedProfit) : r.status}</span>
          {r.expectedProfit !== null ? (
            <span className="scen-bar__track" aria-hidden="true">
              <span className="scen-bar__fill" style={{ width: `${pct(r.expectedProfit).toFixed(1)}%` }} />
              {r.low !== null && r.high !== null && (
                <span className="scen-bar__range" style={{ left: `${pct(r.low).toFixed(1)}%`, width: `${Math.max(0.5, pct(r.high) - pct(r.low)).toFixed(1)}%` }} />
              )}
            </span>
          ) : (
            <span className="scen-bar__note">{r.note ?? "no plan"}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Narrow: one card per scenario, its expected profit and range first, the rest on wrapping lines. */
function ScenarioCards({ rows }: { rows: ScenarioRow[] }) {
  return (
    <ul className="cards" data-testid="scenario-cards">
      {rows.map((r) => (
        <li key={r.scenario} className={`card-row${r.best ? " card-row--accent" : ""}`} data-testid="scenario-card">
          <div className="card-row__head">
            <span className="card-row__name card-row__name--wrap">
              {r.scenario}
              {r.best && <span className="tag tag--accent"> best</span>}
            </span>
            <span className={`card-row__figure status-text--${r.status}`}>{r.expectedProfit !== null ? fmtTotal(r.expectedProfit) : r.status}</span>
          </div>
          {r.expectedProfit !== null ? (
            <>
              {rangeWords(r) && <div className="card-row__line card-row__line--wrap">{rangeWords(r)}</div>}
              <div className="card-row__line">
                <span>revenue {fmtTotal(r.revenue)}</span>
                <span>{fmtInt(r.units)} units</span>
                <span>discounted {fmtPct(r.discountedShare, 0)}</span>
                <span>anomaly {r.anomaly !== null ? r.anomaly.toFixed(2) : "–"}</span>
                <span>{rulesWords(r)}</span>
                {r.liftProfit !== null && <span className={liftClass(r.liftProfit)}>lift {fmtLift(r.liftProfit)}</span>}
              </div>
            </>
          ) : (
            <div className="country-error">{r.note ?? "No plan."}</div>
          )}
          {r.differs.length > 0 && <div className="card-row__line card-row__line--wrap muted small">{r.differs.join(" · ")}</div>}
        </li>
      ))}
    </ul>
  );
}

/** Wide: the comparison as a table, one row per scenario. */
function ScenarioTable({ rows }: { rows: ScenarioRow[] }) {
  return (
    <div className="table-wrap">
      <table className="data" data-testid="scenario-table">
        <TableHead
          columns={[
            { label: "Scenario" },
            {
              label: (
                <>
                  Expected profit
                  <Explain term={GLOSSARY.expected_profit.term} text={GLOSSARY.expected_profit.text} />
                </>
              ),
              key: "expected",
              num: true,
            },
            { label: "Revenue", num: true },
            { label: "Units", num: true },
            { label: "Discounted", num: true },
            {
              label: (
                <>
                  Anomaly
                  <Explain term={GLOSSARY.anomaly_score.term} text={GLOSSARY.anomaly_score.text} />
                </>
              ),
              key: "anomaly",
              num: true,
            },
            { label: "Rules kept", num: true },
            {
              label: (
                <>
                  Lift
                  <Explain term={GLOSSARY.lift.term} text={GLOSSARY.lift.text} />
                </>
              ),
              key: "lift",
              num: true,
            },
          ]}
        />
        <tbody>
          {rows.map((r) => (
            <tr key={r.scenario} className={r.best ? "is-champion" : r.status === "failed" ? "is-failed" : undefined} data-testid={`scenario-row-${r.scenario}`}>
              <td className="cell--wrap scen-cell">
                <span className="scen-cell__name">
                  {r.scenario}
                  {r.best && <span className="tag tag--accent">best</span>}
                </span>
                {r.differs.length > 0 && <span className="scen-cell__differs">{r.differs.join(" · ")}</span>}
              </td>
              {r.expectedProfit !== null ? (
                <>
                  <td className="num">
                    <span className="scen-cell__name">{fmtTotal(r.expectedProfit)}</span>
                    {r.low !== null && r.high !== null && <span className="scen-cell__differs">{`8 in 10: ${fmtTotal(r.low)}–${fmtTotal(r.high)}`}</span>}
                  </td>
                  <td className="num">{fmtTotal(r.revenue)}</td>
                  <td className="num">{fmtInt(r.units)}</td>
                  <td className="num">{fmtPct(r.discountedShare, 0)}</td>
                  <td className="num">{r.anomaly !== null ? r.anomaly.toFixed(2) : "–"}</td>
                  <td className="num">{r.rules !== null ? `${fmtInt(r.rulesKept)} / ${fmtInt(r.rules)}` : "–"}</td>
                  <td className={`num${liftClass(r.liftProfit)}`}>{fmtLift(r.liftProfit)}</td>
                </>
              ) : (
                <td colSpan={7} className="country-error">
                  {r.status}: {r.note ?? "no plan"}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The plan of one scenario, chosen from a list (the plans are long; one at a time). */
function ScenarioPlan({ rows, names }: { rows: ScenarioRow[]; names?: ReadonlyMap<string, string> }) {
  const planned = rows.filter((r) => (r.outcome?.plan ?? []).length > 1);
  const [chosen, setChosen] = useState(planned.find((r) => r.best)?.scenario ?? planned[0]?.scenario ?? "");
  const shown = planned.find((r) => r.scenario === chosen);
  if (!planned.length) return null;
  return (
    <div className="scen-plan" data-testid="scenario-plan">
      <label className="scen-plan__pick">
        <span>Plan of</span>
        <select value={chosen} data-testid="scenario-plan-select" onChange={(e) => setChosen(e.target.value)}>
          {planned.map((r) => (
            <option key={r.scenario} value={r.scenario}>
              {r.scenario}
            </option>
          ))}
        </select>
      </label>
      {shown && <PlanRows key={shown.scenario} plan={shown.outcome!.plan!} names={names} />}
    </div>
  );
}

export function ScenariosView({ result, context }: ResultViewProps<ScenariosResult>) {
  const rows = scenarioRows(result);
  const best = bestSentence(rows);
  const last = lastCatalogueSentence(result);
  const failed = rows.filter((r) => r.status === "failed").length;
  return (
    <div className="result result--scenarios" data-testid="scenarios-result">
      <h3>
        Scenarios side by side <span className="muted small">{fmtInt(rows.length)} scenarios{failed ? `, ${failed} not planned` : ""}</span>
      </h3>
      {best && (
        <p className="case__sentence" data-testid="scenario-best">
          {best}
        </p>
      )}
      {result.cancelled && <p className="notice">Cancelled: each scenario shows the best plan it had found when it stopped.</p>}
      <h4>
        Expected profit{" "}
        <span className="muted small" data-testid="scenario-chart-legend">
          bar: expected profit; dark line: 8 in 10 outcomes fall in this range
        </span>
      </h4>
      <ScenarioChart rows={rows} />
      <NarrowSwitch testId="scenario-comparison" what="comparison" compact={<ScenarioCards rows={rows} />} table={<ScenarioTable rows={rows} />} />
      {last && (
        <p className="small muted" data-testid="scenario-last">
          {last}
        </p>
      )}
      <ScenarioPlan rows={rows} names={context.productNames} />
    </div>
  );
}
