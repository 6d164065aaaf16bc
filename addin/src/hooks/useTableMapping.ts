/**
 * Which table plays which role. In Excel: the workbook's named tables and sheets, the selection,
 * and the mapping the workbook remembers. On the page: the sheets of the uploaded (or demo)
 * workbook. Also the countries of the mapped history, for the Countries control.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ApiClient } from "../api/client";
import { toProblem } from "../api/errors";
import type { Problem, Role, SourceRole, Table, Tables } from "../api/types";
import type { SourceOption, TableSource, WorkbookAdapter } from "../office/adapter";
import type { BrowserAdapter } from "../office/browser";
import { EMPTY_MAPPING, autoMap, mappingFromKeys, mappingKeys, rowCounts } from "../state/mapping";
import type { Mapping } from "../state/mapping";
import { countriesInHistory } from "../state/planSettings";
import { productNames } from "../state/products";

/** Key of what the pane remembers per workbook (document settings) or per browser (page). */
export const SETTING_MAPPING = "folio.mapping";

export interface MappingMessages {
  setProblem(p: Problem | null): void;
  setBusy(what: string | null): void;
}

/**
 * `want`: read the history's countries (the page holds its workbook in memory, so always; in
 * Excel only once the user asks for plans per country) and the products' names (Excel: once a
 * plan is shown).
 */
export function useTableMapping(
  adapter: WorkbookAdapter,
  api: ApiClient,
  messages: MappingMessages,
  want: { countries: boolean; names: boolean },
) {
  const wantCountries = want.countries;
  const wantNames = want.names;
  const { setProblem, setBusy } = messages;
  const [sources, setSources] = useState<SourceOption[]>([]);
  const [mapping, setMapping] = useState<Mapping>(EMPTY_MAPPING);
  const [workbookName, setWorkbookName] = useState<string | undefined>();
  const [readRows, setReadRows] = useState<Partial<Record<SourceRole, number>>>({});
  /** The countries of the mapped history table (undefined: not read). */
  const [historyCountries, setHistoryCountries] = useState<string[] | undefined>(undefined);
  /** product_id -> name from the mapped products table, for the plan's rows. */
  const [names, setNames] = useState<Map<string, string> | undefined>(undefined);

  const refreshSources = useCallback(
    async (reset = false, preset?: Mapping) => {
      try {
        const list = await adapter.listSources();
        setSources(list);
        setMapping((cur) => autoMap(list, reset ? preset ?? EMPTY_MAPPING : cur));
      } catch (err) {
        setProblem(toProblem(err));
      }
    },
    [adapter, setProblem],
  );

  // Excel: the mapping this workbook remembers, then the workbook's tables and sheets
  const mappingLoaded = useRef(false);
  const savedMapping = useRef("");
  useEffect(() => {
    if (adapter.kind !== "excel") return;
    let alive = true;
    void (async () => {
      try {
        const saved = await adapter.loadSetting<Record<string, string>>(SETTING_MAPPING);
        if (alive && saved && typeof saved === "object") {
          savedMapping.current = JSON.stringify(saved);
          setMapping(mappingFromKeys(saved));
        }
      } catch {
        // no settings (older Excel): start from names
      }
      if (!alive) return;
      mappingLoaded.current = true;
      await refreshSources();
    })();
    return () => {
      alive = false;
    };
  }, [adapter, refreshSources]);

  useEffect(() => {
    if (adapter.kind !== "excel" || !mappingLoaded.current) return;
    const keys = mappingKeys(mapping);
    const text = JSON.stringify(keys);
    if (text === savedMapping.current) return;
    savedMapping.current = text;
    adapter.saveSetting(SETTING_MAPPING, keys).catch(() => {
      // a read-only workbook: the choice lasts for this session
    });
  }, [adapter, mapping]);

  useEffect(() => {
    const source = mapping.history;
    if (!source || !wantCountries) {
      if (!source) setHistoryCountries(undefined);
      return;
    }
    let alive = true;
    adapter.readTable(source).then(
      (read) => alive && setHistoryCountries(countriesInHistory(read.values)),
      () => alive && setHistoryCountries(undefined),
    );
    return () => {
      alive = false;
    };
  }, [adapter, mapping.history, sources, wantCountries]);

  // the products' names, for a plan's rows (a small table: on the page read with the workbook,
  // in Excel once there is a plan to show)
  useEffect(() => {
    const source = mapping.products;
    if (!source || !wantNames) {
      if (!source) setNames(undefined);
      return;
    }
    let alive = true;
    adapter.readTable(source).then(
      (read) => alive && setNames(productNames(read.values)),
      () => alive && setNames(undefined),
    );
    return () => {
      alive = false;
    };
  }, [adapter, mapping.products, sources, wantNames]);

  /** How many workbooks the page began to load: a load overtaken by a newer one is dropped. */
  const loads = useRef(0);

  /**
   * The page: hold a workbook's sheets (uploaded, or the demo) and map them afresh; `applied`
   * is told just before they are held (not when a newer load overtook this one).
   */
  const loadWorkbook = useCallback(
    async (what: string, get: () => Promise<{ sheets: Record<string, Table> }>, name: string, applied?: () => void, preset?: Mapping) => {
      if (adapter.kind !== "browser") return;
      const load = ++loads.current;
      setBusy(what);
      setProblem(null);
      try {
        const { sheets } = await get();
        if (load !== loads.current) return; // the planner loaded another workbook meanwhile
        applied?.();
        (adapter as BrowserAdapter).setWorkbook(sheets ?? {}, name);
        setWorkbookName(name);
        setReadRows({});
        await refreshSources(true, preset);
      } catch (err) {
        if (load === loads.current) setProblem(toProblem(err));
      } finally {
        if (load === loads.current) setBusy(null);
      }
    },
    [adapter, refreshSources, setBusy, setProblem],
  );

  /** How many workbook loads the page began (to tell whether one began since a moment). */
  const workbookLoads = useCallback(() => loads.current, []);

  /**
   * The page: its workbook again from the dataset the server kept (a reload lost the sheets),
   * each role mapped to the sheet it was read from (`roles`, by the sheets' own names).
   */
  const restoreWorkbook = useCallback(
    (sheets: Record<string, Table>, name: string, applied: () => void, roles?: Partial<Record<Role, string>>) => {
      const preset = roles
        ? ({ ...EMPTY_MAPPING, ...Object.fromEntries(Object.entries(roles).map(([role, sheet]) => [role, { kind: "sheet", name: sheet }])) } as Mapping)
        : undefined;
      return loadWorkbook("Opening the data you had loaded…", async () => ({ sheets }), name, applied, preset);
    },
    [loadWorkbook],
  );

  const loadDemo = useCallback(
    () =>
      loadWorkbook(
        "Loading the demo workbook…",
        async () => api.parseWorkbook(await api.demoWorkbook(), "workbook.xlsx"),
        "Demo workbook",
      ),
    [api, loadWorkbook],
  );

  const upload = useCallback(
    (file: File) => loadWorkbook(`Reading ${file.name}…`, () => api.parseWorkbook(file, file.name), file.name),
    [api, loadWorkbook],
  );

  const mapRole = useCallback((role: SourceRole, source: TableSource | null) => setMapping((m) => ({ ...m, [role]: source })), []);

  const pickSelection = useCallback(
    async (role: SourceRole) => {
      if (!adapter.captureSelection) return;
      try {
        mapRole(role, await adapter.captureSelection());
      } catch (err) {
        setProblem(toProblem(err));
      }
    },
    [adapter, mapRole, setProblem],
  );

  /** What reading the mapped tables for a dataset found: row counts and the history's countries. */
  const noteRead = useCallback((rows: Partial<Record<SourceRole, number>>, tables: Tables) => {
    setReadRows(rows);
    setHistoryCountries(countriesInHistory(tables.history));
    setNames(productNames(tables.products));
  }, []);

  const counts = useMemo(() => rowCounts(mapping, sources, readRows), [mapping, sources, readRows]);

  return {
    sources,
    mapping,
    workbookName,
    historyCountries,
    productNames: names,
    rowCounts: counts,
    refreshSources,
    loadDemo,
    upload,
    restoreWorkbook,
    workbookLoads,
    mapRole,
    pickSelection,
    noteRead,
  };
}
