/**
 * A plan as workbook sheets: the Summary blocks (totals with the gap to the bound, the countries
 * side by side, rules, settings, run record) and the plan's number formats. Pure functions from
 * the job's result to tables and report blocks, so they are tested without Excel.
 */
import type { Cell, PlanResult, Table } from "../../api/types";
import type { ReportBlock } from "../../office/adapter";
import { caseFigures, caseHeadline, countryCases, headlineSentence, lastCatalogueWords, objectiveOf } from "./businessCase";
import { describeRules } from "./rules";
import { boundGap, stoppedByLabel, stoppedSentence } from "./words";

export const CURRENCY = '#,##0.00 "€"';
/** a lift: +118.9%, -4.2% */
export const LIFT_FORMAT = "+0.0%;-0.0%;0.0%";
export const PLAN_FORMATS: Record<string, string> = {
  page: "0",
  slot: "0",
  discount: "0%",
  forecast_units: "#,##0",
  forecast_low: "#,##0",
  forecast_high: "#,##0",
  forecast_revenue: CURRENCY,
  forecast_profit: CURRENCY,
  price: CURRENCY,
  unit_cost: CURRENCY,
  anomaly_contribution: "0.000",
};

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The Summary sheet of a plan: totals (with the gap to the bound), rules, settings, run record. */
export function planSummaryBlocks(result: PlanResult): ReportBlock[] {
  const t = result.totals ?? {};
  const bound = num(result.bound);
  const run = (result.run ?? {}) as Record<string, unknown>;
  const objective = String((run.settings as Record<string, unknown> | undefined)?.objective ?? "profit");
  const achieved = num(t[objective as keyof typeof t]) ?? num(t.profit);
  const gap = bound !== null && achieved !== null ? bound - achieved : null;
  const caseLift = result.business_case ? caseHeadline(result.business_case, objective) : null;
  const totals: [string, Cell, string | null][] = [
    ["Forecast units", num(t.units), "#,##0"],
    ["Forecast revenue", num(t.revenue), CURRENCY],
    ["Forecast profit", num(t.profit), CURRENCY],
    // the honest promise, when the engine gives it (issue 14)
    ["Expected profit", num(t.expected_profit), CURRENCY],
    ["Expected profit, low end of its 80 % range", num(t.expected_profit_low), CURRENCY],
    ["Expected profit, high end of its 80 % range", num(t.expected_profit_high), CURRENCY],
    ["Rows forecast beyond history", num(t.beyond_history), "0"],
    ["Products", num(t.products), "0"],
    ["Slots used", num(t.slots_used), "0"],
    [`Upper bound on ${objective}`, bound, objective === "units" ? "#,##0" : CURRENCY],
    ["Gap to the bound", gap, objective === "units" ? "#,##0" : CURRENCY],
    ["Gap to the bound (share)", gap !== null && bound ? gap / Math.abs(bound) : null, "0.00%"],
    ["Anomaly score", num(result.anomaly_score), "0.00"],
    [`Lift in ${caseLift?.figure ?? "profit"} over the last catalogue (sheet “Folio Business case”)`, caseLift?.lift ?? null, LIFT_FORMAT],
    ["Stopped early (cancelled)", result.cancelled ? "yes" : "no", null],
    ["Why the search stopped", stoppedSentence(result) ?? null, null],
  ];
  const rows = totals.filter(([, v]) => v !== null);
  const blocks: ReportBlock[] = [
    {
      title: "Plan summary",
      table: [["item", "value"], ...rows.map(([k, v]) => [k, v])],
      asTable: false,
      rowFormats: rows.map(([, , f]) => f),
    },
  ];
  if (result.countries?.length) blocks.push(countryBlock(result));
  const rules = describeRules(result.rules ?? []);
  const byCountry = rules.some((r) => r.country);
  if (rules.length)
    blocks.push({
      title: "Rules",
      table: [
        [...(byCountry ? ["country"] : []), "rule", "detail", "kept"],
        ...rules.map((r) => [...(byCountry ? [r.country ?? ""] : []), r.label, r.detail, r.kept ? "kept" : "BROKEN"]),
      ],
    });
  const settings = run.settings as Record<string, unknown> | undefined;
  if (settings && typeof settings === "object")
    blocks.push({ title: "Settings", table: [["setting", "value"], ...Object.entries(settings).map(([k, v]) => [k, scalar(v)])], asTable: false });
  const record = Object.entries(run).filter(([k]) => k !== "settings");
  if (record.length) blocks.push({ title: "Run record", table: [["item", "value"], ...record.map(([k, v]) => [k, scalar(v)])], asTable: false });
  return blocks;
}

/** A multi-country plan's countries side by side, as a formatted table on the Summary sheet. */
export function countryBlock(result: PlanResult): ReportBlock {
  const header = ["country", "status", "units", "revenue", "profit", "products", "bound", "gap to bound", "stopped by", "generations", "error"];
  const rows: Table = (result.countries ?? []).map((c) => {
    const t = c.totals ?? {};
    return [
      c.country,
      c.status,
      num(t.units),
      num(t.revenue),
      num(t.profit),
      num(t.products),
      num(c.bound),
      boundGap(c),
      c.stopped_by ? stoppedByLabel(c.stopped_by) : "",
      num(c.generations_run),
      c.error ? [c.error.code, c.error.detail].filter(Boolean).join(": ") : "",
    ];
  });
  return {
    title: "By country",
    table: [header, ...rows],
    numberFormats: { units: "#,##0", revenue: CURRENCY, profit: CURRENCY, products: "0", bound: "#,##0", "gap to bound": "0.0%", generations: "0" },
  };
}

/**
 * The business case as a report sheet: the lift first (with the headline in one sentence), the
 * money figures side by side with a native column chart of the plan against the last catalogue,
 * units, products and ranges, what "last catalogue" means and how it met this layout, and for a
 * multi-country plan each country's own case. Empty when the result has no business case.
 */
export function businessCaseBlocks(result: PlanResult): ReportBlock[] {
  const c = result.business_case;
  if (!c?.options?.length) return [];
  const multi = !!c.countries?.length;
  const objective = objectiveOf(result);
  const head = caseHeadline(c, objective);
  const figures = caseFigures(c);
  const words = lastCatalogueWords(result);
  const labels = c.options.map((o, i) => uniqueLabel(o.label || o.name, c.options.slice(0, i).map((p) => p.label || p.name)));
  const lifts = figures.filter((f) => f.lift !== null);
  const blocks: ReportBlock[] = [
    {
      title: `Business case: this plan against the last catalogue${multi ? "s" : ""}`,
      lines: head ? [headlineSentence(head, multi)] : [words?.meaning ?? "No last catalogue to compare with."],
      table: lifts.length ? [["figure", "lift"], ...lifts.map((f) => [`Lift in ${f.label.replace(/ \(forecast\)$/, "").toLowerCase()}`, f.lift])] : [],
      asTable: false,
      rowFormats: lifts.map(() => LIFT_FORMAT),
    },
  ];
  const money = figures.filter((f) => f.figure !== "units");
  if (money.length)
    blocks.push({
      title: "Profit and revenue",
      table: [["figure", ...labels], ...money.map((f) => [f.label, ...f.values.map((v) => v.value)])],
      rowFormats: money.map(() => CURRENCY),
      chart: { type: "column", title: `This plan against the last catalogue${multi ? "s" : ""}`, category: "figure", series: labels },
    });
  const rest: [string, Cell[], string][] = [];
  for (const f of figures) {
    if (f.values.some((v) => v.low !== undefined)) {
      rest.push([`${f.label}: low end of its 80 % range`, f.values.map((v) => v.low ?? null), f.figure === "units" ? "#,##0" : CURRENCY]);
      rest.push([`${f.label}: high end of its 80 % range`, f.values.map((v) => v.high ?? null), f.figure === "units" ? "#,##0" : CURRENCY]);
    }
    if (f.figure === "units") rest.push([f.label, f.values.map((v) => v.value), "#,##0"]);
  }
  rest.push(["Products placed", c.options.map((o) => num(o.products)), "0"]);
  blocks.push({
    title: "Units, products and ranges",
    table: [["figure", ...labels], ...rest.map(([label, values]) => [label, ...values])],
    rowFormats: rest.map(([, , f]) => f),
  });
  if (words && (head || words.notes.length))
    blocks.push({ title: `What “last catalogue${multi ? "s" : ""}” means`, lines: [...(head ? [words.meaning] : []), ...words.notes], table: [] });
  const countries = countryCases(c, objective);
  if (countries.length) {
    const what = countries[0].label.toLowerCase();
    blocks.push({
      title: "By country",
      table: [
        ["country", `this plan: ${what}`, `last catalogue: ${what}`, "lift", "note"],
        ...countries.map((r) => [r.country, r.plan, r.last, r.lift, r.reason ? `no last catalogue: ${r.reason}` : ""]),
      ],
      numberFormats: {
        [`this plan: ${what}`]: countries[0].figure === "units" ? "#,##0" : CURRENCY,
        [`last catalogue: ${what}`]: countries[0].figure === "units" ? "#,##0" : CURRENCY,
        lift: LIFT_FORMAT,
      },
    });
  }
  return blocks;
}

/** Excel table headers must differ: a repeated option label gets a number. */
function uniqueLabel(label: string, before: string[]): string {
  let out = label;
  for (let n = 2; before.includes(out); n++) out = `${label} ${n}`;
  return out;
}

function scalar(v: unknown): Cell {
  if (v === null || v === undefined) return "";
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}

