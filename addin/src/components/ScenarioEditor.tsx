/**
 * The what-if scenarios the planner drafts: one card per scenario (name, what it changes in
 * words, then on demand its settings and its own rule tables), add and remove, and the Run
 * button. Every field shows the base value it replaces as its placeholder, so an empty field
 * reads "as set above". Readable at 320 px: the fields wrap two by two.
 */
import { useState } from "react";
import { RULE_TABLES } from "../api/types";
import type { RuleTable } from "../api/types";
import type { ScenarioControls } from "../hooks/useScenarios";
import type { SourceOption } from "../office/adapter";
import { sourceKey } from "../office/adapter";
import { GLOSSARY } from "../results/glossary";
import { MAX_SCENARIOS, MIN_SCENARIOS, describeDraft } from "../state/scenarios";
import type { ScenarioDraft, ScenarioErrors, ScenarioField } from "../state/scenarios";
import type { SettingsForm } from "../state/planSettings";
import { Explain } from "./Explain";
import { PCT } from "./format";

export interface ScenarioEditorProps {
  controls: ScenarioControls;
  base: SettingsForm;
  sources: SourceOption[];
  /** the rule tables mapped under Data (what "as mapped" means) */
  mapped: Partial<Record<RuleTable, string>>;
  disabled?: boolean;
  /** why scenarios cannot run yet (no history, no products) */
  missing?: string;
  onRun(): void;
}

const FIELDS: { field: ScenarioField; label: string; suffix?: string; inputMode: "text" | "decimal" | "numeric" }[] = [
  { field: "discount_levels", label: "Discount levels", inputMode: "text" },
  { field: "max_discounted_share", label: "Max discounted", suffix: "%", inputMode: "decimal" },
  { field: "max_same_category_per_page", label: "At most per page", inputMode: "numeric" },
  { field: "min_margin", label: "Min margin per row", suffix: "%", inputMode: "decimal" },
  { field: "anomaly_weight", label: "Anomaly weight", inputMode: "decimal" },
];

const TABLE_LABEL: Record<RuleTable, string> = {
  category_limits: "Category limits",
  locks: "Locked slots",
  brand_limits: "Brand limits",
  page_conflicts: "Keep apart",
};

/** What an empty field means: the base's value, in the form's words. */
function baseText(base: SettingsForm, field: ScenarioField): string {
  const v = base[field].trim();
  if (!v) return field === "min_margin" ? "none" : "no limit";
  return field === "max_discounted_share" || field === "min_margin" ? `${v.replace(/\s*%$/, "")}${PCT}` : v;
}

function ScenarioCard({ draft, index, props }: { draft: ScenarioDraft; index: number; props: ScenarioEditorProps }) {
  const { controls, base, sources, mapped, disabled } = props;
  const errs: ScenarioErrors["scenarios"][string] = controls.errors.scenarios[draft.id] ?? {};
  const problems = Object.keys(errs).length > 0;
  const [open, setOpen] = useState(index > 0 && Object.keys(draft.changes).length === 0 && Object.keys(draft.tables).length === 0);
  const id = (what: string) => `scenario-${draft.id}-${what}`;
  const label = (key: string) => sources.find((s) => sourceKey(s.source) === key)?.label ?? key.replace(/^[a-z]+:/, "");
  return (
    <li className={`scenario${problems ? " scenario--error" : ""}`} data-testid="scenario">
      <div className="scenario__head">
        <label className="visually-hidden" htmlFor={id("name")}>
          Name of scenario {index + 1}
        </label>
        <input
          id={id("name")}
          className="scenario__name"
          type="text"
          value={draft.name}
          maxLength={60}
          disabled={disabled}
          aria-invalid={!!errs.name}
          data-testid="scenario-name"
          onChange={(e) => controls.rename(draft.id, e.target.value)}
        />
        <button
          type="button"
          className="icon-button"
          aria-label={`Remove scenario ${draft.name || index + 1}`}
          data-testid="scenario-remove"
          disabled={disabled || controls.drafts.length <= MIN_SCENARIOS}
          onClick={() => controls.remove(draft.id)}
        >
          ×
        </button>
      </div>
      {errs.name && (
        <span className="field__error" role="status">
          {errs.name}
        </span>
      )}
      <p className="scenario__what small" data-testid="scenario-what">
        {describeDraft(draft, label)}
      </p>
      <details open={open || problems} onToggle={(e) => setOpen(e.currentTarget.open)} className="scenario__details">
        <summary data-testid="scenario-edit">Change settings and tables</summary>
        <div className="scenario__grid">
          {FIELDS.map(({ field, label: text, suffix, inputMode }) => (
            <div key={field} className={`field${errs[field] ? " field--error" : ""}`}>
              <label htmlFor={id(field)}>{text}</label>
              <div className="field__control">
                <input
                  id={id(field)}
                  type="text"
                  inputMode={inputMode}
                  autoComplete="off"
                  value={draft.changes[field] ?? ""}
                  placeholder={`as set: ${baseText(base, field)}`}
                  disabled={disabled}
                  aria-invalid={!!errs[field]}
                  data-testid={`scenario-${field}`}
                  onChange={(e) => controls.change(draft.id, field, e.target.value)}
                />
                {suffix && <span className="field__suffix">{suffix}</span>}
              </div>
              {errs[field] && (
                <span className="field__error" role="status">
                  {errs[field]}
                </span>
              )}
            </div>
          ))}
          <div className={`field${errs.objective ? " field--error" : ""}`}>
            <label htmlFor={id("objective")}>Objective</label>
            <select
              id={id("objective")}
              value={draft.changes.objective ?? ""}
              disabled={disabled}
              data-testid="scenario-objective"
              onChange={(e) => controls.change(draft.id, "objective", e.target.value)}
            >
              <option value="">as set: {base.objective}</option>
              <option value="profit">profit</option>
              <option value="revenue">revenue</option>
              <option value="units">units</option>
            </select>
          </div>
          {RULE_TABLES.map((table) => (
            <div key={table} className={`field${errs[table] ? " field--error" : ""}`}>
              <label htmlFor={id(table)}>{TABLE_LABEL[table]}</label>
              <select
                id={id(table)}
                value={draft.tables[table] ?? ""}
                disabled={disabled}
                data-testid={`scenario-table-${table}`}
                onChange={(e) => controls.setTable(draft.id, table, e.target.value)}
              >
                <option value="">{mapped[table] ? `as mapped: ${mapped[table]}` : "as mapped: none"}</option>
                <option value="none">none in this scenario</option>
                {sources.map((s) => (
                  <option key={sourceKey(s.source)} value={sourceKey(s.source)}>
                    {s.label}
                  </option>
                ))}
              </select>
              {errs[table] && (
                <span className="field__error" role="status">
                  {errs[table]}
                </span>
              )}
            </div>
          ))}
        </div>
      </details>
    </li>
  );
}

export function ScenarioEditor(props: ScenarioEditorProps) {
  const { controls, disabled, missing, onRun } = props;
  const n = controls.drafts.length;
  return (
    <section className="scenarios-editor" aria-label="Scenarios" data-testid="scenario-editor">
      <div className="scenarios-editor__head">
        <h3>
          Scenarios <Explain term={GLOSSARY.scenarios.term} text={GLOSSARY.scenarios.text} testId="explain-scenarios" />
        </h3>
        <button type="button" className="link-button" data-testid="scenarios-close" onClick={() => controls.setOpen(false)}>
          Close
        </button>
      </div>
      <p className="small muted">Each scenario is the plan set above with what it changes; population, generations, time limit and seed are shared.</p>
      <ol className="scenarios-editor__list">
        {controls.drafts.map((d, i) => (
          <ScenarioCard key={d.id} draft={d} index={i} props={props} />
        ))}
      </ol>
      {controls.errors.list && (
        <p className="field__error" role="status">
          {controls.errors.list}
        </p>
      )}
      <div className="row row--wrap scenarios-editor__actions">
        <button type="button" className="button" data-testid="scenario-add" disabled={disabled || n >= MAX_SCENARIOS} onClick={controls.add}>
          Add scenario
        </button>
        <button
          type="button"
          className="button button--primary"
          data-testid="run-scenarios"
          disabled={disabled || !!missing}
          aria-describedby={missing ? "run-hint" : undefined}
          onClick={onRun}
        >
          Run {n} scenarios
        </button>
      </div>
    </section>
  );
}
