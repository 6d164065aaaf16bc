/**
 * Which table plays which role (history, products, slots, category limits), as pure functions:
 * guess a mapping from the names of the workbook's tables and sheets, keep the user's choices,
 * and turn a mapping into the keys a workbook remembers.
 */
import { ROLES } from "../api/types";
import type { Role } from "../api/types";
import { sourceFromKey, sourceKey } from "../office/adapter";
import type { SourceOption, TableSource } from "../office/adapter";

export type Mapping = Record<Role, TableSource | null>;

export const EMPTY_MAPPING: Mapping = { history: null, products: null, slots: null, category_limits: null };

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
const ROLE_WORDS: Record<Role, string[]> = {
  history: ["history", "sales", "hist"],
  products: ["products", "product", "candidates", "items"],
  slots: ["slots", "layout", "slot"],
  category_limits: ["categorylimits", "categories", "limits", "catlimits"],
};

/** The columns each role must have (shared/CONTRACT.md, section 1). */
export const REQUIRED_COLUMNS: Record<Role, string[]> = {
  history: ["campaign", "product_id", "units"],
  products: ["product_id", "price"],
  slots: ["page", "slot"],
  category_limits: ["category", "min", "max"],
};

/** A column name as the contract matches it: case-insensitive after trimming. */
export const columnKey = (name: unknown) => String(name ?? "").trim().toLowerCase();

/**
 * The role a table's header says it plays, or undefined. A table with history's columns is
 * history even though it also has products' (sales rows carry product_id and price); the
 * roles are tried from the most to the least specific.
 */
export function roleFromHeader(columns: readonly unknown[] | undefined): Role | undefined {
  if (!columns?.length) return undefined;
  const have = new Set(columns.map(columnKey));
  return ROLES.find((role) => REQUIRED_COLUMNS[role].every((c) => have.has(c)));
}

/**
 * Map roles to sources: the user's choices that still exist first; then by name (exact name,
 * then names that contain the role's words); then by header, so a lone sheet named "export"
 * whose columns are campaign, product_id, units is the history.
 */
export function autoMap(sources: SourceOption[], current: Mapping = EMPTY_MAPPING): Mapping {
  const next: Mapping = { ...EMPTY_MAPPING };
  const nameOf = (s: SourceOption) => norm(s.source.kind === "range" ? "" : s.source.name);
  const taken = new Set<string>();
  for (const role of ROLES) {
    const cur = current[role];
    if (cur && (cur.kind === "range" || sources.some((s) => sourceKey(s.source) === sourceKey(cur)))) {
      next[role] = cur;
      taken.add(sourceKey(cur));
    }
  }
  for (const role of ROLES) {
    if (next[role]) continue;
    const free = sources.filter((s) => !taken.has(sourceKey(s.source)));
    const words = ROLE_WORDS[role];
    const hit =
      free.find((s) => nameOf(s) === norm(role)) ??
      free.find((s) => words.includes(nameOf(s))) ??
      free.find((s) => words.some((w) => nameOf(s).includes(w)));
    if (hit) {
      next[role] = hit.source;
      taken.add(sourceKey(hit.source));
    }
  }
  for (const role of ROLES) {
    if (next[role]) continue;
    const hit = sources.find((s) => !taken.has(sourceKey(s.source)) && roleFromHeader(s.columns) === role);
    if (hit) {
      next[role] = hit.source;
      taken.add(sourceKey(hit.source));
    }
  }
  return next;
}

/** The mapping as the workbook keeps it: role -> source key, mapped roles only. */
export function mappingKeys(mapping: Mapping): Partial<Record<Role, string>> {
  return Object.fromEntries(ROLES.filter((r) => mapping[r]).map((r) => [r, sourceKey(mapping[r])]));
}

/** A remembered mapping back (unknown or broken keys: unmapped). */
export function mappingFromKeys(saved: Record<string, unknown>): Mapping {
  const restored: Mapping = { ...EMPTY_MAPPING };
  for (const role of ROLES) restored[role] = typeof saved[role] === "string" ? sourceFromKey(saved[role] as string) : null;
  return restored;
}

/** Data rows per mapped role: what the source list says, else what was read last. */
export function rowCounts(mapping: Mapping, sources: SourceOption[], readRows: Partial<Record<Role, number>>): Partial<Record<Role, number>> {
  const counts: Partial<Record<Role, number>> = {};
  for (const role of ROLES) {
    const src = mapping[role];
    if (!src) continue;
    const listed = sources.find((s) => sourceKey(s.source) === sourceKey(src));
    const n = listed?.rows ?? readRows[role];
    if (n !== undefined) counts[role] = n;
  }
  return counts;
}

export type RunKind = "explore" | "train" | "plan";

/**
 * Why a job cannot start yet, per kind (absent: it can): every job needs the sales history; a
 * plan needs the candidate products too. Shown beside the disabled buttons.
 */
export function missingForRun(mapping: Mapping, mode: "excel" | "browser"): Partial<Record<RunKind, string>> {
  if (!mapping.history) {
    const hint =
      mode === "browser"
        ? "Load your sales history first: the demo workbook, or your own xlsx/csv."
        : "Choose the table that holds your sales history first (Data, History).";
    return { explore: hint, train: hint, plan: hint };
  }
  if (!mapping.products)
    return {
      plan:
        mode === "browser"
          ? "Plan needs your candidate products too: a sheet with product_id and price."
          : "Plan needs your candidate products too: choose their table under Data, Products.",
    };
  return {};
}
