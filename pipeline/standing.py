"""Where each unit stands among the others: the leaders and laggards of every ranking group, each category's best and
weakest units within a group, every unit's strongest and weakest indicators relative to the other units, and the
units that moved most against last year with the categories that moved them.

Why apart from pipeline.analysis: analysis summarises the field (distribution, means, weak indicators, suggestions);
this module answers a leader's question about a unit — who leads, who lags, and on what — the way composite-indicator
tools report strengths and weaknesses (COINr's get_str_weak: the indicators where a unit ranks highest and lowest).
Pure and typed like analysis; it reads published figures only and never scores.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .analysis import EPS, TOP_DOWN, TOP_UP, extremes, progress
from .results import IndicatorInfo, Results, UnitResult

TOP_N = 3  # leaders and laggards named per group
TOP_INDICATORS = 3  # strengths and weaknesses named per unit
TOP_REASONS = 2  # categories that explain a move


# -- groups ---------------------------------------------------------------------------------------------------------
@dataclass
class GroupStanding:
    """A ranking group's first and last units (rank order); "" names the whole field of a scheme without groups."""

    group: str
    n: int
    leaders: list[UnitResult]
    laggards: list[UnitResult]  # in rank order: the lowest-ranked unit is laggards[-1]
    categories: list["CategoryStanding"] = field(default_factory=list)


@dataclass
class CategoryStanding:
    """A top-level category within a group: the best and weakest units (ties all named)."""

    name: str
    points: float
    best: list[str]
    best_score: float
    weakest: list[str]
    weakest_score: float


def _members(results: Results) -> list[tuple[str, list[UnitResult]]]:
    if len(results.groups) > 1:
        return [(g, [u for u in results.units if u.group == g]) for g in results.groups]
    return [("", list(results.units))]


def group_standings(results: Results, n: int = TOP_N) -> list[GroupStanding]:
    """Per group, the first `n` and last `n` units by rank. A vetoed unit is neither (the report names it under
    一票否决); a group smaller than 2n is split, leaders the better half, so no unit is both."""
    out = []
    for group, members in _members(results):
        eligible = [u for u in members if not u.vetoed]  # a vetoed unit is named in the veto section instead
        take = min(n, math.ceil(len(eligible) / 2))
        leaders, rest = eligible[:take], eligible[take:]
        laggards = rest[-n:] if rest else []
        out.append(GroupStanding(group=group, n=len(members), leaders=leaders, laggards=laggards,
                                 categories=_category_standings(results, members)))
    return out


def _category_standings(results: Results, members: list[UnitResult]) -> list[CategoryStanding]:
    out = []
    for c in results.categories:
        scored = [(u.unit, u.categories.get(c.name)) for u in members]
        scored = [(name, v) for name, v in scored if v is not None]
        if len(scored) < 2:
            continue
        best, hi, weakest, lo = extremes(scored)
        if hi - lo <= EPS:  # every unit equal: nobody leads or lags
            continue
        out.append(CategoryStanding(name=c.name, points=c.points, best=best, best_score=hi, weakest=weakest,
                                    weakest_score=lo))
    return out


# -- strengths and weaknesses ---------------------------------------------------------------------------------------
@dataclass
class IndicatorStanding:
    """A unit's place on one indicator among the units scored on it (1 = best; ties share the better place)."""

    info: IndicatorInfo
    rank: int
    n: int
    score: float


@dataclass
class UnitStanding:
    unit: str
    strong: list[IndicatorStanding]  # best places first
    weak: list[IndicatorStanding]  # worst places first


def _separates(results: Results, info: IndicatorInfo) -> list[tuple[str, float]] | None:
    """The units' scores on `info` when they differ (a place among them means something), else None."""
    if info.points <= 0:
        return None
    scored = [(u.unit, u.indicators.get(info.id)) for u in results.units]
    scored = [(name, v) for name, v in scored if v is not None]
    if len(scored) < 2 or max(v for _, v in scored) - min(v for _, v in scored) <= EPS:
        return None
    return scored


def separating_count(results: Results) -> int:
    """How many indicators separate the units: the ones strengths and weaknesses are judged on."""
    return sum(1 for info in results.indicators if _separates(results, info) is not None)


def unit_standings(results: Results, top: int = TOP_INDICATORS) -> dict[str, UnitStanding]:
    """Every unit's strongest and weakest indicators relative to the other units.

    Only indicators that separate the units count (not every score equal). A strength is an indicator on which the
    unit is in the top third (rank <= ceil(n/3)), a weakness one on which it is in the bottom third (rank >
    n - ceil(n/3)); among those, the best (worst) places come first, then the higher (lower) score rate, then
    the scheme's order. A unit may have none of either.
    """
    places: dict[str, list[tuple[int, IndicatorStanding]]] = {u.unit: [] for u in results.units}
    for order, info in enumerate(results.indicators):
        scored = _separates(results, info)
        if scored is None:
            continue
        n = len(scored)
        for name, v in scored:
            rank = 1 + sum(1 for _, o in scored if o > v + EPS)
            places[name].append((order, IndicatorStanding(info=info, rank=rank, n=n, score=v)))
    out = {}
    for unit, found in places.items():
        def third(p: IndicatorStanding) -> int:
            return math.ceil(p.n / 3)

        strong = sorted((x for x in found if x[1].rank <= third(x[1])),
                        key=lambda x: (x[1].rank / x[1].n, -x[1].score / x[1].info.points, x[0]))
        weak = sorted((x for x in found if x[1].rank > x[1].n - third(x[1])),
                      key=lambda x: (-x[1].rank / x[1].n, x[1].score / x[1].info.points, x[0]))
        out[unit] = UnitStanding(unit=unit, strong=[p for _, p in strong[:top]], weak=[p for _, p in weak[:top]])
    return out


# -- movers ---------------------------------------------------------------------------------------------------------
@dataclass
class CategoryChange:
    name: str
    change: float  # this year's points − last year's


@dataclass
class Mover:
    """A unit that gained or lost places against last year, and what moved it, where last year's record tells."""

    unit: UnitResult
    last_total: float | None  # last year's total from the run history's 定稿; None when only the rank is known
    total_change: float | None
    reasons: list[CategoryChange]  # the categories that moved most in the direction of the move


def movers(results: Results) -> tuple[list[Mover], list[Mover]]:
    """(up, down): the units that gained (lost) most places, as pipeline.analysis.progress orders them."""
    prog = progress(results)
    last_year = results.assessment.year - 1
    record = {y.unit: y for y in results.years if y.year == last_year}

    def mover(u: UnitResult) -> Mover:
        last = record.get(u.unit)
        if last is None:
            return Mover(unit=u, last_total=None, total_change=None, reasons=[])
        before = last.categories
        changes = [CategoryChange(name=c.name, change=u.categories[c.name] - before[c.name])
                   for c in results.categories
                   if u.categories.get(c.name) is not None and before.get(c.name) is not None]
        sign = 1 if u.rank_change > 0 else -1
        reasons = sorted((c for c in changes if c.change * sign > EPS), key=lambda c: -abs(c.change))
        return Mover(unit=u, last_total=last.total, total_change=u.total - last.total, reasons=reasons[:TOP_REASONS])

    return [mover(u) for u in prog.up[:TOP_UP]], [mover(u) for u in prog.down[:TOP_DOWN]]
