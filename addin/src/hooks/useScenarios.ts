/**
 * The scenarios the planner drafts (state/scenarios.ts): the editor's open state, the drafts
 * and their messages, the check before a run, and a server's refusal shown under the scenario
 * and field it is about (its `scenario`, then `scenarios[1].discount_levels` or its table). The drafts are kept with the workbook (document
 * settings in Excel, the browser's storage on the page), so a closed pane finds them again.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { Problem, RuleTable } from "../api/types";
import type { TableSource, WorkbookAdapter } from "../office/adapter";
import { MAX_SCENARIOS, checkScenarios, newScenario, savedDrafts, scenarioProblemField, startingScenarios } from "../state/scenarios";
import type { CheckedScenario, ScenarioDraft, ScenarioErrors, ScenarioField, TableChoice } from "../state/scenarios";
import type { SettingsForm } from "../state/planSettings";

export const SCENARIOS_PROBLEM: Problem = {
  title: "Check the scenarios",
  detail: "Some scenarios are not ready to run: see the messages in the scenarios.",
  code: "invalid_settings",
};

const NO_ERRORS: ScenarioErrors = { scenarios: {} };

/** Key of the drafts in the workbook's settings (page: the browser's storage). */
export const SETTING_SCENARIOS = "folio.scenarios";

export function useScenarios(adapter: WorkbookAdapter) {
  const [open, setOpen] = useState(false);
  const [drafts, setDrafts] = useState<ScenarioDraft[]>([]);
  const [errors, setErrors] = useState<ScenarioErrors>(NO_ERRORS);

  // the drafts this workbook keeps, then every change kept (a read-only workbook: this session only)
  const loaded = useRef(false);
  useEffect(() => {
    let alive = true;
    adapter
      .loadSetting<unknown>(SETTING_SCENARIOS)
      .then((saved) => {
        if (!alive) return;
        const kept = savedDrafts(saved);
        if (kept.length) setDrafts((d) => (d.length ? d : kept));
      })
      .catch(() => {})
      .finally(() => {
        loaded.current = true;
      });
    return () => {
      alive = false;
    };
  }, [adapter]);
  useEffect(() => {
    if (!loaded.current || !drafts.length) return;
    adapter.saveSetting(SETTING_SCENARIOS, drafts).catch(() => {});
  }, [adapter, drafts]);

  /** Open the editor; the first time with two scenarios to start from (the plan as set, one deeper discount). */
  const show = useCallback((base: SettingsForm) => {
    setDrafts((d) => (d.length ? d : startingScenarios(base)));
    setOpen(true);
  }, []);

  const update = useCallback((id: string, change: (d: ScenarioDraft) => ScenarioDraft, clear: string) => {
    setDrafts((list) => list.map((d) => (d.id === id ? change(d) : d)));
    setErrors((e) => {
      const mine = e.scenarios[id];
      if (!mine || !(clear in mine)) return e;
      const { [clear as keyof typeof mine]: _drop, ...rest } = mine;
      return { ...e, scenarios: { ...e.scenarios, [id]: rest } };
    });
  }, []);

  const rename = useCallback((id: string, name: string) => update(id, (d) => ({ ...d, name }), "name"), [update]);
  const change = useCallback(
    (id: string, field: ScenarioField, value: string) => update(id, (d) => ({ ...d, changes: { ...d.changes, [field]: value } }), field),
    [update],
  );
  const setTable = useCallback(
    (id: string, table: RuleTable, choice: TableChoice | "") =>
      update(
        id,
        (d) => {
          const tables = { ...d.tables };
          if (choice === "") delete tables[table];
          else tables[table] = choice;
          return { ...d, tables };
        },
        table,
      ),
    [update],
  );
  const add = useCallback(() => {
    setDrafts((list) => (list.length >= MAX_SCENARIOS ? list : [...list, newScenario(list)]));
    setErrors((e) => ({ ...e, list: undefined }));
  }, []);
  const remove = useCallback((id: string) => {
    setDrafts((list) => list.filter((d) => d.id !== id));
    setErrors((e) => {
      const { [id]: _drop, ...rest } = e.scenarios;
      return { list: undefined, scenarios: rest };
    });
  }, []);

  /** The scenarios to send, or undefined with the messages shown in the editor (opened). */
  const check = useCallback(
    (base: SettingsForm, known: (s: TableSource) => boolean): CheckedScenario[] | undefined => {
      const checked = checkScenarios(drafts, base, known);
      setErrors(checked.errors);
      if (!checked.scenarios) setOpen(true);
      return checked.scenarios;
    },
    [drafts],
  );

  /** A server's refusal of one scenario (its `scenario`), shown under that scenario's field. */
  const showServerErrors = useCallback(
    (p: Problem) => {
      const found: ScenarioErrors = { scenarios: {} };
      for (const e of p.errors ?? []) {
        const at = scenarioProblemField(e, drafts);
        if (!at) continue;
        found.scenarios[at.id] = { ...found.scenarios[at.id], [at.field]: e.message ?? p.detail ?? "Not valid" };
      }
      if (Object.keys(found.scenarios).length) {
        setErrors(found);
        setOpen(true);
      }
    },
    [drafts],
  );

  return { open, setOpen, show, drafts, errors, rename, change, setTable, add, remove, check, showServerErrors };
}

export type ScenarioControls = ReturnType<typeof useScenarios>;
