"""`direct` 直接计分 (方案编写指南 §3.1): the return holds the score itself, between 0 and the indicator's points."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from .base import Bound, IndicatorBase, Observation


class DirectIndicator(IndicatorBase):
    method: Literal["direct"]
    method_label: ClassVar[str] = "直接计分"

    def score_one(self, obs: Observation) -> Decimal | None:
        return obs.value

    def describe(self) -> str:
        return f"直接采用报表中的得分（0～{self.points:g}分）"

    def bounds(self) -> tuple[Bound, ...]:
        # a score outside 0..points is refused, never silently cut (out-of-range names the cell)
        return (Bound("out-of-range", low=0, high=self.points, params={"low": 0, "high": f"{self.points:g}"},
                      prompt=f"请输入 0～{self.points:g} 之间的得分"),)


MODEL = DirectIndicator
