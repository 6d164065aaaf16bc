/**
 * Share links of one finished plan at a time: open the Share panel for a job (its links are
 * listed), make a link with an expiry, revoke one. The link's url exists only in the answer that
 * made it (the server keeps the token's hash), so it is held here until the panel closes or
 * another job's panel opens. Errors stay in the panel: a link that cannot be made is not a
 * problem of the whole app.
 */
import { useCallback, useRef, useState } from "react";
import type { ApiClient } from "../api/client";
import { toProblem } from "../api/errors";
import { localTimeZone } from "../components/format";
import type { Problem, Share, ShareCreated } from "../api/types";
import { withShare } from "../state/shares";

export interface ShareControls {
  /** the job whose Share panel is open, or null */
  jobId: string | null;
  shares: Share[];
  /** the link made last, with its url (shown once) */
  created: ShareCreated | null;
  busy: "list" | "create" | "revoke" | null;
  problem: Problem | null;
  open(jobId: string): void;
  close(): void;
  create(days: number): void;
  revoke(shareId: string): void;
}

export function useShares(api: ApiClient): ShareControls {
  const [jobId, setJobId] = useState<string | null>(null);
  const [shares, setShares] = useState<Share[]>([]);
  const [created, setCreated] = useState<ShareCreated | null>(null);
  const [busy, setBusy] = useState<ShareControls["busy"]>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  // answers for a panel that closed (or moved to another job) meanwhile are dropped
  const current = useRef<string | null>(null);

  const guarded = useCallback(
    async (job: string, what: NonNullable<ShareControls["busy"]>, work: () => Promise<void>) => {
      setBusy(what);
      setProblem(null);
      try {
        await work();
      } catch (err) {
        if (current.current === job) setProblem(toProblem(err));
      } finally {
        if (current.current === job) setBusy(null);
      }
    },
    [],
  );

  const open = useCallback(
    (job: string) => {
      current.current = job;
      setJobId(job);
      setShares([]);
      setCreated(null);
      void guarded(job, "list", async () => {
        const list = await api.listShares(job);
        if (current.current === job) setShares(list);
      });
    },
    [api, guarded],
  );

  const close = useCallback(() => {
    current.current = null;
    setJobId(null);
    setCreated(null);
    setProblem(null);
    setBusy(null);
  }, []);

  const create = useCallback(
    (days: number) => {
      const job = current.current;
      if (!job) return;
      void guarded(job, "create", async () => {
        const made = await api.createShare(job, days, localTimeZone());
        if (current.current !== job) return;
        setCreated(made);
        setShares((list) => withShare(list, made));
      });
    },
    [api, guarded],
  );

  const revoke = useCallback(
    (shareId: string) => {
      const job = current.current;
      if (!job) return;
      void guarded(job, "revoke", async () => {
        const record = await api.revokeShare(job, shareId);
        if (current.current !== job) return;
        setShares((list) => withShare(list, record));
        setCreated((c) => (c?.id === shareId ? null : c));
      });
    },
    [api, guarded],
  );

  return { jobId, shares, created, busy, problem, open, close, create, revoke };
}
