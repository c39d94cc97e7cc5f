"""A composite index read from a real return with 本年值/上年值 columns under a merged header (SPEC §5)."""

from __future__ import annotations

import json

import xlsxwriter

from conftest import kaohe

CONFIG = """
[assessment]
title = "综合指数测试"
year = 2025
full_score = 60
precision = 4

[[components]]
name = "发展指数"
kind = "growth_index"
weight = 1
full = 60

[[components.items]]
id = "G1"
name = "地区生产总值"
source = "统计局"
weight = 0.5
unit = "亿元"

[[components.items]]
id = "G2"
name = "单位GDP能耗"
source = "统计局"
weight = 0.5
direction = "lower"
unit = "吨标煤/万元"

[[units]]
name = "甲镇"
aliases = ["甲"]
[[units]]
name = "乙镇"
[[units]]
name = "丙镇"
"""


def test_growth_index_from_a_return_with_last_year_columns(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "input").mkdir()
    wb = xlsxwriter.Workbook(tmp_path / "input" / "统计局报表.xlsx")
    ws = wb.add_worksheet("数据")
    ws.merge_range("A1:E1", "2025年度综合指数基础数据")
    ws.merge_range("A2:A3", "乡镇名称")
    ws.merge_range("B2:C2", "地区生产总值（亿元）")
    ws.merge_range("D2:E2", "单位GDP能耗（吨标煤/万元）")
    ws.write_row("B3", ["2025年", "上年值", "本年值", "2024年"])
    rows = [("甲", 110, 100, 0.76, 0.80), ("乙镇", 92, 80, 0.60, 0.60), ("丙镇", 52, 50, 0.55, 0.50)]
    for r, row in enumerate(rows, start=3):
        ws.write_row(r, 0, row)
    ws.write(6, 0, "填表人：王某")
    wb.close()

    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "未发现问题" in res.stdout
    results = json.loads((tmp_path / "output" / "results.json").read_text(encoding="utf-8"))
    got = {u["unit"]: u["components"]["发展指数"] for u in results["units"]}
    assert got == {"甲镇": 59.7574, "乙镇": 60.0, "丙镇": 36.0}


def test_missing_last_year_value_is_reported_at_its_cell(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "input").mkdir()
    wb = xlsxwriter.Workbook(tmp_path / "input" / "统计局报表.xlsx")
    ws = wb.add_worksheet("数据")
    ws.write_row("A1", ["乡镇名称", "地区生产总值", "地区生产总值", "单位GDP能耗", "单位GDP能耗"])
    ws.write_row("A2", ["", "本年值", "上年值", "本年值", "上年值"])
    ws.write_row("A3", ["甲镇", 110, 100, 0.76, 0.80])
    ws.write_row("A4", ["乙镇", 92, "—", 0.60, 0.60])
    ws.write_row("A5", ["丙镇", 52, 50, 0.55, 0.50])
    wb.close()
    res = kaohe("check", tmp_path)
    assert res.returncode == 1
    assert "错误 1 条" in res.stdout, res.stdout
    assert "统计局报表.xlsx › 数据!C4：缺少上年值（综合指数须有本年值和上年值）（乙镇 · G1 地区生产总值）" in res.stdout


def test_two_columns_for_one_indicator_is_an_error_naming_both(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "input").mkdir()
    wb = xlsxwriter.Workbook(tmp_path / "input" / "统计局报表.xlsx")
    ws = wb.add_worksheet("数据")
    ws.write_row("A1", ["乡镇名称", "地区生产总值", "地区生产总值", "单位GDP能耗", "单位GDP能耗上年值"])
    wb.close()
    res = kaohe("check", tmp_path)
    assert res.returncode == 1
    assert "统计局报表.xlsx › 数据!C1：该列与 B1 列表示同一项数据" in res.stdout


def test_zero_last_year_value_is_a_data_error_not_a_crash(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "input").mkdir()
    wb = xlsxwriter.Workbook(tmp_path / "input" / "统计局报表.xlsx")
    ws = wb.add_worksheet("数据")
    ws.write_row("A1", ["乡镇名称", "地区生产总值", "地区生产总值", "单位GDP能耗", "单位GDP能耗"])
    ws.write_row("A2", ["", "本年值", "上年值", "本年值", "上年值"])
    ws.write_row("A3", ["甲镇", 110, 0, 0.76, 0.80])
    ws.write_row("A4", ["乙镇", 92, 80, 0, 0.60])
    ws.write_row("A5", ["丙镇", 52, 50, 0.55, 0.50])
    wb.close()
    res = kaohe("run", tmp_path)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "数据!C3：数值 0 须大于 0" in res.stdout and "数据!D4：数值 0 须大于 0" in res.stdout


def test_last_years_values_from_last_years_return(tmp_path):
    """History from last year's returns: a second workbook titled 2024年度 gives x_{t-1}."""
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "input").mkdir()
    for year, rows in ((2025, [("甲镇", 110, 0.76), ("乙镇", 92, 0.60), ("丙镇", 52, 0.55)]),
                       (2024, [("甲镇", 100, 0.80), ("乙镇", 80, 0.60), ("丙镇", 50, 0.50)])):
        wb = xlsxwriter.Workbook(tmp_path / "input" / f"统计局{year}.xlsx")
        ws = wb.add_worksheet("数据")
        ws.write("A1", f"{year}年度综合指数基础数据（统计局）")
        ws.write_row("A2", ["乡镇名称", "地区生产总值（亿元）", "单位GDP能耗"])
        for r, row in enumerate(rows, start=2):
            ws.write_row(r, 0, row)
        wb.close()
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    results = json.loads((tmp_path / "output" / "results.json").read_text(encoding="utf-8"))
    assert {u["unit"]: u["components"]["发展指数"] for u in results["units"]} == {"甲镇": 59.7574, "乙镇": 60.0, "丙镇": 36.0}
