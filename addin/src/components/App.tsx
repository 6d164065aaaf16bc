import { ApiClient } from "../api/client";
import { JobSocket } from "../api/jobSocket";
import { useFolio } from "../hooks/useFolio";
import type { FolioServices } from "../hooks/useFolio";
import type { WorkbookAdapter } from "../office/adapter";
import { ConnectionPanel } from "./ConnectionPanel";
import { DataPanel } from "./DataPanel";
import { ErrorBar } from "./ErrorBar";
import { ProgressPanel } from "./ProgressPanel";
import { ResultsPanel } from "./ResultsPanel";
import { RunPanel } from "./RunPanel";

export const defaultServices: FolioServices = {
  createClient: (conn) => new ApiClient(conn),
  createWatcher: (api, onConnectionChange) =>
    new JobSocket({ url: () => api.wsUrl(), poll: (id) => api.getJob(id), onConnectionChange }),
};

export interface AppProps {
  adapter: WorkbookAdapter;
  services?: FolioServices;
}

/** The one app: the Excel task pane and the standalone page differ only by their adapter. */
export function App({ adapter, services = defaultServices }: AppProps) {
  const s = useFolio(adapter, services);
  const active = s.active;
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

      {/* a finished job's result in one sentence, for screen readers */}
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="results-announcement">
        {s.announcement}
      </p>
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
            datasetId={s.datasetId}
            warnings={s.datasetWarnings}
            onGoToCell={s.mode === "excel" ? (item) => void s.goToCell(item) : undefined}
            canLocate={s.canLocate}
            onMap={s.mapRole}
            onLoadDemo={() => void s.loadDemo()}
            onUpload={(f) => void s.upload(f)}
            onRefresh={() => void s.refreshSources()}
            onUseSelection={(role) => void s.pickSelection(role)}
          />
          <RunPanel
            busy={s.busy}
            disabled={!!s.busy || active}
            missing={s.missing}
            exploreTable={s.exploreTable}
            onExploreTable={s.setExploreTable}
            onRun={(kind) => void s.run(kind)}
            settings={{
              form: s.form,
              errors: s.settingsErrors,
              onChange: s.changeSetting,
              hasSlotsTable: !!s.mapping.slots,
              countries: s.countriesForm,
              availableCountries: s.historyCountries,
              onCountriesChange: s.changeCountries,
            }}
            train={{ form: s.trainForm, errors: s.trainErrors, onChange: s.changeTrain }}
            scenarios={{ controls: s.scenarios, sources: s.sources, mapped: s.mappedRuleTables }}
            scoreAgainst={s.scoreAgainst}
          />
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
              startedAt={s.job.startedAt}
              status={s.job.status}
              progress={s.job.progress}
              points={s.job.points}
              parts={s.job.parts?.map((c) => s.job!.lines?.[c] ?? { name: c, status: "waiting" })}
              partKey={s.job.partKey}
              counts={s.job.counts}
              connection={s.socketState}
              onCancel={() => void s.cancel()}
              cancelling={s.cancelling}
            />
          )}
          <ResultsPanel
            mode={s.mode}
            results={s.results}
            shownKind={s.shownKind}
            onShow={s.setShownKind}
            onWrite={(finished) => void s.writeResult(finished)}
            onDownload={(jobId, kind) => void s.download(jobId, kind)}
            busy={!!s.busy}
            otherData={s.otherData}
            context={{
              productNames: s.productNames,
              ...(s.mode === "excel" ? { locate: { canLocate: s.canLocate, goToCell: (item) => void s.goToCell(item) } } : {}),
            }}
            latestJobId={s.latest?.jobId}
            shares={s.shares}
          />
        </div>
      </main>
    </div>
  );
}
