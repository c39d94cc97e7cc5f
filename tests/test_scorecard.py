"""Per-unit score sheets (rows = items with merged item cells and sub-items) read from real workbooks."""

from __future__ import annotations

import json

import openpyxl

from conftest import kaohe

CONFIG = """
[assessment]
title = "村级综合考核"
year = 2025
full_score = 1000
precision = 1

[[components]]
name = "考核组评分"
kind = "indicators"
weight = 1
full = 1000
raw_full = 200

[[categories]]
path = ["党建工作"]
points = 100

[[indicators]]
id = "V01.1"
name = "组织建设"
category = ["党建工作"]
source = "考核组"
points = 60
method = "direct"

[[indicators]]
id = "V01.2"
name = "党员管理"
category = ["党建工作"]
source = "考核组"
points = 40
method = "direct"

[[indicators]]
id = "V02"
name = "农业经济"
category = ["农业经济"]
source = "考核组"
points = 100
method = "direct"

[[units]]
name = "一村"
[[units]]
name = "二村"
aliases = ["二"]
"""


def score_sheet(ws, unit_line: str | None, rows):
    ws["A1"] = "XX镇2025年度村级综合目标考核评分表"
    ws.merge_cells("A1:F1")
    if unit_line:
        ws["A2"] = unit_line
    ws.append(["序号", "考核项目", "考核内容", "分值", "得分", "扣分说明"])
    start = ws.max_row + 1
    for row in rows:
        ws.append(row)
    ws.merge_cells(start_row=start, start_column=2, end_row=start + 1, end_column=2)  # 党建工作 over its sub-items
    ws.append(["", "合计", "", 200, "=SUM(E4:E6)", ""])
    ws.append(["考核组成员签字：", "", "", "", "", ""])


def test_score_sheets_per_village(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "input").mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "一村"  # the unit is the sheet's name
    score_sheet(ws, None, [[1, "党建工作", "组织建设", 60, 55, "会议记录不全扣5分"],
                           ["", None, "党员管理", 40, "３８", ""],
                           [2, "农业经济", "", 100, 90, ""]])
    ws = wb.create_sheet("第2页")
    score_sheet(ws, "被考核单位：二      考核时间：2026年1月", [[1, "党建工作", "组织建设", 60, 60, ""],
                                                              ["", None, "党员管理", 40, 35, ""],
                                                              [2, "农业经济", "", 100, 95.5, ""]])
    wb.save(tmp_path / "input" / "考核组评分表.xlsx")
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    got = {u["unit"]: u for u in json.loads((tmp_path / "output" / "results.json").read_text("utf-8"))["units"]}
    assert got["一村"]["indicators"] == {"V01.1": 55.0, "V01.2": 38.0, "V02": 90.0}
    assert got["一村"]["total"] == 915.0  # (55 + 38 + 90) / 200 × 1000
    assert got["二村"]["total"] == 952.5  # (60 + 35 + 95.5) / 200 × 1000


def test_unknown_item_in_a_score_sheet_is_an_error_with_a_hint(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "input").mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "一村"
    score_sheet(ws, None, [[1, "党建工作", "组织建设", 60, 55, ""], ["", None, "党员管理", 40, 38, ""],
                           [2, "农业经济发展", "", 100, 90, ""]])
    wb.save(tmp_path / "input" / "评分.xlsx")
    res = kaohe("check", tmp_path)
    assert res.returncode == 1
    assert "评分.xlsx › 一村!B5：无法识别的考核项目“农业经济发展”，是否为“农业经济”？" in res.stdout
