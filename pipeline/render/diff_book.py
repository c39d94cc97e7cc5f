"""`kaohe diff` as a workbook (运行对比.xlsx): the units whose results changed, the input cells that changed, the
indicator scores that moved and why — what an appeal (申诉) or a correction (更正) needs answered on paper.

Like every renderer it only formats what pipeline/history_diff.py found; nothing is recomputed here.
"""

from __future__ import annotations

import pathlib

from ..history_diff import RunDiff
from ..scheme import Assessment
from .xlsx_base import Col, close_workbook, new_sheet, open_workbook, print_table, section, write_table


def run_label(record) -> str:
    return f"第{record.id}次运行（{record.finished_at[:16].replace('T', ' ')}，{record.status}）"


def write_diff_workbook(diff: RunDiff, path: pathlib.Path) -> None:
    assessment = Assessment.model_validate(diff.new.results["assessment"])
    wb, st = open_workbook(assessment, diff.new.finished_at[:10], path, "运行对比")
    sheet = new_sheet(wb, st, "总分变化")
    r = section(sheet, 0, f"{run_label(diff.old)} → {run_label(diff.new)}")
    if diff.scheme_changed:
        r = section(sheet, r, "注意：两次运行的考核方案不同（config.toml 已修改）")
    columns = [Col("单位", cap=20), Col("原总分", "score", cap=10), Col("新总分", "score", cap=10),
               Col("原名次", "int", cap=8), Col("新名次", "int", cap=8), Col("原等次", "center", cap=10),
               Col("新等次", "center", cap=10), Col("原奖项", "wrap", cap=24), Col("新奖项", "wrap", cap=24),
               Col("数据变化（项）", "int", cap=12), Col("得分变化（项）", "int", cap=12)]
    rows = [[u.unit, u.old_total, u.new_total, u.old_rank, u.new_rank, u.old_grade, u.new_grade,
             "、".join(u.old_awards) or None, "、".join(u.new_awards) or None, len(u.cells), len(u.scores)]
            for u in diff.changed_units]
    _, r = write_table(sheet, r, columns, rows, empty_text="两次运行的结果相同")
    r = section(sheet, r + 1, "报表变化")
    write_table(sheet, r, [Col("报表文件", cap=60), Col("变化", "center", cap=12)], [list(f) for f in diff.files],
                empty_text="报表均未变化")
    print_table(sheet, f"运行对比·{sheet.ws.name}")

    sheet = new_sheet(wb, st, "数据变化")
    columns = [Col("单位", cap=20), Col("考核期", "center", cap=10), Col("指标", cap=30), Col("原值", "num", cap=14),
               Col("新值", "num", cap=14), Col("数据来源（文件 › 工作表!单元格）", cap=50),
               Col("更正登记", "wrap", cap=50)]
    rows = [[c.unit, c.period or "年终", f"{c.indicator} {c.name}", c.old, c.new, c.source, c.correction or None]
            for u in diff.units for c in u.cells]
    write_table(sheet, 0, columns, rows, empty_text="报表数据均未变化")
    print_table(sheet, f"运行对比·{sheet.ws.name}")

    sheet = new_sheet(wb, st, "得分变化")
    columns = [Col("单位", cap=20), Col("考核期", "center", cap=10), Col("指标", cap=30), Col("原得分", "score", cap=10),
               Col("新得分", "score", cap=10), Col("原因", "wrap", cap=70)]
    rows = [[s.unit, s.period or "年终", f"{s.indicator} {s.name}", s.old, s.new,
             "本单位数据变化" if s.own_data_changed else s.why] for u in diff.units for s in u.scores]
    write_table(sheet, 0, columns, rows, empty_text="指标得分均未变化")
    print_table(sheet, f"运行对比·{sheet.ws.name}")
    close_workbook(wb, assessment, "运行对比")
