/** A multi-country plan: one line per country, failures with their reason. */
import type { CountryOutcome } from "../../api/types";
import { Explain } from "../../components/Explain";
import { fmtInt, fmtMoney, fmtPct } from "../../components/format";
import { TableHead } from "../../components/TableHead";
import { GLOSSARY } from "../glossary";
import { boundGap, stoppedByLabel } from "./words";

/** Small gaps keep two decimals: 0.01 %, not 0.0 %. */
const fmtGap = (g: number | null) => fmtPct(g, g !== null && g < 0.01 ? 2 : 1);

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
    </>
  );
}
