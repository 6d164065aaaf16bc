import type { Table, WsProgressMessage } from "../../api/types";
import type { ChartSpec, WorkbookAdapter } from "../../office/adapter";
import { pointFrom } from "../../state/job";
import type { LiveWriter } from "../kind";

export const CONVERGENCE_HEADER = ["generation", "best", "mean", "feasible_share"];

/** The native line chart kept next to the convergence rows. */
export const CONVERGENCE_CHART: ChartSpec = {
  type: "line",
  title: "Convergence: best and mean per generation",
  category: "generation",
  series: ["best", "mean"],
};

/**
 * Writes a running plan's convergence rows into the workbook as they arrive: the first
 * batch creates the sheet and table, later batches append. Batches are flushed on a timer
 * so a fast job costs a few Excel requests, not one per generation.
 */
export class ConvergenceSink implements LiveWriter {
  private pending: Table = [];
  private started = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(
    private readonly adapter: WorkbookAdapter,
    private readonly opts: {
      sheet?: string;
      table?: string;
      intervalMs?: number;
      onError?(err: unknown): void;
    } = {},
  ) {}

  /** A plan-phase progress event becomes a row (generation, best, mean, feasible share). */
  push(message: WsProgressMessage): void {
    const pt = pointFrom(message);
    if (pt) this.pushRow([pt.generation, pt.best, pt.mean, typeof message.feasible_share === "number" ? message.feasible_share : null]);
  }

  pushRow(row: Table[number]): void {
    if (this.failed) return;
    this.pending.push(row);
    if (this.timer === undefined) this.timer = setTimeout(() => void this.flush(), this.opts.intervalMs ?? 1500);
  }

  /** Write what is pending now; resolves when every earlier write is done. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.pending;
    this.pending = [];
    if (rows.length === 0 || this.failed) return this.chain;
    const sheet = this.opts.sheet ?? "Folio Convergence";
    const table = this.opts.table ?? "FolioConvergence";
    this.chain = this.chain
      .then(() => {
        if (this.started) return this.adapter.appendRows(table, rows);
        this.started = true;
        return this.adapter.writeTable(sheet, [CONVERGENCE_HEADER, ...rows], {
          tableName: table,
          activate: false,
          chart: CONVERGENCE_CHART,
        });
      })
      .catch((err) => {
        this.failed = true;
        this.opts.onError?.(err);
      });
    return this.chain;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.failed = true;
  }
}
