/**
 * The app's state and the flow of a job: map tables -> dataset -> job -> live progress ->
 * result. Talks to the workbook only through the adapter and to the server only through
 * the API client and the job socket.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ApiClient } from "../api/client";
import { ApiError, toProblem } from "../api/errors";
import type { ConnectionState, WatchHandlers } from "../api/jobSocket";
import { loadConnection, saveConnection } from "../api/settings";
import type { ConnectionSettings } from "../api/settings";
import { ROLES, isTerminal } from "../api/types";
import type {
  Cell,
  CountriesChoice,
  CountryOutcome,
  JobKind,
  JobProgress,
  JobRecord,
  JobRequest,
  JobStatus,
  ExploreResult,
  PlanResult,
  Problem,
  ProblemItem,
  Role,
  Table,
  Tables,
  TrainResult,
  WsProgressMessage,
} from "../api/types";
import { problemOffset } from "../office/a1";
import type { CellOrigin, SourceOption, TableSource, WorkbookAdapter } from "../office/adapter";
import { sourceFromKey, sourceKey } from "../office/adapter";
import type { BrowserAdapter } from "../office/browser";
import type { ConvergencePoint } from "./ConvergenceChart";
import { ConvergenceSink } from "./convergenceSink";
import { CONVERGENCE_CHART, METRIC_FORMATS, PLAN_FORMATS, exploreSheets, planSummaryBlocks, trainMetricsTable } from "./sheets";
import { DEFAULT_COUNTRIES, DEFAULT_SETTINGS, countriesInHistory, validateCountries, validateSettings } from "./planSettings";
import type { CountriesForm, SettingsErrors, SettingsField, SettingsForm } from "./planSettings";

export interface JobWatcher {
  watch(jobId: string, handlers: WatchHandlers): () => void;
  close(): void;
}

export interface FolioServices {
  createClient(conn: ConnectionSettings): ApiClient;
  createWatcher(api: ApiClient, onConnectionChange: (s: ConnectionState) => void): JobWatcher;
}

export type Mapping = Record<Role, TableSource | null>;

export interface DatasetInfo {
  id: string;
  signature: string;
  rows: Partial<Record<Role, number>>;
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

export interface FinishedResult {
  jobId: string;
  kind: JobKind;
  status: JobStatus;
  result: unknown;
}

type DatasetPhase = "idle" | "reading" | "uploading" | "ready" | "stale";

/** How often a multi-country plan's record is read for its "k of n countries finished". */
export const COUNTRY_POLL_MS = 2000;

const EMPTY_MAPPING: Mapping = { history: null, products: null, slots: null, category_limits: null };

/** Keys of what the pane remembers per workbook (document settings) or per browser (page). */
export const SETTING_MAPPING = "folio.mapping";
export const SETTING_JOB = "folio.job";

interface SavedJob {
  id: string;
  kind: JobKind;
  table?: Role;
}

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

function newKey(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function pointFrom(p: JobProgress | null | undefined): ConvergencePoint | undefined {
  if (!p || typeof p.generation !== "number") return undefined;
  if (p.phase && p.phase !== "plan") return undefined;
  return {
    generation: p.generation,
    best: typeof p.best === "number" ? p.best : null,
    mean: typeof p.mean === "number" ? p.mean : null,
  };
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

const countsFrom = (p: JobProgress | null | undefined): CountryCounts | undefined =>
  p && p.phase === "countries" && typeof p.countries === "number"
    ? { countries: p.countries, finished: Number(p.finished ?? 0), running: Number(p.running ?? 0) }
    : undefined;

function addPoint(points: ConvergencePoint[], pt: ConvergencePoint | undefined): ConvergencePoint[] {
  if (!pt) return points;
  const last = points[points.length - 1];
  if (last && last.generation === pt.generation) return [...points.slice(0, -1), pt];
  if (last && last.generation > pt.generation) return points;
  return [...points, pt];
}

export function useFolio(adapter: WorkbookAdapter, services: FolioServices) {
  const [connection, setConnection] = useState<ConnectionSettings>(() => loadConnection());
  const api = useMemo(() => services.createClient(connection), [services, connection]);
  const [health, setHealth] = useState<{ state: "checking" | "ok" | "down"; version?: string }>({ state: "checking" });
  const [socketState, setSocketState] = useState<ConnectionState>("idle");
  const watcherRef = useRef<JobWatcher | null>(null);

  const [sources, setSources] = useState<SourceOption[]>([]);
  const [mapping, setMapping] = useState<Mapping>(EMPTY_MAPPING);
  const [workbookName, setWorkbookName] = useState<string | undefined>();
  const [readRows, setReadRows] = useState<Partial<Record<Role, number>>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  const [dataset, setDataset] = useState<DatasetInfo | null>(null);
  const [datasetPhase, setDatasetPhase] = useState<DatasetPhase>("idle");
  const located = useRef<{ origins: Partial<Record<Role, CellOrigin>>; headers: Partial<Record<Role, Cell[]>> }>({
    origins: {},
    headers: {},
  });

  const [form, setForm] = useState<SettingsForm>(DEFAULT_SETTINGS);
  const [countriesForm, setCountriesForm] = useState<CountriesForm>(DEFAULT_COUNTRIES);
  /** The countries of the mapped history table (undefined: not read). */
  const [historyCountries, setHistoryCountries] = useState<string[] | undefined>(undefined);
  const [settingsErrors, setSettingsErrors] = useState<SettingsErrors>({});
  const [exploreTable, setExploreTable] = useState<Role>("history");

  const [job, setJob] = useState<JobView | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [results, setResults] = useState<Partial<Record<JobKind, FinishedResult>>>({});
  const [shownKind, setShownKind] = useState<JobKind | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const sinkRef = useRef<ConvergenceSink | null>(null);
  const stopWatch = useRef<(() => void) | null>(null);
  /** A multi-country plan: the watches of its children and the poll of its own record. */
  const stopCountries = useRef<(() => void) | null>(null);

  // ---------- connection ----------

  useEffect(() => {
    const watcher = services.createWatcher(api, setSocketState);
    watcherRef.current = watcher;
    let alive = true;
    setHealth({ state: "checking" });
    api.health().then(
      (h) => {
        if (!alive) return;
        setHealth({ state: "ok", version: typeof h?.version === "string" ? h.version : undefined });
        setProblem((p) => (p?.title === "Folio server not reachable" ? null : p));
      },
      (err) => {
        if (!alive) return;
        setHealth({ state: "down" });
        const p = toProblem(err);
        setProblem({
          ...p,
          title: "Folio server not reachable",
          detail:
            p.code === "unreachable"
              ? p.detail
              : `The Folio API did not answer at ${api.describeServer()} (GET /api/health: ${p.detail}). Start the server, or set its address under Server connection.`,
          code: p.code === "unreachable" ? "unreachable" : p.code,
        });
      },
    );
    return () => {
      alive = false;
      stopWatch.current?.();
      stopCountries.current?.();
      stopCountries.current = null;
      watcher.close();
      watcherRef.current = null;
    };
  }, [api, services]);

  const updateConnection = useCallback((next: ConnectionSettings) => {
    saveConnection(next);
    setConnection({ baseUrl: next.baseUrl.trim(), token: next.token.trim() });
  }, []);

  // ---------- data ----------

  const markStale = useCallback(() => {
    setDatasetPhase((p) => (p === "ready" ? "stale" : p));
  }, []);

  const refreshSources = useCallback(
    async (reset = false) => {
      try {
        const list = await adapter.listSources();
        setSources(list);
        setMapping((cur) => autoMap(list, reset ? EMPTY_MAPPING : cur));
        markStale();
      } catch (err) {
        setProblem(toProblem(err));
      }
    },
    [adapter, markStale],
  );

  // Excel: the mapping this workbook remembers, then the workbook's tables and sheets
  const mappingLoaded = useRef(false);
  const savedMapping = useRef("");
  useEffect(() => {
    if (adapter.kind !== "excel") return;
    let alive = true;
    void (async () => {
      try {
        const saved = await adapter.loadSetting<Record<string, string>>(SETTING_MAPPING);
        if (alive && saved && typeof saved === "object") {
          savedMapping.current = JSON.stringify(saved);
          const restored: Mapping = { ...EMPTY_MAPPING };
          for (const role of ROLES) restored[role] = typeof saved[role] === "string" ? sourceFromKey(saved[role]) : null;
          setMapping(restored);
        }
      } catch {
        // no settings (older Excel): start from names
      }
      if (!alive) return;
      mappingLoaded.current = true;
      await refreshSources();
    })();
    return () => {
      alive = false;
    };
  }, [adapter, refreshSources]);

  useEffect(() => {
    if (adapter.kind !== "excel" || !mappingLoaded.current) return;
    const keys = Object.fromEntries(ROLES.filter((r) => mapping[r]).map((r) => [r, sourceKey(mapping[r])]));
    const text = JSON.stringify(keys);
    if (text === savedMapping.current) return;
    savedMapping.current = text;
    adapter.saveSetting(SETTING_MAPPING, keys).catch(() => {
      // a read-only workbook: the choice lasts for this session
    });
  }, [adapter, mapping]);

  // The countries of the history table, for the Countries control. The page holds its workbook in
  // memory (cheap); in Excel the table is read only once the user asks for plans per country.
  const wantCountries = adapter.kind === "browser" || countriesForm.mode !== "one";
  useEffect(() => {
    const source = mapping.history;
    if (!source || !wantCountries) {
      if (!source) setHistoryCountries(undefined);
      return;
    }
    let alive = true;
    adapter.readTable(source).then(
      (read) => alive && setHistoryCountries(countriesInHistory(read.values)),
      () => alive && setHistoryCountries(undefined),
    );
    return () => {
      alive = false;
    };
  }, [adapter, mapping.history, sources, wantCountries]);

  const loadWorkbook = useCallback(
    async (what: string, get: () => Promise<{ sheets: Record<string, Table> }>, name: string) => {
      if (adapter.kind !== "browser") return;
      setBusy(what);
      setProblem(null);
      try {
        const { sheets } = await get();
        (adapter as BrowserAdapter).setWorkbook(sheets ?? {}, name);
        setWorkbookName(name);
        setReadRows({});
        await refreshSources(true);
      } catch (err) {
        setProblem(toProblem(err));
      } finally {
        setBusy(null);
      }
    },
    [adapter, refreshSources],
  );

  const loadDemo = useCallback(
    () =>
      loadWorkbook(
        "Loading the demo workbook…",
        async () => api.parseWorkbook(await api.demoWorkbook(), "workbook.xlsx"),
        "Demo workbook",
      ),
    [api, loadWorkbook],
  );

  const upload = useCallback(
    (file: File) => loadWorkbook(`Reading ${file.name}…`, () => api.parseWorkbook(file, file.name), file.name),
    [api, loadWorkbook],
  );

  const mapRole = useCallback(
    (role: Role, source: TableSource | null) => {
      setMapping((m) => ({ ...m, [role]: source }));
      markStale();
    },
    [markStale],
  );

  const pickSelection = useCallback(
    async (role: Role) => {
      if (!adapter.captureSelection) return;
      try {
        mapRole(role, await adapter.captureSelection());
      } catch (err) {
        setProblem(toProblem(err));
      }
    },
    [adapter, mapRole],
  );

  /** Read every mapped table; create a dataset when the data differs from the last one. */
  const ensureDataset = useCallback(async (): Promise<string> => {
    if (!mapping.history) {
      throw new ApiError({
        status: 0,
        code: "no_history",
        title: "No history table",
        detail:
          adapter.kind === "browser"
            ? "Load the demo workbook or upload a workbook, then choose the sheet that holds the sales history."
            : "Choose the table, sheet or selection that holds the sales history.",
      });
    }
    setDatasetPhase("reading");
    const tables: Tables = {};
    const origins: Partial<Record<Role, CellOrigin>> = {};
    const headers: Partial<Record<Role, Cell[]>> = {};
    const rows: Partial<Record<Role, number>> = {};
    for (const role of ROLES) {
      const source = mapping[role];
      if (!source) continue;
      const read = await adapter.readTable(source);
      tables[role] = read.values;
      if (read.origin) origins[role] = read.origin;
      headers[role] = read.values[0] ?? [];
      rows[role] = Math.max(0, read.values.length - 1);
    }
    located.current = { origins, headers };
    setReadRows(rows);
    setHistoryCountries(countriesInHistory(tables.history));
    const sig = signature(tables);
    if (dataset && dataset.signature === sig) {
      setDatasetPhase("ready");
      return dataset.id;
    }
    setDatasetPhase("uploading");
    const name = adapter.kind === "browser" ? workbookName ?? "Workbook" : "Excel workbook";
    const created = await api.createDataset(name, tables);
    const info = { id: created.id, signature: sig, rows };
    setDataset(info);
    setDatasetPhase("ready");
    return info.id;
  }, [adapter, api, dataset, mapping, workbookName]);

  // ---------- jobs ----------

  const writeResultRef = useRef<(kind: JobKind, result: unknown, table?: Role) => Promise<void>>(async () => {});

  const finish = useCallback(
    async (id: string, kind: JobKind, status: JobStatus, error?: Problem | null, table?: Role) => {
      stopWatch.current = null;
      stopCountries.current?.();
      stopCountries.current = null;
      setCancelling(false);
      let record: JobRecord | undefined;
      try {
        record = await api.getJob(id);
      } catch (err) {
        setProblem(toProblem(err));
      }
      const final = record && isTerminal(record.status) ? record.status : status;
      const planResult = kind === "plan" ? (record?.result as PlanResult | undefined) : undefined;
      const conv = pointsFromTable(planResult?.convergence);
      const outcomes = planResult?.countries;
      setJob((j) =>
        j && j.id === id
          ? {
              ...j,
              status: final,
              progress: record?.progress ?? j.progress,
              points: conv.length ? conv : j.points,
              ...(outcomes?.length ? { lines: linesFromResult(outcomes, j.lines) } : {}),
              ...(countsFrom(record?.progress) ? { counts: countsFrom(record?.progress) } : {}),
            }
          : j,
      );
      await sinkRef.current?.flush();
      sinkRef.current = null;
      if (final === "failed") {
        setProblem(record?.error ?? error ?? { title: "Job failed", detail: `The ${kind} job failed.`, code: "failed" });
      }
      if (record?.result) {
        setResults((r) => ({ ...r, [kind]: { jobId: id, kind, status: final, result: record!.result } }));
        setShownKind(kind);
        if (adapter.kind === "excel") await writeResultRef.current(kind, record.result, table);
      }
      if (!record || isTerminal(record.status)) adapter.saveSetting(SETTING_JOB, null).catch(() => {});
    },
    [adapter, api],
  );

  const countryChild = useRef<((child: string, country: string) => void) | null>(null);

  /**
   * A multi-country plan's own state: each country's child job is watched (from its first event)
   * for its final status, and the parent's record is polled for "k of n countries finished"
   * (the parent publishes no progress of its own). Returns the function that stops both.
   */
  const followCountries = useCallback(
    (parentId: string, watcher: JobWatcher) => {
      const stops = new Map<string, () => void>();
      const setLine = (country: string, patch: Partial<CountryLine>) =>
        setJob((j) =>
          j && j.id === parentId && j.lines
            ? { ...j, lines: { ...j.lines, [country]: { ...(j.lines[country] ?? { country, status: "waiting" }), ...patch } } }
            : j,
        );
      countryChild.current = (child, country) => {
        if (stops.has(child)) return;
        stops.set(
          child,
          watcher.watch(child, {
            onFinished: (status, error) => setLine(country, { status, ...(error?.detail ? { detail: error.detail } : {}) }),
          }),
        );
      };
      const timer = setInterval(() => {
        api.getJob(parentId).then(
          (rec) => {
            const counts = countsFrom(rec.progress);
            if (counts) setJob((j) => (j && j.id === parentId ? { ...j, counts } : j));
          },
          () => {}, // the socket (or the next poll) tells
        );
      }, COUNTRY_POLL_MS);
      return () => {
        clearInterval(timer);
        countryChild.current = null;
        for (const stop of stops.values()) stop();
      };
    },
    [api],
  );

  /** Follow a job live: progress, convergence rows into the workbook, then the result. */
  const attach = useCallback(
    (saved: SavedJob, created: Pick<JobRecord, "status" | "progress" | "countries">) => {
      const { kind } = saved;
      const created_id = saved.id;
      const countries = kind === "plan" && Array.isArray(created.countries) && created.countries.length ? created.countries : undefined;
      const view: JobView = {
        id: created_id,
        kind,
        status: created.status ?? "queued",
        progress: created.progress,
        points: [],
        ...(countries
          ? {
              countries,
              lines: Object.fromEntries(countries.map((c) => [c, { country: c, status: "waiting" as const }])),
              curves: {},
              counts: countsFrom(created.progress),
            }
          : {}),
      };
      setJob(view);
      sinkRef.current?.dispose();
      stopCountries.current?.();
      stopCountries.current = null;
      // one catalogue per country: live rows would be revised as countries catch up, so the
      // convergence sheet is written once, from the gathered result
        sinkRef.current =
          kind === "plan" && adapter.kind === "excel" && !countries
            ? new ConvergenceSink(adapter, {
                onError: (err) => setNotice(`Could not write convergence rows: ${toProblem(err).detail}`),
              })
            : null;
        stopWatch.current?.();
        const watcher = watcherRef.current;
        if (!watcher) throw new Error("The job socket is not ready.");
        if (countries) stopCountries.current = followCountries(created_id, watcher);
        stopWatch.current = watcher.watch(created_id, {
          onState: (rec) =>
            setJob((j) =>
              j && j.id === created_id
                ? countries
                  ? { ...j, status: rec.status, counts: countsFrom(rec.progress) ?? j.counts }
                  : { ...j, status: rec.status, progress: rec.progress ?? j.progress, points: addPoint(j.points, pointFrom(rec.progress)) }
                : j,
            ),
          onProgress: (msg) => {
            if (countries) {
              if (typeof msg.country === "string" && msg.country) {
                const child = typeof msg.child === "string" ? msg.child : undefined;
                if (child) countryChild.current?.(child, msg.country);
                setJob((j) => (j && j.id === created_id ? withCountryEvent(j, msg) : j));
              } else {
                // the model every country plans with, trained first when there is no champion
                setJob((j) => (j && j.id === created_id ? { ...j, status: j.status === "queued" ? "running" : j.status, progress: msg } : j));
              }
              return;
            }
            const pt = pointFrom(msg);
            if (pt && sinkRef.current)
              sinkRef.current.push([pt.generation, pt.best, pt.mean, typeof msg.feasible_share === "number" ? msg.feasible_share : null]);
            setJob((j) =>
              j && j.id === created_id
                ? { ...j, status: j.status === "queued" ? "running" : j.status, progress: msg, points: addPoint(j.points, pt) }
                : j,
            );
          },
          onFinished: (status, error) => void finish(created_id, kind, status, error, saved.table),
        });
    },
    [adapter, finish, followCountries],
  );

  const run = useCallback(
    async (kind: JobKind) => {
      setProblem(null);
      setNotice(null);
      let request: JobRequest;
      let settings;
      let countries: CountriesChoice | undefined;
      if (kind === "plan") {
        const checked = validateSettings(form);
        setSettingsErrors(checked.errors);
        if (!checked.settings) {
          setProblem({
            title: "Check the plan settings",
            detail: "Some plan settings are not valid: see the messages under the fields.",
            code: "invalid_settings",
          });
          return;
        }
        settings = checked.settings;
        const chosen = validateCountries(countriesForm, historyCountries);
        if (chosen.error) {
          setSettingsErrors((errs) => ({ ...errs, countries: chosen.error }));
          setProblem({
            title: "Check the plan settings",
            detail: "Some plan settings are not valid: see the messages under the fields.",
            code: "invalid_settings",
          });
          return;
        }
        countries = chosen.countries;
      }
      setBusy(`Starting ${kind}…`);
      try {
        const datasetId = await ensureDataset();
        if (kind === "plan") request = { kind, dataset: datasetId, settings: settings!, ...(countries ? { countries } : {}) };
        else if (kind === "explore") request = { kind, dataset: datasetId, table: exploreTable };
        else request = { kind: "train", dataset: datasetId };
        const created = await api.createJob(request!, newKey());
        const saved: SavedJob = { id: created.id, kind, ...(kind === "explore" ? { table: exploreTable } : {}) };
        adapter.saveSetting(SETTING_JOB, saved).catch(() => {});
        attach(saved, created);
      } catch (err) {
        const p = toProblem(err);
        setProblem(p);
        setDatasetPhase((ph) => (ph === "reading" || ph === "uploading" ? (dataset ? "stale" : "idle") : ph));
        if (p.code === "invalid_settings" && p.errors?.length) {
          const fieldErrors: SettingsErrors = {};
          for (const e of p.errors) if (e.column && e.column in DEFAULT_SETTINGS) fieldErrors[e.column as SettingsField] = e.message ?? "Not valid";
          setSettingsErrors(fieldErrors);
        }
        // an unknown country (the data changed since the list was read): under the Countries control
        const countryError = p.code === "invalid_job" ? p.errors?.find((e) => e.column === "countries") : undefined;
        if (countryError) setSettingsErrors((errs) => ({ ...errs, countries: countryError.message ?? p.detail ?? "Not valid" }));
      } finally {
        setBusy(null);
      }
    },
    [adapter, api, attach, countriesForm, dataset, ensureDataset, exploreTable, form, historyCountries],
  );

  const cancel = useCallback(async () => {
    if (!job) return;
    setCancelling(true);
    try {
      await api.cancelJob(job.id);
    } catch (err) {
      setCancelling(false);
      setProblem(toProblem(err));
    }
  }, [api, job]);

  const download = useCallback(
    async (jobId: string, kind: JobKind) => {
      try {
        const blob = await api.resultWorkbook(jobId);
        const url = URL.createObjectURL(blob);
        const a = document.createElement("a");
        a.href = url;
        a.download = `folio-${kind}-${jobId}.xlsx`;
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      } catch (err) {
        setProblem(toProblem(err));
      }
    },
    [api],
  );

  /** Results where planners want them: sheets with formatted tables and native charts. */
  const writeResult = useCallback(
    async (kind: JobKind, result: unknown, table?: Role) => {
      setBusy("Writing the results into the workbook…");
      try {
        if (kind === "plan") {
          const plan = result as PlanResult;
          if (plan.convergence?.length > 1)
            await adapter.writeTable("Folio Convergence", plan.convergence, { tableName: "FolioConvergence", activate: false, chart: CONVERGENCE_CHART });
          await adapter.writeReport("Folio Summary", planSummaryBlocks(plan), { activate: false });
          if (plan.plan?.length) await adapter.writeTable("Folio Plan", plan.plan, { tableName: "FolioPlan", numberFormats: PLAN_FORMATS });
          const perCountry = plan.countries?.length ? ", the countries side by side" : "";
          setNotice(
            adapter.kind === "excel"
              ? `The plan is on the sheet “Folio Plan”, totals${perCountry} and rules on “Folio Summary”.`
              : "Plan kept: download result.xlsx to open it in Excel.",
          );
        } else if (kind === "train") {
          await adapter.writeTable("Folio Models", trainMetricsTable(result as TrainResult), { tableName: "FolioModels", numberFormats: METRIC_FORMATS });
          setNotice("Model metrics are on the sheet “Folio Models”.");
        } else if (kind === "explore") {
          const sheets = Object.entries(exploreSheets(result as ExploreResult, table ?? "history"));
          for (const [i, [name, blocks]] of sheets.entries()) await adapter.writeReport(name, blocks, { activate: i === 0 });
          setNotice(`Explore results are on ${sheets.map(([n]) => `“${n}”`).join(", ")}.`);
        }
      } catch (err) {
        setProblem(toProblem(err));
      } finally {
        setBusy(null);
      }
    },
    [adapter],
  );
  writeResultRef.current = writeResult;

  const writePlan = useCallback((result: PlanResult) => writeResult("plan", result), [writeResult]);

  // Reopened pane or page: reattach to the job this workbook (or browser) was following.
  useEffect(() => {
    let alive = true;
    void (async () => {
      const saved = await adapter.loadSetting<SavedJob>(SETTING_JOB).catch(() => undefined);
      if (!alive || !saved || typeof saved.id !== "string") return;
      try {
        const rec = await api.getJob(saved.id);
        if (!alive) return;
        if (isTerminal(rec.status)) {
          setJob({ id: saved.id, kind: saved.kind, status: rec.status, progress: rec.progress, points: [] });
          await finish(saved.id, saved.kind, rec.status, rec.error, saved.table);
        } else {
          attach(saved, rec);
          setNotice(`Reattached to the running ${saved.kind} job ${saved.id}.`);
        }
      } catch (err) {
        if (alive && toProblem(err).code === "not_found") adapter.saveSetting(SETTING_JOB, null).catch(() => {});
      }
    })();
    return () => {
      alive = false;
    };
  }, [adapter, api, attach, finish]);

  const canLocate = useCallback(
    (item: ProblemItem) => !!item.table && !!located.current.origins[item.table as Role] && !!problemOffset(item, located.current.headers[item.table as Role]),
    [],
  );

  const goToCell = useCallback(
    async (item: ProblemItem) => {
      const role = item.table as Role;
      const origin = located.current.origins[role];
      const offset = problemOffset(item, located.current.headers[role]);
      if (!origin || !offset || !adapter.goToCell) return;
      try {
        await adapter.goToCell(origin, offset.row, offset.column);
      } catch (err) {
        setProblem(toProblem(err));
      }
    },
    [adapter],
  );

  const changeCountries = useCallback((next: CountriesForm) => {
    setCountriesForm(next);
    setSettingsErrors(({ countries: _drop, ...rest }) => rest);
  }, []);

  const changeSetting = useCallback(
    (field: SettingsField, value: string) => {
      const next = { ...form, [field]: value } as SettingsForm;
      setForm(next);
      // a field that showed an error is checked again, so the message goes as soon as it is fixed
      if (settingsErrors[field]) {
        const again = validateSettings(next).errors[field];
        setSettingsErrors((errs) => {
          const { [field]: _drop, ...rest } = errs;
          return again ? { ...rest, [field]: again } : rest;
        });
      }
    },
    [form, settingsErrors],
  );

  const rowCounts = useMemo(() => {
    const counts: Partial<Record<Role, number>> = {};
    for (const role of ROLES) {
      const src = mapping[role];
      if (!src) continue;
      const listed = sources.find((s) => sourceKey(s.source) === sourceKey(src));
      const n = listed?.rows ?? readRows[role];
      if (n !== undefined) counts[role] = n;
    }
    return counts;
  }, [mapping, sources, readRows]);

  const datasetStatus = (() => {
    switch (datasetPhase) {
      case "reading":
        return "Reading the tables…";
      case "uploading":
        return "Sending the dataset…";
      case "ready":
        return dataset
          ? `Dataset ${dataset.id} · ${ROLES.filter((r) => dataset.rows[r] !== undefined)
              .map((r) => `${r} ${dataset.rows[r]!.toLocaleString("en-US")} rows`)
              .join(" · ")}`
          : "";
      case "stale":
        return "Data changed: a new dataset is created on the next run.";
      default:
        return mapping.history
          ? "No dataset yet: it is created from these tables when you run a job."
          : adapter.kind === "browser"
            ? "No data loaded."
            : "Map at least the history table.";
    }
  })();

  return {
    mode: adapter.kind,
    connection,
    updateConnection,
    health,
    socketState,
    sources,
    mapping,
    mapRole,
    pickSelection,
    refreshSources,
    workbookName,
    rowCounts,
    busy,
    problem,
    setProblem,
    notice,
    setNotice,
    dataset,
    datasetStatus,
    form,
    settingsErrors,
    changeSetting,
    countriesForm,
    historyCountries,
    changeCountries,
    exploreTable,
    setExploreTable,
    job,
    cancelling,
    results,
    shownKind,
    setShownKind,
    loadDemo,
    upload,
    run,
    cancel,
    download,
    writePlan,
    writeResult,
    goToCell,
    canLocate,
  };
}

export type FolioState = ReturnType<typeof useFolio>;
