"""`rank` 名次计分 (方案编写指南 §3.7): place 1 scores the points, each place lower `rank_step` less, at least
`rank_min`. A cohort method: the places are among the compared units with a value (ties share: 1, 2, 2, 4)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from .base import D, IndicatorBase, Observation, show


def competition_ranks(values: dict[str, Decimal], descending: bool = True) -> dict[str, int]:
    """1, 2, 2, 4 ranking of the given values."""
    ordered = sorted(values.values(), reverse=descending)
    return {u: ordered.index(v) + 1 for u, v in values.items()}


class RankIndicator(IndicatorBase):
    method: Literal["rank"]
    method_label: ClassVar[str] = "名次计分"
    required: ClassVar[tuple[str, ...]] = ("rank_step",)
    rank_step: float | None = Field(None, ge=0)
    rank_min: float = 0

    def score(self, observations: dict[str, Observation]) -> dict[str, Decimal | None]:
        ranks = competition_ranks({u: o.value for u, o in observations.items()}, self.direction == "higher")
        points, step, low = D(self.points), D(self.rank_step), D(self.rank_min)
        return {u: max(low, points - (r - 1) * step) for u, r in ranks.items()}

    def explain(self, observations: dict[str, Observation], scores) -> dict[str, str]:
        ranks = competition_ranks({u: o.value for u, o in observations.items()}, self.direction == "higher")
        n = len(ranks)
        return {u: (f"{show(observations[u].value)}，在 {n} 个参评单位中列第 {r} 名；得分 = {self.points:g} − ({r} − 1) × "
                    f"{self.rank_step:g} = {show(scores[u])}" + (f"（最低 {self.rank_min:g} 分）" if self.rank_min else ""))
                for u, r in ranks.items()}

    def describe(self) -> str:
        return (f"{self.better}；第1名得{self.points:g}分，每低一个名次减 {self.rank_step:g} 分，"
                f"最低 {self.rank_min:g} 分")


MODEL = RankIndicator
