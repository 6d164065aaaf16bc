/**
 * The app's flow, composed of small hooks: connection -> table mapping -> dataset -> job ->
 * result. This module only joins them and runs a job (check the settings, make sure the dataset
 * is on the server, start the job, follow it); each part's state lives in its own hook over pure
 * functions in `state/`, each result kind's view and Excel writer in `results/<kind>/`.
 */
import { useCallback, useRef, useState } from "react";
import { toProblem } from "../api/errors";
import { localTimeZone } from "../components/format";
import type { JobKind, JobRequest, Problem, Role, RuleTables, ScenarioRequest, Table } from "../api/types";
import { RULE_TABLES } from "../api/types";
import type { RuleTable } from "../api/types";
import { describeSource, sourceKey } from "../office/adapter";
import type { WorkbookAdapter } from "../office/adapter";
import { resultKind } from "../results/registry";
import { isActive } from "../state/job";
import { missingForRun } from "../state/mapping";
import { datasetLabel, otherDataNote } from "../state/resultData";
import { useConnection } from "./useConnection";
import type { FolioServices } from "./useConnection";
import { useDataset } from "./useDataset";
import { useSavedDataset } from "./useSavedDataset";
import { useJob } from "./useJob";
import { useShares } from "./useShares";
import type { FinishedResult, SavedJob } from "./useJob";
import { SETTINGS_PROBLEM, usePlanSettings } from "./usePlanSettings";
import { TRAIN_PROBLEM, useTrainSettings } from "./useTrainSettings";
import { SCENARIOS_PROBLEM, useScenarios } from "./useScenarios";
import { useTableMapping } from "./useTableMapping";

export type { FolioServices, JobWatcher } from "./useConnection";
export { SETTING_JOB, COUNTRY_POLL_MS } from "./useJob";
export type { FinishedResult } from "./useJob";
export { SETTING_MAPPING } from "./useTableMapping";

/** The plan a score compares with: the one shown, when it was made from the same tables (else Folio plans first). */
function scoreAgainst(shown: FinishedResult | undefined, dataset: string | undefined): string | undefined {
  return shown && dataset && shown.status === "succeeded" && !shown.countries && shown.dataset === dataset ? shown.jobId : undefined;
}

function newKey(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function useFolio(adapter: WorkbookAdapter, services: FolioServices) {
  // the one message bar, the notice line and what the app is busy with
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [exploreTable, setExploreTable] = useState<Role>("history");

  const conn = useConnection(services, setProblem);
  const { api } = conn;
  const settings = usePlanSettings();
  const forecastSettings = useTrainSettings();
  const scenarios = useScenarios(adapter);

  /** Results where planners want them: sheets with formatted tables and native charts. */
  const writeResult = useCallback(
    async (finished: FinishedResult) => {
      const kind = resultKind(finished.kind);
      if (!kind) return;
      setBusy("Writing the results into the workbook…");
      try {
        setNotice(await kind.write(adapter, finished.result as never, { table: finished.table }));
      } catch (err) {
        setProblem(toProblem(err));
      } finally {
        setBusy(null);
      }
    },
    [adapter],
  );

  const jobs = useJob(adapter, api, conn.watcherRef, { setProblem, setNotice, writeResult });
  const shares = useShares(api);
  const page = adapter.kind === "browser";
  const tables = useTableMapping(adapter, api, { setProblem, setBusy }, {
    countries: page || settings.countriesForm.mode !== "one",
    names: page || !!jobs.results.plan,
  });
  const data = useDataset(adapter, api, {
    mapping: tables.mapping,
    sources: tables.sources,
    workbookName: tables.workbookName,
    onRead: tables.noteRead,
    setProblem,
  });

  // every dataset this pane has used, by id: a result from one of them is named by it
  const seenData = useRef(new Map<string, string>());
  if (data.dataset) seenData.current.set(data.dataset.id, datasetLabel(data.dataset));
  const currentId = data.dataset?.id;
  const currentReady = !data.datasetChanged;
  /** The words that say a result is from other data than the tables shown now (state/resultData). */
  const otherData = useCallback(
    (finished: FinishedResult) => otherDataNote(finished.dataset, currentId ? { id: currentId, ready: currentReady } : null, (id) => seenData.current.get(id)),
    [currentId, currentReady],
  );

  useSavedDataset(adapter, api, {
    dataset: data.dataset,
    workbookName: tables.workbookName,
    restore: data.restore,
    restoreWorkbook: tables.restoreWorkbook,
    workbookLoads: tables.workbookLoads,
    setBusy,
  });

  const { ensureDataset, datasetFailed, readSource } = data;
  const { checkSettings, showServerErrors, form } = settings;
  const { checkTrain, showTrainErrors } = forecastSettings;
  const { historyCountries, mapping, sources } = tables;
  const { follow, results } = jobs;
  const checkScenarios = scenarios.check;
  const showScenarioErrors = scenarios.showServerErrors;

  const run = useCallback(
    async (kind: JobKind) => {
      setProblem(null);
      setNotice(null);
      let plan: ReturnType<typeof checkSettings>;
      let trainOptions: ReturnType<typeof checkTrain>;
      if (kind === "train") {
        trainOptions = checkTrain();
        if (!trainOptions) {
          setProblem(TRAIN_PROBLEM);
          return;
        }
      }
      let variants: ReturnType<typeof checkScenarios>;
      if (kind === "plan" || kind === "scenarios") {
        plan = checkSettings(historyCountries);
        if (!plan) {
          setProblem(SETTINGS_PROBLEM);
          return;
        }
      }
      if (kind === "scenarios") {
        if (plan!.countries) {
          setProblem({
            title: "Scenarios plan one catalogue",
            detail: "Scenarios compare variants of one catalogue for all markets: set Countries to “One catalogue for all markets”, or plan the countries without scenarios.",
            code: "invalid_settings",
          });
          return;
        }
        const known = (src: Parameters<typeof sourceKey>[0]) => !!src && (src.kind === "range" || sources.some((o) => sourceKey(o.source) === sourceKey(src)));
        variants = checkScenarios(form, known);
        if (!variants) {
          setProblem(SCENARIOS_PROBLEM);
          return;
        }
      }
      setBusy(`Starting ${kind}…`);
      try {
        const dataset = await ensureDataset();
        let request: JobRequest;
        if (kind === "plan") request = { kind, dataset, settings: plan!.settings, ...(plan!.countries ? { countries: plan!.countries } : {}) };
        else if (kind === "scenarios") {
          const list: ScenarioRequest[] = [];
          for (const v of variants!) {
            const own: RuleTables = {};
            for (const [table, source] of Object.entries(v.tables) as [keyof RuleTables, (typeof v.tables)[keyof RuleTables]][])
              own[table] = source ? await readSource(source, `${table}@${v.name}`) : null;
            list.push({ name: v.name, ...(Object.keys(v.settings).length ? { settings: v.settings } : {}), ...(Object.keys(own).length ? { tables: own } : {}) });
          }
          request = { kind, dataset, settings: plan!.settings, scenarios: list };
        } else if (kind === "score") {
          if (!mapping.plan) throw new Error("Choose your own plan under Data, Your plan.");
          const mine: Table = await readSource(mapping.plan, "plan");
          const against = scoreAgainst(results.plan, dataset);
          if (against) request = { kind, dataset, plan: mine, against };
          else {
            const checked = checkSettings(historyCountries);
            if (!checked) {
              setProblem(SETTINGS_PROBLEM);
              return;
            }
            request = { kind, dataset, plan: mine, settings: checked.settings };
          }
        } else if (kind === "explore") request = { kind, dataset, table: exploreTable };
        else request = { kind: "train", dataset, ...trainOptions };
        const created = await api.createJob(request, newKey());
        const saved: SavedJob = { id: created.id, kind, ...(kind === "explore" ? { table: exploreTable } : {}) };
        follow(saved, created);
      } catch (err) {
        const p = toProblem(err);
        setProblem(p);
        datasetFailed();
        if (kind === "train") showTrainErrors(p);
        else showServerErrors(p);
        if (kind === "scenarios") showScenarioErrors(p);
      } finally {
        setBusy(null);
      }
    },
    [api, checkScenarios, checkSettings, checkTrain, datasetFailed, ensureDataset, exploreTable, follow, form, historyCountries, mapping.plan, readSource, results.plan, showScenarioErrors, showServerErrors, showTrainErrors, sources],
  );

  const download = useCallback(
    async (jobId: string, kind: JobKind) => {
      try {
        // its times on the planner's clock, the one the pane shows ("Plan started 14:02")
        const blob = await api.resultWorkbook(jobId, localTimeZone());
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

  return {
    mode: adapter.kind,
    // connection
    connection: conn.connection,
    updateConnection: conn.updateConnection,
    health: conn.health,
    socketState: conn.socketState,
    // tables
    sources: tables.sources,
    mapping: tables.mapping,
    mapRole: tables.mapRole,
    pickSelection: tables.pickSelection,
    refreshSources: tables.refreshSources,
    workbookName: tables.workbookName,
    rowCounts: tables.rowCounts,
    historyCountries,
    productNames: tables.productNames,
    loadDemo: tables.loadDemo,
    upload: tables.upload,
    // dataset
    dataset: data.dataset,
    datasetStatus: data.datasetStatus,
    /** the ready dataset's server id (shown apart, for support) */
    datasetId: data.datasetCurrent ? data.dataset?.id : undefined,
    datasetWarnings: data.datasetWarnings,
    goToCell: data.goToCell,
    canLocate: data.canLocate,
    // messages
    busy,
    problem,
    setProblem,
    notice,
    setNotice,
    // run
    form: settings.form,
    settingsErrors: settings.settingsErrors,
    changeSetting: settings.changeSetting,
    countriesForm: settings.countriesForm,
    changeCountries: settings.changeCountries,
    trainForm: forecastSettings.trainForm,
    trainErrors: forecastSettings.trainErrors,
    changeTrain: forecastSettings.changeTrain,
    exploreTable,
    setExploreTable,
    scenarios,
    mappedRuleTables: Object.fromEntries(
      RULE_TABLES.filter((t) => tables.mapping[t]).map((t) => [t, describeSource(tables.mapping[t]!)]),
    ) as Partial<Record<RuleTable, string>>,
    scoreAgainst: scoreAgainst(jobs.results.plan, data.datasetCurrent ? data.dataset?.id : undefined),
    missing: missingForRun(tables.mapping, adapter.kind),
    run,
    // job and results
    job: jobs.job,
    active: isActive(jobs.job),
    cancelling: jobs.cancelling,
    cancel: jobs.cancel,
    results: jobs.results,
    shownKind: jobs.shownKind,
    setShownKind: jobs.setShownKind,
    latest: jobs.latest,
    announcement: jobs.latest ? resultKind(jobs.latest.kind)?.announce(jobs.latest.result as never) ?? "" : "",
    download,
    writeResult,
    otherData,
    shares,
  };
}

export type FolioState = ReturnType<typeof useFolio>;
