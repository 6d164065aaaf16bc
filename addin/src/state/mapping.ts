/**
 * Which table plays which role (history, products, slots, the rule tables, the planner's own
 * plan), as pure functions: guess a mapping from the names of the workbook's tables and sheets,
 * keep the user's choices, and turn a mapping into the keys a workbook remembers.
 */
import { SOURCE_ROLES } from "../api/types";
import type { SourceRole } from "../api/types";
import { sourceFromKey, sourceKey } from "../office/adapter";
import type { SourceOption, TableSource } from "../office/adapter";

export type Mapping = Record<SourceRole, TableSource | null>;

export const EMPTY_MAPPING: Mapping = Object.fromEntries(SOURCE_ROLES.map((r) => [r, null])) as Mapping;

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
const ROLE_WORDS: Record<SourceRole, string[]> = {
  history: ["history", "sales", "hist"],
  products: ["products", "product", "candidates", "items"],
  slots: ["slots", "layout", "slot"],
  category_limits: ["categorylimits", "categories", "limits", "catlimits"],
  locks: ["locks", "locked", "lockedslots", "fixedslots"],
  brand_limits: ["brandlimits", "brands", "brandrules"],
  page_conflicts: ["pageconflicts", "conflicts", "keepapart", "apart"],
  plan: ["myplan", "ownplan", "yourplan", "draft", "draftplan", "plandraft"],
};

/**
 * Roles a table is guessed for by part of its name ("Sales history 2024") or by its header. The
 * others (the rule tables, the planner's plan) only by their exact name: a wrong guess there
 * would bind the plan ("Blocks" is not the locks; Folio's own Plan sheet has a plan's columns).
 */
const LOOSE_ROLES: readonly SourceRole[] = ["history", "products", "slots", "category_limits"];

/** The columns each role must have (shared/CONTRACT.md, section 1; README "Plan rules"; score). */
export const REQUIRED_COLUMNS: Record<SourceRole, string[]> = {
  history: ["campaign", "product_id", "units"],
  products: ["product_id", "price"],
  slots: ["page", "slot"],
  category_limits: ["category", "min", "max"],
  locks: ["page", "product_id"],
  brand_limits: ["brand"],
  page_conflicts: ["group", "product_id"],
  plan: ["page", "slot", "product_id"],
};

/** The pane's own output sheets and tables ("Folio Plan", "FolioConvergence"): never a role's by guess. */
const isFolioOutput = (s: SourceOption) => s.source.kind !== "range" && /^folio/i.test(s.source.name.trim());

/** A column name as the contract matches it: case-insensitive after trimming. */
export const columnKey = (name: unknown) => String(name ?? "").trim().toLowerCase();

/**
 * The role a table's header says it plays, or undefined. A table with history's columns is
 * history even though it also has products' (sales rows carry product_id and price); the
 * roles are tried from the most to the least specific.
 */
export function roleFromHeader(columns: readonly unknown[] | undefined): SourceRole | undefined {
  if (!columns?.length) return undefined;
  const have = new Set(columns.map(columnKey));
  return LOOSE_ROLES.find((role) => REQUIRED_COLUMNS[role].every((c) => have.has(c)));
}

/**
 * Map roles to sources: the user's choices that still exist first; then by name, every role's
 * exact name first (so "brand_limits" is never taken for the category limits), then names that
 * contain a role's words; then by header, so a lone sheet named "export" whose columns are
 * campaign, product_id, units is the history. The pane's own "Folio …" sheets are never guessed.
 */
export function autoMap(sources: SourceOption[], current: Mapping = EMPTY_MAPPING): Mapping {
  const next: Mapping = { ...EMPTY_MAPPING };
  const nameOf = (s: SourceOption) => norm(s.source.kind === "range" ? "" : s.source.name);
  const taken = new Set<string>();
  for (const role of SOURCE_ROLES) {
    const cur = current[role];
    if (cur && (cur.kind === "range" || sources.some((s) => sourceKey(s.source) === sourceKey(cur)))) {
      next[role] = cur;
      taken.add(sourceKey(cur));
    }
  }
  const guessable = sources.filter((s) => !isFolioOutput(s));
  const byName = (roles: readonly SourceRole[], matches: (s: SourceOption, role: SourceRole) => boolean) => {
    for (const role of roles) {
      if (next[role]) continue;
      const hit = guessable.find((s) => !taken.has(sourceKey(s.source)) && matches(s, role));
      if (hit) {
        next[role] = hit.source;
        taken.add(sourceKey(hit.source));
      }
    }
  };
  byName(SOURCE_ROLES, (s, role) => nameOf(s) === norm(role));
  byName(SOURCE_ROLES, (s, role) => ROLE_WORDS[role].includes(nameOf(s)));
  byName(LOOSE_ROLES, (s, role) => ROLE_WORDS[role].some((w) => nameOf(s).includes(w)));
  for (const role of LOOSE_ROLES) {
    if (next[role]) continue;
    const hit = guessable.find((s) => !taken.has(sourceKey(s.source)) && roleFromHeader(s.columns) === role);
    if (hit) {
      next[role] = hit.source;
      taken.add(sourceKey(hit.source));
    }
  }
  return next;
}

/** The mapping as the workbook keeps it: role -> source key, mapped roles only. */
export function mappingKeys(mapping: Mapping): Partial<Record<SourceRole, string>> {
  return Object.fromEntries(SOURCE_ROLES.filter((r) => mapping[r]).map((r) => [r, sourceKey(mapping[r])]));
}

/** A remembered mapping back (unknown or broken keys: unmapped). */
export function mappingFromKeys(saved: Record<string, unknown>): Mapping {
  const restored: Mapping = { ...EMPTY_MAPPING };
  for (const role of SOURCE_ROLES) restored[role] = typeof saved[role] === "string" ? sourceFromKey(saved[role] as string) : null;
  return restored;
}

/** Data rows per mapped role: what the source list says, else what was read last. */
export function rowCounts(mapping: Mapping, sources: SourceOption[], readRows: Partial<Record<SourceRole, number>>): Partial<Record<SourceRole, number>> {
  const counts: Partial<Record<SourceRole, number>> = {};
  for (const role of SOURCE_ROLES) {
    const src = mapping[role];
    if (!src) continue;
    const listed = sources.find((s) => sourceKey(s.source) === sourceKey(src));
    const n = listed?.rows ?? readRows[role];
    if (n !== undefined) counts[role] = n;
  }
  return counts;
}

export type RunKind = "explore" | "train" | "plan" | "scenarios" | "score";

/**
 * Why a job cannot start yet, per kind (absent: it can): every job needs the sales history; a
 * plan (and scenarios, and a score) needs the candidate products too; a score needs the
 * planner's own plan. Shown beside the disabled buttons.
 */
export function missingForRun(mapping: Mapping, mode: "excel" | "browser"): Partial<Record<RunKind, string>> {
  if (!mapping.history) {
    const hint =
      mode === "browser"
        ? "Load your sales history first: the demo workbook, or your own xlsx/csv."
        : "Choose the table that holds your sales history first (Data, History).";
    return { explore: hint, train: hint, plan: hint, scenarios: hint, score: hint };
  }
  if (!mapping.products) {
    const hint =
      mode === "browser"
        ? "Plan needs your candidate products too: a sheet with product_id and price."
        : "Plan needs your candidate products too: choose their table under Data, Products.";
    return { plan: hint, scenarios: hint, score: hint };
  }
  if (!mapping.plan)
    return {
      score:
        mode === "browser"
          ? "Score needs your own plan: a sheet with page, slot, product_id and discount, chosen under Data, Your plan."
          : "Score needs your own plan: choose its table or selection (page, slot, product_id, discount) under Data, Your plan.",
    };
  return {};
}
