"""The report's findings in words (pipeline.analysis → the report context), on results the real engine produced
(the report's scheme, tests/test_render_report.py): totals 城关镇 99 (98 + 1), 青山乡 88, A&B<镇> 82.5 (vetoed),
石门乡 70; 经济发展 = A1 + A2, 平安建设 = E1. The figures themselves are tested in tests/test_analysis.py."""

from __future__ import annotations

import pytest

from pipeline.render.report import report_context
from pipeline.score import score
from test_render_report import RUN, VETOED, dataset, scheme


@pytest.fixture(scope="module")
def results():
    return score(scheme(), dataset(), RUN)


def _with_last_year(categories: dict):
    data = dataset()
    data.years = {2024: {"城关镇": (3, 90.0, categories.get("城关镇", {})),
                         "青山乡": (1, 95.0, categories.get("青山乡", {})),
                         VETOED: (2, 92.0, categories.get(VETOED, {}))}}
    return score(scheme(), data, RUN)


def test_movers_are_explained_by_the_categories_that_moved_them():
    results = _with_last_year({"城关镇": {"经济发展": 50.0, "平安建设": 39.0},
                               "青山乡": {"经济发展": 55.0, "平安建设": 40.0}})
    progress = report_context(results)["progress"]
    assert progress["up"][0]["why_text"] == "总分由上年90.00分升至99.00分，主要是经济发展增加8.00分、平安建设增加1.00分"
    assert progress["down"][0]["why_text"] == "总分由上年95.00分降至88.00分，主要是经济发展减少7.00分"  # 平安 unchanged
    assert progress["down"][1]["why_text"] == "总分由上年92.00分降至82.50分"  # an older record: the totals only


def test_movers_without_a_record_say_only_the_move(results):
    progress = report_context(results)["progress"]  # last ranks from a 上年考核结果 return: ranks only
    assert [p["unit"] for p in progress["up"]] == ["城关镇"]
    assert all(p["why_text"] == "" for p in progress["up"] + progress["down"])


def test_report_names_leaders_strengths_and_weak_indicators_in_words(results):
    ctx = report_context(results)
    assert [(g["label"], g["leaders_text"], g["laggards_text"]) for g in ctx["standings"]] == [
        ("平原乡镇", "城关镇（99.00分）", f"{VETOED}（82.50分）"), ("山区乡镇", "青山乡（88.00分）", "石门乡（70.00分）")]
    assert ctx["standings"][1]["categories"] == [
        {"name": "经济发展", "best_text": "青山乡（48.00分）", "weakest_text": "石门乡（40.00分）"},
        {"name": "平安建设", "best_text": "青山乡（40.00分）", "weakest_text": "石门乡（30.00分）"}]
    rows = {r["unit"]: r for r in ctx["unit_standings"]}
    assert rows["石门乡"]["strong_text"] == "—"
    assert rows["石门乡"]["weak_text"] == "地区生产总值增长率（第4/4位）、一般公共预算收入（第4/4位）、生产安全事故起数（第3/4位）"
    assert ctx["separating_indicators"] == 3
    assert [w["lost_text"] for w in ctx["weak_indicators"]] == ["4个单位全部失分", "4个单位中3个失分", "4个单位中2个失分"]
    assert ctx["majority_lost_text"] == "多数单位失分的指标共2项"  # A2 (4 of 4) and A1 (3 of 4); E1 is 2 of 4


def test_a_category_where_every_unit_scored_the_same_names_nobody(results):
    import copy

    same = copy.deepcopy(results)
    for u in same.units:
        u.categories["平安建设"] = 40.0
    for g in report_context(same)["standings"]:
        assert [c["name"] for c in g["categories"]] == ["经济发展"]
