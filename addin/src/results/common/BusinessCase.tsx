/**
 * The business case on one screen, readable at 320 px: the headline lift over the last catalogue
 * first, then profit, revenue and units as pairs of bars (this plan, the planner's own plan when
 * scored, the last catalogue; ranges where the engine gives them), each country's own case, and
 * in words what "last catalogue" means and how it met this layout.
 */
import type { PlanResult } from "../../api/types";
import { Explain } from "../../components/Explain";
import { fmtInt, fmtTotal, isNum } from "../../components/format";
import { GLOSSARY } from "../glossary";
import { caseFigures, caseHeadline, countryCases, fmtLift, headlineSentence, lastCatalogueWords, objectiveOf } from "./businessCase";
import type { CaseFigure, CaseValue } from "./businessCase";

const liftClass = (v: number | null) => (v === null ? "" : v >= 0 ? " case-lift--up" : " case-lift--down");

function fmtFigure(f: CaseFigure, v: number | null | undefined): string {
  return f.figure === "units" ? fmtInt(v) : fmtTotal(v);
}

function Bar({ figure, value, scale }: { figure: CaseFigure; value: CaseValue; scale: number }) {
  const width = (v: number | null | undefined) => (isNum(v) && scale > 0 ? Math.max(0, Math.min(1, v / scale)) * 100 : 0);
  const range = value.low !== undefined && value.high !== undefined;
  const own = value.option.name === "own" && isNum(value.option.lift?.[figure.figure]) ? value.option.lift![figure.figure]! : null;
  return (
    <li className={`case-bar case-bar--${value.option.name}`} data-testid={`case-${figure.figure}-${value.option.name}`}>
      <span className="case-bar__label">{value.option.label}</span>
      <span className="case-bar__value">
        {fmtFigure(figure, value.value)}
        {own !== null && <span className={`case-bar__lift${liftClass(own)}`}> {fmtLift(own)}</span>}
      </span>
      <span className="case-bar__track" aria-hidden="true">
        <span className="case-bar__fill" style={{ width: `${width(value.value).toFixed(1)}%` }} />
        {range && (
          <span
            className="case-bar__range"
            style={{ left: `${width(value.low).toFixed(1)}%`, width: `${Math.max(0.5, width(value.high) - width(value.low)).toFixed(1)}%` }}
          />
        )}
      </span>
      {range && (
        <span className="case-bar__range-text">
          8 in 10 between {fmtFigure(figure, value.low)} and {fmtFigure(figure, value.high)}
        </span>
      )}
    </li>
  );
}

function FigureBars({ figure }: { figure: CaseFigure }) {
  const scale = Math.max(0, ...figure.values.flatMap((v) => [v.value ?? 0, v.high ?? 0]));
  return (
    <div className="case-figure" data-testid={`case-${figure.figure}`}>
      <div className="case-figure__head">
        <span className="case-figure__label">{figure.label}</span>
        {figure.lift !== null && <span className={`case-figure__lift${liftClass(figure.lift)}`}>{fmtLift(figure.lift)}</span>}
      </div>
      <ul className="case-bars">
        {figure.values.map((v) => (
          <Bar key={v.option.name} figure={figure} value={v} scale={scale} />
        ))}
      </ul>
    </div>
  );
}

function CountryCases({ result }: { result: PlanResult }) {
  const rows = countryCases(result.business_case!, objectiveOf(result));
  if (!rows.length) return null;
  return (
    <div className="case-countries" data-testid="case-countries">
      <h4>
        Each country against its last catalogue <span className="muted small">{rows[0].label.toLowerCase()}</span>
      </h4>
      <table className="case-countries__table">
        <thead>
          <tr>
            <th scope="col">Country</th>
            <th scope="col" className="num">Plan</th>
            <th scope="col" className="num">Last</th>
            <th scope="col" className="num">Lift</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.country} data-testid={`case-country-${r.country}`}>
              <th scope="row">{r.country}</th>
              <td className="num">{r.figure === "units" ? fmtInt(r.plan) : fmtTotal(r.plan)}</td>
              <td className="num">{r.reason ? <span title={r.reason}>none</span> : r.figure === "units" ? fmtInt(r.last) : fmtTotal(r.last)}</td>
              <td className={`num${liftClass(r.lift)}`}>{fmtLift(r.lift)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `subject`: what "the plan" is called in the headline ("this plan"; a scored plan's view: "Folio's plan"). */
export function BusinessCaseView({ result, subject }: { result: PlanResult; subject?: string }) {
  const c = result.business_case!;
  const multi = !!c.countries?.length;
  const head = caseHeadline(c, objectiveOf(result));
  const figures = caseFigures(c);
  const words = lastCatalogueWords(result);
  const noCatalogue = !!c.last_catalogue?.reason && !!words;
  return (
    <section className="case" aria-label="Business case" data-testid="business-case">
      <h3>Business case</h3>
      {head ? (
        <div className="case__hero" data-testid="case-headline">
          <div className="case__lift-line">
            <span className={`case__lift${liftClass(head.lift)}`} data-testid="case-lift">
              {fmtLift(head.lift)}
            </span>
            <span className="case__lift-what">
              {head.figure}
              {subject ? ` of ${subject}` : ""} over the last catalogue{multi ? "s" : ""}
              <Explain term={GLOSSARY.lift.term} text={GLOSSARY.lift.text} testId="explain-lift" />
            </span>
          </div>
          <p className="case__sentence">{headlineSentence(head, multi, subject)}</p>
        </div>
      ) : (
        <p className="notice" data-testid="case-no-lift">
          {noCatalogue ? words!.meaning : "No overall lift to show: see below."}
        </p>
      )}
      <div className="case__figures">
        {figures.map((f) => (
          <FigureBars key={f.figure} figure={f} />
        ))}
      </div>
      {multi && <CountryCases result={result} />}
      {words && (
        <div className="case__basis small" data-testid="case-basis">
          {!noCatalogue && <p>{words.meaning}</p>}
          {words.notes.length > 0 && (
            <ul className="case__notes">
              {words.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
