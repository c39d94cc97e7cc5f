"""数据问题.csv: the issue list as a CSV file that Excel and WPS open as text (never as formulas)."""

from __future__ import annotations

import csv
from pathlib import Path

from ..issues import Issue


def write_issues_csv(issues: list[Issue], path: Path) -> None:
    cols = ["级别", "类型", "代码", "文件", "工作表", "单元格", "单位", "指标", "说明"]
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for i in issues:
            w.writerow([_safe_text(x) for x in (i.severity, i.label, i.code, i.file, i.sheet, i.cell, i.unit, i.indicator,
                                                i.message)])


# What makes Excel or LibreOffice treat a CSV cell as a formula: = + - @ first, and TAB or CR before them
# (OWASP's CSV-injection list; both programs skip the leading whitespace before looking).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(text: str) -> str:
    """A CSV cell that stays text when opened: prefix an apostrophe where a formula could start."""
    return "'" + text if text[:1] in FORMULA_STARTS else text
