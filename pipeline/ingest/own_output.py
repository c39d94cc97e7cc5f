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

from ..issues import Issue
from ..numbers import normalize_text
from ..output_mark import RESULTS_BOOK, SUMMARY_SHEET, read_mark
from ..scheme import Scheme
from .layout import Table
from .reader import Sheet, cell_name
from .templated import TemplateMatch

RANK, UNIT, TOTAL = "名次", "单位", "总分"  # the 汇总表's own headers (render/summary.py)


def _header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """The 汇总表's header row and the columns of 名次, 单位 and 总分 (the first row that has all three)."""
    for r in range(1, min(sheet.max_row, 12) + 1):
        cols = {}
        for (row, c), v in sheet.cells.items():
            if row == r and isinstance(v, str) and normalize_text(v) in (RANK, UNIT, TOTAL):
                cols.setdefault(normalize_text(v), c)
        if len(cols) == 3:
            return r, cols
    return None


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
