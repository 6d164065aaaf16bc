/**
 * The plan's rows: compact cards on narrow widths (the task pane: product, discount, units and
 * profit on two lines, no sideways scrolling), the full table on wide ones and on demand.
 */
import { useState } from "react";
import type { Cell, Table } from "../../api/types";
import { fmtCell, fmtInt, fmtMoney, fmtPct } from "../../components/format";
import { TableHead } from "../../components/TableHead";

interface Column {
  key: string;
  label: string;
  fmt: (v: Cell) => string;
  num?: boolean;
  /** long text: may wrap, so the table fits a page column */
  wrap?: boolean;
}

const PLAN_COLUMNS: Column[] = [
  // a multi-country plan's rows end with their country: shown first, it groups the rows
  { key: "country", label: "Country", fmt: fmtCell },
  { key: "page", label: "Page", fmt: fmtCell, num: true },
  { key: "slot", label: "Slot", fmt: fmtCell, num: true },
  { key: "product_id", label: "Product", fmt: fmtCell },
  { key: "name", label: "Name", fmt: fmtCell, wrap: true },
  { key: "category", label: "Category", fmt: fmtCell },
  { key: "discount", label: "Discount", fmt: (v) => fmtPct(v, 0), num: true },
  { key: "forecast_units", label: "Units", fmt: fmtInt, num: true },
  { key: "forecast_revenue", label: "Revenue", fmt: fmtMoney, num: true },
  { key: "forecast_profit", label: "Profit", fmt: fmtMoney, num: true },
];

const PREVIEW_ROWS = 100;

/** The plan as records with the product's name joined in (from the products table, when it has one). */
export function planRecords(plan: Table, names?: ReadonlyMap<string, string>) {
  const header = (plan[0] ?? []).map((h) => String(h ?? "").trim().toLowerCase());
  const at = (k: string) => header.indexOf(k);
  const [country, page, slot, product, named, discount, units, profit, beyond] = [
    "country", "page", "slot", "product_id", "name", "discount", "forecast_units", "forecast_profit", "beyond_history",
  ].map(at);
  return plan.slice(1).map((row) => {
    const id = product >= 0 ? fmtCell(row[product]) : "";
    return {
      row,
      country: country >= 0 ? fmtCell(row[country]) : undefined,
      page: page >= 0 ? row[page] : null,
      slot: slot >= 0 ? row[slot] : null,
      id,
      // the plan's own name column (the engine adds it when the products have names), else the sheet's
      name: (named >= 0 && fmtCell(row[named])) || names?.get(id),
      discount: discount >= 0 ? row[discount] : null,
      units: units >= 0 ? row[units] : null,
      profit: profit >= 0 ? row[profit] : null,
      beyond: beyond >= 0 && !!row[beyond] && row[beyond] !== "0",
    };
  });
}

const discountWords = (v: Cell) => (typeof v === "number" && v > 0 ? `−${fmtPct(v, 0)}` : "no discount");

export function PlanRows({ plan, names }: { plan: Table; names?: ReadonlyMap<string, string> }) {
  const [showAll, setShowAll] = useState(false);
  const [fullTable, setFullTable] = useState(false);
  const records = planRecords(plan, names);
  const header = (plan[0] ?? []).map((h) => String(h ?? "").trim().toLowerCase());
  const withNames = !!names?.size && !header.includes("name");
  const columns = PLAN_COLUMNS.map((c) => ({ ...c, index: c.key === "name" && withNames ? -2 : header.indexOf(c.key) })).filter((c) => c.index !== -1);
  const visible = showAll ? records : records.slice(0, PREVIEW_ROWS);
  return (
    <div className={`plan-rows${fullTable ? " plan-rows--full" : ""}`}>
      <div className="plan-rows__head">
        <h3>
          Plan <span className="muted small">{fmtInt(records.length)} slots</span>
        </h3>
        <button type="button" className="link-button plan-rows__toggle" data-testid="plan-full-table" onClick={() => setFullTable((v) => !v)}>
          {fullTable ? "Show compact rows" : "Show the full table"}
        </button>
      </div>
      <ol className="plan-compact" data-testid="plan-compact">
        {visible.map((r, i) => (
          <li key={i} className="plan-row" data-testid="plan-row">
            <div className="plan-row__head">
              <span className="plan-row__product" data-testid="plan-row-product" title={r.name ? `${r.name} (${r.id})` : r.id}>
                {r.name ?? r.id}
              </span>
              <span className="plan-row__where">
                {[r.country, r.name ? r.id : undefined, `p${fmtCell(r.page)}·${fmtCell(r.slot)}`].filter(Boolean).join(" · ")}
              </span>
            </div>
            <div className="plan-row__figures">
              <span data-testid="plan-row-discount">{discountWords(r.discount)}</span>
              <span data-testid="plan-row-units">{fmtInt(r.units)} units</span>
              <span data-testid="plan-row-profit" className="plan-row__profit">
                <span className="plan-row__label">profit </span>
                {fmtMoney(r.profit)}
              </span>
              {r.beyond && <span className="tag tag--warn">beyond history</span>}
            </div>
          </li>
        ))}
      </ol>
      <div className="table-wrap plan-full">
        <table className="data" data-testid="plan-table">
          <TableHead columns={columns} />
          <tbody>
            {visible.map((r, i) => (
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c.key} className={c.num ? "num" : c.wrap ? "cell--wrap" : undefined}>
                    {c.index === -2 ? r.name ?? "" : c.fmt(r.row[c.index] ?? null)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {records.length > PREVIEW_ROWS && (
        <button type="button" className="link-button" onClick={() => setShowAll((v) => !v)}>
          {showAll ? "Show the first rows only" : `Show all ${fmtInt(records.length)} rows`}
        </button>
      )}
    </div>
  );
}
