/** The engine's rule report in a planner's words: one line per rule, a category's min and max as one. */
import type { Cell, RuleReport } from "../../api/types";
import { PCT, fmtCell, fmtPct, isNum } from "../../components/format";

export interface RuleLine {
  label: string;
  detail: string;
  kept: boolean;
  /** multi-country plans: the country the rule was checked for */
  country?: string;
}

const pctList = (v: unknown) =>
  Array.isArray(v) ? `${v.map((x) => (isNum(x) ? Math.round(x * 1000) / 10 : String(x))).join(", ")}${PCT}` : fmtCell(v as Cell);

/**
 * A rule in the engine's own words (`label`, `limit_text`, `value_text`), the words the workbook
 * prints in its Rule, Limit and Plan columns: "used 0 %, 10 % (limit 0 %, 10 %, 20 %)".
 */
function inWords(r: RuleReport): RuleLine {
  const detail = [r.value_text, r.limit_text ? `(limit ${r.limit_text})` : ""].filter(Boolean).join(" ");
  return { label: r.label ?? r.rule, detail, kept: r.kept };
}

/**
 * The engine's rule report in words; a category's min and max rules become one line. Every
 * rule unit of the engine says itself in words, shown as they are, so the pane, the Excel sheets
 * and the workbook say the same; results without them (old jobs) get words made here. A
 * multi-country plan's rules carry their country: grouped by country, each line says which.
 */
export function describeRules(rules: RuleReport[]): RuleLine[] {
  if (!rules.some((r) => r.country)) return describeCountryRules(rules);
  const groups = new Map<string, RuleReport[]>();
  for (const r of rules) groups.set(r.country ?? "", [...(groups.get(r.country ?? "") ?? []), r]);
  return [...groups.entries()].flatMap(([country, group]) =>
    describeCountryRules(group).map((l) => ({ ...l, ...(country ? { country } : {}) })),
  );
}

function describeCountryRules(rules: RuleReport[]): RuleLine[] {
  const lines: RuleLine[] = [];
  const categories = new Map<string, { min?: RuleReport; max?: RuleReport; at: number }>();
  for (const r of rules) {
    if ((r.rule === "category_min" || r.rule === "category_max") && r.category !== undefined) {
      const key = `${r.country ?? ""}\u0000${r.category}`;
      let entry = categories.get(key);
      if (!entry) {
        entry = { at: lines.length };
        categories.set(key, entry);
        lines.push({ label: "", detail: "", kept: true });
      }
      entry[r.rule === "category_min" ? "min" : "max"] = r;
      const { min, max } = entry;
      const kept = (min?.kept ?? true) && (max?.kept ?? true);
      if (r.label) {
        // the engine's words: both entries say the category's whole range
        lines[entry.at] = { ...inWords(r), kept };
        continue;
      }
      const value = (min ?? max)?.value;
      const bounds =
        min && max ? `${fmtCell(min.limit as Cell)}–${fmtCell(max.limit as Cell)}` : min ? `≥ ${fmtCell(min.limit as Cell)}` : `≤ ${fmtCell(max!.limit as Cell)}`;
      lines[entry.at] = {
        label: `Category ${r.category}`,
        detail: `${fmtCell(value as Cell)} products (limit ${bounds})`,
        kept,
      };
      continue;
    }
    if (r.label) {
      // a rule unit that says itself in words (engine.plan.rules): shown as it is
      lines.push(inWords(r));
      continue;
    }
    // a result from before the rule units said themselves (an old job): words made here
    switch (r.rule) {
      case "unique_products":
        lines.push({
          label: "Each product at most once",
          detail: r.kept ? `max ${fmtCell(r.value as Cell)} per product` : `a product placed ${fmtCell(r.value as Cell)} times`,
          kept: r.kept,
        });
        break;
      case "one_product_per_slot":
        lines.push({ label: "One product per slot", detail: "", kept: r.kept });
        break;
      case "must_include":
        lines.push({ label: "Must-include products placed", detail: `${fmtCell(r.value as Cell)} of ${fmtCell(r.limit as Cell)}`, kept: r.kept });
        break;
      case "discount_levels":
        lines.push({ label: "Discounts from the allowed levels", detail: `used ${pctList(r.value)}`, kept: r.kept });
        break;
      case "max_discounted_share":
        lines.push({ label: "Discounted share", detail: `${fmtPct(r.value, 0)} (max ${fmtPct(r.limit, 0)})`, kept: r.kept });
        break;
      default: {
        const limit = r.limit !== undefined && r.limit !== null ? ` (limit ${Array.isArray(r.limit) ? r.limit.join(", ") : fmtCell(r.limit)})` : "";
        lines.push({
          label: r.rule.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase()),
          detail: `${Array.isArray(r.value) ? r.value.join(", ") : fmtCell(r.value ?? null)}${limit}`,
          kept: r.kept,
        });
      }
    }
  }
  return lines;
}

