import type { ReactNode } from "react";
import { GLOSSARY } from "../results/glossary";
import type { GlossaryKey } from "../results/glossary";
import type { CountriesForm, CountryMode, SettingsErrors, SettingsField, SettingsForm } from "../state/planSettings";
import { Explain } from "./Explain";

export interface SettingsFormProps {
  form: SettingsForm;
  errors: SettingsErrors;
  onChange(field: SettingsField, value: string): void;
  /** One catalogue for all markets, or one per country (all, or those chosen). */
  countries?: CountriesForm;
  /** The countries of the history table; undefined while not read (or not mapped). */
  availableCountries?: string[];
  onCountriesChange?(next: CountriesForm): void;
  /** Layout comes from a mapped slots table: pages and slots per page are then fallbacks. */
  hasSlotsTable?: boolean;
  disabled?: boolean;
}

interface FieldProps {
  field: SettingsField;
  label: string;
  hint?: string;
  testId?: string;
  inputMode?: "numeric" | "decimal" | "text";
  suffix?: string;
  /** a "?" beside the label with the glossary's explanation */
  explain?: GlossaryKey;
  placeholder?: string;
  props: SettingsFormProps;
  children?: ReactNode;
}

function Field({ field, label, hint, testId, inputMode = "numeric", suffix, explain, placeholder, props, children }: FieldProps) {
  const error = props.errors[field];
  const id = `setting-${field}`;
  return (
    <div className={`field${error ? " field--error" : ""}`}>
      <span className="field__label">
        <label htmlFor={id}>{label}</label>
        {explain && <Explain term={GLOSSARY[explain].term} text={GLOSSARY[explain].text} testId={`explain-${field}`} />}
      </span>
      <div className="field__control">
        {children ?? (
          <input
            id={id}
            name={field}
            type="text"
            inputMode={inputMode}
            autoComplete="off"
            value={props.form[field]}
            placeholder={placeholder}
            disabled={props.disabled}
            aria-invalid={!!error}
            aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
            data-testid={testId}
            onChange={(e) => props.onChange(field, e.target.value)}
          />
        )}
        {suffix && <span className="field__suffix">{suffix}</span>}
      </div>
      {error ? (
        <span className="field__error" id={`${id}-error`} role="status">
          {error}
        </span>
      ) : (
        hint && (
          <span className="field__hint" id={`${id}-hint`}>
            {hint}
          </span>
        )
      )}
    </div>
  );
}

/** One catalogue for every market, or one per country: a mode and, for "choose", a checkbox per country. */
function CountriesField({ props }: { props: SettingsFormProps }) {
  const form = props.countries!;
  const available = props.availableCountries;
  const error = props.errors.countries;
  const known = available !== undefined;
  const none = known && available.length === 0;
  const change = (next: Partial<CountriesForm>) => props.onCountriesChange?.({ ...form, ...next });
  // choosing starts from every country ticked (unticking is quicker than ticking)
  const ticked = form.chosen ?? available ?? [];
  const hint = !known
    ? "The countries are read from the history table"
    : none
      ? "The history has no country column: one market"
      : form.mode === "one"
        ? `One plan for ${available.join(", ")} together`
        : form.mode === "all"
          ? `${available.length} plans in parallel: ${available.join(", ")}`
          : undefined;
  return (
    <div className={`field field--wide${error ? " field--error" : ""}`}>
      <label htmlFor="setting-countries">Countries</label>
      <div className="field__control">
        <select
          id="setting-countries"
          data-testid="setting-countries"
          value={form.mode}
          aria-invalid={!!error}
          aria-describedby={error ? "setting-countries-error" : hint ? "setting-countries-hint" : undefined}
          onChange={(e) => change({ mode: e.target.value as CountryMode })}
        >
          <option value="one">One catalogue for all markets</option>
          <option value="all" disabled={none}>
            One catalogue per country{known && !none ? ` (all ${available.length})` : ""}
          </option>
          <option value="choose" disabled={none}>
            One catalogue per country: choose…
          </option>
        </select>
      </div>
      {form.mode === "choose" && known && !none && (
        <div className="country-picks" role="group" aria-label="Countries to plan" data-testid="setting-countries-list">
          {available.map((c) => (
            <label key={c} className="country-pick">
              <input
                type="checkbox"
                data-testid={`setting-country-${c}`}
                checked={ticked.includes(c)}
                onChange={(e) => change({ chosen: e.target.checked ? [...ticked.filter((x) => x !== c), c] : ticked.filter((x) => x !== c) })}
              />
              {c}
            </label>
          ))}
        </div>
      )}
      {error ? (
        <span className="field__error" id="setting-countries-error" role="status">
          {error}
        </span>
      ) : (
        hint && (
          <span className="field__hint" id="setting-countries-hint" data-testid="setting-countries-hint">
            {hint}
          </span>
        )
      )}
    </div>
  );
}

/** The plan settings, with inline validation messages. */
export function SettingsFormView(props: SettingsFormProps) {
  const layoutHint = props.hasSlotsTable ? "Only used without a slots table" : undefined;
  return (
    <fieldset className="settings" disabled={props.disabled}>
      <legend>Plan settings</legend>
      <div className="settings__grid">
        <Field field="pages" label="Pages" testId="setting-pages" hint={layoutHint} props={props} />
        <Field field="slots_per_page" label="Slots per page" testId="setting-slots-per-page" hint={layoutHint} props={props} />
        <Field
          field="discount_levels"
          label="Discount levels"
          inputMode="text"
          testId="setting-discount-levels"
          hint={"Percents, e.g. 0, 10, 20, 30\u00a0%"}
          props={props}
        />
        <Field field="objective" label="Objective" props={props}>
          <select
            id="setting-objective"
            value={props.form.objective}
            data-testid="setting-objective"
            onChange={(e) => props.onChange("objective", e.target.value)}
          >
            <option value="profit">Profit</option>
            <option value="revenue">Revenue</option>
            <option value="units">Units</option>
          </select>
        </Field>
        <Field
          field="max_discounted_share"
          label="Max discounted"
          inputMode="decimal"
          suffix="%"
          testId="setting-max-discounted-share"
          props={props}
        />
        <Field field="anomaly_weight" label="Anomaly weight" inputMode="decimal" testId="setting-anomaly-weight" props={props} />
        <Field field="population" label="Population" testId="setting-population" props={props} />
        <Field
          field="generations"
          label="Generations"
          hint="Empty = until the time limit"
          placeholder="no limit"
          testId="setting-generations"
          props={props}
        />
        <Field field="time_limit_s" label="Time limit" inputMode="decimal" suffix="s" testId="setting-time-limit" props={props} />
        <Field
          field="stagnation_generations"
          label="Stop if stuck (gen.)"
          hint="0 = never"
          testId="setting-stagnation"
          props={props}
        />
        <Field field="seed" label="Seed" testId="setting-seed" props={props} />
        <Field
          field="max_same_category_per_page"
          label="At most per page"
          hint="Of one category; empty = no limit"
          placeholder="no limit"
          explain="max_same_category_per_page"
          testId="setting-max-same-category-per-page"
          props={props}
        />
        <Field
          field="min_margin"
          label="Min margin per row"
          inputMode="decimal"
          suffix="%"
          hint="After discount; empty = none"
          placeholder="none"
          explain="min_margin"
          testId="setting-min-margin"
          props={props}
        />
        {props.countries && <CountriesField props={props} />}
      </div>
    </fieldset>
  );
}
