import type { Problem, SelectBy, TrainOptions } from "../api/types";

/**
 * The forecast settings a Train job sends (the server's `train` options, server/kinds/train.py),
 * as the user typed them. Blank fields and the default choices send nothing: the server then
 * decides (how many campaigns ahead and the season are read from the data).
 */
export interface TrainForm {
  select_by: SelectBy;
  holdout_campaigns: string;
  gap: string;
  season: string;
  folds: string;
  /** presets ticked; none = Folio's own choice of candidates */
  candidates: string[];
}

export type TrainField = Exclude<keyof TrainForm, "candidates">;
export type TrainErrors = Partial<Record<TrainField | "candidates", string>>;

export const DEFAULT_TRAIN: TrainForm = {
  select_by: "decision",
  holdout_campaigns: "",
  gap: "",
  season: "",
  folds: "",
  candidates: [],
};

/** What the backtest picks the model by, in a planner's words. */
export const SELECT_BY_CHOICES: { value: SelectBy; label: string }[] = [
  { value: "decision", label: "Plan decisions (default)" },
  { value: "wape", label: "WAPE: units missed in total" },
  { value: "mape", label: "MAPE: average % error per row" },
];

/**
 * The engine's presets (engine.forecast.PRESETS; tests/server/test_train_options.py checks the two
 * lists agree), each in a few words. The server's OpenAPI document carries the longer notes.
 */
export const PRESETS: { name: string; label: string }[] = [
  { name: "linear", label: "Linear, all markets" },
  { name: "linear_by_country", label: "Linear, per market" },
  { name: "gbm", label: "Trees on units" },
  { name: "gbm_by_country", label: "Trees on units, per market" },
  { name: "gbm_log", label: "Trees on log units" },
  { name: "gbm_log_by_country", label: "Trees on log units, per market" },
  { name: "gbm_log_bag", label: "Trees on log units, five fits averaged" },
  { name: "pooled", label: "Each product's own response, pooled" },
  { name: "gbm_mape", label: "Trees aimed at MAPE (weekly sales)" },
  { name: "gbm_mape_bag", label: "Trees aimed at MAPE, five fits averaged" },
];

/** Integer options: field, label for messages, range (the server's INTEGER_OPTIONS). */
const INTEGERS: [TrainField, string, number, number][] = [
  ["holdout_campaigns", "Campaigns ahead", 1, 52],
  ["gap", "Gap", 0, 52],
  ["season", "Campaigns per year", 0, 104],
  ["folds", "Backtest origins", 1, 20],
];

export function validateTrain(form: TrainForm): { options?: TrainOptions; errors: TrainErrors } {
  const errors: TrainErrors = {};
  const options: TrainOptions = {};
  if (form.select_by !== "decision") options.select_by = form.select_by;
  for (const [field, label, min, max] of INTEGERS) {
    const t = (form[field] as string).trim();
    if (!t) continue;
    if (!/^[-+]?\d+$/.test(t)) errors[field] = `${label} must be a whole number (or blank)`;
    else if (Number(t) < min || Number(t) > max) errors[field] = `${label} must be between ${min} and ${max} (or blank)`;
    else (options as Record<string, number>)[field] = Number(t);
  }
  const known = PRESETS.map((p) => p.name);
  const ticked = known.filter((name) => form.candidates.includes(name));
  if (ticked.length) options.candidates = ticked;
  if (Object.keys(errors).length) return { errors };
  return { options, errors };
}

/** A few words on what the form sets (the collapsed section's summary). */
export function trainSummary(form: TrainForm): string {
  const parts: string[] = [];
  if (form.select_by !== "decision") parts.push(`by ${form.select_by.toUpperCase()}`);
  if (form.holdout_campaigns.trim()) parts.push(`${form.holdout_campaigns.trim()} ahead`);
  if (form.gap.trim()) parts.push(`gap ${form.gap.trim()}`);
  if (form.season.trim()) parts.push(`${form.season.trim()} a year`);
  if (form.folds.trim()) parts.push(`${form.folds.trim()} origins`);
  const n = PRESETS.filter((p) => form.candidates.includes(p.name)).length;
  if (n) parts.push(`${n} model${n === 1 ? "" : "s"}`);
  return parts.length ? parts.join(", ") : "Folio's defaults";
}

/** The server's refusal of a train option, under the field it names. */
export function trainErrorsFrom(p: Problem): TrainErrors | undefined {
  if (p.code !== "invalid_job" || !p.errors?.length) return undefined;
  const fields = new Set<string>([...INTEGERS.map(([f]) => f), "select_by", "candidates"]);
  const out: TrainErrors = {};
  for (const e of p.errors) if (e.column && fields.has(e.column)) out[e.column as TrainField] = e.message ?? "Not valid";
  return Object.keys(out).length ? out : undefined;
}
