import { useEffect, useRef } from "react";
import type { SelectBy } from "../api/types";
import { PRESETS, SELECT_BY_CHOICES, trainSummary } from "../state/trainSettings";
import type { TrainErrors, TrainField, TrainForm } from "../state/trainSettings";

export interface TrainSettingsProps {
  form: TrainForm;
  errors: TrainErrors;
  onChange(next: TrainForm): void;
  disabled?: boolean;
}

interface NumberFieldProps {
  field: TrainField;
  label: string;
  hint: string;
  props: TrainSettingsProps;
}

function NumberField({ field, label, hint, props }: NumberFieldProps) {
  const id = `train-${field}`;
  const error = props.errors[field];
  return (
    <div className={`field${error ? " field--error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <div className="field__control">
        <input
          id={id}
          type="text"
          inputMode="numeric"
          autoComplete="off"
          placeholder="auto"
          value={props.form[field]}
          aria-invalid={!!error}
          aria-describedby={`${id}-${error ? "error" : "hint"}`}
          data-testid={id}
          onChange={(e) => props.onChange({ ...props.form, [field]: e.target.value })}
        />
      </div>
      {error ? (
        <span className="field__error" id={`${id}-error`} role="status">
          {error}
        </span>
      ) : (
        <span className="field__hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
    </div>
  );
}

/**
 * The forecast settings of a Train job, folded away by default (Folio's own choices serve most
 * histories): what picks the model, the forecast's calendar (campaigns ahead, the gap before
 * them, campaigns per year, backtest origins) and which models compete. Blank = Folio decides.
 */
export function TrainSettingsView(props: TrainSettingsProps) {
  const { form, errors } = props;
  const toggle = (name: string, on: boolean) =>
    props.onChange({ ...form, candidates: on ? [...form.candidates.filter((n) => n !== name), name] : form.candidates.filter((n) => n !== name) });
  // a message under a field opens the section (the user can fold it again)
  const details = useRef<HTMLDetailsElement>(null);
  const hasErrors = Object.keys(errors).length > 0;
  useEffect(() => {
    if (hasErrors && details.current) details.current.open = true;
  }, [hasErrors]);
  return (
    <details className="settings train-settings" ref={details} data-testid="train-settings">
      <summary>
        Forecast settings <span className="muted small" data-testid="train-summary">{trainSummary(form)}</span>
      </summary>
      <fieldset className="train-settings__body" disabled={props.disabled} aria-label="Forecast settings (Train)">
        <p className="field__hint">Used by Train; blank fields are read from the data.</p>
        <div className="settings__grid">
          <div className="field field--wide">
            <label htmlFor="train-select_by">Pick the model by</label>
            <div className="field__control">
              <select
                id="train-select_by"
                data-testid="train-select_by"
                value={form.select_by}
                onChange={(e) => props.onChange({ ...form, select_by: e.target.value as SelectBy })}
              >
                {SELECT_BY_CHOICES.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <NumberField field="holdout_campaigns" label="Campaigns ahead" hint="How far each forecast reaches; auto: 2" props={props} />
          <NumberField field="gap" label="Gap" hint="Campaigns between the last sales and the first forecast" props={props} />
          <NumberField field="season" label="Campaigns per year" hint="52 for weekly sales; auto: from the dates" props={props} />
          <NumberField field="folds" label="Backtest origins" hint="auto: 3" props={props} />
          <div className={`field field--wide${errors.candidates ? " field--error" : ""}`}>
            <span className="field__label" id="train-candidates-label">
              Models to compare
            </span>
            <div className="country-picks" role="group" aria-labelledby="train-candidates-label" data-testid="train-candidates">
              {PRESETS.map((p) => (
                <label key={p.name} className="country-pick" title={p.name}>
                  <input
                    type="checkbox"
                    data-testid={`train-candidate-${p.name}`}
                    checked={form.candidates.includes(p.name)}
                    onChange={(e) => toggle(p.name, e.target.checked)}
                  />
                  {p.label}
                </label>
              ))}
            </div>
            {errors.candidates ? (
              <span className="field__error" role="status">
                {errors.candidates}
              </span>
            ) : (
              <span className="field__hint">None ticked: Folio compares its own choice</span>
            )}
          </div>
        </div>
      </fieldset>
    </details>
  );
}
