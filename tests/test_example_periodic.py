"""Scheme 6, periodic checks scored from data: examples/periodic through the real CLI, checked against hand computation.

桐溪县 assesses 8 townships on 100 points:
  total = 季度考核 × 40 % + 年终考评 × 60 %;
  季度考核 (kind = "periods", 第一季度…第四季度, no period_weights: the mean of the four) — each quarter the same
    indicator tree as the year-end, scored on that quarter's returns by each indicator's own method, every sample
    statistic (efficacy's best and worst, rank places) taken within that quarter's cohort of 8;
  年终考评 (kind = "indicators") — the same tree on the year-end returns (the returns that name no quarter);
  the tree (100 points): 经济发展 40 = A1 地区生产总值增速 efficacy 15 (the cohort's best/worst, base 0.6)
    + A2 固定资产投资完成额 completion 15 against the return's 目标 column (cap 1, nothing below 50 %)
    + A3 社会消费品零售总额增速 efficacy 10 with x_s 8, x_u 2, clamp_low;
    农业农村 30 = B1 农村人居环境整治达标率 step 15 (target 90, 1.5 points per point short, proportional)
    + B2 新增新型农业经营主体 rank 15 (1.5 per place, at least 6, competition places);
    平安稳定 30 = C1 越级信访件数 count_deduct 15 (3 per case) + C2 重复信访率 efficacy 15, lower-better;
  grades on the published total: ≥ 90 优秀, ≥ 80 良好, ≥ 60 合格, else 不合格; competition ranks;
  prizes among units with a total ≥ 80: 一等奖 1, then 二等奖 2.
The quarter of a return is named by its file name (第一季度), sheet name (二季度), folder (第三季度/) or title
(第4季度); a return naming none is the year-end's.

The hand computations below use only the raw cells of examples/periodic/input/ (written by
examples/periodic/make_inputs.py, and written out again in RAW) and the rules of examples/periodic/config.toml, in
exact fractions, independently of the engine's code.
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

EXAMPLE = ROOT / "examples" / "periodic"
UNITS = ["桐溪镇", "白沙镇", "青龙镇", "石桥镇", "桃源乡", "柳河镇", "金山乡", "凤鸣镇"]
QUARTERS = ["第一季度", "第二季度", "第三季度", "第四季度"]
YEAR_END = "年度"
CATEGORIES = {"经济发展": ("A1", "A2", "A3"), "农业农村": ("B1", "B2"), "平安稳定": ("C1", "C2")}
IDS = [i for ids in CATEGORIES.values() for i in ids]
DEPARTMENT = {"A1": "统计局", "A2": "统计局", "A3": "统计局", "B1": "农业农村局", "B2": "农业农村局",
              "C1": "信访局", "C2": "信访局"}


def half_up(x: F, places: int = 2) -> float:
    d = Decimal(x.numerator) / Decimal(x.denominator)
    return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


# Raw values as filed in examples/periodic/input/, per period and township:
#   (A1 %, A2 (完成值, 目标) 万元, A3 %, B1 % (every one stored as a fraction in a 0.0% cell), B2 个, C1 件, C2 %).
# Messy cells (make_inputs.MESS): 统计局 writes 桃源乡 as "桃源", 信访局 桐溪镇 as "桐溪", 农业农村局 凤鸣镇 as
# "桐溪县凤鸣镇"; 金山乡 Q1 A1 typed "-0.8"; 石桥镇 Q3 A3 "５．２"; 柳河镇 Q2 B2 "5个"; 桃源乡 Q2 C2 "3.9%";
# 金山乡 Q3 C2 "８．１"; 白沙镇 written "白沙镇 " in 信访局's Q4; 桐溪镇's year A2 "99,650"; 柳河镇's year C1 "5件".
RAW = {
    "第一季度": {
        "桐溪镇": ( "6.8", (20350, 19200), "7.2", "91.5",  5, 1, "6.5"),
        "白沙镇": ( "6.2", (12900, 12400), "6.5", "90.2",  4, 0, "4.8"),
        "青龙镇": ( "5.4", ( 9800, 10800), "5.1", "88.6",  6, 2, "8.2"),
        "石桥镇": ( "4.8", ( 8700,  9600), "4.6", "87.3",  3, 0, "5.5"),
        "桃源乡": ( "3.9", ( 6300,  6000), "3.2", "85.8",  2, 0, "3.6"),
        "柳河镇": ( "5.9", ( 9400,  9000), "6.1", "89.9",  4, 1, "7.1"),
        "金山乡": ("-0.8", ( 2300,  5200), "1.6", "84.2",  1, 3, "9.4"),
        "凤鸣镇": ( "4.4", ( 7600,  8000), "4.0", "88.0",  3, 0, "5.0"),
    },
    "第二季度": {
        "桐溪镇": ( "7.1", (24800, 24000), "7.5", "92.0",  6, 0, "5.8"),
        "白沙镇": ( "6.5", (15200, 15500), "6.8", "91.0",  5, 0, "4.5"),
        "青龙镇": ( "5.9", (13400, 13500), "5.6", "89.5",  4, 1, "7.4"),
        "石桥镇": ( "5.2", (11600, 12000), "4.9", "88.1",  4, 1, "5.9"),
        "桃源乡": ( "4.6", ( 7900,  7500), "4.1", "87.4",  3, 0, "3.9"),
        "柳河镇": ( "6.3", (11700, 11250), "6.4", "90.6",  5, 2, "7.8"),
        "金山乡": ( "2.1", ( 5100,  6500), "2.8", "86.0",  2, 2, "8.7"),
        "凤鸣镇": ( "4.9", ( 9900, 10000), "4.7", "88.8",  3, 1, "5.3"),
    },
    "第三季度": {
        "桐溪镇": ( "7.4", (29600, 28800), "7.8", "93.2",  4, 1, "6.1"),
        "白沙镇": ( "6.6", (18950, 18600), "6.9", "92.4",  6, 0, "4.2"),
        "青龙镇": ( "6.1", (16500, 16200), "5.9", "90.3",  5, 0, "6.9"),
        "石桥镇": ( "5.0", (13900, 14400), "5.2", "89.4",  3, 0, "5.1"),
        "桃源乡": ( "5.3", ( 9300,  9000), "4.8", "88.2",  4, 1, "4.4"),
        "柳河镇": ( "6.0", (13600, 13500), "6.2", "90.1",  4, 1, "6.6"),
        "金山乡": ( "3.5", ( 7600,  7800), "3.9", "87.5",  2, 2, "8.1"),
        "凤鸣镇": ( "5.5", (12300, 12000), "5.3", "89.9",  4, 0, "4.7"),
    },
    "第四季度": {
        "桐溪镇": ( "7.2", (24900, 24000), "8.1", "94.0",  5, 0, "5.2"),
        "白沙镇": ( "6.9", (14800, 15500), "7.0", "92.8",  4, 1, "4.6"),
        "青龙镇": ( "6.4", (14200, 13500), "6.3", "91.2",  6, 1, "6.3"),
        "石桥镇": ( "5.6", (12500, 12000), "5.5", "90.0",  5, 0, "4.9"),
        "桃源乡": ( "5.8", ( 7800,  7500), "5.2", "89.6",  3, 0, "3.8"),
        "柳河镇": ( "6.2", (10400, 11250), "6.6", "91.5",  4, 1, "6.8"),
        "金山乡": ( "4.2", ( 6800,  6500), "4.5", "88.4",  3, 1, "7.5"),
        "凤鸣镇": ( "6.0", (10600, 10000), "5.9", "90.5",  4, 0, "4.4"),
    },
    "年度": {
        "桐溪镇": ( "7.3", (99650, 96000), "7.7", "93.6", 20, 2, "5.9"),
        "白沙镇": ( "6.6", (61850, 62000), "6.8", "92.1", 19, 1, "4.5"),
        "青龙镇": ( "6.0", (53900, 54000), "5.8", "90.4", 21, 4, "7.2"),
        "石桥镇": ( "5.2", (46700, 48000), "5.1", "89.1", 15, 1, "5.4"),
        "桃源乡": ( "4.9", (31300, 30000), "4.4", "88.5", 12, 1, "3.9"),
        "柳河镇": ( "6.1", (45100, 45000), "6.3", "90.8", 17, 5, "7.1"),
        "金山乡": ( "2.4", (21800, 26000), "3.2", "86.9",  8, 8, "8.4"),
        "凤鸣镇": ( "5.2", (40400, 40000), "5.0", "89.7", 14, 1, "4.9"),
    },
}  # fmt: skip

# Where each period's return of each department is (under input/), its sheet, and where the quarter is named.
RETURN = {
    "第一季度": ("{d}/2025年第一季度乡镇考核指标数据（{d}）.xlsx", None),    # the file name
    "第二季度": ("{d}/2025年乡镇考核指标季报（{d}）.xlsx", "二季度"),        # the sheet name
    "第三季度": ("第三季度/乡镇考核指标数据（{d}）.xlsx", None),            # the folder
    "第四季度": ("{d}/2025年10—12月乡镇考核指标数据（{d}）.xlsx", None),    # the title (桐溪县2025年第4季度…)
    "年度": ("{d}/2025年度乡镇考核指标数据（{d}）.xlsx", None),             # no quarter: the year-end
}
SHEET = {"统计局": "经济指标", "农业农村局": "农业农村", "信访局": "信访工作"}
# the column of each indicator's value in its return; townships in rows 5–12 in UNITS order, 合计 in row 13
COLUMN = {"A1": "C", "A2": "E", "A3": "F", "B1": "C", "B2": "D", "C1": "C", "C2": "D"}


def values(period: str, unit: str) -> dict:
    a1, (a2, a2_target), a3, b1, b2, c1, c2 = RAW[period][unit]
    return {"A1": F(a1), "A2": (F(a2), F(a2_target)), "A3": F(a3), "B1": F(b1), "B2": F(b2), "C1": F(c1),
            "C2": F(c2)}


def efficacy(x: F, best: F, worst: F, points: int) -> F:
    d = min(F(1), (x - worst) / (best - worst))
    return max(F(0), points * (F(6, 10) + F(4, 10) * d))


def indicator_scores(period: str) -> dict[str, dict[str, F]]:
    """Every township's exact indicator scores on one period's returns, the period's cohort of 8 apart."""
    v = {u: values(period, u) for u in UNITS}
    a1 = [v[u]["A1"] for u in UNITS]
    c2 = [v[u]["C2"] for u in UNITS]
    out = {}
    for u in UNITS:
        x = v[u]
        done, target = x["A2"]
        ratio = done / target
        place = 1 + sum(1 for w in UNITS if v[w]["B2"] > x["B2"])  # competition places, higher is better
        out[u] = {
            "A1": efficacy(x["A1"], max(a1), min(a1), 15),                       # the cohort's best and worst
            "A2": F(0) if ratio < F(1, 2) else 15 * min(ratio, F(1)),            # floor 50 %, cap 100 %
            "A3": 10 * (F(6, 10) + F(4, 10) * max(F(0), min(F(1), (x["A3"] - 2) / F(8 - 2)))),  # clamp_low
            "B1": max(F(0), 15 - F(3, 2) * max(F(0), 90 - x["B1"])),
            "B2": max(F(6), 15 - F(3, 2) * (place - 1)),
            "C1": max(F(0), 15 - 3 * x["C1"]),
            "C2": efficacy(x["C2"], min(c2), max(c2), 15),                       # lower-better: best = min
        }
    return out


def tree(scores: dict[str, F]) -> tuple[dict[str, F], F]:
    categories = {name: sum(scores[i] for i in ids) for name, ids in CATEGORIES.items()}
    return categories, sum(categories.values())  # raw points on 100 = the components' full mark


def hand() -> dict[str, dict]:
    by_period = {p: indicator_scores(p) for p in [*QUARTERS, YEAR_END]}
    out = {}
    for u in UNITS:
        quarters = []
        for p in QUARTERS:
            categories, score = tree(by_period[p][u])
            quarters.append({"period": p, "indicators": by_period[p][u], "categories": categories, "score": score})
        categories, annual = tree(by_period[YEAR_END][u])
        quarterly = sum(q["score"] for q in quarters) / 4  # the mean, from the unrounded quarter scores
        out[u] = {"quarters": quarters, "季度考核": quarterly, "indicators": by_period[YEAR_END][u],
                  "categories": categories, "年终考评": annual, "total": F(4, 10) * quarterly + F(6, 10) * annual}
    totals = {u: half_up(out[u]["total"]) for u in UNITS}
    for u in UNITS:
        t = totals[u]
        out[u]["rank"] = 1 + sum(1 for w in UNITS if totals[w] > t)
        out[u]["grade"] = "优秀" if t >= 90 else "良好" if t >= 80 else "合格" if t >= 60 else "不合格"
    return out


# ------------------------------------------------------------------------------------------------ the run
@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One real `kaohe run` on a copy of examples/periodic: (folder, console output, results.json)."""
    folder = tmp_path_factory.mktemp("periodic") / "乡镇目标管理绩效考核"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("output", "归档", ".kaohe", "__pycache__"))
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "未发现问题" in res.stdout and "Traceback" not in res.stderr
    return folder, res.stdout, json.loads((folder / "output" / "results.json").read_text(encoding="utf-8"))


def sheet_rows(folder: Path, book: str, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(folder / "output" / book)
    return list(wb[sheet].iter_rows(values_only=True))


def test_periodic_example_matches_hand_computation(run):
    _, _, results = run
    assert results["issues"] == []
    assert results["assessment"]["title"] == "桐溪县2025年度乡镇目标管理绩效考核"
    assert [(c["name"], c["kind"], c["weight"], c["full"], c["periods"], c["period_weights"])
            for c in results["components"]] == [
        ("季度考核", "periods", 0.4, 100.0, QUARTERS, {}), ("年终考评", "indicators", 0.6, 100.0, [], {})]
    units = {u["unit"]: u for u in results["units"]}
    assert sorted(units) == sorted(UNITS)
    expected = hand()
    for name in UNITS:  # every township, every quarter, every indicator
        e, got = expected[name], units[name]
        periods = got["periods"]["季度考核"]
        assert [p["period"] for p in periods] == QUARTERS and all(p["weight"] == 0.25 for p in periods), name
        for q, p in zip(e["quarters"], periods):
            assert p["indicators"] == {i: half_up(s) for i, s in q["indicators"].items()}, (name, q["period"])
            assert p["categories"] == {c: half_up(s) for c, s in q["categories"].items()}, (name, q["period"])
            assert p["score"] == half_up(q["score"]), (name, q["period"])
        assert got["indicators"] == {i: half_up(s) for i, s in e["indicators"].items()}, name
        assert got["categories"] == {c: half_up(s) for c, s in e["categories"].items()}, name
        assert got["components"] == {"季度考核": half_up(e["季度考核"]), "年终考评": half_up(e["年终考评"])}, name
        assert got["total"] == half_up(e["total"]), name
        assert (got["rank"], got["grade"]) == (e["rank"], e["grade"]), name

    # The figures, written out.
    # 金山乡, 第一季度: A1 −0.8 % is the cohort's worst (best 6.8 %, 桐溪镇) → 15 × 0.6 = 9; A2 2300 of 5200 万元 is
    #   44.2 %, below the 50 % floor → 0; A3 1.6 % is below x_u 2 % → clamped to 6; B1 84.2 % → 15 − 1.5 × 5.8 = 6.3;
    #   B2 1 个 is 8th → 15 − 7 × 1.5 = 4.5, at least 6; C1 3 件 → 15 − 9 = 6; C2 9.4 % is the worst → 9: 42.3
    q1 = expected["金山乡"]["quarters"][0]
    assert q1["indicators"] == {"A1": 9, "A2": 0, "A3": 6, "B1": F(63, 10), "B2": 6, "C1": 6, "C2": 9}
    assert q1["score"] == F(423, 10) and units["金山乡"]["periods"]["季度考核"][0]["score"] == 42.3
    #   … and over the year it recovers: A2 21800 of 26000 → 15 × 0.8385 = 12.58 at the year-end
    assert units["金山乡"]["indicators"]["A2"] == 12.58 == half_up(15 * F(21800, 26000))
    # 第一季度 B2 places by competition: 青龙镇 6 个 1st (15), 桐溪镇 5 2nd (13.5), 白沙镇 and 柳河镇 4 tied 3rd (12),
    #   石桥镇 and 凤鸣镇 3 tied 5th (9), 桃源乡 7th and 金山乡 8th both at the minimum 6
    assert {u: units[u]["periods"]["季度考核"][0]["indicators"]["B2"] for u in UNITS} == {
        "桐溪镇": 13.5, "白沙镇": 12.0, "青龙镇": 15.0, "石桥镇": 9.0, "桃源乡": 6.0, "柳河镇": 12.0, "金山乡": 6.0,
        "凤鸣镇": 9.0}
    # Each quarter has its own cohort: 白沙镇's GDP growth is 6.6 % in 第三季度 and over the year, but scores
    #   15 × (0.6 + 0.4 × (6.6 − 3.5)/(7.4 − 3.5)) = 13.77 in the quarter (best 7.4, worst 3.5) and
    #   15 × (0.6 + 0.4 × (6.6 − 2.4)/(7.3 − 2.4)) = 14.14 at the year-end (best 7.3, worst 2.4)
    assert units["白沙镇"]["periods"]["季度考核"][2]["indicators"]["A1"] == 13.77 == half_up(
        15 * (F(6, 10) + F(4, 10) * F(31, 39)))
    assert units["白沙镇"]["indicators"]["A1"] == 14.14 == half_up(15 * (F(6, 10) + F(4, 10) * F(42, 49)))
    # 白沙镇: quarters 94.28, 95.94, 98.04, 89.26 → 季度考核 94.38 (the mean of the unrounded scores);
    #   年终考评 91.51; total 0.4 × 94.38… + 0.6 × 91.51… = 92.66, rank 1
    assert [p["score"] for p in units["白沙镇"]["periods"]["季度考核"]] == [94.28, 95.94, 98.04, 89.26]
    assert units["白沙镇"]["components"] == {"季度考核": 94.38, "年终考评": 91.51}
    assert (units["白沙镇"]["total"], units["白沙镇"]["rank"]) == (92.66, 1)
    # 柳河镇 does well every quarter (1–2 越级访 each: C1 12 or 9) but the year's 5 cases cost all 15 points of C1:
    #   季度考核 86.09, 年终考评 73.63 → 78.62, 合格
    assert [p["indicators"]["C1"] for p in units["柳河镇"]["periods"]["季度考核"]] == [12.0, 9.0, 12.0, 12.0]
    assert units["柳河镇"]["indicators"]["C1"] == 0.0
    assert units["柳河镇"]["components"] == {"季度考核": 86.09, "年终考评": 73.63}
    assert (units["柳河镇"]["total"], units["柳河镇"]["grade"]) == (78.62, "合格")
    assert [u["unit"] for u in results["units"]] == [
        "白沙镇", "桐溪镇", "凤鸣镇", "石桥镇", "青龙镇", "桃源乡", "柳河镇", "金山乡"]
    assert [u["grade"] for u in results["units"]] == ["优秀"] * 2 + ["良好"] * 4 + ["合格", "不合格"]


def test_periodic_year_end_counts_are_the_quarters_sums():
    """The data tell one story: the year-end's investment, new enterprises and petitions are the four quarters'."""
    for u in UNITS:
        for k, pick in ((1, lambda r: r[1][0]), (4, lambda r: r[4]), (5, lambda r: r[5])):
            assert pick(RAW[YEAR_END][u]) == sum(pick(RAW[q][u]) for q in QUARTERS), (u, k)


def test_periodic_prizes(run):
    _, _, results = run
    expected = hand()
    eligible = sorted((u for u in UNITS if half_up(expected[u]["total"]) >= 80), key=lambda u: expected[u]["rank"])
    assert eligible == ["白沙镇", "桐溪镇", "凤鸣镇", "石桥镇", "青龙镇", "桃源乡"]  # 柳河镇 78.62 and 金山乡 56.24 not
    assert [(a["award"], a["unit"], a["amount"]) for a in results["awards"]] == [
        ("目标管理绩效考核一等奖", eligible[0], 100000.0),
        ("目标管理绩效考核二等奖", eligible[1], 50000.0), ("目标管理绩效考核二等奖", eligible[2], 50000.0)]
    units = {u["unit"]: u for u in results["units"]}
    assert {u: units[u]["awards"] for u in UNITS} == {
        u: (["目标管理绩效考核一等奖"] if u == "白沙镇" else ["目标管理绩效考核二等奖"] if u in ("桐溪镇", "凤鸣镇")
            else []) for u in UNITS}


def test_periodic_summary_sheet_lists_each_quarter_and_the_mean(run):
    folder, _, _ = run
    expected = hand()
    rows = sheet_rows(folder, "考核结果汇总表.xlsx", "定期考核")
    assert rows[0] == ("单位", "组成部分", *QUARTERS, "合计")
    body = {r[0]: r for r in rows[1:] if r[1] == "季度考核"}
    assert sorted(body) == sorted(UNITS)
    for u in UNITS:
        assert body[u][2:] == (*(half_up(q["score"]) for q in expected[u]["quarters"]), half_up(expected[u]["季度考核"]))
    assert body["金山乡"][2:] == (42.3, 60.3, 66.13, 71.27, 60.0)
    note = next(r[0] for r in rows if r[0] and str(r[0]).startswith("注："))
    assert "第一季度 25%、第二季度 25%、第三季度 25%、第四季度 25%" in note


def test_periodic_detail_rows_name_their_period_and_cell(run):
    """The 明细 sheet: a row per township, period (第一季度…第四季度, 年终) and indicator, each traced to its cell."""
    folder, _, _ = run
    expected = hand()
    rows = sheet_rows(folder, "考核结果汇总表.xlsx", "明细")
    header = rows[0]
    col = {h: header.index(h) for h in ("单位", "考核期", "指标编号", "原始值", "目标值", "得分")}
    src = header.index("数据来源（文件 › 工作表!单元格）")
    detail = {(r[col["单位"]], r[col["考核期"]], r[col["指标编号"]]): r for r in rows[1:]}
    assert len(detail) == len(rows) - 1 == len(UNITS) * 5 * len(IDS)
    for period in [*QUARTERS, YEAR_END]:
        label = "年终" if period == YEAR_END else period
        for k, u in enumerate(UNITS):
            v = values(period, u)
            scores = expected[u]["indicators"] if period == YEAR_END else expected[u]["quarters"][
                QUARTERS.index(period)]["indicators"]
            for i in IDS:
                row = detail[(u, label, i)]
                raw = v[i][0] if i == "A2" else v[i]
                assert row[col["原始值"]] == float(raw), (u, period, i)
                assert row[col["得分"]] == half_up(scores[i]), (u, period, i)
                if i == "A2":
                    assert row[col["目标值"]] == float(v[i][1]), (u, period)
                path, sheet = RETURN[period]
                dept = DEPARTMENT[i]
                where = f"{path.format(d=dept)} › {sheet or SHEET[dept]}!{COLUMN[i]}{5 + k}"
                assert row[src] == where, (u, period, i)
    # one quarter row traced in full: 金山乡's “-0.8” (typed as text) in the first quarter's 统计局 return
    row = detail[("金山乡", "第一季度", "A1")]
    assert (row[col["原始值"]], row[col["得分"]]) == (-0.8, 9.0)
    assert row[src] == "统计局/2025年第一季度乡镇考核指标数据（统计局）.xlsx › 经济指标!C11"
    assert detail[("石桥镇", "第三季度", "A3")][src] == "第三季度/乡镇考核指标数据（统计局）.xlsx › 经济指标!F8"
    assert detail[("柳河镇", "第二季度", "B2")][src] == "农业农村局/2025年乡镇考核指标季报（农业农村局）.xlsx › 二季度!D10"


def test_periodic_score_cards_have_a_column_per_quarter(run):
    folder, _, results = run
    expected = hand()
    wb = openpyxl.load_workbook(folder / "output" / "单位评分卡.xlsx")
    assert sorted(wb.sheetnames) == sorted(UNITS)
    for u in UNITS:
        cells = list(wb[u].iter_rows(values_only=True))
        header = next(r for r in cells if r and r[0] == "序号")
        columns = [header.index(f"{q}得分") for q in QUARTERS]
        year = header.index("得分")
        assert columns == sorted(columns) and columns[-1] < year
        quarters = expected[u]["quarters"]
        for i in IDS:
            row = next(r for r in cells if r[2] and str(r[2]).startswith(f"{i} "))
            assert [row[c] for c in columns] == [half_up(q["indicators"][i]) for q in quarters], (u, i)
            assert row[year] == half_up(expected[u]["indicators"][i]), (u, i)
        subtotals = [r for r in cells if r[2] == "小计"]
        assert [[r[c] for c in columns] for r in subtotals] == [
            [half_up(q["categories"][name]) for q in quarters] for name in CATEGORIES], u
        assert [r[year] for r in subtotals] == [half_up(expected[u]["categories"][name]) for name in CATEGORIES], u
        lines = {str(r[0]): r[year] for r in cells if r[0] and str(r[0]).startswith(("季度考核", "年终考评", "总分"))}
        assert lines == {"季度考核（满分100分，权重40%）": half_up(expected[u]["季度考核"]),
                         "年终考评（满分100分，权重60%）": half_up(expected[u]["年终考评"]),
                         "总分": half_up(expected[u]["total"])}, u


def test_periodic_quarters_are_recognised_where_offices_name_them(tmp_path):
    """`kaohe check` says for every return which period it holds and which place said so."""
    folder = tmp_path / "乡镇目标管理绩效考核"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("output", "归档", ".kaohe", "__pycache__"))
    res = kaohe("check", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "未发现问题" in res.stdout
    said = {"第一季度": "依据：文件名：第一季度", "第二季度": "依据：工作表名：第二季度",
            "第三季度": "依据：文件夹：第三季度", "第四季度": "依据：标题：第四季度"}
    lines = [ln.strip() for ln in res.stdout.splitlines()]
    for dept in SHEET:
        for period in [*QUARTERS, YEAR_END]:
            path, sheet = RETURN[period]
            head = f"{path.format(d=dept)} › {sheet or SHEET[dept]}：指标数据表"
            line = next(ln for ln in lines if ln.startswith(head))
            if period == YEAR_END:
                assert line.startswith(head + "；") and "考核期" not in line, line
            else:
                assert line.startswith(f"{head}（{said[period]}）") and line.endswith(f"考核期：{period}"), line


def test_periodic_a_missing_quarter_return_stops_the_run(tmp_path):
    """Without 信访局's 第三季度 return the quarter cannot be scored: exit 1, the missing return named."""
    folder = tmp_path / "乡镇目标管理绩效考核"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("output", "归档", ".kaohe", "__pycache__"))
    (folder / "input" / "第三季度" / "乡镇考核指标数据（信访局）.xlsx").unlink()
    res = kaohe("run", folder)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "缺少“信访局”报送的第三季度报表（应含指标：C1 越级信访件数、C2 重复信访率）" in res.stdout
    assert res.stdout.count("[错误]") == 1 and "[警告]" not in res.stdout
    assert not (folder / "output" / "results.json").exists()


def test_bundled_periodic_inputs_are_what_make_inputs_writes(tmp_path):
    """The committed input/ is the script's output (so RAW above describes what the script writes)."""
    module = load_module(EXAMPLE / "make_inputs.py", "periodic_make_inputs")
    module.generate(tmp_path)
    made = sorted(p.relative_to(tmp_path / "input") for p in (tmp_path / "input").rglob("*") if p.is_file())
    kept = sorted(p.relative_to(EXAMPLE / "input") for p in (EXAMPLE / "input").rglob("*") if p.is_file())
    assert made == kept and len(made) == 15
    assert made == sorted(Path(RETURN[p][0].format(d=d)) for p in RETURN for d in SHEET)
    for rel in made:
        assert workbook_cells(tmp_path / "input" / rel) == workbook_cells(EXAMPLE / "input" / rel), rel
    # RAW is the script's data, cleaned of its mess.
    for period in RAW:
        for unit in UNITS:
            a1, (a2_target, a2), a3 = module.STATS[period][unit]
            b1, b2 = module.AGRI[period][unit]
            c1, c2 = module.PETITIONS[period][unit]
            assert RAW[period][unit] == (a1, (a2, a2_target), a3, b1, b2, c1, c2), (period, unit)
