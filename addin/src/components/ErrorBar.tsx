import type { Problem, ProblemItem } from "../api/types";
import { plannerTitle } from "./problemWords";

export interface ErrorBarProps {
  problem: Problem | null;
  onDismiss?(): void;
  /** Given (Excel), each located problem gets a "Go to cell" action. */
  onGoToCell?(item: ProblemItem): void;
  /** Whether an item can be located (its table was read from the workbook). */
  canLocate?(item: ProblemItem): boolean;
  maxItems?: number;
}

function where(item: ProblemItem): string {
  const parts: string[] = [];
  if (item.table) parts.push(item.table);
  if (typeof item.row === "number") parts.push(`row ${item.row}`);
  if (item.column) parts.push(item.column);
  if (item.cell) parts.push(item.cell);
  return parts.join(" · ");
}

/** The one message bar: the problem's detail, then every cell it names. */
export function ErrorBar({ problem, onDismiss, onGoToCell, canLocate, maxItems = 50 }: ErrorBarProps) {
  if (!problem) return null;
  const items = problem.errors ?? [];
  const shown = items.slice(0, maxItems);
  const title = plannerTitle(problem);
  return (
    <div className="error-bar" role="alert" data-testid="error-bar" data-code={problem.code ?? ""}>
      <div className="error-bar__head">
        <span className="error-bar__icon" aria-hidden="true">
          !
        </span>
        <div className="error-bar__text">
          {title && <strong className="error-bar__title">{title}</strong>}
          <span className="error-bar__detail">{problem.detail || problem.title || "Something went wrong."}</span>
          {problem.code && <span className="error-bar__code">{problem.code}</span>}
        </div>
        {onDismiss && (
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
            ×
          </button>
        )}
      </div>
      {shown.length > 0 && (
        <ul className="error-bar__list">
          {shown.map((item, i) => (
            <li key={i} className="error-bar__item">
              <span className="error-bar__where">{where(item) || "—"}</span>
              {item.message && <span className="error-bar__message">{item.message}</span>}
              {onGoToCell && (canLocate?.(item) ?? true) && (
                <button type="button" className="link-button" onClick={() => onGoToCell(item)}>
                  Go to cell
                </button>
              )}
            </li>
          ))}
          {items.length > shown.length && (
            <li className="error-bar__more">…and {items.length - shown.length} more</li>
          )}
        </ul>
      )}
    </div>
  );
}
