import { ApiClient } from "../api/client";
import { JobSocket } from "../api/jobSocket";
import type { ExploreResult, JobKind, PlanResult, Role, TrainResult } from "../api/types";
import { ROLES } from "../api/types";
import type { WorkbookAdapter } from "../office/adapter";
import { ConnectionPanel } from "./ConnectionPanel";
import { DataPanel, ROLE_INFO } from "./DataPanel";
import { ErrorBar } from "./ErrorBar";
import { ProgressPanel } from "./ProgressPanel";
import { ExploreResults, PlanResults, TrainResults } from "./Results";
import { SettingsFormView } from "./SettingsFormView";
import { useFolio } from "./useFolio";
import type { FolioServices, FolioState } from "./useFolio";

export const defaultServices: FolioServices = {
  createClient: (conn) => new ApiClient(conn),
  createWatcher: (api, onConnectionChange) =>
    new JobSocket({ url: () => api.wsUrl(), poll: (id) => api.getJob(id), onConnectionChange }),
};

const KIND_LABEL: Record<JobKind, string> = { explore: "Explore", train: "Train", plan: "Plan", forecast: "Forecast" };

export interface AppProps {
  adapter: WorkbookAdapter;
  services?: FolioServices;
}

/** The one app: the Excel task pane and the standalone page differ only by their adapter. */
export function App({ adapter, services = defaultServices }: AppProps) {
  const s = useFolio(adapter, services);
  const active = !!s.job && (s.job.status === "queued" || s.job.status === "running");
  return (
    <div className={`app app--${s.mode}`}>
      <div className="chrome">
      <header className="topbar">
        <div className="brand">
          <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
            <rect x="3" y="5" width="11" height="22" rx="2" />
            <rect x="18" y="5" width="11" height="22" rx="2" opacity="0.65" />
            <path d="M6 11h5M6 15h5M6 19h3M21 11h5M21 15h5" stroke="#fff" strokeWidth="1.6" strokeLinecap="round" />
          </svg>
          <div>
            <h1>Folio</h1>
            <p className="brand__sub">Catalogue planning with the forecast in the loop</p>
          </div>
        </div>
        <span className={`pill pill--${s.health.state}`} title={s.health.state === "ok" ? "Server reachable" : "Server status"}>
          <span className={`dot dot--${s.health.state}`} aria-hidden="true" />
          {s.health.state === "ok" ? "Online" : s.health.state === "down" ? "Offline" : "Connecting"}
        </span>
      </header>

      <div className="messages">
        <ErrorBar
          problem={s.problem}
          onDismiss={() => s.setProblem(null)}
          onGoToCell={s.mode === "excel" ? (item) => void s.goToCell(item) : undefined}
          canLocate={s.canLocate}
        />
        {s.notice && (
          <div className="notice-bar" role="status" data-testid="notice">
            <span>{s.notice}</span>
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => s.setNotice(null)}>
              ×
            </button>
          </div>
        )}
      </div>
      </div>

      <main className="layout">
        <div className="layout__col">
          <DataPanel
            className="slot-data"
            mode={s.mode}
            sources={s.sources}
            mapping={s.mapping}
            rowCounts={s.rowCounts}
            workbookName={s.workbookName}
            busy={!!s.busy || active}
            datasetStatus={s.datasetStatus}
            onMap={s.mapRole}
            onLoadDemo={() => void s.loadDemo()}
            onUpload={(f) => void s.upload(f)}
            onRefresh={() => void s.refreshSources()}
            onUseSelection={(role) => void s.pickSelection(role)}
          />
          <RunPanel s={s} active={active} />
          <ConnectionPanel
            className="slot-connection"
            connection={s.connection}
            onSave={s.updateConnection}
            health={s.health}
            server={typeof window !== "undefined" ? window.location.origin : ""}
          />
        </div>
        <div className="layout__col">
          {s.job && (
            <ProgressPanel
              className="slot-progress"
              kind={s.job.kind}
              jobId={s.job.id}
              status={s.job.status}
              progress={s.job.progress}
              points={s.job.points}
              countries={s.job.countries?.map((c) => s.job!.lines?.[c] ?? { country: c, status: "waiting" })}
              counts={s.job.counts}
              connection={s.socketState}
              onCancel={() => void s.cancel()}
              cancelling={s.cancelling}
            />
          )}
          <ResultsPanel s={s} />
        </div>
      </main>
    </div>
  );
}

function RunPanel({ s, active }: { s: FolioState; active: boolean }) {
  const disabled = !!s.busy || active;
  return (
    <section className="card slot-run" aria-label="Run">
      <div className="card__head">
        <h2>Run</h2>
        {s.busy && (
          <span className="muted small busy" role="status">
            <span className="spinner" aria-hidden="true" />
            {s.busy}
          </span>
        )}
      </div>
      <div className="run-buttons">
        <div className="run-explore">
          <button type="button" className="button" data-testid="run-explore" disabled={disabled} onClick={() => void s.run("explore")}>
            Explore
          </button>
          <select
            aria-label="Table to explore"
            value={s.exploreTable}
            onChange={(e) => s.setExploreTable(e.target.value as Role)}
            data-testid="explore-table-select"
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_INFO[r].label}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button" data-testid="run-train" disabled={disabled} onClick={() => void s.run("train")}>
          Train
        </button>
        <button
          type="button"
          className="button button--primary"
          data-testid="run-plan"
          disabled={disabled}
          onClick={() => void s.run("plan")}
        >
          Plan
        </button>
      </div>
      <SettingsFormView
        form={s.form}
        errors={s.settingsErrors}
        onChange={s.changeSetting}
        hasSlotsTable={!!s.mapping.slots}
        disabled={disabled}
        countries={s.countriesForm}
        availableCountries={s.historyCountries}
        onCountriesChange={s.changeCountries}
      />
    </section>
  );
}

function ResultsPanel({ s }: { s: FolioState }) {
  const kinds = (["plan", "train", "explore"] as JobKind[]).filter((k) => s.results[k]);
  const shown = s.shownKind && s.results[s.shownKind] ? s.results[s.shownKind]! : kinds.length ? s.results[kinds[0]]! : undefined;
  if (!shown) {
    return (
      <section className="card card--empty slot-results" aria-label="Results">
        <h2>Results</h2>
        <ol className="steps">
          <li>
            <strong>Map your tables.</strong> {s.mode === "excel" ? "Pick a named table, a sheet or the selection per role." : "Load the demo workbook or upload an xlsx/csv."}
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
  const plan = shown.kind === "plan" ? (shown.result as PlanResult) : undefined;
  return (
    <section className="card slot-results" aria-label="Results">
      <div className="card__head">
        <h2>Results</h2>
        <div className="row">
          {s.mode === "excel" && (
            <button
              type="button"
              className="button"
              data-testid={plan ? "write-plan" : "write-sheets"}
              onClick={() => void s.writeResult(shown.kind, shown.result, s.exploreTable)}
              disabled={!!s.busy}
            >
              {plan ? "Write plan to sheets" : "Write to sheets"}
            </button>
          )}
          <button type="button" className="button" data-testid="download-xlsx" onClick={() => void s.download(shown.jobId, shown.kind)}>
            Download result.xlsx
          </button>
        </div>
      </div>
      {kinds.length > 1 && (
        <div className="tabs" role="tablist">
          {kinds.map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={shown.kind === k}
              className={`tab${shown.kind === k ? " tab--active" : ""}`}
              onClick={() => s.setShownKind(k)}
            >
              {KIND_LABEL[k]}
            </button>
          ))}
        </div>
      )}
      {shown.kind === "plan" && <PlanResults result={shown.result as PlanResult} />}
      {shown.kind === "train" && <TrainResults result={shown.result as TrainResult} />}
      {shown.kind === "explore" && <ExploreResults result={shown.result as ExploreResult} />}
    </section>
  );
}
