/**
 * The score kind: the planner's own plan judged. In the pane its figures beside Folio's, the
 * rules it breaks with their cells, Folio's changes best first and the business case with both
 * plans; in Excel "Folio Score", "Folio Your plan" and the business case sheet with your plan.
 */
import type { ScoreResult } from "../../api/types";
import { BUSINESS_SHEET, businessCaseBlocks } from "../common/caseSheets";
import { PLAN_FORMATS } from "../common/formats";
import type { ResultKind } from "../kind";
import { ScoreView } from "./ScoreView";
import { OWN_PLAN_SHEET, SCORE_SHEET, scoreBlocks } from "./sheets";
import { caseResult, scoreAnnouncement } from "./words";

export const scoreKind: ResultKind<ScoreResult> = {
  label: "Your plan",
  View: ScoreView,
  writeLabel: "Write score to sheets",
  writeTestId: "write-score",
  announce: scoreAnnouncement,
  async write(adapter, result) {
    if (result.plan?.length) await adapter.writeTable(OWN_PLAN_SHEET, result.plan, { tableName: "FolioYourPlan", numberFormats: PLAN_FORMATS, activate: false });
    const asPlan = caseResult(result);
    // the plan's business case sheet again, now with your plan beside Folio's
    const business = asPlan ? businessCaseBlocks(asPlan, { subject: "Folio's plan", title: "Business case: Folio's plan and yours against the last catalogue" }) : [];
    if (business.length) await adapter.writeReport(BUSINESS_SHEET, business, { activate: false });
    await adapter.writeReport(SCORE_SHEET, scoreBlocks(result));
    if (adapter.kind !== "excel") return "Score kept: download result.xlsx to open it in Excel.";
    const caseSheet = business.length ? `, both plans against the last catalogue on “${BUSINESS_SHEET}”` : "";
    return `Your plan's score is on “${SCORE_SHEET}”, your plan as forecast on “${OWN_PLAN_SHEET}”${caseSheet}.`;
  },
};
