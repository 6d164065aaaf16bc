/**
 * A plan's business case (`result.business_case`, engine.plan.business_case) in figures and
 * words, as pure functions of the result: which figure each option is compared on (the expected
 * one when every option has it, else the forecast), the headline lift, what "last catalogue"
 * means and how it met this layout, and the countries' own cases. The pane's block and the Excel
 * sheet both read these, so they say the same thing.
 */
import type { BusinessCase, CaseOption, Cell, PlanResult } from "../../api/types";
import { PCT, fmtInt, fmtTotal, isNum } from "../../components/format";

export type Figure = "profit" | "revenue" | "units";
export const FIGURES: readonly Figure[] = ["profit", "revenue", "units"];

const NOUN: Record<Figure, string> = { profit: "profit", revenue: "revenue", units: "units" };

export interface CaseValue {
  option: CaseOption;
  value: number | null;
  /** the 80 % range, when the engine gives one for this figure */
  low?: number;
  high?: number;
}

export interface CaseFigure {
  figure: Figure;
  /** the result key compared: `expected_profit` when every option has it, else `profit` */
  key: string;
  expected: boolean;
  /** "Expected profit", "Profit (forecast)" */
  label: string;
  values: CaseValue[];
  /** this plan over the last catalogue (null: no last catalogue, or it is zero) */
  lift: number | null;
}

const num = (v: unknown): number | null => (isNum(v) ? v : null);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A lift as the planner reads it: +118.9 %, −4.2 %. */
export function fmtLift(v: unknown): string {
  if (!isNum(v)) return "–";
  const pct = Math.abs(v * 100);
  return `${v < 0 ? "−" : "+"}${pct.toFixed(pct >= 1000 ? 0 : 1)}${PCT}`;
}

/** Profit, revenue and units, each on the key every option has (expected first), with ranges. */
export function caseFigures(c: BusinessCase): CaseFigure[] {
  const options = c.options ?? [];
  const out: CaseFigure[] = [];
  for (const figure of FIGURES) {
    const expected = options.length > 0 && options.every((o) => isNum(o[`expected_${figure}`]));
    const key = expected ? `expected_${figure}` : figure;
    if (!options.some((o) => isNum(o[key]))) continue; // e.g. no profit without unit costs
    const values = options.map((option) => {
      const low = num(option[`${key}_low`]);
      const high = num(option[`${key}_high`]);
      return { option, value: num(option[key]), ...(low !== null && high !== null ? { low, high } : {}) };
    });
    const label = expected ? `Expected ${NOUN[figure]}` : `${cap(NOUN[figure])} (forecast)`;
    out.push({ figure, key, expected, label, values, lift: num(c.lift?.[figure]) });
  }
  return out;
}

export interface CaseHeadline {
  figure: Figure;
  lift: number;
  /** this plan minus the last catalogue, on the compared key */
  difference: number | null;
  expected: boolean;
}

/** The lift that leads the block: the plan's objective when it has one, else the first there is. */
export function caseHeadline(c: BusinessCase, objective?: unknown): CaseHeadline | null {
  const figures = caseFigures(c);
  const pick = figures.find((f) => f.figure === objective && f.lift !== null) ?? figures.find((f) => f.lift !== null);
  if (!pick || pick.lift === null) return null;
  const plan = pick.values.find((v) => v.option.name === "plan")?.value ?? null;
  const last = pick.values.find((v) => v.option.name === "last_catalogue")?.value ?? null;
  return { figure: pick.figure, lift: pick.lift, difference: plan !== null && last !== null ? plan - last : null, expected: pick.expected };
}

/** The headline in one sentence: how much more (or less) the plan brings than the last catalogue. */
export function headlineSentence(h: CaseHeadline, multi = false, subject = "this plan"): string {
  const last = multi ? "the last catalogues" : "the last catalogue";
  if (h.difference === null) return `${fmtLift(h.lift)} ${NOUN[h.figure]} over ${last}.`;
  const amount = h.figure === "units" ? fmtInt(Math.abs(h.difference)) : fmtTotal(Math.abs(h.difference));
  const more = h.difference >= 0 ? "more" : "less";
  const verb = { profit: "earn", revenue: "take", units: "sell" }[h.figure];
  return h.expected
    ? `Corrected for the search's optimism, ${subject} is expected to ${verb} ${amount} ${more} ${NOUN[h.figure]} than ${last} on the same layout.`
    : `On the same layout, the forecast gives ${subject} ${amount} ${more} ${NOUN[h.figure]} than ${last}.`;
}

const plural = (n: number, one: string, many: string) => `${fmtInt(n)} ${n === 1 ? one : many}`;

/** How many slots the plan filled: the layout's count, else the plan's. */
function slotsOf(result: PlanResult): number | null {
  return num(result.layout?.slots) ?? num(result.totals?.slots_used);
}

export interface CatalogueWords {
  /** what "last catalogue" means here */
  meaning: string;
  /** how it met this layout: one sentence per thing the mapping had to do */
  notes: string[];
}

/**
 * "Last catalogue" in words: the campaign it is, how its products were put on this plan's slots
 * (from `last_catalogue`'s counts) and why the comparison is fair (`basis`).
 */
export function lastCatalogueWords(result: PlanResult): CatalogueWords | null {
  const c = result.business_case;
  if (!c) return null;
  const last = c.last_catalogue ?? {};
  const multi = !!c.countries?.length;
  const slots = slotsOf(result);
  const basis = c.basis ? `${cap(c.basis)}, so the difference is the plan's own doing.` : "";
  const notes: string[] = [];
  let meaning: string;
  if (last.reason) {
    meaning = `No last catalogue to compare with: ${last.reason}.`;
  } else if (multi) {
    const campaigns = last.campaigns?.length ? ` (${last.campaigns.join(", ")})` : "";
    meaning =
      `“Last catalogues” are each country's latest campaign${campaigns} as it was printed: its products in page order ` +
      `(featured and larger slots first) fill that country's planned slots in order, each with its own discount. ${basis}`;
  } else {
    const campaign = last.campaign !== undefined && last.campaign !== null ? ` ${String(last.campaign as Cell)}` : "";
    meaning =
      `“Last catalogue” is campaign${campaign}, the latest in your history, as it was printed: its products in page ` +
      `order (featured and larger slots first) fill this plan's ${slots !== null ? `${fmtInt(slots)} ` : ""}slots in order, ` +
      `each with its own discount. ${basis}`;
  }
  const over = multi ? " (over all countries)" : "";
  if (isNum(last.shown) && last.shown > 0) notes.push(`It showed ${plural(last.shown, "product", "products")}${over}.`);
  if (isNum(last.left_out) && last.left_out > 0)
    notes.push(`${fmtInt(last.left_out)} of them ${last.left_out === 1 ? "is no longer a candidate" : "are no longer candidates"} (not in your products table): left out.`);
  if (isNum(last.dropped) && last.dropped > 0)
    notes.push(`${fmtInt(last.dropped)} found no slot: this layout ${slots !== null && !multi ? `has ${fmtInt(slots)} slots` : "is smaller"}.`);
  if (isNum(last.empty_slots) && last.empty_slots > 0)
    notes.push(`${plural(last.empty_slots, "slot stays", "slots stay")} empty: it had fewer products.`);
  if (isNum(last.discounts_changed) && last.discounts_changed > 0)
    notes.push(`${plural(last.discounts_changed, "discount is", "discounts are")} not allowed now: moved to the nearest allowed level.`);
  for (const country of c.countries ?? []) {
    const reason = country.last_catalogue?.reason;
    if (reason) notes.push(`${country.country}: no last catalogue (${reason}).`);
  }
  const partial = (c.options ?? []).find((o) => o.name === "last_catalogue" && o.partial);
  if (partial && isNum(partial.countries))
    notes.push(`Only ${plural(partial.countries, "country has", "countries have")} a last catalogue, so no overall lift is given.`);
  return { meaning: meaning.trim(), notes };
}

export interface CountryCase {
  country: string;
  figure: Figure;
  label: string;
  plan: number | null;
  last: number | null;
  lift: number | null;
  reason?: string;
}

/** A multi-country plan: each country's headline figure beside its own last catalogue. */
export function countryCases(c: BusinessCase, objective?: unknown): CountryCase[] {
  return (c.countries ?? []).map((country) => {
    const figures = caseFigures({ ...country, lift: country.lift ?? null });
    const f = figures.find((x) => x.figure === objective) ?? figures[0];
    const value = (name: string) => f?.values.find((v) => v.option.name === name)?.value ?? null;
    const reason = country.last_catalogue?.reason;
    return {
      country: country.country,
      figure: f?.figure ?? "profit",
      label: f?.label ?? "Profit (forecast)",
      plan: f ? value("plan") : null,
      last: f ? value("last_catalogue") : null,
      lift: f?.lift ?? null,
      ...(reason ? { reason } : {}),
    };
  });
}

/** The objective the plan was searched for (the business case leads with it). */
export function objectiveOf(result: PlanResult): string {
  const fromRun = (result.run?.settings as Record<string, unknown> | undefined)?.objective;
  return String(result.settings?.objective ?? fromRun ?? "profit");
}
