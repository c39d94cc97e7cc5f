"""`efficacy_standard` 五档标准值功效系数法 (方案编写指南 §3.3): the band's base score plus the interpolated
adjustment toward the next band (财政部/国资委 enterprise performance evaluation)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from .base import D, IndicatorBase, Observation, show

# 五档标准值 and their coefficients, best first.
STANDARD_BANDS = {"优秀": Decimal("1.0"), "良好": Decimal("0.8"), "平均": Decimal("0.6"), "较低": Decimal("0.4"),
                  "较差": Decimal("0.2")}


class EfficacyStandardIndicator(IndicatorBase):
    method: Literal["efficacy_standard"]
    method_label: ClassVar[str] = "五档标准值功效系数法"
    required: ClassVar[tuple[str, ...]] = ("standards",)
    standards: dict[str, float] | None = None  # the five standard values 优秀/良好/平均/较低/较差
    below: float = 0  # score below 较差 (as a fraction of points)

    def check_parameters(self) -> None:
        bands = list(STANDARD_BANDS)
        if sorted(self.standards) != sorted(bands):
            raise ValueError(f"standards 须包含五档标准值：{'、'.join(bands)}")

    def score_one(self, obs: Observation) -> Decimal | None:
        x, points = obs.value, D(self.points)
        sign = 1 if self.direction == "higher" else -1
        bands = [(name, coef, D(self.standards[name])) for name, coef in STANDARD_BANDS.items()]  # best first
        if sign * x >= sign * bands[0][2]:
            return points
        for (_, upper_coef, upper_value), (_, coef, value) in zip(bands, bands[1:]):
            if sign * x >= sign * value:
                base = points * coef
                d = (x - value) / (upper_value - value)
                return base + d * (points * upper_coef - base)
        return points * D(self.below)

    def explain_one(self, obs: Observation, score) -> str:
        x = obs.value
        sign = 1 if self.direction == "higher" else -1
        band = next((name for name in STANDARD_BANDS if sign * x >= sign * D(self.standards[name])), None)
        where = f"达到“{band}”档标准值 {self.standards[band]:g}" if band else f"低于“较差”档标准值 {self.standards['较差']:g}"
        return f"{show(x)}，{where}；得分 {show(score)}"

    def describe(self) -> str:
        return f"{self.better}；按五档标准值（优秀/良好/平均/较低/较差）所在档次基础分加插值调整分，满分{self.points:g}分"


MODEL = EfficacyStandardIndicator
