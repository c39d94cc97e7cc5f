"""The category tree derived from a scheme: nodes over leaf indicators, their weights, full points and groups.

Its own module because scoring walks it (score/engine.py, the aggregation of categories) and renderers describe it,
while the scheme's models only declare it; `Scheme.tree()` builds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Node:
    """Derived tree node: children are sub-nodes or leaf indicators, in scheme order."""

    path: tuple[str, ...]
    aggregation: str = "sum"
    weight: Decimal = Decimal(1)
    declared: Decimal | None = None
    weighting: str | None = None  # "entropy" / "critic": the children's weights come from the data
    children: list = field(default_factory=list)  # list[Node | Indicator]

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def key(self) -> str:
        return "/".join(self.path)


def weight_of(child) -> Decimal:
    return child.weight if isinstance(child, Node) else Decimal(str(child.weight))


def applies(child, group: str | None) -> bool:
    """Whether a leaf or a node (any leaf below it) is assessed for units of `group` (None: any group)."""
    if group is None:
        return True
    if isinstance(child, Node):
        return any(applies(c, group) for c in child.children)
    return child.applies_to(group)


def full_of(child, group: str | None = None) -> Decimal:
    """Full points of a node for units of `group`: declared, or the sum (sum) / weighted mean (mean, geomean)
    of the full points of the children assessed for that group."""
    if not isinstance(child, Node):
        return Decimal(str(child.points))
    if child.declared is not None:
        return child.declared
    fulls = [(weight_of(c), full_of(c, group)) for c in child.children if applies(c, group)]
    if not fulls:
        return Decimal(0)
    if child.aggregation == "sum":
        return sum((f for _, f in fulls), Decimal(0))
    return sum((w * f for w, f in fulls), Decimal(0)) / sum((w for w, _ in fulls), Decimal(0))
