/** A multi-country plan: one line per country, failures with their reason (cards when narrow). */
import type { CountryOutcome } from "../../api/types";
import { Explain } from "../../components/Explain";
import { fmtInt, fmtMoney, fmtPct } from "../../components/format";
import { NarrowSwitch } from "../../components/NarrowSwitch";
import { TableHead } from "../../components/TableHead";
import { GLOSSARY } from "../glossary";
import { boundGap, fmtTotal, stoppedByLabel } from "./words";

/** Small gaps keep two decimals: 0.01 %, not 0.0 %. */
const fmtGap = (g: number | null) => fmtPct(g, g !== null && g < 0.01 ? 2 : 1);

/** Each country as a card: status and profit, then units, revenue, gap to the bound, why it stopped. */
function CountryCards({ countries }: { countries: CountryOutcome[] }) {
  return (
    <ul className="cards" data-testid="country-cards">
      {countries.map((c) => {
        const t = c.totals ?? {};
        const failed = !!(c.error?.detail || c.error?.code);
        return (
          <li key={c.country} className="card-row" data-testid={`country-card-${c.country}`}>
            <div className="card-row__head">
              <span className="card-row__name">
                {c.country} <span className={`small status-text--${c.status}`}>{c.status}</span>
              </span>
              {!failed && <span className="plan-row__profit">profit {fmtTotal(t.profit)}</span>}
            </div>
            {failed ? (
              <div className="country-error" title={c.error?.code ?? undefined}>
                {c.error?.detail ?? c.error?.code}
              </div>
            ) : (
              <div className="card-row__line">
                <span>{fmtInt(t.units)} units</span>
                <span>revenue {fmtTotal(t.revenue)}</span>
                <span>gap {fmtGap(boundGap(c))}</span>
                <span>ended: {stoppedByLabel(c.stopped_by)}</span>
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The full table: one row per country, a failure's reason across its figures. */
function CountryFullTable({ countries }: { countries: CountryOutcome[] }) {
  return (
    <div className="table-wrap">
      <table className="data" data-testid="country-table">
        <TableHead
          columns={[
            { label: "Country" },
            { label: "Status" },
            { label: "Units", num: true },
            { label: "Revenue", num: true },
            { label: "Profit", num: true },
            {
              label: (
                <>
                  Gap to bound
                  <Explain term={GLOSSARY.bound_gap.term} text={GLOSSARY.bound_gap.text} />
                </>
              ),
              key: "gap",
              num: true,
            },
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
                    <td className="num">{fmtGap(boundGap(c))}</td>
                    <td>{stoppedByLabel(c.stopped_by)}</td>
                  </>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function CountryTable({ countries }: { countries: CountryOutcome[] }) {
  return (
    <>
      <h3>
        By country <span className="muted small">{fmtInt(countries.length)} catalogues</span>
      </h3>
      <NarrowSwitch
        testId="countries"
        what="country"
        compact={<CountryCards countries={countries} />}
        table={<CountryFullTable countries={countries} />}
      />
    </>
  );
}
