/**
 * The forecast settings a Train job sends: what the user chose, the messages under the fields,
 * and the check that turns it into the train options before anything is sent.
 */
import { useCallback, useState } from "react";
import type { Problem, TrainOptions } from "../api/types";
import { DEFAULT_TRAIN, trainErrorsFrom, validateTrain } from "../state/trainSettings";
import type { TrainErrors, TrainForm } from "../state/trainSettings";

export const TRAIN_PROBLEM: Problem = {
  title: "Check the forecast settings",
  detail: "Some forecast settings are not valid: see the messages under the fields.",
  code: "invalid_settings",
};

export function useTrainSettings() {
  const [trainForm, setTrainForm] = useState<TrainForm>(DEFAULT_TRAIN);
  const [trainErrors, setTrainErrors] = useState<TrainErrors>({});

  const changeTrain = useCallback((next: TrainForm) => {
    setTrainForm(next);
    // fields that showed a message are checked again, so it goes as soon as they are fixed
    setTrainErrors((errs) => {
      if (!Object.keys(errs).length) return errs;
      const again = validateTrain(next).errors;
      const kept: TrainErrors = {};
      for (const k of Object.keys(errs) as (keyof TrainErrors)[]) if (again[k]) kept[k] = again[k];
      return kept;
    });
  }, []);

  /** The options to send, or undefined with the messages shown under the fields. */
  const checkTrain = useCallback((): TrainOptions | undefined => {
    const checked = validateTrain(trainForm);
    setTrainErrors(checked.errors);
    return checked.options;
  }, [trainForm]);

  /** A server's refusal of a train option shown under its field. */
  const showTrainErrors = useCallback((p: Problem) => {
    const errors = trainErrorsFrom(p);
    if (errors) setTrainErrors(errors);
  }, []);

  return { trainForm, trainErrors, changeTrain, checkTrain, showTrainErrors };
}
