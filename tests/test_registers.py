"""Registers and return layouts read from real files: 弄虚作假 register, 连续考核 cumulative columns."""

from __future__ import annotations

import json

import openpyxl
import xlsxwriter

from conftest import kaohe


def test_falsified_register_zeroes_the_indicator(example):
    wb = xlsxwriter.Workbook(example / "input" / "考核办" / "弄虚作假认定登记表.xlsx")
    ws = wb.add_worksheet("登记")
    ws.merge_range("A1:E1", "2025年度目标考核弄虚作假认定登记表")
    ws.write_row("A2", ["序号", "乡镇名称", "涉及指标", "认定部门", "情况说明"])
    ws.write_row("A3", [1, "青山乡", "粮食播种面积", "县统计局", "虚报播种面积"])
    ws.write_row("A4", [2, "青山乡", "粮食产量", "县统计局", "无此指标"])
    wb.close()
    res = kaohe("run", example)
    assert res.returncode == 1  # the unknown indicator is an error
    assert "弄虚作假认定登记表.xlsx › 登记!C4：未知指标“粮食产量”" in res.stdout
    wb = openpyxl.load_workbook(example / "input" / "考核办" / "弄虚作假认定登记表.xlsx")
    wb.active.delete_rows(4)
    wb.save(example / "input" / "考核办" / "弄虚作假认定登记表.xlsx")
    res = kaohe("run", example)
    assert res.returncode == 0, res.stdout
    unit = next(u for u in json.loads((example / "output" / "results.json").read_text("utf-8"))["units"]
                if u["unit"] == "青山乡")
    assert unit["indicators"]["C1"] == 0.0


CUMULATIVE = """
[assessment]
title = "连续考核测试"
year = 2025
full_score = 20

[[components]]
name = "指标"
kind = "indicators"
weight = 1
full = 20

[[indicators]]
id = "K1"
name = "山药种植面积"
category = ["产业发展"]
source = "农业办"
points = 10
method = "completion"
target = "column"

[[indicators]]
id = "K2"
name = "劳动力培训"
category = ["产业发展"]
source = "农业办"
points = 10
method = "completion"
target = "column"
basis = "cumulative"

[[units]]
name = "一村"
[[units]]
name = "二村"
"""


def test_annual_and_cumulative_targets(tmp_path):
    """零基考核 counts this year only; 连续考核 counts cumulative completion against the cumulative plan."""
    (tmp_path / "config.toml").write_text(CUMULATIVE, encoding="utf-8")
    (tmp_path / "input").mkdir()
    wb = xlsxwriter.Workbook(tmp_path / "input" / "农业办.xlsx")
    ws = wb.add_worksheet("目标完成情况")
    ws.merge_range("A1:A2", "村名")
    ws.merge_range("B1:C1", "山药种植面积（亩）")
    ws.merge_range("D1:G1", "劳动力培训（人次）")
    ws.write_row("B2", ["完成值", "目标值", "本年完成", "累计完成", "累计目标", "本年目标"])
    ws.write_row("A3", ["一村", 900, 1000, 150, 560, 600, 200])
    ws.write_row("A4", ["二村", 1000, 1000, 200, 640, 800, 200])
    wb.close()
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    got = {u["unit"]: u["indicators"] for u in json.loads((tmp_path / "output" / "results.json").read_text("utf-8"))["units"]}
    assert got["一村"] == {"K1": 9.0, "K2": 9.33}  # 560 / 600 × 10, not 150 / 200
    assert got["二村"] == {"K1": 10.0, "K2": 8.0}  # 640 / 800 × 10, though this year's 200 met its 200


def test_veto_item_not_among_the_schemes_veto_items_is_an_error(example):
    cfg = example / "config.toml"
    text = cfg.read_text(encoding="utf-8").replace('effect = "no_award"', 'effect = "no_award"\nitems = ["党风廉政建设", "社会治安综合治理"]')
    cfg.write_text(text, encoding="utf-8")
    res = kaohe("check", example)
    assert res.returncode == 1
    assert "“安全生产”不是有效选项（可选：党风廉政建设、社会治安综合治理）（东关镇）" in res.stdout


SMALL = """
[assessment]
title = "小型测试"
year = 2025
full_score = 100

[[components]]
name = "指标"
kind = "indicators"
weight = 0.5
full = 100

[[components]]
name = "公众评议"
kind = "survey"
weight = 0.5
full = 100

[survey]
categories = ["群众"]
rounds = { "中期" = 0.5, "年终" = 0.5 }

[[adjustments]]
name = "改革创新"
sign = "bonus"
per_item = 1
cap = 3

[[indicators]]
id = "X"
name = "工作实绩"
category = ["实绩"]
source = "考核办"
points = 100
method = "direct"

[[units]]
name = "发改局"
group = "经济发展类"
[[units]]
name = "教育局"
group = "社会管理类"
"""


def test_section_rows_group_column_per_item_adjustments_and_rounds_by_sheet(tmp_path):
    (tmp_path / "config.toml").write_text(SMALL, encoding="utf-8")
    (tmp_path / "input").mkdir()
    wb = xlsxwriter.Workbook(tmp_path / "input" / "实绩.xlsx")
    ws = wb.add_worksheet("实绩")
    ws.write_row("A1", ["单位", "分组", "工作实绩"])
    ws.write_row("A2", ["一、经济发展类", "", ""])
    ws.write_row("A3", ["发改局", "经济发展类", 90])
    ws.write_row("A4", ["（二）社会管理类", "", ""])
    ws.write_row("A5", ["教育局", "社会管理类", 80])
    wb.close()
    wb = xlsxwriter.Workbook(tmp_path / "input" / "评议.xlsx")
    for rnd, (s1, s2) in (("中期评议", (10, 8)), ("年终评议", (8, 10))):
        ws = wb.add_worksheet(rnd)
        ws.write_row("A1", ["单位", "评议群体", "评议题目", "满意", "基本满意", "不满意", "不了解"])
        ws.write_row("A2", ["发改局", "群众", "Q1", s1, 10 - s1, 0, 0])
        ws.write_row("A3", ["教育局", "群众", "Q1", s2, 10 - s2, 0, 0])
    wb.close()
    wb = xlsxwriter.Workbook(tmp_path / "input" / "改革创新加减分登记.xlsx")
    ws = wb.add_worksheet("登记")
    ws.write_row("A1", ["单位", "加减分类别", "分值", "事由"])
    for k in range(4):
        ws.write_row(k + 1, 0, ["发改局", "改革创新", 2, f"改革事项{k + 1}"])  # 4 items: 1 point each, cap 3
    ws.write_row("A6", ["教育局", "改革创新", 2, "改革事项"])
    wb.close()
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "未发现问题" in res.stdout  # no unknown unit for the section rows, no warning for 分组
    got = {u["unit"]: u for u in json.loads((tmp_path / "output" / "results.json").read_text("utf-8"))["units"]}
    # 发改局: public = 0.5 × (10×5/10 → 100) + 0.5 × ((8×5 + 2×3)/10 = 4.6 → 92) = 96
    assert got["发改局"]["components"] == {"指标": 90.0, "公众评议": 96.0}
    assert got["发改局"]["adjustments"] == {"改革创新": 3.0} and got["教育局"]["adjustments"] == {"改革创新": 1.0}
    assert got["发改局"]["total"] == 96.0  # 0.5 × 90 + 0.5 × 96 + 3


RANKED = SMALL.replace('''[[adjustments]]
name = "改革创新"
sign = "bonus"
per_item = 1
cap = 3''', '''[[adjustments]]
name = "全市营商环境评价"
sign = "rank"
rank_rules = [{ top = 1, points = 2 }, { bottom = 1, points = -2 }]''')


def test_rank_based_adjustment_read_from_a_register_with_a_place_column(tmp_path):
    (tmp_path / "config.toml").write_text(RANKED.replace('rounds = { "中期" = 0.5, "年终" = 0.5 }', 'rounds = { "年终" = 1 }'),
                                          encoding="utf-8")
    (tmp_path / "input").mkdir()
    wb = xlsxwriter.Workbook(tmp_path / "input" / "数据.xlsx")
    ws = wb.add_worksheet("实绩")
    ws.write_row("A1", ["单位", "工作实绩"])
    ws.write_row("A2", ["发改局", 90])
    ws.write_row("A3", ["教育局", 80])
    ws = wb.add_worksheet("评议")
    ws.write_row("A1", ["单位", "评议群体", "评议题目", "满意", "基本满意", "不满意", "不了解"])
    ws.write_row("A2", ["发改局", "群众", "Q1", 10, 0, 0, 0])
    ws.write_row("A3", ["教育局", "群众", "Q1", 10, 0, 0, 0])
    ws = wb.add_worksheet("加减分")
    ws.write_row("A1", ["单位", "加减分类别", "名次", "说明"])
    ws.write_row("A2", ["发改局", "全市营商环境评价", 1, "全市第1"])
    ws.write_row("A3", ["教育局", "全市营商环境评价", 2, "全市第2"])
    wb.close()
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    got = {u["unit"]: u["total"] for u in json.loads((tmp_path / "output" / "results.json").read_text("utf-8"))["units"]}
    assert got == {"发改局": 97.0, "教育局": 88.0}  # 0.5×90 + 0.5×100 + 2; 0.5×80 + 0.5×100 − 2
