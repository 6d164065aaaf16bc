/**
 * The scenarios kind: 2-8 variants of one catalogue side by side. In the pane the comparison
 * with a chart; in Excel the "Folio Scenarios" sheet (the comparison as a table with a native
 * column chart) and one plan sheet per planned scenario.
 */
import type { ScenariosResult } from "../../api/types";
import { PLAN_FORMATS } from "../common/formats";
import type { ResultKind } from "../kind";
import { scenariosAnnouncement } from "./comparison";
import { ScenariosView } from "./ScenariosView";
import { SCENARIOS_SHEET, scenarioPlans, scenariosBlocks } from "./sheets";

export const scenariosKind: ResultKind<ScenariosResult> = {
  label: "Scenarios",
  View: ScenariosView,
  writeLabel: "Write scenarios to sheets",
  writeTestId: "write-scenarios",
  announce: scenariosAnnouncement,
  async write(adapter, result) {
    const plans = scenarioPlans(result);
    for (const p of plans) await adapter.writeTable(p.sheet, p.plan, { tableName: p.tableName, numberFormats: PLAN_FORMATS, activate: false });
    await adapter.writeReport(SCENARIOS_SHEET, scenariosBlocks(result));
    if (adapter.kind !== "excel") return "Scenarios kept: download result.xlsx to open them in Excel.";
    const sheets = plans.length ? ` Each scenario's plan is on its own sheet (${plans.map((p) => `“${p.sheet}”`).join(", ")}).` : "";
    return `The scenarios are side by side on “${SCENARIOS_SHEET}”, with a chart.${sheets}`;
  },
};
