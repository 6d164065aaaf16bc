/** The explore kind: findings and charts in the pane, one sheet per part in Excel. */
import type { ExploreResult } from "../../api/types";
import type { ResultKind } from "../kind";
import { ExploreView } from "./ExploreView";
import { exploreSheets } from "./sheets";

export const exploreKind: ResultKind<ExploreResult> = {
  label: "Explore",
  View: ExploreView,
  writeLabel: "Write to sheets",
  writeTestId: "write-sheets",
  announce: (result) => `Explore finished: ${(result.columns ?? []).length} columns, ${(result.findings ?? []).length} findings.`,
  async write(adapter, result, context) {
    const sheets = Object.entries(exploreSheets(result, context.table ?? "history"));
    for (const [i, [name, blocks]] of sheets.entries()) await adapter.writeReport(name, blocks, { activate: i === 0 });
    return `Explore results are on ${sheets.map(([n]) => `“${n}”`).join(", ")}.`;
  },
};
