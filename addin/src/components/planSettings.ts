import type { Objective, PlanSettings } from "../api/types";

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
}

export type SettingsField = keyof SettingsForm;
export type SettingsErrors = Partial<Record<SettingsField, string>>;

export const DEFAULT_SETTINGS: SettingsForm = {
  pages: "8",
  slots_per_page: "6",
  discount_levels: "0, 10, 20, 30 %",
  objective: "profit",
  max_discounted_share: "40",
  anomaly_weight: "0.1",
  population: "60",
  generations: "80",
  time_limit_s: "60",
  stagnation_generations: "30",
  seed: "42",
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
  if (parts.length === 0) return "Give at least one discount level, e.g. 0, 10, 20 %";
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
  const generations = take("generations", intIn(form.generations, 1, 100_000, "Generations"));
  const timeLimit = take("time_limit_s", numIn(form.time_limit_s, 0, 86_400, "Time limit", { exclusiveMin: true }));
  const stagnation = take(
    "stagnation_generations",
    intIn(form.stagnation_generations, 0, 100_000, "Stop when stuck after"),
  );
  const seed = take("seed", intIn(form.seed, 0, 2 ** 32 - 1, "Seed"));
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
      generations: generations!,
      time_limit_s: timeLimit!,
      stagnation_generations: stagnation!,
      seed: seed!,
    },
  };
}
