"""Scheme 2, 争先进位 target management: examples/target through the real CLI, checked against hand computation.

青石镇 assesses 6 villages (行政村) and 4 organ units (机关站所) in two groups:
  total = 季度考核 × 40 % (mean of the four quarters' 100-point scores)
        + 年终考核 × 60 % (annual targets, 100 points: 人口和计划生育 35, 经济发展 30, 平安建设 20, 党的建设 15);
  R3 社会抚养费征收率 and J1 山药种植面积 are assessed for villages only (`groups = ["行政村"]`): an organ unit's
  人口和计划生育 and 经济发展 are its other indicators' points scaled up to the category's full points;
  one 综合先进 per group, one 单项奖 per category (人口和计划生育, 经济发展, 平安建设) among eligible units
  (total ≥ 70, not vetoed); 一票否决 (党风廉政建设 / 社会治安综合治理 / 计划生育 / 安全生产) takes away awards only.

The hand computations below use only the raw cells of examples/target/input/ (written by
examples/target/make_inputs.py) and the rules of examples/target/config.toml, in exact fractions,
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

EXAMPLE = ROOT / "examples" / "target"
VILLAGES = ["东岗村", "西岗村", "南湾村", "北坡村", "河口村", "柳树村"]
ORGANS = ["农业服务中心", "财政所", "派出所", "卫生院"]


def half_up(x: F, places: int = 2) -> float:
    d = Decimal(x.numerator) / Decimal(x.denominator)
    return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


# Raw values as filed in examples/target/input/ (several cells are written messily; noted where they are):
#   R1 人口出生率 ‰, R2 计划生育率 % (stored as 0.936 in cells formatted 0.0%), R3 社会抚养费征收率 %
#   (villages only: “—” for organ units), J1 山药种植面积 (完成值, 目标值) 亩 (villages only: “/”), J2 劳动力培训 人次, J3 千万元以上项目投资 (累计完成, 累计目标) 万元
#   (the 本年完成/本年目标 columns beside them are not scored: 连续考核), S1 伤亡事故起数,
#   S2 信访事项按期办结率 %, D1 党建工作考评得分, Q the four quarters' scores.
RAW = {
    "东岗村": dict(R1="11.62", R2="93.6", R3="62.5", J1=(1286, 1200), J2=260, J3=(2680, 2500), S1=0, S2="98.0",
                   D1="14.2", Q=(92, 94, "93.5", 95)),   # "东岗" (alias) in 计生办; J1 typed "1,286"; D1 "14.2分"
    "西岗村": dict(R1="12.35", R2="91.2", R3="59.0", J1=(1050, 1000), J2=236, J3=(1820, 2000), S1=0, S2="96.5",
                   D1="13.8", Q=(90, "91.5", 92, 93)),   # R1 "12.35‰", R3 "59.0%", J2 "236人次", S2 "９６．５", Q2 "９１．５"
    "南湾村": dict(R1="14.80", R2="86.5", R3="47.5", J1=(912, 1000), J2=180, J3=(1530, 1500), S1=1, S2="92.0",
                   D1="13.0", Q=(85, 86, "88.5", 87)),
    "北坡村": dict(R1="15.60", R2="83.6", R3="38.0", J1=(640, 800), J2=150, J3=(930, 1200), S1=0, S2="90.5",
                   D1="12.1", Q=(78, "80.5", 79, 82)),   # Q4 typed "82分"
    "河口村": dict(R1="13.10", R2="88.9", R3="52.3", J1=(1000, 1000), J2=210, J3=(2065, 2000), S1=0, S2="97.0",
                   D1="13.5", Q=(88, 89, "90.5", 91)),
    "柳树村": dict(R1="12.96", R2="84.3", R3="44.0", J1=(736, 800), J2=172, J3=(1080, 1200), S1=2, S2="93.5",
                   D1="12.6", Q=(82, 81, 84, "85.5")),   # S1 typed "2起"
    "农业服务中心": dict(R1="10.50", R2="96.0", R3=None, J1=None, J2=236, J3=(1620, 1500), S1=1, S2="95.0",
                         D1="13.6", Q=(91, 92, 93, 94)),   # "镇农业服务中心" (alias) in 经发办
    "财政所": dict(R1="9.80", R2="100", R3=None, J1=None, J2=205, J3=(1000, 1000), S1=0, S2="100",
                   D1="14.0", Q=("90.5", 92, 91, "93.5")),  # "镇财政所" (alias) in 季度考核
    "派出所": dict(R1="11.20", R2="97.5", R3=None, J1=None, J2=160, J3=(870, 1000), S1=0, S2="92.0",
                   D1="13.2", Q=(86, "87.5", 88, 89)),   # "派出所 " (trailing space) in 安监站
    "卫生院": dict(R1="12.40", R2="95.2", R3=None, J1=None, J2=215, J3=(1150, 1000), S1=0, S2="97.0",
                   D1="13.4", Q=(88, "88.5", 90, 91)),   # "青石镇卫生院" (alias) in 综治中心
}
GROUP = {**{u: VILLAGES for u in VILLAGES}, **{u: ORGANS for u in ORGANS}}
VETOED = {"东岗村": ("党风廉政建设", "镇纪委")}
POINTS = {"R1": 10, "R2": 15, "R3": 10, "J1": 10, "J2": 10, "J3": 10, "S1": 10, "S2": 10, "D1": 15}
CATEGORIES = {"人口和计划生育": ("R1", "R2", "R3"), "经济发展": ("J1", "J2", "J3"), "平安建设": ("S1", "S2"),
              "党的建设": ("D1",)}


def indicator_scores(unit: str) -> dict[str, F | None]:
    """Every indicator's exact score; None for the two indicators an organ unit is not assessed on."""
    r = RAW[unit]
    # R1 lower-better completion, target 14‰: full at or below 14, else 10 × 14 / actual
    r1 = F(r["R1"])
    R1 = F(10) if r1 <= 14 else 10 * F(14) / r1
    # R2 step: target 85 %, 2 points per percentage point short (proportional), floor 0
    R2 = max(F(0), 15 - 2 * max(F(0), 85 - F(r["R2"])))
    # R3 completion against 50 %, cap 120 %, nothing below 80 % of the target (villages only)
    if unit in VILLAGES:
        ratio = F(r["R3"]) / 50
        R3 = F(0) if ratio < F(8, 10) else 10 * min(ratio, F(12, 10))
    else:
        R3 = None
    # J1 completion against the 目标值 column, cap 100 % (villages only)
    J1 = 10 * min(F(*r["J1"]), F(1)) if unit in VILLAGES else None
    # J2 completion against 200 人次, cap 120 %
    J2 = 10 * min(F(r["J2"], 200), F(12, 10))
    # J3 连续考核: 累计完成 / 累计目标, cap 100 %
    J3 = 10 * min(F(*r["J3"]), F(1))
    # S1 5 points per accident, floor 0
    S1 = max(F(0), 10 - 5 * F(r["S1"]))
    # S2 efficacy within the unit's own group: x_s = the group's best, x_u = its worst, base 0.6
    values = [F(RAW[u]["S2"]) for u in GROUP[unit]]
    best, worst = max(values), min(values)
    S2 = 10 * (F(6, 10) + F(4, 10) * min(F(1), (F(r["S2"]) - worst) / (best - worst)))
    return {"R1": R1, "R2": R2, "R3": R3, "J1": J1, "J2": J2, "J3": J3, "S1": S1, "S2": S2, "D1": F(r["D1"])}


def hand(unit: str) -> dict:
    ind = indicator_scores(unit)
    categories = {}
    for name, ids in CATEGORIES.items():
        # the assessed indicators' points, scaled up to the category's full points when one is not assessed
        got = sum(ind[i] for i in ids if ind[i] is not None)
        have = sum(POINTS[i] for i in ids if ind[i] is not None)
        categories[name] = got * sum(POINTS[i] for i in ids) / have
    annual = sum(categories.values())            # raw points on 100 = the component's full mark
    quarterly = sum(F(q) for q in RAW[unit]["Q"]) / 4
    return {"indicators": ind, "categories": categories, "年终考核": annual, "季度考核": quarterly,
            "total": F(4, 10) * quarterly + F(6, 10) * annual}


@pytest.fixture
def target(tmp_path) -> Path:
    """A copy of examples/target (config.toml, input/, make_inputs.py) to run on."""
    folder = tmp_path / "争先进位考核"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("output", "__pycache__"))
    return folder


@pytest.fixture
def results(target) -> dict:
    res = kaohe("run", target)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "未发现问题" in res.stdout and "Traceback" not in res.stderr
    return json.loads((target / "output" / "results.json").read_text(encoding="utf-8"))


def test_target_example_matches_hand_computation(results):
    assert results["issues"] == []
    assert results["assessment"]["title"] == "青石镇2025年度村（站所）争先进位目标管理考核"
    assert {c["name"]: (c["kind"], c["weight"], c["full"]) for c in results["components"]} == {
        "季度考核": ("ratings", 0.4, 100), "年终考核": ("indicators", 0.6, 100)}
    units = {u["unit"]: u for u in results["units"]}
    assert len(units) == 10
    assert {u: units[u]["group"] for u in units} == {**{v: "行政村" for v in VILLAGES}, **{o: "机关站所" for o in ORGANS}}

    for name in RAW:  # every unit, not only the ones written out below
        expected = hand(name)
        got = units[name]
        for ind_id, score in expected["indicators"].items():
            assert got["indicators"][ind_id] == (None if score is None else half_up(score)), (name, ind_id)
        assert got["categories"] == {k: half_up(v) for k, v in expected["categories"].items()}, name
        assert got["components"] == {"季度考核": half_up(expected["季度考核"]),
                                     "年终考核": half_up(expected["年终考核"])}, name
        assert got["total"] == half_up(expected["total"]), name

    # The figures, written out.
    # 西岗村 (行政村): R1 10 (12.35‰ ≤ 14‰) + R2 15 (91.2% ≥ 85%) + R3 10 × 59/50 = 11.8
    #   + J1 10 (1050 ≥ 1000 亩) + J2 10 × 236/200 = 11.8 + J3 10 × 1820/2000 = 9.1 (连续考核: not 960/1000 = 9.6)
    #   + S1 10 + S2 10 × (0.6 + 0.4 × (96.5 − 90.5)/(98.0 − 90.5)) = 9.2 + D1 13.8 = 100.7;
    #   quarters (90 + 91.5 + 92 + 93)/4 = 91.625; total 0.4 × 91.625 + 0.6 × 100.7 = 36.65 + 60.42 = 97.07
    west = hand("西岗村")
    assert west["indicators"]["J3"] == F(91, 10) and west["indicators"]["S2"] == F(46, 5)
    assert west["年终考核"] == F(1007, 10) and west["季度考核"] == F(733, 8)
    assert west["total"] == F(9707, 100)
    assert units["西岗村"]["components"] == {"季度考核": 91.63, "年终考核": 100.7}
    assert units["西岗村"]["total"] == 97.07
    # 财政所 (机关站所, not assessed on R3 and J1):
    #   人口和计划生育 (R1 10 + R2 15) × 35/25 = 35; 经济发展 (J2 10 × 205/200 = 10.25 + J3 10, 1000 of 1000) × 30/20
    #   = 30.375; 平安建设 S1 10 + S2 10 (100%, the best organ unit) = 20; 党的建设 14.0 → 年终考核 99.375;
    #   quarters (90.5 + 92 + 91 + 93.5)/4 = 91.75; total 0.4 × 91.75 + 0.6 × 99.375 = 36.7 + 59.625 = 96.325,
    #   exactly half a cent: published 96.33 (四舍五入)
    finance = hand("财政所")
    assert finance["categories"] == {"人口和计划生育": 35, "经济发展": F(30375, 1000), "平安建设": 20,
                                     "党的建设": F(14)}
    assert finance["年终考核"] == F(99375, 1000) and finance["季度考核"] == F(9175, 100)
    assert finance["total"] == F(96325, 1000)
    assert units["财政所"]["indicators"]["R3"] is None and units["财政所"]["indicators"]["J1"] is None
    assert units["财政所"]["categories"] == {"人口和计划生育": 35.0, "经济发展": 30.38, "平安建设": 20.0, "党的建设": 14.0}
    assert units["财政所"]["components"] == {"季度考核": 91.75, "年终考核": 99.38}
    assert units["财政所"]["total"] == 96.33
    # 卫生院: 35 + (10 × 215/200 + 10 × 1150/1000 → 10) × 30/20 = 31.125 + (10 + 8.5) + 13.4 = 98.025;
    #   0.4 × 89.375 + 0.6 × 98.025 = 35.75 + 58.815 = 94.565 → 94.57
    assert hand("卫生院")["total"] == F(94565, 1000) and units["卫生院"]["total"] == 94.57
    # 北坡村: R1 10 × 14/15.6 = 8.974… (lower-better), R2 15 − 2 × 1.4 = 12.2, R3 38/50 = 76% < 80% floor → 0,
    #   J1 640/800 → 8, J2 150/200 → 7.5, J3 930/1200 → 7.75, S1 10, S2 6 (the worst village), D1 12.1
    #   = 72.524…; quarters 79.875; total 31.95 + 43.514… = 75.46
    north = hand("北坡村")
    assert north["indicators"]["R1"] == F(140, 156) * 10 and north["indicators"]["R2"] == F(122, 10)
    assert north["indicators"]["R3"] == 0
    assert units["北坡村"]["indicators"] == {"R1": 8.97, "R2": 12.2, "R3": 0.0, "J1": 8.0, "J2": 7.5, "J3": 7.75,
                                            "S1": 10.0, "S2": 6.0, "D1": 12.1}
    assert units["北坡村"]["total"] == 75.46
    # 东岗村: over-completion counts up to 120% (R3 62.5/50 → 12, J2 260/200 → 12): 年终考核 103.2 > 100;
    #   0.4 × 93.625 + 0.6 × 103.2 = 37.45 + 61.92 = 99.37
    assert units["东岗村"]["components"] == {"季度考核": 93.63, "年终考核": 103.2}
    assert units["东岗村"]["total"] == 99.37
    # Efficacy is compared within each group: 派出所's 92.0% is the worst organ unit (6 points), although
    # 北坡村's 90.5% is lower; compared with all ten units it would have scored 10 × (0.6 + 0.4 × 1.5/9.5) = 6.63.
    assert units["派出所"]["indicators"]["S2"] == 6.0 and units["北坡村"]["indicators"]["S2"] == 6.0
    assert half_up(10 * (F(6, 10) + F(4, 10) * (F(92) - F("90.5")) / (100 - F("90.5")))) == 6.63


def test_target_ranks_groups_veto_and_awards(results):
    units = {u["unit"]: u for u in results["units"]}
    totals = {n: u["total"] for n, u in units.items()}
    assert len(set(totals.values())) == 10  # no ties in this example
    for n, u in units.items():
        assert u["rank"] == 1 + sum(1 for t in totals.values() if t > totals[n]), n
        peers = VILLAGES if n in VILLAGES else ORGANS
        assert u["group_rank"] == 1 + sum(1 for m in peers if totals[m] > totals[n]), n
        band = "优秀" if u["total"] >= 90 else "良好" if u["total"] >= 80 else "合格" if u["total"] >= 60 else "不合格"
        assert u["grade"] == band, n
    assert [u["unit"] for u in results["units"]] == [
        "东岗村", "西岗村", "财政所", "河口村", "卫生院", "农业服务中心", "派出所", "南湾村", "柳树村", "北坡村"]

    # The veto: 东岗村 (党风廉政建设, 镇纪委) keeps its score, rank 1 and grade, and gets no award.
    dg = units["东岗村"]
    assert dg["vetoed"] and [(v["item"], v["department"]) for v in dg["veto"]] == [VETOED["东岗村"]]
    assert (dg["rank"], dg["group_rank"], dg["grade"]) == (1, 1, "优秀")
    assert dg["awards"] == []
    assert [n for n, u in units.items() if u["vetoed"]] == ["东岗村"]

    # Awards by hand: eligible = not vetoed and total ≥ 70% of 100; group winner = the best eligible of the group;
    # a single-item award = the best eligible category score (over both groups).
    eligible = [n for n in RAW if n not in VETOED and half_up(hand(n)["total"]) >= 70]
    assert len(eligible) == 9
    winners = {g: max((n for n in eligible if n in members), key=lambda n: hand(n)["total"])
               for g, members in (("行政村", VILLAGES), ("机关站所", ORGANS))}
    assert winners == {"行政村": "西岗村", "机关站所": "财政所"}  # 东岗村 has the best village total but is vetoed
    singles = {}
    for award, category in (("人口和计划生育工作先进单位", "人口和计划生育"), ("经济发展工作先进单位", "经济发展"),
                            ("平安建设工作先进单位", "平安建设")):
        best = max(half_up(hand(n)["categories"][category]) for n in eligible)
        singles[award] = [n for n in eligible if half_up(hand(n)["categories"][category]) == best]
    assert singles == {
        "人口和计划生育工作先进单位": ["西岗村"],   # 36.8 (东岗村 37.0, vetoed; the organ units 35 each)
        "经济发展工作先进单位": ["农业服务中心"],   # (11.8 + 10) × 30/20 = 32.7 (东岗村 32.0)
        "平安建设工作先进单位": ["财政所"],         # 20.0, tied with the vetoed 东岗村
    }
    expected = {n: [] for n in RAW}
    for group, n in winners.items():
        expected[n].append("争先进位综合先进单位")
    for award, names in singles.items():
        for n in names:
            expected[n].append(award)
    assert {n: u["awards"] for n, u in units.items()} == expected
    assert units["西岗村"]["awards"] == ["争先进位综合先进单位", "人口和计划生育工作先进单位"]
    assert units["财政所"]["awards"] == ["争先进位综合先进单位", "平安建设工作先进单位"]
    assert sorted((a["award"], a["unit"], a["amount"]) for a in results["awards"]) == sorted([
        ("争先进位综合先进单位", "西岗村", 20000.0), ("争先进位综合先进单位", "财政所", 20000.0),
        ("人口和计划生育工作先进单位", "西岗村", 5000.0), ("经济发展工作先进单位", "农业服务中心", 5000.0),
        ("平安建设工作先进单位", "财政所", 5000.0)])


def test_target_declared_targets_are_judged_and_shown(target, results):
    """柳树村 and 北坡村 declared targets (config.toml [[units.targets]]): each judged by hand from the raw returns."""
    units = {u["unit"]: u for u in results["units"]}
    totals = {n: half_up(hand(n)["total"]) for n in RAW}
    grade = "优秀" if totals["柳树村"] >= 90 else "良好" if totals["柳树村"] >= 80 else "合格"
    group_rank = 1 + sum(1 for m in VILLAGES if totals[m] > totals["柳树村"])
    trained = RAW["柳树村"]["J2"]
    got = [(t["name"], t["achieved"], t["met"], t["margin_text"]) for t in units["柳树村"]["targets"]]
    assert got == [("保持“良好”等次", grade, grade in ("优秀", "良好"), "正好达到"),
                   ("行政村中进入前4名", f"组内第{group_rank}名", group_rank <= 4, f"差{group_rank - 4}位"),
                   ("劳动力培训完成200人次", f"{trained}人次", trained >= 200, f"差{200 - trained}人次")]
    beipo = units["北坡村"]["targets"][0]
    assert (beipo["achieved"], beipo["met"]) == (f"{totals['北坡村']:.2f}分", totals["北坡村"] >= 80)
    assert beipo["margin"] == round(totals["北坡村"] - 80, 2)
    assert all(not u["targets"] for n, u in units.items() if n not in ("柳树村", "北坡村"))

    wb = openpyxl.load_workbook(target / "output" / "考核结果汇总表.xlsx")
    rows = list(wb["目标完成"].iter_rows(values_only=True))
    assert rows[0] == ("单位", "目标", "申报", "实际", "是否完成", "差距")
    assert rows[1:] == [("柳树村", "保持“良好”等次", "良好", grade, "完成", "正好达到"),
                        ("柳树村", "行政村中进入前4名", "组内前4名", f"组内第{group_rank}名", "未完成", f"差{group_rank - 4}位"),
                        ("柳树村", "劳动力培训完成200人次", "200人次", f"{trained}人次", "未完成", f"差{200 - trained}人次"),
                        ("北坡村", "总分达到80分", "80分", f"{totals['北坡村']:.2f}分", "未完成",
                         f"差{80 - totals['北坡村']:.2f}分")]
    card = [str(c.value) for row in openpyxl.load_workbook(target / "output" / "单位评分卡.xlsx")["柳树村"].iter_rows()
            for c in row if c.value]
    assert any(line.startswith("目标完成：保持“良好”等次（良好，完成，正好达到）；") for line in card)
    html = (target / "output" / "考核情况分析报告.html").read_text(encoding="utf-8")
    assert "柳树村申报目标3项，完成1项：" in html


def test_target_messy_cells_are_read_right_and_traced(target):
    """Aliases, a stray space, "12.35‰", "59.0%", "1,286", "236人次", "2起", "９６．５", "14.2分", percentage cells,
    merged group heading rows, a 合计 row of formulas, organ units listed first, and an Office lock file."""
    res = kaohe("run", target)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "未发现问题" in res.stdout
    wb = openpyxl.load_workbook(target / "output" / "考核结果汇总表.xlsx")
    rows = list(wb["明细"].iter_rows(values_only=True))
    header = rows[0]
    detail = {(r[header.index("单位")], r[header.index("指标编号")]): r for r in rows[1:]}
    raw = header.index("原始值")
    src = next(i for i, h in enumerate(header) if h and str(h).startswith("数据来源"))
    family = "计生办/2025年度人口和计划生育目标考核数据（计生办）.xlsx › 计生目标!"
    economy = "经发办/2025年度经济发展目标考核数据（经发办）.xlsx › 经济发展!"
    assert detail[("西岗村", "R1")][raw] == 12.35 and detail[("西岗村", "R1")][src].endswith(family + "C7")
    assert detail[("东岗村", "R2")][raw] == 93.6 and detail[("东岗村", "R2")][src].endswith(family + "D6")
    assert detail[("西岗村", "R3")][raw] == 59.0
    # 经发办 lists the organ units first: 一、机关站所 in row 5, 农业服务中心 in row 6 … 二、行政村 in row 10;
    # the organ units' “/” under 山药种植面积 (not assessed) leaves no detail row
    assert detail[("农业服务中心", "J2")][raw] == 236 and detail[("农业服务中心", "J2")][src].endswith(economy + "E6")
    assert ("农业服务中心", "J1") not in detail and ("财政所", "R3") not in detail
    assert detail[("东岗村", "J1")][raw] == 1286 and detail[("东岗村", "J1")][src].endswith(economy + "D11")
    assert detail[("西岗村", "J2")][raw] == 236
    # 连续考核: the J3 value is the 累计完成 column (I), not 本年完成 (G)
    assert detail[("西岗村", "J3")][raw] == 1820 and detail[("西岗村", "J3")][src].endswith(economy + "I12")
    assert detail[("柳树村", "S1")][raw] == 2
    assert detail[("西岗村", "S2")][raw] == 96.5
    assert detail[("东岗村", "D1")][raw] == 14.2
    files = json.loads((target / "output" / "results.json").read_text(encoding="utf-8"))["run"]["inputs"]
    assert len(files) == 7 and not any("~$" in f["file"] for f in files)



def _load_make_inputs():
    return load_module(EXAMPLE / "make_inputs.py", "target_make_inputs")




def test_bundled_target_inputs_are_what_make_inputs_writes(tmp_path):
    """The committed input/ is the script's output (so RAW above describes what the script writes)."""
    module = _load_make_inputs()
    module.generate(tmp_path)
    made = sorted(p.relative_to(tmp_path / "input") for p in (tmp_path / "input").rglob("*") if p.is_file())
    kept = sorted(p.relative_to(EXAMPLE / "input") for p in (EXAMPLE / "input").rglob("*") if p.is_file())
    assert made == kept and len(made) == 8
    for rel in made:
        if rel.name.startswith("~$"):
            assert (tmp_path / "input" / rel).read_bytes() == (EXAMPLE / "input" / rel).read_bytes()
        else:
            assert workbook_cells(tmp_path / "input" / rel) == workbook_cells(EXAMPLE / "input" / rel), rel
    # RAW is the script's data, cleaned of its mess.
    for unit, r in RAW.items():
        r1, r2, r3, _ = module.FAMILY[unit]
        j1, j2, (_, _, j3_target, j3) = module.ECONOMY[unit]
        assert (r["R1"], r["R2"], r["R3"]) == (r1, r2, r3), unit
        assert (r["J1"], r["J2"], r["J3"]) == (j1 and j1[::-1], j2, (j3, j3_target)), unit
        assert (r["S1"], r["S2"], r["D1"]) == (module.SAFETY[unit][0], module.PETITIONS[unit], module.PARTY[unit])
        assert [F(q) for q in r["Q"]] == [F(q) for q in module.QUARTERLY[unit]], unit
    assert [(v[0], v[1], v[2]) for v in module.VETOES] == [("东岗村", *VETOED["东岗村"])]
