"""Scheme 5, objective weights: examples/objective through the real CLI, checked against hand computation.

云岭县 rates 12 townships (平原乡镇 6, 山区乡镇 6) on 6 indicators in 2 top-level categories:
  every indicator is scored by efficacy coefficient on 100 points, the sample's best and worst over all 12 units:
    score = 100 × (0.6 + 0.4 × (x − worst) / (best − worst)); S1 城镇登记失业率 is lower-better;
  经济发展 (E1 人均地区生产总值, E2 规模以上工业增加值增速, E3 农村居民人均可支配收入) = Σ w·score with 熵权法 weights,
  社会民生 (S1 城镇登记失业率, S2 每千人卫生技术人员数, S3 义务教育巩固率) = Σ w·score with CRITIC weights,
    both weights derived from this year's raw values (min-max standardised with each indicator's direction) of
    the complete cases only (units with every value of the category present);
  total = (经济发展 + 社会民生) / 2 (the indicators component aggregates its two top categories by mean, full 100);
  grades on the published total: ≥ 85 优秀, ≥ 75 良好, ≥ 60 一般, else 较差; competition ranks, also per group.
  S2 has missing = "group_mean": 松岭乡 (山区乡镇) left it blank, so its value is the mean of the other five 山区
  townships, scored like a value (it joins the efficacy sample, decisions.md 67) and marked; it is not a complete
  case of 社会民生, so the CRITIC weights rest on the other 11 townships.

The hand computations below use only the raw cells of examples/objective/input/ (written by
examples/objective/make_inputs.py) and the rules of examples/objective/config.toml, independently of the engine's
code: efficacy scores in exact fractions, the weights in plain floats (they need logarithms and square roots).
"""

from __future__ import annotations

import json
import math
import shutil
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction as F
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, kaohe, load_module, workbook_cells

EXAMPLE = ROOT / "examples" / "objective"
PLAIN = ["城关镇", "河西镇", "柳营镇", "新集镇", "王店镇", "东湖镇"]
MOUNTAIN = ["青山乡", "石门乡", "白云乡", "龙潭镇", "松岭乡", "马岭乡"]
UNITS = PLAIN + MOUNTAIN
GROUP = {**{u: "平原乡镇" for u in PLAIN}, **{u: "山区乡镇" for u in MOUNTAIN}}
CATEGORIES = {"经济发展": ("E1", "E2", "E3"), "社会民生": ("S1", "S2", "S3")}
METHOD = {"经济发展": "熵权法", "社会民生": "CRITIC 法"}
LOWER = {"S1"}  # direction = "lower"
NAMES = {"E1": "人均地区生产总值", "E2": "规模以上工业增加值增速", "E3": "农村居民人均可支配收入",
         "S1": "城镇登记失业率", "S2": "每千人卫生技术人员数", "S3": "义务教育巩固率"}

# Raw values as filed in examples/objective/input/ (several cells are written messily; noted where they are):
#   统计局 return: E1 元, E2 %, E3 元, S1 %; 卫健局/教育局 return: S2 人 (松岭乡 blank), S3 % (every one stored as a
#   fraction, 0.992, in a cell formatted 0.0%).
RAW = {
    "城关镇": dict(E1="86420", E2="9.6", E3="23860", S1="3.6", S2="8.4", S3="99.2"),   # "城关" (alias) in 统计局
    "河西镇": dict(E1="72350", E2="11.8", E3="22140", S1="2.8", S2="6.9", S3="98.6"),  # E1 typed "72,350"
    "柳营镇": dict(E1="65180", E2="7.2", E3="21570", S1="3.1", S2="6.2", S3="98.9"),
    "新集镇": dict(E1="58760", E2="4.5", E3="20930", S1="2.5", S2="5.8", S3="97.8"),
    "王店镇": dict(E1="61240", E2="-1.6", E3="19880", S1="3.4", S2="5.1", S3="98.1"),  # E2 as text, as every E2
    "东湖镇": dict(E1="69930", E2="6.3", E3="22680", S1="2.2", S2="7.3", S3="99.5"),
    "青山乡": dict(E1="41260", E2="8.9", E3="17650", S1="2.9", S2="5.4", S3="96.9"),
    "石门乡": dict(E1="33580", E2="3.2", E3="15920", S1="3.8", S2="4.6", S3="95.4"),   # S1 typed "３．８"
    "白云乡": dict(E1="29740", E2="-2.4", E3="15130", S1="3.3", S2="4.9", S3="94.7"),
    "龙潭镇": dict(E1="47810", E2="10.5", E3="18460", S1="2.6", S2="6.1", S3="97.6"),  # "龙潭" (alias), S2 "６．１"
    "松岭乡": dict(E1="36920", E2="5.7", E3="16780", S1="4.3", S2=None, S3="96.2"),    # E3 "16780元"; S2 blank
    "马岭乡": dict(E1="31450", E2="1.4", E3="15460", S1="3.5", S2="4.3", S3="93.8"),   # "马岭乡 " (trailing space)
}
IMPUTED_UNIT, IMPUTED_INDICATOR = "松岭乡", "S2"


def half_up(x, places: int = 2) -> float:
    """x published to `places` decimals, 四舍五入. A float x must not lie within float noise of a half-way point."""
    if isinstance(x, float):
        scaled = x * 10 ** places
        assert abs(scaled - math.floor(scaled) - 0.5) > 1e-6, f"{x} is too close to a rounding boundary"
        d = Decimal(repr(x))
    else:
        d = Decimal(x.numerator) / Decimal(x.denominator)
    return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def imputed_value() -> F:
    """松岭乡's S2: the mean of the other 山区乡镇's values (group_mean)."""
    peers = [F(RAW[u]["S2"]) for u in MOUNTAIN if RAW[u]["S2"] is not None]
    assert len(peers) == 5
    return sum(peers) / len(peers)


def values(ind: str, impute: bool) -> dict[str, F]:
    """unit -> value of `ind`, with or without the imputed gap (without: the complete cases of the column)."""
    out = {u: F(RAW[u][ind]) for u in UNITS if RAW[u][ind] is not None}
    if impute and ind == IMPUTED_INDICATOR:
        out[IMPUTED_UNIT] = imputed_value()
    return out


def efficacy_scores(ind: str) -> dict[str, F]:
    """100 × (0.6 + 0.4 × d) over all 12 units, the imputed value included in the sample (decisions.md 67)."""
    xs = values(ind, impute=True)
    assert len(xs) == 12
    best, worst = (min(xs.values()), max(xs.values())) if ind in LOWER else (max(xs.values()), min(xs.values()))
    return {u: 100 * (F(6, 10) + F(4, 10) * (x - worst) / (best - worst)) for u, x in xs.items()}


def standardised(ids, units, raw=RAW) -> list[list[float]]:
    """Min-max standardised columns of `ids` over `units`, each with its direction (raw values only)."""
    cols = []
    for ind in ids:
        xs = [F(raw[u][ind]) for u in units]
        low, high = min(xs), max(xs)
        cols.append([float((high - x) / (high - low) if ind in LOWER else (x - low) / (high - low)) for x in xs])
    return cols


def complete_cases(ids) -> list[str]:
    return [u for u in UNITS if all(RAW[u][i] is not None for i in ids)]


def entropy_weights(ids, units) -> dict[str, float]:
    """熵权法: p = x'/Σx', e = −Σ p ln p / ln n (0 ln 0 = 0), w = (1 − e) / Σ(1 − e)."""
    d = []
    for col in standardised(ids, units):
        ps = [x / sum(col) for x in col]
        e = -sum(p * math.log(p) for p in ps if p > 0) / math.log(len(col))
        d.append(1 - e)
    return {ind: dj / sum(d) for ind, dj in zip(ids, d)}


def critic_weights(ids, units, raw=RAW) -> dict[str, float]:
    """CRITIC: σ (n − 1) of the standardised columns, Pearson r, C = σ Σ_k (1 − r), w = C / ΣC."""
    cols = standardised(ids, units, raw)
    n = len(units)
    means = [sum(c) / n for c in cols]
    dev = [[x - m for x in c] for c, m in zip(cols, means)]
    ss = [sum(a * a for a in d) for d in dev]
    sigma = [math.sqrt(s / (n - 1)) for s in ss]

    def r(j, k):
        return sum(a * b for a, b in zip(dev[j], dev[k])) / math.sqrt(ss[j] * ss[k])

    c = [sigma[j] * sum(1 - r(j, k) for k in range(len(ids)) if k != j) for j in range(len(ids))]
    return {ind: cj / sum(c) for ind, cj in zip(ids, c)}


def weights() -> dict[str, dict[str, float]]:
    econ, social = CATEGORIES["经济发展"], CATEGORIES["社会民生"]
    return {"经济发展": entropy_weights(econ, complete_cases(econ)),
            "社会民生": critic_weights(social, complete_cases(social))}


def hand() -> dict[str, dict]:
    """Every unit's indicator scores (exact), category scores, total (floats), rank, group rank and grade."""
    scores = {ind: efficacy_scores(ind) for ids in CATEGORIES.values() for ind in ids}
    w = weights()
    out = {}
    for u in UNITS:
        cats = {cat: sum(w[cat][i] * float(scores[i][u]) for i in ids) for cat, ids in CATEGORIES.items()}
        out[u] = {"indicators": {i: scores[i][u] for i in scores}, "categories": cats,
                  "total": (cats["经济发展"] + cats["社会民生"]) / 2}
    published = {u: half_up(out[u]["total"]) for u in UNITS}
    for u in UNITS:
        out[u]["rank"] = 1 + sum(1 for v in UNITS if published[v] > published[u])
        out[u]["group_rank"] = 1 + sum(1 for v in UNITS if GROUP[v] == GROUP[u] and published[v] > published[u])
        t = published[u]
        out[u]["grade"] = "优秀" if t >= 85 else "良好" if t >= 75 else "一般" if t >= 60 else "较差"
    return out


# ------------------------------------------------------------------------------------------------ the run
@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One real `kaohe run` on a copy of examples/objective: (folder, console output, results.json)."""
    folder = tmp_path_factory.mktemp("objective") / "乡镇发展水平综合评价"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("output", "归档", ".kaohe", "__pycache__"))
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    return folder, res.stdout, json.loads((folder / "output" / "results.json").read_text(encoding="utf-8"))


def sheet_rows(folder: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(folder / "output" / "考核结果汇总表.xlsx")
    return list(wb[sheet].iter_rows(values_only=True))


def test_objective_example_matches_hand_computation(run):
    _, _, results = run
    assert results["assessment"]["title"] == "云岭县2025年度乡镇发展水平综合评价"
    assert [(c["name"], c["kind"], c["weight"], c["full"], c["aggregation"]) for c in results["components"]] == [
        ("发展水平评价", "indicators", 1.0, 100.0, "mean")]
    units = {u["unit"]: u for u in results["units"]}
    assert list(units) == sorted(UNITS, key=lambda u: units[u]["rank"]) and len(units) == 12
    expected = hand()
    for name in UNITS:  # every unit
        e, got = expected[name], units[name]
        assert got["group"] == GROUP[name], name
        assert got["indicators"] == {i: half_up(s) for i, s in e["indicators"].items()}, name
        assert got["categories"] == {c: half_up(v) for c, v in e["categories"].items()}, name
        assert got["components"] == {"发展水平评价": half_up(e["total"])}, name
        assert got["total"] == half_up(e["total"]), name
        assert (got["rank"], got["group_rank"], got["grade"]) == (e["rank"], e["group_rank"], e["grade"]), name
        assert got["grade_by_total"] == e["grade"] and got["grade_limits"] == [], name

    # The figures, written out.
    # Efficacy: E1 best 86420 (城关镇), worst 29740 (白云乡) → 河西镇 100 × (0.6 + 0.4 × 42610/56680) = 90.07;
    # S1 is lower-better: best 2.2 (东湖镇) → 100, worst 4.3 (松岭乡) → 60; 城关镇 3.6 → 60 + 40 × 0.7/2.1 = 73.33.
    assert expected["河西镇"]["indicators"]["E1"] == 100 * (F(6, 10) + F(4, 10) * F(42610, 56680))
    assert units["河西镇"]["indicators"]["E1"] == 90.07
    assert expected["城关镇"]["indicators"]["S1"] == F(220, 3) and units["城关镇"]["indicators"]["S1"] == 73.33
    assert units["东湖镇"]["indicators"]["S1"] == 100.0 and units["松岭乡"]["indicators"]["S1"] == 60.0
    # The weights (published to 4 places below): 经济发展 by entropy over all 12, 社会民生 by CRITIC over 11.
    w = weights()
    assert {c: {i: round(x, 4) for i, x in ws.items()} for c, ws in w.items()} == {
        "经济发展": {"E1": 0.4011, "E2": 0.2426, "E3": 0.3563},
        "社会民生": {"S1": 0.4364, "S2": 0.2948, "S3": 0.2688}}
    # 东湖镇: 经济发展 0.4011… × 88.36… + 0.2426… × 84.51… + 0.3563… × 94.59… = 89.65;
    #   社会民生 0.4364… × 100 + 0.2948… × 89.27… + 0.2688… × 100 = 96.84; total (89.647… + 96.836…) / 2 = 93.24
    assert units["东湖镇"]["categories"] == {"经济发展": 89.65, "社会民生": 96.84}
    assert units["东湖镇"]["total"] == 93.24 and units["东湖镇"]["rank"] == 1
    # 城关镇 leads 经济发展 (98.50) but its unemployment (3.6%) costs it first place: 93.15, rank 2
    assert units["城关镇"]["categories"] == {"经济发展": 98.5, "社会民生": 87.8} and units["城关镇"]["rank"] == 2
    # 白云乡 is the worst on all three economic indicators: 60 × (w1 + w2 + w3) = 60
    assert units["白云乡"]["categories"]["经济发展"] == 60.0
    # grades: 4 优秀, 4 良好, 4 一般 (efficacy never scores below 60, so no 较差)
    by_rank = sorted(UNITS, key=lambda u: units[u]["rank"])
    assert [units[u]["grade"] for u in by_rank] == ["优秀"] * 4 + ["良好"] * 4 + ["一般"] * 4
    assert [u["unit"] for u in results["units"]] == [
        "东湖镇", "城关镇", "河西镇", "柳营镇", "新集镇", "龙潭镇", "青山乡", "王店镇", "松岭乡", "石门乡", "白云乡", "马岭乡"]
    assert {u: units[u]["group_rank"] for u in MOUNTAIN} == {"龙潭镇": 1, "青山乡": 2, "松岭乡": 3, "石门乡": 4,
                                                           "白云乡": 5, "马岭乡": 6}


def test_objective_weights_are_published_on_the_method_sheet(run):
    folder, _, _ = run
    rows = sheet_rows(folder, "方法说明")
    start = next(k for k, r in enumerate(rows) if r[0] and "客观赋权" in str(r[0]))
    assert rows[start][0] == "五、客观赋权（按本年各单位数据计算的指标权重）"
    assert rows[start + 1][:5] == ("指标类别", "赋权方法", "指标编号", "指标", "权重")
    table = [r[:5] for r in rows[start + 2:start + 8]]
    w = weights()
    assert table == [(cat, METHOD[cat], i, NAMES[i], half_up(w[cat][i], 4)) for cat, ids in CATEGORIES.items()
                     for i in ids]
    assert [row[4] for row in table] == [0.4011, 0.2426, 0.3563, 0.4364, 0.2948, 0.2688]
    notes = [str(r[0]) for r in rows[start + 8:start + 10]]
    assert notes[0].startswith("熵权法：") and notes[1].startswith("CRITIC 法：")
    assert all("只用各指标数据齐全的单位" in n and "表中权重保留4位小数" in n for n in notes)


def test_objective_weights_use_complete_cases_only():
    """The imputed 5.06 is not a value for the weights: 社会民生's CRITIC weights rest on the 11 complete townships.
    With 松岭乡 counted (its 4.3% unemployment becoming the worst of S1) they would differ in the published places."""
    social = CATEGORIES["社会民生"]
    assert complete_cases(social) == [u for u in UNITS if u != IMPUTED_UNIT]
    assert complete_cases(CATEGORIES["经济发展"]) == UNITS
    used = critic_weights(social, complete_cases(social))
    # what the weights would be if the imputed value counted as data
    assert imputed_value() == F(506, 100)
    filled = {u: {**r, "S2": "5.06"} if u == IMPUTED_UNIT else r for u, r in RAW.items()}
    with_imputed = critic_weights(social, UNITS, filled)
    assert [round(used[i], 4) for i in social] == [0.4364, 0.2948, 0.2688]
    assert [round(with_imputed[i], 4) for i in social] != [round(used[i], 4) for i in social]
    # and the S1 standardisation for the weights has 石门乡's 3.8 as its worst, not 松岭乡's 4.3
    assert max(F(RAW[u]["S1"]) for u in complete_cases(social)) == F("3.8")


def test_objective_imputed_gap_is_scored_marked_and_only_a_notice(run):
    folder, stdout, results = run
    # 松岭乡's S2 = (5.4 + 4.6 + 4.9 + 6.1 + 4.3) / 5 = 5.06, scored in the sample of all 12 (best 8.4, worst 4.3):
    # 100 × (0.6 + 0.4 × (5.06 − 4.3) / (8.4 − 4.3)) = 67.41
    assert imputed_value() == F(506, 100)
    s2 = 100 * (F(6, 10) + F(4, 10) * (F(506, 100) - F("4.3")) / (F("8.4") - F("4.3")))
    assert hand()[IMPUTED_UNIT]["indicators"]["S2"] == s2 and half_up(s2) == 67.41
    units = {u["unit"]: u for u in results["units"]}
    assert units[IMPUTED_UNIT]["indicators"]["S2"] == 67.41
    assert units[IMPUTED_UNIT]["gaps"] == [{"indicator": "S2", "policy": "以同组单位平均值补齐（5.06）"}]
    assert all(u["gaps"] == [] for n, u in units.items() if n != IMPUTED_UNIT)

    rows = sheet_rows(folder, "明细")
    header = rows[0]
    col = {h: header.index(h) for h in ("单位", "指标编号", "原始值", "得分", "说明")}
    detail = {(r[col["单位"]], r[col["指标编号"]]): r for r in rows[1:]}
    gap = detail[(IMPUTED_UNIT, "S2")]
    assert gap[col["说明"]] == "缺数据，按方案以同组单位平均值补齐（5.06）"
    assert gap[col["原始值"]] is None and gap[col["得分"]] == 67.41
    assert [k for k, r in detail.items() if r[col["说明"]]] == [(IMPUTED_UNIT, "S2")]
    summary = [str(c) for r in sheet_rows(folder, "汇总表") for c in r if c]
    assert "注：下列单位有指标缺数据，已按考核方案处理：松岭乡（S2 以同组单位平均值补齐（5.06））。" in summary

    # The only issue is the imputation, a 提示 (allowed-gap) naming the blank cell; never an error or a warning.
    assert [(i["code"], i["severity"], i["unit"], i["cell"]) for i in results["issues"]] == [
        ("allowed-gap", "提示", IMPUTED_UNIT, "C10")]
    assert "数据检查：提示 1 条" in stdout
    assert "[提示] 卫健局教育局/2025年度分乡镇社会民生指标统计表（卫健局 教育局）.xlsx › 社会民生!C10：" \
           "缺少数据，按方案以同组单位平均值补齐（该单位此项得分已标注）（松岭乡 · S2 每千人卫生技术人员数）" in stdout
    assert "[错误]" not in stdout and "[警告]" not in stdout


def test_objective_messy_cells_are_read_right_and_traced(run):
    """Aliases, a stray space, "72,350", "16780元", "-1.6" as text, "３．８", "６．１", 0.992 in a 0.0% cell, the alias
    header 规上工业增加值增速, merged group headings, 山区乡镇 listed first, typed and formula 全县 rows."""
    folder, _, results = run
    rows = sheet_rows(folder, "明细")
    header = rows[0]
    raw, src = header.index("原始值"), header.index("数据来源（文件 › 工作表!单元格）")
    detail = {(r[0], r[1]): r for r in rows[1:]}
    stats = "统计局/2025年度分乡镇主要经济社会指标统计表（统计局）.xlsx › 分乡镇指标!"
    social = "卫健局教育局/2025年度分乡镇社会民生指标统计表（卫健局 教育局）.xlsx › 社会民生!"
    # 统计局: 一、平原乡镇 in row 5, 城关镇 row 6 … 二、山区乡镇 row 12, 青山乡 row 13 … 马岭乡 row 18
    assert detail[("城关镇", "E1")][raw] == 86420 and detail[("城关镇", "E1")][src] == stats + "C6"
    assert detail[("河西镇", "E1")][raw] == 72350
    assert detail[("王店镇", "E2")][raw] == -1.6 and detail[("王店镇", "E2")][src] == stats + "D10"
    assert detail[("松岭乡", "E3")][raw] == 16780 and detail[("松岭乡", "E3")][src] == stats + "E17"
    assert detail[("石门乡", "S1")][raw] == 3.8 and detail[("马岭乡", "S1")][src] == stats + "F18"
    # 卫健局/教育局: 山区乡镇 first (rows 6–11), 平原乡镇 rows 13–18
    assert detail[("龙潭镇", "S2")][raw] == 6.1 and detail[("龙潭镇", "S2")][src] == social + "C9"
    assert detail[("城关镇", "S3")][raw] == 99.2 and detail[("城关镇", "S3")][src] == social + "D13"
    for u in UNITS:
        for ind in NAMES:
            if RAW[u][ind] is not None:
                assert detail[(u, ind)][raw] == float(RAW[u][ind]), (u, ind)
    assert sorted(f["file"] for f in results["run"]["inputs"]) == [
        "卫健局教育局/2025年度分乡镇社会民生指标统计表（卫健局 教育局）.xlsx",
        "统计局/2025年度分乡镇主要经济社会指标统计表（统计局）.xlsx"]


def test_bundled_objective_inputs_are_what_make_inputs_writes(tmp_path):
    """The committed input/ is the script's output (so RAW above describes what the script writes)."""
    module = load_module(EXAMPLE / "make_inputs.py", "objective_make_inputs")
    module.generate(tmp_path)
    made = sorted(p.relative_to(tmp_path / "input") for p in (tmp_path / "input").rglob("*") if p.is_file())
    kept = sorted(p.relative_to(EXAMPLE / "input") for p in (EXAMPLE / "input").rglob("*") if p.is_file())
    assert made == kept and len(made) == 2
    for rel in made:
        assert workbook_cells(tmp_path / "input" / rel) == workbook_cells(EXAMPLE / "input" / rel), rel
    # RAW is the script's data, cleaned of its mess.
    for unit, r in RAW.items():
        e1, e2, e3, s1, _ = module.STATS[unit]
        s2, s3, _ = module.SOCIAL[unit]
        assert r == dict(E1=e1, E2=e2, E3=e3, S1=s1, S2=s2, S3=s3), unit
    assert [u for u, (s2, _, _) in module.SOCIAL.items() if s2 is None] == [IMPUTED_UNIT]


def test_objective_report_says_how_the_weights_were_set(run):
    """The report's method paragraph names the objective weights and their values, as 方法说明 does."""
    from docx import Document

    folder, _, _ = run
    w = weights()
    expected = "；".join(
        f"{cat}按{METHOD[cat]}由本年数据确定指标权重（"
        + "、".join(f"{NAMES[i]} {half_up(w[cat][i], 4):.4f}" for i in ids) + "）" for cat, ids in CATEGORIES.items())
    html = (folder / "output" / "考核情况分析报告.html").read_text(encoding="utf-8")
    assert expected + "。" in html
    docx = "\n".join(p.text for p in Document(str(folder / "output" / "考核情况分析报告.docx")).paragraphs)
    assert expected in docx
