"""How a rule unit says its limit and its value in a planner's words.

A unit's report entries carry ``label``, ``limit_text`` and ``value_text``; the pane, the Excel
sheets and the workbook show them as they are, so all three say the same thing. These helpers
keep the figures in one style (``10 %``, ``2 to 10``) across units. A percent's number and its
sign are held together by a no-break space (U+00A0, :data:`PERCENT_SPACE`): a narrow workbook
cell or the pane's column wraps "30 %" as a whole, never as "30" over "%".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

PERCENT_SPACE = "\u00a0"  # no-break space: "30 %" never wraps between the number and its sign


def percent(value: float) -> str:
    """0.1 -> "10 %", 0.125 -> "12.5 %" (one place only when a whole percent would round; a no-break
    space between the number and "%")."""
    shown = round(float(value) * 100, 6)
    return f"{shown:.0f}{PERCENT_SPACE}%" if shown.is_integer() else f"{shown:.1f}{PERCENT_SPACE}%"


def percent_list(values: Iterable[float]) -> str:
    """[0.0, 0.1, 0.2] -> "0 %, 10 %, 20 %" ("none" for an empty list)."""
    shown = [percent(v) for v in values]
    return ", ".join(shown) if shown else "none"


def rules_kept(rules: Iterable[dict] | None) -> tuple[int, int]:
    """How many of a rule report's rules are kept, and of how many, counted as the planner reads
    them: one per line of the report, a category's min and max one rule (as the pane's "All 11
    rules kept" and the workbook's Rules table list them). A scenario's "rules kept" uses it too,
    so a scenario and the plan it ran say the same count (the scenario counted 17 entries where
    the plan said 11 rules)."""
    kept: dict[tuple, bool] = {}
    for i, r in enumerate(rules or []):
        pair = r.get("rule") in ("category_min", "category_max") and r.get("category") is not None
        key = ("category", r.get("country"), r["category"]) if pair else ("rule", i)
        kept[key] = kept.get(key, True) and bool(r.get("kept"))
    return sum(kept.values()), len(kept)


def count_range(low: int, high: int, most: int) -> str:
    """A count's allowed range: "2 to 10", "at least 2", "at most 10" ("any number" when neither
    end limits it: ``low`` 0 and ``high`` at ``most``, the slots there are)."""
    if low > 0 and high < most:
        return f"{low} to {high}"
    if low > 0:
        return f"at least {low}"
    if high < most:
        return f"at most {high}"
    return "any number"


def some(names: Sequence[str], shown: int = 5) -> str:
    """The first ``shown`` names, then how many more: "p1, p2 and 3 more"."""
    names = [str(n) for n in names]
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"


def times(n: int, one: str, many: str | None = None) -> str:
    """3 -> "3 products" (``one`` for 1, ``many`` or ``one`` + "s" otherwise)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
