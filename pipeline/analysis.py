"""What the results say beyond the scores: grade distribution, totals and category statistics, weak indicators,
changes against last year, and the suggestions they lead to — computed once from the typed `Results`.

Why one module: the report, the summary workbook and the score cards all show some of these; computed in each
renderer, the copies would drift (as the grade order and colours once did). Everything here is derived from
published figures (it never scores), is pure, and is returned as typed values; the only text is the suggestion
sentences and the few number forms they print, which every output shares (`score_text`, `percent_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import labels
from .results import IndicatorInfo, Results, UnitResult

EPS = 1e-9  # published figures closer than this are equal
TOP_UP = 5  # units shown as having gained most places
TOP_DOWN = 3  # units shown as having lost most places
TOP_WEAK = 5  # indicators shown as weakest
SEVERITIES = ("错误", "警告", "提示")


# -- the number forms every output prints --------------------------------------------------------------------------
def score_text(x: float | None, precision: int) -> str:
    """A published score at fixed precision, half up ("90.00"; "—" for no score; never "-0.00")."""
    return "—" if x is None else _fixed(Decimal(str(x)), precision)


def percent_text(ratio: float | None, digits: int = 1) -> str:
    """A share as a percentage at `digits` decimals, half up ("62.5%", "60%")."""
    return "—" if ratio is None else _fixed(Decimal(str(ratio)) * 100, digits) + "%"


def _fixed(d: Decimal, precision: int) -> str:
    q = Decimal(1).scaleb(-precision) if precision > 0 else Decimal(1)
    s = format(d.quantize(q, rounding=ROUND_HALF_UP), "f")
    return "0" + s[2:] if s.startswith("-0") and Decimal(s) == 0 else s


def join(items: list[str], sep: str = "、") -> str:
    return sep.join(str(i) for i in items if i not in (None, ""))


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


# -- grades ---------------------------------------------------------------------------------------------------------
@dataclass
class GradeShare:
    """One grade and the units that hold it (rank order)."""

    name: str
    colour: str
    units: list[str]
    share: float  # of all assessed units

    @property
    def count(self) -> int:
        return len(self.units)


def grade_order(results: Results) -> list[str]:
    """The scheme's grades best first, then any other grade a unit carries (none when the scheme has no grades)."""
    return labels.grade_order(((g.name, g.min) for g in results.grades),
                              (labels.grade_class(u, results.veto.effect) for u in results.units))


def grade_distribution(results: Results) -> list[GradeShare]:
    order = grade_order(results)
    colours = labels.grade_colours(order)
    n = len(results.units)
    out = []
    for g in order:
        members = [u.unit for u in results.units if labels.grade_class(u, results.veto.effect) == g]
        out.append(GradeShare(name=g, colour=colours[g], units=members, share=len(members) / n if n else 0.0))
    return out


# -- totals ---------------------------------------------------------------------------------------------------------
@dataclass
class Spread:
    """Mean, highest and lowest of some totals (None when there are none)."""

    n: int
    mean: float | None
    max: float | None
    min: float | None

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        return cls(n=len(values), mean=mean(values), max=max(values) if values else None,
                   min=min(values) if values else None)


@dataclass
class TotalStats:
    all: Spread
    groups: dict[str, Spread]  # group name (scheme order) -> its units' totals
    top: UnitResult | None  # first and last in rank order
    bottom: UnitResult | None


def total_statistics(results: Results) -> TotalStats:
    units = results.units
    groups = {g: Spread.of([u.total for u in units if u.group == g]) for g in results.groups}
    return TotalStats(all=Spread.of([u.total for u in units]), groups=groups,
                      top=units[0] if units else None, bottom=units[-1] if units else None)


# -- categories -----------------------------------------------------------------------------------------------------
@dataclass
class CategoryStats:
    """A top-level category across the units that have a score in it."""

    name: str
    points: float
    mean: float
    rate: float | None  # mean / points
    best: list[str]  # units with the highest score (ties all named)
    best_score: float
    weakest: list[str]
    weakest_score: float


def category_statistics(results: Results) -> list[CategoryStats]:
    out = []
    for c in results.categories:
        scored = [(u.unit, u.categories[c.name]) for u in results.units if u.categories[c.name] is not None]
        if not scored:
            continue
        best_v = max(v for _, v in scored)
        worst_v = min(v for _, v in scored)
        avg = mean([v for _, v in scored])
        out.append(CategoryStats(
            name=c.name, points=c.points, mean=avg, rate=avg / c.points if c.points else None,
            best=[u for u, v in scored if abs(v - best_v) <= EPS], best_score=best_v,
            weakest=[u for u, v in scored if abs(v - worst_v) <= EPS], weakest_score=worst_v))
    return out


# -- weak indicators ------------------------------------------------------------------------------------------------
@dataclass
class WeakIndicator:
    """An indicator on which units lost points."""

    info: IndicatorInfo
    n_lost: int  # units below full points
    n_scored: int  # units with a score
    avg_loss_rate: float  # mean over scored units of (points − score) / points

    @property
    def lost_share(self) -> float:
        return self.n_lost / self.n_scored

    @property
    def majority(self) -> bool:
        return self.n_lost * 2 > self.n_scored


def weak_indicators(results: Results, top: int = TOP_WEAK) -> list[WeakIndicator]:
    """Where most units lost points: most units first, then the largest mean loss, then scheme order."""
    weak = []
    for order, i in enumerate(results.indicators):
        if i.points <= 0:
            continue
        scores = [s for s in (u.indicators[i.id] for u in results.units) if s is not None]
        lost = [s for s in scores if s < i.points - EPS]
        if not lost:
            continue
        loss = mean([max(0.0, (i.points - s) / i.points) for s in scores])
        weak.append((order, WeakIndicator(info=i, n_lost=len(lost), n_scored=len(scores), avg_loss_rate=loss)))
    weak.sort(key=lambda ow: (-ow[1].n_lost, -ow[1].avg_loss_rate, ow[0]))
    return [w for _, w in weak[:top]]


# -- against last year ----------------------------------------------------------------------------------------------
@dataclass
class Progress:
    compared: list[UnitResult]  # units with last year's rank
    up: list[UnitResult]  # gained places: most first, then by rank
    down: list[UnitResult]  # lost places: most first, then by rank

    @property
    def n_same(self) -> int:
        return sum(1 for u in self.compared if u.rank_change == 0)


def progress(results: Results) -> Progress:
    compared = [u for u in results.units if u.rank_change is not None]
    up = sorted((u for u in compared if u.rank_change > 0), key=lambda u: (-u.rank_change, u.rank))
    down = sorted((u for u in compared if u.rank_change < 0), key=lambda u: (u.rank_change, u.rank))
    return Progress(compared=compared, up=up, down=down)


# -- vetoes and data issues -----------------------------------------------------------------------------------------
def vetoed_units(results: Results) -> list[str]:
    """Units the veto register names, in register order, once each."""
    return list(dict.fromkeys(v.unit for v in results.vetoes))


def issue_counts(results: Results) -> dict[str, int]:
    """Severity -> number of data issues: 错误, 警告, 提示 always, then any other severity seen."""
    counts = {s: 0 for s in SEVERITIES}
    for issue in results.issues:
        counts[issue.severity] = counts.get(issue.severity, 0) + 1
    return counts


def issues_text(counts: dict[str, int]) -> str:
    return join([f"{s}{n}条" for s, n in counts.items() if n])


# -- the whole ------------------------------------------------------------------------------------------------------
@dataclass
class Analysis:
    grades: list[GradeShare]
    totals: TotalStats
    categories: list[CategoryStats]
    weak: list[WeakIndicator]
    progress: Progress
    vetoed_units: list[str]
    issues: dict[str, int]
    suggestions: list[str]


def analyse(results: Results) -> Analysis:
    grades = grade_distribution(results)
    totals = total_statistics(results)
    categories = category_statistics(results)
    weak = weak_indicators(results)
    prog = progress(results)
    vetoed = vetoed_units(results)
    issues = issue_counts(results)
    return Analysis(grades=grades, totals=totals, categories=categories, weak=weak, progress=prog,
                    vetoed_units=vetoed, issues=issues,
                    suggestions=suggestions(results, grades, totals, categories, weak, prog, vetoed, issues))


def suggestions(results: Results, grades: list[GradeShare], totals: TotalStats, categories: list[CategoryStats],
                weak: list[WeakIndicator], prog: Progress, vetoed: list[str], issues: dict[str, int]) -> list[str]:
    """下一步工作建议: one sentence per finding that calls for action, in a fixed order."""
    precision = results.assessment.precision
    out: list[str] = []
    rated = sorted((c for c in categories if c.rate is not None), key=lambda c: c.rate)
    if rated:
        low = rated[: 2 if len(rated) > 2 else 1]
        names = join([f"{c.name}（平均得分率{percent_text(c.rate)}，{join(c.weakest)}得分最低，"
                      f"{score_text(c.weakest_score, precision)}分）" for c in low])
        out.append(f"补齐短板领域。{names}是本年度平均得分率最低的指标类别，"
                   f"建议相关牵头部门对得分最低的单位逐一分析失分原因，加强业务指导和过程督导。")
    if weak:
        names = join([f"“{w.info.name}”（{w.n_lost}/{w.n_scored}个单位失分，平均失分率{percent_text(w.avg_loss_rate)}）"
                      for w in weak[:3]])
        out.append(f"聚焦薄弱指标。{names}失分面较广，建议责任部门逐项制定提升措施，"
                   f"对失分较多的单位开展针对性帮扶。")
    means = [(g, s.mean) for g, s in totals.groups.items() if s.mean is not None]
    if len(totals.groups) > 1 and len(means) > 1:
        hi = max(means, key=lambda gm: gm[1])
        lo = min(means, key=lambda gm: gm[1])
        if hi[1] - lo[1] > EPS:
            out.append(f"促进分类协调发展。{lo[0]}平均分（{score_text(lo[1], precision)}分）低于{hi[0]}"
                       f"（{score_text(hi[1], precision)}分），建议在政策、资金、项目上加大对{lo[0]}的倾斜支持。")
    if vetoed:
        out.append(f"压紧压实底线责任。{join(vetoed)}本年度被一票否决，"
                   f"建议督促其认真整改，举一反三，防止同类问题再次发生。")
    # 约谈/提醒谈话 never names a unit the results reward (a 进步奖 winner) or one already vetoed (its own sentence)
    awarded = {u.unit for u in results.units if u.awards} | set(vetoed)
    graded = [g for g in grades if g.name != labels.VETO]
    lowest = [u for u in graded[-1].units if u not in awarded] if len(graded) > 1 else []
    if lowest:
        out.append(f"加强结果运用。对考核等次为“{graded[-1].name}”的{join(lowest)}，"
                   f"建议由分管领导进行约谈提醒，督促制定整改措施、限期提升。")
    elif not (len(graded) > 1 and graded[-1].count) and len(results.units) >= 3:
        tail = [u.unit for u in results.units[-3:] if u.unit not in awarded]
        if tail:
            out.append(f"加强结果运用。对综合排名靠后的{join(tail)}，建议进行提醒谈话，督促查找差距、迎头赶上。")
    if prog.down:
        out.append(f"关注名次变化。本年度有{len(prog.down)}个单位名次较上年下降，建议相关单位认真对照分析，查找原因。")
    if issues["错误"] or issues["警告"]:
        out.append(f"规范数据报送。数据审核中发现{issues_text(issues)}，建议各数据报送部门严格按照模板和时限报送，"
                   f"落实数据审核把关责任，确保考核数据真实准确。")
    return out
