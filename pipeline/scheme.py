"""The assessment scheme (`config.toml`), validated on load.

The scheme is the office's whole rule book: units, indicator tree, methods and their parameters, components,
adjustments, veto, grades, ranking, awards. Pydantic checks types and forbids unknown keys (a typo'd key is an
error, not a silently ignored setting); cross-field rules (points add up, methods have their parameters) are
checked after. Any problem raises `SchemeError` with Chinese text naming the key.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo

from . import methods as _methods
from .methods.base import Bound
from .scheme_base import (  # noqa: F401 - re-exported: the limits are part of the scheme's documented contract
    INT_LIMIT, INT_RANGES, LIST_LIMIT, LIST_LIMITS, LONG_TEXT_FIELDS, LONG_TEXT_LIMIT, NUMBER_LIMIT, TEXT_LIMIT,
    _bad_char, _check_range, _check_value, _Model, _show_int)
from .scheme_messages import explain_errors
from .scheme_tree import Node, applies, full_of, weight_of  # noqa: F401 - re-exported for the engine

# method -> Chinese label, from the registry (kept current when a method is registered).
METHOD_LABELS = {name: model.method_label for name, model in _methods.METHODS.items()}


class SchemeError(Exception):
    """A problem in config.toml; the message is Chinese and names the key."""

# How a blank value the scheme allows (`missing`) is scored, as said in issues, notes and the summary table.
GAP_POLICY = {"zero": "记 0 分", "reweight": "不计入，其余指标按比例折算",
              "group_mean": "以同组单位平均值补齐", "group_median": "以同组单位中位数补齐"}
IMPUTED = ("group_mean", "group_median")  # the policies that score an imputed value (pipeline/score/impute.py)


# Limits of the scheme as a whole (the per-value ones are in scheme_base.py).
MAX_SCHEME_BYTES = 8_000_000  # config.toml itself (a real scheme is tens of KB)
MAX_GROUPS = 100  # distinct unit groups (each is checked and scored apart)
NESTING_LIMIT = 100  # arrays / inline tables inside one another: no scheme key needs more than 2


class Assessment(_Model):
    title: str
    year: int
    organizer: str = ""
    full_score: float = 100
    precision: int = Field(2, ge=0, le=12)
    deadline: str = ""  # 报送截止时间, printed on the blank return templates (kaohe templates)
    contact: str = ""  # 联系人及电话, ditto
    publicity_days: int = Field(5, ge=1)  # 公示期（工作日）, printed in the 公示说明 of 考核结果公示表.xlsx
    publicity_contact: str = ""  # 公示期间的监督电话, ditto
    # 制表日期 "YYYY-MM-DD" on every table, the report and the files' metadata; None: the newest modification
    # date of config.toml and the returns (pipeline/render/reproducible.py, docs/decisions.md 45)
    date: str | None = None
    timezone: str = "Asia/Shanghai"  # in which dates are read and written (IANA name)

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value):
        import datetime as _dt

        if value is None:
            return None
        if isinstance(value, _dt.datetime):  # a TOML date-time (date = 2026-01-15T09:00:00)
            raise ValueError("制表日期只写日期，不带时间，如 date = \"2026-01-15\"")
        if isinstance(value, _dt.date):  # a TOML date (date = 2026-01-15)
            return value.isoformat()
        if not isinstance(value, str):
            raise ValueError("应为日期，如 date = \"2026-01-15\"")
        text = value.strip()
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{4})年(\d{1,2})月(\d{1,2})日", text)
        try:
            if not m:
                raise ValueError
            y, mo, d = (int(x) for x in (m.groups()[:3] if m[1] else m.groups()[3:]))
            return _dt.date(y, mo, d).isoformat()
        except ValueError:
            raise ValueError(f"“{text[:20]}”不是有效日期，请写作 \"2026-01-15\" 或 \"2026年1月15日\"") from None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from .render.reproducible import zone

        zone(value)  # ValueError (Chinese) when this machine cannot resolve it
        return value

    @model_validator(mode="after")
    def _date_in_year(self):
        if self.date is not None and int(self.date[:4]) < self.year:
            raise ValueError(f"制表日期 date = \"{self.date}\" 早于考核年度 {self.year} 年，请核对")
        if self.date is not None and int(self.date[:4]) > self.year + 10:  # 2062 typed for 2026
            raise ValueError(f"制表日期 date = \"{self.date}\" 比考核年度 {self.year} 年晚十年以上，请核对")
        return self


class Ranking(_Model):
    method: Literal["competition", "dense"] = "competition"
    tie_breakers: list[str] = []


class Grade(_Model):
    name: str
    min: float
    quota: float | None = Field(None, gt=0, le=1)  # at most this share of units (rounded down); surplus drops a grade


class Veto(_Model):
    effect: Literal["no_award", "lowest_grade"] = "no_award"
    items: list[str] = []  # 一票否决事项 (e.g. 党风廉政建设, 安全生产); empty = any item the register names
    # 一票否优事项: a register entry of one of these blocks only the top grade (the unit keeps its awards and is
    # graded no better than the second grade); it is no 一票否决
    top_grade_items: list[str] = []

    @model_validator(mode="after")
    def _apart(self):
        both = sorted(set(self.items) & set(self.top_grade_items))
        if both:
            raise ValueError(f"“{'、'.join(both)}”不能既是一票否决事项（items）又是一票否优事项（top_grade_items）")
        return self


def _fraction(value, key: str, what: str, example: str, signed: bool = False) -> tuple[Decimal, bool]:
    """(the fraction a scheme value writes, whether it was a percent text): 0.6 -> 0.6, "60%" -> 0.6; anything
    else is refused as not a `what` (比例, 增长率), showing `example`."""
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(" + ("[+-]?" if signed else "") + r"\d+(?:\.\d+)?)\s*[%％]\s*", value)
        if not m:
            raise ValueError(f"{key} = \"{value[:20]}\" 应为{what}，如 {example}")
        return Decimal(m[1]) / 100, True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value)), False
    raise ValueError(f"{key} 应为{what}，如 {example}")


def parse_rate(value, key: str) -> Decimal:
    """A share or rate as a scheme writes it: a fraction in (0, 1] (0.6) or a percent text ("60%").

    60 for 60% is refused, never read as 6000%: an office that writes it means a percent, and guessing which
    is exactly the silent wrong result kaohe must not give."""
    rate, _ = _fraction(value, key, "比例", "0.6 或 \"60%\"")
    if rate > 1:
        raise ValueError(f"{key} = {value} 大于 1：比例请写作 0.6 或 \"60%\"（不要写作 60）")
    if rate <= 0:
        raise ValueError(f"{key} 应大于 0")
    return rate


class GradeRule(_Model):
    """`[[grade_rules]]`: a condition under which a unit is graded no better than `grade`, whatever its total
    (对群众评价不满意的视为不合格；任一类别得分率低于60%的不得评为优秀). Rules only ever lower a grade; the lowest
    of the grades the rules and the bands give wins; each rule that lowered a grade is its stated reason."""

    name: str  # the reason as the outputs show it: "群众满意率低于60%"
    measure: Literal["total", "component", "category", "any_category", "satisfaction_rate"]
    of: str | None = None  # component name; category name or path "a/b"; survey respondent category (optional)
    below: float | str | None = None  # points on the measure's own scale; a rate (0.6 / "60%") for satisfaction_rate
    below_share: float | str | None = None  # share of the full points (0.6 / "60%"), for a component or category
    grade: str  # the best grade a unit meeting the condition can get

    @model_validator(mode="after")
    def _shape(self):
        m = self.measure
        if (self.below is None) == (self.below_share is None):
            raise ValueError("每条等次规则须且只能给出 below（低于某分数）或 below_share（低于满分的某比例）之一")
        if m in ("component", "category") and not self.of:
            raise ValueError(f"measure = \"{m}\" 须用 of 写明是哪个{'组成部分' if m == 'component' else '指标类别'}")
        if m in ("total", "any_category") and self.of:
            raise ValueError(f"measure = \"{m}\" 不用写 of")
        if m == "any_category" and self.below is not None:
            raise ValueError("measure = \"any_category\" 比较各一级指标的得分率，请用 below_share（如 0.6 或 \"60%\"）")
        if m == "satisfaction_rate":
            if self.below_share is not None:
                raise ValueError("measure = \"satisfaction_rate\" 用 below 写满意率，如 below = \"60%\"")
            parse_rate(self.below, "below")
        elif self.below_share is not None:
            parse_rate(self.below_share, "below_share")
        elif isinstance(self.below, str):
            raise ValueError(f"below = \"{self.below[:20]}\" 应为分数；按满分比例比较请写 below_share")
        return self

    def describe(self) -> str:
        """The condition in one Chinese phrase (方法说明): "满意率低于 60%", "任一一级指标得分率低于 90%"."""
        line = self.threshold
        pct = f"{(line * 100).normalize():f}%"
        what = {"total": "总分", "component": f"“{self.of}”得分", "category": f"“{self.of}”得分",
                "any_category": "任一一级指标", "satisfaction_rate": f"“{self.of}”满意率" if self.of else "满意率"}
        if self.measure == "satisfaction_rate":
            return f"{what[self.measure]}低于 {pct}"
        if self.below_share is not None:
            return f"{what[self.measure]}得分率低于 {pct}" if self.measure == "any_category" \
                else f"{what[self.measure]}低于满分的 {pct}"
        return f"{what[self.measure]}低于 {line.normalize():f} 分"

    @property
    def threshold(self) -> Decimal:
        """`below` as points, or `below_share` / a satisfaction rate as a fraction."""
        if self.measure == "satisfaction_rate":
            return parse_rate(self.below, "below")
        if self.below_share is not None:
            return parse_rate(self.below_share, "below_share")
        return Decimal(str(self.below))


class Prize(_Model):
    name: str
    places: int = Field(1, ge=1)
    amount: float = 0


class Progress(_Model):
    name: str = "进步奖"
    min_places: int = Field(2, ge=1)
    exclude_top: int = Field(3, ge=0)
    amount: float = 0


class GroupWinner(_Model):
    """综合先进: the best `places` eligible units of each group (e.g. 1 village, 1 organ unit)."""

    name: str = "综合先进单位"
    places: int = Field(1, ge=1)
    amount: float = 0


class SingleAward(_Model):
    """单项奖: the best eligible unit by one top-level category's score, or by one indicator's score."""

    name: str
    category: str | None = None
    indicator: str | None = None
    places: int = Field(1, ge=1)
    amount: float = 0

    @model_validator(mode="after")
    def _one_basis(self):
        if (self.category is None) == (self.indicator is None):
            raise ValueError("单项奖须且只能给出 category 或 indicator 之一")
        return self


class Awards(_Model):
    eligibility_ratio: float = Field(0.7, ge=0, le=1)
    prizes: list[Prize] = []
    progress: Progress | None = None
    group_winner: GroupWinner | None = None
    single: list[SingleAward] = []


class GrowthItem(_Model):
    """One indicator of a composite index (综合指数): read from returns with this year's and last year's value."""

    id: str
    name: str
    source: str
    weight: float = Field(gt=0, le=1)
    direction: Literal["higher", "lower"] = "higher"
    unit: str = ""
    aliases: list[str] = []
    note: str = ""  # 指标解释/统计口径, printed on the blank return template
    range: tuple[float, float] | None = None  # values a return may hold (this year's and last year's): else an error
    # What every indicator answers too (pipeline/methods/base.py), so that ingest, normalize and the blank
    # templates treat both alike. `growth` is no scoring method: the component scores the index (score/growth.py).
    method: ClassVar[str] = "growth"
    method_label: ClassVar[str] = "综合指数（本年值与上年值比较）"
    missing: ClassVar[str] = "error"
    target_column: ClassVar[bool] = False
    cumulative: ClassVar[bool] = False

    def applies_to(self, group: str) -> bool:
        return True  # a composite index compares every unit

    def bounds(self) -> tuple[Bound, ...]:
        # this year's and last year's values are divided by: both must be positive
        return (Bound("not-positive", low=0, strict=True, columns=("value", "last"), prompt="请输入大于 0 的数字"),)

    @model_validator(mode="after")
    def _range_order(self):
        _check_range(self.range)
        return self

    @property
    def label(self) -> str:
        return f"{self.id} {self.name}"


class Component(_Model):
    name: str
    # ratings: the mean of 100-point ratings from a register (班子成员评分, 季度考核…); "leadership" is a synonym
    # periods: the indicator tree scored on each periodic check's returns (定期考核: 季度, 半年, 月), then combined
    kind: Literal["indicators", "periods", "survey", "ratings", "leadership", "growth_index"]
    weight: float = Field(gt=0, le=1)
    full: float = Field(100, gt=0)
    raw_full: float | None = None  # e.g. 1500 raw points shown on a 千分制 scale (full = 1000)
    trim: bool = False  # ratings: 去掉一个最高分和一个最低分 (when at least 3 ratings)
    item_weights: dict[str, float] = {}  # ratings scored per item: rating = Σ weight × item score / Σ weight
    item_points: dict[str, float] = {}  # ratings whose items are scored out of their own points: rating = Σ items
    raters: list[str] = []  # ratings: who must rate every unit (e.g. the four quarters); empty = whoever rated
    # ratings: who the raters are. "members": people or periods (班子成员, 季度); "peers": assessed units of the
    # rated unit's own group (交叉考核) -- a rater that is no unit, or a unit of another group, is an error
    rated_by: Literal["members", "peers"] = "members"
    # ratings: a rating whose rater is the rated unit itself -- left out (shown as such), or counted
    self_rating: Literal["exclude", "count"] = "exclude"

    # periods: the periodic checks, in order (第一季度…); each is read from its own returns and scored by the
    # indicators' own methods; combined by period_weights (default: the mean)
    periods: list[str] = []
    period_weights: dict[str, float] = {}

    @property
    def scores_tree(self) -> bool:
        """Whether the component is the indicator tree's score (year-end, or per period)."""
        return self.kind in ("indicators", "periods")

    @property
    def weights_of_periods(self) -> dict[str, Decimal]:
        """Each period's weight in the component: the declared ones, else equal (the mean of the periods)."""
        if self.period_weights:
            return {p: Decimal(str(self.period_weights[p])) for p in self.periods}
        return {p: Decimal(1) / len(self.periods) for p in self.periods}

    @model_validator(mode="after")
    def _periods(self):
        if self.kind != "periods":
            if self.periods or self.period_weights:
                raise ValueError("periods、period_weights 只用于定期考核组成部分（kind = \"periods\"）")
            return self
        if not self.periods:
            raise ValueError("定期考核组成部分（kind = \"periods\"）须用 periods 列出各期，如 [\"第一季度\", \"第二季度\"]")
        if len(set(self.periods)) != len(self.periods) or any(not p.strip() for p in self.periods):
            raise ValueError("periods：各期名称须不同且不为空")
        if any(re.fullmatch(r"\s*\d+\s*", p) for p in self.periods):
            raise ValueError("periods：期的名称不能只是数字（会与年度混淆），请写作“第一季度”“上半年”“1月”等")
        if self.period_weights:
            if set(self.period_weights) != set(self.periods):
                raise ValueError(f"period_weights 须为每一期（{'、'.join(self.periods)}）给出权重")
            if sum(Decimal(str(w)) for w in self.period_weights.values()) != 1:
                raise ValueError("period_weights：各期权重之和应为 1")
            if any(w <= 0 for w in self.period_weights.values()):
                raise ValueError("period_weights：各期权重须大于 0")
        return self

    @property
    def is_ratings(self) -> bool:
        return self.kind in ("ratings", "leadership")

    @property
    def rated_items(self) -> list[str]:
        """The item columns of a per-item ratings sheet (item_weights or item_points), for reading the sheet."""
        return [*self.item_weights, *self.item_points]

    @model_validator(mode="after")
    def _item_points(self):
        # points entered as weights would give Σ w·v / Σ w instead of Σ v: a silently wrong rating, so never both
        if self.item_points and self.item_weights:
            raise ValueError("item_points 与 item_weights 不能同时写：各项按自身分值打分、评分为各项之和时写 item_points，"
                             "各项按百分制打分、评分按权重平均时写 item_weights")
        if not self.is_ratings and (self.rated_by != "members" or self.self_rating != "exclude" or self.trim
                                    or self.raters):
            raise ValueError("trim、raters、rated_by、self_rating 只用于评分类组成部分（kind = \"ratings\" 或 \"leadership\"）")
        if self.item_points:
            if not self.is_ratings:
                raise ValueError("只有评分类组成部分（kind = \"ratings\" 或 \"leadership\"）可以写 item_points")
            if any(p <= 0 for p in self.item_points.values()):
                raise ValueError("item_points：各项分值须大于 0")
            total = sum(Decimal(str(p)) for p in self.item_points.values())
            if total != 100:
                raise ValueError(f"item_points：各项分值之和为 {total.normalize():f}，应为 100（评分是百分制，"
                                 "满分等于各项分值之和）")
        return self
    # growth_index (自己与自己比 self_weight + 与全县平均比 1 - self_weight), scored by efficacy over the index
    items: list[GrowthItem] = []
    self_weight: float = Field(0.6, ge=0, le=1)
    base: float = Field(0.6, ge=0, le=1)
    compare: Literal["all", "group"] = "all"
    aggregation: Literal["sum", "mean", "geomean"] = "sum"  # indicators / periods: how top-level categories combine


class RankRule(_Model):
    """Points for a place in an external ranking: the first `top` places, or the last `bottom` places."""

    top: int | None = Field(None, ge=1)
    bottom: int | None = Field(None, ge=1)
    points: float

    @model_validator(mode="after")
    def _one_end(self):
        if (self.top is None) == (self.bottom is None):
            raise ValueError("rank_rules 每条须且只能给出 top 或 bottom 之一")
        return self


class Adjustment(_Model):
    """A bonus or deduction outside the weighted parts. With rank_rules, the register gives each unit's place in
    an external ranking (e.g. 全市营商环境评价) and the rules turn places into signed points."""

    name: str
    sign: Literal["bonus", "deduction", "rank"] = "bonus"
    cap: float | None = Field(None, ge=0)
    rank_rules: list[RankRule] = []
    rank_of: int | None = Field(None, ge=1)  # size of the external ranking (default: the units ranked in the register)
    per_item: float | None = Field(None, gt=0)  # fixed points per register entry (改革创新 +1 per item), value ignored

    @model_validator(mode="after")
    def _rank_mode(self):
        if (self.sign == "rank") != bool(self.rank_rules):
            raise ValueError("按名次加减分须同时设置 sign = \"rank\" 和 rank_rules")
        return self


class Survey(_Model):
    form: Literal["county", "district"] = "county"  # county: mean of category/5×100; district: Σ category/5×points
    categories: list[str]
    category_points: dict[str, float] = {}  # district form: each category's own points (e.g. 4 × 10)
    rounds: dict[str, float] = {"年终": 1.0}
    choices: dict[str, float] = {"满意": 5, "基本满意": 3, "不满意": 0}
    unknown: str = "不了解"
    scale: float = 5  # the best choice's score: category score / scale * 100
    satisfied: list[str] = []  # choices counted as satisfied (default: the two best-scoring, 满意 + 基本满意)
    # how a respondent category is scored: "points" the mean of its choices' points / scale × 100; "rate" its
    # satisfied share of the known answers × 100 (民主测评 scored as the rate of 好 + 较好)
    score_by: Literal["points", "rate"] = "points"

    @property
    def satisfied_choices(self) -> set[str]:
        return set(self.satisfied or sorted(self.choices, key=lambda c: -self.choices[c])[:2])

    @property
    def full(self) -> Decimal:
        """The public score's own full mark: 100 (county form) or the sum of the categories' points (district)."""
        if self.form == "district":
            return sum((Decimal(str(self.category_points[c])) for c in self.categories), Decimal(0))
        return Decimal(100)

    @model_validator(mode="after")
    def _district_points(self):
        unknown = [c for c in self.satisfied if c not in self.choices]
        if unknown:
            raise ValueError(f"satisfied 中的“{'、'.join(unknown)}”不是 choices 中的选项")
        if self.form == "district":
            missing = [c for c in self.categories if c not in self.category_points]
            if missing:
                raise ValueError(f"区级形式（form = \"district\"）须在 category_points 中给出各群体分值，缺：{'、'.join(missing)}")
        return self


class Category(_Model):
    """A node of the indicator tree (一级/二级指标): how it combines its children, and its weight in its parent."""

    path: list[str]
    aggregation: Literal["sum", "mean", "geomean"] = "sum"
    weight: float = Field(1, gt=0)  # within the parent, for mean/geomean parents
    points: float | None = Field(None, gt=0)  # declared full points (checked against the children's sum)
    # objective weights for the node's indicators, derived from this year's values (pipeline/score/weights.py):
    # 熵权法 or CRITIC, instead of the indicators' own `weight`
    weighting: Literal["entropy", "critic"] | None = None


def parse_growth(value, key: str) -> Decimal:
    """A growth rate as a scheme writes it: a fraction (0.12) or a percent text ("12%", "150%", "-5%").
    A number above 1 is refused: 12 for 12% would otherwise be read as 1200%."""
    growth, written_as_percent = _fraction(value, key, "增长率", "0.12 或 \"12%\"", signed=True)
    if not written_as_percent and growth > 1:
        raise ValueError(f"{key} = {value} 大于 1：增长率请写作 0.12 或 \"12%\"（超过 100% 的写作 \"150%\"）")
    return growth


class Target(_Model):
    """`[[units.targets]]`: one target a unit declared (追赶超越目标): a grade, a rank, places gained on last year,
    a score, an indicator's value, or the growth of a composite-index item on last year. Reported, never scored."""

    kind: Literal["grade", "rank", "rank_change", "score", "indicator", "growth"]
    name: str = ""  # how the target was declared ("跻身“优秀”等次"); default: worded from the keys
    grade: str | None = None  # grade: at least this grade
    rank: int | None = Field(None, ge=1)  # rank: this place or better
    within: Literal["all", "group"] = "all"  # rank: among all units, or within the unit's group
    places: int | None = Field(None, ge=1)  # rank_change: at least this many places up on last year
    score: float | None = None  # score: at least this total (or the score of `of`)
    of: str | None = None  # score: a component or a top-level category; indicator / growth: an indicator id
    value: float | None = None  # indicator: this value or better (by the indicator's direction)
    rate: float | str | None = None  # growth: this growth or more (0.12 or "12%")

    NEEDS: ClassVar[dict[str, str]] = {"grade": "grade", "rank": "rank", "rank_change": "places", "score": "score",
                                       "indicator": "value", "growth": "rate"}

    @model_validator(mode="after")
    def _shape(self):
        need = self.NEEDS[self.kind]
        if getattr(self, need) is None:
            raise ValueError(f"kind = \"{self.kind}\" 的目标须写 {need}")
        extra = [k for k in self.NEEDS.values() if k != need and getattr(self, k) is not None]
        if extra:
            raise ValueError(f"kind = \"{self.kind}\" 的目标不用写 {'、'.join(extra)}")
        if self.kind in ("indicator", "growth") and not self.of:
            raise ValueError(f"kind = \"{self.kind}\" 的目标须用 of 写明指标编号")
        if self.kind in ("grade", "rank", "rank_change") and self.of:
            raise ValueError(f"kind = \"{self.kind}\" 的目标不用写 of")
        if self.within != "all" and self.kind != "rank":
            raise ValueError("within 只用于 kind = \"rank\" 的目标")
        if self.rate is not None:
            parse_growth(self.rate, "rate")
        return self

    @property
    def growth(self) -> Decimal:
        return parse_growth(self.rate, "rate")


class Unit(_Model):
    name: str
    group: str = ""
    aliases: list[str] = []
    benchmark: str | None = None  # 追赶超越：the unit it measures itself against
    targets: list[Target] = []  # 追赶超越：the targets it declared (reported with their attainment)


# An `[[indicators]]` entry: the discriminated union (on `method`) of the registered methods' models
# (pipeline/methods/); a key of another method is an error naming it (scheme_messages.py).
Indicator = _methods.union()


class TableTemplate(_Model):
    """An office's own mandated workbook (表样) to fill with the results (pipeline/render/xlsx_fill.py)."""

    file: str  # the template, relative to the assessment folder ("templates/表样/汇总表.xlsx")
    output: str  # the file written into output/; with per_unit, "folder/{单位}.xlsx" (one file per unit)
    per_unit: bool = False

    @model_validator(mode="after")
    def _check_output(self):
        parts = self.file.replace("\\", "/").split("/")
        if self.file.startswith(("/", "\\")) or ".." in parts or (len(self.file) > 1 and self.file[1] == ":"):
            raise ValueError(f"file = \"{self.file}\" 应为考核文件夹中的表样文件（相对路径，如 \"templates/表样/汇总表.xlsx\"，"
                             "不能含“..”或绝对路径）")
        out = self.output
        if not out.lower().endswith(".xlsx") or ".." in out or "\\" in out or out.startswith("/"):
            raise ValueError(f"output = \"{out}\" 应为 .xlsx 文件名（不能含“..”或绝对路径）")
        if self.per_unit != ("{单位}" in out):
            raise ValueError("per_unit = true 时 output 须含“{单位}”（如 \"单位评分表/{单位}.xlsx\"），否则不能含")
        if out.count("/") > (1 if self.per_unit else 0):
            raise ValueError(f"output = \"{out}\" 只能是文件名（每单位一个文件时可放在一层子文件夹中）")
        return self


RETURN_KINDS = ("indicators", "survey", "adjustments", "veto", "falsified", "ratings", "history", "scorecard",
                "corrections")
REGISTER_KINDS = ("adjustments", "veto", "falsified", "history", "corrections")


class FileRule(_Model):
    """The office teaching ingest what detection cannot infer, for the files and sheets its patterns match.

    Patterns are shell globs (`*`, `?`, `[...]`), matched on the path under input/ (with `/`) and on the sheet name.
    """

    file: str = "*"
    sheet: str = "*"
    kind: Literal["indicators", "survey", "adjustments", "veto", "falsified", "ratings", "history", "scorecard",
                  "corrections",
                  "ignore"] | None = None
    headers: dict[str, list[str]] = {}  # column role or indicator id -> extra header words (these files only)
    round: str | None = None  # survey: the round these sheets hold, when neither they nor their names say
    category: str | None = None  # survey: the respondent category, likewise
    adjustment: str | None = None  # adjustments register: the kind of every entry on these sheets
    year: int | None = None  # the year these sheets hold (last year's values feed composite indices)
    period: str | None = None  # the periodic check these sheets hold (定期考核, a `periods` component's period)


class IngestSettings(_Model):
    """`[ingest]`: how returns are read beyond what kaohe detects by itself (方案编写指南 §13)."""

    headers: dict[str, list[str]] = {}  # column role or indicator id -> extra header words (every file)
    kinds: dict[str, list[str]] = {}  # return kind -> extra words that mark it in a sheet name, title or file name
    files: list[FileRule] = []
    resubmission: Literal["error", "newest"] = "error"  # two returns of one department that disagree
    required: list[Literal["adjustments", "veto", "falsified", "history", "corrections"]] = []  # must be found
    optional: list[Literal["adjustments", "veto", "falsified", "history", "corrections"]] = []  # may be absent
    file_seconds: float = Field(8, gt=0, le=600)  # wall-clock budget for reading one return (bounded.FILE_SECONDS)


class Scheme(_Model):
    assessment: Assessment
    ranking: Ranking = Ranking()
    grades: list[Grade] = []
    grade_rules: list[GradeRule] = []
    veto: Veto = Veto()
    awards: Awards = Awards()
    components: list[Component]
    adjustments: list[Adjustment] = []
    survey: Survey | None = None
    units: list[Unit]
    indicators: list[Indicator] = []
    categories: list[Category] = []
    table_templates: list[TableTemplate] = []  # the office's mandated tables (表样) to fill
    ingest: IngestSettings = IngestSettings()

    # -- derived views -------------------------------------------------------------------------
    @property
    def unit_names(self) -> list[str]:
        return [u.name for u in self.units]

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(u.group for u in self.units if u.group))

    @property
    def measures(self) -> list["Indicator | GrowthItem"]:
        """Everything read from departmental returns: leaf indicators and composite-index items."""
        return [*self.indicators, *(it for c in self.components for it in c.items)]

    @property
    def period_names(self) -> list[str]:
        """Every periodic check of the scheme's `periods` components, in order."""
        return [p for c in self.components for p in c.periods]

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(i.source for i in self.measures))

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)

    def top_categories(self) -> list[tuple[tuple[str, ...], list[Indicator]]]:
        """Top-level categories in scheme order with all their leaf indicators."""
        out: dict[tuple[str, ...], list[Indicator]] = {}
        for ind in self.indicators:
            out.setdefault(tuple(ind.category[:1]), []).append(ind)
        return list(out.items())

    def tree(self) -> list[Node]:
        """The indicator tree's top-level nodes, built from the indicators' category paths and [[categories]]."""
        config = {tuple(c.path): c for c in self.categories}
        nodes: dict[tuple[str, ...], Node] = {}
        top: list[Node] = []

        def node(path: tuple[str, ...]) -> Node:
            if path not in nodes:
                cfg = config.get(path)
                n = Node(path)
                if cfg is not None:
                    n.aggregation, n.weight, n.weighting = cfg.aggregation, Decimal(str(cfg.weight)), cfg.weighting
                    n.declared = Decimal(str(cfg.points)) if cfg.points is not None else None
                nodes[path] = n
                (node(path[:-1]).children if len(path) > 1 else top).append(n)
            return nodes[path]

        for ind in self.indicators:
            node(tuple(ind.category)).children.append(ind)
        return top

    def walk(self) -> list[Node]:
        """Every node of the tree, parents before children."""
        out, stack = [], list(reversed(self.tree()))
        while stack:
            n = stack.pop()
            out.append(n)
            stack.extend(reversed([c for c in n.children if isinstance(c, Node)]))
        return out

    @model_validator(mode="after")
    def _cross_checks(self):
        groups = {u.group for u in self.units}
        if len(groups) > MAX_GROUPS:  # the checks below are per group: bound them first
            raise ValueError(f"units：单位分组（group）有 {len(groups):,} 个，上限 {MAX_GROUPS}")
        problems: list[str] = []
        weighted_full = sum(Decimal(str(c.weight)) * Decimal(str(c.full)) for c in self.components)
        if weighted_full != Decimal(str(self.assessment.full_score)):
            problems.append(
                f"components：各组成部分“满分 × 权重”之和为 {weighted_full.normalize():f}，"
                f"与 assessment.full_score = {self.assessment.full_score:g} 不一致（请检查 weight 和 full）")
        unit_names = {u.name for u in self.units}
        for u in self.units:
            if u.benchmark is not None and (u.benchmark not in unit_names or u.benchmark == u.name):
                problems.append(f"units（{u.name}）.benchmark：“{u.benchmark}”不是另一个被考核单位")
        names = [u.name for u in self.units]
        seen: dict[str, str] = {}
        for u in self.units:
            for n in [u.name, *u.aliases]:
                if n in seen and seen[n] != u.name:
                    problems.append(f"units：名称或别名“{n}”同时属于“{seen[n]}”和“{u.name}”")
                seen[n] = u.name
        if len(set(names)) != len(names):
            dup = sorted(n for n, k in Counter(names).items() if k > 1)
            problems.append(f"units：单位重复：{'、'.join(dup)}")
        ids = [i.id for i in self.measures]
        if len(set(ids)) != len(ids):
            dup = sorted(n for n, k in Counter(ids).items() if k > 1)
            problems.append(f"indicators：指标编号重复：{'、'.join(dup)}")
        kinds = [c.kind for c in self.components]
        if ("indicators" in kinds or "periods" in kinds) and not self.indicators:
            problems.append("indicators：方案含“指标考核”或“定期考核”组成部分，但没有定义任何指标")
        periods = [p for c in self.components for p in c.periods]
        if len(set(periods)) != len(periods):
            problems.append("components：不同的定期考核组成部分不能有同名的期")
        if "survey" in kinds and self.survey is None:
            problems.append("survey：方案含“公众评议”组成部分，但缺少 [survey] 设置")
        for c in self.components:
            if c.rated_by == "peers":
                names = {n for u in self.units for n in (u.name, *u.aliases)}
                strangers = [r for r in c.raters if r not in names]
                if strangers:
                    problems.append(f"components（{c.name}）.raters：同组互评（rated_by = \"peers\"）的评分单位须是被考核单位，"
                                    f"“{'、'.join(strangers)}”不是")
            if c.kind == "growth_index":
                if not c.items:
                    problems.append(f"components（{c.name}）：综合指数须列出 items")
                elif sum(Decimal(str(it.weight)) for it in c.items) != 1:
                    problems.append(f"components（{c.name}）.items：各项权重之和应为 1")
            elif c.items:
                problems.append(f"components（{c.name}）：只有 kind = \"growth_index\" 的组成部分可以列出 items")
            if c.scores_tree and self.indicators:
                top = Node(("",), c.aggregation, children=self.tree())
                expected = Decimal(str(c.raw_full if c.raw_full is not None else c.full))
                limited = any(i.groups for i in self.indicators)
                for group in (sorted({u.group for u in self.units}) if limited else [None]):
                    points = full_of(top, group)
                    if points != expected:
                        key = "raw_full" if c.raw_full is not None else "full"
                        what = "各指标分值之和" if c.aggregation == "sum" else "各指标分值按权重平均"
                        who = f"（“{group}”组单位适用的指标）" if group is not None else ""
                        problems.append(
                            f"indicators：{what}{who}为 {points}，与组成部分“{c.name}”的 {key} = {expected} 不一致"
                            + ("；只对部分分组考核的指标，可在 [[categories]] 中为其所属类别写明 points，"
                               "其余分组按该类别满分折算" if who else ""))
        known_groups = {u.group for u in self.units}
        for i in self.indicators:
            for g in i.groups:
                if g not in known_groups:
                    problems.append(f"indicators（{i.id}）.groups：“{g}”不是单位分组（可选：{'、'.join(sorted(known_groups))}）")
        known_paths = {tuple(i.category[:k]) for i in self.indicators for k in range(1, len(i.category) + 1)}
        walked = {n.path: n for n in self.walk()} if self.categories else {}
        named = {g for i in self.indicators for g in i.groups}
        category_groups: list[str | None] = [None]
        if any(i.groups for i in self.indicators):
            category_groups = sorted(g for g in groups if g in named) + sorted(g for g in groups if g not in named)[:1]
        for k, cat in enumerate(self.categories):
            if tuple(cat.path) not in known_paths:
                problems.append(f"categories[{k + 1}]：没有指标属于“{'/'.join(cat.path)}”")
            elif cat.points is not None and cat.aggregation == "sum":
                n = walked[tuple(cat.path)]
                # per group: the children that group is assessed on must fill the declared points (a group
                # exempted from some of them is scaled up to the declared points, never down); groups no
                # indicator names all see the same children, so one of them stands for the rest
                per_group = [sum((full_of(ch, g) for ch in n.children if applies(ch, g)), Decimal(0))
                             for g in category_groups]
                children = max(per_group)
                if children != Decimal(str(cat.points)):
                    problems.append(
                        f"categories[{k + 1}]（{'/'.join(cat.path)}）：下属指标分值之和为 {children}，与 points = {cat.points:g} 不一致")
        problems += self._grade_rule_problems()
        problems += self._target_problems()
        problems += self._weighting_problems(walked)
        mins = [g.min for g in self.grades]
        if mins != sorted(mins, reverse=True):
            problems.append("grades：等次须按分数线从高到低排列")
        if self.grades and min(mins) > 0:
            problems.append("grades：最低等次的分数线应为 0（否则低分单位没有等次）")
        top_names = {p[0] for p, _ in self.top_categories()}
        for a in self.awards.single:
            if a.category is not None and a.category not in top_names:
                problems.append(f"awards.single（{a.name}）.category：“{a.category}”不是一级指标（可选：{'、'.join(top_names)}）")
            if a.indicator is not None and a.indicator not in {i.id for i in self.indicators}:
                problems.append(f"awards.single（{a.name}）.indicator：“{a.indicator}”不是指标编号")
        comp_names = {c.name for c in self.components}
        for tb in self.ranking.tie_breakers:
            if tb not in comp_names:
                problems.append(f"ranking.tie_breakers：“{tb}”不是组成部分名称（可选：{'、'.join(comp_names)}）")
        if self.survey is not None and sum(Decimal(str(w)) for w in self.survey.rounds.values()) != 1:
            problems.append("survey.rounds：各轮评议权重之和应为 1")
        if problems:
            raise ValueError("；".join(problems))
        return self


    def _target_problems(self) -> list[str]:
        out = []
        grades = [g.name for g in self.grades]
        comps = {c.name for c in self.components}
        tops = {p[0] for p, _ in self.top_categories()}
        indicators = {i.id for i in self.indicators}
        items = {it.id for c in self.components for it in c.items}
        for u in self.units:
            for k, t in enumerate(u.targets):
                where = f"units（{u.name}）.targets[{k + 1}]"
                if t.kind == "grade" and t.grade not in grades:
                    out.append(f"{where}.grade：“{t.grade}”不是等次名称（可选：{'、'.join(grades) or '方案未设等次'}）")
                if t.kind == "rank" and t.within == "group" and not u.group:
                    out.append(f"{where}.within：单位“{u.name}”没有分组（group），不能比组内名次")
                if t.kind == "score" and t.of is not None and t.of not in comps | tops:
                    out.append(f"{where}.of：“{t.of}”不是组成部分或一级指标")
                if t.kind == "indicator" and t.of not in indicators | items:
                    out.append(f"{where}.of：“{t.of}”不是指标编号")
                if t.kind == "growth" and t.of not in items:
                    out.append(f"{where}.of：增长目标须是综合指数的指标（报表有本年值和上年值），“{t.of}”不是；"
                               "指标本身就是增长率的，写 kind = \"indicator\" 和 value")
        return out

    def _weighting_problems(self, walked: dict) -> list[str]:
        """A node weighted from the data: mean/geomean over at least two indicators of equal points, assessed for
        every unit, with no hand-set weights (the data set them)."""
        out = []
        for k, cat in enumerate(self.categories):
            if cat.weighting is None or tuple(cat.path) not in walked:
                continue
            where = f"categories[{k + 1}]（{'/'.join(cat.path)}）.weighting"
            node = walked[tuple(cat.path)]
            leaves = [c for c in node.children if not isinstance(c, Node)]
            if cat.aggregation == "sum":
                out.append(f"{where}：客观赋权只用于按权重平均的节点（aggregation = \"mean\" 或 \"geomean\"）")
            elif len(leaves) != len(node.children) or len(leaves) < 2:
                out.append(f"{where}：客观赋权的节点须直接包含至少 2 个指标（不能再含下级类别）")
            elif len({i.points for i in leaves}) > 1:
                out.append(f"{where}：客观赋权的节点下各指标分值须相同（现为 {'、'.join(f'{i.points:g}' for i in leaves)}）")
            elif any(i.groups for i in leaves):
                out.append(f"{where}：客观赋权的指标须对所有单位考核（不能写 groups）")
            elif any("weight" in i.model_fields_set for i in leaves):
                out.append(f"{where}：权重由数据计算，该节点下的指标不写 weight")
        return out

    def _grade_rule_problems(self) -> list[str]:
        out = []
        names = [g.name for g in self.grades]
        if (self.grade_rules or self.veto.top_grade_items) and len(names) < 2:
            out.append("grade_rules / veto.top_grade_items：方案须至少有两个等次（[[grades]]）")
            return out
        paths = {n.key for n in self.walk()} | {n.name for n in self.tree()}
        comps = {c.name: c for c in self.components}
        for k, rule in enumerate(self.grade_rules):
            where = f"grade_rules[{k + 1}]（{rule.name}）"
            if rule.grade not in names:
                out.append(f"{where}.grade：“{rule.grade}”不是等次名称（可选：{'、'.join(names)}）")
            if rule.measure == "component" and rule.of not in comps:
                out.append(f"{where}.of：“{rule.of}”不是组成部分名称（可选：{'、'.join(comps)}）")
            if rule.measure == "category" and rule.of not in paths:
                out.append(f"{where}.of：“{rule.of}”不是指标类别（一级指标名称，或“一级/二级”路径）")
            if rule.measure == "satisfaction_rate":
                if self.survey is None:
                    out.append(f"{where}：按满意率定等次须有 [survey] 设置")
                elif rule.of is not None and rule.of not in self.survey.categories:
                    out.append(f"{where}.of：“{rule.of}”不是评议群体（可选：{'、'.join(self.survey.categories)}）")
            if rule.measure == "any_category" and not self.indicators:
                out.append(f"{where}：方案没有指标类别")
        return out


def _methods_changed() -> None:
    """A method was registered (or removed) at run time: the `Indicator` union and the scheme model follow."""
    global Indicator
    Indicator = _methods.union()
    METHOD_LABELS.clear()
    METHOD_LABELS.update({name: model.method_label for name, model in _methods.METHODS.items()})
    Scheme.__pydantic_fields__["indicators"] = FieldInfo.from_annotated_attribute(list[Indicator], [])
    Scheme.model_rebuild(force=True)


_methods.on_change(_methods_changed)


def parse_scheme(raw: dict, where: str = "config.toml") -> Scheme:
    try:
        return Scheme.model_validate(raw)
    except ValidationError as exc:
        lines = explain_errors(exc, raw, Scheme)
        raise SchemeError(f"考核方案 {where} 有误：\n" + "\n".join(f"  - {line}" for line in lines)) from None
    except RecursionError:  # nesting tomllib could still read (a few hundred levels) but validation cannot
        raise SchemeError(f"考核方案 {where} 有误：数组或内联表嵌套过深") from None


# Reading config.toml (size, nesting, encoding) and its hash live in scheme_file.py; re-exported here, where every
# caller has always found them.
from .scheme_file import load_scheme, scheme_hash  # noqa: E402,F401
