/**
 * The followed job as the pane shows it, as pure functions: state in, event in, state out.
 * `jobReducer` folds every event of a job's life (created, record polled, progress, a part's end
 * (a country's, a scenario's), the gathered result) into one `JobView`; the hook only wires the socket to it. Events of
 * another job than the one shown are ignored, so a late message of an old job changes nothing.
 */
import { isTerminal } from "../api/types";
import type { Cell, JobKind, JobProgress, JobRecord, JobStatus, PlanResult, ScenariosResult, Table, WsProgressMessage } from "../api/types";

export interface ConvergencePoint {
  generation: number;
  best: number | null;
  mean: number | null;
}

/**
 * A job that fans out into child jobs: a multi-country plan (one per country) or a scenarios
 * job (one plan per scenario). The children's events come re-published on the parent, each
 * naming its part under this key (`country` or `scenario`).
 */
export type PartKey = "country" | "scenario";

/** One part of a running parent job, from the events re-published for its child job. */
export interface PartLine {
  name: string;
  /** "waiting" until its first event (queued behind other parts, or the model is training) */
  status: JobStatus | "waiting";
  child?: string;
  generation?: number;
  of?: number;
  best?: number | null;
  mean?: number | null;
  feasible_share?: number | null;
  detail?: string;
}

/** The parent job's own progress record: how many parts are done. */
export interface PartCounts {
  total: number;
  finished: number;
  running: number;
}

export interface JobView {
  /** the server's id: for the API and support, not the label (see startedAt) */
  id: string;
  kind: JobKind;
  /** when the server took the job (its record's created_at): the job's label, "Plan started 14:02" */
  startedAt?: string | null;
  status: JobStatus;
  progress?: JobProgress | null;
  points: ConvergencePoint[];
  /** parent jobs only: their parts (countries, scenarios), in order, and what they are */
  parts?: string[];
  partKey?: PartKey;
  lines?: Record<string, PartLine>;
  curves?: Record<string, ConvergencePoint[]>;
  counts?: PartCounts;
}

type Attachable = Pick<JobRecord, "status" | "progress" | "countries" | "scenarios" | "created_at">;

export type JobEvent =
  /** a job was created (or found running again): a fresh view */
  | { type: "attached"; id: string; kind: JobKind; record: Attachable }
  /** a job found already finished when the pane reopened */
  | { type: "found_finished"; id: string; kind: JobKind; record: Pick<JobRecord, "status" | "progress" | "created_at"> }
  /** the job's record (socket state message or a poll) */
  | { type: "record"; id: string; record: Pick<JobRecord, "status" | "progress"> }
  | { type: "progress"; id: string; message: WsProgressMessage }
  /** one part's child job ended */
  | { type: "part_finished"; id: string; part: string; status: JobStatus; detail?: string }
  /** the parent's record, polled: "k of n finished" and each part's child and status */
  | { type: "parent_record"; id: string; progress: JobProgress | null | undefined }
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

/** A parent's progress record ({"phase": "countries" | "scenarios", <phase>: n, finished, running, children}). */
export function countsFrom(p: JobProgress | null | undefined): PartCounts | undefined {
  if (!p || (p.phase !== "countries" && p.phase !== "scenarios")) return undefined;
  const total = p[p.phase];
  return typeof total === "number" ? { total, finished: Number(p.finished ?? 0), running: Number(p.running ?? 0) } : undefined;
}

/** Each part's child job and status from a parent's progress record (what a reopened pane starts from). */
export function childrenFrom(p: JobProgress | null | undefined, key: PartKey): { name: string; child: string; status: JobStatus }[] {
  const list = p && Array.isArray(p.children) ? (p.children as Record<string, unknown>[]) : [];
  return list
    .filter((c) => c && typeof c[key] === "string" && typeof c.job === "string" && typeof c.status === "string")
    .map((c) => ({ name: c[key] as string, child: c.job as string, status: c.status as JobStatus }));
}

/** The parts of a parent job's record: a multi-country plan's countries, a scenarios job's scenarios. */
export function partsOf(kind: JobKind, record: Pick<JobRecord, "countries" | "scenarios">): { key: PartKey; names: string[] } | undefined {
  if (kind === "plan" && Array.isArray(record.countries) && record.countries.length) return { key: "country", names: record.countries };
  if (kind === "scenarios" && Array.isArray(record.scenarios) && record.scenarios.length)
    return { key: "scenario", names: record.scenarios.map((s, i) => (typeof s?.name === "string" ? s.name : `Scenario ${i + 1}`)) };
  return undefined;
}

/** The countries of a multi-country plan's record (undefined: one catalogue). */
export function countriesOf(kind: JobKind, record: Pick<JobRecord, "countries">): string[] | undefined {
  const parts = partsOf(kind, record);
  return parts?.key === "country" ? parts.names : undefined;
}

/** A new view of a job that was just created or found running. */
export function attachedView(id: string, kind: JobKind, record: Attachable): JobView {
  const parts = partsOf(kind, record);
  const view: JobView = { id, kind, status: record.status ?? "queued", progress: record.progress, points: [], startedAt: record.created_at };
  if (!parts) return view;
  const lines = Object.fromEntries(parts.names.map((c) => [c, { name: c, status: "waiting" as const }]));
  return withChildren(
    { ...view, parts: parts.names, partKey: parts.key, lines, curves: {}, counts: countsFrom(record.progress) },
    record.progress,
  );
}

const ORDER: Record<PartLine["status"], number> = { waiting: 0, queued: 1, running: 2, succeeded: 3, failed: 3, cancelled: 3 };

/** The parent record's children folded into the lines: a line only moves forward (waiting → running → done). */
function withChildren(j: JobView, progress: JobProgress | null | undefined): JobView {
  if (!j.partKey || !j.lines) return j;
  const children = childrenFrom(progress, j.partKey);
  if (!children.length) return j;
  const lines = { ...j.lines };
  for (const c of children) {
    const old = lines[c.name] ?? { name: c.name, status: "waiting" as const };
    lines[c.name] = { ...old, child: c.child, status: ORDER[c.status] > ORDER[old.status] ? c.status : old.status };
  }
  return { ...j, lines };
}

/** A part's event folded into the job view (line, curve, and for countries the summed chart points). */
function withPartEvent(j: JobView, msg: WsProgressMessage): JobView {
  const name = String(msg[j.partKey!]);
  const old = j.lines?.[name] ?? { name, status: "waiting" as const };
  const pt = pointFrom(msg);
  const line: PartLine = {
    ...old,
    status: old.status === "waiting" || old.status === "queued" ? "running" : old.status,
    child: typeof msg.child === "string" ? msg.child : old.child,
    ...(typeof msg.generation === "number" ? { generation: msg.generation } : {}),
    ...(typeof msg.of === "number" ? { of: msg.of } : {}),
    ...(pt ? { best: pt.best, mean: pt.mean } : {}),
    ...(typeof msg.feasible_share === "number" ? { feasible_share: msg.feasible_share } : {}),
  };
  const curves = pt ? { ...j.curves, [name]: addPoint(j.curves?.[name] ?? [], pt) } : j.curves ?? {};
  return {
    ...j,
    status: j.status === "queued" ? "running" : j.status,
    lines: { ...j.lines, [name]: line },
    curves,
    // countries add up to one catalogue; scenarios are alternatives, never summed
    points: pt && j.partKey === "country" ? combinedPoints(curves) : j.points,
  };
}

/** A finished part from the gathered result (a country's outcome or a scenario's). */
interface PartOutcome {
  name: string;
  status: JobStatus;
  generations_run?: number | null;
  objective?: number | null;
  error?: { detail?: string | null } | null;
}

function outcomesOf(j: JobView, record: JobRecord | undefined): PartOutcome[] {
  const result = record?.result as (PlanResult & ScenariosResult) | undefined;
  if (!result) return [];
  if (j.partKey === "country") return (result.countries ?? []).map((c) => ({ ...c, name: c.country }));
  if (j.partKey === "scenario") return (result.scenarios ?? []).map((s) => ({ ...s, name: s.scenario }));
  return [];
}

/** The final state of each part from the gathered result. */
function linesFromResult(outcomes: PartOutcome[], old: Record<string, PartLine> = {}): Record<string, PartLine> {
  const lines: Record<string, PartLine> = { ...old };
  for (const c of outcomes) {
    const prev = lines[c.name] ?? { name: c.name, status: c.status };
    lines[c.name] = {
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
  if (j.partKey) {
    const part = msg[j.partKey];
    if (typeof part === "string" && part) return withPartEvent(j, msg);
    // the model every part plans with, trained first when there is no champion
    return { ...j, status: running(j.status), progress: msg };
  }
  return { ...j, status: running(j.status), progress: msg, points: addPoint(j.points, pointFrom(msg)) };
}

function finished(j: JobView, status: JobStatus, record: JobRecord | undefined): JobView {
  const planResult = j.kind === "plan" ? (record?.result as PlanResult | undefined) : undefined;
  const conv = pointsFromTable(planResult?.convergence);
  const outcomes = outcomesOf(j, record);
  const counts = countsFrom(record?.progress);
  return {
    ...j,
    status,
    progress: record?.progress ?? j.progress,
    points: conv.length ? conv : j.points,
    ...(outcomes.length ? { lines: linesFromResult(outcomes, j.lines) } : {}),
    ...(counts ? { counts } : {}),
  };
}

/** One event of a job's life folded into the view. */
export function jobReducer(view: JobView | null, event: JobEvent): JobView | null {
  if (event.type === "attached") return attachedView(event.id, event.kind, event.record);
  if (event.type === "found_finished")
    return { id: event.id, kind: event.kind, status: event.record.status, progress: event.record.progress, points: [], startedAt: event.record.created_at };
  if (!view || view.id !== event.id) return view;
  switch (event.type) {
    case "record":
      return view.partKey
        ? withChildren({ ...view, status: event.record.status, counts: countsFrom(event.record.progress) ?? view.counts }, event.record.progress)
        : {
            ...view,
            status: event.record.status,
            progress: event.record.progress ?? view.progress,
            points: addPoint(view.points, pointFrom(event.record.progress)),
          };
    case "progress":
      return progressed(view, event.message);
    case "part_finished": {
      if (!view.lines) return view;
      const old = view.lines[event.part] ?? { name: event.part, status: "waiting" as const };
      const line = { ...old, status: event.status, ...(event.detail ? { detail: event.detail } : {}) };
      return { ...view, lines: { ...view.lines, [event.part]: line } };
    }
    case "parent_record":
      return withChildren({ ...view, counts: countsFrom(event.progress) ?? view.counts }, event.progress);
    case "finished":
      return finished(view, event.status, event.record);
  }
}

/** The status a finished job ends with: the record's when it is final, else the event's. */
export function finalStatus(status: JobStatus, record: Pick<JobRecord, "status"> | undefined): JobStatus {
  return record && isTerminal(record.status) ? record.status : status;
}

export const isActive = (view: JobView | null): boolean => !!view && (view.status === "queued" || view.status === "running");
