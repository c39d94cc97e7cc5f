"""Imputing a blank value from the unit's group (`missing = "group_mean"` / `"group_median"`).

Why: composite-indicator practice (COINr's group imputation) fills a gap with what the unit's peers report rather
than scoring it 0 or dropping the indicator. The peers are the units of the same `group` (all units when the scheme
has no groups) assessed on the indicator, with a value that is not on the falsified register. The imputed value is
then scored like any other, and every output marks it (the detail note, the unit's gaps, the data issues).
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from ..numbers import CONTEXT


def middle(values: list[Decimal]) -> Decimal:
    """The median: the middle value, or the mean of the two middle values."""
    ordered = sorted(values)
    k = len(ordered) // 2
    return ordered[k] if len(ordered) % 2 else (ordered[k - 1] + ordered[k]) / 2


def imputed_values(policy: str, values: dict[str, Decimal | None], group_of: dict[str, str]) -> dict[str, Decimal]:
    """unit -> imputed value for every unit of `values` (the units assessed on the indicator; falsified values
    already None) whose value is None and whose group has at least one value. Units of a group without any value
    get none: normalize refuses that case (`impute-no-values`)."""
    with localcontext(CONTEXT):
        by_group: dict[str, list[Decimal]] = {}
        for unit, v in values.items():
            if v is not None:
                by_group.setdefault(group_of[unit], []).append(v)
        fill = {g: (sum(vs, Decimal(0)) / len(vs) if policy == "group_mean" else middle(vs))
                for g, vs in by_group.items()}
        return {u: fill[group_of[u]] for u, v in values.items() if v is None and group_of[u] in fill}
