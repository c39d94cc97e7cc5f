"""Unit names as returns write them ("城关", "南河镇 ", "城关镇") resolved to the scheme's units.

Shared by ingest (a column or row whose cells resolve to known units is a table's unit axis, whatever its header
says) and normalize (every row's unit is resolved, and an unknown name gets the closest known one as a hint).
"""

from __future__ import annotations

import difflib

from .numbers import normalize_text
from .scheme import Scheme


class UnitResolver:
    """Maps what a return says ("城关", "南河镇 ", "城关镇") to the scheme's unit name."""

    def __init__(self, scheme: Scheme):
        self.names: dict[str, str] = {}
        for u in scheme.units:
            for n in (u.name, *u.aliases):
                self.names[normalize_text(n)] = u.name
        self.choices = list(self.names)

    def resolve(self, text) -> str | None:
        return self.names.get(normalize_text(text))

    def hint(self, text, absent: set[str] = frozenset()) -> str:
        """Suggest the closest known unit, preferring one that is absent from the same sheet (the likely typo)."""
        close = [self.names[c] for c in difflib.get_close_matches(normalize_text(text), self.choices, n=5, cutoff=0.4)]
        if not close:
            return "（方案中没有该单位）"
        best = next((c for c in close if c in absent), close[0])
        return f"，是否为“{best}”？"
