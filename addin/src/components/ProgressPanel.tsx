import { useEffect, useRef } from "react";
import type { JobKind, JobProgress, JobStatus } from "../api/types";
import { ConvergenceChart } from "./ConvergenceChart";
import type { ConvergencePoint } from "./ConvergenceChart";
import { fmtPct, fmtSeconds, fmtValue } from "./format";

export interface ProgressPanelProps {
  className?: string;
  kind: JobKind;
  jobId: string;
  status: JobStatus;
  progress?: JobProgress | null;
  points: ConvergencePoint[];
  connection?: string;
  onCancel?(): void;
  cancelling?: boolean;
}

const STATUS_LABEL: Record<JobStatus, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** Live state of one job: status, progress bar, best/mean, feasible share, chart, Cancel. */
export function ProgressPanel({ className, kind, jobId, status, progress, points, connection, onCancel, cancelling }: ProgressPanelProps) {
  const generation = typeof progress?.generation === "number" ? progress.generation : undefined;
  const of = typeof progress?.of === "number" && progress.of > 0 ? progress.of : undefined;
  const done = status === "succeeded";
  const fraction = done ? 1 : generation !== undefined && of ? Math.min(1, generation / of) : undefined;
  const active = status === "queued" || status === "running";
  const step = generation !== undefined && of ? `${kind === "plan" ? "Generation" : "Step"} ${generation} of ${of}` : undefined;
  const label =
    step && !active
      ? `${STATUS_LABEL[status]} · ${step.toLowerCase()}`
      : step
        ? step
        : status === "queued"
        ? "Waiting for a worker…"
        : active
          ? progress?.phase
            ? `Working: ${progress.phase}…`
            : "Working…"
          : STATUS_LABEL[status];
  const ref = useRef<HTMLElement>(null);
  // a new job: bring its progress into view (the task pane is one long column)
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: "nearest", behavior: "smooth" });
  }, [jobId]);
  return (
    <section ref={ref} className={`card ${className ?? ""}`} aria-label="Progress">
      <div className="card__head">
        <h2>
          {kind[0].toUpperCase() + kind.slice(1)} job <span className="muted mono">{jobId}</span>
        </h2>
        <span className={`badge badge--${status}`} data-testid="job-status">
          {status}
        </span>
      </div>
      <div
        className={`progress${fraction === undefined && active ? " progress--indeterminate" : ""}`}
        data-testid="progress-bar"
        data-generation={generation ?? ""}
        data-of={of ?? ""}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={of ?? 100}
        aria-valuenow={generation ?? undefined}
        aria-valuetext={label}
      >
        <div className="progress__fill" style={{ width: `${((fraction ?? (active ? 0.3 : 0)) * 100).toFixed(1)}%` }} />
      </div>
      <div className="progress__label">
        <span>{label}</span>
        {typeof progress?.elapsed_s === "number" && <span className="muted">{fmtSeconds(progress.elapsed_s)}</span>}
      </div>
      {(kind === "plan" || progress?.best !== undefined) && (
        <dl className="stats">
          <div>
            <dt>Best</dt>
            <dd data-testid="progress-best">{fmtValue(progress?.best)}</dd>
          </div>
          <div>
            <dt>Mean</dt>
            <dd data-testid="progress-mean">{fmtValue(progress?.mean)}</dd>
          </div>
          <div>
            <dt>Feasible</dt>
            <dd data-testid="progress-feasible">{fmtPct(progress?.feasible_share, 0)}</dd>
          </div>
        </dl>
      )}
      {kind === "plan" && <ConvergenceChart points={points} of={of} />}
      <div className="row row--end">
        {connection && connection !== "open" && active && (
          <span className="muted small" data-testid="connection-state">
            {connection === "down" ? "Live updates lost: checking the job every 2 s" : "Connecting live updates…"}
          </span>
        )}
        {onCancel && active && (
          <button type="button" className="button" data-testid="cancel-job" onClick={onCancel} disabled={cancelling}>
            {cancelling ? "Cancelling…" : "Cancel"}
          </button>
        )}
      </div>
    </section>
  );
}
