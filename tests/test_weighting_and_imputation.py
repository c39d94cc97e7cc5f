"""Objective weights in the indicator tree (`[[categories]] weighting`) and imputed gaps (`missing = "group_mean"` /
`"group_median"`), issue 13 part 6, through the engine and normalize's checks.

The expected numbers are worked in the comments or computed here with plain floats, independently of
pipeline/score/weights.py (which tests/test_objective_weights.py checks against a published example).
"""

from __future__ import annotations

import math

import pytest

from engine_helpers import make_dataset, make_scheme, score
from pipeline.normalize import derived_issues
from pipeline.scheme import SchemeError
from pipeline.score.weights import WeightsError

MEAN_PAIR = [{"id": "X1", "name": "增长率", "points": 100, "method": "direct", "category": ["发展"]},
             {"id": "X2", "name": "完成率", "points": 100, "method": "direct", "category": ["发展"]}]


def weighted_scheme(indicators, units, weighting, precision=2):
    """One mean category of 100-point indicators, weighted from the data."""
    return make_scheme(indicators, units, precision=precision,
                       components=[{"name": "指标考核", "kind": "indicators", "weight": 1, "full": 100}],
                       categories=[{"path": ["发展"], "aggregation": "mean", "weighting": weighting}])


def entropy_by_hand(columns: list[list[float]]) -> list[float]:
    """Textbook 熵权法 in floats: min-max, p = x / Σx, e = −Σ p ln p / ln n, w = (1 − e) / Σ(1 − e)."""
    d = []
    for xs in columns:
        lo, hi = min(xs), max(xs)
        std = [(x - lo) / (hi - lo) for x in xs]
        ps = [x / sum(std) for x in std]
        e = -sum(p * math.log(p) for p in ps if p) / math.log(len(xs))
        d.append(1 - e)
    return [x / sum(d) for x in d]


def test_entropy_weights_set_a_mean_category_and_are_published():
    # 甲 X1 100, X2 50; 乙 80, 100; 丙 60, 75 (direct: the score is the value)
    x1, x2 = [100, 80, 60], [50, 100, 75]
    w1, w2 = entropy_by_hand([x1, x2])
    # X1 standardised (1, .5, 0) → p (2/3, 1/3, 0); X2 (0, 1, .5) → the same p in another order: equal weights
    assert w1 == pytest.approx(0.5) and w2 == pytest.approx(0.5)
    x2 = [50, 100, 90]  # X2 standardised (0, 1, .8): more even than X1, so less weight
    w1, w2 = entropy_by_hand([x1, x2])
    assert w1 > w2
    scheme = weighted_scheme(MEAN_PAIR, ["甲", "乙", "丙"], "entropy")
    res = score(scheme, make_dataset({"X1": dict(zip("甲乙丙", x1)), "X2": dict(zip("甲乙丙", x2))}))
    got = {u["unit"]: u for u in res["units"]}
    for k, unit in enumerate("甲乙丙"):
        assert got[unit]["categories"]["发展"] == round(w1 * x1[k] + w2 * x2[k], 2)
    assert [(w["indicator"], w["method"], w["category"]) for w in res["derived_weights"]] == [
        ("X1", "entropy", "发展"), ("X2", "entropy", "发展")]
    assert [w["weight"] for w in res["derived_weights"]] == [round(w1, 4), round(w2, 4)]


def test_critic_weights_follow_contrast_and_conflict():
    # CRITIC by hand in floats: σ (n−1) of the min-max columns, Pearson r, C = σ Σ(1 − r), w = C / ΣC
    cols = [[100, 80, 60, 90], [50, 100, 90, 70], [10, 30, 20, 40]]
    std = [[(x - min(c)) / (max(c) - min(c)) for x in c] for c in cols]
    n = 4
    means = [sum(c) / n for c in std]
    sd = [math.sqrt(sum((x - m) ** 2 for x in c) / (n - 1)) for c, m in zip(std, means)]

    def r(a, b):
        cov = sum((x - means[a]) * (y - means[b]) for x, y in zip(std[a], std[b]))
        return cov / math.sqrt(sum((x - means[a]) ** 2 for x in std[a]) * sum((y - means[b]) ** 2 for y in std[b]))

    c = [sd[j] * sum(1 - r(j, k) for k in range(3) if k != j) for j in range(3)]
    expected = [x / sum(c) for x in c]
    inds = [*MEAN_PAIR, {"id": "X3", "name": "满意度", "points": 100, "method": "direct", "category": ["发展"]}]
    units = ["甲", "乙", "丙", "丁"]
    scheme = weighted_scheme(inds, units, "critic")
    res = score(scheme, make_dataset({f"X{j + 1}": dict(zip(units, cols[j])) for j in range(3)}))
    assert [w["weight"] for w in res["derived_weights"]] == [round(x, 4) for x in expected]
    first = res["units"][[u["unit"] for u in res["units"]].index("甲")]
    assert first["categories"]["发展"] == round(sum(w * col[0] for w, col in zip(expected, cols)), 2)


@pytest.mark.parametrize("category, indicators, words", [
    ({"aggregation": "sum"}, MEAN_PAIR, "只用于按权重平均的节点"),
    ({"aggregation": "mean"}, [MEAN_PAIR[0], {**MEAN_PAIR[1], "points": 50}], "分值须相同"),
    ({"aggregation": "mean"}, [MEAN_PAIR[0], {**MEAN_PAIR[1], "weight": 2}], "不写 weight"),
])
def test_bad_weighting_is_refused_in_chinese(category, indicators, words):
    cats = [{"path": ["发展"], "weighting": "entropy", **category}]
    points = sum(i["points"] for i in indicators) if category["aggregation"] == "sum" else 100
    with pytest.raises(SchemeError, match=words):
        make_scheme(indicators, ["甲", "乙"], categories=cats,
                    components=[{"name": "指标考核", "kind": "indicators", "weight": 1, "full": points}])


def test_data_that_give_no_weights_are_a_data_error_before_scoring():
    # X2 is 80 for every unit: no entropy can tell the units apart on it
    scheme = weighted_scheme(MEAN_PAIR, ["甲", "乙", "丙"], "entropy")
    data = make_dataset({"X1": {"甲": 100, "乙": 80, "丙": 60}, "X2": {"甲": 80, "乙": 80, "丙": 80}})
    issues = derived_issues(scheme, data, lambda ind: "统计局.xlsx")
    assert [(i.code, i.severity) for i in issues] == [("weights-undefined", "错误")]
    assert issues[0].message == "指标类别“发展”按熵权法由数据计算权重，但本年数据算不出权重：指标“X2”各单位数值相同，无法用熵权法赋权"
    with pytest.raises(WeightsError):  # scored in memory regardless, the engine refuses rather than guess
        score(scheme, data)


GROUPS = [{"name": "甲村", "group": "村"}, {"name": "乙村", "group": "村"}, {"name": "丙村", "group": "村"},
          {"name": "丁站", "group": "站"}, {"name": "戊站", "group": "站"}]


def test_a_gap_takes_its_groups_mean_and_then_scores_as_a_value():
    # 村: 甲 10, 乙 blank, 丙 4 → 乙 imputed (10 + 4) / 2 = 7; 站: 丁 8, 戊 2.
    # efficacy over all units: best 10, worst 2 → 乙 (0.6 + 0.4 × (7 − 2) / (10 − 2)) × 10 = 8.5
    ind = {"id": "X", "name": "完成率", "points": 10, "method": "efficacy", "missing": "group_mean", "category": ["发展"]}
    scheme = make_scheme([ind], GROUPS, precision=2)
    res = score(scheme, make_dataset({"X": {"甲村": 10, "乙村": None, "丙村": 4, "丁站": 8, "戊站": 2}}))
    got = {u["unit"]: u for u in res["units"]}
    assert got["乙村"]["indicators"]["X"] == 8.5
    assert got["乙村"]["gaps"] == [{"indicator": "X", "policy": "以同组单位平均值补齐（7）"}]
    note = next(d["note"] for d in res["detail"] if d["unit"] == "乙村")
    assert note == "缺数据，按方案以同组单位平均值补齐（7）"
    assert got["甲村"]["indicators"]["X"] == 10.0 and got["戊站"]["indicators"]["X"] == 6.0  # extremes unchanged


def test_a_gap_takes_its_groups_median():
    # 村 has 甲 1, 乙 2, 丙 blank, and a fourth village 己 9 → median of (1, 2, 9) = 2; 站 丁 blank, 戊 5, 庚 6 → 5.5
    units = [*GROUPS, {"name": "己村", "group": "村"}, {"name": "庚站", "group": "站"}]
    ind = {"id": "X", "name": "得分", "points": 10, "method": "direct", "missing": "group_median"}
    scheme = make_scheme([ind], units, precision=2)
    values = {"甲村": 1, "乙村": 2, "丙村": None, "己村": 9, "丁站": None, "戊站": 5, "庚站": 6}
    got = {u["unit"]: u for u in score(scheme, make_dataset({"X": values}))["units"]}
    assert got["丙村"]["indicators"]["X"] == 2.0 and got["丁站"]["indicators"]["X"] == 5.5


def test_imputation_in_a_group_without_any_value_is_an_error():
    ind = {"id": "X", "name": "得分", "points": 10, "method": "direct", "missing": "group_mean"}
    scheme = make_scheme([ind], GROUPS)
    data = make_dataset({"X": {"甲村": 1, "乙村": None, "丙村": 3, "丁站": None, "戊站": None}})
    issues = derived_issues(scheme, data, lambda ind: "农业局.xlsx")
    assert [(i.code, i.file, i.indicator) for i in issues] == [("impute-no-values", "农业局.xlsx", "X 得分")]
    assert issues[0].message.startswith("“站”组没有任何单位报送该指标的数值，无法按方案以同组单位平均值补齐")
