"""Build a scheme and a normalized dataset in memory and run the real scoring engine on them.

Used by the method tests: each SPEC example goes through `pipeline.score.score` with a one-indicator (or
small) scheme, exactly as a run would, rather than calling the arithmetic helpers directly.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from pipeline.dataset import VALUE_COLUMNS, Dataset
from pipeline.scheme import parse_scheme
from pipeline import score as score_stage


def score(scheme, data: Dataset, run=None) -> dict:
    """The engine's results in their plain form (`Results.to_dict()`, the documented shape templates see): the
    method and rule tests compare numbers in it."""
    return score_stage.score(scheme, data, run).to_dict()


def make_scheme(indicators: list[dict], units: list[str] | list[dict], precision: int = 4, **extra):
    unit_list = [u if isinstance(u, dict) else {"name": u} for u in units]
    points = sum(Decimal(str(i["points"])) for i in indicators)
    raw = {
        "assessment": {"title": "测试", "year": 2025, "full_score": float(points), "precision": precision},
        "components": [{"name": "指标考核", "kind": "indicators", "weight": 1, "full": float(points)}],
        "units": unit_list,
        "indicators": [{"category": ["测试"], "source": "测试局", **i} for i in indicators],
    }
    for key, value in extra.items():
        raw[key] = value
    if "components" in extra:  # the full score is what the given components add up to
        full = sum(Decimal(str(c["weight"])) * Decimal(str(c.get("full", 100))) for c in extra["components"])
        raw["assessment"]["full_score"] = float(full)
    return parse_scheme(raw)


def make_dataset(values: dict[str, dict[str, object]], previous: dict | None = None, **registers) -> Dataset:
    """values: indicator id -> unit -> value or (value, target), for 2025; previous: the same for 2024."""
    records = []
    periods = [("2025", values), ("2024", previous or {})]
    for period, ind, per_unit in ((p, i, u) for p, vals in periods for i, u in vals.items()):
        for unit, v in per_unit.items():
            value, target = v if isinstance(v, tuple) else (v, None)
            records.append({
                "unit": unit, "indicator": ind, "period": period,
                "value": None if value is None else Decimal(str(value)),
                "target": None if target is None else Decimal(str(target)),
                "source": f"测试.xlsx › 表!{ind}", "target_source": "",
            })
    return Dataset(pd.DataFrame.from_records(records, columns=VALUE_COLUMNS), **registers)


def indicator_scores(indicator: dict, values: dict[str, object], **extra) -> dict[str, float]:
    """Score one indicator for the given units through the engine; unit -> published score (4 dp)."""
    scheme = make_scheme([{"id": "X", "name": "测试指标", **indicator}], list(values), **extra)
    results = score(scheme, make_dataset({"X": values}))
    return {u["unit"]: u["indicators"]["X"] for u in results["units"]}
