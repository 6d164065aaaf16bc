import { useRef } from "react";
import type { ProblemItem, SourceRole } from "../api/types";
import type { SourceOption, TableSource } from "../office/adapter";
import { sourceFromKey, sourceKey } from "../office/adapter";
import { fmtInt } from "./format";
import { IdDetail } from "./IdDetail";

export const ROLE_INFO: Record<SourceRole, { label: string; required?: string; columns?: string }> = {
  history: { label: "History", required: "required" },
  products: { label: "Products", required: "for plans" },
  slots: { label: "Slots" },
  category_limits: { label: "Category limits" },
  locks: { label: "Locked slots", columns: "page, slot (empty: anywhere on the page), product_id, discount (empty: any level): the plan keeps exactly these" },
  brand_limits: { label: "Brand limits", columns: "brand, min, max: how many products of each brand the plan holds" },
  page_conflicts: { label: "Keep apart", columns: "group, product_id: products of one group never share a page" },
  plan: { label: "Your plan", required: "to score", columns: "page, slot, product_id, discount: your own draft, scored against the rules and Folio's plan" },
};

/** Always shown: the tables every plan reads. */
const MAIN_ROLES: SourceRole[] = ["history", "products", "slots", "category_limits"];
/** Folded until one is used: the rules planners add, and their own plan to score. */
const MORE_ROLES: SourceRole[] = ["locks", "brand_limits", "page_conflicts", "plan"];

export interface DataPanelProps {
  className?: string;
  mode: "excel" | "browser";
  sources: SourceOption[];
  mapping: Record<SourceRole, TableSource | null>;
  /** Data rows per role, when known (page: from the workbook; Excel: after reading). */
  rowCounts: Partial<Record<SourceRole, number>>;
  workbookName?: string;
  busy?: boolean;
  datasetStatus: string;
  /** the dataset's server id: shown apart from the status, for support */
  datasetId?: string;
  /** what the server noticed in the data and took anyway, each at its cell */
  warnings?: ProblemItem[];
  /** Given (Excel), a warning whose table was read from the workbook gets "Go to cell". */
  onGoToCell?(item: ProblemItem): void;
  canLocate?(item: ProblemItem): boolean;
  onMap(role: SourceRole, source: TableSource | null): void;
  onLoadDemo?(): void;
  onUpload?(file: File): void;
  onRefresh?(): void;
  onUseSelection?(role: SourceRole): void;
}

/** Which table plays which role: load/upload on the page, tables/selection/sheets in Excel. */
export function DataPanel(props: DataPanelProps) {
  const fileRef = useRef<HTMLInputElement>(null);
  const { mode, sources, mapping } = props;
  return (
    <section className={`card ${props.className ?? ""}`} aria-label="Data">
      <div className="card__head">
        <h2>Data</h2>
        {mode === "excel" && (
          <button type="button" className="button button--subtle" onClick={props.onRefresh} disabled={props.busy}>
            Refresh
          </button>
        )}
      </div>
      {mode === "browser" && (
        <div className="row row--wrap">
          <button type="button" className="button" data-testid="load-demo" onClick={props.onLoadDemo} disabled={props.busy}>
            Load demo workbook
          </button>
          <label className="button button--subtle file-button">
            Upload xlsx / csv
            <input
              ref={fileRef}
              type="file"
              accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
              data-testid="upload-input"
              disabled={props.busy}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) props.onUpload?.(file);
                if (fileRef.current) fileRef.current.value = "";
              }}
            />
          </label>
          {props.workbookName && (
            <span className="muted small" data-testid="workbook-name">
              {props.workbookName}
            </span>
          )}
        </div>
      )}
      {mode === "browser" && sources.length === 0 ? (
        <p className="muted small">Load the demo workbook or upload your own: one sheet per table.</p>
      ) : (
        <>
          <div className="roles" role="group" aria-label="Tables by role">
            {MAIN_ROLES.map((role) => (
              <RolePicker key={role} role={role} props={props} />
            ))}
          </div>
          <details className="more-roles" open={MORE_ROLES.some((r) => !!mapping[r])} data-testid="more-roles">
            <summary>
              Rules and your plan <span className="muted small">{moreSummary(mapping)}</span>
            </summary>
            <div className="roles" role="group" aria-label="Rule tables and your plan">
              {MORE_ROLES.map((role) => (
                <RolePicker key={role} role={role} props={props} />
              ))}
            </div>
          </details>
        </>
      )}
      <div className="dataset-line">
        <p className="dataset-status small" data-testid="dataset-status">
          {props.datasetStatus}
        </p>
        {props.datasetId && <IdDetail id={props.datasetId} what="dataset" testId="dataset-id" />}
      </div>
      {props.warnings && props.warnings.length > 0 && <DataWarnings {...props} warnings={props.warnings} />}
    </section>
  );
}

/** What Folio noticed in the data: taken as sent, but worth a look before trusting a plan. */
function DataWarnings({ warnings, onGoToCell, canLocate }: DataPanelProps & { warnings: ProblemItem[] }) {
  const shown = warnings.slice(0, 20);
  return (
    <div className="data-warnings" role="status" data-testid="data-warnings">
      <p className="data-warnings__title small">
        {warnings.length === 1 ? "One thing to check in your data" : `${warnings.length} things to check in your data`}
        <span className="muted"> (taken as sent; fix them in the sheet if they are not what you meant)</span>
      </p>
      <ul className="data-warnings__list small">
        {shown.map((w, i) => (
          <li key={i} data-testid="data-warning">
            {warningPlace(w) && <span className="data-warnings__where">{warningPlace(w)}: </span>}
            {w.message}
            {onGoToCell && w.cell && (canLocate?.(w) ?? true) && (
              <>
                {" "}
                <button type="button" className="link-button" onClick={() => onGoToCell(w)}>
                  Go to cell
                </button>
              </>
            )}
          </li>
        ))}
        {warnings.length > shown.length && <li className="muted">…and {warnings.length - shown.length} more</li>}
      </ul>
    </div>
  );
}

/** "history, cell A12": where a warning points, in words. */
export function warningPlace(item: ProblemItem): string {
  const table = item.table ? (ROLE_INFO[item.table as SourceRole]?.label ?? item.table) : "";
  const cell = item.cell ? `cell ${item.cell}` : typeof item.row === "number" ? `row ${item.row}` : "";
  return [table, cell].filter(Boolean).join(", ");
}

/** One role: its label, rows, the source picker (and "Use selection" in Excel), its columns. */
function RolePicker({ role, props }: { role: SourceRole; props: DataPanelProps }) {
  const { mode, sources, mapping } = props;
  const current = mapping[role];
  const key = sourceKey(current);
  const known = sources.some((s) => sourceKey(s.source) === key);
  const rows = props.rowCounts[role];
  const id = `map-${role}`;
  const columns = current ? sources.find((s) => sourceKey(s.source) === key)?.columns?.filter(Boolean) : undefined;
  return (
    <div className="role">
      <div className="role__head">
        <label htmlFor={id} className="role__label">
          {ROLE_INFO[role].label}
        </label>
        {ROLE_INFO[role].required && <span className="role-hint">{ROLE_INFO[role].required}</span>}
        <span className="role__rows" data-testid={`rows-${role}`}>
          {current ? (rows === undefined ? "" : `${fmtInt(rows)} rows`) : ""}
        </span>
      </div>
      <div className="role-source">
        <select
          id={id}
          data-testid={id}
          value={key}
          disabled={props.busy}
          onChange={(e) => props.onMap(role, sourceFromKey(e.target.value))}
        >
          <option value="">— none —</option>
          {current && !known && <option value={key}>{describe(current)}</option>}
          {sources.map((s) => (
            <option key={sourceKey(s.source)} value={sourceKey(s.source)}>
              {s.label}
            </option>
          ))}
        </select>
        {mode === "excel" && (
          <button
            type="button"
            className="button button--subtle button--small"
            title="Use the cells selected in Excel"
            onClick={() => props.onUseSelection?.(role)}
            disabled={props.busy}
          >
            Use selection
          </button>
        )}
      </div>
      {columns && columns.length > 0 ? (
        <span className="role__columns" data-testid={`columns-${role}`} title={columns.join(", ")}>
          {columnsPreview(columns)}
        </span>
      ) : (
        !current &&
        ROLE_INFO[role].columns && (
          <span className="role__columns role__columns--hint" data-testid={`hint-${role}`}>
            {ROLE_INFO[role].columns}
          </span>
        )
      )}
    </div>
  );
}

/** What the folded group holds: "locked slots, your plan", or the roles it offers. */
function moreSummary(mapping: Record<SourceRole, TableSource | null>): string {
  const used = MORE_ROLES.filter((r) => mapping[r]).map((r) => ROLE_INFO[r].label.toLowerCase());
  return used.length ? used.join(", ") : "locks, brand limits, products kept apart, your own plan";
}

function describe(source: TableSource): string {
  return source.kind === "range" ? `Selection ${source.sheet}!${source.address}` : source.name;
}

/** The first columns of a table, then how many more: a preview that fits the pane. */
export function columnsPreview(columns: string[], shown = 5): string {
  const head = columns.slice(0, shown).join(", ");
  return columns.length > shown ? `${head} +${columns.length - shown} more` : head;
}
