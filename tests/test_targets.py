"""追赶超越 targets (issue 13, part 2): each declared target with declared, achieved, met and margin, through the
engine, validated in Chinese, and shown in the workbook, score cards and report of a real run.

Every verdict below is worked by hand in the comments (方案编写指南 §12 carries the same example).
"""

from __future__ import annotations

import pytest

from engine_helpers import make_dataset, make_scheme, score
from pipeline.scheme import SchemeError

GRADES = [{"name": "优秀", "min": 90}, {"name": "良好", "min": 80}, {"name": "合格", "min": 60},
          {"name": "不合格", "min": 0}]
TWO = [{"id": "E", "name": "经济指标", "points": 60, "method": "direct", "category": ["经济发展"]},
       {"id": "S", "name": "社会指标", "points": 40, "method": "direct", "category": ["社会事业"]}]


def targets_of(res, unit):
    return {t["name"]: t for t in next(u for u in res["units"] if u["unit"] == unit)["targets"]}


def test_each_kind_of_target_declared_achieved_met_and_margin():
    # totals: 城关镇 55 + 35 = 90 (1st, 优秀), 东关镇 50 + 38 = 88 (2nd), 柳林镇 48.5 + 36 = 84.5 (3rd, 良好),
    # 河口镇 40 + 30 = 70 (4th); last year 柳林镇 was 4th -> up 1 place
    units = [{"name": "城关镇"}, {"name": "东关镇"}, {"name": "河口镇"},
             {"name": "柳林镇", "benchmark": "城关镇", "targets": [
                 {"kind": "grade", "grade": "优秀"},                 # 良好 is one grade short
                 {"kind": "rank", "rank": 3},                        # 3rd: met exactly
                 {"kind": "rank_change", "places": 2},               # up 1 of 2: one place short
                 {"kind": "score", "score": 85},                     # 84.50: 0.50 short
                 {"kind": "score", "of": "社会事业", "score": 35},    # 36: 1 ahead
                 {"kind": "indicator", "of": "E", "value": 45, "name": "经济指标完成45分以上"},  # 48.5: 3.5 ahead
             ]}]
    scheme = make_scheme(TWO, units, precision=2, grades=GRADES)
    data = make_dataset({"E": {"城关镇": 55, "东关镇": 50, "柳林镇": 48.5, "河口镇": 40},
                         "S": {"城关镇": 35, "东关镇": 38, "柳林镇": 36, "河口镇": 30}},
                        history={"柳林镇": {"rank": 4, "total": None, "source": ""}})
    got = targets_of(score(scheme, data), "柳林镇")
    assert list(got) == ["跻身“优秀”等次", "进入前3名", "名次进位2位", "总分达到85分", "社会事业达到35分",
                         "经济指标完成45分以上"]
    row = [(t["declared"], t["achieved"], t["met"], t["margin"], t["margin_text"]) for t in got.values()]
    assert row == [("优秀", "良好", False, -1.0, "差1个等次"),
                   ("前3名", "第3名", True, 0.0, "正好达到"),
                   ("进位2位", "上升1位", False, -1.0, "差1位"),
                   ("85分", "84.50分", False, -0.5, "差0.50分"),
                   ("35分", "36.00分", True, 1.0, "超出1.00分"),
                   ("45", "48.5", True, 3.5, "超出3.5")]
    # the benchmark gap stays beside the targets
    assert next(u for u in score(scheme, data)["units"] if u["unit"] == "柳林镇")["benchmark"]["gap"] == -5.5


def test_rank_change_without_last_year_cannot_be_judged():
    units = [{"name": "甲", "targets": [{"kind": "rank_change", "places": 1}]}, {"name": "乙"}]
    got = targets_of(score(make_scheme(TWO, units, precision=2), make_dataset({"E": {"甲": 1, "乙": 2},
                                                                              "S": {"甲": 1, "乙": 2}})), "甲")
    t = got["名次进位1位"]
    assert (t["achieved"], t["met"], t["margin"], t["margin_text"]) == ("无上年名次", None, None, "")


def test_growth_of_a_composite_index_item_on_last_year():
    # 招商引资 this year 130, last year 100 -> growth 30%, target 25%: 5 percentage points ahead;
    # 农业总产值 110 on 100 -> 10%, target 12%: 2 points short
    items = [{"id": "G1", "name": "招商引资额", "source": "商务局", "weight": 0.5, "unit": "万元"},
             {"id": "G2", "name": "农业总产值", "source": "统计局", "weight": 0.5, "unit": "万元"}]
    comps = [{"name": "发展指数", "kind": "growth_index", "weight": 1, "full": 100, "items": items}]
    units = [{"name": "甲", "targets": [{"kind": "growth", "of": "G1", "rate": "25%"},
                                        {"kind": "growth", "of": "G2", "rate": 0.12}]}, {"name": "乙"}]
    scheme = make_scheme([], units, precision=2, components=comps)
    data = make_dataset({"G1": {"甲": 130, "乙": 100}, "G2": {"甲": 110, "乙": 100}},
                        previous={"G1": {"甲": 100, "乙": 100}, "G2": {"甲": 100, "乙": 100}})
    got = targets_of(score(scheme, data), "甲")
    assert [(t["declared"], t["achieved"], t["met"], t["margin"], t["margin_text"]) for t in got.values()] == [
        ("增长25%", "增长30%", True, 5.0, "超出5个百分点"), ("增长12%", "增长10%", False, -2.0, "差2个百分点")]
    assert list(got) == ["招商引资额增长25%", "农业总产值增长12%"]


@pytest.mark.parametrize("target, words", [
    ({"kind": "grade", "grade": "第一"}, "“第一”不是等次名称"),
    ({"kind": "rank"}, "须写 rank"),
    ({"kind": "rank", "rank": 3, "score": 90}, "不用写 score"),
    ({"kind": "indicator", "value": 3}, "须用 of 写明指标编号"),
    ({"kind": "indicator", "of": "Z9", "value": 3}, "“Z9”不是指标编号"),
    ({"kind": "growth", "of": "E", "rate": "12%"}, "增长目标须是综合指数的指标"),
    ({"kind": "rank", "rank": 2, "within": "group"}, "没有分组"),
])
def test_bad_targets_are_refused_in_chinese(target, words):
    with pytest.raises(SchemeError) as exc:
        make_scheme(TWO, [{"name": "甲", "targets": [target]}], grades=GRADES)
    assert words in str(exc.value) and "targets" in str(exc.value)


def test_a_growth_rate_written_as_a_whole_number_is_refused():
    items = [{"id": "G1", "name": "招商引资额", "source": "商务局", "weight": 1}]
    comps = [{"name": "发展指数", "kind": "growth_index", "weight": 1, "full": 100, "items": items}]
    with pytest.raises(SchemeError, match="大于 1：增长率请写作"):
        make_scheme([], [{"name": "甲", "targets": [{"kind": "growth", "of": "G1", "rate": 12}]}],
                    components=comps)
