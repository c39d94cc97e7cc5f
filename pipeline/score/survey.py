"""Public evaluation (公众评议, SPEC §4) from per-question tallies.

不了解 counts as the average of the known answers, so a question's score is the mean over known answers.
Category score = mean of its questions (5-point scale); round score (county form) = mean over categories of
category / scale × 100, or (district form) Σ category / scale × its points; the unit's public score = rounds
weighted (中期 30% + 年终 70%), on the survey's own full mark (`Survey.full`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from ..numbers import CONTEXT
from ..dataset import Tally
from ..scheme import Survey


@dataclass
class SurveyResult:
    units: dict[str, Decimal] = field(default_factory=dict)  # unit -> public score, 100 scale
    rows: list[dict] = field(default_factory=list)  # per question statistics
    categories: list[dict] = field(default_factory=list)  # per unit/round/category statistics
    unanswered: list[Tally] = field(default_factory=list)  # questions left out (no known answer)
    incomplete: dict[str, list[str]] = field(default_factory=dict)  # unit -> rounds with no data
    # unit -> (round, category) -> answers per choice over its questions (known answers), and "don't know" counts
    pooled: dict[str, dict[tuple[str, str], dict[str, int]]] = field(default_factory=dict)
    unknown: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def question_score(cfg: Survey, tally: Tally) -> Decimal | None:
    known = sum(tally.counts.values())
    if known == 0:
        return None
    return sum((Decimal(str(cfg.choices[c])) * n for c, n in tally.counts.items()), Decimal(0)) / known


def satisfaction_rate(cfg: Survey, counts: dict[str, int]) -> Decimal | None:
    """(满意 + 基本满意) / known answers: the scheme's satisfied choices (default the two best-scoring)."""
    known = sum(counts.values())
    if known == 0:
        return None
    satisfied = sum(n for c, n in counts.items() if c in cfg.satisfied_choices)
    return Decimal(satisfied) / known


def round_score(cfg: Survey, categories: dict[str, Decimal]) -> Decimal:
    """One round's public score from its category scores (each on 100): county form averages them (100 scale);
    district form adds each category on its own points (e.g. 4 groups × 10 = 40)."""
    if cfg.form == "district":
        return sum((c / 100 * Decimal(str(cfg.category_points[k])) for k, c in categories.items()), Decimal(0))
    return _mean(list(categories.values()))


def score_survey(cfg: Survey, tallies: list[Tally], units: list[str]) -> SurveyResult:
    with localcontext(CONTEXT):
        result = SurveyResult()
        grouped: dict[tuple[str, str, str], list[Tally]] = {}
        for t in tallies:
            grouped.setdefault((t.unit, t.round, t.category), []).append(t)
        round_scores: dict[tuple[str, str], dict[str, Decimal]] = {}
        for (unit, rnd, category), items in grouped.items():
            scores = []
            for t in items:
                q = question_score(cfg, t)
                rate = satisfaction_rate(cfg, t.counts)
                result.rows.append(
                    {"unit": unit, "round": rnd, "category": category, "question": t.question,
                     "counts": {**{c: t.counts.get(c, 0) for c in cfg.choices}, cfg.unknown: t.unknown},
                     "score": q, "satisfaction_rate": rate, "source": t.source}
                )
                if q is None:
                    result.unanswered.append(t)
                else:
                    scores.append(q)
            pooled: dict[str, int] = {}
            for t in items:
                for c, n in t.counts.items():
                    pooled[c] = pooled.get(c, 0) + n
            result.pooled.setdefault(unit, {})[(rnd, category)] = pooled
            result.unknown.setdefault(unit, {})[(rnd, category)] = sum(t.unknown for t in items)
            if not scores:
                continue
            if cfg.score_by == "rate":  # the category scores its satisfied share of known answers, on 100
                cat_score = satisfaction_rate(cfg, pooled) * 100
            else:
                cat_score = _mean(scores) / Decimal(str(cfg.scale)) * 100
            result.categories.append(
                {"unit": unit, "round": rnd, "category": category, "score": cat_score,
                 "sample": max(sum(t.counts.values()) + t.unknown for t in items),
                 "satisfaction_rate": satisfaction_rate(cfg, pooled)}
            )
            round_scores.setdefault((unit, rnd), {})[category] = cat_score
        for unit in units:
            missing = [r for r in cfg.rounds if (unit, r) not in round_scores]
            if missing:
                result.incomplete[unit] = missing
                continue
            result.units[unit] = sum(
                (Decimal(str(w)) * round_score(cfg, round_scores[(unit, r)]) for r, w in cfg.rounds.items()), Decimal(0)
            )
        return result


@dataclass
class UnitSurvey:
    counts: dict[str, int]  # choice -> answers, then the "don't know" choice
    answered: int
    rate: Decimal | None  # rounds weighted; None when a round has no answers
    categories: dict[str, Decimal | None]


def unit_survey(cfg: Survey, result: SurveyResult, unit: str) -> UnitSurvey:
    """A unit's answers over every round, category and question, and its satisfaction rate: per round the
    satisfied share of the known answers (categories and questions pooled), rounds weighted as the score is."""
    with localcontext(CONTEXT):
        mine = result.pooled.get(unit, {})
        counts = {c: 0 for c in cfg.choices}
        for got in mine.values():
            for c, n in got.items():
                counts[c] = counts.get(c, 0) + n
        unknown = sum(result.unknown.get(unit, {}).values())

        def weighted(category: str | None) -> Decimal | None:
            total = Decimal(0)
            for rnd, w in cfg.rounds.items():
                pooled: dict[str, int] = {}
                for (r, cat), got in mine.items():
                    if r == rnd and category in (None, cat):
                        for c, n in got.items():
                            pooled[c] = pooled.get(c, 0) + n
                rate = satisfaction_rate(cfg, pooled)
                if rate is None:
                    return None
                total += Decimal(str(w)) * rate
            return total

        return UnitSurvey(counts={**counts, cfg.unknown: unknown}, answered=sum(counts.values()),
                          rate=weighted(None), categories={c: weighted(c) for c in cfg.categories})
