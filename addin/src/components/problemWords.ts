/**
 * A problem's title in a planner's words. The server's titles are written for developers ("The
 * tables do not match the contract", "Invalid job request"); the stable `code` says what
 * happened, so the pane words it for the person who has to act. Unknown codes keep the server's
 * title. The detail and the cells are shown as the server sent them.
 */
import type { Problem } from "../api/types";

export const PLANNER_TITLES: Record<string, string> = {
  invalid_table: "Some cells in your tables need fixing",
  invalid_workbook: "This file cannot be read",
  no_history: "Load your sales history first",
  invalid_settings: "Check the plan settings",
  invalid_job: "This run cannot start as set up",
  invalid_request: "This request cannot be used as sent",
  infeasible: "No plan can keep all your rules",
  insufficient_data: "Not enough sales history for this",
  model_incompatible: "The saved forecast model cannot be used: train again",
  unreachable: "The Folio server does not answer",
  unauthorized: "The server needs your access token (Server connection)",
  forbidden: "This is not allowed with your access token",
  rate_limited: "Too many requests at once: wait a moment and try again",
  queue_full: "The server is busy: try again in a minute",
  payload_too_large: "The data is too large to send in one go",
  not_found: "Not found: it may have been removed",
  conflict: "This changed meanwhile: try again",
  worker_lost: "The job stopped unexpectedly: run it again",
  storage_full: "The server has no room left to store this",
  invalid_share: "This link cannot be made as asked",
  cancelled: "Cancelled",
  internal: "Something went wrong on the server",
  failed: "The job failed",
};

/** The title to show above a problem's detail (undefined: show the detail alone). */
export function plannerTitle(problem: Problem): string | undefined {
  const tooLarge = problem.code === "invalid_workbook" && problem.status === 413;
  const title = tooLarge ? "This file is too large" : (problem.code && PLANNER_TITLES[problem.code]) || problem.title;
  return title && title !== problem.detail ? title : undefined;
}
