/**
 * Reading a result table (header row first, as the engine sends it) by column name, so views do
 * not depend on column order: names are matched trimmed and case-blind, and a column the table
 * lacks reads as null. One reader for every kind's tables (scenario comparison, score changes and
 * slots), instead of each building its own header lookup.
 */
import type { Cell, Table } from "../../api/types";

export interface Columns {
  /** the place of the first of `keys` the header has, -1 when it has none */
  index(...keys: string[]): number;
  /** the row's value under the first of `keys` the header has (null when none) */
  at(row: readonly Cell[], ...keys: string[]): Cell;
}

export function columnsOf(table: Table | undefined): Columns {
  const header = (table?.[0] ?? []).map((h) => String(h ?? "").trim().toLowerCase());
  const index = (...keys: string[]) => keys.map((k) => header.indexOf(k)).find((i) => i >= 0) ?? -1;
  return {
    index,
    at: (row, ...keys) => {
      const j = index(...keys);
      return j >= 0 ? (row[j] ?? null) : null;
    },
  };
}
