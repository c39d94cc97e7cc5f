"""Grades decided by more than the total (issue 13, part 1): [[grade_rules]] and 一票否优, through the engine.

Every expected grade below is worked by hand in the comments (方案编写指南 §9.1 carries the same examples).
"""

from __future__ import annotations

import pytest

from engine_helpers import make_dataset, make_scheme, score
from pipeline.dataset import Tally
from pipeline.scheme import SchemeError, parse_scheme

GRADES = [{"name": "优秀", "min": 90}, {"name": "良好", "min": 80}, {"name": "合格", "min": 60},
          {"name": "不合格", "min": 0}]
COUNTY = [{"name": "指标考核", "kind": "indicators", "weight": 0.6, "full": 100},
          {"name": "公众评议", "kind": "survey", "weight": 0.4, "full": 100}]
TOTAL = [{"id": "X", "name": "指标", "points": 100, "method": "direct"}]


def by_unit(results):
    return {u["unit"]: u for u in results["units"]}


def county(rules, survey=None, **extra):
    return make_scheme(TOTAL, ["甲", "乙", "丙"], precision=2, grades=GRADES, components=COUNTY,
                       survey=survey or {"categories": ["群众"]}, grade_rules=rules, **extra)


def tallies(answers: dict[str, tuple[int, int, int]], category="群众"):
    return [Tally(u, "年终", category, "总体评价", {"满意": a, "基本满意": b, "不满意": c}, source=f"评议.xlsx › 表!{u}")
            for u, (a, b, c) in answers.items()]


def test_public_dissatisfaction_makes_a_unit_unqualified_whatever_its_total():
    # 甲: 指标 100; 评议 满意5 基本满意0 不满意5 -> (5×5)/10 = 2.5 -> 50 on 100, satisfied 50%;
    #     total 100×0.6 + 50×0.4 = 80.00 -> 良好 by the bands; 50% < 60% -> 不合格
    # 乙: 指标 95; 8/1/1 -> (40+3)/10 = 4.3 -> 86, satisfied 90%; total 57 + 34.4 = 91.40 -> 优秀
    # 丙: 指标 70; 3/3/4 -> (15+9)/10 = 2.4 -> 48, satisfied 60% (not below the line); total 42 + 19.2 = 61.20 -> 合格
    rules = [{"name": "群众满意率低于60%", "measure": "satisfaction_rate", "below": "60%", "grade": "不合格"}]
    res = score(county(rules), make_dataset({"X": {"甲": 100, "乙": 95, "丙": 70}},
                                            tallies=tallies({"甲": (5, 0, 5), "乙": (8, 1, 1), "丙": (3, 3, 4)})))
    got = by_unit(res)
    assert [got[u]["total"] for u in "甲乙丙"] == [80.0, 91.4, 61.2]
    assert [got[u]["grade"] for u in "甲乙丙"] == ["不合格", "优秀", "合格"]
    assert [got[u]["grade_by_total"] for u in "甲乙丙"] == ["良好", "优秀", "合格"]
    assert got["甲"]["grade_limits"] == [{"rule": "群众满意率低于60%", "grade": "不合格",
                                          "measured": "满意率 50%，低于 60%", "source": ""}]
    assert got["甲"]["grade_note"] == "群众满意率低于60%（满意率 50%，低于 60%），等次不高于“不合格”"
    assert got["丙"]["grade_limits"] == [] and got["丙"].get("grade_note") is None
    # the public evaluation at a glance, per unit
    assert got["甲"]["survey"] == {"counts": {"满意": 5, "基本满意": 0, "不满意": 5, "不了解": 0}, "answered": 10,
                                   "satisfied": ["满意", "基本满意"], "satisfaction_rate": 0.5,
                                   "categories": {"群众": 0.5}, "score": 50.0}


def test_a_rule_on_a_component_score_on_its_own_scale():
    # the same units, the rule on the public score itself: 公众评议 below 60 (of 100) -> 不合格: 甲 50 and 丙 48
    rules = [{"name": "群众评价不满意", "measure": "component", "of": "公众评议", "below": 60, "grade": "不合格"}]
    res = score(county(rules), make_dataset({"X": {"甲": 100, "乙": 95, "丙": 70}},
                                            tallies=tallies({"甲": (5, 0, 5), "乙": (8, 1, 1), "丙": (3, 3, 4)})))
    got = by_unit(res)
    assert [got[u]["grade"] for u in "甲乙丙"] == ["不合格", "优秀", "不合格"]
    assert got["丙"]["grade_limits"][0]["measured"] == "公众评议得分 48，低于 60"


TWO_CATEGORIES = [{"id": "E", "name": "经济指标", "points": 60, "method": "direct", "category": ["经济发展"]},
                  {"id": "S", "name": "社会指标", "points": 40, "method": "direct", "category": ["社会事业"]}]


def test_no_top_grade_when_any_category_falls_below_a_share_of_its_points():
    # 乙: 经济 60/60 (100%), 社会 30/40 (75%) -> total 90 -> 优秀 by the bands; 75% < 90% -> no better than 良好
    # 戊: 经济 55/60 (91.67%), 社会 37/40 (92.5%) -> total 92 -> stays 优秀
    # 丁: 经济 40, 社会 30 -> 70 -> 合格 by the bands; the rule caps at 良好, which is no lower: not listed
    rules = [{"name": "单项得分率低于90%", "measure": "any_category", "below_share": 0.9, "grade": "良好"}]
    scheme = make_scheme(TWO_CATEGORIES, ["乙", "戊", "丁"], precision=2, grades=GRADES, grade_rules=rules)
    got = by_unit(score(scheme, make_dataset({"E": {"乙": 60, "戊": 55, "丁": 40}, "S": {"乙": 30, "戊": 37, "丁": 30}})))
    assert [got[u]["grade"] for u in ("乙", "戊", "丁")] == ["良好", "优秀", "合格"]
    assert got["乙"]["grade_limits"][0]["measured"] == "“社会事业”得分 30，得分率 75%，低于 90%"
    assert got["丁"]["grade_limits"] == []


def test_rules_come_before_quotas_so_a_capped_unit_frees_its_place():
    # 优秀 ≥ 90, at most 30% of 10 units = 3. Bands: A 96, B 95, C 94, D 93, E 91 are 优秀 (5 units).
    # A's 社会 is 36 < 37 -> 良好 by the rule; the 优秀 left are B, C, D, E (4 > 3) -> E (last by rank) to 良好.
    # Final 优秀: B, C, D. (Quotas first would keep A, B, C and then the rule would drop A: only 2 优秀.)
    economy = {"A": 60, "B": 58, "C": 57, "D": 56, "E": 53, "F": 40, "G": 40, "H": 40, "I": 40, "J": 40}
    social = {"A": 36, "B": 37, "C": 37, "D": 37, "E": 38, "F": 30, "G": 30, "H": 30, "I": 30, "J": 30}
    grades = [{**GRADES[0], "quota": 0.3}, *GRADES[1:]]
    rules = [{"name": "社会事业得分低于37分", "measure": "category", "of": "社会事业", "below": 37, "grade": "良好"}]
    scheme = make_scheme(TWO_CATEGORIES, list(economy), precision=2, grades=grades, grade_rules=rules)
    got = by_unit(score(scheme, make_dataset({"E": economy, "S": social})))
    assert [u for u in economy if got[u]["grade"] == "优秀"] == ["B", "C", "D"]
    assert got["A"]["grade"] == got["E"]["grade"] == "良好"
    assert "社会事业得分低于37分" in got["A"]["grade_note"] and "名额" in got["E"]["grade_note"]


def test_top_grade_veto_blocks_only_the_top_grade_not_awards():
    # 甲 95 with a 一票否优 entry (信访稳定) -> 良好 but still takes the prize; 乙 93 with a 一票否决 entry
    # (安全生产, effect no_award) keeps 优秀 and loses the prize, which passes to 甲, the next eligible unit.
    vetoes = [{"unit": "甲", "item": "信访稳定", "department": "县信访局", "reason": "越级访3批次", "date": "",
               "source": "否决.xlsx › 表!A3"},
              {"unit": "乙", "item": "安全生产", "department": "县应急局", "reason": "较大事故", "date": "",
               "source": "否决.xlsx › 表!A4"}]
    scheme = make_scheme(TOTAL, ["乙", "甲", "丙"], precision=2, grades=GRADES,
                         veto={"items": ["安全生产"], "top_grade_items": ["信访稳定"]},
                         awards={"prizes": [{"name": "一等奖", "places": 1}]})
    res = score(scheme, make_dataset({"X": {"甲": 95, "乙": 93, "丙": 85}}, vetoes=vetoes))
    got = by_unit(res)
    assert (got["甲"]["grade"], got["甲"]["vetoed"], got["甲"]["awards"]) == ("良好", False, ["一等奖"])
    assert (got["乙"]["grade"], got["乙"]["vetoed"], got["乙"]["awards"]) == ("优秀", True, [])
    assert got["甲"]["grade_limits"] == [{"rule": "一票否优", "grade": "良好",
                                          "measured": "信访稳定，县信访局认定：越级访3批次", "source": "否决.xlsx › 表!A3"}]
    assert [v["unit"] for v in res["vetoes"]] == ["乙"] and [v["unit"] for v in res["top_grade_vetoes"]] == ["甲"]


def test_a_lowest_grade_veto_says_so_in_the_grade_note():
    vetoes = [{"unit": "甲", "item": "安全生产", "department": "", "reason": "", "date": "", "source": "x"}]
    scheme = make_scheme(TOTAL, ["甲", "乙"], precision=2, grades=GRADES, veto={"effect": "lowest_grade"})
    got = by_unit(score(scheme, make_dataset({"X": {"甲": 95, "乙": 85}}, vetoes=vetoes)))
    assert (got["甲"]["grade"], got["甲"]["grade_by_total"]) == ("不合格", "优秀")
    assert got["甲"]["grade_note"] == "一票否决，定为“不合格”"


def test_survey_scored_as_the_rate_of_the_two_best_choices():
    # 民主测评 好5/较好4/一般3/较差1; 甲 好6 较好2 一般1 较差1 (+2 不了解):
    # by points (6×5+2×4+3+1)/10 = 4.2 -> 84; by rate (6+2)/10 = 80%  -> 80
    survey = {"categories": ["党员代表"], "choices": {"好": 5, "较好": 4, "一般": 3, "较差": 1}, "unknown": "不了解"}
    t = [Tally("甲", "年终", "党员代表", "总体评价", {"好": 6, "较好": 2, "一般": 1, "较差": 1}, unknown=2)]
    comps = [{"name": "民主测评", "kind": "survey", "weight": 1, "full": 100}]
    for score_by, expected in (("points", 84.0), ("rate", 80.0)):
        scheme = make_scheme(TOTAL, ["甲"], precision=2, components=comps, survey={**survey, "score_by": score_by})
        unit = score(scheme, make_dataset({}, tallies=t))["units"][0]
        assert unit["total"] == expected
        assert unit["survey"]["counts"] == {"好": 6, "较好": 2, "一般": 1, "较差": 1, "不了解": 2}
        assert unit["survey"]["satisfaction_rate"] == 0.8 and unit["survey"]["satisfied"] == ["好", "较好"]


def test_rounds_weight_the_satisfaction_rate_as_they_weight_the_score():
    # 中期 30%: 满意 4 of 10 (+ 基本满意 2) -> 60%; 年终 70%: 9 of 10 -> 90%; rate 0.3×0.6 + 0.7×0.9 = 0.81
    survey = {"categories": ["群众"], "rounds": {"中期": 0.3, "年终": 0.7}}
    t = [Tally("甲", "中期", "群众", "Q", {"满意": 4, "基本满意": 2, "不满意": 4}),
         Tally("甲", "年终", "群众", "Q", {"满意": 8, "基本满意": 1, "不满意": 1})]
    comps = [{"name": "公众评议", "kind": "survey", "weight": 1, "full": 100}]
    scheme = make_scheme(TOTAL, ["甲"], precision=2, components=comps, survey=survey)
    unit = score(scheme, make_dataset({}, tallies=t))["units"][0]
    assert unit["survey"]["satisfaction_rate"] == 0.81
    assert unit["survey"]["counts"] == {"满意": 12, "基本满意": 3, "不满意": 5, "不了解": 0}


@pytest.mark.parametrize("rule, words", [
    ({"measure": "satisfaction_rate", "below": 60}, "大于 1"),
    ({"measure": "satisfaction_rate", "below": "六成"}, "应为比例"),
    ({"measure": "total", "below": 60, "below_share": 0.6}, "只能给出 below"),
    ({"measure": "component", "below": 60}, "须用 of"),
    ({"measure": "component", "of": "公众评价", "below": 60}, "“公众评价”不是组成部分名称"),
    ({"measure": "category", "of": "生态", "below": 10}, "“生态”不是指标类别"),
    ({"measure": "any_category", "below": 10}, "below_share"),
    ({"measure": "total", "below": 60, "grade": "差"}, "“差”不是等次名称"),
])
def test_bad_rules_are_refused_in_chinese(rule, words):
    raw_rule = {"name": "规则", "grade": "不合格", **rule}
    with pytest.raises(SchemeError) as exc:
        county([raw_rule])
    assert words in str(exc.value) and "grade_rules" in str(exc.value)


def test_top_grade_items_need_grades_and_differ_from_veto_items():
    base = {"assessment": {"title": "t", "year": 2025}, "units": [{"name": "甲"}],
            "components": [{"name": "评分", "kind": "ratings", "weight": 1}]}
    with pytest.raises(SchemeError, match="至少有两个等次"):
        parse_scheme({**base, "veto": {"top_grade_items": ["信访稳定"]}})
    with pytest.raises(SchemeError, match="不能既是一票否决事项"):
        parse_scheme({**base, "grades": GRADES, "veto": {"items": ["信访稳定"], "top_grade_items": ["信访稳定"]}})


def test_a_grade_rule_shows_in_every_output_of_a_real_run(example):
    """The bundled example's own rule (满意率低于60% → 较差) with its line raised to 99%: the units under it are graded
    较差 whatever their totals, and the summary table, the score cards, the report (.html and .docx) and results.json
    all say why."""
    import json

    import openpyxl
    from docx import Document

    from conftest import kaohe

    config = example / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert 'below = "60%"' in text
    config.write_text(text.replace('below = "60%"', 'below = "99%"'), encoding="utf-8")
    res = kaohe("run", example)
    assert res.returncode == 0, res.stdout + res.stderr
    out = example / "output"
    units = json.loads((out / "results.json").read_text(encoding="utf-8"))["units"]
    low = [u for u in units if u["survey"]["satisfaction_rate"] < 0.99]
    high = [u for u in units if u["survey"]["satisfaction_rate"] >= 0.99]
    assert low and high
    for u in low:
        assert u["grade"] == "较差" and u["grade_limits"][0]["rule"] == "群众满意率低于60%"
        assert u["grade_by_total"] != "较差" or u["total"] < 60
    assert all(not u["grade_limits"] for u in high)
    shown = next(u for u in low if u["grade_by_total"] != "较差")
    reason = shown["grade_note"]
    assert reason.startswith("群众满意率低于60%（满意率 ") and reason.endswith("，低于 99%），等次不高于“较差”")

    summary = openpyxl.load_workbook(out / "考核结果汇总表.xlsx")["汇总表"]
    cells = [str(c.value) for row in summary.iter_rows() for c in row if c.value is not None]
    note = next(c for c in cells if c.startswith("注：下列单位的等次不只由总分决定"))
    assert f"{shown['unit']}（按总分为“{shown['grade_by_total']}”；{reason}）" in note
    card = openpyxl.load_workbook(out / "单位评分卡.xlsx")[shown["unit"]]
    lines = [str(c.value) for row in card.iter_rows() for c in row if c.value is not None]
    assert f"等次说明：按总分为“{shown['grade_by_total']}”；{reason}" in lines
    assert any(line.startswith("评议结果：满意 ") for line in lines)
    html = (out / "考核情况分析报告.html").read_text(encoding="utf-8")
    assert f"{shown['unit']}：按总分为“{shown['grade_by_total']}”，评定为“较差”。{reason}。" in html
    docx = "\n".join(p.text for p in Document(str(out / "考核情况分析报告.docx")).paragraphs)
    assert f"{shown['unit']}：按总分为“{shown['grade_by_total']}”，评定为“较差”。{reason}。" in docx
