"""What the results say beyond the scores: grade distribution, totals and category statistics, weak indicators,
changes against last year, and the suggestions they lead to — computed once from the typed `Results`. Also where
each unit stands among the others: every ranking group's leaders and laggards and each category's best and weakest
units in it, every unit's strongest and weakest indicators relative to the other units, and the units that moved
most against last year with the categories that moved them.

Why one module: the report, the summary workbook and the score cards all show some of these; computed in each
renderer, the copies would drift (as the grade order and colours once did). Everything here is derived from
published figures (it never scores), is pure, and is returned as typed values; the only text is the suggestion
sentences and the few number forms they print, which every output shares (`score_text`, `percent_text`).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from . import labels
from .results import IndicatorInfo, Results, UnitResult

EPS = 1e-9  # published figures closer than this are equal
TOP_UP = 5  # units shown as having gained most places
TOP_DOWN = 3  # units shown as having lost most places
TOP_WEAK = 5  # indicators shown as weakest
TOP_GROUP = 3  # leaders and laggards named per ranking group
TOP_STANDING = 3  # strengths and weaknesses named per unit
TOP_REASONS = 2  # categories named as the reason a unit moved
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


def category_statistics(results: Results, units: list[UnitResult] | None = None,
                        group: str = "") -> list[CategoryStats]:
    """Each top-level category over `units` (default: all): mean, best and weakest units. With a `group`, only the
    categories assessed in it (an indicator of the category applies to the group), so a group is never said to lead
    or lag in a category it is not assessed on. Categories no unit has a score in are left out."""
    units = results.units if units is None else units
    applies = {i.id: not i.groups or group in i.groups for i in results.indicators}
    out = []
    for c in results.categories:
        if group and not any(applies.get(i, False) for i in c.indicators):
            continue
        scored = [(u.unit, v) for u in units if (v := u.categories.get(c.name)) is not None]
        if not scored:
            continue
        best, best_v, weakest, worst_v = extremes(scored)
        avg = mean([v for _, v in scored])
        out.append(CategoryStats(name=c.name, points=c.points, mean=avg, rate=avg / c.points if c.points else None,
                                 best=best, best_score=best_v, weakest=weakest, weakest_score=worst_v))
    return out


def extremes(scored: list[tuple[str, float]]) -> tuple[list[str], float, list[str], float]:
    """(units with the highest score, it, units with the lowest, it) of non-empty (unit, score) pairs; ties all named."""
    hi, lo = max(v for _, v in scored), min(v for _, v in scored)
    return ([u for u, v in scored if abs(v - hi) <= EPS], hi, [u for u, v in scored if abs(v - lo) <= EPS], lo)


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


def majority_lost(results: Results) -> list[WeakIndicator]:
    """Every indicator on which most scored units lost points (n_lost × 2 > n_scored), in weak_indicators' order,
    uncapped: the report lists the TOP_WEAK weakest and then says how many more share the problem."""
    return [w for w in weak_indicators(results, top=len(results.indicators)) if w.majority]


# -- ranking groups: leaders and laggards ---------------------------------------------------------------------------
@dataclass
class GroupLeaders:
    """A ranking group's first and last units by rank (each a UnitResult: rank, group_rank, total)."""

    n_units: int
    leaders: list[UnitResult]  # best first
    laggards: list[UnitResult]  # rank order: the lowest-ranked unit is laggards[-1]


def ranking_groups(results: Results) -> dict[str, list[UnitResult]]:
    """Group name -> its units in rank order, scheme order of the groups. A scheme without groups, or with one,
    ranks the whole field together: one group named ""."""
    if len(results.groups) > 1:
        return {g: [u for u in results.units if u.group == g] for g in results.groups}
    return {"": list(results.units)}


def group_leaders(results: Results, top: int = TOP_GROUP) -> dict[str, GroupLeaders]:
    """Per ranking group, the `top` best and `top` worst units by rank.

    Why these rules: a group smaller than 2 × top would otherwise name a unit as both leading and lagging, so it is
    split — the better half (the middle unit of an odd group with them) leads, the rest lag; a group of one unit only
    leads. Laggards are strictly the lowest ranks. A vetoed unit is never a leader (the report cannot commend it),
    so leaders are the best non-vetoed units above the laggards — fewer than `top` when vetoed units take the places;
    a vetoed unit can still be a laggard."""
    out = {}
    for group, members in ranking_groups(results).items():
        n = len(members)
        n_lead = min(top, math.ceil(n / 2))
        n_lag = min(top, n - n_lead)
        above = members[:n - n_lag]
        out[group] = GroupLeaders(n_units=n, leaders=[u for u in above if not u.vetoed][:n_lead],
                                  laggards=members[n - n_lag:])
    return out


def group_categories(results: Results) -> dict[str, list[CategoryStats]]:
    """Per ranking group (as `ranking_groups`), each category assessed in it: best and weakest units (ties all
    named, units without a score skipped), mean and score rate — who leads and lags in the group on what."""
    return {g: category_statistics(results, members, g) for g, members in ranking_groups(results).items()}


# -- each unit's strengths and weaknesses ---------------------------------------------------------------------------
class IndicatorPlace(NamedTuple):
    """A unit's place on one indicator among the units scored on it: competition ranking (1 = best, ties share
    the better place), out of n_scored units, with the unit's score."""

    info: IndicatorInfo
    rank: int
    n_scored: int
    score: float


@dataclass
class UnitStrengths:
    strong: list[IndicatorPlace]  # best places first
    weak: list[IndicatorPlace]  # worst places first


def _separating(results: Results, info: IndicatorInfo) -> list[tuple[str, float]] | None:
    """The units' scores on `info` when they differ (a place among them means something), else None."""
    if info.points <= 0:
        return None
    scored = [(u.unit, s) for u in results.units if (s := u.indicators.get(info.id)) is not None]
    if len(scored) < 2 or max(s for _, s in scored) - min(s for _, s in scored) <= EPS:
        return None
    return scored


def separating_count(results: Results) -> int:
    """How many indicators separate the units: the ones strengths and weaknesses are judged on."""
    return sum(1 for info in results.indicators if _separating(results, info) is not None)


def strengths(results: Results, top: int = TOP_STANDING) -> dict[str, UnitStrengths]:
    """Every unit's strongest and weakest indicators relative to the other units (as COINr's get_str_weak).

    Why relative: a unit's lowest score rates are usually everybody's (the weak indicators); what distinguishes it
    is where it ranks high or low among the others. Only indicators with points that separate the units count (an
    indicator where every score is equal says nothing about anyone). A strength is one where the unit is in the top
    third (rank <= ceil(n/3)), a weakness one in the bottom third (rank > n − ceil(n/3)); at most `top` of each,
    the best (worst) places first — as a share of the field, (rank − 1) / (n − 1), so that indicators scored for
    fewer units (one group's) compare fairly; it is the rank itself when every indicator has the same n — then the
    higher (lower) score rate, then the scheme's order. Units are in rank order; one with none gets empty lists."""
    places: dict[str, list[tuple[int, IndicatorPlace]]] = {u.unit: [] for u in results.units}
    for order, info in enumerate(results.indicators):
        scored = _separating(results, info)
        if scored is None:
            continue
        ordered = sorted(other for _, other in scored)
        for unit, s in scored:
            rank = 1 + len(ordered) - bisect.bisect_right(ordered, s + EPS)  # 1 + how many scored above s + EPS
            places[unit].append((order, IndicatorPlace(info=info, rank=rank, n_scored=len(scored), score=s)))
    out = {}
    for unit, found in places.items():
        def position(p: IndicatorPlace) -> float:
            return (p.rank - 1) / (p.n_scored - 1)

        strong = [(o, p) for o, p in found if p.rank <= math.ceil(p.n_scored / 3)]
        weak = [(o, p) for o, p in found if p.rank > p.n_scored - math.ceil(p.n_scored / 3)]
        strong.sort(key=lambda op: (position(op[1]), -op[1].score / op[1].info.points, op[0]))
        weak.sort(key=lambda op: (-position(op[1]), op[1].score / op[1].info.points, op[0]))
        out[unit] = UnitStrengths(strong=[p for _, p in strong[:top]], weak=[p for _, p in weak[:top]])
    return out


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


@dataclass
class CategoryChange:
    """A top-level category's points last year and this year (published figures; change exact at the precision)."""

    name: str
    last: float
    now: float
    change: float  # now − last


@dataclass
class Mover:
    """A unit that gained or lost places against last year, and — where last year's 定稿 record tells — by how much
    its total changed and which categories moved it."""

    unit: UnitResult  # rank, last_rank, rank_change, total
    last_total: float | None  # from the run history's 定稿 of the year before; None when only the rank is known
    total_change: float | None
    reasons: list[CategoryChange]  # the categories that moved most in the direction of the move; [] when unknown


@dataclass
class Movers:
    up: list[Mover]  # at most TOP_UP, as progress() orders them
    down: list[Mover]  # at most TOP_DOWN


def _difference(now: float, last: float) -> float:
    """now − last of two published figures, without float noise (93.75 − 85.2 is 8.55, not 8.549999…)."""
    return float(Decimal(str(now)) - Decimal(str(last)))


def movers(results: Results, top_up: int = TOP_UP, top_down: int = TOP_DOWN,
           reasons: int = TOP_REASONS) -> Movers:
    """The units that gained and lost most places, and why.

    Why these reasons: the report should say what moved a unit, not only that it moved. Last year's category
    points come from the run history's 定稿 record of the year before (`results.years`); a category counts when it
    has the same name this year and both years have a figure (last year's points are not recorded, so a changed
    full mark cannot be seen). A unit that rose is explained by the categories that rose most, one that fell by
    those that fell most (largest change first, then scheme order, at most `reasons`). Without last year's record,
    or with one written before results.json carried categories, the reasons are empty and the report says only the
    rank (and total) change."""
    prog = progress(results)
    record = {y.unit: y for y in results.years if y.year == results.assessment.year - 1}

    def mover(u: UnitResult) -> Mover:
        last = record.get(u.unit)
        if last is None:
            return Mover(unit=u, last_total=None, total_change=None, reasons=[])
        changes = [CategoryChange(name=c.name, last=before, now=now, change=_difference(now, before))
                   for c in results.categories
                   if (now := u.categories.get(c.name)) is not None
                   and (before := last.categories.get(c.name)) is not None]
        sign = 1 if u.rank_change > 0 else -1
        moved = sorted((c for c in changes if c.change * sign > EPS), key=lambda c: -abs(c.change))  # stable
        return Mover(unit=u, last_total=last.total, total_change=_difference(u.total, last.total),
                     reasons=moved[:reasons])

    return Movers(up=[mover(u) for u in prog.up[:top_up]], down=[mover(u) for u in prog.down[:top_down]])


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
    group_leaders: dict[str, GroupLeaders]  # ranking group ("" = the whole field) -> leaders and laggards
    group_categories: dict[str, list[CategoryStats]]  # ranking group -> its assessed categories' best and weakest
    strengths: dict[str, UnitStrengths]  # unit (rank order) -> strongest and weakest indicators against the others
    movers: Movers
    majority_lost: list[WeakIndicator]
    suggestions: list[str]


def analyse(results: Results) -> Analysis:
    grades = grade_distribution(results)
    totals = total_statistics(results)
    categories = category_statistics(results)
    weak = weak_indicators(results)
    prog = progress(results)
    vetoed = vetoed_units(results)
    issues = issue_counts(results)
    moved = movers(results)
    return Analysis(grades=grades, totals=totals, categories=categories, weak=weak, progress=prog,
                    vetoed_units=vetoed, issues=issues, group_leaders=group_leaders(results),
                    group_categories=group_categories(results), strengths=strengths(results), movers=moved,
                    majority_lost=majority_lost(results),
                    suggestions=suggestions(results, grades, totals, categories, weak, prog, vetoed, issues, moved))


def suggestions(results: Results, grades: list[GradeShare], totals: TotalStats, categories: list[CategoryStats],
                weak: list[WeakIndicator], prog: Progress, vetoed: list[str], issues: dict[str, int],
                moved: Movers | None = None) -> list[str]:
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
        # the units that fell most, each with the categories that explain it when last year's record tells
        down = (moved or movers(results)).down
        fell = [f"{m.unit.unit}后退{-m.unit.rank_change}位" + (
            "，主要是" + join([f"{c.name}减少{score_text(-c.change, precision)}分" for c in m.reasons])
            if m.reasons else "") for m in down]
        most = join(fell, "；" if any(m.reasons for m in down) else "、")
        out.append(f"关注名次变化。本年度有{len(prog.down)}个单位名次较上年下降，其中{most}，"
                   f"建议相关单位对照各类指标得分查找原因。")
    if issues["错误"] or issues["警告"]:
        out.append(f"规范数据报送。数据审核中发现{issues_text(issues)}，建议各数据报送部门严格按照模板和时限报送，"
                   f"落实数据审核把关责任，确保考核数据真实准确。")
    return out
