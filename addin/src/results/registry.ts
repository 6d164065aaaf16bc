/**
 * Every job kind whose result the add-in shows, in the order of the results tabs. A new kind:
 * a folder `results/<kind>/` with its view and Excel writer, and one line here.
 */
import type { JobKind } from "../api/types";
import type { ResultKind } from "./kind";
import { exploreKind } from "./explore";
import { planKind } from "./plan";
import { scenariosKind } from "./scenarios";
import { scoreKind } from "./score";
import { trainKind } from "./train";

// eslint-style note: each kind knows its own result type; the registry only routes by kind
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyKind = ResultKind<any>;

export const RESULT_KINDS: Partial<Record<JobKind, AnyKind>> = {
  plan: planKind,
  scenarios: scenariosKind,
  score: scoreKind,
  train: trainKind,
  explore: exploreKind,
};

/** The kinds with a result view, in tab order. */
export const RESULT_ORDER = (Object.keys(RESULT_KINDS) as JobKind[]);

export function resultKind(kind: JobKind): AnyKind | undefined {
  return RESULT_KINDS[kind];
}
