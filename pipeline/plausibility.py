"""Plausibility: values that parse as numbers but cannot be what the department meant.

A township that types 0.845 where every other typed 84.5 (or whose cell format hid the %) is read correctly as
0.845 and scores silently wrong. These checks run over normalize's long table and raise an ERROR naming the cell:

- a value about ×100 or ×0.01 off from its peers (the same indicator, period and column in the other units);
- an absurd magnitude (|v| ≥ 1e15: overflowing formulas, 1e308 typed by a program), or a non-finite one;
- a value outside the `range` the scheme declares for the indicator;
- a negative actual or target of a completion-rate indicator (the rate would be meaningless).

The ×100 rule works in decades (log10 of the magnitude) against the median of the other units, so one slip cannot
hide itself by moving the median, and it stays silent on genuinely wide data: it fires only when the value sits at
least 1.6 decades (40×) from the median, multiplying or dividing it by 100 brings it within 0.4 decades (2.5×) of
the median, the distance is at least 4 robust standard deviations of the peers (1.4826 × the median absolute
deviation of their decades), all the figures are positive, and no peer fills the gap between the value and the
bulk (farther than 2× from the value and than 5× from the median). Investment amounts spanning 50× or 1000×, and
the heavy-tailed real data of the ASEM oracle (../shared/oracles), do not meet them all. A unit that truly is
a hundred times smaller has a way through: an indicator with a declared `range` is checked against the range the
office vouched for instead of against its peers.
"""

from __future__ import annotations

import functools
import math
import statistics
from decimal import Decimal

import pandas as pd

from .issues import Issue
from .scheme import Scheme

ABSURD = Decimal("1e15")
MIN_PEERS = 4  # other units with a non-zero value, or the median says nothing
FAR = 1.6  # decades between the value and the peers' median (≈ 40×)
NEAR = 0.4  # decades between the value ×100 (or ÷100) and the median (≈ 2.5×)
SPREAD_TIMES = 4  # the distance must be 4 robust standard deviations of the peers
MIN_SPREAD = 0.05  # decades: peers that agree to the digit still leave room for genuine ±12 %
GAP_AROUND = 0.3  # decades (2×) around the value where fellow slips may sit (two townships typing fractions)
GAP_BULK = 0.7  # decades (5×) from the median: where the bulk of the peers begins


def where(source: str) -> dict:
    """`file › sheet!cell` -> Issue position fields: the file before the first " › ", the cell after the last "!"."""
    if not source:
        return {}
    file, _, rest = source.partition(" › ")
    sheet, _, cell = rest.rpartition("!")
    return {"file": file, "sheet": sheet, "cell": cell}


def show(value: Decimal) -> str:
    """A value as the message prints it: its digits, or scientific notation when it is absurdly long."""
    if not value.is_finite():
        return str(value)
    return f"{value.normalize():f}" if abs(value) < ABSURD else f"{value:.4E}"


@functools.lru_cache(maxsize=1 << 16)
def _decades(value: Decimal) -> float:
    """log10 |value|: each unit's figure is a peer of every other unit's, so it is computed once (cached)."""
    f = abs(float(value))
    if 1e-300 < f < 1e300:
        return math.log10(f)
    return float(abs(value).log10())  # Decimal's own log where a float would underflow (1E-400) or overflow


def scale_slip(value: Decimal, peers: list[Decimal]) -> int:
    """100 if value×100 fits the peers (the value is 100× too small), -100 if value÷100 does, else 0.

    Only among positive figures (a growth rate near 0 among others of either sign is no slip), and only across a
    gap: a slip leaves nothing between itself and the bulk of its peers, where a genuinely heavy tail (trade barriers
    1, 2, 3, 7, 19, 57, 81 … around a median of 1141) fills the decades in between.
    """
    if value <= 0 or any(p <= 0 for p in peers):
        return 0
    logs = [_decades(p) for p in peers]
    if len(logs) < MIN_PEERS:
        return 0
    med = statistics.median(logs)
    spread = max(MIN_SPREAD, 1.4826 * statistics.median(abs(x - med) for x in logs))
    d = _decades(value) - med
    if abs(d) < FAR or abs(d) < SPREAD_TIMES * spread:
        return 0
    v = _decades(value)
    if d < 0:
        between = [x for x in logs if v + GAP_AROUND < x < med - GAP_BULK]
    else:
        between = [x for x in logs if med + GAP_BULK < x < v - GAP_AROUND]
    if between:
        return 0
    if d < 0 and abs(d + 2) <= NEAR:
        return 100
    if d > 0 and abs(d - 2) <= NEAR:
        return -100
    return 0


def check_values(scheme: Scheme, values: pd.DataFrame) -> list[Issue]:
    issues: list[Issue] = []
    measures = {m.id: m for m in scheme.measures}
    group_of = {u.name: u.group for u in scheme.units}
    # (indicator, period, column, group or "") -> [(unit, value, source)] of the values that passed the cell checks
    pools: dict[tuple, list[tuple[str, Decimal, str]]] = {}
    for rec in values.to_dict("records"):
        ind = measures.get(rec["indicator"])
        if ind is None:
            continue
        for column, source_col in (("value", "source"), ("target", "target_source")):
            v = rec[column]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            v = Decimal(v) if not isinstance(v, Decimal) else v
            source = rec[source_col] or rec["source"]
            at = {"unit": rec["unit"], "indicator": ind.label, **where(source)}
            if not v.is_finite() or abs(v) >= ABSURD:
                issues.append(Issue("absurd-value", params={"value": show(v)}, **at))
                continue
            if ind.range is not None and not (Decimal(str(ind.range[0])) <= v <= Decimal(str(ind.range[1]))):
                issues.append(Issue("out-of-range", params={"value": show(v), "low": f"{ind.range[0]:g}",
                                                            "high": f"{ind.range[1]:g}"}, **at))
                continue
            broken = next((b for b in ind.bounds() if b.stage == "plausibility" and column in b.columns
                           and not b.admits(v)), None)
            if broken is not None:  # the method's own bounds (a negative completion actual or target)
                issues.append(Issue(broken.issue, params={"value": show(v), **broken.params}, **at))
                continue
            if ind.range is not None:
                continue  # the office declared what is plausible: no guessing from the peers
            group = group_of.get(rec["unit"], "") if getattr(ind, "compare", "all") == "group" else ""
            pools.setdefault((ind.id, rec["period"], column, group), []).append((rec["unit"], v, source))
    for (ind_id, _, _, _), pool in pools.items():
        label = measures[ind_id].label
        if len(pool) <= MIN_PEERS or any(v <= 0 for _, v, _ in pool):
            continue  # too few peers, or figures of either sign (scale_slip would say 0 for every unit)
        logs = sorted(_decades(v) for _, v, _ in pool)
        n = len(logs)
        # the peers' median (one value left out) lies between these two of the whole pool's sorted decades
        low, high = logs[max(0, (n - 1) // 2 - 1)], logs[min(n - 1, n // 2 + 1)]
        for i, (unit, v, source) in enumerate(pool):
            if low - FAR < _decades(v) < high + FAR:
                continue  # nearer than FAR to any median the peers can have: no slip (the common case, made cheap)
            peers = [p for j, (_, p, _) in enumerate(pool) if j != i]
            slip = scale_slip(v, peers)
            if slip:
                issues.append(Issue("scale-outlier", unit=unit, indicator=label, **where(source), params={
                    "value": show(v), "median": show(statistics.median(peers)),
                    "ratio": "百分之一" if slip > 0 else " 100 倍", "scaled": "乘以 100" if slip > 0 else "除以 100"}))
    return issues
