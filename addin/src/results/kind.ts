/**
 * What the add-in knows about one job kind's result: how the pane shows it and how Excel gets
 * it. Each kind is one folder (`results/<kind>/`) exporting a `ResultKind`; `registry.ts` lists
 * them, so a new kind is one folder and one line there.
 */
import type { ComponentType } from "react";
import type { ProblemItem, Role, WsProgressMessage } from "../api/types";
import type { WorkbookAdapter } from "../office/adapter";

/** What a result view or writer may need besides the result: facts the pane holds. */
export interface ResultContext {
  /** the table an explore job looked at */
  table?: Role;
  /** product_id -> name, from the products table when it has a `name` column */
  productNames?: ReadonlyMap<string, string>;
  /** Excel: show a cell of a table read from the workbook (the planner's plan a score names) */
  locate?: { canLocate(item: ProblemItem): boolean; goToCell(item: ProblemItem): void };
}

export interface ResultViewProps<R> {
  result: R;
  context: ResultContext;
}

/** Writes a running job's progress into the workbook as it arrives (plan: convergence rows). */
export interface LiveWriter {
  push(message: WsProgressMessage): void;
  /** resolves when every row pushed so far is written */
  flush(): Promise<void>;
  dispose(): void;
}

export interface ResultKind<R = never> {
  /** the tab's label */
  label: string;
  View: ComponentType<ResultViewProps<R>>;
  /** the Excel button: its label and test id */
  writeLabel: string;
  writeTestId: string;
  /** The server can make a read-only share link of this kind's finished job (a plan). */
  shareable?: boolean;
  /** What a screen reader hears when the job finishes: the result in one sentence. */
  announce(result: R): string;
  /** Write the result as sheets; returns the notice that says where it went. */
  write(adapter: WorkbookAdapter, result: R, context: ResultContext): Promise<string>;
  /** A writer for the job's live progress, when this kind has one for this adapter and job. */
  live?(adapter: WorkbookAdapter, job: { countries?: string[] }, onError: (err: unknown) => void): LiveWriter | null;
}
