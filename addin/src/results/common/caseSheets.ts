/**
 * The business case as report-sheet blocks (the plan's "Folio Business case" sheet, and the
 * scored plan's, where the planner's own plan stands beside Folio's): pure functions from the
 * result to tables and sentences, tested without Excel.
 */
import type { Cell, PlanResult } from "../../api/types";
import type { ReportBlock } from "../../office/adapter";
import { caseFigures, caseHeadline, countryCases, headlineSentence, lastCatalogueWords, objectiveOf } from "./businessCase";
import { CURRENCY, LIFT_FORMAT } from "./formats";

/** The pane's sheets carry "Folio" in their names, so a planner's own "Business case" sheet is never replaced. */
export const BUSINESS_SHEET = "Folio Business case";

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * The business case as a report sheet: the lift first (with the headline in one sentence), the
 * money figures side by side with a native column chart of the plan against the last catalogue,
 * units, products and ranges, what "last catalogue" means and how it met this layout, and for a
 * multi-country plan each country's own case. Empty when the result has no business case.
 */
export function businessCaseBlocks(result: PlanResult, words: { subject?: string; title?: string } = {}): ReportBlock[] {
  const subject = words.subject ?? "this plan";
  const c = result.business_case;
  if (!c?.options?.length) return [];
  const multi = !!c.countries?.length;
  const objective = objectiveOf(result);
  const head = caseHeadline(c, objective);
  const figures = caseFigures(c);
  const basis = lastCatalogueWords(result);
  const labels = c.options.map((o, i) => uniqueLabel(o.label || o.name, c.options.slice(0, i).map((p) => p.label || p.name)));
  const lifts = figures.filter((f) => f.lift !== null);
  const blocks: ReportBlock[] = [
    {
      title: words.title ?? `Business case: ${subject} against the last catalogue${multi ? "s" : ""}`,
      lines: head ? [headlineSentence(head, multi, subject)] : [basis?.meaning ?? "No last catalogue to compare with."],
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
      chart: { type: "column", title: `${labels.slice(0, -1).join(", ")} against the last catalogue${multi ? "s" : ""}`, category: "figure", series: labels },
    });
  const rest: [string, Cell[], string][] = [];
  for (const f of figures) {
    if (f.values.some((v) => v.low !== undefined)) {
      rest.push([`${f.label}: low end of its 80\u00a0% range`, f.values.map((v) => v.low ?? null), f.figure === "units" ? "#,##0" : CURRENCY]);
      rest.push([`${f.label}: high end of its 80\u00a0% range`, f.values.map((v) => v.high ?? null), f.figure === "units" ? "#,##0" : CURRENCY]);
    }
    if (f.figure === "units") rest.push([f.label, f.values.map((v) => v.value), "#,##0"]);
  }
  rest.push(["Products placed", c.options.map((o) => num(o.products)), "0"]);
  blocks.push({
    title: "Units, products and ranges",
    table: [["figure", ...labels], ...rest.map(([label, values]) => [label, ...values])],
    rowFormats: rest.map(([, , f]) => f),
  });
  if (basis && (head || basis.notes.length))
    blocks.push({ title: `What “last catalogue${multi ? "s" : ""}” means`, lines: [...(head ? [basis.meaning] : []), ...basis.notes], table: [] });
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

