/**
 * The plan settings form: what the user typed, the messages under the fields, and the check that
 * turns it into the contract's settings (and countries) before anything is sent.
 */
import { useCallback, useState } from "react";
import type { CountriesChoice, PlanSettings, Problem } from "../api/types";
import { DEFAULT_COUNTRIES, DEFAULT_SETTINGS, fieldErrorsFrom, validateCountries, validateSettings } from "../state/planSettings";
import type { CountriesForm, SettingsErrors, SettingsField, SettingsForm } from "../state/planSettings";

export const SETTINGS_PROBLEM: Problem = {
  title: "Check the plan settings",
  detail: "Some plan settings are not valid: see the messages under the fields.",
  code: "invalid_settings",
};

export function usePlanSettings() {
  const [form, setForm] = useState<SettingsForm>(DEFAULT_SETTINGS);
  const [countriesForm, setCountriesForm] = useState<CountriesForm>(DEFAULT_COUNTRIES);
  const [settingsErrors, setSettingsErrors] = useState<SettingsErrors>({});

  const changeSetting = useCallback(
    (field: SettingsField, value: string) => {
      const next = { ...form, [field]: value } as SettingsForm;
      setForm(next);
      // a field that showed an error is checked again, so the message goes as soon as it is fixed
      if (settingsErrors[field]) {
        const again = validateSettings(next).errors[field];
        setSettingsErrors((errs) => {
          const { [field]: _drop, ...rest } = errs;
          return again ? { ...rest, [field]: again } : rest;
        });
      }
    },
    [form, settingsErrors],
  );

  const changeCountries = useCallback((next: CountriesForm) => {
    setCountriesForm(next);
    setSettingsErrors(({ countries: _drop, ...rest }) => rest);
  }, []);

  /** The settings to send, or undefined with the messages shown under the fields. */
  const checkSettings = useCallback(
    (historyCountries: string[] | undefined): { settings: PlanSettings; countries?: CountriesChoice } | undefined => {
      const checked = validateSettings(form);
      setSettingsErrors(checked.errors);
      if (!checked.settings) return undefined;
      const chosen = validateCountries(countriesForm, historyCountries);
      if (chosen.error) {
        setSettingsErrors((errs) => ({ ...errs, countries: chosen.error }));
        return undefined;
      }
      return { settings: checked.settings, countries: chosen.countries };
    },
    [countriesForm, form],
  );

  /** A server's refusal shown under the fields it names. */
  const showServerErrors = useCallback((p: Problem) => {
    const errors = fieldErrorsFrom(p);
    if (!errors) return;
    if (p.code === "invalid_settings") setSettingsErrors(errors);
    else setSettingsErrors((errs) => ({ ...errs, ...errors }));
  }, []);

  return { form, settingsErrors, changeSetting, countriesForm, changeCountries, checkSettings, showServerErrors };
}
