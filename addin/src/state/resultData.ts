/**
 * Whose data a finished result is, as pure functions. The results panel keeps each kind's last
 * result while the planner loads other data (and the page shows them again after a reload), so a
 * result may come from tables other than the ones the Data card shows now: such a result says so
 * in words, by the name the planner knows its data by, and is never shown with the names of
 * another products table (a P0007 of one file is not the P0007 of another).
 */
import type { DatasetInfo } from "./dataset";

/** The dataset the Data card shows: its id, and whether the mapped tables still match it. */
export interface CurrentData {
  id: string;
  /** false once the mapping or the workbook changed since it was sent ("Data changed") */
  ready: boolean;
}

/** A dataset as the planner knows it: "Demo workbook · 36 campaigns". */
export function datasetLabel(info: Pick<DatasetInfo, "name" | "campaigns">): string {
  const name = info.name || "the data sent before";
  return info.campaigns === undefined ? name : `${name} · ${info.campaigns.toLocaleString("en-US")} ${info.campaigns === 1 ? "campaign" : "campaigns"}`;
}

/**
 * The words that say a result is not from the tables shown now, or undefined when it is (or when
 * that cannot be told: no dataset known yet, a result without its dataset).
 * `labelOf` names a dataset the pane has seen ("Demo workbook · 36 campaigns").
 */
export function otherDataNote(resultDataset: string | undefined, current: CurrentData | null, labelOf: (id: string) => string | undefined): string | undefined {
  if (!resultDataset || !current) return undefined;
  const label = labelOf(resultDataset);
  if (current.id === resultDataset)
    return current.ready ? undefined : `Made from the data sent before${label ? ` (${label})` : ""}: your tables changed since. Run it again to use them as they are now.`;
  return `Made from other data${label ? `: ${label}` : ""}, not the tables loaded now. Run it again for these tables.`;
}
