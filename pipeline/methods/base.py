"""What every scoring method shares: the keys every indicator has, the scoring interface, and value bounds as data.

A method is one pydantic model subclassing `IndicatorBase` (pipeline/methods/<method>.py). The scoring interface
scores a whole cohort (the units compared with each other) at once, because some methods need every unit's value
(efficacy with sample standards, rank); per-unit methods implement `score_one` and inherit `score`. A missing value
never reaches a method: `score_indicator` applies the indicator's `missing` policy, here and nowhere else.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from ..numbers import CONTEXT, show  # noqa: F401 - show: re-exported for the methods' 计算过程 lines
from ..scheme_base import _check_range, _Model

ZERO = Decimal(0)
ONE = Decimal(1)


def D(x) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


@dataclass(frozen=True)
class Observation:
    """One unit's figures for one indicator: the value read from its return and, where the return has one, its target."""

    value: Decimal | None
    target: Decimal | None = None


@dataclass(frozen=True)
class Bound:
    """A rule every figure a method reads obeys, as data: normalize or plausibility raise `issue` (whose catalogue
    template is the Chinese message) for a figure outside it, and a blank return template offers it as data validation.

    `columns` says which figures: "value" (完成值, or 累计完成 under `basis = "cumulative"`), "target", "last" (上年值).
    `stage`: "read" is refused while the cell is read (normalize); "plausibility" among the plausibility checks, after
    the scheme's own `range` (pipeline/plausibility.py).
    """

    issue: str
    low: float | None = None
    high: float | None = None
    strict: bool = False  # `low` itself is outside (a value must be greater than it)
    columns: tuple[str, ...] = ("value",)
    stage: Literal["read", "plausibility"] = "read"
    params: dict = field(default_factory=dict)  # message parameters besides the value
    integer: bool = False  # the blank template takes whole numbers only (reading does not refuse a fraction)
    prompt: str | None = None  # the blank template's error message; None: the template does not offer this bound

    def admits(self, value: Decimal) -> bool:
        if self.low is not None and (value < D(self.low) or (self.strict and value == D(self.low))):
            return False
        return self.high is None or value <= D(self.high)

    def validation(self) -> dict:
        """The xlsxwriter data-validation rule of a blank template's input column."""
        kind = "integer" if self.integer else "decimal"
        if self.high is not None:
            return {"validate": kind, "criteria": "between", "minimum": self.low, "maximum": self.high}
        return {"validate": kind, "criteria": ">" if self.strict else ">=", "value": self.low}


class IndicatorBase(_Model):
    """The keys every indicator has, whatever its method (方案编写指南 §3.0). A method's model adds its own
    parameters, `method: Literal["<name>"]` and `method_label`, and implements `describe` and `score` or `score_one`."""

    id: str
    name: str
    category: list[str]
    source: str
    points: float = Field(gt=0)
    method: str
    weight: float = Field(1, gt=0)  # within its category, for mean/geomean categories
    unit: str = ""
    aliases: list[str] = []
    note: str = ""  # 指标解释/统计口径, printed on the blank return template
    direction: Literal["higher", "lower"] = "higher"
    # a blank value: an error; 0 points; left out (the parent rescales); or imputed from the unit's group
    missing: Literal["error", "zero", "reweight", "group_mean", "group_median"] = "error"
    compare: Literal["all", "group"] = "all"  # units compared for cohort methods: all, or each group apart
    groups: list[str] = []  # applies only to units of these groups (others: not assessed, weights rescale)
    range: tuple[float, float] | None = None  # values a return may hold (value and target columns): else an error

    method_label: ClassVar[str] = ""  # the method's Chinese name (考核方法, 计分方法 in every output)
    required: ClassVar[tuple[str, ...]] = ()  # parameters the method cannot do without (default None in the model)

    @classmethod
    def method_name(cls) -> str | None:
        """The `method` value that selects this model (its discriminator tag); None for the base itself."""
        field_info = cls.model_fields.get("method")
        args = typing.get_args(field_info.annotation) if field_info is not None else ()
        return args[0] if len(args) == 1 and isinstance(args[0], str) else None

    # -- what every member answers, so that ingest, normalize and templates read no method's parameters -----------
    @property
    def label(self) -> str:
        return f"{self.id} {self.name}"

    @property
    def target_column(self) -> bool:
        """Whether the return carries a target per unit (目标值 column)."""
        return False

    @property
    def cumulative(self) -> bool:
        """Whether the return's 累计完成/累计目标 columns are read instead of this year's (连续考核)."""
        return False

    def applies_to(self, group: str) -> bool:
        return not self.groups or group in self.groups

    def bounds(self) -> tuple[Bound, ...]:
        """The rules a figure read for this indicator must obey (none unless the method has some)."""
        return ()

    @property
    def better(self) -> str:
        return "越高越好" if self.direction == "higher" else "越低越好"

    # -- the method's own part -----------------------------------------------------------------------------------
    def describe(self) -> str:
        """One Chinese sentence saying how the indicator is scored (方法说明, score cards, results.json `rule`)."""
        raise NotImplementedError(f"{type(self).__name__} does not describe its rule")

    def score(self, observations: dict[str, Observation]) -> dict[str, Decimal | None]:
        """Scores of the compared units, every one with a value (full precision, no rounding). Methods that need every
        unit at once override this; per-unit methods implement `score_one`."""
        return {unit: self.score_one(obs) for unit, obs in observations.items()}

    def explain(self, observations: dict[str, Observation], scores: dict[str, Decimal | None]) -> dict[str, str]:
        """How each unit's score came about, in one Chinese line with the numbers (计算过程: the parameters, the
        inputs and the intermediate values, ending in the score the engine gave). Methods that need every unit at
        once override this; per-unit methods implement `explain_one`. "" when there is nothing to show."""
        return {u: self.explain_one(o, scores[u]) for u, o in observations.items() if scores.get(u) is not None}

    def explain_one(self, obs: Observation, score: Decimal) -> str:
        return ""

    def score_one(self, obs: Observation) -> Decimal | None:
        """One unit's score from its own figures; None when the method cannot score it (a missing target)."""
        raise NotImplementedError(f"{type(self).__name__} implements neither score nor score_one")

    def check_parameters(self) -> None:
        """Raise ValueError (Chinese) when the method's parameters contradict each other."""

    @model_validator(mode="after")
    def _method_parameters(self):
        missing = [k for k in self.required if getattr(self, k) is None]
        if missing:
            raise ValueError(f"计分方法 {self.method}（{self.method_label}）缺少参数：{'、'.join(missing)}")
        self.check_parameters()
        _check_range(self.range)
        return self


class TargetedIndicator(IndicatorBase):
    """The keys of methods that score each unit's value against a target (a number, or the return's 目标值 column)."""

    target: float | Literal["column"] | None = None
    basis: Literal["annual", "cumulative"] = "annual"  # 零基考核 (this year) or 连续考核 (累计完成 vs 累计目标)

    @property
    def target_column(self) -> bool:
        return self.target == "column"

    @property
    def cumulative(self) -> bool:
        return self.basis == "cumulative"

    def target_of(self, obs: Observation) -> Decimal | None:
        """The unit's target: from its return when it has one (even if the scheme gives a number), else the scheme's."""
        if obs.target is not None:
            return obs.target
        return D(self.target) if isinstance(self.target, (int, float)) else None

    @property
    def target_text(self) -> str:
        return "报表目标值" if self.target == "column" else f"目标 {self.target:g}"


def score_indicator(ind: IndicatorBase, observations: dict[str, Observation]) -> dict[str, Decimal | None]:
    """Score one indicator for the compared units (all units, or one group), full precision.

    The one place missing values are handled: a unit without a value scores 0 under `missing = "zero"`, else None
    (left out: `reweight` rescales its parent; under `error` normalize has refused the run already) and takes no
    part in the cohort (no best/worst value, no place in a ranking).
    """
    with localcontext(CONTEXT):
        out: dict[str, Decimal | None] = {
            unit: ZERO if ind.missing == "zero" else None for unit, obs in observations.items() if obs.value is None}
        present = {unit: obs for unit, obs in observations.items() if obs.value is not None}
        if not present:
            return out
        scores = ind.score(present)
        if set(scores) != set(present):  # a method that drops or invents a unit would score it silently wrong
            raise RuntimeError(f"method {ind.method} scored {sorted(scores)} for {sorted(present)}")
        out.update(scores)
        return out
