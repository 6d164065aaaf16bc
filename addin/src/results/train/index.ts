/** The train kind: the models' holdout accuracy in the pane, the same table on "Folio Models". */
import type { TrainResult } from "../../api/types";
import { fmtPct } from "../../components/format";
import type { ResultKind } from "../kind";
import { METRIC_FORMATS, trainMetricsTable } from "./sheets";
import { TrainView } from "./TrainView";

export const trainKind: ResultKind<TrainResult> = {
  label: "Train",
  View: TrainView,
  writeLabel: "Write to sheets",
  writeTestId: "write-sheets",
  announce(result) {
    const chosen = (result.candidates ?? []).find((c) => c.chosen) ?? (result.candidates ?? [])[0];
    // the champion by what it means for the next plan (its id is in the view, for support)
    const champion = !result.champion ? "" : (result.models ?? []).includes(result.champion) ? "; plans now use it" : "; plans keep the earlier champion";
    return chosen ? `Training finished: best candidate ${chosen.name}, WAPE ${fmtPct(chosen.metrics?.wape)}${champion}.` : "Training finished.";
  },
  async write(adapter, result) {
    await adapter.writeTable("Folio Models", trainMetricsTable(result), { tableName: "FolioModels", numberFormats: METRIC_FORMATS });
    return "Model metrics are on the sheet “Folio Models”.";
  },
};
