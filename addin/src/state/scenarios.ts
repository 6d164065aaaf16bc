/**
 * What-if scenarios as the planner drafts them, as pure functions: 2 to 8 variants of the plan
 * set in the settings form, each a name, the settings it changes (typed like the form's fields)
 * and the rule tables it brings itself (another sheet or table of the workbook, or none). The
 * check turns the drafts into the request's scenarios before anything is sent, with a message
 * per field; the tables themselves are read from the workbook when the job starts.
 */
import { RULE_TABLES } from "../api/types";
import type { ProblemItem, RuleTable, ScenarioSettings } from "../api/types";
import { sourceFromKey } from "../office/adapter";
import type { TableSource } from "../office/adapter";
import { parseDiscountLevels, validateSettings } from "./planSettings";
import type { SettingsField, SettingsForm } from "./planSettings";

export const MIN_SCENARIOS = 2;
export const MAX_SCENARIOS = 8;
/** The server's limit on a scenario's name. */
export const MAX_NAME = 60;

/** The settings a scenario may change; the search's own (population, time, seed) are shared. */
export const SCENARIO_FIELDS = [
  "discount_levels",
  "max_discounted_share",
  "max_same_category_per_page",
  "min_margin",
  "objective",
  "anomaly_weight",
] as const satisfies readonly SettingsField[];
export type ScenarioField = (typeof SCENARIO_FIELDS)[number];

/**
 * A scenario's rule table: absent = the dataset's (as mapped under Data), "none" = without
 * that table, else the key of the workbook source it comes from (`sheet:Locks deep`).
 */
export type TableChoice = "none" | string;

export interface ScenarioDraft {
  /** stable id for React keys and messages (names change as the planner types) */
  id: string;
  name: string;
  /** the changed settings, as typed; a field left out (or empty) is the base's */
  changes: Partial<Record<ScenarioField, string>>;
  tables: Partial<Record<RuleTable, TableChoice>>;
}

/** Messages per scenario (by id) and field; `name` and `tables.<table>` too; `list` for the whole. */
export interface ScenarioErrors {
  list?: string;
  scenarios: Record<string, Partial<Record<ScenarioField | "name" | RuleTable, string>>>;
}

/** One scenario ready to send: its settings (only what it changes) and its table sources. */
export interface CheckedScenario {
  id: string;
  name: string;
  settings: ScenarioSettings;
  /** null: without the table; a source: read from the workbook and sent */
  tables: Partial<Record<RuleTable, TableSource | null>>;
}

let counter = 0;
const newId = () => `s${Date.now().toString(36)}${(counter++).toString(36)}`;

/** One deeper discount level than the base's deepest ("0, 10, 20, 30 %" -> "0, 10, 20, 30, 40 %"). */
export function deeperLevels(levels: string): string {
  const parsed = parseDiscountLevels(levels);
  if (typeof parsed === "string" || parsed.length === 0) return "0, 10, 20, 30, 40 %";
  const pct = parsed.map((l) => Math.round(l * 1000) / 10);
  const top = Math.max(...pct);
  const step = pct.length > 1 ? Math.max(5, top - [...pct].sort((a, b) => a - b)[pct.length - 2]) : 10;
  const next = Math.min(90, top + step);
  return `${[...pct, ...(next > top ? [next] : [])].join(", ")} %`;
}

/** A new scenario: "Scenario 3", nothing changed yet. */
export function newScenario(existing: ScenarioDraft[], init: Partial<Omit<ScenarioDraft, "id">> = {}): ScenarioDraft {
  const names = new Set(existing.map((s) => s.name.trim()));
  let n = existing.length + 1;
  while (names.has(`Scenario ${n}`)) n++;
  return { id: newId(), name: `Scenario ${n}`, changes: {}, tables: {}, ...init };
}

/** The two scenarios a planner starts from: the plan as set, and the same with one deeper discount. */
export function startingScenarios(base: SettingsForm): ScenarioDraft[] {
  const first = newScenario([], { name: "Your settings" });
  return [first, newScenario([first], { name: "Deeper discounts", changes: { discount_levels: deeperLevels(base.discount_levels) } })];
}

const changed = (v: string | undefined): v is string => typeof v === "string" && v.trim() !== "";

/**
 * The drafts checked against the base form: 2 to 8, names unique and short enough, each change
 * valid where the form's field would be (the merged form is validated, so the same rules and
 * messages apply), each table from a source that exists. Only what a scenario changes is sent.
 */
export function checkScenarios(
  drafts: ScenarioDraft[],
  base: SettingsForm,
  known: (source: TableSource) => boolean = () => true,
): { scenarios?: CheckedScenario[]; errors: ScenarioErrors } {
  const errors: ScenarioErrors = { scenarios: {} };
  if (drafts.length < MIN_SCENARIOS || drafts.length > MAX_SCENARIOS)
    errors.list = `Compare ${MIN_SCENARIOS} to ${MAX_SCENARIOS} scenarios (there are ${drafts.length}).`;
  const seen = new Map<string, string>();
  const out: CheckedScenario[] = [];
  /** what each checked scenario plans (its settings and tables): a second one alike plans the same */
  const plans = new Map<string, string>();
  for (const d of drafts) {
    const mine: ScenarioErrors["scenarios"][string] = {};
    const name = d.name.trim();
    if (!name) mine.name = "Give the scenario a name";
    else if (name.length > MAX_NAME) mine.name = `At most ${MAX_NAME} characters`;
    else if (seen.has(name)) mine.name = "Another scenario has this name";
    seen.set(name, d.id);
    const fields = SCENARIO_FIELDS.filter((f) => changed(d.changes[f]));
    const merged: SettingsForm = { ...base, ...Object.fromEntries(fields.map((f) => [f, d.changes[f]!])) };
    const checked = validateSettings(merged);
    for (const f of fields) if (checked.errors[f]) mine[f] = checked.errors[f];
    const tables: CheckedScenario["tables"] = {};
    for (const t of RULE_TABLES) {
      const choice = d.tables[t];
      if (choice === undefined || choice === "") continue;
      if (choice === "none") {
        tables[t] = null;
        continue;
      }
      const source = sourceFromKey(choice);
      if (!source || !known(source)) mine[t] = "That table is no longer in the workbook";
      else tables[t] = source;
    }
    if (!Object.keys(mine).length && checked.settings) {
      // the same seed, settings and tables give the same plan: a twin would only cost its time
      const what = JSON.stringify([SCENARIO_FIELDS.map((f) => checked.settings![f] ?? null), RULE_TABLES.map((t) => (t in tables ? tables[t] : "as mapped"))]);
      const twin = plans.get(what);
      if (twin !== undefined) mine.name = `Plans the same as “${twin}”: change a setting or a table`;
      else plans.set(what, name);
    }
    if (Object.keys(mine).length) errors.scenarios[d.id] = mine;
    else if (checked.settings) {
      const settings = Object.fromEntries(fields.map((f) => [f, checked.settings![f]])) as ScenarioSettings;
      out.push({ id: d.id, name, settings, tables });
    }
  }
  const bad = !!errors.list || Object.keys(errors.scenarios).length > 0;
  return bad ? { errors } : { scenarios: out, errors };
}

const FIELD_WORDS: Record<ScenarioField, string> = {
  discount_levels: "discounts",
  max_discounted_share: "max discounted",
  max_same_category_per_page: "at most per page",
  min_margin: "min margin",
  objective: "objective",
  anomaly_weight: "anomaly weight",
};

const TABLE_WORDS: Record<RuleTable, string> = {
  category_limits: "category limits",
  locks: "locks",
  brand_limits: "brand limits",
  page_conflicts: "kept apart",
};

const PERCENT_FIELDS: ReadonlySet<ScenarioField> = new Set(["discount_levels", "max_discounted_share", "min_margin"]);

/** What a draft changes, in a few words: "discounts 0, 10, 20, 30, 40 % · own locks (Locks B)". */
export function describeDraft(d: ScenarioDraft, sourceLabel: (key: string) => string = (k) => k): string {
  const parts = SCENARIO_FIELDS.filter((f) => changed(d.changes[f])).map((f) => {
    const v = d.changes[f]!.trim();
    // a percent's number held to its sign by a no-break space (as the server's words): "40 %" never wraps
    return `${FIELD_WORDS[f]} ${PERCENT_FIELDS.has(f) ? `${v.replace(/\s*%$/, "")}\u00a0%` : v}`;
  });
  for (const t of RULE_TABLES) {
    const choice = d.tables[t];
    if (choice === undefined || choice === "") continue;
    parts.push(choice === "none" ? `no ${TABLE_WORDS[t]}` : `own ${TABLE_WORDS[t]} (${sourceLabel(choice)})`);
  }
  return parts.length ? parts.join(" · ") : "as set above";
}

/** Drafts as a workbook kept them: well-formed ones only (a hand-edited or older setting is dropped). */
export function savedDrafts(saved: unknown): ScenarioDraft[] {
  if (!Array.isArray(saved)) return [];
  const text = (v: unknown) => typeof v === "string";
  const out = saved.filter(
    (d): d is ScenarioDraft =>
      !!d && typeof d === "object" && text(d.id) && text(d.name) && !!d.changes && typeof d.changes === "object" && !!d.tables && typeof d.tables === "object",
  );
  return out
    .slice(0, MAX_SCENARIOS)
    .map((d) => ({
      id: d.id,
      name: d.name,
      changes: Object.fromEntries(Object.entries(d.changes).filter(([k, v]) => (SCENARIO_FIELDS as readonly string[]).includes(k) && text(v))),
      tables: Object.fromEntries(Object.entries(d.tables).filter(([k, v]) => (RULE_TABLES as readonly string[]).includes(k) && text(v))),
    }));
}

/**
 * Which draft and field a server's problem is about, by the problem's `scenario` (the name the
 * request gave it, or its 0-based place when the name is what is wrong): the setting that
 * `scenarios[i].<setting>` names, else the rule table whose cell it is, else the name. Undefined
 * for a problem of no scenario (or of one no longer drafted).
 */
export function scenarioProblemField(
  item: ProblemItem,
  drafts: ScenarioDraft[],
): { id: string; field: ScenarioField | "name" | RuleTable } | undefined {
  const s = item.scenario;
  const draft = typeof s === "number" ? drafts[s] : typeof s === "string" ? drafts.find((d) => d.name.trim() === s) : undefined;
  if (!draft) return undefined;
  const setting = /^scenarios\[\d+\]\.(\w+)$/.exec(item.column ?? "")?.[1];
  if (setting && (SCENARIO_FIELDS as readonly string[]).includes(setting)) return { id: draft.id, field: setting as ScenarioField };
  if (item.table && (RULE_TABLES as readonly string[]).includes(item.table)) return { id: draft.id, field: item.table as RuleTable };
  return { id: draft.id, field: "name" };
}
