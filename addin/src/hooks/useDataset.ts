/**
 * The dataset jobs run on: the mapped tables read and sent once, sent again only when they
 * changed. Remembers where each table came from (the dataset's, and the tables a job sends
 * itself: the planner's plan, a scenario's own locks), so a problem the server finds in a cell
 * can be shown there ("go to cell").
 */
import { useCallback, useEffect, useReducer, useRef } from "react";
import type { ApiClient } from "../api/client";
import { ApiError, toProblem } from "../api/errors";
import { ROLES } from "../api/types";
import type { Cell, Problem, ProblemItem, Role, SourceRole, Table, Tables } from "../api/types";
import { problemOffset } from "../office/a1";
import type { CellOrigin, SourceOption, TableSource, WorkbookAdapter } from "../office/adapter";
import { NO_DATASET, datasetReducer, datasetStatus, datasetWarnings, campaignCount, locateKey, signature } from "../state/dataset";
import type { DatasetInfo } from "../state/dataset";
import type { Mapping } from "../state/mapping";

/** Where each table read last came from, by locate key (`locks`, `plan`, `locks@Deeper discounts`). */
interface Located {
  origins: Record<string, CellOrigin>;
  headers: Record<string, Cell[]>;
}

export interface DatasetInputs {
  mapping: Mapping;
  sources: SourceOption[];
  workbookName?: string;
  /** told what reading the tables found (row counts, the tables) */
  onRead(rows: Partial<Record<SourceRole, number>>, tables: Tables): void;
  setProblem(p: Problem | null): void;
}

export function useDataset(adapter: WorkbookAdapter, api: ApiClient, inputs: DatasetInputs) {
  const { mapping, sources, workbookName, onRead, setProblem } = inputs;
  const [state, dispatch] = useReducer(datasetReducer, NO_DATASET);
  const located = useRef<Located>({ origins: {}, headers: {} });

  /** a dataset found again after a reload (the page), ready once its tables are mapped */
  const restoring = useRef<DatasetInfo | null>(null);

  // a new mapping or a refreshed workbook: a ready dataset may no longer match the tables
  // (unless this is the mapping of a restored dataset's own tables)
  useEffect(() => {
    if (restoring.current && mapping.history) {
      dispatch({ type: "ready", dataset: restoring.current });
      restoring.current = null;
    } else dispatch({ type: "changed" });
  }, [mapping, sources]);

  /** The page found its dataset again: it is the ready one once its tables are mapped. */
  const restore = useCallback((info: DatasetInfo) => {
    restoring.current = info;
  }, []);

  /** Read every mapped table; create a dataset when the data differs from the last one. */
  const ensureDataset = useCallback(async (): Promise<string> => {
    if (!mapping.history) {
      throw new ApiError({
        status: 0,
        code: "no_history",
        title: "No history table",
        detail:
          adapter.kind === "browser"
            ? "Load the demo workbook or upload a workbook, then choose the sheet that holds the sales history."
            : "Choose the table, sheet or selection that holds the sales history.",
      });
    }
    dispatch({ type: "reading" });
    const tables: Tables = {};
    const origins: Record<string, CellOrigin> = {};
    const headers: Record<string, Cell[]> = {};
    const rows: Partial<Record<Role, number>> = {};
    for (const role of ROLES) {
      const source = mapping[role];
      if (!source) continue;
      const read = await adapter.readTable(source);
      tables[role] = read.values;
      if (read.origin) origins[role] = read.origin;
      headers[role] = read.values[0] ?? [];
      rows[role] = Math.max(0, read.values.length - 1);
    }
    located.current = { origins, headers };
    onRead(rows, tables);
    const sig = signature(tables);
    if (state.dataset && state.dataset.signature === sig) {
      dispatch({ type: "ready" });
      return state.dataset.id;
    }
    dispatch({ type: "uploading" });
    const name = adapter.kind === "browser" ? workbookName ?? "Workbook" : "Excel workbook";
    const created = await api.createDataset(name, tables);
    const sheets: Partial<Record<Role, string>> = {};
    for (const role of ROLES) {
      const source = mapping[role];
      if (tables[role] && source?.kind === "sheet") sheets[role] = source.name;
    }
    const info = { id: created.id, name, campaigns: campaignCount(tables.history), sheets, signature: sig, rows, warnings: created.warnings ?? [] };
    dispatch({ type: "ready", dataset: info });
    return info.id;
  }, [adapter, api, mapping, onRead, state.dataset, workbookName]);

  /**
   * A table a job sends itself (the planner's plan; a scenario's own locks), read now and
   * remembered under `key` so the server's problems in it lead to its cells.
   */
  const readSource = useCallback(
    async (source: TableSource, key: string): Promise<Table> => {
      const read = await adapter.readTable(source);
      if (read.origin) located.current.origins[key] = read.origin;
      else delete located.current.origins[key];
      located.current.headers[key] = read.values[0] ?? [];
      return read.values;
    },
    [adapter],
  );

  /** Reading or sending failed: the last dataset is stale now (or there is none). */
  const datasetFailed = useCallback(() => dispatch({ type: "failed" }), []);

  const canLocate = useCallback((item: ProblemItem) => {
    const key = locateKey(item, located.current.origins);
    return !!key && !!problemOffset(item, located.current.headers[key]);
  }, []);

  const goToCell = useCallback(
    async (item: ProblemItem) => {
      const key = locateKey(item, located.current.origins);
      const origin = key ? located.current.origins[key] : undefined;
      const offset = key ? problemOffset(item, located.current.headers[key]) : undefined;
      if (!origin || !offset || !adapter.goToCell) return;
      try {
        await adapter.goToCell(origin, offset.row, offset.column);
      } catch (err) {
        setProblem(toProblem(err));
      }
    },
    [adapter, setProblem],
  );

  return {
    dataset: state.dataset,
    /** the last dataset still matches the mapped tables */
    datasetCurrent: state.phase === "ready",
    /** the mapping or the workbook changed since the last dataset was sent (reading or sending it is not) */
    datasetChanged: state.phase === "stale",
    datasetStatus: datasetStatus(state, { historyMapped: !!mapping.history, mode: adapter.kind }),
    /** what the server noticed in the data the next run uses */
    datasetWarnings: datasetWarnings(state),
    ensureDataset,
    restore,
    readSource,
    datasetFailed,
    canLocate,
    goToCell,
  };
}
