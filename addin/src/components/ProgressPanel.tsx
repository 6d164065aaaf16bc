import { useEffect, useRef } from "react";
import type { JobKind, JobProgress, JobStatus } from "../api/types";
import { ConvergenceChart } from "./ConvergenceChart";
import { GLOSSARY } from "../results/glossary";
import { Explain } from "./Explain";
import { fmtPct, fmtSeconds, fmtValue, jobTitle } from "./format";
import { IdDetail } from "./IdDetail";
import type { ConvergencePoint, PartCounts, PartKey, PartLine } from "../state/job";
import { TableHead } from "./TableHead";

export interface ProgressPanelProps {
  className?: string;
  kind: JobKind;
  jobId: string;
  /** when the server took the job (its record's created_at): the card's title says it */
  startedAt?: string | null;
  status: JobStatus;
  progress?: JobProgress | null;
  points: ConvergencePoint[];
  connection?: string;
  onCancel?(): void;
  cancelling?: boolean;
  /** A parent job (a multi-country plan, scenarios): one line per part, and its own count of finished ones. */
  parts?: PartLine[];
  partKey?: PartKey;
  counts?: PartCounts;
}

const PART_WORDS: Record<PartKey, { one: string; many: string }> = {
  country: { one: "country", many: "countries" },
  scenario: { one: "scenario", many: "scenarios" },
};

const STATUS_LABEL: Record<JobStatus, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

/**
 * Live state of one job: status, progress bar, best/mean, feasible share, chart, Cancel. A parent
 * job shows one line per part: a multi-country plan's countries (their curves summed: one
 * catalogue) or a scenarios job's scenarios (alternatives: each line on its own, never summed).
 */
export function ProgressPanel(props: ProgressPanelProps) {
  const { className, kind, jobId, status, points, connection, onCancel, cancelling, counts } = props;
  const countries = props.parts;
  const partKey: PartKey = props.partKey ?? "country";
  const words = PART_WORDS[partKey];
  const multi = !!countries?.length;
  const summed = multi && partKey === "country";
  const planning = kind === "plan" || kind === "score";
  const training = multi && props.progress?.phase === "train" && !countries!.some((c) => c.status !== "waiting");
  // a multi-country plan: the bar shows the countries' mean progress, the stats the summed curve
  const progress = multi ? summedProgress(countries!, points, training, props.progress) : props.progress;
  const generation = typeof progress?.generation === "number" ? progress.generation : undefined;
  const of = typeof progress?.of === "number" && progress.of > 0 ? progress.of : undefined;
  const done = status === "succeeded";
  const active = status === "queued" || status === "running";
  const finishedCount = multi ? Math.max(counts?.finished ?? 0, countries!.filter((c) => isFinished(c.status)).length) : 0;
  const multiFraction = multi ? countries!.reduce((sum, c) => sum + lineFraction(c), 0) / countries!.length : undefined;
  const fraction = done ? 1 : multi ? multiFraction : generation !== undefined && of ? Math.min(1, generation / of) : undefined;
  const step = multi
    ? training
      ? `Training the model every ${words.one} plans with…`
      : `${finishedCount} of ${countries!.length} ${words.many} finished`
    : generation !== undefined && of
      ? `${planning ? "Generation" : "Step"} ${generation} of ${of}`
      : generation !== undefined && planning
        ? `Generation ${generation}` // no cap on generations: the time limit ends the search
        : undefined;
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
          {jobTitle(kind, props.startedAt)}
        </h2>
        <IdDetail id={jobId} what="job" testId="job-id" />
        <span className={`badge badge--${status}`} data-testid="job-status">
          {status}
        </span>
      </div>
      <div
        className={`progress${fraction === undefined && active ? " progress--indeterminate" : ""}`}
        data-testid="progress-bar"
        data-generation={generation ?? ""}
        data-of={of ?? ""}
        data-finished={multi ? finishedCount : undefined}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={multi ? 100 : of ?? 100}
        aria-valuenow={multi ? Math.round((fraction ?? 0) * 100) : generation ?? undefined}
        aria-valuetext={label}
      >
        <div className="progress__fill" style={{ width: `${((fraction ?? (active ? 0.3 : 0)) * 100).toFixed(1)}%` }} />
      </div>
      <div className="progress__label">
        <span>{label}</span>
        {typeof progress?.elapsed_s === "number" && <span className="muted">{fmtSeconds(progress.elapsed_s)}</span>}
      </div>
      {((planning && !multi) || summed || (!multi && progress?.best !== undefined)) && (
        <dl className="stats">
          <div>
            <dt>
              {multi ? "Best (sum)" : "Best"}
              <Explain term={GLOSSARY.live_best.term} text={GLOSSARY.live_best.text} testId="explain-live-best" />
            </dt>
            <dd data-testid="progress-best">{fmtValue(progress?.best)}</dd>
          </div>
          <div>
            <dt>{multi ? "Mean (sum)" : "Mean"}</dt>
            <dd data-testid="progress-mean">{fmtValue(progress?.mean)}</dd>
          </div>
          <div>
            <dt title={multi ? "The lowest share of feasible plans over the countries" : undefined}>
              Feasible
              <Explain term={GLOSSARY.feasible_share.term} text={GLOSSARY.feasible_share.text} />
            </dt>
            <dd data-testid="progress-feasible">{fmtPct(progress?.feasible_share, 0)}</dd>
          </div>
        </dl>
      )}
      {summed && <CountryProgress lines={countries!} />}
      {multi && !summed && <PartProgress lines={countries!} partKey={partKey} />}
      {planning && (!multi || summed) && <ConvergenceChart points={points} of={multi ? maxOf(countries!) : of} />}
      <div className="row row--end">
        {connection && connection !== "open" && active && (
          <span className="muted small" data-testid="connection-state">
            {connection === "down" ? "Live updates lost: checking the job every 2\u00a0s" : "Connecting live updates…"}
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


const isFinished = (s: PartLine["status"]) => s === "succeeded" || s === "failed" || s === "cancelled";

function lineFraction(c: PartLine): number {
  if (isFinished(c.status)) return 1;
  return typeof c.generation === "number" && c.of ? Math.min(1, c.generation / c.of) : 0;
}

const maxOf = (lines: PartLine[]) => Math.max(0, ...lines.map((c) => c.of ?? 0)) || undefined;

/** The figures of the summed curve's last point, shown like a single plan's progress. */
function summedProgress(lines: PartLine[], points: ConvergencePoint[], training: boolean, raw?: JobProgress | null): JobProgress {
  const last = points[points.length - 1];
  const feasible = lines.map((c) => c.feasible_share).filter((v): v is number => typeof v === "number");
  return {
    best: last?.best ?? null,
    mean: last?.mean ?? null,
    // the weakest country's share: a plan is only as feasible as its worst market
    feasible_share: feasible.length ? Math.min(...feasible) : null,
    ...(training && typeof raw?.elapsed_s === "number" ? { elapsed_s: raw.elapsed_s } : {}),
  };
}

const LINE_STATUS: Record<PartLine["status"], string> = {
  waiting: "waiting",
  queued: "queued",
  running: "running",
  succeeded: "done",
  failed: "failed",
  cancelled: "cancelled",
};

/** One line per country: its generation, best objective and state. */
function CountryProgress({ lines }: { lines: PartLine[] }) {
  return (
    <div className="table-wrap country-progress">
      <table className="data" data-testid="country-progress">
        <TableHead
          columns={[
            { label: "Country" },
            { label: "State" },
            { label: "Generation", num: true },
            { label: "Best", num: true },
            { label: "Progress", hidden: true },
          ]}
        />
        <tbody>
          {lines.map((c) => (
            <tr key={c.name} data-testid={`country-progress-${c.name}`} data-status={c.status}>
              <td>{c.name}</td>
              <td className={`status-text--${c.status}`} title={c.detail}>
                {LINE_STATUS[c.status]}
              </td>
              <td className="num">{typeof c.generation === "number" ? `${c.generation}${c.of ? ` of ${c.of}` : ""}` : "–"}</td>
              <td className="num">{fmtValue(c.best)}</td>
              <td className="country-progress__bar">
                <div className="mini-progress" aria-hidden="true">
                  <div style={{ width: `${(lineFraction(c) * 100).toFixed(0)}%` }} />
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * One line per scenario (names are long, so a list, not a table, at 320 px): its state, its
 * generation and best plan so far, a bar, and why it failed when it did.
 */
function PartProgress({ lines, partKey }: { lines: PartLine[]; partKey: PartKey }) {
  return (
    <ul className="part-progress" data-testid={`${partKey}-progress`}>
      {lines.map((c) => (
        <li key={c.name} className="part-progress__line" data-testid={`${partKey}-progress-${c.name}`} data-status={c.status}>
          <div className="part-progress__head">
            <span className="part-progress__name" title={c.name}>
              {c.name}
            </span>
            <span className={`part-progress__state status-text--${c.status}`}>{LINE_STATUS[c.status]}</span>
          </div>
          <div className="part-progress__figures">
            <span>{typeof c.generation === "number" ? `generation ${c.generation}${c.of ? ` of ${c.of}` : ""}` : c.status === "waiting" || c.status === "queued" ? "not started yet" : "–"}</span>
            {typeof c.best === "number" && <span>best {fmtValue(c.best)}</span>}
          </div>
          <div className="mini-progress" aria-hidden="true">
            <div style={{ width: `${(lineFraction(c) * 100).toFixed(0)}%` }} />
          </div>
          {c.detail && c.status === "failed" && <div className="part-progress__detail">{c.detail}</div>}
        </li>
      ))}
    </ul>
  );
}
