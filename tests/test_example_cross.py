"""Scheme 5, 交叉考核 of county departments: examples/cross through the real CLI, checked against hand computation.

云岭县 assesses 9 county departments (县直部门) in 3 groups of 3 (经济管理类, 社会事业类, 党群政法类):
  total = 交叉考核 × 60 % + 民主测评 × 40 %;
  交叉考核 (kind = "ratings", rated_by = "peers"): every department scores the two others of its own group on 100
    points; the mean of those two is the component (trim = false); a department's rating of itself is left out
    (self_rating = "exclude": 县民政局 scored itself 98 on its own sheet);
  民主测评 (kind = "survey", score_by = "rate"): 服务对象 and 干部职工 answer 3 questions 好 / 较好 / 一般 / 较差 /
    不了解; a group's score = (好 + 较好) / (答 好, 较好, 一般 or 较差) over its 3 questions × 100, the component the
    mean of the two groups; the unit's 满意率 pools both groups and all questions;
  grades on the published total: ≥ 90 优秀, ≥ 80 良好, ≥ 60 合格, else 不合格; [[grade_rules]] 满意率 < 60 % →
    不合格 (对群众感到不满意的，则视为不合格); 一票否决 (党风廉政建设, 安全生产): no award, grade and rank kept;
    一票否优 (信访稳定): at most 良好, award kept; 先进单位: the first 2 eligible by rank (total ≥ 70, not vetoed).

The hand computations below use only the raw cells of examples/cross/input/ (written by
examples/cross/make_inputs.py) and the rules of examples/cross/config.toml, in exact fractions,
independently of the engine's code.
"""

from __future__ import annotations

import json
import shutil
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction as F
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, header_text, kaohe, load_module, workbook_cells

EXAMPLE = ROOT / "examples" / "cross"
GROUPS = {
    "经济管理类": ["县发展改革委", "县财政局", "县工信局"],
    "社会事业类": ["县教育局", "县卫健委", "县民政局"],
    "党群政法类": ["县委宣传部", "县司法局", "县总工会"],
}
GROUP_OF = {u: g for g, members in GROUPS.items() for u in members}
UNITS = list(GROUP_OF)
ALIASES = {"县卫生健康委员会": "县卫健委"}  # the rating unit as 县卫健委 wrote itself on its sheet


def half_up(x: F, places: int = 2) -> float:
    d = Decimal(x.numerator) / Decimal(x.denominator)
    return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


# 交叉考核, as filed in input/交叉考核/ (one workbook per group, one sheet per rating unit):
# rated unit -> [(rating unit as written in the 评分单位 column, 得分)], in the order of the rating sheets.
RATINGS = {
    "县发展改革委": [("县财政局", 88), ("县工信局", "86.5")],       # 县工信局 wrote "县发展和改革委员会" and "86.5" as text
    "县财政局": [("县发展改革委", 95), ("县工信局", "94.5")],
    "县工信局": [("县发展改革委", 92), ("县财政局", 93)],
    "县教育局": [("县卫生健康委员会", "92.5"), ("县民政局", 91)],   # 县卫健委's sheet: its full name, "９２．５"
    "县卫健委": [("县教育局", 87), ("县民政局", "88.5")],           # "88.5分"
    "县民政局": [("县教育局", 84), ("县卫生健康委员会", "85.5"), ("县民政局", 98)],  # 98: its own rating of itself
    "县委宣传部": [("县司法局", 90), ("县总工会", 89)],
    "县司法局": [("县委宣传部", 86), ("县总工会", "87.5")],         # 县总工会 wrote "县司法局 " (trailing space)
    "县总工会": [("县委宣传部", 82), ("县司法局", "83.5")],
}

# 民主测评, as filed in input/民主测评/ : unit -> group -> per question (好, 较好, 一般, 较差, 不了解);
# the questions: 履职尽责情况, 工作作风和服务质量, 廉洁自律情况.
SURVEY = {
    "县发展改革委": {"服务对象": [(20, 15, 5, 2, 1), (20, 16, 5, 2, 0), (22, 13, 5, 3, 0)],
                     "干部职工": [(15, 7, 2, 1, 1), (15, 9, 2, 0, 0), (14, 10, 1, 1, 0)]},
    "县财政局": {"服务对象": [(23, 10, 2, 2, 2), (22, 11, 3, 2, 1), (23, 12, 3, 1, 0)],
                 "干部职工": [(18, 7, 1, 1, 1), (19, 8, 1, 0, 0), (18, 7, 1, 1, 1)]},  # the 19 typed as text
    "县工信局": {"服务对象": [(22, 13, 5, 2, 0), (23, 14, 3, 1, 1), (25, 12, 4, 1, 0)],
                 "干部职工": [(15, 7, 1, 0, 1), (12, 9, 1, 1, 1), (14, 7, 2, 1, 0)]},
    "县教育局": {"服务对象": [(27, 10, 4, 2, 2), (24, 11, 5, 2, 3), (22, 16, 4, 2, 1)],
                 "干部职工": [(13, 8, 2, 1, 1), (17, 6, 1, 1, 0), (16, 7, 1, 0, 1)]},
    "县卫健委": {"服务对象": [(10, 7, 16, 7, 1), (13, 6, 14, 8, 0), (12, 6, 16, 7, 0)],   # as 县卫生健康委员会
                 "干部职工": [(10, 6, 6, 2, 0), (12, 4, 6, 2, 0), (9, 6, 5, 3, 1)]},
    "县民政局": {"服务对象": [(26, 9, 6, 3, 0), (20, 16, 4, 4, 0), (27, 9, 5, 2, 1)],
                 "干部职工": [(12, 8, 1, 1, 0), (12, 7, 1, 1, 1), (12, 7, 1, 1, 1)]},
    "县委宣传部": {"服务对象": [(19, 12, 4, 3, 1), (19, 13, 5, 1, 1), (20, 10, 4, 3, 2)],
                   "干部职工": [(17, 6, 1, 1, 1), (17, 6, 1, 1, 1), (16, 7, 2, 1, 0)]},
    "县司法局": {"服务对象": [(24, 10, 4, 2, 1), (21, 11, 6, 2, 1), (23, 12, 4, 2, 0)],   # the first 24 typed "２４"
                 "干部职工": [(16, 6, 2, 1, 1), (12, 9, 3, 1, 1), (14, 7, 3, 1, 1)]},
    "县总工会": {"服务对象": [(15, 10, 7, 3, 3), (19, 8, 8, 3, 0), (16, 9, 7, 3, 3)],
                 "干部职工": [(11, 5, 3, 2, 1), (10, 7, 3, 2, 0), (10, 7, 3, 1, 1)]},
}
CHOICES = ["好", "较好", "一般", "较差", "不了解"]

# The register (input/考核办/): unit -> (item, certifying department). 信访稳定 is 一票否优, 安全生产 a real veto.
TOP_GRADE_VETO = {"县财政局": ("信访稳定", "县信访局")}     # written "云岭县财政局" (alias)
VETOED = {"县工信局": ("安全生产", "县应急管理局")}          # written "县工业和信息化局" (alias)


def counted_ratings(unit: str) -> list[F]:
    """The peer ratings that count: every rating but the unit's own (self_rating = "exclude")."""
    return [F(s) for rater, s in RATINGS[unit] if ALIASES.get(rater, rater) != unit]


def hand(unit: str) -> dict:
    cross = sum(counted_ratings(unit)) / len(counted_ratings(unit))        # trim = false: the plain mean
    groups, satisfied, answered = {}, 0, 0
    for group, rows in SURVEY[unit].items():
        s = sum(good + rather for good, rather, *_ in rows)
        k = sum(good + rather + fair + poor for good, rather, fair, poor, _ in rows)  # 不了解 is no answer
        groups[group] = F(s, k)
        satisfied, answered = satisfied + s, answered + k
    survey = 100 * sum(groups.values()) / len(groups)                      # county form: the groups' mean
    total = F(6, 10) * cross + F(4, 10) * survey
    counts = {c: sum(row[j] for rows in SURVEY[unit].values() for row in rows) for j, c in enumerate(CHOICES)}
    return {"交叉考核": cross, "民主测评": survey, "groups": groups, "rate": F(satisfied, answered),
            "answered": answered, "counts": counts, "total": total}


def band(total: float) -> str:
    return "优秀" if total >= 90 else "良好" if total >= 80 else "合格" if total >= 60 else "不合格"


ORDER = ["优秀", "良好", "合格", "不合格"]


def final_grade(unit: str) -> str:
    """The band of the published total, lowered by the 满意率 rule (published rate, 4 places) and 一票否优."""
    h = hand(unit)
    grade = band(half_up(h["total"]))
    caps = [grade]
    if half_up(h["rate"], 4) < 0.6:
        caps.append("不合格")
    if unit in TOP_GRADE_VETO:
        caps.append("良好")
    return max(caps, key=ORDER.index)


@pytest.fixture(scope="module")
def cross_run(tmp_path_factory):
    """One real run of a copy of examples/cross (config.toml, input/), shared by the tests that only read it."""
    folder = tmp_path_factory.mktemp("cross") / "交叉考核"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("output", "__pycache__"))
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    return folder, res


@pytest.fixture(scope="module")
def results(cross_run) -> dict:
    folder, _ = cross_run
    return json.loads((folder / "output" / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def summary(cross_run):
    folder, _ = cross_run
    return openpyxl.load_workbook(folder / "output" / "考核结果汇总表.xlsx")


def test_cross_example_matches_hand_computation(results):
    assert results["assessment"]["title"] == "云岭县2025年度县直部门绩效考核"
    comps = {c["name"]: c for c in results["components"]}
    assert {n: (c["kind"], c["weight"], c["full"]) for n, c in comps.items()} == {
        "交叉考核": ("ratings", 0.6, 100), "民主测评": ("survey", 0.4, 100)}
    assert (comps["交叉考核"]["rated_by"], comps["交叉考核"]["self_rating"], comps["交叉考核"]["trim"]) == (
        "peers", "exclude", False)
    units = {u["unit"]: u for u in results["units"]}
    assert list(units) and set(units) == set(UNITS)
    assert {n: u["group"] for n, u in units.items()} == GROUP_OF

    for name in UNITS:  # every unit, not only the ones written out below
        h = hand(name)
        got = units[name]
        assert got["components"] == {"交叉考核": half_up(h["交叉考核"]), "民主测评": half_up(h["民主测评"])}, name
        assert got["total"] == half_up(h["total"]), name

    # The figures, written out.
    # 县财政局: 交叉考核 (95 + 94.5)/2 = 94.75; 民主测评 服务对象 (33 + 33 + 35)/(37 + 38 + 39) = 101/114,
    #   干部职工 (25 + 27 + 25)/(27 + 28 + 27) = 77/82 → (101/114 + 77/82)/2 × 100 = 91.2494…;
    #   total 0.6 × 94.75 + 0.4 × 91.2494… = 56.85 + 36.4997… = 93.3497… → 93.35
    fin = hand("县财政局")
    assert fin["交叉考核"] == F(9475, 100) and fin["groups"] == {"服务对象": F(101, 114), "干部职工": F(77, 82)}
    assert units["县财政局"]["components"] == {"交叉考核": 94.75, "民主测评": 91.25}
    assert units["县财政局"]["total"] == 93.35
    # 县民政局: its own 98 is left out: (84 + 85.5)/2 = 84.75 (counting it, (84 + 85.5 + 98)/3 = 89.17);
    #   民主测评 (107/131 + 58/64)/2 × 100 = 86.15…; total 50.85 + 34.46… = 85.31
    assert hand("县民政局")["交叉考核"] == F(8475, 100)
    assert half_up(sum(F(s) for _, s in RATINGS["县民政局"]) / 3) == 89.17
    assert units["县民政局"]["components"]["交叉考核"] == 84.75 and units["县民政局"]["total"] == 85.31
    # 县卫健委: 交叉考核 (87 + 88.5)/2 = 87.75; 服务对象 (17 + 19 + 18)/(40 + 41 + 41) = 54/122, 干部职工
    #   (16 + 16 + 15)/(24 + 24 + 23) = 47/71 → 民主测评 (54/122 + 47/71)/2 × 100 = 55.23…;
    #   total 52.65 + 22.09… = 74.74 (合格 by total)
    hw = hand("县卫健委")
    assert hw["groups"] == {"服务对象": F(54, 122), "干部职工": F(47, 71)}
    assert units["县卫健委"]["components"] == {"交叉考核": 87.75, "民主测评": 55.23}
    assert units["县卫健委"]["total"] == 74.74
    assert units["县工信局"]["total"] == 91.23 and units["县教育局"]["total"] == 90.46


def test_cross_self_rating_is_left_out(results, summary, cross_run):
    """Each unit's ratings: its two peers counted, 县民政局's rating of itself listed but not counted."""
    _, res = cross_run
    units = {u["unit"]: u for u in results["units"]}
    for name in UNITS:
        trace = units[name]["ratings"]["交叉考核"]
        assert [(r["rater"], r["score"], r["counted"], r["note"]) for r in trace["ratings"]] == [
            (ALIASES.get(rater, rater), float(F(s)), ALIASES.get(rater, rater) != name,
             "" if ALIASES.get(rater, rater) != name else "本单位自评，不计入") for rater, s in RATINGS[name]], name
        assert trace["counted"] == len(counted_ratings(name)) == 2, name
        assert trace["mean"] == half_up(hand(name)["交叉考核"]), name
        # every counted rater is a peer of the same group, never the unit itself
        assert all(GROUP_OF[ALIASES.get(r["rater"], r["rater"])] == GROUP_OF[name] for r in trace["ratings"])
    own = [r for r in units["县民政局"]["ratings"]["交叉考核"]["ratings"] if not r["counted"]]
    assert [(r["rater"], r["score"]) for r in own] == [("县民政局", 98.0)]
    assert own[0]["source"] == "交叉考核/云岭县2025年度县直部门交叉考核评分表（社会事业类）.xlsx › 县民政局!B6"

    # the only issue of the run is that notice, on the console too (so not 未发现问题)
    assert [(i["code"], i["severity"], i["unit"], i["sheet"], i["cell"]) for i in results["issues"]] == [
        ("self-rating", "提示", "县民政局", "县民政局", "C6")]
    assert "“县民政局”对本单位的交叉考核评分不计入" in res.stdout and "数据检查：提示 1 条" in res.stdout

    # sheet 评分 lists every rating with whether it counts
    rows = [tuple(map(header_text, r)) for r in summary["评分"].iter_rows(values_only=True)]
    assert rows[0][:5] == ("单位", "组成部分", "评分人", "评分（百分制）", "是否计入")
    listed = {(r[0], r[2]): (r[3], r[4]) for r in rows[1:] if r[1] == "交叉考核"}
    assert listed[("县民政局", "县民政局")] == (98, "本单位自评，不计入")
    assert listed[("县民政局", "县教育局")] == (84, "计入")
    assert sum(1 for v in listed.values() if v[1] == "计入") == 18
    assert sum(1 for v in listed.values() if v[1] != "计入") == 1


def test_cross_survey_counts_and_satisfaction(results, summary):
    units = {u["unit"]: u for u in results["units"]}
    for name in UNITS:
        h = hand(name)
        s = units[name]["survey"]
        assert s["counts"] == h["counts"], name
        assert s["answered"] == h["answered"], name
        assert s["satisfied"] == ["好", "较好"]
        assert s["satisfaction_rate"] == half_up(h["rate"], 4), name
        assert s["categories"] == {g: half_up(r, 4) for g, r in h["groups"].items()}, name
        assert s["score"] == half_up(h["民主测评"]), name
    # 县卫健委, written out: 好 66, 较好 35, 一般 63, 较差 29, 不了解 2 → 满意率 (66 + 35)/193 = 52.33 %
    # (pooled over both groups; its score is the mean of the groups' rates, 55.23, not 52.33)
    assert units["县卫健委"]["survey"]["counts"] == {"好": 66, "较好": 35, "一般": 63, "较差": 29, "不了解": 2}
    assert hand("县卫健委")["rate"] == F(101, 193)
    assert units["县卫健委"]["survey"]["satisfaction_rate"] == 0.5233
    # 县财政局: 好 123 (the 19 typed as text), 较好 55, 一般 11, 较差 7, 不了解 5 → 178/196 = 90.82 %
    assert units["县财政局"]["survey"]["counts"] == {"好": 123, "较好": 55, "一般": 11, "较差": 7, "不了解": 5}
    assert units["县财政局"]["survey"]["satisfaction_rate"] == 0.9082
    # sheet 公众评议, section 三: each unit's totals, 满意率 and score
    rows = [r for r in summary["公众评议"].iter_rows(values_only=True)]
    start = next(k for k, r in enumerate(rows) if str(r[0]).startswith("三、各单位评议结果"))
    per_unit = {r[0]: r[1:9] for r in rows[start + 2:] if r[0]}
    assert per_unit == {n: (*(hand(n)["counts"][c] for c in CHOICES), hand(n)["answered"], half_up(hand(n)["rate"], 4),
                            half_up(hand(n)["民主测评"])) for n in UNITS}


def test_cross_ranks_grades_vetoes_and_awards(results, summary):
    units = {u["unit"]: u for u in results["units"]}
    totals = {n: half_up(hand(n)["total"]) for n in UNITS}
    assert len(set(totals.values())) == len(UNITS)  # no ties in this example
    for n, u in units.items():
        assert u["rank"] == 1 + sum(1 for t in totals.values() if t > totals[n]), n
        assert u["group_rank"] == 1 + sum(1 for m in GROUPS[GROUP_OF[n]] if totals[m] > totals[n]), n
        assert u["grade_by_total"] == band(totals[n]), n
        assert u["grade"] == final_grade(n), n
    assert [u["unit"] for u in results["units"]] == [
        "县财政局", "县工信局", "县教育局", "县委宣传部", "县发展改革委", "县司法局", "县民政局", "县总工会", "县卫健委"]
    assert {n: u["grade"] for n, u in units.items()} == {
        "县财政局": "良好", "县工信局": "优秀", "县教育局": "优秀", "县委宣传部": "良好", "县发展改革委": "良好",
        "县司法局": "良好", "县民政局": "良好", "县总工会": "合格", "县卫健委": "不合格"}

    # the 满意率 rule: 县卫健委 74.74 is 合格 by its total, 不合格 by its 52.33 % (< 60 %)
    hw = units["县卫健委"]
    assert (hw["grade_by_total"], hw["grade"]) == ("合格", "不合格")
    assert [(g["rule"], g["grade"], g["measured"]) for g in hw["grade_limits"]] == [
        ("民主测评满意率低于60%", "不合格", "满意率 52.33%，低于 60%")]
    assert [n for n in UNITS if half_up(hand(n)["rate"], 4) < 0.6] == ["县卫健委"]

    # 一票否优: 县财政局 93.35 is 优秀 by its total, at most 良好, keeps rank 1 and its award
    cz = units["县财政局"]
    assert (cz["rank"], cz["grade_by_total"], cz["grade"], cz["vetoed"]) == (1, "优秀", "良好", False)
    assert [(g["rule"], g["grade"]) for g in cz["grade_limits"]] == [("一票否优", "良好")]
    assert cz["grade_limits"][0]["measured"].startswith("信访稳定，县信访局认定：")
    assert cz["awards"] == ["先进单位"]

    # 一票否决: 县工信局 keeps 91.23, rank 2 and 优秀 (effect = "no_award"), and gets no award
    gx = units["县工信局"]
    assert gx["vetoed"] and [(v["item"], v["department"]) for v in gx["veto"]] == [VETOED["县工信局"]]
    assert (gx["rank"], gx["grade"], gx["awards"]) == (2, "优秀", [])
    assert [n for n, u in units.items() if u["vetoed"]] == ["县工信局"]

    # 先进单位 by hand: the first 2 by rank of the eligible (not vetoed, total ≥ 70)
    eligible = sorted((n for n in UNITS if n not in VETOED and totals[n] >= 70), key=lambda n: -totals[n])
    winners = eligible[:2]
    assert winners == ["县财政局", "县教育局"]  # 县工信局 (2nd) is vetoed: the place goes to the 3rd
    assert {n: u["awards"] for n, u in units.items()} == {n: (["先进单位"] if n in winners else []) for n in UNITS}
    assert [(a["award"], a["unit"]) for a in results["awards"]] == [("先进单位", "县财政局"), ("先进单位", "县教育局")]

    # 汇总表: the note on the grades not decided by the total alone names both units
    cells = [str(c) for row in summary["汇总表"].iter_rows(values_only=True) for c in row if c is not None]
    note = [c for c in cells if c.startswith("注：下列单位的等次不只由总分决定")]
    assert len(note) == 1
    assert "县财政局（按总分为“优秀”；一票否优（信访稳定" in note[0]
    assert "县卫健委（按总分为“合格”；民主测评满意率低于60%（满意率 52.33%，低于 60%），等次不高于“不合格”）" in note[0]
    # 奖项: the awards, the veto under 二、一票否决 and the 一票否优 under 三、一票否优
    rows = [r for r in summary["奖项"].iter_rows(values_only=True)]
    first = [r[0] for r in rows]
    top = next(k for k, v in enumerate(first) if str(v).startswith("三、一票否优"))
    veto = next(k for k, v in enumerate(first) if str(v).startswith("二、一票否决"))
    assert [r[:3] for r in rows[top + 2:] if r[0]] == [("县财政局", "信访稳定", "县信访局")]
    assert [r[:3] for r in rows[veto + 2:top] if r[0]] == [("县工信局", "安全生产", "县应急管理局")]
    assert [r[:2] for r in rows[2:veto] if r[0]] == [("先进单位", "县财政局"), ("先进单位", "县教育局")]


def _load_make_inputs():
    return load_module(EXAMPLE / "make_inputs.py", "cross_make_inputs")


def test_bundled_cross_inputs_are_what_make_inputs_writes(tmp_path):
    """The committed input/ is the script's output (so RATINGS and SURVEY above describe what the script writes)."""
    module = _load_make_inputs()
    module.generate(tmp_path)
    made = sorted(p.relative_to(tmp_path / "input") for p in (tmp_path / "input").rglob("*") if p.is_file())
    kept = sorted(p.relative_to(EXAMPLE / "input") for p in (EXAMPLE / "input").rglob("*") if p.is_file())
    assert made == kept and len(made) == 5
    for rel in made:
        assert workbook_cells(tmp_path / "input" / rel) == workbook_cells(EXAMPLE / "input" / rel), rel
    # RATINGS is the script's data, by rated unit, cleaned of its mess (but for the rating unit's alias)
    by_rated: dict[str, list] = {}
    for rater, rows in module.CROSS.items():
        written = module.MESS.get(("交叉考核", rater, "rater"), rater)
        for rated, score, _ in rows:
            by_rated.setdefault(rated, []).append((written, F(score)))
    assert by_rated == {u: [(r, F(s)) for r, s in rows] for u, rows in RATINGS.items()}
    assert module.SURVEY == SURVEY
    assert module.GROUPS == GROUPS
    assert {v[1]: v[2] for v in module.VETOES} == {"信访稳定": "县信访局", "安全生产": "县应急管理局"}


def test_cross_messy_cells_are_read_from_where_they_stand(summary):
    """Aliases (as rated and as rating unit), a stray space, "86.5" and "88.5分" as text, "９２．５", merged survey
    cells, a group heading row, a 参评人数 column and a 合计 row: each value read from its own cell."""
    rows = [r for r in summary["评分"].iter_rows(values_only=True)]
    src = {(r[0], r[2]): r[5] for r in rows[1:] if r[1] == "交叉考核"}
    social = "交叉考核/云岭县2025年度县直部门交叉考核评分表（社会事业类）.xlsx › "
    economy = "交叉考核/云岭县2025年度县直部门交叉考核评分表（经济管理类）.xlsx › "
    # a peer rater is shown by its own name, whatever its sheet wrote (县卫生健康委员会)
    assert src[("县教育局", "县卫健委")] == social + "县卫健委!B4"   # "９２．５"
    assert src[("县民政局", "县卫健委")] == social + "县卫健委!B5"
    assert src[("县发展改革委", "县工信局")] == economy + "县工信局!B4"     # "县发展和改革委员会", "86.5"
    questions = [r for r in summary["公众评议"].iter_rows(values_only=True)]
    head = next(k for k, r in enumerate(questions) if r[:4] == ("单位", "轮次", "评议群体", "题目"))
    tallies = {(r[0], r[2], r[3]): tuple(r[4:9]) for r in questions[head + 1:] if r[1] == "年终" and r[3]}
    assert len(tallies) == 9 * 2 * 3
    assert tallies[("县司法局", "服务对象", "履职尽责情况")] == SURVEY["县司法局"]["服务对象"][0]   # "２４"
    assert tallies[("县财政局", "干部职工", "工作作风和服务质量")] == SURVEY["县财政局"]["干部职工"][1]  # "19"
    assert tallies[("县卫健委", "服务对象", "廉洁自律情况")] == SURVEY["县卫健委"]["服务对象"][2]


def test_cross_report_states_the_grade_rule_and_its_effect(cross_run):
    folder, _ = cross_run
    html = (folder / "output" / "考核情况分析报告.html").read_text(encoding="utf-8")
    assert "等次评定除按总分外，满意率低于 60%的，等次不高于“不合格”。" in html
    assert "县卫健委：按总分为“合格”，评定为“不合格”。民主测评满意率低于60%（满意率 52.33%，低于 60%）" in html
    assert "县财政局：信访稳定" in html and "一票否优，不得评为最高等次，不影响评奖" in html
