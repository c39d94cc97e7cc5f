"""A workbook kaohe wrote, put back into input/: last year's 考核结果汇总表 is read exactly, anything else is skipped.

Why: next year's run needs last year's ranks, and the office's natural source is kaohe's own summary of last year.
Read by its headers, that workbook is ambiguous (its 指标得分 sheet holds scores, its 汇总表 has 名次 and 分组名次),
so it is recognised by its mark (pipeline/output_mark.py: document properties, else its 运行信息 sheet) and only the 名次 and 总分 of its 汇总表 are taken, as the
上年考核结果 register. A summary of any other year is an error naming the cell that states its year (an office that
puts this year's summary into input/ must not get ranks compared with themselves; the message names the cell
that states the year, or the document property); any other kaohe output (a 公示表,
the score cards, an issue list) is not a return and is skipped with one warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..issues import Issue
from ..numbers import normalize_text
from ..output_mark import (KIND_PROPERTY, METHOD_SHEET, RESULTS_BOOK, RUN_INFO_LABELS, RUN_INFO_SHEET, SUMMARY_SHEET,
                           TITLE_PROPERTY, YEAR_LABEL, YEAR_PROPERTY)
from ..scheme import Scheme
from .evidence import _years as years_in
from .layout import Table
from .reader import Sheet, cell_name
from .templated import TemplateMatch

@dataclass(frozen=True)
class OutputMark:
    """What a kaohe workbook says it is: its kind (考核结果汇总表, 单位评分卡…), year and assessment title, and the
    cell that says so (for messages), if a cell does."""

    kind: str
    year: int | None
    title: str
    sheet: str  # "" and None when the document properties say it
    cell: tuple[int, int] | None



def _year(value) -> int | None:
    """A year as a cell holds it: 2025, 2025.0 (a number read from .ods/.xls) or the text "2025"."""
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() and 1900 < number < 2200 else None


def _title_year(title: str) -> int | None:
    found = years_in(title, bare=False)  # 2025年度…, as any sheet title is read
    return found.pop() if len(found) == 1 else None


def read_mark(properties: dict[str, str], sheets: dict) -> OutputMark | None:
    """The mark of a workbook (its custom document properties; its sheets by name, each with `.cells`
    {(row, col): value}, 1-based), or None when the workbook is not one kaohe wrote."""
    if properties.get(KIND_PROPERTY):
        return OutputMark(properties[KIND_PROPERTY], _year(properties.get(YEAR_PROPERTY)),
                          properties.get(TITLE_PROPERTY, ""), "", None)
    info = sheets.get(RUN_INFO_SHEET)
    if info is None or SUMMARY_SHEET not in sheets:
        return None
    labels = {normalize_text(v): r for (r, c), v in info.cells.items() if c == 1 and isinstance(v, str)}
    if not all(normalize_text(label) in labels for label in RUN_INFO_LABELS):
        return None
    title_row = labels[normalize_text(RUN_INFO_LABELS[0])]
    title = str(info.cells.get((title_row, 2)) or "")
    method = sheets.get(METHOD_SHEET)
    stated = next((r for (r, c), v in method.cells.items() if c == 1 and isinstance(v, str)
                   and normalize_text(v) == normalize_text(YEAR_LABEL)), None) \
        if method is not None else None
    if stated is not None and _year(method.cells.get((stated, 2))) is not None:
        return OutputMark(RESULTS_BOOK, _year(method.cells.get((stated, 2))), title, METHOD_SHEET, (stated, 2))
    return OutputMark(RESULTS_BOOK, _title_year(title), title, RUN_INFO_SHEET, (title_row, 2))


RANK, UNIT, TOTAL = "名次", "单位", "总分"  # the 汇总表's own headers (render/summary.py)


def _header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """The 汇总表's header row and the columns of 名次, 单位 and 总分 (the first row that has all three)."""
    by_row: dict[int, dict[str, int]] = {}
    for (r, c), v in sheet.cells.items():  # one pass over the cells; the leftmost of a repeated header counts
        if r <= 12 and isinstance(v, str) and (label := normalize_text(v)) in (RANK, UNIT, TOTAL):
            cols = by_row.setdefault(r, {})
            cols[label] = min(c, cols.get(label, c))
    return next(((r, cols) for r, cols in sorted(by_row.items()) if len(cols) == 3), None)


def _summary_table(sheet: Sheet) -> Table | None:
    found = _header(sheet)
    if found is None:
        return None
    r, cols = found
    below = next((m for m in sheet.merged if m[0] == r and m[1] == cols[RANK]), None)
    last_header = below[2] if below else r  # 名次 merged down over the two header rows
    last = last_header
    while sheet.value(last + 1, cols[UNIT]) not in (None, ""):
        last += 1
    title = str(sheet.value(1, 1) or "")
    return Table("history", (r, last_header), cols[UNIT], {cols[RANK]: "rank", cols[TOTAL]: "total"}, title=title,
                 last_row=last, headers={cols[RANK]: RANK, cols[TOTAL]: TOTAL},
                 evidence="kaohe 生成的上年考核结果汇总表", axis=f"列 {cell_name(1, cols[UNIT])[:-1]}")


def _year_said(mark) -> str:
    if mark.year is None:
        return "未写明年度"
    return f"{mark.year} 年" if mark.cell else f"文件属性中的考核年度为 {mark.year} 年"


def match_own_output(sheets: list[Sheet], properties: dict[str, str], scheme: Scheme, rel: str) -> TemplateMatch | None:
    """None for a workbook kaohe did not write; otherwise how to read it (possibly: not at all, with the reason)."""
    by_name = {s.name: s for s in sheets}
    mark = read_mark(properties, by_name)
    if mark is None:
        return None
    year = scheme.assessment.year
    what = f"kaohe 生成的{mark.year or ''}{'年度' if mark.year else ''}{mark.kind or '输出文件'}"
    match = TemplateMatch(evidence=f"{what}（只读取汇总表的名次和总分）")
    match.skip = {s.name: f"{what}，不是报表" for s in sheets}
    cell = cell_name(*mark.cell) if mark.cell else ""
    if mark.kind != RESULTS_BOOK:
        match.issues.append(Issue("own-output", file=rel, params={"what": what}))
        return match
    if mark.year != year - 1:
        match.issues.append(Issue("own-results-other-year", file=rel, sheet=mark.sheet, cell=cell, params={
            "what": what, "said": _year_said(mark), "year": year, "last": year - 1}))
        return match
    summary = by_name.get(SUMMARY_SHEET)
    table = _summary_table(summary) if summary is not None else None
    if table is None:
        match.issues.append(Issue("own-results-altered", file=rel, sheet=SUMMARY_SHEET, params={"what": what}))
        return match
    del match.skip[SUMMARY_SHEET]
    match.skip = {name: f"{what}：只读取“{SUMMARY_SHEET}”的名次和总分" for name in match.skip}
    match.tables[SUMMARY_SHEET] = table
    return match


__all__ = ["match_own_output"]
