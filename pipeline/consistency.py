"""Internal consistency of a return: its 合计 / 小计 lines and 合计 columns against their parts.

A department's total that does not add up means one of its figures is wrong — a typo in a unit's row, a row
pasted twice, a total typed by hand — and the clerk should look before the figures are scored. These are warnings
(the units' own rows are what is scored; the total is only the department's check), naming both the total's cell
and the range it should sum. Only additive figures are checked: amounts and counts, never rates, indices or
averages, whose totals are not sums; and only totals typed as figures — a =SUM() total is the spreadsheet's
arithmetic, which can differ from ours only where it skips a number stored as text.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .ingest import HeaderCell, RawCell, Row, TotalRow
from .issues import Issue
from .numbers import NotANumber, normalize_text, parse_number, round_half_up
from .scheme import Scheme

NOT_ADDITIVE = re.compile(r"率|指数|比重|比例|人均|平均|均值|占比|%|％|‰")
STATED_POINTS = re.compile(r"[(（](?:满分|分值)?[:：]?(\d+(?:\.\d+)?)分[)）]|满分(\d+(?:\.\d+)?)分")


def cell_number(cell: RawCell | None) -> Decimal | None:
    """The number a cell shows, or None where it has none we can trust (empty, text, a formula never computed)."""
    if cell is None:
        return None
    if cell.formula is not None and (cell.value is None or cell.value == 0):
        return cell.computed
    try:
        return parse_number(cell.value, cell.percent)
    except NotANumber:
        return None


def _additive(scheme: Scheme, role: str, cell: RawCell) -> bool:
    if cell.percent:
        return False
    if scheme.survey is not None and role in (*scheme.survey.choices, scheme.survey.unknown):
        return True
    ind = next((m for m in scheme.measures if m.id == role.partition(":")[0]), None)
    return ind is not None and not NOT_ADDITIVE.search(f"{ind.name}{ind.unit}")


def agrees(total: Decimal, parts: Decimal) -> bool:
    """The parts' sum, shown at the total's own decimals, is the total (a total rounded to 0.1 still agrees)."""
    exponent = total.normalize().as_tuple().exponent  # 1361313.0 typed in a number cell shows no decimals
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return round_half_up(parts, places) == total


def check_totals(scheme: Scheme, totals: list[TotalRow]) -> list[Issue]:
    out = []
    for line in totals:
        for role, cell in line.fields.items():
            total = cell_number(cell)
            if total is None or cell.formula is not None or not _additive(scheme, role, cell):
                continue  # a formula total is the spreadsheet's own sum, not a figure the department typed
            parts = [cell_number(row.fields.get(role)) for row in line.parts]
            if any(p is None for p in parts):
                continue  # a gap or an unreadable part is reported where it is; its total cannot be checked
            got = sum(parts, Decimal(0))
            if agrees(total, got):
                continue
            cells = [row.fields[role] for row in line.parts]
            ind = next((m for m in scheme.measures if m.id == role.partition(":")[0]), None)
            out.append(Issue("total-mismatch", indicator=ind.label if ind else role, **cell.where(), params={
                "label": line.label.value, "total": _plain(total), "sum": _plain(got), "count": len(parts),
                "range": f"{cells[0].cell}–{cells[-1].cell}" if len(cells) > 1 else cells[0].cell}))
    return out


def check_row_sums(scheme: Scheme, rows: list[Row]) -> list[Issue]:
    """A survey row's 合计 / 总人数 column against the sum of its choice columns."""
    if scheme.survey is None:
        return []
    choices = [*scheme.survey.choices, scheme.survey.unknown]
    out = []
    for row in rows:
        cell = row.fields.get("sum")
        total = cell_number(cell)
        if row.kind != "survey" or total is None:
            continue
        parts = [cell_number(row.fields.get(c)) for c in choices if c in row.fields]
        if not parts or any(p is None for p in parts):
            continue
        got = sum(parts, Decimal(0))
        if not agrees(total, got):
            out.append(Issue("sum-mismatch", **cell.where(), params={"total": _plain(total), "sum": _plain(got),
                                                                     "choices": "、".join(c for c in choices
                                                                                         if c in row.fields)}))
    return out


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


def stated_points(text: str) -> Decimal | None:
    """The full points a header states: 党建工作（20分）, 基层组织建设(满分40分), 满分10分 -> 20, 40, 10."""
    m = STATED_POINTS.search(normalize_text(text))
    return Decimal(m.group(1) or m.group(2)) if m else None


def check_header_points(scheme: Scheme, headers: list[HeaderCell]) -> list[Issue]:
    """A header that states points (“（20分）”) must agree with the scheme: an indicator's points, a ratings item's
    own points (item_points); an item the scheme scores on 100 (item_weights) whose header says it is out of 20 is the
    silent error of points entered as weights."""
    measures = {m.id: m for m in scheme.measures}
    comps = [c for c in scheme.components if c.is_ratings]
    out = []
    for h in headers:
        stated = stated_points(h.text)
        if stated is None:
            continue
        if h.role.startswith("item:"):
            item = h.role[5:]
            own = next((c.item_points[item] for c in comps if item in c.item_points), None)
            weighted = next((c for c in comps if item in c.item_weights), None)
            if own is not None and stated != Decimal(str(own)):
                out.append(Issue("header-points", file=h.file, sheet=h.sheet, cell=h.cell, params={
                    "text": h.text, "stated": _plain(stated), "expected": f"item_points 中为 {Decimal(str(own)).normalize():f} 分"}))
            elif weighted is not None and stated != 100:
                out.append(Issue("header-points", file=h.file, sheet=h.sheet, cell=h.cell, params={
                    "text": h.text, "stated": _plain(stated),
                    "expected": "item_weights 中是按百分制打分、按权重折算的项目；若各项按自身分值打分、评分为各项之和，"
                                "请改用 item_points"}))
            continue
        ind = measures.get(h.role.partition(":")[0])
        if ind is not None and getattr(ind, "points", None) is not None and stated != Decimal(str(ind.points)):
            out.append(Issue("header-points", file=h.file, sheet=h.sheet, cell=h.cell, indicator=ind.label, params={
                "text": h.text, "stated": _plain(stated), "expected": f"指标分值 points 为 {ind.points:g} 分"}))
    return out
