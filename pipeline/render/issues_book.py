"""数据问题.xlsx, and the 数据问题 sheet the summary workbook shares with it.

`kaohe check` and runs refused over data errors publish this workbook instead of the results: the issues (each
naming file › sheet › cell) and, when given, the reading map (读取情况: how each file › sheet was read, each
column's role and how sure), so an office can see what to correct before scoring.
"""

from __future__ import annotations

import pathlib

from ..results import IssueRecord
from ..scheme import Assessment
from .xlsx_base import Col, Styles, close_workbook, new_sheet, open_workbook, print_table, write_table

__all__ = ["write_issues_workbook", "sheet_issues"]


def sheet_issues(wb, st: Styles, issues: list[IssueRecord], title: str) -> None:
    """数据问题: one row per issue, errors in red, filterable. What is wrong (说明) comes right after its level and
    type, then where, and the code last; the columns wrap so that the whole row prints on one landscape page at
    9 pt — the message on a page apart from its cell (as it once printed) is no use to the clerk correcting it."""
    sheet = new_sheet(wb, st, "数据问题")
    columns = [Col("级别", "center", cap=6), Col("类型", "wrap", cap=12), Col("说明", "wrap", cap=36),
               Col("文件", "wrap", cap=24), Col("工作表", "wrap", cap=10), Col("单元格", "center", cap=8),
               Col("单位", "wrap", cap=10), Col("指标", "wrap", cap=12), Col("代码", "wrap", cap=12)]
    rows = [[i.severity, i.label, i.message, i.file, i.sheet, i.cell, i.unit, i.indicator, i.code] for i in issues]
    first, end = write_table(sheet, 0, columns, rows, red=[i.severity == "错误" for i in issues],
                             empty_text="未发现数据问题")
    sheet.ws.freeze_panes(first, 0)
    if issues:
        sheet.ws.autofilter(0, 0, end - 1, len(columns) - 1)
    print_table(sheet, f"{title}·{sheet.ws.name}")


def _sheet_readings(wb, st: Styles, readings: list, title: str) -> None:
    """读取情况: one row per sheet examined, then one row per column of a sheet taken."""
    sheet = new_sheet(wb, st, "读取情况")
    columns = [Col("文件", cap=40), Col("工作表", cap=16), Col("读作", cap=14), Col("依据", "wrap", cap=24),
               Col("单位位置", cap=18), Col("表头", cap=12), Col("单元格", "center", cap=8),
               Col("列标题", "wrap", cap=30), Col("读作（列）", "wrap", cap=30), Col("说明", "wrap", cap=50)]
    rows, red = [], []
    for r in readings:
        where = f"{r.axis}（{r.units} 个单位）" if r.axis else ""
        rows.append([r.file, r.sheet, r.kind or "未采用", r.evidence, where, r.header, "", "", r.context,
                     r.reason or f"读取 {r.rows} 行"])
        red.append(not r.taken and r.units > 0)
        for c in r.columns:
            rows.append([r.file, r.sheet, "", "", "", "", c.cell, c.header, c.role, c.how])
            red.append(not c.role)
    first, end = write_table(sheet, 0, columns, rows, red=red, empty_text="input/ 中没有可读取的报表")
    sheet.ws.freeze_panes(first, 0)
    print_table(sheet, f"{title}·{sheet.ws.name}")


def write_issues_workbook(assessment: Assessment, issues: list[IssueRecord], path: pathlib.Path,
                          readings: list | None = None) -> None:
    """数据问题.xlsx for `kaohe check` and for runs refused over data errors: the 数据问题 sheet, and the reading
    map (读取情况) when given. No results exist yet, so no 制表日期: the caller fixes the zip's times."""
    wb, st = open_workbook(assessment, "", path, "数据问题清单")
    sheet_issues(wb, st, issues, assessment.title)
    if readings is not None:
        _sheet_readings(wb, st, readings, assessment.title)
    close_workbook(wb, assessment, "数据问题清单")
