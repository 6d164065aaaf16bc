/**
 * The connection to the Folio server: its address and token (remembered per browser), the API
 * client made from them, whether the server answers, and the one job socket every watch shares.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ApiClient } from "../api/client";
import { toProblem } from "../api/errors";
import type { ConnectionState, WatchHandlers } from "../api/jobSocket";
import { loadConnection, saveConnection } from "../api/settings";
import type { ConnectionSettings } from "../api/settings";
import type { Problem } from "../api/types";

export interface JobWatcher {
  watch(jobId: string, handlers: WatchHandlers): () => void;
  close(): void;
}

/** How the app reaches a server: swapped for fakes in tests. */
export interface FolioServices {
  createClient(conn: ConnectionSettings): ApiClient;
  createWatcher(api: ApiClient, onConnectionChange: (s: ConnectionState) => void): JobWatcher;
}

export interface Health {
  state: "checking" | "ok" | "down";
  version?: string;
}

export const UNREACHABLE_TITLE = "Folio server not reachable";

/** The problem to show when GET /api/health fails. */
export function unreachableProblem(err: unknown, server: string): Problem {
  const p = toProblem(err);
  return {
    ...p,
    title: UNREACHABLE_TITLE,
    detail:
      p.code === "unreachable"
        ? p.detail
        : `The Folio API did not answer at ${server} (GET /api/health: ${p.detail}). Start the server, or set its address under Server connection.`,
    code: p.code === "unreachable" ? "unreachable" : p.code,
  };
}

/**
 * `setProblem` is the app's one message bar: a failed health check shows there, and a later
 * success takes that message (and only that one) away.
 */
export function useConnection(services: FolioServices, setProblem: (update: (p: Problem | null) => Problem | null) => void) {
  const [connection, setConnection] = useState<ConnectionSettings>(() => loadConnection());
  const api = useMemo(() => services.createClient(connection), [services, connection]);
  const [health, setHealth] = useState<Health>({ state: "checking" });
  const [socketState, setSocketState] = useState<ConnectionState>("idle");
  const watcherRef = useRef<JobWatcher | null>(null);

  useEffect(() => {
    const watcher = services.createWatcher(api, setSocketState);
    watcherRef.current = watcher;
    let alive = true;
    setHealth({ state: "checking" });
    api.health().then(
      (h) => {
        if (!alive) return;
        setHealth({ state: "ok", version: typeof h?.version === "string" ? h.version : undefined });
        setProblem((p) => (p?.title === UNREACHABLE_TITLE ? null : p));
      },
      (err) => {
        if (!alive) return;
        setHealth({ state: "down" });
        setProblem(() => unreachableProblem(err, api.describeServer()));
      },
    );
    return () => {
      alive = false;
      watcher.close();
      watcherRef.current = null;
    };
  }, [api, services, setProblem]);

  const updateConnection = useCallback((next: ConnectionSettings) => {
    saveConnection(next);
    setConnection({ baseUrl: next.baseUrl.trim(), token: next.token.trim() });
  }, []);

  return { connection, updateConnection, api, health, socketState, watcherRef };
}
