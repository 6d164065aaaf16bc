/**
 * A scored plan: what the planner's own plan is expected to earn (with its range) beside
 * Folio's, the rules it breaks with the cells that break them ("go to cell" in Excel), Folio's
 * changes one by one (best remaining first, each gain on the whole plan, adding up to the
 * difference), the business case with both plans, and the slots where the two differ.
 */
import { useState } from "react";
import type { ScoreResult } from "../../api/types";
import { Explain } from "../../components/Explain";
import { fmtCell, fmtInt, fmtPct, fmtTotal } from "../../components/format";
import { NarrowSwitch } from "../../components/NarrowSwitch";
import { TableHead } from "../../components/TableHead";
import { BusinessCaseView } from "../common/BusinessCase";
import { columnsOf } from "../common/columns";
import { describeRules } from "../common/rules";
import { RulesList } from "../common/RulesList";
import { GLOSSARY } from "../glossary";
import type { ResultContext, ResultViewProps } from "../kind";
import { brokenRules, caseResult, changeSteps, changeWords, differingSlots, gainWords, liftSentence, rangeWords, scoreFigures } from "./words";
import type { ChangeStep } from "./words";

function Figures({ result }: { result: ScoreResult }) {
  const f = scoreFigures(result);
  const lift = liftSentence(f);
  return (
    <div className="key-numbers">
      <dl className="keys">
        <div className="key key--hero" data-testid="score-profit">
          <dt>
            Your plan: expected profit
            <Explain term="Your plan's expected profit" text="What the forecast expects your plan to earn: the same model, layout and cannibalisation as Folio's plan. The range is where it falls 8 times in 10 (each row at the low or high end of its forecast band)." testId="explain-score-profit" />
          </dt>
          <dd>{fmtTotal(f.profit)}</dd>
          {rangeWords(f.low, f.high) && (
            <dd className="key__range" data-testid="score-profit-range">
              {rangeWords(f.low, f.high)}
            </dd>
          )}
        </div>
        <div className="key" data-testid="score-folio">
          <dt>Folio's plan</dt>
          <dd title={rangeWords(f.folioLow, f.folioHigh)}>{fmtTotal(f.folioProfit)}</dd>
        </div>
        <div className="key" data-testid="score-rules">
          <dt>Rules</dt>
          <dd className={f.broken ? "status-text--failed" : "status-text--succeeded"}>{f.broken ? `✗ ${f.broken} broken` : "✓ All kept"}</dd>
        </div>
      </dl>
      {lift && (
        <p className="case__sentence" data-testid="score-lift">
          {lift}
        </p>
      )}
    </div>
  );
}

/** The broken rules, each with the cells of your plan that break it. */
function Broken({ result, context }: { result: ScoreResult; context: ResultContext }) {
  const broken = brokenRules(result);
  const kept = describeRules((result.rules ?? []).filter((r) => r.kept));
  return (
    <section aria-label="Rules your plan breaks" data-testid="score-broken">
      <h3>
        Rules <span className="muted small">{broken.length ? `${broken.length} broken, ${kept.length} kept` : `all ${kept.length} kept`}</span>
      </h3>
      {broken.length > 0 && (
        <ul className="rules">
          {broken.map((b, i) => (
            <li key={i} className="rule rule--broken rule--cells" data-testid="score-broken-rule">
              <span className="rule__mark" aria-label="broken">
                ✗
              </span>
              <span className="rule__name">{b.label}</span>
              <span className="rule__value muted">{b.detail}</span>
              {b.cells.length > 0 && (
                <span className="rule__cells">
                  {b.cells.slice(0, 20).map((c) => {
                    const item = { table: "plan", row: c.row, cell: c.cell ?? null };
                    const can = context.locate?.canLocate(item);
                    const label = c.cell ?? `row ${c.row}`;
                    return can ? (
                      <button key={label} type="button" className="link-button cell-chip" data-testid="score-cell" title="Go to this cell of your plan" onClick={() => context.locate!.goToCell(item)}>
                        {label}
                      </button>
                    ) : (
                      <span key={label} className="cell-chip" data-testid="score-cell">
                        {label}
                      </span>
                    );
                  })}
                  {b.cells.length > 20 && <span className="muted">+{b.cells.length - 20} more</span>}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {kept.length > 0 && (
        <details className="rules-section">
          <summary>
            <span className="small">The rules it keeps</span>
          </summary>
          <RulesList lines={kept} />
        </details>
      )}
    </section>
  );
}

function ChangeCards({ steps, names }: { steps: ChangeStep[]; names?: ReadonlyMap<string, string> }) {
  return (
    <ol className="cards" data-testid="score-change-cards">
      {steps.map((c, i) => {
        const w = changeWords(c, names);
        return (
          <li key={i} className="card-row" data-testid="score-change">
            <div className="card-row__head">
              <span className="card-row__name">
                {c.step !== null ? `${c.step}. ` : ""}
                {w.where}
              </span>
              <span className={`card-row__figure${c.gain !== null && c.gain < 0 ? " case-lift--down" : " case-lift--up"}`}>{gainWords(c.gain)}</span>
            </div>
            <div className="card-row__line card-row__line--wrap">{w.what}</div>
            <div className="card-row__line muted">
              <span>so far {gainWords(c.cumulative)}</span>
              {c.share !== null && <span>{fmtPct(c.share, 0)} of the difference</span>}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

function ChangeTable({ steps, names }: { steps: ChangeStep[]; names?: ReadonlyMap<string, string> }) {
  return (
    <div className="table-wrap">
      <table className="data" data-testid="score-change-table">
        <TableHead
          columns={[
            { label: "Step", num: true },
            { label: "Where" },
            { label: "Change" },
            { label: "Gain", num: true },
            { label: "So far", num: true },
            { label: "Of the difference", num: true },
          ]}
        />
        <tbody>
          {steps.map((c, i) => {
            const w = changeWords(c, names);
            return (
              <tr key={i}>
                <td className="num">{fmtInt(c.step)}</td>
                <td>{w.where}</td>
                <td className="cell--wrap">{w.what}</td>
                <td className={`num${c.gain !== null && c.gain < 0 ? " case-lift--down" : ""}`}>{gainWords(c.gain)}</td>
                <td className="num">{gainWords(c.cumulative)}</td>
                <td className="num">{fmtPct(c.share, 0)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The slots where your plan and Folio's differ, side by side (the rest are the same). */
function Differences({ result, names }: { result: ScoreResult; names?: ReadonlyMap<string, string> }) {
  const [, ...rows] = differingSlots(result.comparison);
  const { index: j } = columnsOf(result.comparison);
  if (!rows.length) return null;
  const product = (v: unknown, d: unknown) => (v === null || v === undefined ? "empty" : `${names?.get(String(v)) ?? String(v)}${typeof d === "number" && d > 0 ? ` −${fmtPct(d, 0)}` : ""}`);
  return (
    <details className="score-diff" data-testid="score-differences">
      <summary>
        <span className="small">
          The {fmtInt(rows.length)} slot{rows.length === 1 ? "" : "s"} where the plans differ
        </span>
      </summary>
      <div className="table-wrap">
        <table className="data">
          <TableHead columns={[{ label: "Page", num: true }, { label: "Slot", num: true }, { label: "Yours" }, { label: "Folio's" }, { label: "Difference", num: true }]} />
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                <td className="num">{fmtCell(r[j("page")])}</td>
                <td className="num">{fmtCell(r[j("slot")])}</td>
                <td>{product(r[j("your_product")], r[j("your_discount")])}</td>
                <td>{product(r[j("folio_product")], r[j("folio_discount")])}</td>
                <td className="num">{gainWords(typeof r[j("difference")] === "number" ? (r[j("difference")] as number) : null)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** The first changes bring most of the difference; the rest on demand. */
const FIRST_CHANGES = 10;

export function ScoreView({ result, context }: ResultViewProps<ScoreResult>) {
  const all = changeSteps(result.changes);
  const [showAll, setShowAll] = useState(false);
  const steps = showAll ? all : all.slice(0, FIRST_CHANGES);
  const asPlan = caseResult(result);
  return (
    <div className="result result--score" data-testid="score-result">
      <h3>
        Your plan scored <Explain term={GLOSSARY.score.term} text={GLOSSARY.score.text} testId="explain-score-result" />
      </h3>
      <Figures result={result} />
      <Broken result={result} context={context} />
      {all.length > 0 && (
        <>
          <h3>
            Folio's changes, best first <span className="muted small">{fmtInt(all.length)} steps</span>
          </h3>
          <NarrowSwitch testId="score-changes" what="changes" compact={<ChangeCards steps={steps} names={context.productNames} />} table={<ChangeTable steps={steps} names={context.productNames} />} />
          {all.length > FIRST_CHANGES && (
            <button type="button" className="link-button" data-testid="score-changes-all" onClick={() => setShowAll((v) => !v)}>
              {showAll ? `Show the first ${FIRST_CHANGES} only` : `Show all ${fmtInt(all.length)} changes`}
            </button>
          )}
        </>
      )}
      {asPlan && <BusinessCaseView result={asPlan} subject="Folio's plan" />}
      <Differences result={result} names={context.productNames} />
    </div>
  );
}
