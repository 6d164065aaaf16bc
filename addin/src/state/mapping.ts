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

/** Map roles to sources by name: exact name first, then names that contain the role's words. */
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
