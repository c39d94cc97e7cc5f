"""定期考核 scored from data (issue 13, part 3): a `periods` component scores the indicator tree on each periodic
check's returns by the indicators' own methods, and combines the periods with the year-end.

Real .xlsx returns written here with xlsxwriter; every expected score is worked by hand in the comments
(方案编写指南 §5.6 carries the same example).
"""

from __future__ import annotations

import json

import openpyxl
import xlsxwriter

from conftest import kaohe

CONFIG = """
[assessment]
title = "定期考核测试"
year = 2025
full_score = 100
precision = 2

[[components]]
name = "季度考核"
kind = "periods"
weight = 0.4
full = 100
periods = ["第一季度", "第二季度"]
{weights}

[[components]]
name = "年终考核"
kind = "indicators"
weight = 0.6
full = 100

[[indicators]]
id = "A"
name = "招商引资额"
category = ["经济发展"]
source = "经发办"
points = 60
method = "efficacy"

[[indicators]]
id = "B"
name = "信访工作"
category = ["平安建设"]
source = "综治中心"
points = 40
method = "direct"

[[units]]
name = "甲村"
[[units]]
name = "乙村"
[[units]]
name = "丙村"
"""

# (A, B) per unit, per period; A by efficacy within each period's own cohort, B direct
Q1 = {"甲村": (50, 36), "乙村": (30, 40), "丙村": (10, 32)}
Q2 = {"甲村": (20, 40), "乙村": (40, 36), "丙村": (40, 38)}
YEAR = {"甲村": (100, 38), "乙村": (80, 34), "丙村": (60, 40)}


def sheet(wb, name, title, header, rows):
    ws = wb.add_worksheet(name)
    ws.write(0, 0, title)
    ws.write_row(1, 0, header)
    for r, row in enumerate(rows, start=2):
        ws.write_row(r, 0, row)


def write_returns(folder, with_q2=True):
    (folder / "input").mkdir()
    for when, data in (("2025年第一季度", Q1), ("2025年第二季度", Q2), ("2025年度", YEAR)):
        if when == "2025年第二季度" and not with_q2:
            continue
        wb = xlsxwriter.Workbook(folder / "input" / f"{when}招商引资完成情况（经发办）.xlsx")
        sheet(wb, "Sheet1", f"{when}招商引资完成情况", ["单位", "招商引资额"], [[u, a] for u, (a, _) in data.items()])
        wb.close()
    # 综治中心: both quarters in one workbook, a sheet each, named the short way (一季度, 二季度)
    wb = xlsxwriter.Workbook(folder / "input" / "季度信访工作考核（综治中心）.xlsx")
    sheet(wb, "一季度", "信访工作考核得分", ["单位", "信访工作"], [[u, b] for u, (_, b) in Q1.items()])
    if with_q2:
        sheet(wb, "二季度", "信访工作考核得分", ["单位", "信访工作"], [[u, b] for u, (_, b) in Q2.items()])
    wb.close()
    wb = xlsxwriter.Workbook(folder / "input" / "2025年度信访工作考核（综治中心）.xlsx")
    sheet(wb, "Sheet1", "2025年度信访工作考核得分", ["单位", "信访工作"], [[u, b] for u, (_, b) in YEAR.items()])
    wb.close()


def run(tmp_path, weights=""):
    (tmp_path / "config.toml").write_text(CONFIG.format(weights=weights), encoding="utf-8")
    write_returns(tmp_path)
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    return {u["unit"]: u for u in json.loads((tmp_path / "output" / "results.json").read_text("utf-8"))["units"]}


def test_each_quarter_scored_by_the_indicators_methods_and_averaged(tmp_path):
    # 第一季度 A: best 50, worst 10 → 甲 60, 乙 60 × (0.6 + 0.4 × 0.5) = 48, 丙 36; + B → 96, 88, 68
    # 第二季度 A: best 40, worst 20 → 甲 36, 乙 60, 丙 60; + B → 76, 96, 98
    # 季度考核 = mean: 甲 86, 乙 92, 丙 83
    # 年终 A: best 100, worst 60 → 60, 48, 36; + B → 98, 82, 76
    # total = 0.4 × 季度 + 0.6 × 年终: 甲 34.4 + 58.8 = 93.2, 乙 36.8 + 49.2 = 86, 丙 33.2 + 45.6 = 78.8
    units = run(tmp_path)
    assert {u: (r["components"]["季度考核"], r["components"]["年终考核"], r["total"]) for u, r in units.items()} == {
        "甲村": (86.0, 98.0, 93.2), "乙村": (92.0, 82.0, 86.0), "丙村": (83.0, 76.0, 78.8)}
    q = units["乙村"]["periods"]["季度考核"]
    assert [(p["period"], p["weight"], p["score"]) for p in q] == [("第一季度", 0.5, 88.0), ("第二季度", 0.5, 96.0)]
    assert q[0]["indicators"] == {"A": 48.0, "B": 40.0} and q[0]["categories"] == {"经济发展": 48.0, "平安建设": 40.0}


def test_declared_period_weights(tmp_path):
    # 第一季度 30%, 第二季度 70%: 甲 0.3 × 96 + 0.7 × 76 = 82; total 0.4 × 82 + 0.6 × 98 = 91.6
    units = run(tmp_path, 'period_weights = { "第一季度" = 0.3, "第二季度" = 0.7 }')
    assert (units["甲村"]["components"]["季度考核"], units["甲村"]["total"]) == (82.0, 91.6)


def test_periods_are_in_the_workbook_and_on_the_score_cards(tmp_path):
    run(tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "output" / "考核结果汇总表.xlsx")
    rows = list(wb["定期考核"].iter_rows(values_only=True))
    head = rows[0]
    assert head[:2] == ("单位", "组成部分") and "第一季度" in head and "第二季度" in head
    row = next(r for r in rows if r[0] == "乙村")
    assert (row[head.index("第一季度")], row[head.index("第二季度")], row[head.index("合计")]) == (88, 96, 92)
    detail = list(wb["明细"].iter_rows(values_only=True))
    dh = detail[0]
    assert "考核期" in dh
    q1 = next(r for r in detail[1:] if r[dh.index("单位")] == "乙村" and r[dh.index("考核期")] == "第一季度"
              and r[dh.index("指标编号")] == "A")
    assert q1[dh.index("原始值")] == 30 and "第一季度招商引资完成情况" in q1[dh.index("数据来源（文件 › 工作表!单元格）")]
    card = openpyxl.load_workbook(tmp_path / "output" / "单位评分卡.xlsx")["乙村"]
    cells = list(card.iter_rows(values_only=True))
    header = next(r for r in cells if r and r[0] == "序号")
    assert "第一季度得分" in header and "第二季度得分" in header
    a_row = next(r for r in cells if r and r[2] and str(r[2]).startswith("A "))
    assert (a_row[header.index("第一季度得分")], a_row[header.index("第二季度得分")], a_row[header.index("得分")]) == (48, 60, 48)


def test_a_missing_period_return_is_an_error_naming_the_period(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG.format(weights=""), encoding="utf-8")
    write_returns(tmp_path, with_q2=False)
    res = kaohe("run", tmp_path)
    assert res.returncode == 1
    assert "缺少“经发办”报送的第二季度报表" in res.stdout and "缺少“综治中心”报送的第二季度报表" in res.stdout


def test_a_sheet_naming_two_periods_is_not_guessed(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG.format(weights=""), encoding="utf-8")
    write_returns(tmp_path)
    wb = xlsxwriter.Workbook(tmp_path / "input" / "第一季度第二季度招商引资汇总（经发办）.xlsx")
    sheet(wb, "Sheet1", "招商引资完成情况", ["单位", "招商引资额"], [[u, 1] for u in Q1])
    wb.close()
    res = kaohe("check", tmp_path)
    assert "同时写了几个考核期（第一季度、第二季度）" in res.stdout


def test_the_report_lists_each_periods_scores(tmp_path):
    from docx import Document

    run(tmp_path)
    html = (tmp_path / "output" / "考核情况分析报告.html").read_text(encoding="utf-8")
    assert "<p>季度考核各期得分：</p>" in html
    assert '<td class="name">乙村</td><td class="num">88.00</td><td class="num">96.00</td><td class="num">92.00</td>' in html
    docx = "\n".join(p.text for p in Document(str(tmp_path / "output" / "考核情况分析报告.docx")).paragraphs)
    assert "乙村（第一季度88.00、第二季度96.00，合计92.00）" in docx
