"""Rating registers read from real files: leadership scores per item (weighted), quarterly checks (mean)."""

from __future__ import annotations

import json

import xlsxwriter

from conftest import kaohe

CONFIG = """
[assessment]
title = "评分汇总测试"
year = 2025
full_score = 100
precision = 2

[[components]]
name = "季度考核"
kind = "ratings"
weight = 0.4
full = 100

[[components]]
name = "班子成员评分"
kind = "ratings"
weight = 0.6
full = 100
trim = true
item_weights = { "党建工作" = 20, "经济发展" = 50, "社会事业" = 30 }

[[units]]
name = "一村"
[[units]]
name = "二村"
"""


def write(path, title, header, rows):
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Sheet1")
    ws.write(0, 0, title)
    ws.write_row(1, 0, header)
    for r, row in enumerate(rows, start=2):
        ws.write_row(r, 0, row)
    wb.close()


def test_quarterly_mean_and_weighted_leadership_ratings_with_trim(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "input").mkdir()
    write(tmp_path / "input" / "季度考核.xlsx", "2025年季度考核得分汇总", ["村名", "季度", "得分"],
          [["一村", "一季度", 80], ["一村", "二季度", 90], ["一村", "三季度", 85], ["一村", "四季度", 95],
           ["二村", "一季度", 70], ["二村", "二季度", 70], ["二村", "三季度", 80], ["二村", "四季度", 80]])
    rows = []
    for member, (a, b) in {"书记": ((100, 90, 80), (60, 60, 60)), "镇长": ((90, 90, 90), (70, 70, 70)),
                           "副书记": ((80, 80, 80), (80, 80, 80)), "副镇长": ((70, 70, 70), (90, 90, 90))}.items():
        rows += [["一村", member, *a], ["二村", member, *b]]
    write(tmp_path / "input" / "班子评分.xlsx", "班子成员评分表", ["村名", "评分人", "党建工作", "经济发展", "社会事业"], rows)
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    got = {u["unit"]: u for u in json.loads((tmp_path / "output" / "results.json").read_text("utf-8"))["units"]}
    # 一村: quarters (80+90+85+95)/4 = 87.5; members 0.2×100+0.5×90+0.3×80 = 89, 90, 80, 70 -> drop 90 and 70 -> 84.5
    assert got["一村"]["components"] == {"季度考核": 87.5, "班子成员评分": 84.5}
    assert got["一村"]["total"] == 85.7  # 0.4 × 87.5 + 0.6 × 84.5
    # 二村: quarters 75; members 60, 70, 80, 90 -> drop 60 and 90 -> 75
    assert got["二村"]["components"] == {"季度考核": 75.0, "班子成员评分": 75.0}


def test_a_ratings_sheet_that_names_no_component_is_an_error(tmp_path):
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "input").mkdir()
    write(tmp_path / "input" / "评分.xlsx", "评分汇总", ["村名", "评分人", "得分"], [["一村", "甲", 80]])
    res = kaohe("check", tmp_path)
    assert res.returncode == 1
    assert "评分.xlsx › Sheet1!A3：无法确定该评分表属于哪个评分类组成部分（请在标题或工作表名中写明：季度考核、班子成员评分）" in res.stdout
    assert "缺少单位“二村”的季度考核数据" in res.stdout and "缺少单位“一村”的班子成员评分数据" in res.stdout


def test_quarters_must_all_be_there_once(tmp_path):
    cfg = CONFIG.replace('kind = "ratings"\nweight = 0.4', 'kind = "ratings"\nweight = 0.4\nraters = ["一季度", "二季度", "三季度", "四季度"]')
    (tmp_path / "config.toml").write_text(cfg, encoding="utf-8")
    (tmp_path / "input").mkdir()
    write(tmp_path / "input" / "季度考核.xlsx", "2025年季度考核得分汇总", ["村名", "季度", "得分"],
          [["一村", "一季度", 80], ["一村", "二季度", 90], ["一村", "三季度", 85], ["一村", "三季度", 95],
           ["二村", "一季度", 70], ["二村", "二季度", 70], ["二村", "三季度", 80], ["二村", "四季度", None]])
    write(tmp_path / "input" / "班子评分.xlsx", "班子成员评分表", ["村名", "评分人", "党建工作", "经济发展", "社会事业"],
          [["一村", "书记", 90, 90, 90], ["二村", "书记", 80, 80, 80]])
    res = kaohe("check", tmp_path)
    assert res.returncode == 1
    assert "季度考核.xlsx › Sheet1!A6：“三季度”对单位的季度考核评分重复出现（另见 季度考核.xlsx › Sheet1!A5）" in res.stdout
    assert "缺少“四季度”对单位“一村”的季度考核评分" in res.stdout
    assert "季度考核.xlsx › Sheet1!C10：缺少数据（二村 · 季度考核）" in res.stdout
