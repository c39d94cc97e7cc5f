"""Scheme rules beyond the per-indicator methods (SPEC §3 comparisons, §4 district form, §6), through the engine."""

from __future__ import annotations

from decimal import Decimal

from engine_helpers import make_dataset, make_scheme, score
from pipeline.dataset import Tally

TOTAL = [{"id": "X", "name": "总分", "points": 100, "method": "direct"}]
GRADES = [{"name": "优", "min": 90, "quota": 0.3}, {"name": "良", "min": 76}, {"name": "一般", "min": 0}]


def by_unit(results):
    return {u["unit"]: u for u in results["units"]}


def test_efficacy_compared_within_each_group():
    units = [{"name": "甲村", "group": "行政村"}, {"name": "乙村", "group": "行政村"},
             {"name": "丙站", "group": "机关站所"}, {"name": "丁站", "group": "机关站所"}]
    ind = {"id": "X", "name": "完成率", "points": 10, "method": "efficacy", "compare": "group"}
    res = score(make_scheme([ind], units), make_dataset({"X": {"甲村": 12, "乙村": 8, "丙站": 4, "丁站": 2}}))
    got = {u: r["indicators"]["X"] for u, r in by_unit(res).items()}
    # each group has its own best and worst: 甲 and 丙 are best in their groups
    assert got == {"甲村": 10.0, "乙村": 6.0, "丙站": 10.0, "丁站": 6.0}
    assert {u: r["group_rank"] for u, r in by_unit(res).items()} == {"甲村": 1, "乙村": 2, "丙站": 1, "丁站": 2}


def test_falsified_data_scores_zero_and_leaves_the_sample():
    ind = {"id": "X", "name": "增长率", "points": 10, "method": "efficacy"}
    falsified = [{"unit": "甲", "indicator": "X", "department": "统计局", "reason": "虚报", "source": ""}]
    res = score(make_scheme([ind], ["甲", "乙", "丙"]), make_dataset({"X": {"甲": 99, "乙": 8, "丙": 4}},
                                                                  falsified=falsified))
    got = {u: r["indicators"]["X"] for u, r in by_unit(res).items()}
    assert got == {"甲": 0.0, "乙": 10.0, "丙": 6.0}  # 乙 is now the best of the honest values
    note = next(d["note"] for d in res["detail"] if d["unit"] == "甲")
    assert "弄虚作假" in note


def test_tie_breaker_by_component():
    scheme = make_scheme([{"id": "X", "name": "指标", "points": 100, "method": "direct"}], ["甲", "乙", "丙"],
                         precision=2, survey={"categories": ["群众"]},
                         components=[{"name": "指标考核", "kind": "indicators", "weight": 0.5, "full": 100},
                                     {"name": "公众评议", "kind": "survey", "weight": 0.5, "full": 100}],
                         ranking={"tie_breakers": ["指标考核"]})
    tallies = [Tally(u, "年终", "群众", "Q", {"满意": s, "基本满意": 0, "不满意": n}) for u, s, n in
               [("甲", 8, 2), ("乙", 9, 1), ("丙", 8, 2)]]  # 80, 90, 80 on 100
    res = score(scheme, make_dataset({"X": {"甲": 90, "乙": 80, "丙": 90}}, tallies=tallies))
    got = by_unit(res)
    assert got["甲"]["total"] == got["乙"]["total"] == got["丙"]["total"] == 85.0
    # equal totals; 指标考核 breaks the tie in favour of 甲 and 丙, who stay tied with each other
    assert (got["甲"]["rank"], got["丙"]["rank"], got["乙"]["rank"]) == (1, 1, 3)


def test_grade_quota_moves_the_surplus_down_by_rank():
    totals = {"甲": 98, "乙": 96, "丙": 95, "丁": 93, "戊": 91, "己": 80, "庚": 79, "辛": 60, "壬": 50, "癸": 40}
    res = score(make_scheme(TOTAL, list(totals), precision=2, grades=GRADES), make_dataset({"X": totals}))
    got = by_unit(res)
    # 优 at most 30% of 10 units = 3: 丁 and 戊 (bands say 优) drop to 良
    assert [u for u in totals if got[u]["grade"] == "优"] == ["甲", "乙", "丙"]
    assert got["丁"]["grade"] == got["戊"]["grade"] == "良" and "名额" in got["丁"]["grade_note"]


def test_grade_quota_never_exceeded_by_a_tie_at_the_boundary():
    totals = {"甲": 98, "乙": 96, "丙": 95, "丁": 95, "戊": 50, "己": 50, "庚": 50, "辛": 50, "壬": 50, "癸": 50}
    res = score(make_scheme(TOTAL, list(totals), precision=2, grades=GRADES), make_dataset({"X": totals}))
    got = by_unit(res)
    assert [u for u in totals if got[u]["grade"] == "优"] == ["甲", "乙"]  # 丙 and 丁 tie for 3rd: both move
    assert got["丙"]["grade"] == got["丁"]["grade"] == "良"


def test_benchmark_gap_in_total_rank_and_category():
    inds = [{"id": "X1", "name": "甲类", "points": 60, "method": "direct", "category": ["经济"]},
            {"id": "X2", "name": "乙类", "points": 40, "method": "direct", "category": ["社会"]}]
    units = [{"name": "城关镇"}, {"name": "东关镇"}, {"name": "柳林镇", "benchmark": "城关镇"}]
    scheme = make_scheme(inds, units, precision=2)
    res = score(scheme, make_dataset({"X1": {"城关镇": 55, "东关镇": 50, "柳林镇": 48.5},
                                      "X2": {"城关镇": 35, "东关镇": 38, "柳林镇": 36}}))
    gap = by_unit(res)["柳林镇"]["benchmark"]
    assert gap == {"unit": "城关镇", "total": 90.0, "rank": 1, "gap": -5.5, "rank_gap": 2,
                   "categories": {"经济": -6.5, "社会": 1.0}}
    assert "benchmark" not in by_unit(res)["城关镇"]


def test_rank_based_adjustment_top_and_bottom_with_cap():
    adj = [{"name": "全市营商环境评价", "sign": "rank", "cap": 5,
            "rank_rules": [{"top": 2, "points": 10}, {"bottom": 2, "points": -3}]}]
    totals = {u: 80 for u in "甲乙丙丁戊"}
    places = {"甲": 1, "乙": 2, "丙": 3, "丁": 4, "戊": 5}
    register = [{"unit": u, "kind": "全市营商环境评价", "value": Decimal(p), "reason": "", "department": "",
                 "date": "", "source": ""} for u, p in places.items()]
    scheme = make_scheme(TOTAL, list(totals), precision=2, adjustments=adj)
    got = by_unit(score(scheme, make_dataset({"X": totals}, adjustments=register)))
    # top 2: +10 capped at 5; bottom 2 of the 5 ranked: −3; the middle: nothing
    assert {u: got[u]["total"] for u in totals} == {"甲": 85.0, "乙": 85.0, "丙": 80.0, "丁": 77.0, "戊": 77.0}


def test_district_form_public_evaluation_four_groups_of_ten():
    survey = {"form": "district", "categories": ["网上评议", "人大代表政协委员", "城乡居民", "企业"],
              "category_points": {"网上评议": 10, "人大代表政协委员": 10, "城乡居民": 10, "企业": 10},
              "rounds": {"中期": 0.3, "年终": 0.7}}
    scheme = make_scheme([], ["甲"], survey=survey,
                         components=[{"name": "公众评议", "kind": "survey", "weight": 1, "full": 40}])
    tallies = []
    for rnd, satisfied in (("中期", 10), ("年终", 5)):
        for cat in survey["categories"]:  # mid-term all 满意 (10/10 points); year-end half 满意, half 不满意
            tallies.append(Tally("甲", rnd, cat, "Q1", {"满意": satisfied, "基本满意": 0, "不满意": 10 - satisfied}))
    unit = score(scheme, make_dataset({}, tallies=tallies))["units"][0]
    # round score = Σ category/5 × 10: 中期 40, 年终 4 × 5 = 20; weighted 0.3 × 40 + 0.7 × 20 = 26
    assert unit["components"]["公众评议"] == 26.0


def test_group_winner_and_single_item_awards_skip_vetoed_and_share_ties():
    inds = [{"id": "X1", "name": "计生", "points": 50, "method": "direct", "category": ["计划生育"]},
            {"id": "X2", "name": "安全", "points": 50, "method": "direct", "category": ["安全生产"]}]
    units = [{"name": "一村", "group": "行政村"}, {"name": "二村", "group": "行政村"},
             {"name": "农技站", "group": "机关站所"}, {"name": "财政所", "group": "机关站所"}]
    awards = {"group_winner": {"name": "综合先进", "places": 1},
              "single": [{"name": "计划生育单项奖", "category": "计划生育"}, {"name": "安全单项奖", "indicator": "X2"}]}
    vetoes = [{"unit": "一村", "item": "计划生育", "department": "卫健", "reason": "超生", "date": "", "source": ""}]
    scheme = make_scheme(inds, units, precision=2, awards=awards)
    res = score(scheme, make_dataset({"X1": {"一村": 50, "二村": 45, "农技站": 45, "财政所": 40},
                                      "X2": {"一村": 48, "二村": 40, "农技站": 42, "财政所": 42}}, vetoes=vetoes))
    got = {u: r["awards"] for u, r in by_unit(res).items()}
    assert got["一村"] == []  # best village and best 计生, but vetoed
    assert got["二村"] == ["综合先进", "计划生育单项奖"]
    assert got["农技站"] == ["综合先进", "计划生育单项奖", "安全单项奖"]  # ties with 二村 on 计生, 财政所 on 安全
    assert got["财政所"] == ["安全单项奖"]


def test_single_award_needs_exactly_one_basis():
    import pytest

    from pipeline.scheme import SchemeError

    with pytest.raises(SchemeError, match="单项奖须且只能给出 category 或 indicator 之一"):
        make_scheme(TOTAL, ["甲"], awards={"single": [{"name": "x"}]})


def test_indicator_for_one_group_only_rescales_the_others_category():
    units = [{"name": "一村", "group": "行政村"}, {"name": "财政所", "group": "机关站所"}]
    inds = [{"id": "X1", "name": "山药种植", "points": 40, "method": "direct", "category": ["目标任务"],
             "groups": ["行政村"]},
            {"id": "X2", "name": "劳动力培训", "points": 60, "method": "direct", "category": ["目标任务"]}]
    scheme = make_scheme(inds, units, precision=2, categories=[{"path": ["目标任务"], "points": 100}])
    res = score(scheme, make_dataset({"X1": {"一村": 30}, "X2": {"一村": 45, "财政所": 45}}))
    got = by_unit(res)
    assert got["一村"]["total"] == 75.0
    assert got["财政所"]["indicators"]["X1"] is None
    assert got["财政所"]["total"] == 75.0  # 45 of the 60 points that apply, on the category's 100


COMP100 = [{"name": "指标考核", "kind": "indicators", "weight": 1, "full": 100}]


def test_group_substitute_indicators_need_no_rescaling_and_points_are_checked_per_group():
    import pytest

    from pipeline.scheme import SchemeError

    units = [{"name": "一村", "group": "行政村"}, {"name": "财政所", "group": "机关站所"}]
    inds = [{"id": "X1", "name": "山药种植", "points": 40, "method": "direct", "category": ["目标任务"],
             "groups": ["行政村"]},
            {"id": "X3", "name": "包村联户", "points": 40, "method": "direct", "category": ["目标任务"],
             "groups": ["机关站所"]},
            {"id": "X2", "name": "劳动力培训", "points": 60, "method": "direct", "category": ["目标任务"]}]
    res = score(make_scheme(inds, units, precision=2, components=COMP100),
                make_dataset({"X1": {"一村": 30}, "X3": {"财政所": 40}, "X2": {"一村": 45, "财政所": 45}}))
    got = by_unit(res)
    assert got["一村"]["total"] == 75.0 and got["财政所"]["total"] == 85.0  # each group's own 100 points
    with pytest.raises(SchemeError, match="“机关站所”组单位适用的指标）为 60"):
        make_scheme(inds[:1] + inds[2:], units, precision=2, components=COMP100)
