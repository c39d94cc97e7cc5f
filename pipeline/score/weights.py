"""Objective indicator weights (客观赋权) from this year's data: 熵权法 and CRITIC.

Offices and their advisers often derive weights from the units' own figures, to set a scheme's weights or to check
the ones set by hand: an indicator on which the units differ more (and, for CRITIC, which agrees less with the other
indicators) carries more weight. Both methods are the textbook ones of Chinese evaluation papers, computed in
`Decimal` like all scoring arithmetic. Only complete cases are used: a unit lacking any indicator's value is left out
of every indicator, so that all weights rest on the same units.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from ..numbers import CONTEXT

ZERO = Decimal(0)
ONE = Decimal(1)
# A correlation within this of 1 is 1: identical standardised columns can differ in the 34th digit.
PERFECT_CORRELATION = Decimal("1e-24")

_NAMES = {"entropy": "熵权法", "critic": " CRITIC "}  # Latin words stand apart from Chinese text by a space

_DESCRIPTIONS = {
    "entropy": "熵权法：各指标按极差标准化（正向 (x − min)/(max − min)，逆向 (max − x)/(max − min)）后计算信息熵 e，"
               "权重 = (1 − e) / Σ(1 − e)，只用各指标数据齐全的单位",
    "critic": "CRITIC 法：各指标按极差标准化后，以标准差 σ 衡量对比强度、以与各指标的相关系数 r 衡量冲突性，"
              "信息量 C = σ × Σ(1 − r)，权重 = C / ΣC，只用各指标数据齐全的单位",
}


class WeightsError(ValueError):
    """Objective weights cannot be derived from these data; the message (Chinese) says why."""


def describe(method: str) -> str:
    """One sentence on `method` ("entropy" or "critic") for the 方法说明 sheet."""
    if method not in _DESCRIPTIONS:
        raise ValueError(f"unknown objective weighting method {method!r}")
    return _DESCRIPTIONS[method]


def _standardised(values: dict[str, dict[str, Decimal | None]], directions: dict[str, str],
                  method: str) -> dict[str, list[Decimal]]:
    """Min-max standardised columns over the complete cases, refusing what no weight can be derived from."""
    if len(values) < 2:
        raise WeightsError(f"客观赋权需要至少 2 个指标，现有 {len(values)} 个")
    units = list(dict.fromkeys(u for column in values.values() for u in column))  # first-seen order
    complete = [u for u in units if all(column.get(u) is not None for column in values.values())]
    if len(complete) < 2:
        raise WeightsError(f"客观赋权需要至少 2 个指标数据完整的单位，现有 {len(complete)} 个")
    columns = {}
    for ind, column in values.items():
        if directions[ind] not in ("higher", "lower"):
            raise ValueError(f"indicator {ind!r}: direction must be 'higher' or 'lower', not {directions[ind]!r}")
        xs = [column[u] for u in complete]
        low, high = min(xs), max(xs)
        if low == high:
            raise WeightsError(f"指标“{ind}”各单位数值相同，无法用{_NAMES[method]}赋权")
        span = high - low
        columns[ind] = [(x - low) / span if directions[ind] == "higher" else (high - x) / span for x in xs]
    return columns


def entropy_weights(values: dict[str, dict[str, Decimal | None]], directions: dict[str, str]) -> dict[str, Decimal]:
    """熵权法 weights, indicator id -> weight (summing to 1), in the order of `values`.

    `values` maps indicator id -> unit -> value (None: missing); `directions` maps indicator id -> "higher" | "lower".
    Units used: only those with a value for every indicator (complete cases). Each indicator is min-max standardised
    (higher: (x − min)/(max − min); lower: (max − x)/(max − min)); p_ij = x'_ij / Σ_i x'_ij;
    e_j = −(1/ln n) Σ_i p_ij ln p_ij with 0·ln 0 = 0; d_j = 1 − e_j; w_j = d_j / Σ_k d_k.
    Raises WeightsError for fewer than 2 indicators or complete units, or an indicator equal for all units.
    """
    with localcontext(CONTEXT):
        columns = _standardised(values, directions, "entropy")
        n = len(next(iter(columns.values())))
        k = ONE / Decimal(n).ln()
        d = {}
        for ind, xs in columns.items():
            total = sum(xs, ZERO)
            ps = [x / total for x in xs]
            d[ind] = ONE + k * sum((p * p.ln() for p in ps if p), ZERO)  # 1 − e_j
        total_d = sum(d.values(), ZERO)
        if total_d <= 0:  # cannot happen once constant indicators are refused (every e_j < 1); guarded all the same
            raise WeightsError("各指标信息熵均为 1，无法用熵权法赋权")
        return {ind: dj / total_d for ind, dj in d.items()}


def critic_weights(values: dict[str, dict[str, Decimal | None]], directions: dict[str, str]) -> dict[str, Decimal]:
    """CRITIC weights (Diakoulaki et al. 1995), indicator id -> weight (summing to 1), in the order of `values`.

    Same inputs, complete-case rule and min-max standardisation as `entropy_weights`. σ_j is the sample standard
    deviation (n − 1) of the standardised x'_j, r_jk the Pearson correlation of x'_j and x'_k;
    C_j = σ_j Σ_k (1 − r_jk); w_j = C_j / Σ_k C_k.
    Raises WeightsError as `entropy_weights` does, and when all indicators are perfectly correlated (every C_j = 0).
    """
    with localcontext(CONTEXT):
        columns = _standardised(values, directions, "critic")
        n = len(next(iter(columns.values())))
        centred = {}
        for ind, xs in columns.items():
            mean = sum(xs, ZERO) / n
            centred[ind] = [x - mean for x in xs]
        squares = {ind: sum((a * a for a in xs), ZERO) for ind, xs in centred.items()}  # > 0: no constant column

        def r(j: str, k: str) -> Decimal:
            rho = sum((a * b for a, b in zip(centred[j], centred[k])), ZERO) / (squares[j] * squares[k]).sqrt()
            return ONE if abs(ONE - rho) < PERFECT_CORRELATION else rho

        c = {j: (squares[j] / (n - 1)).sqrt() * sum((ONE - r(j, k) for k in columns if k != j), ZERO)
             for j in columns}
        total_c = sum(c.values(), ZERO)
        if total_c <= 0:
            raise WeightsError("各指标标准化后完全相关，无法用 CRITIC 赋权")
        return {ind: cj / total_c for ind, cj in c.items()}


def tree_weights(scheme, current: dict[str, dict[str, Decimal | None]],
                 falsified: set[tuple[str, str]]) -> tuple[dict[str, dict[str, Decimal]], list[tuple[str, str]]]:
    """The derived weights of every `weighting` node of the scheme's tree: (node key -> indicator id -> weight,
    [(node key, why no weights could be derived)]). `current`: this year's values, indicator id -> unit -> value;
    a value the falsified register names is no data. Normalize reports the failures as data issues (so a run
    never scores on them); the engine then derives the same weights from the same values."""
    out: dict[str, dict[str, Decimal]] = {}
    failed: list[tuple[str, str]] = []
    for node in scheme.walk():
        if node.weighting is None:
            continue
        children = node.children  # leaf indicators only (the scheme checks it)
        values = {c.id: {u: None if (u, c.id) in falsified else current.get(c.id, {}).get(u)
                         for u in scheme.unit_names} for c in children}
        derive = entropy_weights if node.weighting == "entropy" else critic_weights
        try:
            out[node.key] = derive(values, {c.id: c.direction for c in children})
        except WeightsError as exc:
            failed.append((node.key, str(exc)))
    return out, failed
