"""Every worked example of SPEC §3 (scoring methods), through the scoring engine, to 4 decimals."""

import pytest

from engine_helpers import indicator_scores


def test_efficacy_sample_standards_higher_better():
    got = indicator_scores({"points": 10, "method": "efficacy"}, {"甲": 12, "乙": 8, "丙": 4})
    assert got == {"甲": 10.0, "乙": 8.0, "丙": 6.0}


def test_efficacy_sample_standards_lower_better():
    got = indicator_scores({"points": 10, "method": "efficacy", "direction": "lower"}, {"甲": 0.5, "乙": 0.7, "丙": 0.9})
    assert got == {"甲": 10.0, "乙": 8.0, "丙": 6.0}


def test_efficacy_fixed_standards_falls_below_unallowable():
    got = indicator_scores({"points": 10, "method": "efficacy", "x_s": 15, "x_u": 5}, {"甲": 12, "乙": 4})
    assert got == {"甲": 8.8, "乙": 5.6}


def test_efficacy_fixed_standards_clamp_low():
    got = indicator_scores({"points": 10, "method": "efficacy", "x_s": 15, "x_u": 5, "clamp_low": True}, {"乙": 4})
    assert got == {"乙": 6.0}


def test_efficacy_published_practice_below_unallowable_58_73():
    # x = 5.81, x_s = 12, x_u = 6 on 100 points -> 58.73 (EC-3)
    got = indicator_scores({"points": 100, "method": "efficacy", "x_s": 12, "x_u": 6}, {"甲": 5.81}, precision=2)
    assert got == {"甲": 58.73}


def test_efficacy_equal_standards_gives_full_points():
    got = indicator_scores({"points": 10, "method": "efficacy"}, {"甲": 7, "乙": 7})
    assert got == {"甲": 10.0, "乙": 10.0}


def test_efficacy_standard_published_15_23():
    standards = {"优秀": 16.6, "良好": 9.5, "平均": 1.7, "较低": -5.9, "较差": -12.8}
    got = indicator_scores({"points": 20, "method": "efficacy_standard", "standards": standards}, {"甲": 8}, precision=2)
    assert got == {"甲": 15.23}
    full = indicator_scores({"points": 20, "method": "efficacy_standard", "standards": standards}, {"甲": 17, "乙": -20})
    assert full == {"甲": 20.0, "乙": 0.0}


@pytest.mark.parametrize("actual,cap,expected", [(850, 1.0, 6.8), (1200, 1.0, 8.0), (1200, 1.2, 9.6)])
def test_completion_higher_better(actual, cap, expected):
    got = indicator_scores({"points": 8, "method": "completion", "target": 1000, "cap": cap}, {"甲": actual})
    assert got == {"甲": expected}


def test_completion_lower_better():
    got = indicator_scores({"points": 8, "method": "completion", "target": 14, "direction": "lower"}, {"甲": 15, "乙": 13})
    assert got == {"甲": 7.4667, "乙": 8.0}


def test_completion_floor_scores_zero():
    got = indicator_scores({"points": 8, "method": "completion", "target": 1000, "floor": 0.6}, {"甲": 590, "乙": 600})
    assert got == {"甲": 0.0, "乙": 4.8}


def test_completion_target_from_the_return():
    got = indicator_scores({"points": 8, "method": "completion", "target": "column"}, {"甲": (850, 1000), "乙": (450, 500)})
    assert got == {"甲": 6.8, "乙": 7.2}


@pytest.mark.parametrize("actual,rounding,expected", [(82, "proportional", 4.0), (84.5, "proportional", 9.0),
                                                      (84.5, "ceil", 8.0), (86, "proportional", 10.0), (70, "ceil", 0.0)])
def test_step(actual, rounding, expected):
    ind = {"points": 10, "method": "step", "target": 85, "step": 1, "per_step": 2, "rounding": rounding}
    assert indicator_scores(ind, {"甲": actual}) == {"甲": expected}


@pytest.mark.parametrize("count,expected", [(0, 10.0), (1, 5.0), (3, 0.0)])
def test_count_deduct(count, expected):
    assert indicator_scores({"points": 10, "method": "count_deduct", "per_event": 5}, {"甲": count}) == {"甲": expected}


def test_rank_method_with_ties_and_floor():
    ind = {"points": 10, "method": "rank", "rank_step": 3, "rank_min": 2}
    got = indicator_scores(ind, {"甲": 90, "乙": 95, "丙": 90, "丁": 10})
    assert got == {"乙": 10.0, "甲": 7.0, "丙": 7.0, "丁": 2.0}


def test_missing_zero_and_reweight():
    from engine_helpers import make_dataset, make_scheme
    from engine_helpers import score

    inds = [
        {"id": "X1", "name": "一", "points": 6, "method": "direct", "missing": "reweight"},
        {"id": "X2", "name": "二", "points": 4, "method": "direct", "missing": "zero"},
    ]
    scheme = make_scheme(inds, ["甲", "乙"])
    res = score(scheme, make_dataset({"X1": {"甲": 3, "乙": None}, "X2": {"甲": 2, "乙": 3}}))
    by = {u["unit"]: u for u in res["units"]}
    assert by["甲"]["categories"]["测试"] == 5.0
    # 乙: X1 left out, X2 scaled to the category's 10 points: 3 / 4 * 10
    assert by["乙"]["categories"]["测试"] == 7.5
    res = score(scheme, make_dataset({"X1": {"甲": 3, "乙": 4}, "X2": {"甲": None, "乙": 3}}))
    assert {u["unit"]: u["indicators"]["X2"] for u in res["units"]} == {"甲": 0.0, "乙": 3.0}
