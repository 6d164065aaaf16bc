import type { JobKind, Role } from "../api/types";
import { ROLES } from "../api/types";
import { ROLE_INFO } from "./DataPanel";
import { SettingsFormView } from "./SettingsFormView";
import type { SettingsFormProps } from "./SettingsFormView";

export interface RunPanelProps {
  /** what the app is busy with, shown beside the title */
  busy: string | null;
  /** a job runs or the app is busy: nothing can start */
  disabled: boolean;
  exploreTable: Role;
  onExploreTable(role: Role): void;
  onRun(kind: JobKind): void;
  settings: Omit<SettingsFormProps, "disabled">;
}

/** The buttons that start jobs, and the plan settings. */
export function RunPanel({ busy, disabled, exploreTable, onExploreTable, onRun, settings }: RunPanelProps) {
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
          <button type="button" className="button" data-testid="run-explore" disabled={disabled} onClick={() => onRun("explore")}>
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
        <button type="button" className="button" data-testid="run-train" disabled={disabled} onClick={() => onRun("train")}>
          Train
        </button>
        <button type="button" className="button button--primary" data-testid="run-plan" disabled={disabled} onClick={() => onRun("plan")}>
          Plan
        </button>
      </div>
      <SettingsFormView {...settings} disabled={disabled} />
    </section>
  );
}
