"""`completion` 完成率计分 (SPEC §3, 方案编写指南 §3.4): score = points × min(completion rate, cap), floor 0."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from .base import ONE, ZERO, Bound, D, Observation, TargetedIndicator, show


class CompletionIndicator(TargetedIndicator):
    method: Literal["completion"]
    method_label: ClassVar[str] = "完成率计分"
    required: ClassVar[tuple[str, ...]] = ("target",)
    cap: float = Field(1.0, gt=0)  # the rate counts at most this much (1.2: up to 120 %)
    floor: float | None = None  # a rate below it scores 0

    def ratio(self, actual: Decimal, target: Decimal) -> Decimal:
        if self.direction == "higher":
            if target == 0:
                return ONE if actual >= 0 else ZERO
            return actual / target
        if actual <= target:
            return ONE
        return target / actual

    def score_one(self, obs: Observation) -> Decimal | None:
        target = self.target_of(obs)
        if target is None:
            return None
        r = self.ratio(obs.value, target)
        if self.floor is not None and r < D(self.floor):
            return ZERO
        return max(ZERO, D(self.points) * min(r, D(self.cap)))

    def explain_one(self, obs: Observation, score) -> str:
        target = self.target_of(obs)
        r = self.ratio(obs.value, target)
        rate = (f"完成率 = {show(obs.value)} ÷ {show(target)} = {show(r)}" if self.direction == "higher"
                else f"实际 {show(obs.value)}、目标 {show(target)}，完成率 {show(r)}")
        if self.floor is not None and r < D(self.floor):
            return f"{rate}，低于 {self.floor:g}，得 0 分"
        used = min(r, D(self.cap))
        capped = f"（最高按 {self.cap:g} 计）" if used != r else ""
        return f"{rate}{capped}；得分 = {self.points:g} × {show(used)} = {show(score)}"

    def describe(self) -> str:
        cap = f"，完成率最高按{self.cap * 100:g}%计" if self.cap != 1 else "，超额完成不加分"
        if self.direction == "lower":
            return f"{self.better}；{self.target_text}，不超过目标得满分，超过按 目标/实际 计分{cap}"
        return f"{self.target_text}，得分 = {self.points:g} × 完成率{cap}"

    def bounds(self) -> tuple[Bound, ...]:
        # a negative actual or target makes the rate meaningless (checked after the scheme's own `range`)
        return (Bound("negative-value", low=0, columns=("value", "target"), stage="plausibility"),)


MODEL = CompletionIndicator
