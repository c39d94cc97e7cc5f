"""The results of one assessment: the typed contract the score stage produces and every renderer reads.

Why typed: the results used to be a dict whose shape was written down four times (engine, runner, renderers, test
fixtures) and enforced nowhere, so renderers guarded every read with a default and the copies drifted. Here each
part is a dataclass: the engine must give every field (a missing one is a TypeError where it is built, not a
silent default where it is shown), and renderers read attributes.

`Results.to_dict()` is the plain form (the context of the office's report templates and table templates, documented
in docs/results-model.md); `Results.file_dict()` is results.json, its single serialization, whose JSON Schema
(`json_schema()`, committed as docs/results.schema.json) the tests validate every example against.

All scores are published values (rounded half up at `assessment.precision`), as floats.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .scheme import Adjustment, Assessment, Component, Grade, GradeRule, Veto

Score = float | None


# -- per unit -------------------------------------------------------------------------------------------------------
@dataclass
class VetoEntry:
    """One 一票否决 item a unit incurred (from the register)."""

    item: str
    department: str
    reason: str
    source: str  # the register's cell: "考核办/一票否决登记表.xlsx › Sheet1!A3"


@dataclass
class Gap:
    """An indicator scored without a value, as the scheme's `missing` allows."""

    indicator: str
    policy: str  # "记 0 分" / "不计入，其余指标按比例折算"


@dataclass
class Benchmark:
    """追赶超越: the gap between a unit and the unit it measures itself against (published figures)."""

    unit: str
    total: float
    rank: int
    gap: float
    rank_gap: int
    categories: dict[str, float]


@dataclass
class GrowthInput:
    """One item of a composite index for one unit: this year's and last year's values, their cells, the two indices."""

    item: str
    name: str
    weight: float
    value: float  # this year
    value_source: str
    last: float  # last year
    last_source: str
    mean: float  # the compared units' mean this year (4 dp)
    self_index: float  # s = this year ÷ last year (inverted for lower-is-better), 4 dp
    mean_index: float  # a = this year ÷ the mean (likewise), 4 dp


@dataclass
class GrowthTrace:
    """How a composite-index component's score came about: c = 100 × Σ w (sw × s + (1 − sw) × a), then efficacy."""

    items: list[GrowthInput]
    index: float  # 4 dp
    best: float  # the best and worst index among the compared units (the efficacy standards), 4 dp
    worst: float
    score: Score


@dataclass
class RatingUse:
    """One rating of a unit in a ratings component, and whether it counted."""

    rater: str  # the member, period or rating unit, as the register names it
    score: float  # the rating on 100 (4 dp): the register's total, or computed from its items
    counted: bool
    note: str  # why not: "去掉最高分" / "去掉最低分" / "本单位自评，不计入"; "" when counted
    source: str


@dataclass
class RatingsTrace:
    """How a ratings component's score came about for one unit: every rating read, the ones counted, their mean."""

    ratings: list[RatingUse]
    counted: int
    mean: Score  # the mean of the counted ratings, on 100


@dataclass
class GradeLimit:
    """A condition that graded a unit lower than its total alone would: a `[[grade_rules]]` rule or a
    一票否优 register entry. Only conditions that lowered the grade are listed."""

    rule: str  # the rule's name ("群众满意率低于60%"), or "一票否优"
    grade: str  # the best grade the condition allows
    measured: str  # what was found, worded: "满意率 55.00%，低于 60%" / "信访稳定（县信访局认定）"
    source: str  # the register cell, for a 一票否优 entry; "" for a rule on scores


@dataclass
class TargetResult:
    """One target a unit declared (追赶超越目标) and whether it was met, by how much (positive = ahead)."""

    name: str  # as declared, or worded from the scheme's keys: "进入前5名"
    kind: str  # grade | rank | rank_change | score | indicator | growth
    declared: str  # "优秀" / "前5名" / "进位2位" / "90分" / "增长12%"
    achieved: str  # "良好" / "第7名" / "上升3位" / "88.50分" / "增长9.5%"; "无上年名次" / "无数据"
    met: bool | None  # None when it cannot be judged (no last year's rank, no value)
    margin: float | None  # in the target's own terms: grades, places, points, the indicator's unit, percentage points
    margin_text: str  # "差2位" / "超出1.50分" / "正好达到" / ""


@dataclass
class SurveySummary:
    """A unit's public evaluation (公众评议 / 民主测评) at a glance: answers per choice over every round, category
    and question; the rate of the satisfied choices (满意+基本满意, 好+较好); the public score."""

    counts: dict[str, int]  # every choice of the scheme, then the "don't know" choice
    answered: int  # known answers (the rate's denominator)
    satisfied: list[str]  # the choices counted as satisfied
    satisfaction_rate: float | None  # 0..1 (4 dp): rounds weighted as the score is; None when a round is missing
    categories: dict[str, float | None]  # respondent category -> its satisfaction rate, likewise
    score: Score  # the public score on the survey's own full mark; None when a round is missing


@dataclass
class PeriodResult:
    """One periodic check (定期考核: 第一季度…) of a `periods` component for one unit: the indicator tree scored on
    that period's returns by the indicators' own methods (the 动态考核档案 the office keeps)."""

    period: str
    weight: float  # its weight in the component (4 dp)
    score: Score  # on the component's own scale
    categories: dict[str, Score]  # top-level category -> points
    indicators: dict[str, Score]  # indicator id -> points


@dataclass
class UnitResult:
    """One assessed unit. Field order is results.json's key order."""

    unit: str
    group: str
    vetoed: bool
    veto: list[VetoEntry]
    components: dict[str, Score]  # component name -> score on the component's own scale (`full`)
    categories: dict[str, Score]  # top-level category name -> points out of the category's points
    tree: dict[str, Score]  # every category node assessed for the unit's group, keyed by its path "a/b"
    indicators: dict[str, Score]  # indicator id -> points
    adjustments: dict[str, Score]  # kind -> capped size; its effect on the total: AdjustmentKind.effect / labels
    indices: dict[str, Score]  # composite index (4 dp) per growth_index component
    growth: dict[str, GrowthTrace]  # per growth_index component: each item's inputs and cells, the index, the score
    ratings: dict[str, RatingsTrace]  # per ratings component: every rating, counted or not, and the mean
    periods: dict[str, list[PeriodResult]]  # per periods component: each period's scores
    gaps: list[Gap]
    rank: int
    group_rank: int | None
    last_rank: int | None
    last_rank_source: str | None  # where last_rank came from: a cell of the 上年考核结果 return, or a run's record
    rank_change: int | None  # places gained since last year (positive = up)
    survey: SurveySummary | None  # when the scheme has a [survey] (omitted when None)
    grade: str
    grade_by_total: str  # the grade the published total alone gives (the bands); "" without grades
    grade_limits: list[GradeLimit]  # rules and 一票否优 entries that graded the unit lower than that
    grade_note: str | None  # why the grade is not grade_by_total: rules, veto, quota (omitted when None)
    benchmark: Benchmark | None  # only for a unit that names one (omitted when None)
    targets: list[TargetResult]  # the targets it declared, with their attainment
    awards: list[str]
    total: float


# -- the scheme as scored -------------------------------------------------------------------------------------------
@dataclass
class TopCategory:
    path: list[str]
    name: str
    points: float
    indicators: list[str]


@dataclass
class CategoryNode:
    key: str  # "经济发展/工业"
    path: list[str]
    name: str
    aggregation: str  # sum | mean | geomean
    weight: float
    points: float


@dataclass
class DerivedWeight:
    """An indicator's weight in a `weighting` category, derived from this year's values (熵权法 / CRITIC)."""

    category: str  # the node's key "a/b"
    method: str  # "entropy" | "critic"
    indicator: str
    weight: float  # 4 dp as published; scoring uses the full-precision weight


@dataclass
class IndicatorInfo:
    id: str
    name: str
    category: list[str]
    points: float
    method: str
    method_label: str
    source: str
    unit: str
    rule: str  # one Chinese sentence: how it is scored
    groups: list[str]  # assessed groups; empty = all


# -- traces and registers -------------------------------------------------------------------------------------------
@dataclass
class DetailRow:
    """The trace of one indicator score: the value, where it came from, and the score it gave."""

    unit: str
    indicator: str
    indicator_name: str
    period: str  # the periodic check (定期考核) the value is for; "" for the year-end
    value: float | None
    target: float | None
    score: Score
    method_label: str
    calc: str  # 计算过程: the method's parameters, the inputs and intermediate values, ending in the score
    source: str  # "统计局.xlsx › 数据表!C5"
    target_source: str
    note: str  # 弄虚作假 / 缺数据


@dataclass
class SurveyRow:
    """Answers to one question of one respondent category in one round, for one unit."""

    unit: str
    round: str
    category: str
    question: str
    counts: dict[str, int]  # every choice of the scheme, then the "don't know" choice
    score: float | None  # the question's score on the survey scale (4 dp)
    satisfaction_rate: float | None  # 0..1 (4 dp)
    source: str


@dataclass
class SurveyCategory:
    unit: str
    round: str
    category: str
    score: Score  # 100 scale
    sample: int
    satisfaction_rate: float | None


@dataclass
class SurveyStats:
    rows: list[SurveyRow]
    categories: list[SurveyCategory]
    units: dict[str, Score]  # final public score (100 scale), rounds weighted


@dataclass
class CorrectionRecord:
    """An approved correction (更正/申诉登记表) applied on top of a return: the value scored is `corrected`."""

    unit: str
    indicator: str
    original: float  # what the return said (checked against it)
    corrected: float
    reason: str
    approver: str
    date: str  # ISO date, or ""
    value_source: str  # the return's cell that was corrected
    source: str  # the register's row


@dataclass
class YearResult:
    """One earlier year's approved (定稿) result of a unit, from the run history, for the report's trends."""

    year: int
    unit: str
    rank: int
    total: float
    categories: dict[str, float | None]  # top-level category -> points that year, as recorded ({} in older records)


@dataclass
class AdjustmentEntry:
    """One row of the 加减分 register as read (before caps); value is positive, or the place for a rank kind."""

    unit: str
    kind: str
    value: float
    reason: str
    department: str
    date: str  # ISO date, or ""
    source: str


@dataclass
class AwardEntry:
    award: str
    unit: str
    amount: float
    note: str


@dataclass
class VetoRecord:
    unit: str
    item: str
    department: str
    reason: str
    date: str
    source: str


@dataclass
class FalsifiedRecord:
    """弄虚作假: the indicator scores 0 for the unit."""

    unit: str
    indicator: str
    department: str
    reason: str
    source: str


@dataclass
class IssueRecord:
    """A data issue as published (pipeline.issues.Issue.to_dict)."""

    code: str
    file: str
    sheet: str
    cell: str
    unit: str
    indicator: str
    severity: str  # 错误 / 警告 / 提示
    label: str  # the issue's type in Chinese (issues.LABELS), beside its code
    message: str
    text: str  # the one-line form shown to users


@dataclass
class InputRecord:
    file: str
    sha256: str


@dataclass
class RunInfo:
    version: str
    scheme_hash: str
    inputs: list[InputRecord]
    generated_at: str  # 制表日期 (not in results.json: it comes from file times, not contents)
    date_basis: str  # where the date came from (not in results.json)
    status: str = "试算"  # 试算 | 公示 | 定稿: what the office has made of these results (kaohe publish)


def in_memory_run() -> RunInfo:
    """The run of results scored in memory (tests, tools), not from an assessment folder: no inputs, no date."""
    from . import __version__

    return RunInfo(version=__version__, scheme_hash="", inputs=[], generated_at="", date_basis="")


# -- the whole ------------------------------------------------------------------------------------------------------
@dataclass
class Results:
    assessment: Assessment
    components: list[Component]
    categories: list[TopCategory]
    category_tree: list[CategoryNode]  # every node, parents first
    indicators: list[IndicatorInfo]
    adjustment_kinds: list[Adjustment]
    grades: list[Grade]  # highest first; may be empty
    grade_rules: list[GradeRule]  # conditions that cap a grade (方案 [[grade_rules]])
    veto: Veto
    groups: list[str]
    units: list[UnitResult]  # in rank order (rank, then scheme order)
    detail: list[DetailRow]
    survey: SurveyStats
    adjustments: list[AdjustmentEntry]
    awards: list[AwardEntry]
    vetoes: list[VetoRecord]
    top_grade_vetoes: list[VetoRecord]  # 一票否优 register entries (veto.top_grade_items): no veto, no top grade
    derived_weights: list[DerivedWeight]  # weights of `weighting` categories, from the data
    falsified: list[FalsifiedRecord]
    corrections: list[CorrectionRecord]
    years: list[YearResult]  # earlier years' 定稿 results held by the run history (oldest first); [] without
    issues: list[IssueRecord]
    run: RunInfo

    def to_dict(self) -> dict:
        """The plain form: every field, as documented in docs/results-model.md."""
        return _plain(self)

    def file_dict(self) -> dict:
        """results.json: the published parts, without the run's date (file times, not contents), so the same
        inputs give a byte-identical file however they were copied."""
        run = {k: v for k, v in _plain(self.run).items() if k not in RUN_FIELDS_NOT_IN_FILE}
        return {"assessment": _plain(self.assessment), "components": _plain(self.components),
                "indicators": _plain(self.indicators), "derived_weights": _plain(self.derived_weights),
                "units": _plain(self.units), "detail": _plain(self.detail), "corrections": _plain(self.corrections),
                "awards": _plain(self.awards),
                "issues": _plain(self.issues), "run": run}

    def file_bytes(self) -> bytes:
        return (json.dumps(self.file_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")

    def unit(self, name: str) -> UnitResult:
        return next(u for u in self.units if u.unit == name)


RUN_FIELDS_NOT_IN_FILE = ("generated_at", "date_basis")
OMITTED_WHEN_NONE = {UnitResult: ("grade_note", "benchmark", "survey")}  # keys present only when they say something


def _plain(value: Any) -> Any:
    """Dataclasses and scheme models as plain dicts/lists, in field order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if isinstance(value, SurveyRow):  # the counts sit beside the other keys, one key per choice
            head = {k: getattr(value, k) for k in ("unit", "round", "category", "question")}
            return {**head, **value.counts, "score": value.score, "satisfaction_rate": value.satisfaction_rate,
                    "source": value.source}
        omitted = OMITTED_WHEN_NONE.get(type(value), ())
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not (f.name in omitted and getattr(value, f.name) is None)}
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# -- results.json's JSON Schema -------------------------------------------------------------------------------------
@dataclass
class ResultsFile:
    """The shape of results.json (Results.file_dict), for its JSON Schema."""

    assessment: Assessment
    components: list[Component]
    indicators: list[IndicatorInfo]
    derived_weights: list[DerivedWeight]
    units: list[UnitResult]
    detail: list[DetailRow]  # the trace of every indicator score: value, cell, method, 计算过程
    corrections: list[CorrectionRecord]
    awards: list[AwardEntry]
    issues: list[IssueRecord]
    run: RunFileInfo


@dataclass
class RunFileInfo:
    version: str
    scheme_hash: str
    inputs: list[InputRecord]
    status: str  # 试算 | 公示 | 定稿


SCHEMA_ID = "https://kaohe.example/results.schema.json"


def json_schema() -> dict:
    """results.json's JSON Schema (draft 2020-12): every object closed (no key beyond those listed), every listed key
    required except the ones omitted when empty (grade_note, benchmark)."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(ResultsFile).json_schema(mode="serialization")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
              **schema, "title": "kaohe results.json"}
    optional = {name for names in OMITTED_WHEN_NONE.values() for name in names}
    for definition in [schema, *schema.get("$defs", {}).values()]:
        props = definition.get("properties")
        if props is None:
            continue
        definition["additionalProperties"] = False
        keep_optional = definition.get("title") == "UnitResult"
        definition["required"] = [k for k in props if not (keep_optional and k in optional)]
        if keep_optional:
            for k in optional:  # present means not null
                props[k] = _drop_null(props[k])
    return schema


def _drop_null(prop: dict) -> dict:
    options = [o for o in prop.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1:
        rest = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
        return {**rest, **options[0]}
    return prop


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":  # python -m pipeline.results > docs/results.schema.json
    import sys

    sys.stdout.write(schema_text())
