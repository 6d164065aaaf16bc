/**
 * The dataset jobs run on: the mapped tables read and sent once, sent again only when they
 * changed. Remembers where each table came from, so a problem the server finds in a cell can be
 * shown there ("go to cell").
 */
import { useCallback, useEffect, useReducer, useRef } from "react";
import type { ApiClient } from "../api/client";
import { ApiError, toProblem } from "../api/errors";
import { ROLES } from "../api/types";
import type { Cell, Problem, ProblemItem, Role, Tables } from "../api/types";
import { problemOffset } from "../office/a1";
import type { CellOrigin, SourceOption, WorkbookAdapter } from "../office/adapter";
import { NO_DATASET, datasetReducer, datasetStatus, signature } from "../state/dataset";
import type { Mapping } from "../state/mapping";

interface Located {
  origins: Partial<Record<Role, CellOrigin>>;
  headers: Partial<Record<Role, Cell[]>>;
}

export interface DatasetInputs {
  mapping: Mapping;
  sources: SourceOption[];
  workbookName?: string;
  /** told what reading the tables found (row counts, the tables) */
  onRead(rows: Partial<Record<Role, number>>, tables: Tables): void;
  setProblem(p: Problem | null): void;
}

export function useDataset(adapter: WorkbookAdapter, api: ApiClient, inputs: DatasetInputs) {
  const { mapping, sources, workbookName, onRead, setProblem } = inputs;
  const [state, dispatch] = useReducer(datasetReducer, NO_DATASET);
  const located = useRef<Located>({ origins: {}, headers: {} });

  // a new mapping or a refreshed workbook: a ready dataset may no longer match the tables
  useEffect(() => dispatch({ type: "changed" }), [mapping, sources]);

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
    const origins: Partial<Record<Role, CellOrigin>> = {};
    const headers: Partial<Record<Role, Cell[]>> = {};
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
    const info = { id: created.id, signature: sig, rows };
    dispatch({ type: "ready", dataset: info });
    return info.id;
  }, [adapter, api, mapping, onRead, state.dataset, workbookName]);

  /** Reading or sending failed: the last dataset is stale now (or there is none). */
  const datasetFailed = useCallback(() => dispatch({ type: "failed" }), []);

  const canLocate = useCallback(
    (item: ProblemItem) => !!item.table && !!located.current.origins[item.table as Role] && !!problemOffset(item, located.current.headers[item.table as Role]),
    [],
  );

  const goToCell = useCallback(
    async (item: ProblemItem) => {
      const role = item.table as Role;
      const origin = located.current.origins[role];
      const offset = problemOffset(item, located.current.headers[role]);
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
    datasetStatus: datasetStatus(state, { historyMapped: !!mapping.history, mode: adapter.kind }),
    ensureDataset,
    datasetFailed,
    canLocate,
    goToCell,
  };
}
