/** Excel number formats the result kinds' sheets share (money, lifts, a plan's columns). */

export const CURRENCY = '#,##0.00 "€"';
/** a lift: +118.9%, -4.2% */
export const LIFT_FORMAT = "+0.0%;-0.0%;0.0%";
/** a share: 73.6% */
export const SHARE_FORMAT = "0.0%";

/** A plan table's columns (Folio's plan, a scenario's, the planner's own scored). */
export const PLAN_FORMATS: Record<string, string> = {
  page: "0",
  slot: "0",
  discount: "0%",
  forecast_units: "#,##0",
  forecast_low: "#,##0",
  forecast_high: "#,##0",
  forecast_revenue: CURRENCY,
  forecast_profit: CURRENCY,
  price: CURRENCY,
  unit_cost: CURRENCY,
  anomaly_contribution: "0.000",
};
