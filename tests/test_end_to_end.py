"""The whole batch through the real CLI on a copy of the bundled example, checked against hand computation.

The hand computations below use only the raw cells of the bundled returns (input/…) and the rules of
config.toml, in exact fractions, independently of the engine's code.
"""

from __future__ import annotations

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction as F

import openpyxl

from conftest import ROOT, kaohe


def half_up(x: F, places: int = 2) -> float:
    d = Decimal(x.numerator) / Decimal(x.denominator)
    return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def efficacy(points, x, best, worst):  # sample standards, base 0.6 (“60 + 40 × 功效系数”)
    d = min(F(1), (F(x) - F(worst)) / (F(best) - F(worst)))
    return points * (F(6, 10) + F(4, 10) * d)


def public_score(tallies: dict[str, dict[str, list[tuple[int, int, int, int]]]]) -> F:
    """County form: question = (5×满意 + 3×基本满意) / known answers (不了解 left out);
    category = mean of questions / 5 × 100; round = mean of categories; 中期 30% + 年终 70%."""
    weights = {"中期": F(3, 10), "年终": F(7, 10)}
    total = F(0)
    for rnd, cats in tallies.items():
        cat_scores = []
        for questions in cats.values():
            qs = [F(5 * s + 3 * b, s + b + n) for s, b, n, _u in questions]
            cat_scores.append(sum(qs) / len(qs) / 5 * 100)
        total += weights[rnd] * sum(cat_scores) / len(cat_scores)
    return total


# Raw values as filed in input/ (see bench/make_returns.py for how the example was made).
# Sample standards of the efficacy indicators over all 19 townships: A1 best 11.7 (东关镇), worst 4.0 (柳林镇);
# C3 best 11.8 (东关镇), worst 3.9 (柳林镇). A2 uses the fixed standards 15 / 5 with clamp_low.
HAND = {
    "城关镇": {
        "indicators": {
            "A1": efficacy(10, "10.3", "11.7", "4.0"),
            "A2": 8 * (F(6, 10) + F(4, 10) * (F("13.5") - 5) / 10),
            "A3": F(8),  # 129022.4 / 111200 > 1, capped at 1
            "B1": 10 * F("20770.5") / F(18500),  # 112.27% completion, cap 120%
            "B2": F("5.2"),
            "C1": F(8),  # 85595 / 77800 > 1
            "C2": F(8),  # 90.9% ≥ 85%
            "C3": efficacy(6, "9.7", "11.8", "3.9"),
            "D1": F(6),  # 11.06‰ ≤ 14‰
            "D2": F(6),  # 81.6% ≥ 70%
            "D3": F("3.4"),
            "E1": F(6),  # no accident
            "E2": F("3.6"),
            "F1": F(6 - 2 * 2),  # 2 batches × 2 points
            "F2": F(4),  # 98.2% ≥ 95%
        },
        "survey": {
            "中期": {"代表委员": [(43, 13, 0, 4), (21, 8, 0, 0), (32, 10, 0, 0)],
                     "企业": [(38, 10, 0, 3), (34, 11, 0, 3), (35, 13, 1, 4)],
                     "城镇居民": [(32, 10, 0, 2), (35, 12, 1, 1), (27, 9, 0, 1)],
                     "农村居民": [(28, 9, 0, 1), (35, 9, 1, 0), (18, 4, 0, 1)]},
            "年终": {"代表委员": [(32, 8, 1, 0), (43, 13, 0, 1), (20, 8, 0, 0)],
                     "企业": [(23, 5, 0, 2), (44, 11, 1, 4), (32, 8, 1, 3)],
                     "城镇居民": [(23, 8, 0, 0), (42, 13, 0, 2), (22, 5, 0, 1)],
                     "农村居民": [(33, 11, 1, 1), (21, 5, 0, 1), (28, 8, 0, 2)]},
        },
        "bonus": F(3),  # two entries of 2 points: 4, capped at 3
        "deduction": F(0),
    },
    "青山乡": {
        "indicators": {
            "A1": efficacy(10, "7.2", "11.7", "4.0"),
            "A2": 8 * (F(6, 10) + F(4, 10) * (F("10.8") - 5) / 10),
            "A3": F(8),  # 35639.3 / 32600 > 1
            "B1": 10 * F("5618.6") / F(5130),
            "B2": F("4.7"),
            "C1": F(8),  # 36201 / 34600 > 1
            "C2": F(8),  # 87.4% ≥ 85%
            "C3": efficacy(6, "8.2", "11.8", "3.9"),
            "D1": F(6),  # 13.73‰ ≤ 14‰
            "D2": F(6),  # 77.5% ≥ 70%
            "D3": F(3),
            "E1": F(6),
            "E2": F(3),
            "F1": F(6),
            "F2": 4 - (F(95) - F("93.2")) * 1,  # 1.8 points short, 1 point per point (proportional)
        },
        "survey": {
            "中期": {"代表委员": [(17, 10, 1, 1), (29, 17, 1, 3), (13, 7, 1, 1)],
                     "企业": [(21, 11, 2, 2), (33, 16, 2, 4), (18, 11, 1, 2)],
                     "城镇居民": [(33, 15, 3, 2), (27, 14, 3, 2), (16, 8, 1, 0)],
                     "农村居民": [(21, 11, 2, 2), (18, 9, 2, 2), (16, 7, 1, 2)]},
            "年终": {"代表委员": [(13, 8, 1, 1), (23, 12, 1, 1), (15, 9, 2, 1)],
                     "企业": [(12, 6, 1, 1), (22, 12, 1, 2), (26, 14, 2, 3)],
                     "城镇居民": [(30, 17, 1, 2), (31, 14, 2, 3), (29, 16, 2, 2)],
                     "农村居民": [(18, 10, 1, 1), (29, 17, 3, 0), (13, 6, 1, 1)]},
        },
        "bonus": F(0),
        "deduction": F(0),
    },
    "杨庄乡": {
        "indicators": {
            "A1": efficacy(10, "8.2", "11.7", "4.0"),
            "A2": 8 * (F(6, 10) + F(4, 10) * (F("10.8") - 5) / 10),
            "A3": F(8),  # 92099.9 / 89700 > 1
            "B1": 10 * F("16851.9") / F(14860),
            "B2": F("5.3"),
            "C1": F(8),  # 77273 / 71900 > 1
            "C2": F(8),  # 92.2% ≥ 85%
            "C3": efficacy(6, "7.1", "11.8", "3.9"),
            "D1": F(6),  # 12.31‰ ≤ 14‰
            "D2": F(6),  # 80.5% ≥ 70%
            "D3": F("3.3"),
            "E1": F(6),
            "E2": F("3.7"),
            "F1": F(6 - 2),  # 1 batch × 2 points
            "F2": F(4),  # 96.5% ≥ 95%
        },
        "survey": {
            "中期": {"代表委员": [(25, 10, 0, 0), (25, 10, 1, 0), (38, 18, 1, 0)],
                     "企业": [(28, 12, 1, 0), (36, 12, 0, 3), (33, 13, 0, 1)],
                     "城镇居民": [(40, 14, 2, 1), (17, 7, 0, 1), (21, 9, 0, 0)],
                     "农村居民": [(34, 18, 1, 0), (18, 6, 0, 0), (16, 6, 0, 0)]},
            "年终": {"代表委员": [(39, 18, 2, 0), (35, 15, 0, 2), (26, 13, 0, 2)],
                     "企业": [(16, 7, 0, 0), (25, 10, 0, 1), (34, 11, 2, 3)],
                     "城镇居民": [(33, 13, 1, 0), (31, 13, 0, 0), (40, 15, 0, 4)],
                     "农村居民": [(33, 13, 0, 1), (32, 14, 1, 1), (40, 13, 1, 3)]},
        },
        "bonus": F(0),
        "deduction": F(0),
    },
}


GROWTH = "统计局/2025年度乡镇综合指数基础数据（统计局）.xlsx"


def growth_scores(folder) -> dict[str, F]:
    """发展指数 by hand from the 统计局 base-data return: for each item, self index x_t / x_{t-1} and average index
    x_t / mean_t (inverted for energy per GDP, lower-better), index = 100 × Σ 0.5 × (0.6 s + 0.4 a); then efficacy
    across the 19 townships: 100 × (0.6 + 0.4 × (c − min) / (max − min))."""
    ws = openpyxl.load_workbook(folder / "input" / GROWTH).worksheets[0]
    rows = {r[1]: [F(str(v)) for v in r[2:6]] for r in ws.iter_rows(min_row=5, values_only=True)
            if r[1] and not str(r[1]).startswith("填表")}
    assert len(rows) == 19
    gdp_mean = sum(v[0] for v in rows.values()) / 19
    energy_mean = sum(v[2] for v in rows.values()) / 19
    index = {}
    for unit, (gdp, gdp_last, energy, energy_last) in rows.items():
        g = F(6, 10) * gdp / gdp_last + F(4, 10) * gdp / gdp_mean
        e = F(6, 10) * energy_last / energy + F(4, 10) * energy_mean / energy
        index[unit] = 100 * (F(1, 2) * g + F(1, 2) * e)
    best, worst = max(index.values()), min(index.values())
    return {u: 100 * (F(6, 10) + F(4, 10) * (c - worst) / (best - worst)) for u, c in index.items()}


def hand_total(unit: str, growth: dict[str, F]) -> tuple[F, F, F]:
    h = HAND[unit]
    indicators = sum(h["indicators"].values())  # raw points sum to 100 = component full
    public = public_score(h["survey"])
    total = F(5, 10) * indicators + F(1, 10) * growth[unit] + F(4, 10) * public + h["bonus"] - h["deduction"]
    return indicators, public, total


def test_run_on_bundled_example_matches_hand_computation(bundled_run):
    example, res = bundled_run
    before = {p.relative_to(ROOT / "input"): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (ROOT / "input").rglob("*") if p.is_file()}  # the copy the run read, as shipped
    assert "未发现问题" in res.stdout and "Traceback" not in res.stderr

    results = json.loads((example / "output" / "results.json").read_text(encoding="utf-8"))
    assert results["assessment"]["title"] == "XX县2025年度乡镇目标管理绩效考核"
    assert results["assessment"]["year"] == 2025 and results["assessment"]["full_score"] == 100
    units = {u["unit"]: u for u in results["units"]}
    assert len(units) == 19

    growth = growth_scores(example)
    for name in HAND:
        indicators, public, total = hand_total(name, growth)
        got = units[name]
        assert got["components"]["发展指数"] == half_up(growth[name]), name
        for ind_id, expected in HAND[name]["indicators"].items():
            assert got["indicators"][ind_id] == half_up(expected), (name, ind_id)
        assert got["components"]["指标考核"] == half_up(indicators), name
        assert got["components"]["公众评议"] == half_up(public), name
        assert got["total"] == half_up(total), name

    # The figures, written out: 城关镇 0.5×93.582… + 0.1×84.65… + 0.4×90.383… + 3 = 94.41
    assert units["城关镇"]["total"] == 94.41
    assert units["杨庄乡"]["total"] == 89.45
    assert units["青山乡"]["total"] == 87.00

    # Ranks, grades and awards follow from the published totals of all 19 townships.
    ordered = [u["total"] for u in results["units"]]
    assert ordered == sorted(ordered, reverse=True)
    assert units["城关镇"]["rank"] == 2 and units["城关镇"]["group_rank"] == 2
    assert units["城关镇"]["grade"] == "优秀" and units["青山乡"]["grade"] == "良好" and units["云岭乡"]["grade"] == "一般"
    # 东关镇 scores highest but is vetoed: it keeps score and rank, loses the prize.
    assert units["东关镇"]["rank"] == 1 and units["东关镇"]["vetoed"] and units["东关镇"]["awards"] == []
    assert units["城关镇"]["awards"] == ["综合考核一等奖"]
    # 杨庄乡 was 3rd last year, 9th now (after the six prize places): nothing; 青山乡 12th -> 13th: nothing.
    assert units["杨庄乡"]["awards"] == [] and units["杨庄乡"]["rank_change"] == -6
    assert units["青山乡"]["awards"] == [] and units["青山乡"]["rank_change"] == -1
    progress = [u["unit"] for u in results["units"] if "进步奖" in u["awards"]]
    assert all(units[u]["rank_change"] >= 2 for u in progress) and progress

    # Outputs exist; inputs untouched.
    for name in ("考核结果汇总表.xlsx", "考核情况分析报告.html", "考核情况分析报告.docx", "数据问题.csv"):
        assert (example / "output" / name).stat().st_size > 0
    after = {p.relative_to(example / "input"): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in (example / "input").rglob("*") if p.is_file()}
    assert before == after


def test_messy_cells_are_read_right_and_traced(bundled_run):
    """Alias, number as text with thousands separator, "93.9%", full-width "５．７": read as the office meant."""
    example, _ = bundled_run
    wb = openpyxl.load_workbook(example / "output" / "考核结果汇总表.xlsx")
    ws = wb["明细"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    detail = {(r[header.index("单位")], r[header.index("指标编号")]): r for r in rows[1:]}
    raw = header.index("原始值")
    src = next(i for i, h in enumerate(header) if h and str(h).startswith("数据来源"))
    assert detail[("云岭乡", "A1")][raw] == 5.7
    assert detail[("云岭乡", "A1")][src].endswith("统计局/2025年度乡镇考核指标数据（统计局）.xlsx › 指标数据!C17")
    assert detail[("柳林镇", "F2")][raw] == 93.9
    assert detail[("新集镇", "B1")][raw] == 19807.6
    assert detail[("城关镇", "C1")][src].endswith("› 指标数据!C5")  # the row written as "城关"


def test_results_json_is_byte_identical_across_runs(bundled_run, example):
    first = (bundled_run[0] / "output" / "results.json").read_bytes()  # another copy, another run
    assert kaohe("run", example).returncode == 0
    assert (example / "output" / "results.json").read_bytes() == first


def test_benchmark_gaps_in_the_bundled_example(bundled_run):
    example, _ = bundled_run
    units = {u["unit"]: u for u in json.loads((example / "output" / "results.json").read_text("utf-8"))["units"]}
    gap = units["柳林镇"]["benchmark"]
    assert gap["unit"] == "城关镇"
    assert gap["gap"] == round(units["柳林镇"]["total"] - units["城关镇"]["total"], 2)
    assert gap["rank_gap"] == units["柳林镇"]["rank"] - units["城关镇"]["rank"] > 0
    for category, value in gap["categories"].items():
        assert value == round(units["柳林镇"]["categories"][category] - units["城关镇"]["categories"][category], 2)
    html = (example / "output" / "考核情况分析报告.html").read_text("utf-8")
    assert '<td class="name">柳林镇</td><td class="name">城关镇</td>' in html
    assert f"落后{gap['rank_gap']}个名次" in html


def test_row_order_in_the_returns_never_changes_results(bundled_run, example):
    """Unit order in the inputs: reversing every department's unit rows gives the same results.json."""
    before = (bundled_run[0] / "output" / "results.json").read_text("utf-8")
    for path in (example / "input").rglob("*考核指标数据*.xlsx"):
        wb = openpyxl.load_workbook(path)
        ws = wb.worksheets[0]
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_row=23)]
        for r, values in enumerate(reversed(rows), start=5):
            for c, v in enumerate(values, start=1):
                ws.cell(r, c).value = v
        wb.save(path)
    res = kaohe("run", example)
    assert res.returncode == 0, res.stdout
    after = json.loads((example / "output" / "results.json").read_text("utf-8"))
    first = json.loads(before)
    # identical apart from the inputs' hashes (the files changed) and the source cells (the rows moved)
    assert after["units"] == first["units"] and after["awards"] == first["awards"]
