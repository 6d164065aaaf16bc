/**
 * Typed DTOs for the Folio HTTP API and websocket (shared/CONTRACT.md).
 * Tables travel as Excel holds a range: header row first, then one array per row.
 */

export type Cell = string | number | boolean | null;
export type Table = Cell[][];

/** The dataset's tables (contract section 1, and the plan-rule tables of the what-if issue). */
export const ROLES = ["history", "products", "slots", "category_limits", "locks", "brand_limits", "page_conflicts"] as const;
export type Role = (typeof ROLES)[number];
export type Tables = Partial<Record<Role, Table>>;

/** The rule tables a plan (a scenario) may bring itself, in place of the dataset's; null leaves one out. */
export const RULE_TABLES = ["category_limits", "locks", "brand_limits", "page_conflicts"] as const;
export type RuleTable = (typeof RULE_TABLES)[number];
export type RuleTables = Partial<Record<RuleTable, Table | null>>;

/** Tables a job sends itself, not stored with the dataset: the planner's own plan (score). */
export const INPUT_ROLES = ["plan"] as const;
export type InputRole = (typeof INPUT_ROLES)[number];
/** Every table the pane maps: the dataset's and the jobs' own. */
export const SOURCE_ROLES = [...ROLES, ...INPUT_ROLES] as const;
export type SourceRole = Role | InputRole;

// ---------- problems (application/problem+json) ----------

export interface ProblemItem {
  table?: string | null;
  row?: number | null;
  column?: string | null;
  cell?: string | null;
  message?: string | null;
  /** a problem of one what-if scenario: its name, or its 0-based place when the name is what is wrong */
  scenario?: string | number | null;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: ProblemItem[];
}

// ---------- datasets ----------

export interface DatasetCreate {
  name: string;
  tables: Tables;
  auto_retrain?: boolean;
}

export interface DatasetRecord {
  id: string;
  name: string;
  tables?: Tables;
  row_counts?: Partial<Record<Role, number>>;
  warnings?: (string | ProblemItem)[];
  [extra: string]: unknown;
}

// ---------- jobs ----------

export type JobKind = "explore" | "train" | "forecast" | "plan" | "scenarios" | "score";
export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
export const TERMINAL_STATUSES: readonly JobStatus[] = ["succeeded", "failed", "cancelled"];
export const isTerminal = (s: string | undefined | null): boolean =>
  !!s && (TERMINAL_STATUSES as readonly string[]).includes(s);

export type Objective = "profit" | "revenue" | "units";

export interface PlanSettings {
  pages?: number;
  slots_per_page?: number;
  discount_levels: number[];
  objective: Objective;
  max_discounted_share: number;
  anomaly_weight: number;
  population: number;
  /** A cap on generations; absent: none, the time limit (or the bound, or being stuck) ends the search. */
  generations?: number;
  time_limit_s: number;
  /** Stop after this many generations without a better plan; 0 = never. */
  stagnation_generations?: number;
  seed: number;
  /** rule: at most this many products of one category on a page (absent: no such limit) */
  max_same_category_per_page?: number;
  /** rule: every row's margin after its discount at least this fraction (absent: none) */
  min_margin?: number;
}

/** The settings a scenario changes (the others are the base's). */
export type ScenarioSettings = Partial<PlanSettings>;

/** One what-if variant of a scenarios request. */
export interface ScenarioRequest {
  name: string;
  settings?: ScenarioSettings;
  tables?: RuleTables;
}

/** What the backtest picks the model by (engine.forecast.SELECT_BY). */
export type SelectBy = "decision" | "wape" | "mape";

/** A train job's options (server/kinds/train.py); left out, the server decides. */
export interface TrainOptions {
  select_by?: SelectBy;
  holdout_campaigns?: number;
  gap?: number;
  season?: number;
  folds?: number;
  candidates?: string[];
}

export type JobRequest =
  | { kind: "explore"; dataset: string; table: Role }
  | ({ kind: "train"; dataset: string; family?: string } & TrainOptions)
  | { kind: "forecast"; dataset: string; model?: string; rows: Table }
  | { kind: "plan"; dataset: string; model?: string; settings: PlanSettings; countries?: CountriesChoice; tables?: RuleTables }
  | { kind: "scenarios"; dataset: string; model?: string; settings: PlanSettings; scenarios: ScenarioRequest[] }
  /** the planner's own plan scored: against a finished plan job, or with settings (Folio plans first) */
  | { kind: "score"; dataset: string; model?: string; plan: Table; against?: string; settings?: PlanSettings };

/** A multi-country plan: every country of the history, or the ones named (one child job each). */
export type CountriesChoice = "all" | string[];

export interface JobProgress {
  phase?: string;
  generation?: number;
  of?: number;
  best?: number | null;
  mean?: number | null;
  feasible_share?: number | null;
  elapsed_s?: number;
  [extra: string]: unknown;
}

export interface JobRecord<R = JobResult> {
  id: string;
  kind: JobKind;
  status: JobStatus;
  progress?: JobProgress | null;
  result?: R | null;
  error?: Problem | null;
  created_at?: string | null;
  started_at?: string | null;
  finished_at?: string | null;
  /** a multi-country plan (parent job): its countries */
  countries?: string[];
  /** one country of a multi-country plan (child job) */
  country?: string;
  parent?: string;
  /** a scenarios job: its scenarios, as the server normalised them */
  scenarios?: { name: string; settings?: Record<string, unknown>; tables?: RuleTables }[];
  /** one scenario's plan job */
  scenario?: string;
  /** a score job: the plan job it compares with */
  against?: string;
}

// ---------- results ----------

export interface Metrics {
  wape?: number | null;
  mape?: number | null;
  bias?: number | null;
}

export interface TrainCandidate {
  name: string;
  family?: string;
  metrics: Metrics;
  chosen?: boolean;
  id?: string;
}

export interface RegisteredModelScore {
  id?: string;
  name?: string;
  metrics: Metrics;
  champion?: boolean;
}

export interface TrainResult {
  candidates: TrainCandidate[];
  baselines: { name: string; metrics: Metrics }[];
  registered?: RegisteredModelScore[];
  models?: string[];
  champion?: string | null;
  /** what a short or flat history made the training leave out or shorten (engine/forecast/adapt.py) */
  degraded?: { code: string; message: string }[];
  /** campaigns per year, where that came from and in words (engine/forecast/cadence.py) */
  season?: { value?: number; source?: string; detail?: string; used?: boolean } | null;
}

export interface PlanTotals {
  units?: number;
  revenue?: number;
  profit?: number;
  products?: number;
  slots_used?: number;
  /** the honest promise (issue 14): profit corrected for the search's optimism, with its 80 % range */
  expected_profit?: number | null;
  expected_profit_low?: number | null;
  expected_profit_high?: number | null;
  /** how many plan rows are forecast beyond anything sold in comparable placements */
  beyond_history?: number | null;
  [extra: string]: unknown;
}

/** A cell of the planner's own plan that breaks a rule (score): its row as sent, its A1 address. */
export interface RuleCell {
  row: number;
  cell?: string | null;
}

export interface RuleReport {
  rule: string;
  /** category rules name their category; brand limits their brand */
  category?: string;
  brand?: string;
  limit?: Cell | number[];
  value?: Cell | number[];
  kept: boolean;
  /** multi-country plans: the country the rule was checked for */
  country?: string;
  /** the rule unit's own words (engine.plan.rules), when it gives them */
  label?: string;
  limit_text?: string;
  value_text?: string;
  /** score: the rows of the planner's plan that break it */
  cells?: RuleCell[];
  [extra: string]: unknown;
}

/** One country of a multi-country plan's result. */
export interface CountryOutcome {
  country: string;
  status: JobStatus;
  job?: string | null;
  totals?: PlanTotals;
  objective?: number | null;
  bound?: number | null;
  bound_gap?: number | null;
  anomaly_score?: number | null;
  stopped_by?: string | null;
  generations_run?: number | null;
  elapsed_s?: number | null;
  cancelled?: boolean | null;
  error?: { code?: string | null; detail?: string | null } | null;
}

export interface PlanResult {
  plan: Table;
  totals: PlanTotals;
  rules: RuleReport[];
  convergence: Table;
  bound?: number | null;
  anomaly_score?: number | null;
  cancelled?: boolean;
  run?: Record<string, unknown>;
  /** multi-country plans: one entry per country (the plan table then ends with a country column) */
  countries?: CountryOutcome[];
  objective?: number | null;
  bound_gap?: number | null;
  /** why the search stopped: generations, time_limit, stagnation, cancelled */
  stopped_by?: string | null;
  generations_run?: number | null;
  /** the settings the plan ran with (engine's view, defaults filled in) */
  settings?: Record<string, unknown>;
  /** the layout the plan filled: from the slots table or pages x slots per page */
  layout?: { source?: string; slots?: number; pages?: number | null } | null;
  /** the cannibalisation factor the plan was valued with (1 = none found in history) */
  cannibalisation_factor?: number | null;
  /** the plan beside the last catalogue (and the planner's own plan), issue 16 part 3 */
  business_case?: BusinessCase | null;
}

// ---------- a plan's business case (engine.plan.business_case) ----------

/** A relative change per figure: (option - last catalogue) / |last catalogue|. */
export interface CaseLift {
  profit?: number | null;
  revenue?: number | null;
  units?: number | null;
}

/** One option of a business case (this plan, the planner's own plan, the last catalogue). */
export interface CaseOption {
  name: "plan" | "own" | "last_catalogue" | string;
  label: string;
  campaign?: Cell;
  units?: number | null;
  revenue?: number | null;
  profit?: number | null;
  products?: number | null;
  /** the honest promise when the engine gives it (issue 14), with its 80 % range */
  expected_profit?: number | null;
  expected_profit_low?: number | null;
  expected_profit_high?: number | null;
  expected_revenue?: number | null;
  expected_units?: number | null;
  /** the own plan's lift over the last catalogue */
  lift?: CaseLift | null;
  /** multi-country sums: how many countries the sum covers, and whether some lack this option */
  countries?: number;
  partial?: boolean;
  [extra: string]: unknown;
}

/** How the latest campaign's catalogue was mapped onto the planned layout (counts). */
export interface CatalogueMapping {
  campaign?: Cell;
  /** multi-country sums: each country's latest campaign */
  campaigns?: string[];
  shown?: number;
  left_out?: number;
  dropped?: number;
  empty_slots?: number;
  discounts_changed?: number;
  /** why there is no last catalogue to compare with */
  reason?: string;
}

export interface BusinessCase {
  options: CaseOption[];
  /** this plan over the last catalogue; null when there is none to compare with */
  lift: CaseLift | null;
  last_catalogue?: CatalogueMapping;
  basis?: string;
  /** multi-country plans: each country's own case (the options above are their sums) */
  countries?: (Omit<BusinessCase, "countries"> & { country: string })[];
}

export interface Histogram {
  edges: number[];
  counts: number[];
  /** a column of few whole numbers (a 0/1 flag, a page number): the number each count is of */
  values?: number[];
}

export interface ColumnSummary {
  column: string;
  count: number;
  missing: number;
  mean?: number | null;
  median?: number | null;
  std?: number | null;
  min?: number | null;
  max?: number | null;
  histogram?: Histogram | null;
  top?: unknown[];
  [extra: string]: unknown;
}

export interface Correlations {
  columns: string[];
  matrix: (number | null)[][];
}

export interface ClusterProfile {
  cluster: number;
  size: number;
  share: number | null;
  means: Record<string, number | null>;
  z_means: Record<string, number | null>;
}

export interface Clusters {
  features: string[];
  rows: number;
  k: number;
  scores: { k: number; silhouette: number | null; inertia?: number | null }[];
  silhouette: number | null;
  profiles: ClusterProfile[];
}

export interface SomResult {
  rows: number;
  cols: number;
  features: string[];
  samples?: number;
  u_matrix: (number | null)[][];
  planes: Record<string, (number | null)[][]>;
  hits?: number[][];
  quantization_error?: number | null;
}

export interface Finding {
  text?: string;
  message?: string;
  value?: number | null;
  n?: number | null;
  [k: string]: unknown;
}

export interface ExploreResult {
  rows?: number;
  sampled?: number;
  columns: ColumnSummary[];
  correlations?: Correlations | null;
  clusters?: Clusters | null;
  som?: SomResult | null;
  findings?: (string | Finding)[];
}

// ---------- what-if scenarios (job kind `scenarios`) ----------

/** One scenario's outcome: an ordinary plan's figures, or why it failed. */
export interface ScenarioOutcome {
  scenario: string;
  status: JobStatus;
  job?: string | null;
  plan?: Table | null;
  totals?: PlanTotals | null;
  rules?: RuleReport[] | null;
  /** what it planned with; a scenario that failed: the settings it asked for */
  settings?: Record<string, unknown> | null;
  /** what it changes from the base plan, in words ("own locks"); empty: the plan as set */
  changes?: string[] | null;
  objective?: number | null;
  bound?: number | null;
  bound_gap?: number | null;
  anomaly_score?: number | null;
  discounted_share?: number | null;
  stopped_by?: string | null;
  generations_run?: number | null;
  elapsed_s?: number | null;
  cancelled?: boolean | null;
  error?: { code?: string | null; detail?: string | null } | null;
}

/** What the latest campaign was (scored on the same layout and model) or actually sold. */
export interface LastCatalogueFigures {
  campaign?: Cell;
  units?: number | null;
  revenue?: number | null;
  profit?: number | null;
  expected_profit?: number | null;
  cost_share?: number | null;
  [extra: string]: unknown;
}

export interface ScenariosResult {
  /** one row per scenario: scenario, status, expected_profit, profit_low, profit_high, revenue,
   * units, discounted_share, anomaly_score, rules_kept, rules, lift_profit, lift_revenue, bound_gap, note */
  comparison: Table;
  scenarios: ScenarioOutcome[];
  last_catalogue?: LastCatalogueFigures | null;
  last_catalogue_sold?: LastCatalogueFigures | null;
  best?: string | null;
  cancelled?: boolean;
  settings?: Record<string, unknown>;
  run?: Record<string, unknown>;
}

// ---------- the planner's own plan scored (job kind `score`) ----------

export interface ScoreTotals extends PlanTotals {
  profit_low?: number | null;
  profit_high?: number | null;
  revenue_low?: number | null;
  revenue_high?: number | null;
  units_low?: number | null;
  units_high?: number | null;
}

export interface ScoreResult {
  /** the planner's plan forecast like Folio's, with `row`: its row in the table sent */
  plan: Table;
  totals: ScoreTotals;
  objective?: number | null;
  objective_name?: string;
  rules: RuleReport[];
  broken: number;
  folio: { plan?: Table; totals?: ScoreTotals; objective?: number | null; bound?: number | null; rules?: RuleReport[]; cancelled?: boolean };
  /** what Folio's plan earns on top of the planner's */
  lift: { profit?: number | null; revenue?: number | null; units?: number | null; profit_share?: number | null };
  business_case?: BusinessCase | null;
  /** slot by slot: page, slot, your_product, your_discount, your_profit, folio_product, folio_discount, folio_profit, difference */
  comparison: Table;
  /** the single-slot changes from the planner's plan to Folio's: step, page, slot, change,
   * product_before, discount_before, product_after, discount_after, gain, ..., cumulative_gain, share_of_lift */
  changes: Table;
  settings?: Record<string, unknown>;
  cancelled?: boolean;
  run?: Record<string, unknown>;
}

export type JobResult = TrainResult | PlanResult | ExploreResult | ScenariosResult | ScoreResult | Record<string, unknown>;

// ---------- share links (a read-only page of one finished plan) ----------

export interface Share {
  id: string;
  job: string;
  created_at: string;
  expires_at: string;
  revoked_at?: string | null;
  /** not expired and not revoked */
  active: boolean;
}

/** A link just made: its `url` is shown this once (the server keeps only the token's hash). */
export interface ShareCreated extends Share {
  url: string;
}

// ---------- uploads ----------

export interface WorkbookSheets {
  sheets: Record<string, Table>;
}

// ---------- websocket ----------

export interface WsStateMessage {
  type: "state";
  job: string;
  record: JobRecord;
}

export interface WsProgressMessage extends JobProgress {
  type: "progress";
  job: string;
  /** a multi-country plan: the country (and its child job) this event comes from */
  country?: string | null;
  /** a scenarios job: the scenario (and its child job) this event comes from */
  scenario?: string | null;
  child?: string | null;
}

export interface WsFinishedMessage {
  type: "finished";
  job: string;
  status: JobStatus;
  error?: Problem | null;
}

export interface WsErrorMessage {
  type: "error";
  job?: string;
  error?: Problem;
  [extra: string]: unknown;
}

export type WsServerMessage = WsStateMessage | WsProgressMessage | WsFinishedMessage | WsErrorMessage;
