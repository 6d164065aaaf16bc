/**
 * The plan kind: the plan in the pane; in Excel the plan table, its Summary, the business case
 * (plan against the last catalogue, with a native column chart) and the convergence sheet with a
 * native chart, written live while the search runs (one catalogue) or once from the
 * gathered result (one per country).
 */
import type { PlanResult } from "../../api/types";
import type { ResultKind } from "../kind";
import { BUSINESS_SHEET } from "../common/caseSheets";
import { CONVERGENCE_CHART, ConvergenceSink } from "./convergenceSink";
import { PlanView } from "./PlanView";
import { PLAN_FORMATS, businessCaseBlocks, planSummaryBlocks } from "./sheets";
import { planAnnouncement } from "./words";

export { BUSINESS_SHEET };

export const planKind: ResultKind<PlanResult> = {
  label: "Plan",
  View: PlanView,
  writeLabel: "Write plan to sheets",
  writeTestId: "write-plan",
  shareable: true,
  announce: planAnnouncement,
  async write(adapter, plan) {
    if (plan.convergence?.length > 1)
      await adapter.writeTable("Folio Convergence", plan.convergence, { tableName: "FolioConvergence", activate: false, chart: CONVERGENCE_CHART });
    await adapter.writeReport("Folio Summary", planSummaryBlocks(plan), { activate: false });
    const business = businessCaseBlocks(plan);
    if (business.length) await adapter.writeReport(BUSINESS_SHEET, business, { activate: false });
    if (plan.plan?.length) await adapter.writeTable("Folio Plan", plan.plan, { tableName: "FolioPlan", numberFormats: PLAN_FORMATS });
    const perCountry = plan.countries?.length ? ", the countries side by side" : "";
    const caseSheet = business.length ? `, the comparison with the last catalogue on “${BUSINESS_SHEET}”` : "";
    return adapter.kind === "excel"
      ? `The plan is on the sheet “Folio Plan”, totals${perCountry} and rules on “Folio Summary”${caseSheet}.`
      : "Plan kept: download result.xlsx to open it in Excel.";
  },
  // one catalogue per country: live rows would be revised as countries catch up, so the
  // convergence sheet is written once, from the gathered result
  live: (adapter, job, onError) => (adapter.kind === "excel" && !job.countries ? new ConvergenceSink(adapter, { onError }) : null),
};
