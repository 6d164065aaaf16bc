/** The rules the plan keeps, one list; a multi-country plan's per country, folded where every rule was kept. */
import type { RuleLine } from "./rules";

function RuleItems({ lines }: { lines: RuleLine[] }) {
  return (
    <>
      {lines.map((r, i) => (
        <li key={i} className={r.kept ? "rule rule--kept" : "rule rule--broken"}>
          <span className="rule__mark" aria-label={r.kept ? "kept" : "broken"}>
            {r.kept ? "✓" : "✗"}
          </span>
          <span className="rule__name">{r.label}</span>
          <span className="rule__value muted">{r.detail}</span>
        </li>
      ))}
    </>
  );
}

/** The rules, one list; a multi-country plan's per country, folded where every rule was kept. */
export function RulesList({ lines }: { lines: RuleLine[] }) {
  if (!lines.some((l) => l.country))
    return (
      <ul className="rules" data-testid="rules">
        <RuleItems lines={lines} />
      </ul>
    );
  const groups = new Map<string, RuleLine[]>();
  for (const l of lines) groups.set(l.country ?? "", [...(groups.get(l.country ?? "") ?? []), l]);
  return (
    <div className="rules-by-country" data-testid="rules">
      {[...groups.entries()].map(([country, group]) => {
        const broken = group.filter((l) => !l.kept).length;
        return (
          <details key={country} className="rules-country" open={broken > 0} data-testid={`rules-${country}`}>
            <summary className={broken ? "rule rule--broken" : "rule rule--kept"}>
              <span className="rule__mark">{broken ? "✗" : "✓"}</span>
              <span className="rule__name">
                <span className="rule__country">{country}</span>
                {broken ? `${broken} of ${group.length} rules broken` : `all ${group.length} rules kept`}
              </span>
            </summary>
            <ul className="rules">
              <RuleItems lines={group} />
            </ul>
          </details>
        );
      })}
    </div>
  );
}
