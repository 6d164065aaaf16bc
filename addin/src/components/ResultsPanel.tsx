import { useEffect, useRef } from "react";
import type { JobKind } from "../api/types";
import type { FinishedResult } from "../hooks/useJob";
import type { ShareControls } from "../hooks/useShares";
import type { ResultContext } from "../results/kind";
import { RESULT_ORDER, resultKind } from "../results/registry";
import { SharePanel } from "./SharePanel";

export interface ResultsPanelProps {
  mode: "excel" | "browser";
  results: Partial<Record<JobKind, FinishedResult>>;
  shownKind: JobKind | null;
  onShow(kind: JobKind): void;
  /** Excel: write the shown result into the workbook again */
  onWrite(finished: FinishedResult): void;
  onDownload(jobId: string, kind: JobKind): void;
  busy: boolean;
  context: ResultContext;
  /** the result that came in last: the panel scrolls to it when it arrives */
  latestJobId?: string;
  /** share links of a finished plan (a kind that is `shareable`) */
  shares?: ShareControls;
  /** words saying a result was made from other data than the tables shown now (state/resultData) */
  otherData?: (finished: FinishedResult) => string | undefined;
}

/** The finished jobs' results, one tab per kind; before any, the three steps to get there. */
export function ResultsPanel({ mode, results, shownKind, onShow, onWrite, onDownload, busy, context, latestJobId, shares, otherData }: ResultsPanelProps) {
  const ref = useRef<HTMLElement>(null);
  // a job just finished: its results into view (in the pane they are below the settings)
  useEffect(() => {
    if (latestJobId) ref.current?.scrollIntoView?.({ block: "start", behavior: "smooth" });
  }, [latestJobId]);
  const kinds = RESULT_ORDER.filter((k) => results[k]);
  const shown = shownKind && results[shownKind] ? results[shownKind]! : kinds.length ? results[kinds[0]]! : undefined;
  const kind = shown ? resultKind(shown.kind) : undefined;
  if (!shown || !kind) {
    return (
      <section className="card card--empty slot-results" aria-label="Results">
        <h2>Results</h2>
        <ol className="steps">
          <li>
            <strong>Map your tables.</strong> {mode === "excel" ? "Pick a named table, a sheet or the selection per role." : "Load the demo workbook or upload an xlsx/csv."}
          </li>
          <li>
            <strong>Explore and train.</strong> Check the data, then fit and compare forecast models on the latest campaigns.
          </li>
          <li>
            <strong>Plan.</strong> The genetic algorithm fills the catalogue's slots; watch it converge live.
          </li>
        </ol>
      </section>
    );
  }
  const View = kind.View;
  // a finished plan (a cancelled one keeps its best plan) can be shared
  const canShare = !!shares && !!kind.shareable && (shown.status === "succeeded" || shown.status === "cancelled");
  const sharing = canShare && shares!.jobId === shown.jobId;
  // a result of other data says so, and never borrows the names of the products table shown now
  const other = otherData?.(shown);
  const shownContext: ResultContext = other ? { ...context, productNames: undefined, table: shown.table } : { ...context, table: shown.table };
  return (
    <section ref={ref} className="card slot-results" aria-label="Results" data-testid="results">
      <div className="card__head">
        <h2>Results</h2>
        <div className="row row--wrap">
          {mode === "excel" && (
            <button type="button" className="button" data-testid={kind.writeTestId} onClick={() => onWrite(shown)} disabled={busy}>
              {kind.writeLabel}
            </button>
          )}
          <button type="button" className="button" data-testid="download-xlsx" onClick={() => onDownload(shown.jobId, shown.kind)}>
            Download result.xlsx
          </button>
          {canShare && (
            <button
              type="button"
              className={`button${sharing ? " button--pressed" : ""}`}
              aria-expanded={sharing}
              data-testid="share-open"
              onClick={() => (sharing ? shares!.close() : shares!.open(shown.jobId))}
            >
              Share
            </button>
          )}
        </div>
      </div>
      {sharing && <SharePanel controls={shares!} />}
      {kinds.length > 1 && (
        <div className="tabs" role="tablist">
          {kinds.map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={shown.kind === k}
              className={`tab${shown.kind === k ? " tab--active" : ""}`}
              onClick={() => onShow(k)}
            >
              {resultKind(k)!.label}
            </button>
          ))}
        </div>
      )}
      {other && (
        <p className="notice" role="note" data-testid="result-other-data">
          {other}
        </p>
      )}
      <View result={shown.result} context={shownContext} />
    </section>
  );
}
