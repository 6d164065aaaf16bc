/**
 * A plan's settings and run record in a planner's words, for the pane's "Folio Summary" sheet:
 * the same labels and choices as result.xlsx's Summary (engine/export/words.py settings_lines and
 * run_lines), so the two workbooks say the same thing. Only the settings that shaped the plan:
 * the layout that was used (a slots table's, not the pages x slots per page fields it overrode),
 * limits that bind, the anomaly penalty when on, how hard it searched. Was every key as code
 * ("max_discounted_share 0.4", "discount_levels [0,0.1,0.2,0.3]", "pages 8" beside a 144-slot
 * slots table, versions as JSON).
 */
import type { Cell, PlanResult } from "../../api/types";
import { PCT, UNIT_SPACE, fmtStamp, localTimeZone } from "../../components/format";

/** label, value, number format (null = text as it is) */
export type Line = [string, Cell, string | null];

const PERCENT = "0.0%";
const WHOLE = "#,##0";
const SCORE = "0.00";
const OBJECTIVES: Record<string, string> = { profit: "profit", revenue: "revenue", units: "units" };
const STRATEGIES: Record<string, string> = { ga: "genetic algorithm", coevolution: "co-evolution by page groups" };
const RUN_LABELS: Record<string, string> = {
  job: "Job", kind: "Job kind", dataset: "Dataset", dataset_hash: "Dataset fingerprint", model: "Model", seed: "Seed",
  started_at: "Started (UTC)", finished_at: "Finished (UTC)", versions: "Library versions", countries: "Countries",
  children: "Country jobs", country: "Country", parent: "Part of job", family: "Model family asked for",
  holdout_campaigns: "Held-out campaigns", table: "Table explored",
};

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const percentWords = (v: number) => `${Number((v * 100).toFixed(6))}${PCT}`;

/** "1 min 00 s", "45 s" (the workbook's words) */
function seconds(v: unknown): string | null {
  if (!isNum(v) || v <= 0) return null;
  if (v < 60) return `${Number(v.toFixed(1))}${UNIT_SPACE}s`;
  const m = Math.floor(v / 60);
  return `${m}${UNIT_SPACE}min ${String(Math.round(v - 60 * m)).padStart(2, "0")}${UNIT_SPACE}s`;
}

/** "max_discounted_share" -> "Max discounted share" */
const readable = (key: string) => {
  const text = key.replace(/[_.]/g, " ").trim();
  return text.slice(0, 1).toUpperCase() + text.slice(1);
};

const asText = (v: unknown): Cell => {
  if (v === null || v === undefined) return "";
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "number" || typeof v === "string") return v;
  if (Array.isArray(v)) return v.map((x) => String(x)).join(", ");
  return JSON.stringify(v);
};

/** The settings that shaped the plan, in words (engine/export/words.py settings_lines). */
export function settingLines(result: PlanResult): Line[] {
  const s = (result.settings ?? (result.run?.settings as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>;
  if (!Object.keys(s).length) return [];
  const layout = result.layout ?? {};
  const objective = String(s.objective ?? "profit");
  const lines: Line[] = [["Objective", `maximise ${OBJECTIVES[objective] ?? objective}`, null]];
  if (layout.source === "slots") lines.push(["Layout", `slots table: ${layout.slots} slots on ${layout.pages} pages`, null]);
  else if (layout.source === "pages" || s.pages) lines.push(["Layout", isNum(s.slots_per_page) ? `${s.pages} pages x ${s.slots_per_page} slots` : `${s.pages} pages`, null]);
  if (Array.isArray(s.discount_levels))
    lines.push(["Discount levels", s.discount_levels.filter(isNum).map(percentWords).join(", ") || "none", null]);
  if (isNum(s.max_discounted_share) && s.max_discounted_share < 1) lines.push(["Most products discounted", s.max_discounted_share, PERCENT]);
  if (isNum(s.min_margin)) lines.push(["Margin of every row at least", s.min_margin, PERCENT]);
  if (isNum(s.max_same_category_per_page)) lines.push(["Products of one category on a page at most", s.max_same_category_per_page, WHOLE]);
  if (isNum(s.anomaly_weight) && s.anomaly_weight > 0) lines.push(["Anomaly penalty weight", s.anomaly_weight, SCORE]);
  const factor = result.cannibalisation_factor;
  if (isNum(s.cannibalisation)) lines.push(["Cannibalisation (set)", `x ${s.cannibalisation.toFixed(2)} per same-category product on the page`, null]);
  else if (isNum(factor))
    lines.push(["Cannibalisation (estimated from history)", factor >= 1 ? "none found" : `x ${factor.toFixed(2)} per same-category product on the page`, null]);
  const search = STRATEGIES[String(s.strategy)] ?? (s.strategy ? String(s.strategy) : null);
  if (search) lines.push(["Search", `${search}, population ${s.population}`, null]);
  if (isNum(s.generations)) lines.push(["Generations at most", s.generations, WHOLE]);
  if (isNum(s.stagnation_generations) && s.stagnation_generations > 0)
    lines.push(["Stop after generations without a better plan", s.stagnation_generations, WHOLE]);
  const limit = seconds(s.time_limit_s);
  if (limit) lines.push(["Time limit", limit, null]);
  if (typeof s.local_search === "boolean") lines.push(["Local search on the best plans", s.local_search ? "yes" : "no", null]);
  if (isNum(s.seed)) lines.push(["Seed (same seed, same plan)", s.seed, "0"]);
  return lines;
}

const CLOCK_KEYS = ["started_at", "finished_at"];

/**
 * The run record as labelled lines (engine/export/words.py run_lines); settings have their own
 * block. Its times are on the pane's own clock (`timeZone`, the planner's: the one "Plan started
 * 14:02" uses), named in the label as result.xlsx names it ("Started (Europe/Berlin)"), UTC when
 * the zone is not known; "Finished" right after "Started".
 */
export function runLines(run: Record<string, unknown> | undefined | null, timeZone: string | undefined = localTimeZone()): Line[] {
  const lines: Line[] = [];
  const keys = Object.keys(run ?? {});
  const ordered = keys.filter((k) => !CLOCK_KEYS.includes(k));
  ordered.splice(keys.includes("started_at") ? keys.indexOf("started_at") : ordered.length, 0, ...CLOCK_KEYS.filter((k) => keys.includes(k)));
  const zone = timeZone && timeZone !== "UTC" && timeZone !== "Etc/UTC" ? timeZone : undefined;
  for (const key of ordered) {
    const raw = run![key];
    if (key === "settings" || raw === null || raw === undefined || raw === "") continue;
    if (Array.isArray(raw) && !raw.length) continue;
    let value: unknown = raw;
    let label = RUN_LABELS[key] ?? readable(key);
    if (CLOCK_KEYS.includes(key) && typeof raw === "string") {
      value = fmtStamp(raw, zone);
      if (zone) label = label.replace("(UTC)", `(${zone})`);
    } else if (key === "versions" && typeof raw === "object" && !Array.isArray(raw))
      value = Object.entries(raw as Record<string, unknown>).map(([name, v]) => `${name} ${v}`).join(", ");
    else if (typeof raw === "object" && !Array.isArray(raw) && !Object.keys(raw as object).length) continue;
    lines.push([label, asText(value), isNum(value) ? "0" : null]);
  }
  return lines;
}
