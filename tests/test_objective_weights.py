"""Objective weights (pipeline/score/weights.py) against figures worked out elsewhere, never the module's own output.

(a) a published worked example: the bank table of 王昆、宋海洲《三种客观权重赋权法的比较分析》(2003), and a third
party's CRITIC notebook on the same table; (b) a plain numpy implementation written here, on random tables with
gaps; (c) small cases computed by hand; (d) every refusal, message included; (e) properties every result has.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np
import pytest

from pipeline.numbers import CONTEXT
from pipeline.score.weights import WeightsError, critic_weights, describe, entropy_weights

METHODS = [entropy_weights, critic_weights]


def close(a: Decimal, b: Decimal, tol: str = "1e-30") -> bool:
    """a and b agree to `tol`, computed at the scoring precision (the default 28 digits would not resolve 1e-30)."""
    with localcontext(CONTEXT):
        return abs(a - b) < Decimal(tol)


def table(rows: dict[str, list], ids: list[str]) -> dict[str, dict[str, Decimal | None]]:
    """indicator id -> unit -> Decimal, from unit -> row of figures (None: missing)."""
    return {ind: {unit: None if row[j] is None else Decimal(str(row[j])) for unit, row in rows.items()}
            for j, ind in enumerate(ids)}


# ------------------------------------------------------------------------------------ (a) the published example
# 王昆、宋海洲《三种客观权重赋权法的比较分析》，技术经济与管理研究 2003 年第 6 期 48–49 页, 表 1 (source: 2000 年
# 中国金融年鉴); the paper as published: https://github.com/Geaming-CHN/Mathematical-Modeling-Competition/blob/main/
# codes/CRITIC法/三种客观权重赋权法的比较分析.pdf ; the same table as text: https://e-com-net.com/article/1618786530992619520.htm
# 逾期贷款率 is the one lower-is-better indicator; the paper standardises by (x − min)/(max − min) and
# (max − x)/(max − min) (its 表 2), as the module does.
BANK_IDS = ["资产收益率", "费用利润率", "逾期贷款率", "资产使用率", "自有资本率"]
BANK_ROWS = {
    "中信": [0.4830, 13.2682, 0.0000, 4.3646, 5.1070],
    "光大": [0.4035, 13.4909, 39.0131, 3.6151, 5.5005],
    "浦发": [0.8979, 25.7776, 9.0513, 4.8920, 7.5342],
    "招商": [0.5927, 16.0245, 13.2935, 4.4529, 6.5913],
}
BANK_DIRECTIONS = {ind: "lower" if ind == "逾期贷款率" else "higher" for ind in BANK_IDS}


def printed_bounds(printed: list[float], h: float = 0.005) -> list[tuple[float, float]]:
    """Where w_j = q_j / Σ_k q_k can lie when each q was printed rounded to ±h: w_j grows with q_j and falls with
    every other q, so its extremes are (q_j − h) / (Σq + (m − 2)h) and (q_j + h) / (Σq − (m − 2)h)."""
    total, m = sum(printed), len(printed)
    return [((q - h) / (total + (m - 2) * h), (q + h) / (total - (m - 2) * h)) for q in printed]


def test_entropy_weights_agree_with_the_published_entropies():
    # 表 4 prints the entropies E_j to 2 decimals: 资产收益率 0.62, 费用利润率 0.39, 资产使用率 0.77, 自有资本率 0.66,
    # so w_j = (1 − E_j) / Σ(1 − E_k) over these four is known to within the rounding of 1 − E = .38, .61, .23, .34.
    # 逾期贷款率 is left out (an indicator's entropy does not depend on the others): the paper prints E = 0.98 for it,
    # but its own 表 3 proportions for that column (0.4120, 0, 0.3164, 0.2716) give −Σ p ln p / ln 4 = 0.78, so its
    # 0.98 and the weights built on it (0.24 0.39 0.02 0.14 0.21) are a slip of the paper, not the method.
    ids = [ind for ind in BANK_IDS if ind != "逾期贷款率"]
    values = {ind: column for ind, column in table(BANK_ROWS, BANK_IDS).items() if ind in ids}
    weights = entropy_weights(values, BANK_DIRECTIONS)
    assert list(weights) == ids
    for ind, (low, high) in zip(ids, printed_bounds([0.38, 0.61, 0.23, 0.34])):
        assert low <= float(weights[ind]) <= high, (ind, weights[ind], low, high)


def test_critic_weights_agree_with_the_published_information_amounts():
    # 表 4 prints C_j = σ_j Σ(1 − r_jk) to 2 decimals: 资产收益率 0.34, 费用利润率 0.50, 资产使用率 0.35,
    # 自有资本率 0.57 (its σ_j 0.44 0.47 0.42 0.45 are the sample, n − 1, deviations of 表 2). w_j ∝ C_j, so among
    # these four w_j / Σw = C_j / ΣC. 逾期贷款率's σ is printed 0.17 where 表 2's column (1, 0, 0.768, 0.6593) has
    # 0.43, so its C (0.41) and the published weights are left aside, as in the entropy test.
    weights = critic_weights(table(BANK_ROWS, BANK_IDS), BANK_DIRECTIONS)
    four = [ind for ind in BANK_IDS if ind != "逾期贷款率"]
    share = sum(weights[ind] for ind in four)
    for ind, (low, high) in zip(four, printed_bounds([0.34, 0.50, 0.35, 0.57])):
        assert low <= float(weights[ind] / share) <= high, (ind, weights[ind] / share, low, high)


def test_critic_scores_agree_with_a_published_notebook():
    # The CRITIC notebook https://github.com/Geaming-CHN/Mathematical-Modeling-Competition/blob/main/codes/CRITIC法/
    # CRITIC法.ipynb runs the same table (same standardisation, Pearson r) and prints 百分制评分 100·S_i / max S,
    # S_i = Σ_j w_j x'_ij, to full float precision. It uses the population σ, which scales every C_j alike and so
    # leaves the weights unchanged.
    published = {"中信": 49.70763422811035, "光大": 4.025015628082672, "浦发": 100.0, "招商": 58.409900390756505}
    weights = critic_weights(table(BANK_ROWS, BANK_IDS), BANK_DIRECTIONS)
    X = np.array(list(BANK_ROWS.values()))
    low, high = X.min(axis=0), X.max(axis=0)
    lower = np.array([BANK_DIRECTIONS[ind] == "lower" for ind in BANK_IDS])
    Z = np.where(lower, (high - X) / (high - low), (X - low) / (high - low))
    S = Z @ np.array([float(weights[ind]) for ind in BANK_IDS])
    assert dict(zip(BANK_ROWS, 100 * S / S.max())) == pytest.approx(published, rel=1e-9)


# ------------------------------------------------------------------------- (b) an independent numpy implementation
def np_standardised(X: np.ndarray, lower: np.ndarray) -> np.ndarray:
    low, high = X.min(axis=0), X.max(axis=0)
    return np.where(lower, (high - X) / (high - low), (X - low) / (high - low))


def np_entropy(X: np.ndarray, lower: np.ndarray) -> np.ndarray:
    P = np_standardised(X, lower)
    P = P / P.sum(axis=0)
    plogp = np.where(P > 0, P * np.log(np.where(P > 0, P, 1)), 0)
    d = 1 + plogp.sum(axis=0) / np.log(len(X))
    return d / d.sum()


def np_critic(X: np.ndarray, lower: np.ndarray) -> np.ndarray:
    Z = np_standardised(X, lower)
    C = Z.std(axis=0, ddof=1) * (1 - np.corrcoef(Z, rowvar=False)).sum(axis=0)
    return C / C.sum()


def random_table(seed: int):
    """14 units × 5 indicators on different scales, mixed directions, gaps in 4 units (one of them simply absent
    from an indicator), and the complete-case matrix a reference implementation should see."""
    rng = np.random.default_rng(seed)
    ids = ["GDP增速", "财政收入", "安全事故", "信访件数", "满意度"]
    directions = dict(zip(ids, ["higher", "higher", "lower", "lower", "higher"]))
    scales = [10, 5000, 3, 40, 100]
    units = [f"镇{i:02d}" for i in range(14)]
    rows = {u: [round(float(rng.uniform(0.1, 1.0) * s), 2) for s in scales] for u in units}
    for u, j in [(units[2], 0), (units[5], 3), (units[5], 4), (units[9], 1)]:
        rows[u][j] = None
    values = table(rows, ids)
    del values["满意度"][units[11]]
    complete = [u for u in units if u not in (units[2], units[5], units[9], units[11])]
    X = np.array([[float(values[ind][u]) for ind in ids] for u in complete])
    return values, directions, X, np.array([directions[ind] == "lower" for ind in ids])


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("method", "reference"), [(entropy_weights, np_entropy), (critic_weights, np_critic)])
def test_weights_agree_with_a_plain_numpy_implementation_on_complete_cases(seed, method, reference):
    values, directions, X, lower = random_table(seed)
    weights = method(values, directions)
    assert list(weights) == list(values)
    assert [float(w) for w in weights.values()] == pytest.approx(list(reference(X, lower)), abs=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_a_unit_lacking_one_value_counts_for_nothing(method):
    values, directions, _, _ = random_table(4)
    extra = {ind: {**column, "新设镇": Decimal("1e6")} for ind, column in values.items()}
    extra["安全事故"]["新设镇"] = None  # a far outlier everywhere else, but not a complete case
    assert method(extra, directions) == method(values, directions)


# --------------------------------------------------------------------------------------------- (c) by hand
def test_entropy_weights_of_a_case_worked_by_hand():
    # A (higher) 0, 5, 10 → x' = 0, ½, 1, Σ = 3/2 → p = 0, ⅓, ⅔;
    #   Σ p ln p = ⅓ ln ⅓ + ⅔ ln ⅔ = ⅔ ln 2 − ln 3, so e_A = 1 − (2 ln 2)/(3 ln 3), d_A = ln 4 / ln 27.
    # B (lower) 1, 3, 3 → x' = (3 − 1)/2, 0, 0 = 1, 0, 0 → p = 1, 0, 0 → Σ p ln p = 0 (0·ln 0 = 0), e_B = 0, d_B = 1.
    # Σd = (ln 4 + ln 27) / ln 27 = ln 108 / ln 27, so w_A = ln 4 / ln 108 ≈ 0.29608, w_B = ln 27 / ln 108 ≈ 0.70392.
    values = table({"甲": [0, 1], "乙": [5, 3], "丙": [10, 3]}, ["A", "B"])
    weights = entropy_weights(values, {"A": "higher", "B": "lower"})
    with localcontext(CONTEXT):
        expected = {"A": Decimal(4).ln() / Decimal(108).ln(), "B": Decimal(27).ln() / Decimal(108).ln()}
    assert all(close(weights[k], expected[k]) for k in expected)
    assert round(float(weights["A"]), 5) == 0.29608


def test_critic_weights_of_a_case_worked_by_hand():
    # Same data: x'_A = 0, ½, 1 (mean ½), x'_B = 1, 0, 0 (mean ⅓).
    # Σ(a − ā)² = ½, Σ(b − b̄)² = 4/9 + 1/9 + 1/9 = ⅔, Σ(a − ā)(b − b̄) = −½·⅔ + 0 + ½·(−⅓) = −½,
    # r = −½ / √(½·⅔) = −√3/2; σ_A = √(½/2) = ½, σ_B = √(⅔/2) = 1/√3.
    # With two indicators both carry the same Σ(1 − r) = 1 + √3/2, so w ∝ σ: w_A = ½ / (½ + 1/√3) = √3 / (√3 + 2)
    # ≈ 0.46410, w_B = 2 / (√3 + 2) ≈ 0.53590.
    values = table({"甲": [0, 1], "乙": [5, 3], "丙": [10, 3]}, ["A", "B"])
    weights = critic_weights(values, {"A": "higher", "B": "lower"})
    with localcontext(CONTEXT):
        root3 = Decimal(3).sqrt()
        expected = {"A": root3 / (root3 + 2), "B": 2 / (root3 + 2)}
    assert all(close(weights[k], expected[k]) for k in expected)
    assert round(float(weights["A"]), 5) == 0.46410


# --------------------------------------------------------------------------------------------- (d) refusals
@pytest.mark.parametrize("method", METHODS)
def test_one_indicator_is_refused(method):
    with pytest.raises(WeightsError) as refused:
        method(table({"甲": [1], "乙": [2]}, ["A"]), {"A": "higher"})
    assert str(refused.value) == "客观赋权需要至少 2 个指标，现有 1 个"
    with pytest.raises(WeightsError) as refused:
        method({}, {})
    assert str(refused.value) == "客观赋权需要至少 2 个指标，现有 0 个"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("rows", "complete"), [
    ({"甲": [1, 2], "乙": [3, None], "丙": [None, 4]}, 1),
    ({"甲": [1, None], "乙": [None, 2]}, 0),
])
def test_fewer_than_two_complete_units_are_refused(method, rows, complete):
    with pytest.raises(WeightsError) as refused:
        method(table(rows, ["A", "B"]), {"A": "higher", "B": "lower"})
    assert str(refused.value) == f"客观赋权需要至少 2 个指标数据完整的单位，现有 {complete} 个"


@pytest.mark.parametrize(("method", "name"), [(entropy_weights, "熵权法"), (critic_weights, " CRITIC ")])
def test_an_indicator_equal_for_all_complete_units_is_refused_by_name(method, name):
    # 财政收入 differs only in 丁, which lacks 信访件数: among the complete units it is constant.
    rows = {"甲": [7, 12], "乙": [7, 30], "丙": [7, 18], "丁": [9, None]}
    with pytest.raises(WeightsError) as refused:
        method(table(rows, ["财政收入", "信访件数"]), {"财政收入": "higher", "信访件数": "lower"})
    assert str(refused.value) == f"指标“财政收入”各单位数值相同，无法用{name}赋权"


def test_critic_refuses_indicators_all_perfectly_correlated_which_entropy_weighs_equally():
    # B = 2A + 1 (higher), C = −A (lower): all three standardise to the same column, so every 1 − r_jk is 0.
    values = table({"甲": [1, 3, -1], "乙": [4, 9, -4], "丙": [2, 5, -2]}, ["A", "B", "C"])
    directions = {"A": "higher", "B": "higher", "C": "lower"}
    with pytest.raises(WeightsError) as refused:
        critic_weights(values, directions)
    assert str(refused.value) == "各指标标准化后完全相关，无法用 CRITIC 赋权"
    weights = entropy_weights(values, directions)
    with localcontext(CONTEXT):
        third = Decimal(1) / 3
    assert all(close(w, third) for w in weights.values())


def test_the_refusal_is_a_value_error():
    assert issubclass(WeightsError, ValueError)


# --------------------------------------------------------------------------------------------- (e) properties
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", [5, 6])
def test_weights_are_positive_and_sum_to_one(method, seed):
    values, directions, _, _ = random_table(seed)
    weights = method(values, directions)
    assert all(w > 0 for w in weights.values())
    with localcontext(CONTEXT):
        total = sum(weights.values(), Decimal(0))
    assert close(total, Decimal(1))


@pytest.mark.parametrize("method", METHODS)
def test_a_lower_indicator_weighs_as_its_negation_would_as_higher(method):
    values, directions, _, _ = random_table(7)
    negated = {**values, "安全事故": {u: None if x is None else -x for u, x in values["安全事故"].items()}}
    flipped = {**directions, "安全事故": "higher"}
    a, b = method(values, directions), method(negated, flipped)
    assert all(close(a[k], b[k]) for k in a)


def test_describe_gives_one_chinese_sentence_per_method():
    assert describe("entropy").startswith("熵权法：") and "(1 − e) / Σ(1 − e)" in describe("entropy")
    assert describe("critic").startswith("CRITIC 法：") and "C / ΣC" in describe("critic")
    for method in ("entropy", "critic"):
        assert "数据齐全的单位" in describe(method) and "。" not in describe(method)[:-1]
    with pytest.raises(ValueError):
        describe("ahp")
