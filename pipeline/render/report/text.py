"""The report's number and date words: configured quantities without trailing zeros, money in 元/万元, dates in
Chinese, rank changes as arrows. (Scores and percentages: pipeline.analysis.score_text / percent_text.)"""

from __future__ import annotations

import re
from decimal import Decimal


def num(x: float | None) -> str:
    """A configured quantity (points, caps, weights) without trailing zeros: 10.0 -> '10', 2.5 -> '2.5'."""
    if x is None:
        return "—"
    s = format(Decimal(str(x)).normalize(), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


def money(amount: float) -> str:
    d = Decimal(str(amount))
    if d != 0 and d % 10000 == 0:
        return f"{num(d / 10000)}万元"
    return f"{num(d)}元"


def date_zh(generated_at: str) -> str:
    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", generated_at)
    if not m:
        return ""
    return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"


def rank_change_text(rc: int | None) -> str:
    if rc is None:
        return "—"
    if rc > 0:
        return f"↑{rc}"
    if rc < 0:
        return f"↓{-rc}"
    return "持平"
