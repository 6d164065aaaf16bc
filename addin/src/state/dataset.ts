/**
 * The dataset the jobs run on, as pure functions: whether the mapped tables were sent, are being
 * read or sent, or changed since (then the next run sends them again). A dataset is identified by
 * the signature of the tables it was made from, so the same data is never uploaded twice.
 */
import { ROLES } from "../api/types";
import type { ProblemItem, Role, Table, Tables } from "../api/types";

export interface DatasetInfo {
  /** the server's id: for support and the API, not the label a planner reads */
  id: string;
  /** the name it was made under: the uploaded file's name, "Excel workbook" in Excel */
  name?: string;
  /** how many campaigns the history covers (distinct values of its campaign column) */
  campaigns?: number;
  /** the page: the sheet each table was read from (kept across a reload) */
  sheets?: Partial<Record<Role, string>>;
  signature: string;
  rows: Partial<Record<Role, number>>;
  /** what the server noticed in the data and took anyway (repeated rows, ids that do not sort in time, ...) */
  warnings?: (string | ProblemItem)[];
}

export type DatasetPhase = "idle" | "reading" | "uploading" | "ready" | "stale";

export interface DatasetState {
  dataset: DatasetInfo | null;
  phase: DatasetPhase;
}

export type DatasetEvent =
  | { type: "reading" }
  | { type: "uploading" }
  /** the tables are on the server: a new dataset, or the last one again (same signature) */
  | { type: "ready"; dataset?: DatasetInfo }
  /** reading or sending failed: back to the last dataset (now stale) or to none */
  | { type: "failed" }
  /** the mapping or the workbook changed: a ready dataset no longer matches the tables */
  | { type: "changed" };

export const NO_DATASET: DatasetState = { dataset: null, phase: "idle" };

export function datasetReducer(state: DatasetState, event: DatasetEvent): DatasetState {
  switch (event.type) {
    case "reading":
    case "uploading":
      return { ...state, phase: event.type };
    case "ready":
      return { dataset: event.dataset ?? state.dataset, phase: "ready" };
    case "failed":
      return state.phase === "reading" || state.phase === "uploading" ? { ...state, phase: state.dataset ? "stale" : "idle" } : state;
    case "changed":
      return state.phase === "ready" ? { ...state, phase: "stale" } : state;
  }
}

/** FNV-1a over the JSON of the tables: tells whether the data changed since the last dataset. */
export function signature(tables: Tables): string {
  const text = JSON.stringify(tables);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${(h >>> 0).toString(16)}-${text.length}`;
}

/** How many campaigns a history table covers: the distinct values of its `campaign` column (undefined without one). */
export function campaignCount(history: Table | undefined): number | undefined {
  const header = history?.[0];
  const at = header ? header.findIndex((h) => String(h ?? "").trim().toLowerCase() === "campaign") : -1;
  if (!history || at < 0) return undefined;
  const seen = new Set<string>();
  for (const row of history.slice(1)) {
    const v = row[at];
    if (v !== null && v !== undefined && String(v).trim() !== "") seen.add(String(v).trim());
  }
  return seen.size;
}

/**
 * The line under the Data card: what the next run will use, as the planner knows it (the
 * workbook's name, its campaigns and rows), never the server's id (the card shows that apart,
 * for support).
 */
export function datasetStatus(state: DatasetState, opts: { historyMapped: boolean; mode: "excel" | "browser" }): string {
  const { dataset, phase } = state;
  switch (phase) {
    case "reading":
      return "Reading the tables…";
    case "uploading":
      return "Sending the dataset…";
    case "ready":
      return dataset
        ? [
            dataset.name || "This data",
            ...(dataset.campaigns !== undefined ? [`${dataset.campaigns.toLocaleString("en-US")} ${dataset.campaigns === 1 ? "campaign" : "campaigns"}`] : []),
            ...ROLES.filter((r) => dataset.rows[r] !== undefined).map((r) => `${r.replace("_", " ")} ${dataset.rows[r]!.toLocaleString("en-US")} rows`),
          ].join(" · ")
        : "";
    case "stale":
      return "Data changed: a new dataset is created on the next run.";
    default:
      return opts.historyMapped
        ? "No dataset yet: it is created from these tables when you run a job."
        : opts.mode === "browser"
          ? "No data loaded."
          : "Map at least the history table.";
  }
}

/**
 * The warnings of the dataset the next run uses, as problem items (a bare text becomes the
 * message). None while the tables changed since: those warnings were about other data.
 */
export function datasetWarnings(state: DatasetState): ProblemItem[] {
  if (state.phase !== "ready" || !state.dataset?.warnings) return [];
  return state.dataset.warnings
    .map((w) => (typeof w === "string" ? { message: w } : w))
    .filter((w): w is ProblemItem => !!w && typeof w === "object" && !!(w.message || w.cell));
}

/**
 * Which table read from the workbook a problem is about: a scenario's own table
 * (`locks@<scenario>`, when the problem names its scenario and that scenario brought its own),
 * else the table it names. Undefined when that table was not read from the workbook.
 */
export function locateKey(item: ProblemItem, known: Record<string, unknown>): string | undefined {
  if (!item.table) return undefined;
  const own = typeof item.scenario === "string" ? `${item.table}@${item.scenario}` : undefined;
  if (own && known[own]) return own;
  return known[item.table] ? item.table : undefined;
}
