import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { BusinessCase, PlanResult } from "../../api/types";
import { caseFigures, caseHeadline, countryCases, fmtLift, headlineSentence, lastCatalogueWords } from "../common/businessCase";
import { PlanView } from "./PlanView";
import { businessCaseBlocks, planSummaryBlocks } from "./sheets";

// the shapes the engine returned for the demo (seed 4, 20 generations), figures rounded
const single: BusinessCase = {
  options: [
    { name: "plan", label: "This plan", units: 120194.7, revenue: 2132510.6, profit: 1312395.4, products: 144 },
    { name: "last_catalogue", label: "Last catalogue (2025-01)", campaign: "2025-01", units: 75644.0, revenue: 954293.5, profit: 599504.0, products: 144 },
  ],
  last_catalogue: { campaign: "2025-01", shown: 287, left_out: 17, dropped: 126, empty_slots: 0, discounts_changed: 16 },
  lift: { profit: 1.18914, revenue: 1.23465, units: 0.58895 },
  basis: "the same model, layout and cannibalisation factor value every option",
};

const multi: BusinessCase = {
  options: [
    { name: "plan", countries: 2, units: 79827.5, revenue: 1424677.0, profit: 878430.8, products: 288, label: "This plan" },
    { name: "last_catalogue", countries: 2, units: 52321.5, revenue: 684127.5, profit: 431555.6, products: 288, label: "Last catalogues" },
  ],
  lift: { profit: 1.0355, revenue: 1.0825, units: 0.5257 },
  last_catalogue: { shown: 411, left_out: 29, dropped: 94, empty_slots: 0, discounts_changed: 31, campaigns: ["2025-01"] },
  countries: [
    {
      country: "DE",
      options: [
        { name: "plan", label: "This plan", units: 51316.3, revenue: 917314.6, profit: 565856.6, products: 144 },
        { name: "last_catalogue", label: "Last catalogue (2025-01)", campaign: "2025-01", units: 34112.6, revenue: 442847.5, profit: 278566.0, products: 144 },
      ],
      last_catalogue: { campaign: "2025-01", shown: 220, left_out: 14, dropped: 62, empty_slots: 0, discounts_changed: 14 },
      lift: { profit: 1.0313, revenue: 1.0714, units: 0.5043 },
      basis: "the same model, layout and cannibalisation factor value every option",
    },
    {
      country: "PL",
      options: [
        { name: "plan", label: "This plan", units: 28511.2, revenue: 507362.4, profit: 312574.2, products: 144 },
        { name: "last_catalogue", label: "Last catalogue (2025-01)", campaign: "2025-01", units: 18208.9, revenue: 241279.9, profit: 152989.5, products: 144 },
      ],
      last_catalogue: { campaign: "2025-01", shown: 191, left_out: 15, dropped: 32, empty_slots: 0, discounts_changed: 17 },
      lift: { profit: 1.0431, revenue: 1.1028, units: 0.5658 },
      basis: "the same model, layout and cannibalisation factor value every option",
    },
  ],
  basis: "the same model, layout and cannibalisation factor value every option",
};

// the honest promise (issue 14) and the planner's own plan ("score my plan"), as the engine documents them
const withPromise: BusinessCase = {
  options: [
    { name: "plan", label: "This plan", profit: 1000, expected_profit: 900, expected_profit_low: 800, expected_profit_high: 980, revenue: 3000, units: 200, products: 10 },
    { name: "own", label: "Your plan", profit: 800, expected_profit: 760, expected_profit_low: 650, expected_profit_high: 820, revenue: 2500, units: 180, products: 10, lift: { profit: 0.2667, revenue: 0.25, units: 0.2 } },
    { name: "last_catalogue", label: "Last catalogue (24)", campaign: 24, profit: 640, expected_profit: 600, expected_profit_low: 520, expected_profit_high: 650, revenue: 2000, units: 150, products: 9 },
  ],
  last_catalogue: { campaign: 24, shown: 9, left_out: 0, dropped: 0, empty_slots: 1, discounts_changed: 0 },
  lift: { profit: 0.5, revenue: 0.5, units: 0.3333 },
  basis: "the same model, layout and cannibalisation factor value every option",
};

const base: PlanResult = {
  plan: [["page", "slot", "product_id", "discount", "forecast_units", "forecast_revenue", "forecast_profit"], [1, 1, "P1", 0, 10, 100, 40]],
  totals: { units: 120194.7, revenue: 2132510.6, profit: 1312395.4, products: 144, slots_used: 144 },
  rules: [],
  convergence: [],
  layout: { source: "slots", slots: 144, pages: 24 },
  settings: { objective: "profit" },
};

describe("the business case in figures and words", () => {
  it("compares on the forecast when the options have no expected figures, lift per figure", () => {
    const figures = caseFigures(single);
    expect(figures.map((f) => [f.figure, f.key, f.label, f.lift])).toEqual([
      ["profit", "profit", "Profit (forecast)", 1.18914],
      ["revenue", "revenue", "Revenue (forecast)", 1.23465],
      ["units", "units", "Units (forecast)", 0.58895],
    ]);
    expect(figures[0].values.map((v) => [v.option.label, v.value])).toEqual([["This plan", 1312395.4], ["Last catalogue (2025-01)", 599504.0]]);
    const head = caseHeadline(single, "profit")!;
    expect(head).toMatchObject({ figure: "profit", lift: 1.18914, expected: false });
    expect(head.difference).toBeCloseTo(712891.4);
    expect(fmtLift(head.lift)).toBe("+118.9\u00a0%");
    expect(headlineSentence(head)).toBe("On the same layout, the forecast gives this plan 712,891 more profit than the last catalogue.");
    // a revenue plan leads with revenue
    expect(caseHeadline(single, "revenue")?.figure).toBe("revenue");
  });

  it("says what the last catalogue is and how it met this layout, from the engine's counts", () => {
    const words = lastCatalogueWords({ ...base, business_case: single })!;
    expect(words.meaning).toBe(
      "“Last catalogue” is campaign 2025-01, the latest in your history, as it was printed: its products in page order " +
        "(featured and larger slots first) fill this plan's 144 slots in order, each with its own discount. " +
        "The same model, layout and cannibalisation factor value every option, so the difference is the plan's own doing.",
    );
    expect(words.notes).toEqual([
      "It showed 287 products.",
      "17 of them are no longer candidates (not in your products table): left out.",
      "126 found no slot: this layout has 144 slots.",
      "16 discounts are not allowed now: moved to the nearest allowed level.",
    ]);
  });

  it("uses the expected figures with their ranges when every option has them; the own plan has its lift", () => {
    const [profit, revenue] = caseFigures(withPromise);
    expect(profit).toMatchObject({ key: "expected_profit", label: "Expected profit", expected: true, lift: 0.5 });
    expect(profit.values.map((v) => [v.option.name, v.value, v.low, v.high])).toEqual([
      ["plan", 900, 800, 980],
      ["own", 760, 650, 820],
      ["last_catalogue", 600, 520, 650],
    ]);
    expect(revenue).toMatchObject({ key: "revenue", expected: false });
    expect(headlineSentence(caseHeadline(withPromise)!)).toBe(
      "Corrected for the search's optimism, this plan is expected to earn 300.00 more profit than the last catalogue on the same layout.",
    );
    expect(lastCatalogueWords({ ...base, business_case: withPromise })!.notes).toContain("1 slot stays empty: it had fewer products.");
  });

  it("says why there is no lift when the history shows no catalogue", () => {
    const none: BusinessCase = {
      options: [{ name: "plan", label: "This plan", profit: 10, revenue: 20, units: 3, products: 1 }],
      last_catalogue: { reason: "the history has no page column: no catalogue to compare with" },
      lift: null,
    };
    expect(caseHeadline(none)).toBeNull();
    expect(lastCatalogueWords({ ...base, business_case: none })!.meaning).toBe(
      "No last catalogue to compare with: the history has no page column: no catalogue to compare with.",
    );
    render(<PlanView result={{ ...base, business_case: none }} context={{}} />);
    expect(screen.getByTestId("case-no-lift")).toHaveTextContent("No last catalogue to compare with");
    expect(screen.queryByTestId("case-lift")).toBeNull();
  });

  it("gives each country of a multi-country plan its own line, and says when the sums cover only some", () => {
    expect(countryCases(multi, "profit").map((c) => [c.country, c.plan, c.last, c.lift])).toEqual([
      ["DE", 565856.6, 278566.0, 1.0313],
      ["PL", 312574.2, 152989.5, 1.0431],
    ]);
    const words = lastCatalogueWords({ ...base, business_case: multi })!;
    expect(words.meaning).toMatch(/^“Last catalogues” are each country's latest campaign \(2025-01\)/);
    expect(words.notes[0]).toBe("It showed 411 products (over all countries).");
    expect(words.notes).toContain("94 found no slot: this layout is smaller.");
    const partial: BusinessCase = {
      ...multi,
      lift: null,
      options: [multi.options[0], { ...multi.options[1], countries: 1, partial: true }],
      countries: [multi.countries![0], { ...multi.countries![1], options: [multi.countries![1].options[0]], lift: null, last_catalogue: { reason: "no campaign in the history shows a catalogue page" } }],
    };
    const partialWords = lastCatalogueWords({ ...base, business_case: partial })!;
    expect(partialWords.notes).toContain("PL: no last catalogue (no campaign in the history shows a catalogue page).");
    expect(partialWords.notes).toContain("Only 1 country has a last catalogue, so no overall lift is given.");
    expect(countryCases(partial)[1]).toMatchObject({ country: "PL", last: null, lift: null, reason: "no campaign in the history shows a catalogue page" });
  });
});

describe("the business case in the pane", () => {
  it("leads with the lift, then the bars per figure, then the last catalogue in words", () => {
    render(<PlanView result={{ ...base, business_case: single }} context={{}} />);
    const block = screen.getByTestId("business-case");
    expect(screen.getByTestId("case-lift")).toHaveTextContent("+118.9 %");
    expect(screen.getByTestId("case-headline")).toHaveTextContent("profit over the last catalogue");
    expect(within(block).getByTestId("case-profit-plan")).toHaveTextContent("This plan1,312,395");
    expect(within(block).getByTestId("case-profit-last_catalogue")).toHaveTextContent("Last catalogue (2025-01)599,504");
    expect(within(block).getByTestId("case-units")).toHaveTextContent("+58.9 %");
    expect(screen.getByTestId("case-basis")).toHaveTextContent("“Last catalogue” is campaign 2025-01");
    // the bars: the larger option fills the track, the other in proportion
    const fill = (id: string) => parseFloat(screen.getByTestId(id).querySelector<HTMLElement>(".case-bar__fill")!.style.width);
    expect(fill("case-profit-plan")).toBe(100);
    expect(fill("case-profit-last_catalogue")).toBe(45.7);
    // the section sits right after the key numbers
    const sections = [...document.querySelectorAll("[data-testid=plan-totals], [data-testid=business-case], [data-testid=rules-section]")].map((e) => e.getAttribute("data-testid"));
    expect(sections.slice(0, 2)).toEqual(["plan-totals", "business-case"]);
  });

  it("shows the ranges and the planner's own plan with its lift", () => {
    render(<PlanView result={{ ...base, business_case: withPromise }} context={{}} />);
    expect(screen.getByTestId("case-profit")).toHaveTextContent("Expected profit+50.0 %");
    expect(screen.getByTestId("case-profit-own")).toHaveTextContent("Your plan760.00 +26.7 %");
    expect(screen.getByTestId("case-profit-plan")).toHaveTextContent("8 in 10 between 800.00 and 980.00");
  });

  it("lists the countries' own cases for a multi-country plan", () => {
    render(<PlanView result={{ ...base, business_case: multi }} context={{}} />);
    expect(screen.getByTestId("case-headline")).toHaveTextContent("profit over the last catalogues");
    expect(screen.getByTestId("case-country-DE")).toHaveTextContent("DE565,857278,566+103.1 %");
    expect(screen.getByTestId("case-country-PL")).toHaveTextContent("+104.3 %");
  });
});

describe("the business case in Excel", () => {
  it("writes the lift first, the money figures with a column chart, units and ranges, the words", () => {
    const [lift, money, units, words] = businessCaseBlocks({ ...base, business_case: single });
    expect(lift.title).toBe("Business case: this plan against the last catalogue");
    expect(lift.lines).toEqual(["On the same layout, the forecast gives this plan 712,891 more profit than the last catalogue."]);
    expect(lift.table).toEqual([["figure", "lift"], ["Lift in profit", 1.18914], ["Lift in revenue", 1.23465], ["Lift in units", 0.58895]]);
    expect(lift.rowFormats).toEqual(["+0.0%;-0.0%;0.0%", "+0.0%;-0.0%;0.0%", "+0.0%;-0.0%;0.0%"]);
    expect(money.table).toEqual([
      ["figure", "This plan", "Last catalogue (2025-01)"],
      ["Profit (forecast)", 1312395.4, 599504.0],
      ["Revenue (forecast)", 2132510.6, 954293.5],
    ]);
    expect(money.asTable).not.toBe(false);
    expect(money.chart).toEqual({ type: "column", title: "This plan against the last catalogue", category: "figure", series: ["This plan", "Last catalogue (2025-01)"] });
    expect(units.table).toEqual([["figure", "This plan", "Last catalogue (2025-01)"], ["Units (forecast)", 120194.7, 75644.0], ["Products placed", 144, 144]]);
    expect(words.title).toBe("What “last catalogue” means");
    expect(words.lines?.[0]).toMatch(/^“Last catalogue” is campaign 2025-01/);
    expect(words.lines).toContain("16 discounts are not allowed now: moved to the nearest allowed level.");
  });

  it("writes the ranges of the honest promise and the countries side by side", () => {
    const units = businessCaseBlocks({ ...base, business_case: withPromise })[2];
    expect(units.table.map((r) => r[0])).toEqual(["figure", "Expected profit: low end of its 80\u00a0% range", "Expected profit: high end of its 80\u00a0% range", "Units (forecast)", "Products placed"]);
    expect(units.table[1]).toEqual(["Expected profit: low end of its 80\u00a0% range", 800, 650, 520]);
    const blocks = businessCaseBlocks({ ...base, business_case: multi });
    const byCountry = blocks.find((b) => b.title === "By country")!;
    expect(byCountry.table).toEqual([
      ["country", "this plan: profit (forecast)", "last catalogue: profit (forecast)", "lift", "note"],
      ["DE", 565856.6, 278566.0, 1.0313, ""],
      ["PL", 312574.2, 152989.5, 1.0431, ""],
    ]);
    expect(byCountry.numberFormats?.lift).toBe("+0.0%;-0.0%;0.0%");
    expect(blocks[0].title).toBe("Business case: this plan against the last catalogues");
  });

  it("puts the lift on the Summary, and no business case sheet without one", () => {
    const rows = planSummaryBlocks({ ...base, business_case: single })[0].table;
    expect(rows).toContainEqual(["Lift in profit over the last catalogue (sheet “Folio Business case”)", 1.18914]);
    expect(businessCaseBlocks(base)).toEqual([]);
    expect(planSummaryBlocks(base)[0].table.some((r) => String(r[0]).startsWith("Lift"))).toBe(false);
  });
});
