"""Composite index (综合指数, SPEC §5): “自己与自己比 60% + 与全县平均比 40%”, scored by efficacy across units.

For unit u and item i (weights sum to 1): self index s = x_t / x_{t-1}, average index a = x_t / mean_t, both
inverted for lower-is-better; index c_u = 100 × Σ w_i (sw × s + (1 − sw) × a). The component score is the
efficacy score of c_u among the compared units (x_s = best index, x_u = worst, base from the scheme).
"""

from __future__ import annotations

from decimal import Decimal

from ..methods.base import D
from ..methods.efficacy import efficacy_points
from ..scheme import Component

ZERO = Decimal(0)


def index_parts(
    comp: Component, current: dict[str, dict[str, Decimal]], previous: dict[str, dict[str, Decimal]], units: list[str]
) -> dict[str, list[tuple[str, Decimal, Decimal, Decimal]]]:
    """unit -> per item (id, the compared units' mean this year, self index s, average index a): the intermediate
    values of the index, for its trace."""
    out: dict[str, list[tuple[str, Decimal, Decimal, Decimal]]] = {u: [] for u in units}
    for item in comp.items:
        now = current[item.id]
        mean = sum((now[u] for u in units), ZERO) / len(units)
        for u in units:
            x, last = now[u], previous[item.id][u]
            if item.direction == "higher":
                s, a = x / last, x / mean
            else:
                s, a = last / x, mean / x
            out[u].append((item.id, mean, s, a))
    return out


def composite_index(
    comp: Component, current: dict[str, dict[str, Decimal]], previous: dict[str, dict[str, Decimal]], units: list[str]
) -> dict[str, Decimal]:
    """Index per unit over the compared `units`; current/previous map item id -> unit -> value."""
    sw = D(comp.self_weight)
    weights = {item.id: D(item.weight) for item in comp.items}
    parts = index_parts(comp, current, previous, units)
    return {u: 100 * sum((weights[i] * (sw * s + (1 - sw) * a) for i, _, s, a in parts[u]), ZERO) for u in units}


def growth_scores(comp: Component, index: dict[str, Decimal]) -> dict[str, Decimal]:
    best, worst = max(index.values()), min(index.values())
    return {u: efficacy_points(comp.full, comp.base, c, best, worst) for u, c in index.items()}
