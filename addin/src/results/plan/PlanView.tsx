/**
 * A plan job's result, section by section (`PLAN_SECTIONS`): the key numbers, the business case,
 * the countries side by side, the rules kept, the plan's rows. A new block of the plan's result
 * is one more section here and its rows in `sheets.ts`.
 */
import type { ComponentType } from "react";
import type { PlanResult } from "../../api/types";
import type { ResultContext, ResultViewProps } from "../kind";
import { BusinessCaseView } from "../common/BusinessCase";
import { CountryTable } from "./CountryTable";
import { KeyNumbers } from "./KeyNumbers";
import { PlanRows } from "../common/PlanRows";
import { describeRules } from "../common/rules";
import { RulesList } from "../common/RulesList";

export interface PlanSection {
  id: string;
  show(result: PlanResult): boolean;
  View: ComponentType<{ result: PlanResult; context: ResultContext }>;
}

export const PLAN_SECTIONS: PlanSection[] = [
  { id: "key-numbers", show: () => true, View: ({ result }) => <KeyNumbers result={result} /> },
  { id: "business-case", show: (r) => (r.business_case?.options ?? []).length > 0, View: ({ result }) => <BusinessCaseView result={result} /> },
  { id: "countries", show: (r) => (r.countries ?? []).length > 0, View: ({ result }) => <CountryTable countries={result.countries!} /> },
  {
    id: "rules",
    show: (r) => (r.rules ?? []).length > 0,
    View: ({ result }) => {
      const lines = describeRules(result.rules);
      const broken = lines.filter((l) => !l.kept).length;
      // folded when every rule was kept (the key numbers say so): the pane stays short
      return (
        <details className="rules-section" open={broken > 0} data-testid="rules-section">
          <summary>
            <h3>Rules</h3> <span className="muted small">{broken ? `${broken} of ${lines.length} broken` : `all ${lines.length} kept`}</span>
          </summary>
          <RulesList lines={lines} />
        </details>
      );
    },
  },
  { id: "rows", show: () => true, View: ({ result, context }) => <PlanRows plan={result.plan ?? []} names={context.productNames} /> },
];

export function PlanView({ result, context }: ResultViewProps<PlanResult>) {
  return (
    <div className="result result--plan">
      {PLAN_SECTIONS.filter((s) => s.show(result)).map(({ id, View }) => (
        <View key={id} result={result} context={context} />
      ))}
    </div>
  );
}
