"""Per-indicator scoring methods (SPEC §3). Pure functions over Decimals; no files, no rounding.

Each method scores one indicator for a set of compared units at once, because several methods
(efficacy with sample standards, rank) depend on the other units' values. Inputs are `Observation`s;
the result maps unit -> Decimal score (full precision), or None where the value is missing and the
indicator's `missing` policy leaves it out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from ..numbers import CONTEXT
from ..scheme import STANDARD_BANDS, Indicator

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True)
class Observation:
    value: Decimal | None
    target: Decimal | None = None


def D(x) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


def efficacy_coefficient(x: Decimal, x_s: Decimal, x_u: Decimal, clamp_low: bool = False,
                         round_ratio: int | None = None) -> Decimal:
    """d = (x - x_u) / (x_s - x_u), capped at 1 (and at 0 from below with clamp_low). x_s == x_u gives 1.

    Works for lower-is-better too: there x_s < x_u and the same formula gives the right sign.
    """
    if x_s == x_u:
        return ONE
    d = (x - x_u) / (x_s - x_u)
    if round_ratio is not None:  # published practice: the ratio is rounded (half up) before it is used
        d = d.quantize(Decimal(1).scaleb(-round_ratio), rounding=ROUND_HALF_UP)
    d = min(d, ONE)
    return max(d, ZERO) if clamp_low else d


def efficacy_points(points, base, x: Decimal, x_s: Decimal, x_u: Decimal, clamp_low: bool = False,
                    round_ratio: int | None = None) -> Decimal:
    """points × (base + (1 − base) × d), floor 0: the “60 + 40 × 功效系数” form at base 0.6."""
    base = D(base)
    d = efficacy_coefficient(x, x_s, x_u, clamp_low, round_ratio)
    return max(ZERO, D(points) * (base + (ONE - base) * d))


def efficacy_score(ind: Indicator, x: Decimal, x_s: Decimal, x_u: Decimal) -> Decimal:
    return efficacy_points(ind.points, ind.base, x, x_s, x_u, ind.clamp_low, ind.round_ratio)


def efficacy_standards(values: list[Decimal], direction: str) -> tuple[Decimal, Decimal]:
    """Satisfactory and unallowable values taken from the compared units: best and worst."""
    best, worst = (max(values), min(values)) if direction == "higher" else (min(values), max(values))
    return best, worst


def efficacy_standard_score(ind: Indicator, x: Decimal) -> Decimal:
    """五档标准值功效系数法: band base score plus the interpolated adjustment toward the next band."""
    points = D(ind.points)
    sign = 1 if ind.direction == "higher" else -1
    bands = [(name, coef, D(ind.standards[name])) for name, coef in STANDARD_BANDS.items()]  # best first
    top_value = bands[0][2]
    if sign * x >= sign * top_value:
        return points
    for (upper_name, upper_coef, upper_value), (name, coef, value) in zip(bands, bands[1:]):
        if sign * x >= sign * value:
            base = points * coef
            d = (x - value) / (upper_value - value)
            return base + d * (points * upper_coef - base)
    return points * D(ind.below)


def completion_ratio(ind: Indicator, actual: Decimal, target: Decimal) -> Decimal:
    if ind.direction == "higher":
        if target == 0:
            return ONE if actual >= 0 else ZERO
        return actual / target
    if actual <= target:
        return ONE
    return target / actual


def completion_score(ind: Indicator, actual: Decimal, target: Decimal) -> Decimal:
    r = completion_ratio(ind, actual, target)
    if ind.floor is not None and r < D(ind.floor):
        return ZERO
    return max(ZERO, D(ind.points) * min(r, D(ind.cap)))


def step_score(ind: Indicator, actual: Decimal, target: Decimal) -> Decimal:
    shortfall = target - actual if ind.direction == "higher" else actual - target
    if shortfall <= 0:
        return D(ind.points)
    steps = shortfall / D(ind.step)
    if ind.rounding == "ceil":
        steps = Decimal(math.ceil(steps))
    return max(ZERO, D(ind.points) - steps * D(ind.per_step))


def count_deduct_score(ind: Indicator, count: Decimal) -> Decimal:
    return max(ZERO, D(ind.points) - D(ind.per_event) * count)


def competition_ranks(values: dict[str, Decimal], descending: bool = True) -> dict[str, int]:
    """1, 2, 2, 4 ranking of the given values."""
    ordered = sorted(values.values(), reverse=descending)
    return {u: ordered.index(v) + 1 for u, v in values.items()}


def score_indicator(ind: Indicator, observations: dict[str, Observation]) -> dict[str, Decimal | None]:
    """Score one indicator for the compared units (all units, or one group)."""
    with localcontext(CONTEXT):
        present = {u: o for u, o in observations.items() if o.value is not None}
        out: dict[str, Decimal | None] = {}
        for unit, obs in observations.items():
            if obs.value is None:
                out[unit] = ZERO if ind.missing == "zero" else None
        if not present:
            return out
        if ind.method == "efficacy":
            if ind.x_s is not None:
                x_s, x_u = D(ind.x_s), D(ind.x_u)
            else:
                x_s, x_u = efficacy_standards([o.value for o in present.values()], ind.direction)
            out.update({u: efficacy_score(ind, o.value, x_s, x_u) for u, o in present.items()})
        elif ind.method == "rank":
            ranks = competition_ranks({u: o.value for u, o in present.items()}, ind.direction == "higher")
            points, step, low = D(ind.points), D(ind.rank_step), D(ind.rank_min)
            out.update({u: max(low, points - (r - 1) * step) for u, r in ranks.items()})
        else:
            for unit, obs in present.items():
                out[unit] = _score_one(ind, obs)
        return out


def _score_one(ind: Indicator, obs: Observation) -> Decimal | None:
    x = obs.value
    target = obs.target if obs.target is not None else (D(ind.target) if isinstance(ind.target, (int, float)) else None)
    match ind.method:
        case "direct":
            return x
        case "efficacy_standard":
            return efficacy_standard_score(ind, x)
        case "completion":
            return None if target is None else completion_score(ind, x, target)
        case "step":
            return None if target is None else step_score(ind, x, target)
        case "count_deduct":
            return count_deduct_score(ind, x)
    raise ValueError(f"unknown method {ind.method}")  # pragma: no cover - the scheme validates methods
