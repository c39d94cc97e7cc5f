"""The mark kaohe leaves in every workbook it writes, so that one put back into input/ is known for what it is.

Why: an office keeps last year's 考核结果汇总表 and, the next year, drops it into input/ as 上年考核结果. Read by
its headers like a department's return, kaohe's own summary is ambiguous (its 指标得分 sheet holds scores, not
values; 名次 and 分组名次 both look like ranks), and a score card book looks like a rating form. So each workbook
kaohe writes carries custom document properties (文件 › 属性 › 自定义) saying what it is, for which assessment and
year; Excel, WPS and LibreOffice keep them when a file is saved again, also as .ods. Ingest then reads last year's
summary exactly (名次 and 总分 of its 汇总表, nothing else) and skips any other kaohe output with one clear line
instead of hundreds of header errors.

A summary without them (saved as .xls, or written before the mark existed) is still known by its 运行信息 sheet
(考核名称, 程序版本, 考核方案哈希), which no department's return has. This module is pure: the properties to
write, and what the properties and sheets read back say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import normalize_text

KIND_PROPERTY, YEAR_PROPERTY, TITLE_PROPERTY = "kaohe生成文件", "kaohe考核年度", "kaohe考核名称"

RESULTS_BOOK = "考核结果汇总表"  # the kind of workbook whose 汇总表 next year's run may read as 上年考核结果
SUMMARY_SHEET = "汇总表"
RUN_INFO_SHEET = "运行信息"
RUN_INFO_LABELS = ("考核名称", "程序版本", "考核方案哈希（SHA-256）")  # written by render/summary.py, in this order
METHOD_SHEET = "方法说明"
YEAR_LABEL = "考核年度"  # 方法说明's row that states the assessment year


@dataclass(frozen=True)
class OutputMark:
    """What a kaohe workbook says it is: its kind (考核结果汇总表, 单位评分卡…), year and assessment title, and the
    cell that says so (for messages), if a cell does."""

    kind: str
    year: int | None
    title: str
    sheet: str  # "" and None when the document properties say it
    cell: tuple[int, int] | None


def mark_properties(kind: str, year: int, title: str) -> dict[str, object]:
    return {KIND_PROPERTY: kind, YEAR_PROPERTY: year, TITLE_PROPERTY: title}


def _year(value) -> int | None:
    """A year as a cell holds it: 2025, 2025.0 (a number read from .ods/.xls) or the text "2025"."""
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() and 1900 < number < 2200 else None


def _title_year(title: str) -> int | None:
    found = {int(y) for y in re.findall(r"((?:19|20)\d\d)\s*年", title)}
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


__all__ = ["OutputMark", "read_mark", "mark_properties", "RESULTS_BOOK", "SUMMARY_SHEET", "RUN_INFO_SHEET",
           "RUN_INFO_LABELS"]
