/**
 * One list in two layouts: compact cards where the result is narrow (the task pane, under 520 px:
 * nothing scrolls sideways) and the full table where it is wide; on narrow widths the table is
 * there on demand, scrolling inside its own box. The width is the result's own (a container
 * query on `.result`), not the window's, so the page's right column behaves the same.
 */
import { useState } from "react";
import type { ReactNode } from "react";

export interface NarrowSwitchProps {
  compact: ReactNode;
  table: ReactNode;
  /** what the table shows, for the toggle: "Show the full {what} table" */
  what: string;
  testId: string;
}

export function NarrowSwitch({ compact, table, what, testId }: NarrowSwitchProps) {
  const [full, setFull] = useState(false);
  return (
    <div className={`narrow-switch${full ? " narrow-switch--full" : ""}`} data-testid={testId}>
      <button type="button" className="link-button narrow-switch__toggle" aria-expanded={full} data-testid={`${testId}-toggle`} onClick={() => setFull((v) => !v)}>
        {full ? "Show compact" : `Show the full ${what} table`}
      </button>
      <div className="narrow-switch__compact">{compact}</div>
      <div className="narrow-switch__table">{table}</div>
    </div>
  );
}
