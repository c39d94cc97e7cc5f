"""Grades decided by more than the total: `[[grade_rules]]` and 一票否优 (veto.top_grade_items).

Why apart from the bands: county schemes grade on conditions the total hides — "对群众感到不满意的，视为不合格",
"任一类别得分率低于60%的不得评为优秀", a 一票否优 item that blocks only the top grade. Each condition caps the grade
("no better than"), never raises it, so the order of rules cannot change the outcome: the lowest cap wins.
Every comparison is on published figures (scores at the scheme's precision, rates at 4 decimals), like the bands.
"""

from __future__ import annotations

from decimal import Decimal

from ..numbers import normalize_text, percent as _pct, to_decimal as _d
from ..results import GradeLimit
from ..scheme import GradeRule, Scheme, full_of


def _num(x: Decimal) -> str:
    """A published figure or a rule's line exactly as it stands (no trailing zeros)."""
    return f"{x.normalize():f}"


def _below(value: Decimal, full: Decimal, rule: GradeRule) -> str | None:
    """The worded finding when `value` (points out of `full`) is under the rule's line, else None."""
    line = rule.threshold
    if rule.below_share is not None:
        share = value / full
        return f"得分 {_num(value)}，得分率 {_pct(share)}，低于 {_pct(line)}" if share < line else None
    return f"得分 {_num(value)}，低于 {_num(line)}" if value < line else None


def _rule_finding(scheme: Scheme, nodes: dict, rule: GradeRule, row: dict) -> str | None:
    """What the rule found for the unit (worded), or None when the condition does not hold or cannot be judged
    (the unit is not assessed on the category; no survey answers — reported elsewhere as data issues)."""
    group = row["group"]
    if rule.measure == "total":
        found = _below(_d(row["total"]), _d(scheme.assessment.full_score), rule)
        return f"总分{found}" if found else None
    if rule.measure == "component":
        comp = next(c for c in scheme.components if c.name == rule.of)
        score = row["components"][rule.of]
        found = None if score is None else _below(_d(score), _d(comp.full), rule)
        return f"{rule.of}{found}" if found else None
    if rule.measure == "category":
        score = row["tree"].get(rule.of)
        found = None if score is None else _below(_d(score), full_of(nodes[rule.of], group), rule)
        return f"“{rule.of}”{found}" if found else None
    if rule.measure == "any_category":
        low = []
        for name, score in row["categories"].items():
            if score is not None:
                found = _below(_d(score), full_of(nodes[name], group), rule)
                if found:
                    low.append(f"“{name}”{found}")
        return "；".join(low) or None
    # satisfaction_rate
    survey = row["survey"]
    if survey is None:
        return None
    rate = survey.satisfaction_rate if rule.of is None else survey.categories.get(rule.of)
    if rate is None:
        return None
    what = "满意率" if rule.of is None else f"{rule.of}满意率"
    rate = _d(rate)
    return f"{what} {_pct(rate)}，低于 {_pct(rule.threshold)}" if rate < rule.threshold else None


def grade_limits(scheme: Scheme, nodes: dict, row: dict, top_grade: list[dict]) -> list[GradeLimit]:
    """Every cap on the unit's grade: the rules whose condition holds, in scheme order, then its 一票否优 entries
    (each caps at the second grade). `nodes`: the scheme's category nodes by key (Scheme.walk). The caller keeps
    the ones that lower the band's grade."""
    out = []
    for rule in scheme.grade_rules:
        found = _rule_finding(scheme, nodes, rule, row)
        if found:
            out.append(GradeLimit(rule=rule.name, grade=rule.grade, measured=found, source=""))
    if scheme.grades and len(scheme.grades) > 1:
        second = scheme.grades[1].name
        for v in top_grade:
            if v["unit"] == row["unit"]:
                who = f"，{v['department']}认定" if v["department"] else ""
                why = f"：{v['reason']}" if v["reason"] else ""
                out.append(GradeLimit(rule="一票否优", grade=second, measured=f"{v['item']}{who}{why}",
                                      source=v["source"]))
    return out


def split_vetoes(scheme: Scheme, entries: list[dict]) -> tuple[list[dict], list[dict]]:
    """The veto register's entries as (一票否决, 一票否优): an entry whose item is one of `veto.top_grade_items` blocks
    only the top grade."""
    top = {normalize_text(i) for i in scheme.veto.top_grade_items}
    vetoed = [v for v in entries if normalize_text(v["item"]) not in top]
    return vetoed, [v for v in entries if normalize_text(v["item"]) in top]
