"""Scheme 1, the village form: examples/village through the real CLI, checked against hand computation.

XX镇 assesses its 8 villages on a 千分制:
  total = 考核组评分 (15 items × 100 = 1500 raw points, sum S → S / 1500 × 1000) × 90%
        + 班子成员评分 (5 members each score the 15 items 0–100; a member's rating = Σ weight × score / 100 with the
          weights 20/10/5/10/5/15/10/5/5/5/4/1/1/2/2; drop one highest and one lowest rating, average the other
          three, × 10 → 千分制) × 10%;
  grades on the published total: ≥ 900 优秀, [800, 900) 良好, [600, 800) 合格, < 600 不合格;
  民主评议 tallies (好 5 / 较好 4 / 一般 3 / 较差 1, 不了解 left out) are reported, not scored.

The hand computations below use only the raw cells of examples/village/input/ (written by
examples/village/make_inputs.py) and the rules of examples/village/config.toml, in exact fractions,
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

EXAMPLE = ROOT / "examples" / "village"

ITEMS = ["党建工作", "党风廉政建设", "精神文明建设", "社会治安综合治理", "精准扶贫帮扶", "精准扶贫", "农业经济", "社会保险",
         "民政工作", "安全生产", "村级财务", "林业管理", "电子商务", "劳务输转", "食品药品安全"]
WEIGHTS = [20, 10, 5, 10, 5, 15, 10, 5, 5, 5, 4, 1, 1, 2, 2]  # 班子成员评分 item weights, Σ = 100


def half_up(x: F, places: int = 2) -> float:
    d = Decimal(x.numerator) / Decimal(x.denominator)
    return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


# Raw values as filed in examples/village/input/.
# "exam": the 得分 column of the village's 考核评分表, per 考核项目 in sub-item order.
# "members": each member's 15 item scores for the village (班子成员评分汇总表, one sheet per member).
HAND = {
    # 考核组评分/东庄村2025年度村级综合目标考核评分表.xlsx (its own workbook; the unit line has a full-width space)
    "东庄村": {
        "exam": {
            "党建工作": ("36.5", 27, "27.5"),        # E4 typed in full-width digits: "３６．５"
            "党风廉政建设": (39, 30, "25.5"),
            "精神文明建设": ("36.5", "29.5", 28),
            "社会治安综合治理": ("39.5", "26.5", "25.5"),
            "精准扶贫帮扶": (49, "49.5"),
            "精准扶贫": (30, "27.5", "17.5", "19.5"),
            "农业经济": (39, "26.5", "25.5"),          # the 39 is stored as text
            "社会保险": ("42.5", 45),
            "民政工作": (34, "28.5", "25.5"),
            "安全生产": (36, "27.5", 29),
            "村级财务": ("38.5", 30, 26),
            "林业管理": ("45.5", 28, 17),
            "电子商务": ("55.5", 38),
            "劳务输转": (52, "36.5"),
            "食品药品安全": ("43.5", "47.5"),
        },
        "members": {
            "王建国": (85, 91, 91, 96, 85, 87, 92, 91, 95, 91, 94, 94, 94, 92, 87),
            "刘志明": (87, 97, 89, 94, 96, 99, 95, 94, 88, 90, 94, 96, 99, 92, 96),  # 党建工作 typed "８７"
            "陈红梅": (96, 95, 91, 99, 92, 92, 91, 88, 93, 100, 98, 93, 88, 89, 88),
            "赵德胜": (100, 98, 90, 94, 99, 91, 99, 100, 89, 92, 100, 97, 97, 100, 94),
            "孙丽": (94, 93, 95, 91, 89, 85, 87, 86, 95, 92, 82, 89, 85, 86, 91),
        },
    },
    # 考核组评分/第二考核组评分表（杨湾村、李楼村、王集村、张营村）.xlsx › 杨湾村
    "杨湾村": {
        "exam": {
            "党建工作": ("39.5", 30, 27),
            "党风廉政建设": ("33.5", "25.5", 27),
            "精神文明建设": (39, "24.5", 26),
            "社会治安综合治理": ("33.5", 25, "27.5"),
            "精准扶贫帮扶": ("46.5", "49.5"),
            "精准扶贫": ("29.5", 25, 19, 17),          # the 19 is written "19分"
            "农业经济": ("32.5", "24.5", "27.5"),
            "社会保险": ("44.5", 41),
            "民政工作": (38, 28, 28),
            "安全生产": (34, 30, 25),                  # the 34 is typed "３４"
            "村级财务": ("35.5", 27, 28),
            "林业管理": ("46.5", "28.5", "17.5"),
            "电子商务": (60, 35),
            "劳务输转": (56, 35),
            "食品药品安全": ("49.5", "43.5"),
        },
        "members": {
            "王建国": (94, 83, 91, 88, 89, 85, 94, 91, 88, 88, 95, 96, 89, 90, 91),
            "刘志明": (90, 94, 86, 94, 96, 86, 91, 95, 91, 97, 86, 96, 89, 90, 90),
            "陈红梅": (94, 91, 91, 89, 92, 89, 88, 93, 95, 99, 95, 91, 89, 88, 86),
            "赵德胜": (99, 97, 92, 95, 96, 92, 100, 88, 94, 98, 96, 93, 95, 88, 98),  # 精准扶贫 stored as text "92"
            "孙丽": (80, 87, 80, 91, 83, 90, 83, 84, 92, 85, 83, 81, 86, 81, 90),
        },
    },
    # the same workbook › 张营村, whose unit line says only "被考核单位：张营" (an alias)
    "张营村": {
        "exam": {
            "党建工作": ("32.5", 15, "27.5"),
            "党风廉政建设": ("24.5", "26.5", "21.5"),
            "精神文明建设": ("29.5", 20, 28),
            "社会治安综合治理": ("22.5", "24.5", 28),
            "精准扶贫帮扶": ("46.5", 45),
            "精准扶贫": ("16.5", 28, 13, 16),
            "农业经济": ("26.5", 19, "25.5"),
            "社会保险": ("26.5", "29.5"),
            "民政工作": ("24.5", 15, 19),
            "安全生产": ("33.5", "27.5", 30),
            "村级财务": ("28.5", "14.5", 29),
            "林业管理": (34, 20, 16),
            "电子商务": ("55.5", 24),
            "劳务输转": (48, 25),
            "食品药品安全": (32, "40.5"),
        },
        "members": {
            "王建国": (79, 79, 77, 72, 67, 69, 73, 67, 76, 71, 72, 66, 66, 74, 79),
            "刘志明": (78, 75, 76, 71, 72, 71, 75, 69, 71, 81, 70, 77, 78, 78, 70),
            "陈红梅": (72, 75, 79, 77, 76, 81, 78, 72, 78, 72, 82, 83, 81, 81, 79),
            "赵德胜": (73, 79, 74, 84, 78, 72, 75, 77, 76, 71, 81, 80, 75, 80, 84),
            "孙丽": (76, 70, 71, 75, 68, 78, 69, 72, 71, 66, 71, 77, 74, 65, 75),
        },
    },
}

# 民主评议 of 南岗村 (年终 only), per group: (好, 较好, 一般, 较差, 不了解) for questions 1–3.
SURVEY_南岗村 = {
    "党员代表": [(15, 5, 1, 1, 0), (10, 4, 1, 0, 0), (11, 8, 1, 0, 0)],
    "村民代表": [(24, 13, 4, 1, 1), (20, 10, 1, 0, 0), (21, 13, 3, 0, 2)],  # the first 24 is stored as text
    "镇机关干部": [(7, 6, 0, 0, 0), (7, 3, 1, 0, 0), (10, 6, 0, 0, 0)],
}


def hand(unit: str) -> dict:
    h = HAND[unit]
    items = {item: sum((F(str(x)) for x in h["exam"][item]), F(0)) for item in ITEMS}
    s = sum(items.values())                       # raw exam sum, out of 1500
    exam = s / 1500 * 1000                        # 考核组评分 on 1000
    ratings = {m: sum((w * F(x) for w, x in zip(WEIGHTS, scores)), F(0)) / 100 for m, scores in h["members"].items()}
    kept = sorted(ratings.values())[1:-1]         # drop one highest and one lowest of the 5
    mean = sum(kept) / len(kept)                  # on 100
    leadership = mean * 10                        # 班子成员评分 on 1000
    return {"items": items, "S": s, "exam": exam, "ratings": ratings, "mean": mean, "leadership": leadership,
            "total": F(9, 10) * exam + F(1, 10) * leadership}


def survey_score(groups: dict[str, list[tuple]]) -> F:
    """County form, one round: question = (5 好 + 4 较好 + 3 一般 + 1 较差) / known answers (不了解 left out);
    group = mean of its questions / 5 × 100; village = mean of the groups."""
    scores = []
    for questions in groups.values():
        qs = [F(5 * a + 4 * b + 3 * c + 1 * d, a + b + c + d) for a, b, c, d, _unknown in questions]
        scores.append(sum(qs) / len(qs) / 5 * 100)
    return sum(scores) / len(scores)


@pytest.fixture
def village(tmp_path) -> Path:
    """A copy of examples/village (config.toml, input/, make_inputs.py) to run on."""
    folder = tmp_path / "村级综合考核"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("output", "__pycache__"))
    return folder


@pytest.fixture
def results(village) -> dict:
    res = kaohe("run", village)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "未发现问题" in res.stdout and "Traceback" not in res.stderr
    return json.loads((village / "output" / "results.json").read_text(encoding="utf-8"))


def test_village_example_matches_hand_computation(results):
    assert results["issues"] == []
    assert results["assessment"]["title"] == "XX镇2025年度村级综合目标考核"
    assert results["assessment"]["full_score"] == 1000
    assert {c["name"]: (c["kind"], c["weight"], c["full"]) for c in results["components"]} == {
        "考核组评分": ("indicators", 0.9, 1000), "班子成员评分": ("ratings", 0.1, 1000)}
    assert len(results["indicators"]) == 41  # 15 items with 2–4 sub-items each
    units = {u["unit"]: u for u in results["units"]}
    assert list(units) and len(units) == 8

    for name in HAND:
        h = hand(name)
        got = units[name]
        # each 考核项目 (a category with declared points 100) is the sum of its sub-items
        assert got["categories"] == {item: half_up(v) for item, v in h["items"].items()}, name
        assert got["components"] == {"考核组评分": half_up(h["exam"]), "班子成员评分": half_up(h["leadership"])}, name
        assert got["total"] == half_up(h["total"]), name

    # The figures, written out.
    # 东庄村: S = 1381 → 1381 / 1500 × 1000 = 920.666…; members 89.82, 93.17, 93.97, 96.07, 90.06 → drop 96.07
    # and 89.82 → (93.17 + 93.97 + 90.06) / 3 = 92.4 → 924; total 0.9 × 920.666… + 0.1 × 924 = 828.6 + 92.4 = 921
    d = hand("东庄村")
    assert d["S"] == 1381 and d["exam"] == F(2762, 3)
    assert d["ratings"] == {"王建国": F("89.82"), "刘志明": F("93.17"), "陈红梅": F("93.97"), "赵德胜": F("96.07"),
                            "孙丽": F("90.06")}
    assert d["mean"] == F("92.4") and d["leadership"] == 924 and d["total"] == 921
    assert units["东庄村"]["components"] == {"考核组评分": 920.67, "班子成员评分": 924.0}
    assert units["东庄村"]["total"] == 921.0
    # 杨湾村: S = 1359.5 → 906.333…; members 89.67, 90.94, 91.53, 95.64, 85.21 → drop 95.64 and 85.21
    # → (89.67 + 90.94 + 91.53) / 3 = 90.71333… → 907.1333…; total 815.7 + 90.71333… = 906.41333…
    y = hand("杨湾村")
    assert y["S"] == F("1359.5") and y["exam"] == F(2719, 3)
    assert y["ratings"] == {"王建国": F("89.67"), "刘志明": F("90.94"), "陈红梅": F("91.53"), "赵德胜": F("95.64"),
                            "孙丽": F("85.21")}
    assert y["mean"] == F("272.14") / 3 and y["total"] == F("815.7") + F("272.14") / 3
    assert units["杨湾村"]["components"] == {"考核组评分": 906.33, "班子成员评分": 907.13}
    assert units["杨湾村"]["total"] == 906.41
    # 张营村 (filed as "张营"): S = 1108.5 → 739; members 73.71, 74.11, 76.52, 76.07, 72.85 → drop 76.52 and 72.85
    # → (73.71 + 74.11 + 76.07) / 3 = 74.63 → 746.3; total 0.9 × 739 + 0.1 × 746.3 = 665.1 + 74.63 = 739.73
    z = hand("张营村")
    assert z["S"] == F("1108.5") and z["exam"] == 739
    assert sorted(z["ratings"].values()) == [F("72.85"), F("73.71"), F("74.11"), F("76.07"), F("76.52")]
    assert z["mean"] == F("74.63") and z["total"] == F("739.73")
    assert units["张营村"]["components"] == {"考核组评分": 739.0, "班子成员评分": 746.3}
    assert units["张营村"]["total"] == 739.73
    # The messy cells read as the office meant them.
    assert units["东庄村"]["indicators"]["V01.1"] == 36.5 and units["东庄村"]["indicators"]["V07.1"] == 39.0
    assert units["杨湾村"]["indicators"]["V06.3"] == 19.0 and units["杨湾村"]["indicators"]["V10.1"] == 34.0


def test_village_ranks_grades_and_awards(results):
    units = {u["unit"]: u for u in results["units"]}
    totals = {n: u["total"] for n, u in units.items()}
    assert len(set(totals.values())) == 8
    for n, u in units.items():
        assert u["rank"] == 1 + sum(1 for t in totals.values() if t > totals[n]), n
        band = "优秀" if u["total"] >= 900 else "良好" if u["total"] >= 800 else "合格" if u["total"] >= 600 else "不合格"
        assert u["grade"] == band, n
    assert (units["东庄村"]["rank"], units["东庄村"]["grade"]) == (1, "优秀")
    assert (units["杨湾村"]["rank"], units["杨湾村"]["grade"]) == (2, "优秀")
    assert (units["张营村"]["rank"], units["张营村"]["grade"]) == (8, "合格")
    # Prizes 1 + 2 + 3 to the first six of the units with at least 700 points (70% of 1000); all eight qualify.
    assert all(t >= 700 for t in totals.values())
    assert units["东庄村"]["awards"] == ["村级综合目标考核一等奖"]
    assert units["杨湾村"]["awards"] == ["村级综合目标考核二等奖"]
    assert [u["unit"] for u in results["units"] if u["awards"]] == [u["unit"] for u in results["units"]][:6]
    assert units["张营村"]["awards"] == []


def test_village_democratic_evaluation_is_reported_not_scored(village, results):
    """民主评议 has a [survey] section but no survey component: its tallies appear in the workbook, not in totals."""
    assert all(set(u["components"]) == {"考核组评分", "班子成员评分"} for u in results["units"])
    wb = openpyxl.load_workbook(village / "output" / "考核结果汇总表.xlsx")
    rows = [r for r in wb["公众评议"].iter_rows(values_only=True)]
    finals_at = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("三、"))
    head = [header_text(h) for h in rows[finals_at + 1]]
    finals = {r[0]: dict(zip(head, r)) for r in rows[finals_at + 2:] if r[0]}
    assert set(finals) == set(HAND) | {"西庄村", "南岗村", "北岗村", "李楼村", "王集村"}
    # 南岗村: groups 90.6666…, 90.0276…, 91.3927… → 90.6957…
    assert finals["南岗村"]["评议得分"] == half_up(survey_score(SURVEY_南岗村)) == 90.7
    # its answers over the three groups' questions, (好, 较好, 一般, 较差, 不了解) each, and the rate of 好 + 较好
    answers = [q for questions in SURVEY_南岗村.values() for q in questions]
    totals = [sum(q[k] for q in answers) for k in range(5)]
    got = finals["南岗村"]
    assert [got[f"{ch}（人次）"] for ch in ("好", "较好", "一般", "较差", "不了解")] == totals
    rate = (totals[0] + totals[1]) / sum(totals[:4])
    assert got["满意率（好+较好）"] == round(rate, 4)
    nangang = next(u for u in results["units"] if u["unit"] == "南岗村")
    assert nangang["survey"]["satisfaction_rate"] == round(rate, 4) and nangang["survey"]["answered"] == sum(totals[:4])
    # section 一: per group (单位, 轮次, 评议群体, 样本量, 得分, …); 样本量 = the most respondents to one question
    questions_at = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("二、"))
    groups = {r[2]: (r[3], r[4]) for r in rows[2:questions_at] if r[0] == "南岗村" and r[1] == "年终"}
    assert set(groups) == set(SURVEY_南岗村)
    for group, questions in SURVEY_南岗村.items():
        assert groups[group] == (max(sum(q) for q in questions), half_up(survey_score({group: questions}))), group



def _load_make_inputs():
    return load_module(EXAMPLE / "make_inputs.py", "village_make_inputs")




def test_bundled_village_inputs_are_what_make_inputs_writes(tmp_path):
    """The committed input/ is the script's output (so the hand values above describe what the script writes)."""
    _load_make_inputs().generate(tmp_path)
    made = sorted(p.relative_to(tmp_path / "input") for p in (tmp_path / "input").rglob("*.xlsx"))
    kept = sorted(p.relative_to(EXAMPLE / "input") for p in (EXAMPLE / "input").rglob("*.xlsx"))
    assert made == kept and len(made) == 8
    for rel in made:
        assert workbook_cells(tmp_path / "input" / rel) == workbook_cells(EXAMPLE / "input" / rel), rel
