/**
 * The followed job as the pane shows it, as pure functions: state in, event in, state out.
 * `jobReducer` folds every event of a job's life (created, record polled, progress, a country's
 * end, the gathered result) into one `JobView`; the hook only wires the socket to it. Events of
 * another job than the one shown are ignored, so a late message of an old job changes nothing.
 */
import { isTerminal } from "../api/types";
import type { Cell, CountryOutcome, JobKind, JobProgress, JobRecord, JobStatus, PlanResult, Table, WsProgressMessage } from "../api/types";

export interface ConvergencePoint {
  generation: number;
  best: number | null;
  mean: number | null;
}

/** One country of a running multi-country plan, from the events re-published for its child job. */
export interface CountryLine {
  country: string;
  /** "waiting" until its first event (queued behind other countries, or the model is training) */
  status: JobStatus | "waiting";
  child?: string;
  generation?: number;
  of?: number;
  best?: number | null;
  mean?: number | null;
  feasible_share?: number | null;
  detail?: string;
}

/** The parent job's own progress record: how many countries are done. */
export interface CountryCounts {
  countries: number;
  finished: number;
  running: number;
}

export interface JobView {
  id: string;
  kind: JobKind;
  status: JobStatus;
  progress?: JobProgress | null;
  points: ConvergencePoint[];
  /** multi-country plans only */
  countries?: string[];
  lines?: Record<string, CountryLine>;
  curves?: Record<string, ConvergencePoint[]>;
  counts?: CountryCounts;
}

export type JobEvent =
  /** a job was created (or found running again): a fresh view */
  | { type: "attached"; id: string; kind: JobKind; record: Pick<JobRecord, "status" | "progress" | "countries"> }
  /** a job found already finished when the pane reopened */
  | { type: "found_finished"; id: string; kind: JobKind; record: Pick<JobRecord, "status" | "progress"> }
  /** the job's record (socket state message or a poll) */
  | { type: "record"; id: string; record: Pick<JobRecord, "status" | "progress"> }
  | { type: "progress"; id: string; message: WsProgressMessage }
  /** one country's child job ended */
  | { type: "country_finished"; id: string; country: string; status: JobStatus; detail?: string }
  /** the parent's "k of n countries finished", read from its record */
  | { type: "counts"; id: string; counts: CountryCounts }
  /** the job ended: its final record when it could be read */
  | { type: "finished"; id: string; status: JobStatus; record?: JobRecord };

export function pointFrom(p: JobProgress | null | undefined): ConvergencePoint | undefined {
  if (!p || typeof p.generation !== "number") return undefined;
  if (p.phase && p.phase !== "plan") return undefined;
  return {
    generation: p.generation,
    best: typeof p.best === "number" ? p.best : null,
    mean: typeof p.mean === "number" ? p.mean : null,
  };
}

/** A point appended, or replacing the last one of the same generation; an older one is dropped. */
export function addPoint(points: ConvergencePoint[], pt: ConvergencePoint | undefined): ConvergencePoint[] {
  if (!pt) return points;
  const last = points[points.length - 1];
  if (last && last.generation === pt.generation) return [...points.slice(0, -1), pt];
  if (last && last.generation > pt.generation) return points;
  return [...points, pt];
}

/** The result's convergence table (generation, best, mean, ...) as chart points. */
export function pointsFromTable(table: Table | undefined): ConvergencePoint[] {
  if (!Array.isArray(table) || table.length < 2) return [];
  const header = table[0].map((h) => String(h ?? "").toLowerCase());
  const [g, b, m] = ["generation", "best", "mean"].map((k) => header.indexOf(k));
  if (g < 0) return [];
  const num = (v: Cell | undefined) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  return table
    .slice(1)
    .filter((r) => typeof r[g] === "number")
    .map((r) => ({ generation: r[g] as number, best: b >= 0 ? num(r[b]) : null, mean: m >= 0 ? num(r[m]) : null }));
}

/**
 * A multi-country plan's live chart: best and mean summed over the countries that have started,
 * generation by generation; a country that is behind (or done) counts with its last value, as
 * the server's gathered convergence table does. Recomputed from the curves on every event.
 */
export function combinedPoints(curves: Record<string, ConvergencePoint[]>): ConvergencePoint[] {
  const lists = Object.values(curves).filter((c) => c.length > 0);
  if (lists.length === 0) return [];
  const generations = [...new Set(lists.flatMap((c) => c.map((p) => p.generation)))].sort((a, b) => a - b);
  const at = lists.map(() => 0);
  return generations.map((g) => {
    let best = 0;
    let mean = 0;
    let bestKnown = false;
    let meanKnown = false;
    lists.forEach((list, i) => {
      while (at[i] + 1 < list.length && list[at[i] + 1].generation <= g) at[i] += 1;
      const p = list[at[i]];
      if (p.generation > g) return; // not started at g
      if (typeof p.best === "number") (best += p.best), (bestKnown = true);
      if (typeof p.mean === "number") (mean += p.mean), (meanKnown = true);
    });
    return { generation: g, best: bestKnown ? best : null, mean: meanKnown ? mean : null };
  });
}

export const countsFrom = (p: JobProgress | null | undefined): CountryCounts | undefined =>
  p && p.phase === "countries" && typeof p.countries === "number"
    ? { countries: p.countries, finished: Number(p.finished ?? 0), running: Number(p.running ?? 0) }
    : undefined;

/** The countries of a multi-country plan's record (undefined: one catalogue). */
export function countriesOf(kind: JobKind, record: Pick<JobRecord, "countries">): string[] | undefined {
  return kind === "plan" && Array.isArray(record.countries) && record.countries.length ? record.countries : undefined;
}

/** A new view of a job that was just created or found running. */
export function attachedView(id: string, kind: JobKind, record: Pick<JobRecord, "status" | "progress" | "countries">): JobView {
  const countries = countriesOf(kind, record);
  return {
    id,
    kind,
    status: record.status ?? "queued",
    progress: record.progress,
    points: [],
    ...(countries
      ? {
          countries,
          lines: Object.fromEntries(countries.map((c) => [c, { country: c, status: "waiting" as const }])),
          curves: {},
          counts: countsFrom(record.progress),
        }
      : {}),
  };
}

/** A country's event folded into the job view (line, curve, summed chart points). */
function withCountryEvent(j: JobView, msg: WsProgressMessage): JobView {
  const country = String(msg.country);
  const old = j.lines?.[country] ?? { country, status: "waiting" as const };
  const pt = pointFrom(msg);
  const line: CountryLine = {
    ...old,
    status: old.status === "waiting" || old.status === "queued" ? "running" : old.status,
    child: typeof msg.child === "string" ? msg.child : old.child,
    ...(typeof msg.generation === "number" ? { generation: msg.generation } : {}),
    ...(typeof msg.of === "number" ? { of: msg.of } : {}),
    ...(pt ? { best: pt.best, mean: pt.mean } : {}),
    ...(typeof msg.feasible_share === "number" ? { feasible_share: msg.feasible_share } : {}),
  };
  const curves = pt ? { ...j.curves, [country]: addPoint(j.curves?.[country] ?? [], pt) } : j.curves ?? {};
  return {
    ...j,
    status: j.status === "queued" ? "running" : j.status,
    lines: { ...j.lines, [country]: line },
    curves,
    points: pt ? combinedPoints(curves) : j.points,
  };
}

/** The final per-country state from the gathered result. */
function linesFromResult(countries: CountryOutcome[], old: Record<string, CountryLine> = {}): Record<string, CountryLine> {
  const lines: Record<string, CountryLine> = { ...old };
  for (const c of countries) {
    const prev = lines[c.country] ?? { country: c.country, status: c.status };
    lines[c.country] = {
      ...prev,
      status: c.status,
      ...(typeof c.generations_run === "number" ? { generation: c.generations_run } : {}),
      ...(typeof c.objective === "number" ? { best: c.objective } : {}),
      ...(c.error?.detail ? { detail: c.error.detail } : {}),
    };
  }
  return lines;
}

const running = (s: JobStatus): JobStatus => (s === "queued" ? "running" : s);

function progressed(j: JobView, msg: WsProgressMessage): JobView {
  if (j.countries) {
    if (typeof msg.country === "string" && msg.country) return withCountryEvent(j, msg);
    // the model every country plans with, trained first when there is no champion
    return { ...j, status: running(j.status), progress: msg };
  }
  return { ...j, status: running(j.status), progress: msg, points: addPoint(j.points, pointFrom(msg)) };
}

function finished(j: JobView, status: JobStatus, record: JobRecord | undefined): JobView {
  const planResult = j.kind === "plan" ? (record?.result as PlanResult | undefined) : undefined;
  const conv = pointsFromTable(planResult?.convergence);
  const outcomes = planResult?.countries;
  const counts = countsFrom(record?.progress);
  return {
    ...j,
    status,
    progress: record?.progress ?? j.progress,
    points: conv.length ? conv : j.points,
    ...(outcomes?.length ? { lines: linesFromResult(outcomes, j.lines) } : {}),
    ...(counts ? { counts } : {}),
  };
}

/** One event of a job's life folded into the view. */
export function jobReducer(view: JobView | null, event: JobEvent): JobView | null {
  if (event.type === "attached") return attachedView(event.id, event.kind, event.record);
  if (event.type === "found_finished")
    return { id: event.id, kind: event.kind, status: event.record.status, progress: event.record.progress, points: [] };
  if (!view || view.id !== event.id) return view;
  switch (event.type) {
    case "record":
      return view.countries
        ? { ...view, status: event.record.status, counts: countsFrom(event.record.progress) ?? view.counts }
        : {
            ...view,
            status: event.record.status,
            progress: event.record.progress ?? view.progress,
            points: addPoint(view.points, pointFrom(event.record.progress)),
          };
    case "progress":
      return progressed(view, event.message);
    case "country_finished": {
      if (!view.lines) return view;
      const old = view.lines[event.country] ?? { country: event.country, status: "waiting" as const };
      const line = { ...old, status: event.status, ...(event.detail ? { detail: event.detail } : {}) };
      return { ...view, lines: { ...view.lines, [event.country]: line } };
    }
    case "counts":
      return { ...view, counts: event.counts };
    case "finished":
      return finished(view, event.status, event.record);
  }
}

/** The status a finished job ends with: the record's when it is final, else the event's. */
export function finalStatus(status: JobStatus, record: Pick<JobRecord, "status"> | undefined): JobStatus {
  return record && isTerminal(record.status) ? record.status : status;
}

export const isActive = (view: JobView | null): boolean => !!view && (view.status === "queued" || view.status === "running");
