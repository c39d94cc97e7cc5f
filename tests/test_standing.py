"""pipeline.standing on results the real engine produced (the report's scheme, tests/test_render_report.py):
totals 城关镇 99 (98 + 1), 青山乡 88, A&B<镇> 82.5 (vetoed), 石门乡 70; 经济发展 = A1 + A2, 平安建设 = E1."""

from __future__ import annotations

import copy

import pytest

from pipeline import standing
from pipeline.render.report import report_context
from pipeline.score import score
from test_render_report import RUN, VETOED, dataset, scheme


@pytest.fixture(scope="module")
def results():
    return score(scheme(), dataset(), RUN)


def test_leaders_and_laggards_per_group(results):
    found = {g.group: g for g in standing.group_standings(results)}
    assert list(found) == ["平原乡镇", "山区乡镇"]
    plain, hills = found["平原乡镇"], found["山区乡镇"]
    # 平原: 城关镇 (1st) and the vetoed unit — a vetoed unit is neither a leader nor a laggard
    assert [u.unit for u in plain.leaders] == ["城关镇"] and plain.laggards == []
    # 山区: two units split, the better one leads
    assert [u.unit for u in hills.leaders] == ["青山乡"] and [u.unit for u in hills.laggards] == ["石门乡"]
    # each category within the group (the vetoed unit's figures are facts and count here)
    assert [(c.name, c.best, c.best_score, c.weakest, c.weakest_score) for c in plain.categories] == [
        ("经济发展", ["城关镇"], 58.0, [VETOED], 55.0), ("平安建设", ["城关镇"], 40.0, [VETOED], 28.0)]
    assert [(c.name, c.best, c.weakest) for c in hills.categories] == [
        ("经济发展", ["青山乡"], ["石门乡"]), ("平安建设", ["青山乡"], ["石门乡"])]


def test_a_field_without_groups_and_a_large_group():
    from engine_helpers import make_dataset, make_scheme

    units = [{"name": f"单位{k}"} for k in range(8)]
    values = {"A1": {f"单位{k}": 30 - k for k in range(8)}}
    s = make_scheme([{"id": "A1", "name": "甲", "category": ["经济"], "points": 30, "method": "direct"}], units)
    (field,) = standing.group_standings(score(s, make_dataset(values), RUN))
    assert field.group == "" and field.n == 8
    assert [u.unit for u in field.leaders] == ["单位0", "单位1", "单位2"]
    assert [u.unit for u in field.laggards] == ["单位5", "单位6", "单位7"]


def test_strongest_and_weakest_indicators_relative_to_the_others(results):
    # A1: A&B 30, 城关镇 29, 青山乡 24, 石门乡 20 -> places 1 2 3 4; A2: 29 25 24 20 -> 城关镇 1, A&B 2, 青山乡 3,
    # 石门乡 4; E1: 城关镇 40, 青山乡 40 (both 1st), 石门乡 30 (3rd), A&B 28 (4th). Four units: thirds of 2 places.
    found = standing.unit_standings(results)

    def places(items):
        return [(p.info.id, p.rank) for p in items]

    assert places(found["城关镇"].strong) == [("E1", 1), ("A2", 1), ("A1", 2)]  # E1 full marks before A2 29/30
    assert found["城关镇"].weak == []
    assert places(found["青山乡"].strong) == [("E1", 1)] and places(found["青山乡"].weak) == [("A1", 3), ("A2", 3)]
    assert found["石门乡"].strong == [] and places(found["石门乡"].weak) == [("A1", 4), ("A2", 4), ("E1", 3)]
    assert places(found[VETOED].strong) == [("A1", 1), ("A2", 2)] and places(found[VETOED].weak) == [("E1", 4)]
    assert all(p.n == 4 for s in found.values() for p in s.strong + s.weak)


def test_an_indicator_that_does_not_separate_the_units_is_no_strength(results):
    same = copy.deepcopy(results)
    for u in same.units:
        u.indicators["E1"] = 40.0
    found = standing.unit_standings(same)
    assert all(p.info.id != "E1" for s in found.values() for p in s.strong + s.weak)
    assert [p.info.id for p in found["城关镇"].strong] == ["A2", "A1"]


def _with_last_year(categories: dict):
    data = dataset()
    data.years = {2024: {"城关镇": (3, 90.0, categories.get("城关镇", {})),
                         "青山乡": (1, 95.0, categories.get("青山乡", {})),
                         VETOED: (2, 92.0, categories.get(VETOED, {}))}}
    return score(scheme(), data, RUN)


def test_movers_and_the_categories_that_moved_them():
    results = _with_last_year({"城关镇": {"经济发展": 50.0, "平安建设": 39.0},
                               "青山乡": {"经济发展": 55.0, "平安建设": 40.0}})
    up, down = standing.movers(results)
    (c,) = up  # 城关镇: 3rd -> 1st
    assert (c.unit.unit, c.last_total, c.total_change) == ("城关镇", 90.0, 9.0)
    assert [(r.name, r.change) for r in c.reasons] == [("经济发展", 8.0), ("平安建设", 1.0)]
    assert [m.unit.unit for m in down] == ["青山乡", VETOED]  # both one place down: rank order
    q, v = down
    assert q.total_change == -7.0 and [(r.name, r.change) for r in q.reasons] == [("经济发展", -7.0)]  # 平安 unchanged
    assert v.last_total == 92.0 and v.reasons == []  # an older record without categories: the totals only
    # the report says it
    progress = report_context(results)["progress"]
    assert progress["up"][0]["why_text"] == "总分由上年90.00分升至99.00分，主要是经济发展增加8.00分、平安建设增加1.00分"
    assert progress["down"][1]["why_text"] == "总分由上年92.00分降至82.50分"


def test_movers_without_a_record_have_no_reasons(results):
    up, down = standing.movers(results)  # last ranks from a 上年考核结果 return: ranks only
    assert [m.unit.unit for m in up] == ["城关镇"] and all(m.last_total is None and not m.reasons for m in up + down)
    assert report_context(results)["progress"]["up"][0]["why_text"] == ""


def test_report_names_leaders_strengths_and_weak_indicators_in_words(results):
    ctx = report_context(results)
    assert [(g["label"], g["leaders_text"], g["laggards_text"]) for g in ctx["standings"]] == [
        ("平原乡镇", "城关镇（99.00分）", ""), ("山区乡镇", "青山乡（88.00分）", "石门乡（70.00分）")]
    rows = {r["unit"]: r for r in ctx["unit_standings"]}
    assert rows["石门乡"]["strong_text"] == "—"
    assert rows["石门乡"]["weak_text"] == "地区生产总值增长率（第4/4位）、一般公共预算收入（第4/4位）、生产安全事故起数（第3/4位）"
    assert [w["lost_text"] for w in ctx["weak_indicators"]] == ["4个单位全部失分", "4个单位中3个失分", "4个单位中2个失分"]
    assert ctx["majority_lost_text"] == "多数单位失分的指标共2项"  # A2 (4 of 4) and A1 (3 of 4); E1 is 2 of 4
