"""Combining children into a category score: sum of points, weighted arithmetic mean, weighted geometric mean.

A child without a score (left out under `missing = "reweight"`) drops out and the others' weights are rescaled,
as composite-indicator tools do; for `sum`, the present children are scaled up to the category's full points.
"""

from __future__ import annotations

from decimal import Decimal

ZERO = Decimal(0)


def aggregate(method: str, children: list[tuple[Decimal, Decimal, Decimal | None]],
              full: Decimal | None = None) -> Decimal | None:
    """children: (weight, full points, score or None); `full`: the node's full points for a `sum` node (default
    the children's). Returns None when no child has a score."""
    present = [(w, f, x) for w, f, x in children if x is not None]
    if not present:
        return None
    if method == "sum":
        got = sum((x for _, _, x in present), ZERO)
        have = sum((f for _, f, _ in present), ZERO)
        if full is None:
            full = sum((f for _, f, _ in children), ZERO)
        return got * full / have if have and have != full else got
    weights = sum((w for w, _, _ in present), ZERO)
    if method == "mean":
        return sum((w * x for w, _, x in present), ZERO) / weights
    if method == "geomean":
        if any(x <= 0 for _, _, x in present):
            return ZERO
        return (sum((w * x.ln() for w, _, x in present), ZERO) / weights).exp()
    raise ValueError(f"unknown aggregation {method}")  # pragma: no cover - the scheme validates it
