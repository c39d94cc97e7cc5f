"""`count_deduct` 按次扣分 (SPEC §3, 方案编写指南 §3.6): score = points − per_event × count, floor 0."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from .base import ZERO, Bound, D, IndicatorBase, Observation, show


class CountDeductIndicator(IndicatorBase):
    method: Literal["count_deduct"]
    method_label: ClassVar[str] = "按次扣分"
    required: ClassVar[tuple[str, ...]] = ("per_event",)
    per_event: float | None = Field(None, ge=0)

    def score_one(self, obs: Observation) -> Decimal | None:
        return max(ZERO, D(self.points) - D(self.per_event) * obs.value)

    def explain_one(self, obs: Observation, score) -> str:
        return (f"{show(obs.value)} 次 × {self.per_event:g} = 扣 {show(obs.value * D(self.per_event))} 分；"
                f"得分 = {self.points:g} − 扣分 = {show(score)}（扣完为止）")

    def describe(self) -> str:
        return f"每发生1次扣 {self.per_event:g} 分，扣完为止"

    def bounds(self) -> tuple[Bound, ...]:
        # a count cannot be negative (it would add points); the template asks for whole numbers
        return (Bound("negative-value", low=0, integer=True, prompt="请输入次数（0 或正整数）"),)


MODEL = CountDeductIndicator
