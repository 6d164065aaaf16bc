/**
 * Following one job: live progress from the socket (the children of a multi-country plan or of
 * a scenarios job too), its live writer into the workbook, cancel, the result when it ends, and
 * reattaching to the job a workbook (or browser) remembers when the pane is opened again. The
 * view itself is `state/job.ts`'s reducer; this hook wires the socket and the server to it.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { MutableRefObject } from "react";
import type { ApiClient } from "../api/client";
import { toProblem } from "../api/errors";
import { jobTitle } from "../components/format";
import { isTerminal } from "../api/types";
import type { JobKind, JobRecord, JobStatus, Problem, Role } from "../api/types";
import type { WorkbookAdapter } from "../office/adapter";
import type { LiveWriter } from "../results/kind";
import { resultKind } from "../results/registry";
import { childrenFrom, finalStatus, jobReducer, partsOf } from "../state/job";
import type { JobEvent, PartKey } from "../state/job";
import type { JobWatcher } from "./useConnection";
import { SETTING_DATASET, parseSavedDataset } from "../state/savedDataset";
import { SETTING_RESULTS, parseShownResults, rememberResult } from "../state/shownResults";

/** Key of the followed job in the workbook's settings (page: the browser's storage). */
export const SETTING_JOB = "folio.job";

/** How often a parent job's record (multi-country plan, scenarios) is read for its "k of n finished". */
export const COUNTRY_POLL_MS = 2000;

export interface SavedJob {
  id: string;
  kind: JobKind;
  table?: Role;
}

export interface FinishedResult {
  jobId: string;
  kind: JobKind;
  status: JobStatus;
  result: unknown;
  /** the table an explore job looked at */
  table?: Role;
  /** the dataset the job ran on (a score compares with a plan of the same dataset only) */
  dataset?: string;
  /** a multi-country plan (a score cannot compare with one) */
  countries?: boolean;
}

/** A finished job's result as the results panel holds it. */
function finishedResult(id: string, kind: JobKind, status: JobStatus, record: JobRecord, table?: Role): FinishedResult {
  const dataset = typeof (record as { dataset?: unknown }).dataset === "string" ? ((record as { dataset?: string }).dataset as string) : undefined;
  return {
    jobId: id,
    kind,
    status,
    result: record.result,
    ...(table ? { table } : {}),
    ...(dataset ? { dataset } : {}),
    ...(record.countries?.length ? { countries: true } : {}),
  };
}

/**
 * The page after a reload: each kind's last result again, read from its job's record, when that
 * job ran on the dataset the page found again (`SETTING_DATASET`) and the server still has it;
 * `skip` is the job being followed or finished now. The latest kind is shown; nothing is written
 * or announced (these are results the planner saw before).
 */
async function restoreResults(adapter: WorkbookAdapter, api: ApiClient, skip: string | undefined): Promise<{ results: Partial<Record<JobKind, FinishedResult>>; shown: JobKind | null } | undefined> {
  if (adapter.kind !== "browser") return undefined;
  const remembered = parseShownResults(await adapter.loadSetting(SETTING_RESULTS).catch(() => undefined));
  const dataset = parseSavedDataset(await adapter.loadSetting(SETTING_DATASET).catch(() => undefined));
  if (!remembered || !dataset) return undefined;
  const results: Partial<Record<JobKind, FinishedResult>> = {};
  for (const job of Object.values(remembered.jobs)) {
    if (!job || job.id === skip) continue;
    try {
      const record = await api.getJob(job.id);
      if (isTerminal(record.status) && record.result && (record as { dataset?: unknown }).dataset === dataset.id)
        results[job.kind] = finishedResult(job.id, job.kind, record.status, record, job.table);
    } catch {
      // gone from the server (or unreachable now): not shown
    }
  }
  const kinds = Object.keys(results) as JobKind[];
  if (!kinds.length) return undefined;
  return { results, shown: results[remembered.latest] ? remembered.latest : kinds[0] };
}

export interface JobHandlers {
  setProblem(p: Problem | null): void;
  setNotice(text: string | null): void;
  /** Excel: a finished job's result goes into the workbook without asking */
  writeResult(finished: FinishedResult): Promise<void>;
}

export function useJob(adapter: WorkbookAdapter, api: ApiClient, watcherRef: MutableRefObject<JobWatcher | null>, handlers: JobHandlers) {
  const [job, dispatch] = useReducer(jobReducer, null);
  const [cancelling, setCancelling] = useState(false);
  const [results, setResults] = useState<Partial<Record<JobKind, FinishedResult>>>({});
  const [shownKind, setShownKind] = useState<JobKind | null>(null);
  /** the result that came in last: brought into view and announced */
  const [latest, setLatest] = useState<FinishedResult | null>(null);
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const liveRef = useRef<LiveWriter | null>(null);
  const stopWatch = useRef<(() => void) | null>(null);
  /** A parent job (countries, scenarios): the watches of its children and the poll of its own record. */
  const stopCountries = useRef<(() => void) | null>(null);
  const partChild = useRef<((child: string, part: string) => void) | null>(null);

  // a new server (or unmount): what was followed through the old socket stops
  useEffect(
    () => () => {
      stopWatch.current?.();
      stopCountries.current?.();
      stopCountries.current = null;
    },
    [api],
  );

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
        handlersRef.current.setProblem(toProblem(err));
      }
      const final = finalStatus(status, record);
      dispatch({ type: "finished", id, status: final, record });
      await liveRef.current?.flush();
      liveRef.current = null;
      if (final === "failed") {
        handlersRef.current.setProblem(record?.error ?? error ?? { title: "Job failed", detail: `The ${kind} job failed.`, code: "failed" });
      }
      if (record?.result) {
        const finished = finishedResult(id, kind, final, record, table);
        setResults((r) => ({ ...r, [kind]: finished }));
        setShownKind(kind);
        setLatest(finished);
        if (adapter.kind === "excel") await handlersRef.current.writeResult(finished);
        else {
          // the page: this kind's result shown again after a reload (state/shownResults)
          const shown = parseShownResults(await adapter.loadSetting(SETTING_RESULTS).catch(() => undefined));
          adapter.saveSetting(SETTING_RESULTS, rememberResult(shown, { id, kind, ...(table ? { table } : {}) })).catch(() => {});
        }
      }
      if (!record || isTerminal(record.status)) adapter.saveSetting(SETTING_JOB, null).catch(() => {});
    },
    [adapter, api],
  );

  /**
   * A parent job's own state (a multi-country plan, a scenarios job): each part's child job is
   * watched (from its first event, or from the parent's record) for its final status and its
   * reason, and the parent's record is polled for "k of n finished" and each part's status (the
   * parent publishes no progress of its own). Returns the function that stops both.
   */
  const followParts = useCallback(
    (parentId: string, key: PartKey, watcher: JobWatcher) => {
      const stops = new Map<string, () => void>();
      partChild.current = (child, part) => {
        if (stops.has(child)) return;
        stops.set(
          child,
          watcher.watch(child, {
            onFinished: (status, error) =>
              dispatch({ type: "part_finished", id: parentId, part, status, ...(error?.detail ? { detail: error.detail } : {}) }),
          }),
        );
      };
      const timer = setInterval(() => {
        api.getJob(parentId).then(
          (rec) => {
            dispatch({ type: "parent_record", id: parentId, progress: rec.progress });
            for (const c of childrenFrom(rec.progress, key)) partChild.current?.(c.child, c.name);
          },
          () => {}, // the socket (or the next poll) tells
        );
      }, COUNTRY_POLL_MS);
      return () => {
        clearInterval(timer);
        partChild.current = null;
        for (const stop of stops.values()) stop();
      };
    },
    [api],
  );

  /** Follow a job live: progress, its live writer into the workbook, then the result. */
  const attach = useCallback(
    (saved: SavedJob, created: Pick<JobRecord, "status" | "progress" | "countries" | "scenarios">) => {
      const { id, kind } = saved;
      const parts = partsOf(kind, created);
      const countries = parts?.key === "country" ? parts.names : undefined;
      dispatch({ type: "attached", id, kind, record: created });
      liveRef.current?.dispose();
      stopCountries.current?.();
      stopCountries.current = null;
      liveRef.current =
        resultKind(kind)?.live?.(adapter, { countries }, (err) =>
          handlersRef.current.setNotice(`Could not write convergence rows: ${toProblem(err).detail}`),
        ) ?? null;
      stopWatch.current?.();
      const watcher = watcherRef.current;
      if (!watcher) throw new Error("The job socket is not ready.");
      if (parts) {
        stopCountries.current = followParts(id, parts.key, watcher);
        // reattached: the children the parent's record already names
        for (const c of childrenFrom(created.progress, parts.key)) partChild.current?.(c.child, c.name);
      }
      const send = (event: JobEvent) => dispatch(event);
      stopWatch.current = watcher.watch(id, {
        onState: (record) => send({ type: "record", id, record }),
        onProgress: (message) => {
          if (parts) {
            const child = typeof message.child === "string" ? message.child : undefined;
            const part = message[parts.key];
            if (child && typeof part === "string" && part) partChild.current?.(child, part);
          } else liveRef.current?.push(message);
          send({ type: "progress", id, message });
        },
        onFinished: (status, error) => void finish(id, kind, status, error, saved.table),
      });
    },
    [adapter, finish, followParts, watcherRef],
  );

  const cancel = useCallback(async () => {
    if (!job) return;
    setCancelling(true);
    try {
      await api.cancelJob(job.id);
    } catch (err) {
      setCancelling(false);
      handlersRef.current.setProblem(toProblem(err));
    }
  }, [api, job]);

  /** A job just created: remembered by the workbook (or browser), then followed. */
  const follow = useCallback(
    (saved: SavedJob, created: Pick<JobRecord, "status" | "progress" | "countries" | "scenarios">) => {
      adapter.saveSetting(SETTING_JOB, saved).catch(() => {});
      attach(saved, created);
    },
    [adapter, attach],
  );

  // Reopened pane or page: reattach to the job this workbook (or browser) was following.
  useEffect(() => {
    let alive = true;
    void (async () => {
      const saved = await adapter.loadSetting<SavedJob>(SETTING_JOB).catch(() => undefined);
      const restored = await restoreResults(adapter, api, saved?.id);
      if (!alive) return;
      if (restored) {
        // the results the page showed before the reload; a job that ends now adds its own
        setResults((r) => ({ ...restored.results, ...r }));
        setShownKind((k) => k ?? restored.shown);
      }
      if (!saved || typeof saved.id !== "string") return;
      try {
        const rec = await api.getJob(saved.id);
        if (!alive) return;
        if (isTerminal(rec.status)) {
          dispatch({ type: "found_finished", id: saved.id, kind: saved.kind, record: rec });
          await finish(saved.id, saved.kind, rec.status, rec.error, saved.table);
        } else {
          attach(saved, rec);
          const title = jobTitle(saved.kind, rec.created_at);
          handlersRef.current.setNotice(`Reattached to the ${title[0].toLowerCase()}${title.slice(1)}: still running.`);
        }
      } catch (err) {
        if (alive && toProblem(err).code === "not_found") adapter.saveSetting(SETTING_JOB, null).catch(() => {});
      }
    })();
    return () => {
      alive = false;
    };
  }, [adapter, api, attach, finish]);

  return { job, cancelling, results, shownKind, setShownKind, latest, follow, cancel };
}
