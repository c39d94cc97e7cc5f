"""Scheme 3, the district form: examples/district through the real CLI, checked against hand computation.

XX区 assesses its 12 departments (区直部门, groups 经济发展类 / 社会管理类):
  total = 指标考核 60 (单位自评 10 + 组织考评 50) + 公众评议 40 (4 groups × 10, 中期 30% + 年终 70%)
          + 改革创新加分 (1 per item, at most 3) − 察访核验扣分 (at most 5);
  grades on the published total: ≥ 90 优, [76, 90) 良, [60, 76) 一般, < 60 差.

The hand computations below use only the raw cells of examples/district/input/ (written by
examples/district/make_inputs.py) and the rules of examples/district/config.toml, in exact fractions,
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

from conftest import ROOT, kaohe, load_module, workbook_cells

EXAMPLE = ROOT / "examples" / "district"


def half_up(x: F, places: int = 2) -> float:
    d = Decimal(x.numerator) / Decimal(x.denominator)
    return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def completion(points, actual, target, floor=None):  # higher-better, cap 1.0
    r = F(actual) / F(target)
    if floor is not None and r < F(floor):
        return F(0)
    return points * min(r, F(1))


def public_score(tallies: dict[str, dict[str, list[tuple[int, int, int, int]]]]) -> F:
    """District form: question = (5×满意 + 3×基本满意) / known answers (不了解 left out);
    group = mean of its questions / 5 × 10 points; round = sum of the 4 groups (on 40); 中期 30% + 年终 70%."""
    weights = {"中期": F(3, 10), "年终": F(7, 10)}
    total = F(0)
    for rnd, groups in tallies.items():
        round_score = F(0)
        for questions in groups.values():
            qs = [F(5 * s + 3 * b, s + b + n) for s, b, n, _u in questions]
            round_score += sum(qs) / len(qs) / 5 * 10
        total += weights[rnd] * round_score
    return total


# Raw values as filed in examples/district/input/ (tallies are 满意/基本满意/不满意/不了解, questions 1–3).
HAND = {
    "区发改局": {
        "indicators": {
            "S1": F("9.6"),                          # 单位自评表 C4
            "Z1": completion(15, 26, 26),            # 26 of 26 tasks
            "Z2": completion(10, "48650.5", 45000, floor="0.5"),  # cell holds the text "48,650.5"; 108% -> capped at 10
            "Z3": F("4.8"),
            "G1": F(6),                              # 98.5% ≥ 95%
            "G2": F(4),                              # 100% ≥ 98%
            "G3": F(6),                              # no 通报批评
            "G4": F("3.8"),
        },
        "survey": {
            "中期": {"网上评议": [(96, 29, 4, 6), (93, 31, 2, 7), (79, 25, 0, 0)],
                     "人大代表政协委员": [(18, 3, 0, 0), (14, 4, 0, 0), (22, 6, 1, 1)],
                     "城乡居民": [(58, 10, 1, 1), (47, 6, 1, 2), (33, 12, 0, 1)],
                     "企业": [(23, 5, 1, 0), (32, 5, 1, 1), (25, 5, 0, 0)]},
            "年终": {"网上评议": [(112, 35, 2, 6), (75, 27, 0, 1), (100, 30, 1, 4)],
                     "人大代表政协委员": [(19, 6, 0, 0), (17, 3, 0, 1), (16, 4, 0, 1)],
                     "城乡居民": [(43, 8, 0, 2), (58, 8, 0, 3), (47, 4, 0, 3)],
                     # the first 满意 count is typed in full-width digits ("２８")
                     "企业": [(28, 4, 0, 1), (26, 6, 0, 1), (35, 6, 0, 1)]},
        },
        "bonus_items": [1, 1, 1, 1],   # four 改革创新 items of 1 point: 4, capped at 3
        "deduction_items": [],
    },
    "区教育局": {
        "indicators": {
            "S1": F("9.5"),
            "Z1": completion(15, 20, 21),
            "Z2": completion(10, 21450, 22000, floor="0.5"),  # 97.5%
            "Z3": F("4.7"),
            "G1": F(6),                              # 97.4% ≥ 95%
            "G2": F(4),                              # 99.0% ≥ 98%
            "G3": F(6),
            "G4": F("3.8"),
        },
        "survey": {
            "中期": {"网上评议": [(77, 24, 3, 5), (71, 34, 4, 0), (89, 41, 5, 0)],
                     "人大代表政协委员": [(15, 6, 0, 0), (17, 6, 1, 0), (15, 6, 0, 0)],
                     "城乡居民": [(39, 9, 1, 1), (48, 22, 0, 0), (34, 7, 2, 1)],
                     "企业": [(20, 6, 0, 0), (32, 10, 1, 0), (31, 7, 0, 1)]},
            "年终": {"网上评议": [(84, 21, 4, 5), (94, 16, 5, 2), (107, 26, 0, 4)],
                     "人大代表政协委员": [(19, 9, 0, 1), (13, 7, 0, 0), (15, 6, 0, 1)],
                     "城乡居民": [(49, 16, 1, 3), (42, 15, 2, 0), (31, 14, 1, 0)],
                     "企业": [(21, 8, 0, 1), (18, 9, 0, 0), (26, 6, 1, 1)]},
        },
        "bonus_items": [1],            # below both caps
        "deduction_items": [1],        # registered as −1
    },
    "区生态环境分局": {
        "indicators": {
            "S1": F("8.8"),
            "Z1": completion(15, 12, 16),            # 11.25
            "Z2": completion(10, 4120, 9000, floor="0.5"),  # 45.8% < 50% floor -> 0
            "Z3": F("3.9"),
            "G1": 6 - (95 - F("90.6")) * 1,          # typed "９０．６"; 4.4 points short, 1 per point -> 1.6
            "G2": 4 - 3 * 1,                         # 95.5% vs 98%: 2.5 short, whole steps (ceil) -> 3 -> 1
            "G3": F(6 - 2 * 2),                      # 2 通报批评 × 2 points
            "G4": F("3.2"),
        },
        "survey": {
            "中期": {"网上评议": [(61, 65, 0, 2), (70, 78, 0, 4), (55, 56, 3, 6)],
                     "人大代表政协委员": [(15, 11, 0, 0), (18, 10, 1, 1), (14, 15, 1, 0)],
                     "城乡居民": [(36, 22, 0, 2), (26, 25, 2, 0), (34, 26, 0, 1)],
                     "企业": [(17, 18, 0, 1), (15, 13, 0, 1), (19, 13, 0, 0)]},
            "年终": {"网上评议": [(82, 56, 7, 6), (83, 49, 1, 5), (69, 45, 6, 0)],
                     "人大代表政协委员": [(14, 8, 0, 1), (15, 14, 0, 0), (11, 8, 0, 0)],
                     "城乡居民": [(34, 17, 1, 2), (31, 26, 1, 1), (23, 22, 0, 2)],
                     "企业": [(22, 15, 1, 1), (26, 13, 2, 1), (21, 19, 1, 1)]},
        },
        "bonus_items": [],
        "deduction_items": [2, 2, F("1.5")],  # registered as −2, −2, −1.5: 5.5, capped at 5
    },
}
BONUS_CAP, DEDUCTION_CAP = F(3), F(5)


def hand(unit: str) -> dict[str, F]:
    h = HAND[unit]
    ind = h["indicators"]
    indicators = sum(ind.values())  # 10 + 30 + 20 = 60 points = the component's full mark, weight 1
    public = public_score(h["survey"])  # on 40 = the component's full mark, weight 1
    bonus = min(sum(h["bonus_items"], F(0)), BONUS_CAP)
    deduction = min(sum(h["deduction_items"], F(0)), DEDUCTION_CAP)
    return {
        "单位自评": ind["S1"],
        "组织考评/职能目标": ind["Z1"] + ind["Z2"] + ind["Z3"],
        "组织考评/共性目标": ind["G1"] + ind["G2"] + ind["G3"] + ind["G4"],
        "指标考核": indicators,
        "公众评议": public,
        "改革创新加分": bonus,
        "察访核验扣分": deduction,
        "total": indicators + public + bonus - deduction,
    }


@pytest.fixture
def district(tmp_path) -> Path:
    """A copy of examples/district (config.toml, input/, make_inputs.py) to run on."""
    folder = tmp_path / "区直部门考核"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("output", "__pycache__"))
    return folder


@pytest.fixture
def results(district) -> dict:
    res = kaohe("run", district)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "未发现问题" in res.stdout and "Traceback" not in res.stderr
    return json.loads((district / "output" / "results.json").read_text(encoding="utf-8"))


def test_district_example_matches_hand_computation(results):
    assert results["issues"] == []
    assert results["assessment"]["title"] == "XX区2025年度区直部门目标管理绩效考核"
    assert results["assessment"]["full_score"] == 100
    assert {c["name"]: (c["weight"], c["full"]) for c in results["components"]} == {
        "指标考核": (1, 60), "公众评议": (1, 40)}
    units = {u["unit"]: u for u in results["units"]}
    assert len(units) == 12

    for name, h in HAND.items():
        expected = hand(name)
        got = units[name]
        for ind_id, score in h["indicators"].items():
            assert got["indicators"][ind_id] == half_up(score), (name, ind_id)
        for key in ("单位自评", "组织考评/职能目标", "组织考评/共性目标"):
            assert got["tree"][key] == half_up(expected[key]), (name, key)
        assert got["components"]["指标考核"] == half_up(expected["指标考核"]), name
        assert got["components"]["公众评议"] == half_up(expected["公众评议"]), name
        assert got["adjustments"] == {"改革创新加分": half_up(expected["改革创新加分"]),
                                      "察访核验扣分": half_up(expected["察访核验扣分"])}, name
        assert got["total"] == half_up(expected["total"]), name

    # The figures, written out.
    # 区发改局: 59.2 + 36.870… + min(4, 3) − 0 = 99.07 (the 改革创新 cap costs it a point)
    assert hand("区发改局")["指标考核"] == F("59.2")
    assert units["区发改局"]["components"] == {"指标考核": 59.2, "公众评议": 36.87}
    assert units["区发改局"]["adjustments"] == {"改革创新加分": 3.0, "察访核验扣分": 0.0}
    assert units["区发改局"]["total"] == 99.07
    # 区教育局: 9.5 + (15×20/21 + 9.75 + 4.7) + (6 + 4 + 6 + 3.8) = 58.0357… ; + 35.28… + 1 − 1 = 93.32
    assert units["区教育局"]["components"] == {"指标考核": 58.04, "公众评议": 35.28}
    assert units["区教育局"]["total"] == 93.32
    # 区生态环境分局: 8.8 + (11.25 + 0 + 3.9) + (1.6 + 1 + 2 + 3.2) = 31.75; + 32.60… − min(5.5, 5) = 59.35
    assert hand("区生态环境分局")["指标考核"] == F("31.75")
    assert units["区生态环境分局"]["components"] == {"指标考核": 31.75, "公众评议": 32.6}
    assert units["区生态环境分局"]["adjustments"] == {"改革创新加分": 0.0, "察访核验扣分": 5.0}
    assert units["区生态环境分局"]["total"] == 59.35
    # Uncapped, the two capped units would publish 100.07 and 58.85.
    assert half_up(hand("区发改局")["total"] + 1) == 100.07
    assert half_up(hand("区生态环境分局")["total"] - F(1, 2)) == 58.85


def test_district_ranks_grades_and_awards(results):
    units = {u["unit"]: u for u in results["units"]}
    totals = {n: u["total"] for n, u in units.items()}
    # Competition ranks on the published totals, overall and within each group; no ties in this example.
    assert len(set(totals.values())) == 12
    for n, u in units.items():
        assert u["rank"] == 1 + sum(1 for t in totals.values() if t > totals[n]), n
        peers = [m for m in units if units[m]["group"] == u["group"]]
        assert u["group_rank"] == 1 + sum(1 for m in peers if totals[m] > totals[n]), n
        band = "优" if u["total"] >= 90 else "良" if u["total"] >= 76 else "一般" if u["total"] >= 60 else "差"
        assert u["grade"] == band, n
    # The hand-checked units.
    assert (units["区发改局"]["rank"], units["区发改局"]["group_rank"], units["区发改局"]["grade"]) == (1, 1, "优")
    assert units["区发改局"]["group"] == "经济发展类"
    assert (units["区教育局"]["rank"], units["区教育局"]["group_rank"], units["区教育局"]["grade"]) == (4, 1, "优")
    assert units["区教育局"]["group"] == "社会管理类"
    assert (units["区生态环境分局"]["rank"], units["区生态环境分局"]["group_rank"],
            units["区生态环境分局"]["grade"]) == (12, 6, "差")
    # Every grade occurs: 5 优, 5 良, 区商务局 一般 (74.79), 区生态环境分局 差.
    grades = [u["grade"] for u in results["units"]]
    assert [grades.count(g) for g in ("优", "良", "一般", "差")] == [5, 5, 1, 1]
    assert units["区商务局"]["grade"] == "一般"
    # 先进单位: the first 3 of the units with at least 90 points (90% of 100).
    assert [u["unit"] for u in results["units"] if u["awards"]] == ["区发改局", "区财政局", "区农业农村局"]
    assert units["区教育局"]["awards"] == [] and units["区生态环境分局"]["awards"] == []


def test_district_messy_cells_are_read_right_and_traced(district):
    """Alias names, text numbers ("48,650.5", "9.4分"), full-width "９０．６", a 97.5% percentage cell."""
    assert kaohe("run", district).returncode == 0
    wb = openpyxl.load_workbook(district / "output" / "考核结果汇总表.xlsx")
    rows = list(wb["明细"].iter_rows(values_only=True))
    header = rows[0]
    detail = {(r[header.index("单位")], r[header.index("指标编号")]): r for r in rows[1:]}
    raw = header.index("原始值")
    src = next(i for i, h in enumerate(header) if h and str(h).startswith("数据来源"))
    stats = "区统计局/2025年度区直部门组织考评指标数据（区统计局）.xlsx › 指标数据!"
    assert detail[("区发改局", "Z2")][raw] == 48650.5  # row written as 区发展和改革局
    assert detail[("区发改局", "Z2")][src].endswith(stats + "C5")
    assert detail[("区住建局", "G2")][raw] == 97.5
    assert detail[("区生态环境分局", "G1")][raw] == 90.6
    assert detail[("区卫健局", "S1")][raw] == 9.4
    assert detail[("区人社局", "S1")][src].endswith("区人社局2025年度目标管理绩效考核单位自评表.xlsx › 自评表!C4")



def _load_make_inputs():
    return load_module(EXAMPLE / "make_inputs.py", "district_make_inputs")




def test_bundled_district_inputs_are_what_make_inputs_writes(tmp_path):
    """The committed input/ is the script's output (so the hand values above describe what the script writes)."""
    _load_make_inputs().generate(tmp_path)
    made = sorted(p.relative_to(tmp_path / "input") for p in (tmp_path / "input").rglob("*.xlsx"))
    kept = sorted(p.relative_to(EXAMPLE / "input") for p in (EXAMPLE / "input").rglob("*.xlsx"))
    assert made == kept and len(made) == 17
    for rel in made:
        assert workbook_cells(tmp_path / "input" / rel) == workbook_cells(EXAMPLE / "input" / rel), rel
