import type { Role } from "../api/types";
import { ROLES } from "../api/types";
import { GLOSSARY } from "../results/glossary";
import type { RunKind } from "../state/mapping";
import { ROLE_INFO } from "./DataPanel";
import { Explain } from "./Explain";
import { ScenarioEditor } from "./ScenarioEditor";
import type { ScenarioEditorProps } from "./ScenarioEditor";
import { SettingsFormView } from "./SettingsFormView";
import type { SettingsFormProps } from "./SettingsFormView";
import { TrainSettingsView } from "./TrainSettingsView";
import type { TrainSettingsProps } from "./TrainSettingsView";

export interface RunPanelProps {
  /** what the app is busy with, shown beside the title */
  busy: string | null;
  /** a job runs or the app is busy: nothing can start */
  disabled: boolean;
  /** why a kind cannot start yet (no history, no products): its button is disabled, the reason shown */
  missing?: Partial<Record<RunKind, string>>;
  exploreTable: Role;
  onExploreTable(role: Role): void;
  onRun(kind: RunKind): void;
  settings: Omit<SettingsFormProps, "disabled">;
  /** the forecast settings a Train job sends (none given: the section is not shown) */
  train?: Omit<TrainSettingsProps, "disabled">;
  /** the what-if scenarios' editor (opened by its button) */
  scenarios?: Omit<ScenarioEditorProps, "disabled" | "missing" | "onRun" | "base">;
  /** what a score compares with: the plan job shown, or none (Folio plans first) */
  scoreAgainst?: string;
}

/** The buttons that start jobs, the plan settings, the what-if scenarios and the forecast settings. */
export function RunPanel({ busy, disabled, missing = {}, exploreTable, onExploreTable, onRun, settings, train, scenarios, scoreAgainst }: RunPanelProps) {
  // one hint: the first thing missing (the history before the products)
  const hint = missing.explore ?? missing.train ?? missing.plan;
  const button = (kind: RunKind) => ({
    disabled: disabled || !!missing[kind],
    "aria-describedby": missing[kind] ? "run-hint" : undefined,
    onClick: () => onRun(kind),
  });
  return (
    <section className="card slot-run" aria-label="Run">
      <div className="card__head">
        <h2>Run</h2>
        {busy && (
          <span className="muted small busy" role="status">
            <span className="spinner" aria-hidden="true" />
            {busy}
          </span>
        )}
      </div>
      <div className="run-buttons">
        <div className="run-explore">
          <button type="button" className="button" data-testid="run-explore" {...button("explore")}>
            Explore
          </button>
          <select
            aria-label="Table to explore"
            value={exploreTable}
            onChange={(e) => onExploreTable(e.target.value as Role)}
            data-testid="explore-table-select"
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_INFO[r].label}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button" data-testid="run-train" {...button("train")}>
          Train
        </button>
        <button type="button" className="button button--primary" data-testid="run-plan" {...button("plan")}>
          Plan
        </button>
      </div>
      {scenarios && (
        <div className="run-buttons run-buttons--whatif">
          <span className="run-whatif">
            <button
              type="button"
              className={`button${scenarios.controls.open ? " button--pressed" : ""}`}
              data-testid="open-scenarios"
              aria-expanded={scenarios.controls.open}
              disabled={disabled}
              onClick={() => (scenarios.controls.open ? scenarios.controls.setOpen(false) : scenarios.controls.show(settings.form))}
            >
              Scenarios…
            </button>
            <Explain term={GLOSSARY.scenarios.term} text={GLOSSARY.scenarios.text} testId="explain-open-scenarios" />
          </span>
          <span className="run-whatif">
            <button
              type="button"
              className="button"
              data-testid="run-score"
              disabled={disabled || !!missing.score}
              aria-describedby={missing.score ? "score-hint" : "score-against"}
              onClick={() => onRun("score")}
            >
              Score my plan
            </button>
            <Explain term={GLOSSARY.score.term} text={GLOSSARY.score.text} testId="explain-score" />
          </span>
        </div>
      )}
      {hint && (
        <p className="run-hint" id="run-hint" data-testid="run-hint">
          {hint}
        </p>
      )}
      {scenarios && !hint && (
        <p className="run-hint run-hint--quiet" id={missing.score ? "score-hint" : "score-against"} data-testid="score-hint">
          {missing.score ??
            (scoreAgainst
              ? "Score my plan compares your plan with Folio's plan shown below."
              : "Score my plan plans Folio's catalogue first, with the settings below, then compares.")}
        </p>
      )}
      <SettingsFormView {...settings} disabled={disabled} />
      {scenarios?.controls.open && (
        <ScenarioEditor {...scenarios} base={settings.form} disabled={disabled} missing={missing.scenarios} onRun={() => onRun("scenarios")} />
      )}
      {train && <TrainSettingsView {...train} disabled={disabled} />}
    </section>
  );
}
