"""`step` 达标按差距扣分 (SPEC §3, 方案编写指南 §3.5): full points at the target, `per_step` off for every `step`
short of it (proportionally, or every started step with `rounding = "ceil"`), floor 0."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from .base import ZERO, D, Observation, TargetedIndicator, show


class StepIndicator(TargetedIndicator):
    method: Literal["step"]
    method_label: ClassVar[str] = "达标按差距扣分"
    required: ClassVar[tuple[str, ...]] = ("target", "step", "per_step")
    step: float | None = Field(None, gt=0)
    per_step: float | None = Field(None, ge=0)
    rounding: Literal["proportional", "ceil"] = "proportional"

    def score_one(self, obs: Observation) -> Decimal | None:
        target = self.target_of(obs)
        if target is None:
            return None
        shortfall = target - obs.value if self.direction == "higher" else obs.value - target
        if shortfall <= 0:
            return D(self.points)
        steps = shortfall / D(self.step)
        if self.rounding == "ceil":
            steps = Decimal(math.ceil(steps))
        return max(ZERO, D(self.points) - steps * D(self.per_step))

    def explain_one(self, obs: Observation, score) -> str:
        target = self.target_of(obs)
        shortfall = target - obs.value if self.direction == "higher" else obs.value - target
        if shortfall <= 0:
            return f"实际 {show(obs.value)}，达到目标 {show(target)}，得满分 {self.points:g}"
        steps = shortfall / D(self.step)
        if self.rounding == "ceil":
            steps = Decimal(math.ceil(steps))
        return (f"实际 {show(obs.value)}，差目标 {show(target)} {show(shortfall)}，合 {show(steps)} 档 × {self.per_step:g} "
                f"= 扣 {show(steps * D(self.per_step))} 分；得分 {show(score)}")

    def describe(self) -> str:
        how = "按比例" if self.rounding == "proportional" else "不足一档按一档"
        return f"达到{self.target_text}得满分，每差 {self.step:g} 扣 {self.per_step:g} 分（{how}），扣完为止"


MODEL = StepIndicator
