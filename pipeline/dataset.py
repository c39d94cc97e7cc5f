"""The normalized data handed from normalize to score: the long value table, survey tallies, registers.

Its own module so that the stages depend on it, not on each other (data flows one way).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

VALUE_COLUMNS = ["unit", "indicator", "period", "value", "target", "source", "target_source"]


@dataclass(frozen=True)
class Tally:
    """Per-question answer counts of one respondent category in one round for one unit."""

    unit: str
    round: str
    category: str
    question: str
    counts: dict[str, int]  # choice -> respondents, known answers only
    unknown: int = 0
    source: str = ""


@dataclass
class Dataset:
    values: pd.DataFrame  # long table: VALUE_COLUMNS; value/target are Decimal or None
    tallies: list[Tally] = field(default_factory=list)
    adjustments: list[dict] = field(default_factory=list)  # unit, kind, value (Decimal >= 0; a place for rank kinds),
    #                                                       reason, department, source
    vetoes: list[dict] = field(default_factory=list)  # unit, item, department, reason, source
    ratings: list[dict] = field(default_factory=list)  # component, unit, rater, rater_unit (the unit the rater names,
    #                                                  or None), score (Decimal, 100 scale), source
    history: dict[str, dict] = field(default_factory=dict)  # unit -> {"rank": int, "total": Decimal|None, "source"}
    issues: list = field(default_factory=list)  # list[Issue]
    files: list = field(default_factory=list)  # list[InputFile]
    falsified: list[dict] = field(default_factory=list)  # unit, indicator, department, reason, source (弄虚作假 -> 0)
    # 更正/申诉: unit, indicator, original, corrected, reason, approver, date, value_source, source (already applied)
    corrections: list[dict] = field(default_factory=list)
    # earlier years' approved (定稿) results from the run history: year -> unit -> (rank, total, top-level category
    # -> points that year), oldest first
    years: dict[int, dict[str, tuple[int, float, dict[str, float | None]]]] = field(default_factory=dict)
