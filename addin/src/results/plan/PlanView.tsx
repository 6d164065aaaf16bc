/** A plan job's result: totals, the countries side by side, the rules kept, the plan table. */
import { useState } from "react";
import type { Cell, CountryOutcome, PlanResult, Table } from "../../api/types";
import { fmtCell, fmtInt, fmtMoney, fmtPct, fmtValue, isNum } from "../../components/format";
import { TableHead } from "../../components/TableHead";
import type { ResultViewProps } from "../kind";
import { describeRules } from "./rules";
import type { RuleLine } from "./rules";
import { boundGap, stoppedByLabel } from "./words";

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

export function PlanView({ result }: ResultViewProps<PlanResult>) {
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
