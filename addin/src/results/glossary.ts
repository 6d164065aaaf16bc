/**
 * Every score the pane shows, explained in a planner's words (shown on hover and on tap). Shared by
 * the result kinds (WAPE is a train figure and a plan's forecast quality), so it lives beside
 * them rather than in one kind's folder.
 */

export interface Term {
  term: string;
  text: string;
}

export const GLOSSARY = {
  expected_profit: {
    term: "Expected profit",
    text:
      "The profit the forecast expects from this plan, corrected for the search's optimism: a search that picks " +
      "the best-looking plans also picks the places where the forecast is too high, so the raw forecast overstates " +
      "what the plan will earn. The range below is where the profit falls 8 times in 10.",
  },
  forecast_profit: {
    term: "Forecast profit",
    text:
      "Revenue minus the cost of the units sold, as the forecast model expects it for this plan: the sum of the " +
      "plan's rows. It is the forecast's number, not a promise: the search favours the rows the forecast rates highest.",
  },
  bound_gap: {
    term: "Gap to the bound",
    text:
      "How far this plan is from the best plan possible under the same forecast (an upper bound computed by linear " +
      "programming). 0.1\u00a0% means no plan can do more than 0.1\u00a0% better, if the forecast is right. It says how good the " +
      "search is, not how good the forecast is.",
  },
  anomaly_score: {
    term: "Anomaly score",
    text:
      "How unlike your past catalogues this plan's mix is (pages, categories, discounts), scored by a model of past " +
      "catalogues: around 0 is typical, higher is more unusual. Unusual plans are riskier because the forecast has " +
      "seen few like them; the Anomaly weight setting charges for it during the search.",
  },
  live_best: {
    term: "Best (live)",
    text:
      "The best plan's score during the search: its forecast objective minus the anomaly penalty (Anomaly weight × how " +
      "much more unusual it is than a typical past catalogue). The finished plan's profit is shown without the penalty, " +
      "so it is a little higher than the last live best.",
  },
  feasible_share: {
    term: "Feasible",
    text: "The share of plans in this generation that keep every rule (must-include products, category limits, discounted share).",
  },
  beyond_history: {
    term: "Beyond history",
    text:
      "Rows whose forecast is higher than anything this product (or its peers) sold in a comparable placement. Such " +
      "forecasts are flagged and shrunk rather than trusted: check them before you promise their numbers.",
  },
  lift: {
    term: "Lift",
    text:
      "How much more this plan brings than the last catalogue would on the same layout, as a share of the last " +
      "catalogue's figure: (plan − last) ÷ last. +50\u00a0% means one and a half times as much. Both are scored by the same " +
      "forecast, so the lift is the plan's doing, not the model's.",
  },
  wape: {
    term: "WAPE",
    text:
      "Weighted absolute percentage error: all the forecast's misses added up, as a share of the units actually sold, " +
      "on campaigns the model did not learn from. 30\u00a0% means the misses add up to 30\u00a0% of the units sold. Lower is better.",
  },
  mape: {
    term: "MAPE",
    text:
      "Mean absolute percentage error: the average miss per row, as a share of that row's units. Small sellers count " +
      "as much as big ones, so it is usually higher than WAPE. Lower is better.",
  },
  bias: {
    term: "Bias",
    text:
      "Forecast total ÷ units actually sold − 1, on the held-out campaigns: +5\u00a0% means the model forecasts 5\u00a0% more " +
      "than was sold overall, −5\u00a0% less. Near 0 is best.",
  },
  max_same_category_per_page: {
    term: "At most per page",
    text:
      "No page holds more than this many products of one category, so a page does not read like a price list of " +
      "lipsticks. Empty: no such limit. A category can carry its own limit in the category limits table's " +
      "max_per_page column.",
  },
  min_margin: {
    term: "Minimum margin",
    text:
      "Every row keeps at least this margin after its discount: (price × (1 − discount) − unit cost) ÷ (price × " +
      "(1 − discount)). 20\u00a0% keeps deep discounts off products with thin margins. Needs unit_cost in the products " +
      "table. Empty: no minimum.",
  },
  scenarios: {
    term: "Scenarios",
    text:
      "Two to eight variants of this catalogue planned side by side, each with the settings and rule tables it " +
      "changes (deeper discounts, other category limits, its own locks); the rest is as set above. They run in " +
      "parallel and come back as one comparison: expected profit with its range, revenue, units, the lift over the " +
      "last catalogue.",
  },
  score: {
    term: "Score my plan",
    text:
      "Your own plan (page, slot, product_id, discount) forecast by the same model on the same layout as Folio's: the " +
      "rules it breaks with their cells, what it is expected to earn with its range, and what Folio's plan earns on " +
      "top of it, change by change, best first.",
  },
  silhouette: {
    term: "Silhouette",
    text: "How well separated the clusters are, from −1 to 1: near 1 the groups are clearly apart, near 0 they overlap.",
  },
} satisfies Record<string, Term>;

export type GlossaryKey = keyof typeof GLOSSARY;

const BASELINES: Record<string, string> = {
  naive: "A baseline: each product sells what it sold in its last campaign.",
  seasonal_naive: "A baseline: each product sells what it sold one season (a year of campaigns) earlier.",
  mean: "A baseline: each product sells its average over the history.",
};

/** A model's name in words: "linear_by_country" -> what kind of model it is. */
export function modelDescription(name: string): string {
  const n = name.trim().toLowerCase();
  if (BASELINES[n]) return BASELINES[n];
  if (n === "pooled")
    return "Each product's own level and response to discounts, shrunk toward its category and brand by amounts learned from the data (partial pooling).";
  const family = n.startsWith("linear")
    ? "A regularised linear model: each feature (page, discount, category, past sales…) adds or takes away units"
    : n.startsWith("gbm")
      ? "Gradient-boosted trees: many small decision trees that learn how page, discount, season and past sales combine"
      : undefined;
  if (!family) return `A forecast model named ${name}.`;
  const parts = [family];
  if (n.includes("_log")) parts.push("learned on the logarithm of units, so big and small sellers weigh alike");
  if (n.includes("_mape")) parts.push("aimed at MAPE: a low quantile of log units, reading the latest sales");
  if (n.includes("_bag")) parts.push("the average of five fits on parts of the data, for a steadier forecast");
  if (n.includes("by_country")) parts.push("one model per country, each learning its own market");
  else parts.push("one model for all countries");
  return `${parts.join("; ")}.`;
}
