/**
 * The page's finished results across a reload, as pure functions. The page shows each kind's
 * last result (explore, train, plan, ...) until a reload empties it, while the jobs' records stay
 * on the server: the page remembers which job gave each kind's result (the browser's storage,
 * through the adapter's settings) and, on load, reads those records again and shows the results
 * that ran on the dataset it found again. Excel needs none of this: its results are in its sheets.
 */
import type { JobKind, Role } from "../api/types";

/** Key of the page's remembered results (the browser adapter keeps it in localStorage). */
export const SETTING_RESULTS = "folio.results";

export interface ResultJob {
  id: string;
  kind: JobKind;
  table?: Role;
}

export interface ShownResults {
  /** the kind whose result came in last: shown first again */
  latest: JobKind;
  jobs: Partial<Record<JobKind, ResultJob>>;
}

const KINDS: readonly JobKind[] = ["explore", "train", "forecast", "plan", "scenarios", "score"];
const isKind = (v: unknown): v is JobKind => typeof v === "string" && (KINDS as readonly string[]).includes(v);
const isId = (v: unknown): v is string => typeof v === "string" && /^[A-Za-z0-9_-]{1,80}$/.test(v);

/** The remembered results with one more: `job` is now its kind's last result, and the latest. */
export function rememberResult(shown: ShownResults | undefined, job: ResultJob): ShownResults {
  return { latest: job.kind, jobs: { ...(shown?.jobs ?? {}), [job.kind]: { id: job.id, kind: job.kind, ...(job.table ? { table: job.table } : {}) } } };
}

/** Remembered results read back, or undefined for anything that is not one (a hand edit, an old shape). */
export function parseShownResults(raw: unknown): ShownResults | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const { latest, jobs } = raw as Record<string, unknown>;
  if (!isKind(latest) || !jobs || typeof jobs !== "object") return undefined;
  const kept: Partial<Record<JobKind, ResultJob>> = {};
  for (const [kind, job] of Object.entries(jobs as Record<string, unknown>)) {
    const j = job as Record<string, unknown> | null;
    if (isKind(kind) && j && isId(j.id) && j.kind === kind) kept[kind] = { id: j.id, kind, ...(typeof j.table === "string" ? { table: j.table as Role } : {}) };
  }
  return Object.keys(kept).length ? { latest, jobs: kept } : undefined;
}
