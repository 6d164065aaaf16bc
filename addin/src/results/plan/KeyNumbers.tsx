/**
 * The key numbers of a finished plan, readable at 320 px: expected profit (and its 80 % range)
 * or the forecast profit until the engine gives the expected one, revenue, units, the gap to the
 * bound in words, the rules kept, why the search stopped, and how the live best relates to it.
 */
import type { PlanResult } from "../../api/types";
import { Explain } from "../../components/Explain";
import { fmtInt, fmtMoney, isNum } from "../../components/format";
import { GLOSSARY } from "../glossary";
import type { GlossaryKey } from "../glossary";
import { BOUND_SHORT, fmtTotal, gapSentence, keyFigures, penaltySentence } from "./words";

const explain = (key: GlossaryKey, testId?: string) => <Explain term={GLOSSARY[key].term} text={GLOSSARY[key].text} testId={testId} />;

export function KeyNumbers({ result }: { result: PlanResult }) {
  const k = keyFigures(result);
  const t = result.totals ?? {};
  const gap = gapSentence(k.gap);
  return (
    <div className="key-numbers" data-testid="plan-totals">
      {result.cancelled && <p className="notice">Cancelled: this is the best plan found before the stop.</p>}
      <dl className="keys">
        <div className="key key--hero" data-testid="key-profit">
          <dt>
            {k.profit.expected ? "Expected profit" : "Profit (forecast)"}
            {explain(k.profit.expected ? "expected_profit" : "forecast_profit", "explain-profit")}
          </dt>
          <dd title={fmtMoney(k.profit.value)}>{fmtTotal(k.profit.value)}</dd>
          {k.profit.low !== undefined && k.profit.high !== undefined && (
            <dd className="key__range" data-testid="key-profit-range">
              8 in 10 between {fmtTotal(k.profit.low)} and {fmtTotal(k.profit.high)}
            </dd>
          )}
        </div>
        <div className="key" data-testid="key-revenue">
          <dt>Revenue</dt>
          <dd title={fmtMoney(k.revenue)}>{fmtTotal(k.revenue)}</dd>
        </div>
        <div className="key" data-testid="key-units">
          <dt>Units</dt>
          <dd>{fmtInt(k.units)}</dd>
        </div>
      </dl>
      <ul className="key-lines">
        {gap && (
          <li data-testid="key-gap">
            {gap}
            {explain("bound_gap", "explain-gap")}
          </li>
        )}
        {gap && (
          // what the bound is about, in words and not only on hover (issue 14)
          <li className="muted small" data-testid="key-bound-words">
            {k.profit.expected ? BOUND_SHORT : "The bound is about this forecast, not the future."}
          </li>
        )}
        {k.rules.total > 0 && (
          <li data-testid="key-rules" className={k.rules.kept === k.rules.total ? "key-line--ok" : "key-line--bad"}>
            {k.rules.kept === k.rules.total ? `✓ All ${k.rules.total} rules kept` : `✗ ${k.rules.total - k.rules.kept} of ${k.rules.total} rules broken`}
          </li>
        )}
        {k.stopped && <li data-testid="key-stopped">{k.stopped}</li>}
        {k.beyondHistory !== undefined && k.beyondHistory > 0 && (
          <li data-testid="key-beyond" className="key-line--warn">
            {`${fmtInt(k.beyondHistory)} row${k.beyondHistory === 1 ? "" : "s"} forecast beyond anything sold before (shrunk)`}
            {explain("beyond_history")}
          </li>
        )}
        {k.anomaly !== null && (
          <li data-testid="key-anomaly">
            Anomaly score {k.anomaly.toFixed(2)}
            {explain("anomaly_score", "explain-anomaly")}
          </li>
        )}
        {k.penalty && (
          <li data-testid="key-penalty" className="muted">
            {penaltySentence(k.penalty)}
            {explain("live_best")}
          </li>
        )}
        <li className="muted small">
          {fmtInt(t.products)} products in {fmtInt(t.slots_used)} slots
          {isNum(result.bound) ? ` · bound ${fmtTotal(result.bound)}` : ""}
        </li>
      </ul>
    </div>
  );
}
