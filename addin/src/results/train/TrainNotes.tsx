/**
 * What the history allowed the training to do, in the engine's own sentences: each concession a
 * short or flat history forced (``degraded``: fewer backtest folds, models not tried, features left
 * out, no better than the mean baseline) and how the season was read. The train result carried
 * them but the pane showed none, so a planner with eight campaigns was told nothing of why.
 */
import type { TrainResult } from "../../api/types";

export function trainNotes(result: TrainResult): string[] {
  const notes = (result.degraded ?? []).map((d) => d.message).filter((m): m is string => typeof m === "string" && !!m);
  const season = result.season;
  if (season?.detail) notes.push(season.value ? `Season: ${season.detail}.` : `No season: ${season.detail}.`);
  return notes;
}

export function TrainNotes({ result }: { result: TrainResult }) {
  const notes = trainNotes(result);
  if (!notes.length) return null;
  return (
    <div className="train-notes" data-testid="train-notes">
      <h4>What your history allowed</h4>
      <ul className="small">
        {notes.map((note, i) => (
          <li key={i}>{note}</li>
        ))}
      </ul>
    </div>
  );
}
