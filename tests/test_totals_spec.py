"""SPEC §4 (public evaluation) and §6 (totals, adjustments, ranks, grades, veto, awards) through the engine."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from engine_helpers import make_dataset, make_scheme, score
from pipeline.dataset import Tally
from pipeline.numbers import round_half_up

SURVEY = {"categories": ["代表委员", "农村居民"], "rounds": {"年终": 1.0}}


def tally(unit, category, question, s, b, n, u, rnd="年终"):
    return Tally(unit, rnd, category, question, {"满意": s, "基本满意": b, "不满意": n}, u)


SPEC_TALLIES = [
    tally("甲", "代表委员", "Q1", 20, 8, 2, 0),
    tally("甲", "代表委员", "Q2", 15, 10, 3, 2),
    tally("甲", "农村居民", "Q1", 30, 12, 5, 3),
    tally("甲", "农村居民", "Q2", 25, 20, 5, 0),
]


def survey_only_scheme(units=("甲",), survey=SURVEY):
    return make_scheme(
        [], list(units), survey=survey,
        components=[{"name": "公众评议", "kind": "survey", "weight": 1, "full": 100}],
    )


def test_survey_spec_example_77_7039():
    res = score(survey_only_scheme(), make_dataset({}, tallies=SPEC_TALLIES))
    stats = res["survey"]
    questions = {(r["category"], r["question"]): r for r in stats["rows"]}
    assert questions[("代表委员", "Q1")]["score"] == 4.1333
    assert questions[("代表委员", "Q2")]["score"] == 3.75
    assert questions[("农村居民", "Q1")]["score"] == 3.9574
    assert questions[("农村居民", "Q2")]["score"] == 3.7
    cats = {c["category"]: c for c in stats["categories"]}
    assert cats["代表委员"]["score"] == 78.8333
    assert cats["农村居民"]["score"] == 76.5745
    assert res["units"][0]["components"]["公众评议"] == 77.7039
    # satisfaction rate 代表委员 Q1 = (20 + 8) / 30 = 93.33%
    assert questions[("代表委员", "Q1")]["satisfaction_rate"] == 0.9333
    assert cats["代表委员"]["sample"] == 30


def test_survey_rounds_are_weighted_and_unanswered_question_left_out():
    rounds = {"中期": 0.3, "年终": 0.7}
    tallies = [
        tally("甲", "代表委员", "Q1", 10, 0, 0, 0, "中期"),  # 5.0 -> 100
        tally("甲", "代表委员", "Q1", 0, 10, 0, 0, "年终"),  # 3.0 -> 60
        tally("甲", "代表委员", "Q2", 0, 0, 0, 7, "年终"),  # nobody knew: left out
    ]
    scheme = survey_only_scheme(survey={"categories": ["代表委员"], "rounds": rounds})
    res = score(scheme, make_dataset({}, tallies=tallies))
    assert res["units"][0]["components"]["公众评议"] == 72.0  # 0.3 * 100 + 0.7 * 60


def county_scheme(**extra):
    return make_scheme(
        [{"id": "X", "name": "指标", "points": 100, "method": "direct"}],
        ["甲", "乙", "丙", "丁"], precision=2, survey=SURVEY,
        components=[
            {"name": "指标考核", "kind": "indicators", "weight": 0.6, "full": 100},
            {"name": "公众评议", "kind": "survey", "weight": 0.4, "full": 100},
        ],
        adjustments=[
            {"name": "专项督查加分", "sign": "bonus", "cap": 3},
            {"name": "察访核验扣分", "sign": "deduction", "cap": 5},
        ],
        **extra,
    )


def same_survey_for(units):
    return [Tally(u, t.round, t.category, t.question, t.counts, t.unknown) for u in units for t in SPEC_TALLIES]


def test_county_total_is_weighted_components_plus_capped_adjustments():
    adjustments = [
        {"unit": "甲", "kind": "专项督查加分", "value": Decimal(2), "reason": "", "department": "", "date": "", "source": ""},
        {"unit": "甲", "kind": "专项督查加分", "value": Decimal(2), "reason": "", "department": "", "date": "", "source": ""},
        {"unit": "甲", "kind": "察访核验扣分", "value": Decimal("1.5"), "reason": "", "department": "", "date": "", "source": ""},
    ]
    data = make_dataset({"X": {"甲": 80, "乙": 70, "丙": 60, "丁": 50}}, tallies=same_survey_for("甲乙丙丁"),
                        adjustments=adjustments)
    res = score(county_scheme(), data)
    jia = next(u for u in res["units"] if u["unit"] == "甲")
    # By hand: public = mean(代表委员, 农村居民) with each category = mean of question means / 5 * 100.
    dbwy = (Fraction(124, 30) + Fraction(105, 28)) / 2 / 5 * 100
    ncjm = (Fraction(186, 47) + Fraction(185, 50)) / 2 / 5 * 100
    public = (dbwy + ncjm) / 2
    total = Fraction(6, 10) * 80 + Fraction(4, 10) * public + 3 - Fraction(3, 2)  # bonus 4 capped at 3
    expected = round_half_up(Decimal(total.numerator) / Decimal(total.denominator), 2)
    assert jia["total"] == float(expected) == 80.58
    assert jia["adjustments"] == {"专项督查加分": 3.0, "察访核验扣分": 1.5}


def direct_totals(totals: dict[str, object], **extra):
    scheme = make_scheme([{"id": "X", "name": "总分", "points": 100, "method": "direct"}], list(totals), precision=2,
                         **extra)
    return score(scheme, make_dataset({"X": totals}))


def test_competition_and_dense_ranking():
    totals = {"甲": 91.2, "乙": 88.5, "丙": 88.5, "丁": 80.1}
    res = direct_totals(totals)
    assert [(u["unit"], u["rank"]) for u in res["units"]] == [("甲", 1), ("乙", 2), ("丙", 2), ("丁", 4)]
    res = direct_totals(totals, ranking={"method": "dense"})
    assert [u["rank"] for u in res["units"]] == [1, 2, 2, 3]


def test_ranks_use_published_totals():
    # 88.504 and 88.496 both publish as 88.50: they share the rank.
    res = direct_totals({"甲": 88.504, "乙": 88.496, "丙": 70})
    assert [u["rank"] for u in res["units"]] == [1, 1, 3]


GRADES = [{"name": "优", "min": 90}, {"name": "良", "min": 76}, {"name": "一般", "min": 60}, {"name": "差", "min": 0}]


@pytest.mark.parametrize("total,grade", [(89.995, "优"), (89.994, "良"), (76, "良"), (75.99, "一般"), (59.99, "差")])
def test_grade_bands_are_lower_inclusive_on_the_published_total(total, grade):
    res = direct_totals({"甲": total}, grades=GRADES)
    assert res["units"][0]["grade"] == grade


def test_half_up_rounding_of_published_total():
    res = direct_totals({"甲": 91.125, "乙": 91.135})
    assert [u["total"] for u in res["units"]] == [91.14, 91.13]  # half up, not half even
    res = make_scheme([{"id": "X", "name": "总分", "points": 100, "method": "direct"}], ["甲"], precision=1)
    assert score(res, make_dataset({"X": {"甲": 91.25}}))["units"][0]["total"] == 91.3


AWARDS = {
    "eligibility_ratio": 0.7,
    "prizes": [{"name": "一等奖", "places": 1, "amount": 5}, {"name": "二等奖", "places": 2, "amount": 3}],
    "progress": {"name": "进步奖", "min_places": 2, "exclude_top": 1, "amount": 1},
}


def test_veto_keeps_score_and_rank_but_no_award():
    vetoes = [{"unit": "甲", "item": "安全生产", "department": "应急管理局", "reason": "较大事故", "date": "", "source": ""}]
    scheme = make_scheme([{"id": "X", "name": "总分", "points": 100, "method": "direct"}], ["甲", "乙", "丙", "丁"],
                         precision=2, awards=AWARDS, grades=GRADES)
    res = score(scheme, make_dataset({"X": {"甲": 95, "乙": 90, "丙": 85, "丁": 69.99}}, vetoes=vetoes))
    by = {u["unit"]: u for u in res["units"]}
    assert by["甲"]["rank"] == 1 and by["甲"]["total"] == 95.0 and by["甲"]["vetoed"]
    assert by["甲"]["awards"] == [] and by["甲"]["grade"] == "优"
    assert by["乙"]["awards"] == ["一等奖"] and by["丙"]["awards"] == ["二等奖"]
    assert by["丁"]["awards"] == []  # 69.99 < 70% of 100: not eligible
    scheme = make_scheme([{"id": "X", "name": "总分", "points": 100, "method": "direct"}], ["甲", "乙"],
                         precision=2, grades=GRADES, veto={"effect": "lowest_grade"})
    res = score(scheme, make_dataset({"X": {"甲": 95, "乙": 90}}, vetoes=vetoes))
    assert res["units"][0]["grade"] == "差"


def test_units_tied_at_a_prize_boundary_share_the_prize_and_progress_award():
    history = {u: {"rank": r, "source": ""} for u, r in {"甲": 1, "乙": 2, "丙": 5, "丁": 3, "戊": 4}.items()}
    scheme = make_scheme([{"id": "X", "name": "总分", "points": 100, "method": "direct"}], list(history),
                         precision=2, awards=AWARDS)
    data = make_dataset({"X": {"甲": 80, "乙": 95, "丙": 88, "丁": 88, "戊": 75}}, history=history)
    res = score(scheme, data)
    by = {u["unit"]: u for u in res["units"]}
    assert by["乙"]["awards"] == ["一等奖"]
    assert by["丙"]["awards"] == ["二等奖", "进步奖"]  # 5th -> 2nd: up 3 places, not the top-1 prize winner
    assert by["丁"]["awards"] == ["二等奖"]
    assert by["甲"]["awards"] == [] and by["甲"]["rank_change"] == -3
    assert by["乙"]["rank_change"] == 1  # 2nd -> 1st: up 1, and the top prize winner anyway


def test_village_form_exam_and_leadership_884():
    items = [{"id": f"V{i:02d}", "name": f"第{i}项", "points": 100, "method": "direct"} for i in range(1, 16)]
    scheme = make_scheme(
        items, ["一村"], precision=1,
        components=[
            {"name": "考核组评分", "kind": "indicators", "weight": 0.9, "full": 1000, "raw_full": 1500},
            {"name": "班子成员评分", "kind": "ratings", "weight": 0.1, "full": 1000, "trim": True},
        ],
    )
    leaders = [{"component": "班子成员评分", "unit": "一村", "rater": m, "rater_unit": None, "score": Decimal(s), "source": ""}
               for m, s in [("书记", 100), ("乡长", 92), ("副书记", 92), ("副乡长", 92), ("委员", 80)]]
    res = score(scheme, make_dataset({it["id"]: {"一村": 88} for it in items}, ratings=leaders))  # S = 15 × 88 = 1320
    unit = res["units"][0]
    assert unit["components"] == {"考核组评分": 880.0, "班子成员评分": 920.0}
    assert unit["total"] == 884.0  # 1320/1500×1000×90% + 92×10×10%


def test_growth_index_spec_example():
    """SPEC §5: weights 0.5/0.5; GDP higher-better, energy per GDP lower-better; score on 60 points."""
    items = [
        {"id": "G1", "name": "地区生产总值", "source": "统计局", "weight": 0.5},
        {"id": "G2", "name": "单位GDP能耗", "source": "统计局", "weight": 0.5, "direction": "lower"},
    ]
    scheme = make_scheme([], ["A", "B", "C"], components=[
        {"name": "发展指数", "kind": "growth_index", "weight": 1, "full": 60, "items": items},
    ])
    this_year = {"G1": {"A": 110, "B": 92, "C": 52}, "G2": {"A": 0.76, "B": 0.60, "C": 0.55}}
    last_year = {"G1": {"A": 100, "B": 80, "C": 50}, "G2": {"A": 0.80, "B": 0.60, "C": 0.50}}
    res = score(scheme, make_dataset(this_year, previous=last_year))
    by = {u["unit"]: u for u in res["units"]}
    assert {u: by[u]["indices"]["发展指数"] for u in "ABC"} == {"A": 107.3176, "B": 107.4545, "C": 93.9077}
    assert {u: by[u]["components"]["发展指数"] for u in "ABC"} == {"A": 59.7574, "B": 60.0, "C": 36.0}
    assert [u["unit"] for u in res["units"]] == ["B", "A", "C"]
