import type { CountriesChoice, Objective, PlanSettings, Problem, Table } from "../api/types";

/** The plan settings form as the user typed it (strings), validated into PlanSettings. */
export interface SettingsForm {
  pages: string;
  slots_per_page: string;
  discount_levels: string;
  objective: Objective;
  max_discounted_share: string;
  anomaly_weight: string;
  population: string;
  generations: string;
  time_limit_s: string;
  stagnation_generations: string;
  seed: string;
  /** rules planners add (empty: not used) */
  max_same_category_per_page: string;
  min_margin: string;
}

export type SettingsField = keyof SettingsForm;
/** Messages per field; "countries" is the Countries control (not a text field). */
export type SettingsErrors = Partial<Record<SettingsField | "countries", string>>;

/**
 * Which markets get a catalogue: one catalogue for all markets (no `countries` sent, the
 * contract's single plan), one per country for every country of the history ("all"), or one per
 * country for the countries chosen.
 */
export type CountryMode = "one" | "all" | "choose";
export interface CountriesForm {
  mode: CountryMode;
  /** the countries ticked; undefined until the user changes a tick = every country of the history */
  chosen?: string[];
}
export const DEFAULT_COUNTRIES: CountriesForm = { mode: "one" };

/** The distinct non-empty values of a history table's `country` column, sorted; [] without one. */
export function countriesInHistory(history: Table | undefined): string[] {
  if (!history || history.length < 2) return [];
  const j = history[0].findIndex((h) => String(h ?? "").trim().toLowerCase() === "country");
  if (j < 0) return [];
  const seen = new Set<string>();
  for (const row of history.slice(1)) {
    const v = row[j];
    const t = v === null || v === undefined ? "" : String(v).trim();
    if (t) seen.add(t);
  }
  return [...seen].sort();
}

/**
 * The request's `countries` (undefined = one catalogue for all markets) or the message to show.
 * `available` is what the history holds (undefined while not read yet: the server checks then).
 */
export function validateCountries(form: CountriesForm, available: string[] | undefined): { countries?: CountriesChoice; error?: string } {
  if (form.mode === "one") return {};
  if (available && available.length === 0)
    return { error: "The history has no country column: there is only one market, plan one catalogue." };
  if (form.mode === "all" || (form.mode === "choose" && form.chosen === undefined)) return { countries: "all" };
  const ticked = form.chosen ?? [];
  const chosen = available ? available.filter((c) => ticked.includes(c)) : ticked;
  if (chosen.length === 0) return { error: "Choose at least one country" };
  return { countries: chosen };
}

export const DEFAULT_SETTINGS: SettingsForm = {
  pages: "8",
  slots_per_page: "6",
  discount_levels: "0, 10, 20, 30 %",
  objective: "profit",
  max_discounted_share: "40",
  anomaly_weight: "0.1",
  population: "60",
  generations: "",
  time_limit_s: "60",
  stagnation_generations: "30",
  seed: "42",
  max_same_category_per_page: "",
  min_margin: "",
};

const OBJECTIVES: Objective[] = ["profit", "revenue", "units"];

function intIn(raw: string, min: number, max: number, label: string): number | string {
  const t = raw.trim();
  if (!t) return `${label} is required`;
  if (!/^[-+]?\d+$/.test(t)) return `${label} must be a whole number`;
  const n = Number(t);
  if (n < min || n > max) return `${label} must be between ${min} and ${max.toLocaleString("en-US")}`;
  return n;
}

function numIn(raw: string, min: number, max: number, label: string, { exclusiveMin = false } = {}): number | string {
  const t = raw.trim().replace(/%$/, "").trim();
  if (!t) return `${label} is required`;
  const n = Number(t);
  if (!Number.isFinite(n)) return `${label} must be a number`;
  if (exclusiveMin ? n <= min : n < min) return `${label} must be ${exclusiveMin ? "more than" : "at least"} ${min}`;
  if (n > max) return `${label} must be at most ${max}`;
  return n;
}

/** "0, 10, 20, 30 %" -> [0, 0.1, 0.2, 0.3]. Levels are percents in [0, 90]. */
export function parseDiscountLevels(raw: string): number[] | string {
  const parts = raw
    .replace(/%/g, " ")
    .split(/[,;\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return "Give at least one discount level, e.g. 0, 10, 20\u00a0%";
  const levels = new Set<number>();
  for (const p of parts) {
    const n = Number(p);
    if (!Number.isFinite(n)) return `"${p}" is not a number`;
    if (n < 0 || n > 90) return `Discount levels are percents from 0 to 90 (got ${p})`;
    levels.add(Math.round(n * 100) / 10000);
  }
  return [...levels].sort((a, b) => a - b);
}

export function validateSettings(form: SettingsForm): { settings?: PlanSettings; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  const take = <T>(field: SettingsField, v: T | string): T | undefined => {
    if (typeof v === "string") {
      errors[field] = v;
      return undefined;
    }
    return v;
  };
  const pages = take("pages", intIn(form.pages, 1, 1000, "Pages"));
  const slots = take("slots_per_page", intIn(form.slots_per_page, 1, 200, "Slots per page"));
  const levels = take("discount_levels", parseDiscountLevels(form.discount_levels));
  const objective = OBJECTIVES.includes(form.objective) ? form.objective : undefined;
  if (!objective) errors.objective = "Choose profit, revenue or units";
  const share = take("max_discounted_share", numIn(form.max_discounted_share, 0, 100, "Max discounted share"));
  const anomaly = take("anomaly_weight", numIn(form.anomaly_weight, 0, 1000, "Anomaly weight"));
  const population = take("population", intIn(form.population, 2, 100_000, "Population"));
  // empty: no cap on generations, the search uses the time limit (it still stops at the bound or
  // when stuck): the engine's default, so a large catalogue is not cut short with time left
  const generations = form.generations.trim() ? take("generations", intIn(form.generations, 1, 100_000, "Generations")) : undefined;
  const timeLimit = take("time_limit_s", numIn(form.time_limit_s, 0, 86_400, "Time limit", { exclusiveMin: true }));
  const stagnation = take(
    "stagnation_generations",
    intIn(form.stagnation_generations, 0, 100_000, "Stop when stuck after"),
  );
  const seed = take("seed", intIn(form.seed, 0, 2 ** 32 - 1, "Seed"));
  const rules = ruleSettings(form, errors);
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    settings: {
      pages: pages!,
      slots_per_page: slots!,
      discount_levels: levels!,
      objective: objective!,
      max_discounted_share: Math.round(share! * 100) / 10000,
      anomaly_weight: anomaly!,
      population: population!,
      ...(generations !== undefined ? { generations } : {}),
      time_limit_s: timeLimit!,
      stagnation_generations: stagnation!,
      seed: seed!,
      ...rules,
    },
  };
}

/** The optional rule settings: absent when left empty, else checked like the others. */
function ruleSettings(form: Pick<SettingsForm, "max_same_category_per_page" | "min_margin">, errors: SettingsErrors): Partial<PlanSettings> {
  const out: Partial<PlanSettings> = {};
  if (form.max_same_category_per_page.trim()) {
    const n = intIn(form.max_same_category_per_page, 1, 1000, "At most per page");
    if (typeof n === "string") errors.max_same_category_per_page = n;
    else out.max_same_category_per_page = n;
  }
  if (form.min_margin.trim()) {
    const n = numIn(form.min_margin, -100, 99, "Minimum margin");
    if (typeof n === "string") errors.min_margin = n;
    else out.min_margin = Math.round(n * 100) / 10000;
  }
  return out;
}

/** The field messages a server's refusal carries: bad settings by field, an unknown country. */
export function fieldErrorsFrom(p: Problem): SettingsErrors | undefined {
  if (p.code === "invalid_settings" && p.errors?.length) {
    const fieldErrors: SettingsErrors = {};
    for (const e of p.errors) if (e.column && e.column in DEFAULT_SETTINGS) fieldErrors[e.column as SettingsField] = e.message ?? "Not valid";
    return fieldErrors;
  }
  const countryError = p.code === "invalid_job" ? p.errors?.find((e) => e.column === "countries") : undefined;
  if (countryError) return { countries: countryError.message ?? p.detail ?? "Not valid" };
  return undefined;
}
