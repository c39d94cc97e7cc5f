"""追赶超越 targets: what each unit declared (a grade, a rank, places gained, a score, an indicator's value, growth)
and whether it was met, by how much. Reported beside the results; a target never changes a score, rank or grade.

Everything is judged on published figures (the grade and ranks as given, scores at the scheme's precision), so a
target's verdict agrees with what the tables show. Growth compares a composite-index item's this-year and
last-year values read from the returns.
"""

from __future__ import annotations

from decimal import Decimal

from ..numbers import percent as _pct, round_half_up, show as _num, to_decimal as _d
from ..results import TargetResult
from ..scheme import Scheme, Target


def _ahead(margin: Decimal | int, unit: str, fmt=str) -> str:
    if margin > 0:
        return f"超出{fmt(margin)}{unit}"
    if margin < 0:
        return f"差{fmt(-margin)}{unit}"
    return "正好达到"


class Attainment:
    """Judges the targets of every unit against its finished row (after ranks, grades and awards)."""

    def __init__(self, scheme: Scheme, current: dict, previous: dict):
        self.scheme = scheme
        self.prec = scheme.assessment.precision
        self.order = {g.name: k for k, g in enumerate(scheme.grades)}
        self.current, self.previous = current, previous  # indicator id -> unit -> value
        self.measures = {m.id: m for m in scheme.measures}

    def of_unit(self, targets: list[Target], row: dict) -> list[TargetResult]:
        return [self.judge(t, row) for t in targets]

    def judge(self, t: Target, row: dict) -> TargetResult:
        kind = t.kind
        if kind == "grade":
            margin = self.order[t.grade] - self.order[row["grade"]]  # grades up the list are better
            return self._result(t, f"跻身“{t.grade}”等次", t.grade, row["grade"], margin >= 0, margin,
                                _ahead(margin, "个等次"))
        if kind == "rank":
            rank = row["group_rank"] if t.within == "group" else row["rank"]
            scope = "组内" if t.within == "group" else ""
            margin = t.rank - rank
            return self._result(t, f"进入{scope}前{t.rank}名", f"{scope}前{t.rank}名", f"{scope}第{rank}名",
                                margin >= 0, margin, _ahead(margin, "位"))
        if kind == "rank_change":
            change = row["rank_change"]
            name = f"名次进位{t.places}位"
            if change is None:
                return self._result(t, name, f"进位{t.places}位", "无上年名次", None, None, "")
            achieved = f"上升{change}位" if change > 0 else f"下降{-change}位" if change < 0 else "名次持平"
            margin = change - t.places
            return self._result(t, name, f"进位{t.places}位", achieved, margin >= 0, margin, _ahead(margin, "位"))
        if kind == "score":
            what = t.of or "总分"
            got = row["total"] if t.of is None else (row["components"].get(t.of) if t.of in row["components"]
                                                     else row["categories"].get(t.of))
            goal = _d(t.score)
            name = f"{what}达到{_num(goal)}分"
            if got is None:
                return self._result(t, name, f"{_num(goal)}分", "无得分", None, None, "")
            got = _d(got)
            margin = got - goal

            def points(x):
                return f"{round_half_up(x, self.prec):f}"

            return self._result(t, name, f"{_num(goal)}分", f"{points(got)}分", margin >= 0, margin,
                                _ahead(margin, "分", points))
        m = self.measures[t.of]
        unit = getattr(m, "unit", "") or ""
        value = self.current.get(t.of, {}).get(row["unit"])
        if kind == "indicator":
            goal = _d(t.value)
            lower = m.direction == "lower"
            name = f"{m.name}{'不高于' if lower else '达到'}{_num(goal)}{unit}"
            if value is None:
                return self._result(t, name, f"{_num(goal)}{unit}", "无数据", None, None, "")
            margin = (goal - value) if lower else (value - goal)
            return self._result(t, name, f"{_num(goal)}{unit}", f"{_num(value)}{unit}", margin >= 0, margin,
                                _ahead(margin, unit, _num))
        # growth of a composite-index item on last year
        goal = t.growth
        last = self.previous.get(t.of, {}).get(row["unit"])
        name = f"{m.name}增长{_pct(goal)}"
        if value is None or not last:
            return self._result(t, name, f"增长{_pct(goal)}", "无数据", None, None, "")
        growth = value / last - 1
        margin = (growth - goal) * 100  # percentage points
        return self._result(t, name, f"增长{_pct(goal)}", f"增长{_pct(growth)}", growth >= goal, margin,
                            _ahead(round_half_up(margin, 2), "个百分点", _num))

    @staticmethod
    def _result(t: Target, default_name: str, declared: str, achieved: str, met: bool | None,
                margin, margin_text: str) -> TargetResult:
        return TargetResult(name=t.name or default_name, kind=t.kind, declared=declared, achieved=achieved, met=met,
                            margin=None if margin is None else float(round_half_up(_d(margin), 4)),
                            margin_text=margin_text)
