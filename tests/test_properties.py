"""Property-based tests (hypothesis) of the scoring engine, always run through `pipeline.score.score`.

Each property states a relationship between inputs and published results; none re-implements the engine's
arithmetic beyond what the property itself says:

1. monotonicity of every scoring method (a better value never gives a lower indicator score or total);
2. invariance under the order of units in the scheme and in the dataset;
3. total = Σ weight × component + capped bonus − capped deduction (within the rounding slack), caps = min(sum, cap);
4. ranks and grades follow the published totals;
5. rounding is half up (四舍五入), never half even.
"""

from __future__ import annotations

import os
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine_helpers import make_dataset, make_scheme, score
from pipeline.dataset import Tally
from pipeline.numbers import publish, round_half_up

# 40 random cases a property in the suite (which must stay well under 5 minutes on 2 cores), new ones every run;
# a longer campaign: KAOHE_PROPERTY_EXAMPLES=2000 python -m pytest tests/test_properties.py
EXAMPLES = int(os.environ.get("KAOHE_PROPERTY_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

UNITS = ["城关镇", "南河镇", "西湖镇", "东山乡", "北岭乡", "青石镇", "白沙乡", "红旗镇", "桃源乡", "柳林镇", "金山乡", "石门镇"]


def dec(lo, hi, places: int = 2):
    return st.decimals(min_value=Decimal(str(lo)), max_value=Decimal(str(hi)), places=places,
                       allow_nan=False, allow_infinity=False)


def spread(lo, hi, places: int = 2):
    """Like `dec`, but hypothesis favours small, simple values, so half of the draws are offset into one of eight
    equal slices of the range: values across the whole range turn up too."""
    lo, hi = Decimal(str(lo)), Decimal(str(hi))
    width = ((hi - lo) / 8).quantize(Decimal(1).scaleb(-places))
    sliced = st.tuples(st.integers(0, 7), dec(0, width, places)).map(lambda t: min(hi, lo + t[0] * width + t[1]))
    return st.one_of(dec(lo, hi, places), sliced)


def D(x) -> Decimal:
    return Decimal(str(x))


def by_unit(results: dict) -> dict[str, dict]:
    return {u["unit"]: u for u in results["units"]}


# ------------------------------------------------------------------------------------------------------------
# 1. Monotonicity
# ------------------------------------------------------------------------------------------------------------
# Each builder draws an indicator's parameters from `data` and returns (indicator, strategy for a value in the
# method's realistic range, break points). Break points (standards, targets, floors, caps, step edges) are where a
# jump in the wrong direction would hide, so values are also drawn close to them and changes made across them.


def near(landmarks, within=1):
    """Values within ±within of the given break points (2 decimal places)."""
    return st.builds(lambda x, off: x + off, st.sampled_from(landmarks), dec(-within, within))


def _points(landmarks) -> list[Decimal]:
    return sorted({D(x).quantize(Decimal("0.01")) for x in landmarks})


def _direct(data):
    points = data.draw(dec(5, 40, 1), label="points")
    return {"points": float(points), "method": "direct"}, spread(0, points), [0, points]


def _efficacy_sample(direction):
    def build(data):
        ind = {"points": float(data.draw(dec(5, 30, 1), label="points")), "method": "efficacy", "direction": direction,
               "base": float(data.draw(st.sampled_from([Decimal("0.6"), Decimal("0.5"), Decimal("0.7"), Decimal(0)]))),
               "clamp_low": data.draw(st.booleans(), label="clamp_low")}
        if data.draw(st.booleans(), label="use round_ratio"):
            ind["round_ratio"] = data.draw(st.integers(0, 4), label="round_ratio")
        return ind, spread(-50, 200), []
    return build


def _efficacy_fixed(direction):
    def build(data):
        a = data.draw(dec(-20, 100), label="standard a")
        b = data.draw(dec(-20, 100).filter(lambda v: v != a), label="standard b")
        best, worst = (max(a, b), min(a, b)) if direction == "higher" else (min(a, b), max(a, b))
        ind = {"points": float(data.draw(dec(5, 30, 1), label="points")), "method": "efficacy", "direction": direction,
               "x_s": float(best), "x_u": float(worst), "clamp_low": data.draw(st.booleans(), label="clamp_low")}
        if data.draw(st.booleans(), label="use round_ratio"):
            ind["round_ratio"] = data.draw(st.integers(0, 4), label="round_ratio")
        return ind, spread(-60, 160), [best, worst]
    return build


def _efficacy_standard(direction):
    def build(data):
        values = data.draw(st.lists(dec(-20, 40, 1), min_size=5, max_size=5, unique=True), label="standards")
        ordered = sorted(values, reverse=direction == "higher")  # 优秀 first
        standards = dict(zip(["优秀", "良好", "平均", "较低", "较差"], map(float, ordered)))
        ind = {"points": float(data.draw(dec(5, 30, 1), label="points")), "method": "efficacy_standard",
               "direction": direction, "standards": standards,
               "below": float(data.draw(st.sampled_from([Decimal(0), Decimal("0.1"), Decimal("0.2")])))}
        return ind, spread(-30, 50), values
    return build


def _completion(direction):
    def build(data):
        target = data.draw(dec(1, 2000) if direction == "higher" else dec(1, 50), label="target")
        ind = {"points": float(data.draw(dec(2, 20, 1), label="points")), "method": "completion",
               "direction": direction, "target": float(target),
               "cap": float(data.draw(st.sampled_from([Decimal(1), Decimal("1.2"), Decimal("1.5")]), label="cap"))}
        floor = data.draw(st.sampled_from([None, Decimal("0.5"), Decimal("0.6")]), label="floor")
        if floor is not None:
            ind["floor"] = float(floor)
        ratios = [Decimal(1), D(ind["cap"]), *([floor] if floor is not None else [])]
        edges = [target * r if direction == "higher" else target / r for r in ratios]
        return ind, spread(0, target * 2), edges
    return build


def _step(direction):
    def build(data):
        ind = {"points": float(data.draw(dec(2, 20, 1), label="points")), "method": "step", "direction": direction,
               "target": float(data.draw(dec(50, 100), label="target")),
               "step": float(data.draw(dec("0.5", 5, 1), label="step")),
               "per_step": float(data.draw(dec(0, 5, 1), label="per_step")),
               "rounding": data.draw(st.sampled_from(["proportional", "ceil"]), label="rounding")}
        sign = -1 if direction == "higher" else 1
        edges = [D(ind["target"]) + sign * k * D(ind["step"]) for k in range(4)]
        return ind, spread(0, 120), edges
    return build


def _rank(direction):
    def build(data):
        ind = {"points": float(data.draw(dec(5, 20, 1), label="points")), "method": "rank", "direction": direction,
               "rank_step": float(data.draw(dec(0, 3, 1), label="rank_step")),
               "rank_min": float(data.draw(dec(0, 5, 1), label="rank_min"))}
        # coarse values so that ties are common
        return ind, st.one_of(st.sampled_from([Decimal(v) for v in (60, 70, 80, 90)]), spread(0, 100)), []
    return build


def _count_deduct(data):
    ind = {"points": float(data.draw(dec(2, 20, 1), label="points")), "method": "count_deduct",
           "per_event": float(data.draw(dec(0, 5, 1), label="per_event"))}
    return ind, st.integers(0, 10).map(Decimal), []


HIGHER_BETTER = {
    "direct": _direct,
    "efficacy-sample": _efficacy_sample("higher"),
    "efficacy-fixed": _efficacy_fixed("higher"),
    "completion-fixed-target": _completion("higher"),
    "step": _step("higher"),
    "rank": _rank("higher"),
    "efficacy_standard": _efficacy_standard("higher"),
}

LOWER_BETTER = {
    "completion-lower": _completion("lower"),
    "count_deduct": _count_deduct,
    # the same methods with direction = "lower"
    "efficacy-sample-lower": _efficacy_sample("lower"),
    "efficacy-fixed-lower": _efficacy_fixed("lower"),
    "step-lower": _step("lower"),
    "rank-lower": _rank("lower"),
    "efficacy_standard-lower": _efficacy_standard("lower"),
}


def _score_with(indicator: dict, values: dict[str, Decimal], other: dict[str, Decimal], precision: int):
    """Indicator X under test plus a fixed direct indicator Y, so that the total is not just X."""
    scheme = make_scheme([{"id": "X", "name": "测试指标", **indicator},
                          {"id": "Y", "name": "其他指标", "points": 10, "method": "direct"}],
                         list(values), precision=precision)
    return by_unit(score(scheme, make_dataset({"X": values, "Y": other})))


def _check_monotone(data, builder, better: str):
    indicator, range_st, landmarks = builder(data)
    landmarks = _points(landmarks)
    values_st = st.one_of(range_st, near(landmarks)) if landmarks else range_st
    n = data.draw(st.integers(2, 12), label="units")
    units = UNITS[:n]
    before = dict(zip(units, data.draw(st.lists(values_st, min_size=n, max_size=n), label="values")))
    other = dict(zip(units, data.draw(st.lists(dec(0, 10), min_size=n, max_size=n), label="Y values")))
    who = data.draw(st.sampled_from(units), label="unit changed")
    # The changed unit's worse and better value: its value and a second draw, or its value and a small step up, or
    # just either side of a break point. (A range-wide change alone could jump over a local fault.)
    counts = indicator["method"] == "count_deduct"
    mode = data.draw(st.sampled_from(["draw", "small step", "across a break point"] if landmarks else
                                     ["draw", "small step"]), label="change")
    if mode == "across a break point":
        point = data.draw(st.sampled_from(landmarks), label="break point")
        pair = [point - data.draw(dec(0, "0.5"), label="below"), point + data.draw(dec(0, "0.5"), label="above")]
    elif mode == "small step":
        step = data.draw(st.integers(0, 2).map(Decimal) if counts else dec(0, 2), label="step")
        pair = [before[who], before[who] + step]
    else:
        pair = [before[who], data.draw(range_st, label="other value")]
    old, new = sorted(pair, reverse=better == "lower")
    before[who] = old
    after = {**before, who: new}
    precision = data.draw(st.integers(0, 4), label="precision")

    r0 = _score_with(indicator, before, other, precision)[who]
    r1 = _score_with(indicator, after, other, precision)[who]
    assert r1["indicators"]["X"] >= r0["indicators"]["X"], (who, old, new, r0["indicators"], r1["indicators"])
    assert r1["total"] >= r0["total"], (who, old, new, r0["total"], r1["total"])


@pytest.mark.parametrize("method", list(HIGHER_BETTER))
@SETTINGS
@given(data=st.data())
def test_raising_a_value_never_lowers_the_score_higher_better(method, data):
    _check_monotone(data, HIGHER_BETTER[method], "higher")


@pytest.mark.parametrize("method", list(LOWER_BETTER))
@SETTINGS
@given(data=st.data())
def test_lowering_a_value_never_lowers_the_score_lower_better(method, data):
    _check_monotone(data, LOWER_BETTER[method], "lower")


# ------------------------------------------------------------------------------------------------------------
# 2. Order invariance
# ------------------------------------------------------------------------------------------------------------
GRADES = [{"name": "优秀", "min": 90}, {"name": "良好", "min": 80}, {"name": "一般", "min": 60}, {"name": "较差", "min": 0}]
PRIZES = [{"name": "一等奖", "places": 1, "amount": 5}, {"name": "二等奖", "places": 2, "amount": 3}]
PROGRESS = {"name": "进步奖", "min_places": 1, "exclude_top": 1, "amount": 1}
ADJUSTMENT_KINDS = [{"name": "专项督查加分", "sign": "bonus", "cap": 3},
                    {"name": "察访核验扣分", "sign": "deduction", "cap": 5},
                    {"name": "其他扣分", "sign": "deduction"}]
COARSE = st.sampled_from([Decimal(v) for v in (50, 60, 70, 80, 90, 100)])


@st.composite
def assessments(draw, progress: bool):
    """A county-style assessment as plain data (so that it can be rebuilt in any unit order): groups, four methods
    (efficacy possibly compared within groups, rank, completion against the return's target, direct), ratings,
    capped adjustments, vetoes, last year's ranks, prizes and maybe a progress award; plus a shuffled unit order.

    Units share one of a few data "profiles", so that tied totals (and tied ranks at prize boundaries) are common.
    """
    n = draw(st.integers(2, 12), label="units")
    units = UNITS[:n]
    coarse = draw(st.booleans(), label="coarse values")
    value = (lambda s: COARSE) if coarse else (lambda s: s)
    profiles = [{"A": draw(value(dec(0, 100))), "B": draw(value(dec(0, 100))),
                 "C": (draw(value(dec(0, 150))), draw(dec(50, 100))), "D": draw(value(dec(0, 50))),
                 "ratings": draw(st.lists(dec(60, 100, 1), min_size=1, max_size=4))}
                for _ in range(draw(st.integers(1, n), label="profiles"))]
    profile_of = {u: draw(st.sampled_from(profiles)) for u in units}
    last = draw(st.permutations(list(range(1, n + 1))), label="last year's ranks")
    return {
        "units": units,
        "order": draw(st.permutations(units), label="shuffled order"),
        "groups": {u: draw(st.sampled_from(["平原", "山区"]), label=f"group {u}") for u in units},
        "values": {i: {u: profile_of[u][i] for u in units} for i in "ABCD"},
        "ratings": [{"component": "班子成员评分", "unit": u, "rater": f"成员{k}", "rater_unit": None, "score": s, "source": ""}
                    for u in units for k, s in enumerate(profile_of[u]["ratings"])],
        "adjustments": [{"unit": draw(st.sampled_from(units)), "kind": draw(st.sampled_from(ADJUSTMENT_KINDS))["name"],
                         "value": draw(dec(0, 4)), "reason": "", "department": "", "date": "", "source": ""}
                        for _ in range(draw(st.integers(0, 6)))],
        "vetoes": [{"unit": u, "item": "安全生产", "department": "应急管理局", "reason": "事故", "date": "", "source": ""}
                   for u in draw(st.lists(st.sampled_from(units), max_size=2, unique=True))],
        "history": {u: {"rank": r, "source": ""} for u, r in zip(units, last) if draw(st.integers(0, 3))},
        "precision": draw(st.integers(0, 3)),
        "ranking": {"method": draw(st.sampled_from(["competition", "dense"])),
                    "tie_breakers": draw(st.sampled_from([[], [], ["指标考核"]]))},
        "compare": draw(st.sampled_from(["all", "group"])),
        "trim": draw(st.booleans()),
        "veto": draw(st.sampled_from(["no_award", "lowest_grade"])),
        "awards": {"eligibility_ratio": 0.6, "prizes": PRIZES, **({"progress": PROGRESS} if progress else {})},
    }


def run_assessment(case: dict, order: list[str]) -> dict:
    indicators = [
        {"id": "A", "name": "功效指标", "points": 20, "method": "efficacy", "compare": case["compare"]},
        {"id": "B", "name": "名次指标", "points": 10, "method": "rank", "rank_step": 1, "rank_min": 4},
        {"id": "C", "name": "完成指标", "points": 20, "method": "completion", "target": "column", "cap": 1.2},
        {"id": "D", "name": "直接指标", "points": 50, "method": "direct"},
    ]
    scheme = make_scheme(
        indicators, [{"name": u, "group": case["groups"][u]} for u in order], precision=case["precision"],
        components=[{"name": "指标考核", "kind": "indicators", "weight": 0.8, "full": 100},
                    {"name": "班子成员评分", "kind": "ratings", "weight": 0.2, "full": 100, "trim": case["trim"]}],
        adjustments=ADJUSTMENT_KINDS, grades=GRADES, awards=case["awards"], ranking=case["ranking"],
        veto={"effect": case["veto"]},
    )
    position = {u: k for k, u in enumerate(order)}

    def in_order(rows):
        return sorted(rows, key=lambda r: position[r["unit"]])

    data = make_dataset({i: {u: per_unit[u] for u in order} for i, per_unit in case["values"].items()},
                        ratings=in_order(case["ratings"]), adjustments=in_order(case["adjustments"]),
                        vetoes=in_order(case["vetoes"]),
                        history={u: case["history"][u] for u in order if u in case["history"]})
    return score(scheme, data)


def _per_unit(results: dict) -> dict[str, dict]:
    keys = ("total", "rank", "group_rank", "grade", "indicators", "components", "categories", "adjustments",
            "awards", "vetoed", "rank_change")
    return {u["unit"]: {k: u[k] for k in keys} for u in results["units"]}


def _check_order_invariance(case: dict) -> None:
    shuffled, original = _per_unit(run_assessment(case, case["order"])), _per_unit(run_assessment(case, case["units"]))
    assert shuffled == original, {u: (original[u], shuffled[u]) for u in original if original[u] != shuffled[u]}


# Two units with identical data tie for first place (both get 一等奖); the one that was 2nd last year rose a place.
# With exclude_top = 1 both tied top prize winners are excluded from the progress award, in either unit order
# (regression example: the engine used to exclude only whichever tied unit was listed first).
TIED_PRIZE_WINNERS = {
    "units": ["城关镇", "南河镇"], "order": ["南河镇", "城关镇"], "groups": {"城关镇": "平原", "南河镇": "平原"},
    "values": {"A": {"城关镇": Decimal(80), "南河镇": Decimal(80)}, "B": {"城关镇": Decimal(80), "南河镇": Decimal(80)},
               "C": {"城关镇": (Decimal(80), Decimal(100)), "南河镇": (Decimal(80), Decimal(100))},
               "D": {"城关镇": Decimal(40), "南河镇": Decimal(40)}},
    "ratings": [{"component": "班子成员评分", "unit": u, "rater": "书记", "rater_unit": None, "score": Decimal(90), "source": ""}
                for u in ("城关镇", "南河镇")],
    "adjustments": [], "vetoes": [], "history": {"城关镇": {"rank": 1, "source": ""}, "南河镇": {"rank": 2, "source": ""}},
    "precision": 2, "ranking": {"method": "competition", "tie_breakers": []}, "compare": "all", "trim": False,
    "veto": "no_award", "awards": {"eligibility_ratio": 0.6, "prizes": PRIZES, "progress": PROGRESS},
}


@SETTINGS
@given(case=assessments(progress=True))
@example(case=TIED_PRIZE_WINNERS)
def test_unit_order_never_changes_any_result(case):
    _check_order_invariance(case)


@SETTINGS
@given(case=assessments(progress=False))
def test_unit_order_never_changes_any_result_without_progress_award(case):
    """The same property with prizes but no progress award, so that everything else stays guarded while the
    progress-award bug above is open."""
    _check_order_invariance(case)


# ------------------------------------------------------------------------------------------------------------
# 3. Totals and capped adjustments
# ------------------------------------------------------------------------------------------------------------
SURVEY = {"categories": ["代表委员", "农村居民"], "rounds": {"年终": 1.0}}
COMPONENT_KINDS = {
    "indicators": {"name": "指标考核", "kind": "indicators"},
    "survey": {"name": "公众评议", "kind": "survey"},
    "ratings": {"name": "班子成员评分", "kind": "ratings"},
}


@st.composite
def weights(draw, k: int) -> list[Decimal]:
    """k positive weights in hundredths summing to exactly 1."""
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=k - 1, max_size=k - 1, unique=True)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100])]
    return [Decimal(p) / 100 for p in parts]


@SETTINGS
@given(data=st.data())
def test_total_is_weighted_components_plus_capped_adjustments(data):
    n = data.draw(st.integers(2, 12), label="units")
    units = UNITS[:n]
    precision = data.draw(st.integers(0, 4), label="precision")
    kinds = data.draw(st.lists(st.sampled_from(list(COMPONENT_KINDS)), min_size=1, max_size=3, unique=True),
                      label="components")
    if "indicators" not in kinds:
        kinds.append("indicators")  # the helper always defines indicators
    ws = data.draw(weights(len(kinds)), label="weights")
    raw_full = data.draw(st.sampled_from([None, 150, 1500]), label="raw_full")
    full = {None: 100, 150: 100, 1500: 1000}[raw_full]
    points = raw_full or 100
    components = []
    for kind, w in zip(kinds, ws):
        comp = {**COMPONENT_KINDS[kind], "weight": float(w), "full": full if kind == "indicators" else 100}
        if kind == "indicators" and raw_full is not None:
            comp["raw_full"] = raw_full
        if kind == "ratings":
            comp["trim"] = data.draw(st.booleans(), label="trim")
        components.append(comp)
    caps = [data.draw(st.sampled_from([None, 0, 2, 3, 5]), label=f"cap {k}") for k in range(3)]
    adjustment_kinds = [{"name": "专项督查加分", "sign": "bonus", "cap": caps[0]},
                        {"name": "察访核验扣分", "sign": "deduction", "cap": caps[1]},
                        {"name": "其他扣分", "sign": "deduction", "cap": caps[2]}]
    adjustment_kinds = [{k: v for k, v in a.items() if v is not None} for a in adjustment_kinds]
    indicators = [
        {"id": "A", "name": "功效指标", "points": points * 3 // 10, "method": "efficacy"},
        {"id": "B", "name": "直接指标", "points": points - points * 3 // 10, "method": "direct"},
    ]
    scheme = make_scheme(indicators, units, precision=precision, components=components, survey=SURVEY,
                         adjustments=adjustment_kinds)

    values = {"A": {u: data.draw(dec(-10, 30, 3)) for u in units},
              "B": {u: data.draw(dec(0, indicators[1]["points"], 3)) for u in units}}
    tallies = [Tally(u, "年终", cat, q, dict(zip(["满意", "基本满意", "不满意"], counts)), data.draw(st.integers(0, 5)))
               for u in units for cat in SURVEY["categories"] for q in ("Q1", "Q2")
               for counts in [data.draw(st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(1, 40)))]]
    ratings = [{"component": "班子成员评分", "unit": u, "rater": f"成员{k}", "rater_unit": None, "score": data.draw(dec(50, 100, 2)),
                "source": ""}
               for u in units for k in range(data.draw(st.integers(1, 5)))]
    entries = [{"unit": data.draw(st.sampled_from(units)), "kind": data.draw(st.sampled_from(adjustment_kinds))["name"],
                "value": data.draw(dec(0, 4, 3)), "reason": "", "department": "", "date": "", "source": ""}
               for _ in range(data.draw(st.integers(0, 3 * n)))]
    res = score(scheme, make_dataset(values, tallies=tallies, ratings=ratings, adjustments=entries))

    quantum = Decimal(1).scaleb(-precision)
    slack = (len(components) + 1) * Decimal("0.5") * quantum
    for row in res["units"]:
        unit = row["unit"]
        capped = {}
        for a in adjustment_kinds:
            entered = sum((e["value"] for e in entries if e["unit"] == unit and e["kind"] == a["name"]), Decimal(0))
            capped[a["name"]] = entered if "cap" not in a else min(entered, D(a["cap"]))
            assert row["adjustments"][a["name"]] == publish(capped[a["name"]], precision), (unit, a, entered)
        weighted = sum((D(c["weight"]) * D(row["components"][c["name"]]) for c in components), Decimal(0))
        bonus = sum((v for a in adjustment_kinds if a["sign"] == "bonus" for v in [capped[a["name"]]]), Decimal(0))
        deduction = sum((v for a in adjustment_kinds if a["sign"] == "deduction" for v in [capped[a["name"]]]),
                        Decimal(0))
        total = D(row["total"])
        assert total == round_half_up(total, precision)  # published at the scheme's precision
        assert abs(total - (weighted + bonus - deduction)) <= slack, (unit, row, weighted, bonus, deduction)


# ------------------------------------------------------------------------------------------------------------
# 4. Ranks and grades follow the published totals
# ------------------------------------------------------------------------------------------------------------
@st.composite
def grade_bands(draw):
    mins = sorted(draw(st.lists(dec(1, 99, 1), max_size=4, unique=True)), reverse=True)
    names = ["优秀", "良好", "一般", "较差", "差"]
    return [{"name": names[k], "min": float(m)} for k, m in enumerate([*mins, Decimal(0)])]


@SETTINGS
@given(data=st.data())
def test_ranks_and_grades_agree_with_published_totals(data):
    n = data.draw(st.integers(2, 12), label="units")
    units = [{"name": u, "group": data.draw(st.sampled_from(["平原", "山区", ""]))} for u in UNITS[:n]]
    precision = data.draw(st.integers(0, 3), label="precision")
    method = data.draw(st.sampled_from(["competition", "dense"]), label="ranking")
    grades = data.draw(grade_bands(), label="grades")
    # Near-equal values, so that some publish equal and some do not, and values on and around the grade lines
    # (a band's min itself, and half a published unit below it, which publishes as the min).
    half = Decimal(5).scaleb(-precision - 1)
    boundary = st.builds(lambda g, off: D(g["min"]) + off, st.sampled_from(grades),
                         st.sampled_from([Decimal(0), -half, -half - Decimal("0.0001"), half])).filter(lambda v: v >= 0)
    values = {u["name"]: data.draw(st.one_of(dec(85, 95, 3), spread(0, 100, 4), boundary)) for u in units}
    scheme = make_scheme([{"id": "X", "name": "总分", "points": 100, "method": "direct"}], units, precision=precision,
                         grades=grades, ranking={"method": method})
    rows = score(scheme, make_dataset({"X": values}))["units"]
    totals = {r["unit"]: D(r["total"]) for r in rows}
    group_of = {u["name"]: u["group"] for u in units}

    ordered = sorted(rows, key=lambda r: D(r["total"]), reverse=True)
    assert [r["rank"] for r in ordered] == sorted(r["rank"] for r in ordered)
    for r in rows:
        mine = totals[r["unit"]]
        for o in rows:
            assert (totals[o["unit"]] == mine) == (o["rank"] == r["rank"]), (r, o)
        if method == "competition":
            assert r["rank"] == 1 + sum(1 for t in totals.values() if t > mine)
        else:
            assert r["rank"] == 1 + len({t for t in totals.values() if t > mine})
        if group_of[r["unit"]]:
            peers = [totals[u] for u, g in group_of.items() if g == group_of[r["unit"]]]
            greater = [t for t in peers if t > mine]
            expected = 1 + (len(greater) if method == "competition" else len(set(greater)))
            assert r["group_rank"] == expected, (r, peers)
        else:
            assert r["group_rank"] is None
        assert r["grade"] == next(g["name"] for g in grades if D(g["min"]) <= mine), (r, grades)


# ------------------------------------------------------------------------------------------------------------
# 5. Rounding is half up
# ------------------------------------------------------------------------------------------------------------
def _ends_in_five(lo: int, hi: int):
    """Decimals with exactly 3 decimal places whose last digit is 5, in [lo, hi)."""
    return st.integers(lo * 100, hi * 100 - 1).map(lambda k: Decimal(k * 10 + 5).scaleb(-3))


@SETTINGS
@given(x=_ends_in_five(0, 10_000))
@example(x=Decimal("0.125"))
@example(x=Decimal("2.675"))
@example(x=Decimal("0.005"))
@example(x=Decimal("1.005"))
def test_round_half_up_rounds_ties_away_from_zero(x):
    up = round_half_up(x, 2)
    assert up == x + Decimal("0.005")  # away from zero, never to even
    assert up.as_tuple().exponent == -2
    down = round_half_up(-x, 2)
    assert down == -x - Decimal("0.005")


def test_round_half_up_worked_examples():
    assert round_half_up(Decimal("0.125"), 2) == Decimal("0.13")
    assert round_half_up(Decimal("2.675"), 2) == Decimal("2.68")
    assert round_half_up(Decimal("-2.675"), 2) == Decimal("-2.68")


@SETTINGS
@given(data=st.data())
@example(data=None)
def test_published_direct_score_is_half_up_at_two_decimals(data):
    if data is None:  # the classic binary-float trap: 2.675 is 2.67499999… as a float
        values = {"城关镇": Decimal("2.675"), "南河镇": Decimal("0.125"), "西湖镇": Decimal("1.005")}
    else:
        n = data.draw(st.integers(1, 12), label="units")
        values = {u: data.draw(st.one_of(_ends_in_five(0, 100), dec(0, 100, 4), dec(0, 100, 3)), label=u)
                  for u in UNITS[:n]}
    scheme = make_scheme([{"id": "X", "name": "直接指标", "points": 100, "method": "direct"}], list(values), precision=2)
    rows = by_unit(score(scheme, make_dataset({"X": values})))
    for u, x in values.items():
        expected = float(Decimal(x).quantize(Decimal("0.01"), ROUND_HALF_UP))
        assert rows[u]["indicators"]["X"] == expected, (u, x)
        assert rows[u]["total"] == expected, (u, x)
