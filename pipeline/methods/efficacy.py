"""`efficacy` 功效系数法 (SPEC §3, 方案编写指南 §3.2): score = points × (base + (1 − base) × d),
d = (x − x_u) / (x_s − x_u).

A cohort method: without fixed standards, the satisfactory and unallowable values are the best and worst values of
the compared units. The arithmetic is shared with the composite index (pipeline/score/growth.py).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar, Literal

from pydantic import Field

from .base import ONE, ZERO, D, IndicatorBase, Observation, show


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


def efficacy_standards(values: list[Decimal], direction: str) -> tuple[Decimal, Decimal]:
    """Satisfactory and unallowable values taken from the compared units: best and worst."""
    best, worst = (max(values), min(values)) if direction == "higher" else (min(values), max(values))
    return best, worst


class EfficacyIndicator(IndicatorBase):
    method: Literal["efficacy"]
    method_label: ClassVar[str] = "功效系数法"
    base: float = Field(0.6, ge=0, le=1)
    x_s: float | None = None
    x_u: float | None = None
    clamp_low: bool = False
    round_ratio: int | None = Field(None, ge=0, le=10)  # round the 功效系数 half-up to this many decimals first

    def check_parameters(self) -> None:
        if (self.x_s is None) != (self.x_u is None):
            raise ValueError("功效系数法的满意值 x_s 与不允许值 x_u 须同时给出（或同时省略，取参评单位最好、最差值）")

    def score(self, observations: dict[str, Observation]) -> dict[str, Decimal | None]:
        if self.x_s is not None:
            x_s, x_u = D(self.x_s), D(self.x_u)
        else:
            x_s, x_u = efficacy_standards([o.value for o in observations.values()], self.direction)
        return {u: efficacy_points(self.points, self.base, o.value, x_s, x_u, self.clamp_low, self.round_ratio)
                for u, o in observations.items()}

    def explain(self, observations: dict[str, Observation], scores) -> dict[str, str]:
        if self.x_s is not None:
            x_s, x_u, whose = D(self.x_s), D(self.x_u), ""
        else:
            x_s, x_u = efficacy_standards([o.value for o in observations.values()], self.direction)
            whose = "（参评单位最好值、最差值）"
        out = {}
        for u, o in observations.items():
            d = efficacy_coefficient(o.value, x_s, x_u, self.clamp_low, self.round_ratio)
            out[u] = (f"满意值 {show(x_s)}、不允许值 {show(x_u)}{whose}；功效系数 = ({show(o.value)} − {show(x_u)}) ÷ "
                      f"({show(x_s)} − {show(x_u)}) = {show(d)}；得分 = {self.points:g} × ({self.base:g} + "
                      f"{1 - self.base:g} × {show(d)}) = {show(scores[u])}")
        return out

    def describe(self) -> str:
        std = (f"满意值 {self.x_s:g}、不允许值 {self.x_u:g}" if self.x_s is not None
               else "满意值、不允许值分别取参评单位最好值、最差值")
        low = "，功效系数不低于0" if self.clamp_low else ""
        p = f"{self.points:g}"
        return f"{self.better}；{std}；得分 = {p} ×（{self.base:g} + {1 - self.base:g} × 功效系数）{low}"


MODEL = EfficacyIndicator
