/**
 * The page's dataset across a reload (state/savedDataset): each dataset the page makes is
 * remembered (id and name, in the browser's storage), and on load the page asks the server for
 * it and holds its tables again as the loaded workbook, the dataset ready for the next run. A
 * remembered dataset the server no longer has is dropped quietly. Excel keeps nothing here: the
 * tables are the workbook's own, read again whenever the pane opens.
 */
import { useEffect, useRef } from "react";
import type { ApiClient } from "../api/client";
import { toProblem } from "../api/errors";
import type { Role, Table } from "../api/types";
import type { WorkbookAdapter } from "../office/adapter";
import type { DatasetInfo } from "../state/dataset";
import { SETTING_DATASET, datasetGone, parseSavedDataset, restoredWorkbook, savedDataset } from "../state/savedDataset";

export interface SavedDatasetInputs {
  /** the dataset the runs use now */
  dataset: DatasetInfo | null;
  workbookName?: string;
  /** the dataset found again is the ready one once its tables are mapped */
  restore(info: DatasetInfo): void;
  /** hold these sheets as the page's workbook and map them (`applied` told just before) */
  restoreWorkbook(sheets: Record<string, Table>, name: string, applied: () => void, roles?: Partial<Record<Role, string>>): Promise<void>;
  /** how many workbook loads the page began: one begun while the dataset was fetched stands */
  workbookLoads(): number;
  setBusy(what: string | null): void;
}

export function useSavedDataset(adapter: WorkbookAdapter, api: ApiClient, inputs: SavedDatasetInputs): void {
  const page = adapter.kind === "browser";
  const { dataset, workbookName } = inputs;
  const latest = useRef(inputs);
  latest.current = inputs;
  const remembered = useRef<string | undefined>(undefined);

  // each dataset the page makes: remembered under the name of the workbook it came from
  useEffect(() => {
    if (!page || !dataset || remembered.current === dataset.id) return;
    remembered.current = dataset.id;
    adapter.saveSetting(SETTING_DATASET, savedDataset(dataset, workbookName)).catch(() => {});
  }, [adapter, page, dataset, workbookName]);

  // a reloaded page: the dataset it had, found again on the server
  useEffect(() => {
    if (!page) return;
    let alive = true;
    const forget = () => adapter.saveSetting(SETTING_DATASET, null).catch(() => {});
    void (async () => {
      const saved = parseSavedDataset(await adapter.loadSetting(SETTING_DATASET).catch(() => undefined));
      if (!saved || !alive) return;
      const loadsBefore = latest.current.workbookLoads();
      latest.current.setBusy("Finding the data you had loaded…");
      let record;
      try {
        record = await api.getDataset(saved.id);
      } catch (err) {
        if (alive && datasetGone(toProblem(err).code)) void forget();
        return; // unreachable for now (server down, no token yet): kept for the next load
      } finally {
        if (latest.current.workbookLoads() === loadsBefore) latest.current.setBusy(null);
      }
      // the planner loaded a workbook meanwhile: that one stands
      if (!alive || latest.current.workbookLoads() !== loadsBefore) return;
      const found = restoredWorkbook(record, saved);
      if (!found) {
        void forget();
        return;
      }
      await latest.current.restoreWorkbook(
        found.sheets,
        found.name,
        () => {
          remembered.current = found.dataset.id;
          latest.current.restore(found.dataset);
        },
        found.roles,
      );
    })();
    return () => {
      alive = false;
    };
  }, [adapter, api, page]);
}
