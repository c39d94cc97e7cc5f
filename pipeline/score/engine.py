"""Score stage: indicator scores -> categories -> components -> total, then ranks, grades, veto, awards.

Pure: takes the scheme and the normalized dataset, returns the typed `Results` (pipeline/results.py,
docs/results-model.md). Intermediate values keep full `Decimal` precision; only published values (rounded
half-up at the scheme's precision) are used for ranks, grades and award thresholds (SPEC §3 Rounding, §6).
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from ..dataset import Dataset
from ..methods import Observation, score_indicator
from ..numbers import CONTEXT, publish, round_half_up, show
from ..results import (AdjustmentEntry, AwardEntry, Benchmark, CategoryNode, DerivedWeight, DetailRow, FalsifiedRecord, Gap,
                       CorrectionRecord, GradeLimit, GrowthInput, YearResult, GrowthTrace, IndicatorInfo, IssueRecord, PeriodResult, RatingsTrace, RatingUse, Results, RunInfo,
                       SurveyCategory, SurveyRow, SurveyStats, SurveySummary, TopCategory, UnitResult, VetoEntry,
                       VetoRecord, in_memory_run)
from ..scheme import GAP_POLICY, IMPUTED, Indicator, Node, Scheme, applies, full_of, weight_of
from .aggregate import aggregate
from .grade_rules import grade_limits, split_vetoes
from .growth import composite_index, growth_scores, index_parts
from .impute import imputed_values
from .targets import Attainment
from .weights import WeightsError, tree_weights
from .survey import score_survey, unit_survey

ZERO = Decimal(0)


def _d(x) -> Decimal:
    return Decimal(str(x))


def describe_rule(ind: Indicator) -> str:
    """One Chinese sentence saying how the indicator is scored (for 方法说明 and score cards): the method's own."""
    return ind.describe()



def rank_places(keys: list, dense: bool) -> list[int]:
    """Each key's place, higher keys first: competition ranking (1, 2, 2, 4: one more than the keys strictly ahead)
    or dense (1, 2, 2, 3). One sort, so the cost grows as n log n — counting the keys ahead of every key, as this
    once did, took 58 s at 20,000 units."""
    ordered = sorted(keys, reverse=True)
    first: dict = {}
    distinct = 0
    for position, key in enumerate(ordered):
        if key not in first:
            distinct += 1
            first[key] = distinct if dense else position + 1
    return [first[k] for k in keys]

class _Engine:
    def __init__(self, scheme: Scheme, data: Dataset, run_info: RunInfo):
        self.scheme = scheme
        self.run_info = run_info
        self.data = data
        self.prec = scheme.assessment.precision
        self.units = scheme.unit_names
        self.group_of = {u.name: u.group for u in scheme.units}
        self.values = data.values
        self.tree = scheme.tree()
        self.falsified = {(f["unit"], f["indicator"]): f for f in data.falsified}
        self.corrected = {(c["unit"], c["indicator"]): c for c in data.corrections}
        self.current = data.values[data.values["period"] == str(scheme.assessment.year)]
        self._values_of: dict[int, dict[str, dict[str, Decimal | None]]] = {}  # period_values, per year
        # (unit, indicator, period or None for the year-end) -> the value imputed for a gap; the 计算过程 of a score
        self.imputed: dict[tuple[str, str, str | None], Decimal] = {}
        self.calc: dict[tuple[str, str, str | None], str] = {}
        # the weights of `weighting` nodes, from this year's values (normalize has refused data that give none)
        self.derived, failed = tree_weights(scheme, self.period_values(scheme.assessment.year), set(self.falsified))
        if failed:
            raise WeightsError("；".join(f"“{key}”：{why}" for key, why in failed))

    def pub(self, x: Decimal | None) -> float | None:
        return publish(x, self.prec)

    # -- indicators ----------------------------------------------------------------------------------
    def compared_sets(self, compare: str) -> list[list[str]]:
        """The sets of units compared with each other: all units, or each group apart."""
        if compare == "group":
            return [[u for u in self.units if self.group_of[u] == g] for g in self.scheme.groups]
        return [self.units]

    def period_values(self, period: int) -> dict[str, dict[str, Decimal | None]]:
        """indicator -> unit -> value of one year (built once: weights, composite indices and targets all read it)."""
        if period not in self._values_of:
            out: dict[str, dict[str, Decimal | None]] = {}
            for rec in self.values[self.values["period"] == str(period)].itertuples(index=False):
                out.setdefault(rec.indicator, {})[rec.unit] = rec.value
            self._values_of[period] = out
        return self._values_of[period]

    def growth_component(self, comp) -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, GrowthTrace]]:
        """(index, score, trace) per unit for a composite-index component."""
        year = self.scheme.assessment.year
        current, previous = self.period_values(year), self.period_values(year - 1)
        index, scores, traces = {}, {}, {}
        items = {it.id: it for it in comp.items}
        sources = {(r.unit, r.indicator, r.period): r.source for r in self.values.itertuples(index=False)
                   if r.indicator in items}
        for members in self.compared_sets(comp.compare):
            idx = composite_index(comp, current, previous, members)
            index.update(idx)
            got = growth_scores(comp, idx)
            scores.update(got)
            best, worst = max(idx.values()), min(idx.values())
            for u, parts in index_parts(comp, current, previous, members).items():
                traces[u] = GrowthTrace(
                    items=[GrowthInput(item=i, name=items[i].name, weight=items[i].weight,
                                       value=float(current[i][u]), value_source=sources.get((u, i, str(year)), ""),
                                       last=float(previous[i][u]), last_source=sources.get((u, i, str(year - 1)), ""),
                                       mean=publish(mean, 4), self_index=publish(s, 4), mean_index=publish(a, 4))
                           for i, mean, s, a in parts],
                    index=publish(idx[u], 4), best=publish(best, 4), worst=publish(worst, 4), score=self.pub(got[u]))
        return index, scores, traces

    def indicator_scores(self, period: str | None = None) -> dict[str, dict[str, Decimal | None]]:
        """Every indicator's score per unit, on the year-end's values or on one periodic check's (`period`)."""
        by_ind: dict[str, dict[str, Observation]] = {i.id: {} for i in self.scheme.indicators}
        for rec in self.frame(period).itertuples(index=False):
            if rec.indicator in by_ind:
                by_ind[rec.indicator][rec.unit] = Observation(rec.value, rec.target)
        scores: dict[str, dict[str, Decimal | None]] = {}
        for ind in self.scheme.indicators:
            obs = {u: by_ind[ind.id].get(u, Observation(None)) for u in self.units}
            falsified = {u for u in self.units if (u, ind.id) in self.falsified}
            for u in falsified:  # a falsified value neither scores nor sets the sample's best/worst
                obs[u] = Observation(None)
            if ind.missing in IMPUTED:  # a gap takes its group's mean or median, then scores as a value
                assessed = {u: o.value for u, o in obs.items() if ind.applies_to(self.group_of[u])}
                for u, v in imputed_values(ind.missing, assessed, self.group_of).items():
                    if u not in falsified:
                        obs[u] = Observation(v, obs[u].target)
                        self.imputed[(u, ind.id, period)] = v
            scores[ind.id] = {u: None for u in self.units if not ind.applies_to(self.group_of[u])}
            for members in self.compared_sets(ind.compare):
                members = [u for u in members if ind.applies_to(self.group_of[u])]
                cohort = {u: obs[u] for u in members}
                got = score_indicator(ind, cohort)
                scores[ind.id].update(got)
                present = {u: o for u, o in cohort.items() if o.value is not None}
                for u, text in ind.explain(present, got).items():  # 计算过程, with the engine's own numbers
                    self.calc[(u, ind.id, period)] = text
            scores[ind.id].update({u: ZERO for u in falsified})
        return scores

    def frame(self, period: str | None):
        """The long table's records of the year-end (None) or of one periodic check."""
        if period is None:
            return self.current
        return self.values[self.values["period"] == period]

    def tree_scores(self, scores, unit: str, method: str | None = None) -> tuple[Decimal | None, dict[str, Decimal | None]]:
        """(the indicators component's raw score, every category node's score keyed by its path "a/b"); `method`:
        how the top-level categories combine (default: the indicators component's aggregation)."""
        out: dict[str, Decimal | None] = {}
        group = self.group_of[unit]

        def parts(children, derived=None):
            """(weight, full, score) of the children assessed for this unit's group; `derived`: the node's weights
            from the data (`weighting`), by indicator id."""
            return [(derived[c.id] if derived else weight_of(c), full_of(c, group), score_of(c))
                    for c in children if applies(c, group)]

        def score_of(child) -> Decimal | None:
            if not isinstance(child, Node):
                return scores[child.id].get(unit)
            value = aggregate(child.aggregation, parts(child.children, self.derived.get(child.key)),
                              full_of(child, group))
            out[child.key] = value
            return value

        if method is None:
            method = next((c.aggregation for c in self.scheme.components if c.kind == "indicators"), "sum")
        raw = aggregate(method, parts(self.tree))
        return raw, out

    # -- components and total -------------------------------------------------------------------------
    def run(self) -> Results:
        with localcontext(CONTEXT):
            return self._run()

    def _run(self) -> Results:
        s = self.scheme
        ind_scores = self.indicator_scores()
        period_scores = {p: self.indicator_scores(p) for p in s.period_names}
        growth = {c.name: self.growth_component(c) for c in s.components if c.kind == "growth_index"}
        survey = score_survey(s.survey, self.data.tallies, self.units) if s.survey else None
        adj_sum = self.adjustment_sums()
        vetoed, top_grade = split_vetoes(s, self.data.vetoes)  # 一票否决, 一票否优
        vetoes: dict[str, list[dict]] = {}
        for v in vetoed:
            vetoes.setdefault(v["unit"], []).append(v)

        gaps = self.gaps()
        rows = []
        rated = self.ratings_of()
        for unit in self.units:
            raw, tree = self.tree_scores(ind_scores, unit)
            comps: dict[str, Decimal] = {}
            ratings: dict[str, RatingsTrace] = {}
            periods: dict[str, list[PeriodResult]] = {}
            traced: dict[str, GrowthTrace] = {}
            for c in s.components:
                if c.kind == "indicators":
                    raw_full = c.raw_full if c.raw_full is not None else c.full
                    comps[c.name] = (raw or ZERO) * _d(c.full) / _d(raw_full)
                elif c.kind == "periods":
                    comps[c.name], periods[c.name] = self.periods_score(c, unit, period_scores)
                elif c.kind == "growth_index":
                    comps[c.name] = growth[c.name][1][unit]
                    traced[c.name] = growth[c.name][2][unit]
                elif c.is_ratings:
                    mean, ratings[c.name] = self.ratings_score(c, unit, rated.get((c.name, unit), []))
                    comps[c.name] = mean * _d(c.full) / 100
                else:
                    comps[c.name] = (survey.units.get(unit, ZERO) if survey else ZERO) * _d(c.full) / s.survey.full
            adjustments = {}
            for a in s.adjustments:
                value = adj_sum[unit].get(a.name, ZERO)
                if a.cap is not None:  # a cap bounds the size, whatever the sign of a rank-based kind
                    value = max(min(value, _d(a.cap)), -_d(a.cap))
                adjustments[a.name] = value
            total = sum((_d(c.weight) * comps[c.name] for c in s.components), ZERO)
            total += sum((-adjustments[a.name] if a.sign == "deduction" else adjustments[a.name]
                          for a in s.adjustments), ZERO)
            rows.append({
                "unit": unit, "group": self.group_of[unit], "total_exact": total,
                "total": round_half_up(total, self.prec),
                "vetoed": unit in vetoes,
                "veto": [{k: v[k] for k in ("item", "department", "reason", "source")} for v in vetoes.get(unit, [])],
                "components": {k: self.pub(v) for k, v in comps.items()},
                "categories": {n.name: self.pub(tree.get(n.key)) for n in self.tree},  # None: not assessed
                "tree": {k: self.pub(v) for k, v in tree.items()},
                "indicators": {i: self.pub(ind_scores[i].get(unit)) for i in ind_scores},
                "adjustments": {k: self.pub(v) for k, v in adjustments.items()},
                "indices": {name: publish(idx[unit], 4) for name, (idx, _, _) in growth.items()},
                "growth": traced,
                "ratings": ratings,
                "periods": periods,
                "survey": self.survey_summary(survey, unit),
                "gaps": gaps.get(unit, []),
            })
        self.rank(rows)
        self.grade(rows, top_grade)
        self.benchmark(rows)
        awards = self.award(rows)
        judge = Attainment(s, self.period_values(s.assessment.year), self.period_values(s.assessment.year - 1))
        targets = {u.name: u.targets for u in s.units}
        for r in rows:
            r["targets"] = judge.of_unit(targets[r["unit"]], r)
        rows.sort(key=lambda r: (r["rank"], self.units.index(r["unit"])))
        return Results(
            assessment=s.assessment,
            components=list(s.components),
            categories=[TopCategory(path=list(p), name=p[0], points=float(full_of(n)), indicators=[i.id for i in inds])
                        for (p, inds), n in zip(s.top_categories(), self.tree)],
            category_tree=[CategoryNode(key=n.key, path=list(n.path), name=n.name, aggregation=n.aggregation,
                                        weight=float(n.weight), points=float(full_of(n))) for n in s.walk()],
            indicators=[IndicatorInfo(id=i.id, name=i.name, category=i.category, points=i.points, method=i.method,
                                      method_label=i.method_label, source=i.source, unit=i.unit,
                                      rule=describe_rule(i), groups=i.groups) for i in s.indicators],
            adjustment_kinds=list(s.adjustments),
            grades=list(s.grades),
            grade_rules=list(s.grade_rules),
            veto=s.veto,
            groups=s.groups,
            units=[_unit_result(r) for r in rows],
            detail=self.detail(ind_scores, period_scores),
            survey=self.survey_stats(survey),
            adjustments=[AdjustmentEntry(**{**a, "value": float(a["value"])}) for a in self.data.adjustments],
            awards=[AwardEntry(**a) for a in awards],
            vetoes=[VetoRecord(**v) for v in vetoed],
            top_grade_vetoes=[VetoRecord(**v) for v in top_grade],
            derived_weights=[DerivedWeight(category=key, method=self.tree_node(key).weighting, indicator=ind,
                                           weight=publish(w, 4)) for key, ws in self.derived.items()
                             for ind, w in ws.items()],
            falsified=[FalsifiedRecord(**f) for f in self.data.falsified],
            corrections=[CorrectionRecord(**c) for c in self.data.corrections],
            years=[YearResult(year=y, unit=u, rank=r, total=t, categories=c)
                   for y, got in sorted(self.data.years.items()) for u, (r, t, c) in got.items()],
            issues=[IssueRecord(**i.to_dict()) for i in self.data.issues],
            run=self.run_info,
        )

    def adjustment_sums(self) -> dict[str, dict[str, Decimal]]:
        """unit -> kind -> uncapped sum. Bonus/deduction kinds add the register's points; rank kinds turn each
        unit's place in the external ranking into signed points by the kind's rank_rules."""
        kinds = {a.name: a for a in self.scheme.adjustments}
        out: dict[str, dict[str, Decimal]] = {u: {} for u in self.units}
        ranked: dict[str, int] = {}  # kind -> number of distinct units placed in its external ranking
        for kind_name in {a["kind"] for a in self.data.adjustments}:
            ranked[kind_name] = len({a["unit"] for a in self.data.adjustments if a["kind"] == kind_name})
        for a in self.data.adjustments:
            kind = kinds[a["kind"]]
            value = a["value"]
            if kind.sign == "rank":
                size = kind.rank_of or ranked[a["kind"]]
                place = int(value)
                value = next((_d(r.points) for r in kind.rank_rules
                              if (r.top is not None and place <= r.top)
                              or (r.bottom is not None and place > size - r.bottom)), ZERO)
            out[a["unit"]][a["kind"]] = out[a["unit"]].get(a["kind"], ZERO) + value
        return out

    def periods_score(self, comp, unit: str, period_scores) -> tuple[Decimal, list[PeriodResult]]:
        """定期考核: the indicator tree scored on each period's values (the indicators' own methods, each period's
        cohort apart), on the component's scale; combined by the period weights (default: the mean)."""
        raw_full = _d(comp.raw_full if comp.raw_full is not None else comp.full)
        weights = comp.weights_of_periods
        total = ZERO
        out = []
        for p in comp.periods:
            raw, tree = self.tree_scores(period_scores[p], unit, comp.aggregation)
            value = (raw or ZERO) * _d(comp.full) / raw_full
            total += weights[p] * value
            out.append(PeriodResult(
                period=p, weight=publish(weights[p], 4), score=self.pub(value),
                categories={n.name: self.pub(tree[n.key]) for n in self.tree},
                indicators={i: self.pub(period_scores[p][i].get(unit)) for i in period_scores[p]}))
        return total, out

    def ratings_of(self) -> dict[tuple[str, str], list[dict]]:
        """(component, unit) -> the ratings read for it, in reading order."""
        out: dict[tuple[str, str], list[dict]] = {}
        for r in self.data.ratings:
            out.setdefault((r["component"], r["unit"]), []).append(r)
        return out

    def ratings_score(self, comp, unit: str, read: list[dict]) -> tuple[Decimal, RatingsTrace]:
        """Mean of the unit's 100-point ratings for this component: a self-rating left out unless the scheme
        counts it (`self_rating`), then with `trim` one highest and one lowest dropped (when at least 3 remain).
        The trace says of every rating whether it was counted and why not."""
        notes = ["本单位自评，不计入" if r["rater_unit"] == unit and comp.self_rating == "exclude" else ""
                 for r in read]
        kept = [k for k, note in enumerate(notes) if not note]
        if comp.trim and len(kept) >= 3:
            by_score = sorted(kept, key=lambda k: read[k]["score"])  # stable: the first of equal scores
            notes[by_score[0]], notes[by_score[-1]] = "去掉最低分", "去掉最高分"
            kept = by_score[1:-1]
        scores = [read[k]["score"] for k in kept]
        mean = sum(scores, ZERO) / len(scores) if scores else ZERO
        trace = RatingsTrace(
            ratings=[RatingUse(rater=r["rater"], score=publish(r["score"], 4), counted=not note, note=note,
                               source=r["source"]) for r, note in zip(read, notes)],
            counted=len(scores), mean=self.pub(mean))
        return mean, trace

    # -- ranks, grades, awards -------------------------------------------------------------------------
    def rank_key(self, row) -> tuple:
        return (row["total"], *(_d(row["components"][c]) for c in self.scheme.ranking.tie_breakers))

    def rank(self, rows: list[dict]) -> None:
        dense = self.scheme.ranking.method == "dense"

        def assign(members: list[dict], field: str):
            for r, place in zip(members, rank_places([self.rank_key(r) for r in members], dense)):
                r[field] = place

        assign(rows, "rank")
        for g in self.scheme.groups:
            assign([r for r in rows if r["group"] == g], "group_rank")
        for r in rows:
            r.setdefault("group_rank", None)
            last = self.data.history.get(r["unit"])
            r["last_rank"] = last["rank"] if last else None
            r["last_rank_source"] = last["source"] if last else None
            r["rank_change"] = last["rank"] - r["rank"] if last else None

    def grade(self, rows: list[dict], top_grade: list[dict]) -> None:
        """Bands on the published total; a vetoed unit may be forced to the lowest grade; then the grade rules and
        一票否优 entries, each of which can only lower a grade (the lowest wins, score/grade_rules.py); then quotas:
        a grade holding more than floor(quota × units) units keeps the best-ranked and moves the rest one grade
        down (units tied at the boundary move together, so the quota is never exceeded). Every step that moves
        a unit off its band's grade says why in grade_note."""
        grades = self.scheme.grades
        order = {g.name: k for k, g in enumerate(grades)}
        nodes = {n.key: n for n in self.scheme.walk()}
        for r in rows:
            # below the lowest band's line (e.g. a negative total after deductions) is still the lowest grade
            band = next((g.name for g in grades if r["total"] >= _d(g.min)), grades[-1].name) if grades else ""
            r["grade"] = r["grade_by_total"] = band
            r["grade_limits"], r["notes"] = [], []
            if not grades:
                continue
            if r["vetoed"] and self.scheme.veto.effect == "lowest_grade" and band != grades[-1].name:
                r["grade"] = grades[-1].name
                r["notes"].append(f"一票否决，定为“{grades[-1].name}”")
            for limit in grade_limits(self.scheme, nodes, r, top_grade):
                if order[limit.grade] > order[band]:
                    r["grade_limits"].append(limit)
                    r["notes"].append(f"{limit.rule}（{limit.measured}），等次不高于“{limit.grade}”")
                    if order[limit.grade] > order[r["grade"]]:
                        r["grade"] = limit.grade
        for k, g in enumerate(grades[:-1]):
            if g.quota is None:
                continue
            allowed = int(_d(g.quota) * len(rows))  # rounded down
            members = sorted((r for r in rows if r["grade"] == g.name), key=lambda r: r["rank"])
            if len(members) <= allowed:
                continue
            cut = allowed
            while 0 < cut and members[cut]["rank"] == members[cut - 1]["rank"]:
                cut -= 1
            for r in members[cut:]:
                r["grade"] = grades[k + 1].name
                r["notes"].append(f"超出“{g.name}”等次名额（不超过{g.quota:.0%}，即{allowed}个），降为“{grades[k + 1].name}”")
        for r in rows:
            notes = r.pop("notes")
            if notes:
                r["grade_note"] = "；".join(notes)

    def benchmark(self, rows: list[dict]) -> None:
        """追赶超越: each unit that names a benchmark gets the gap to it in total, rank and per category
        (published figures, so the gaps match what the tables show)."""
        by_unit = {r["unit"]: r for r in rows}
        for u in self.scheme.units:
            if u.benchmark is None:
                continue
            me, them = by_unit[u.name], by_unit[u.benchmark]
            me["benchmark"] = {
                "unit": u.benchmark, "total": float(them["total"]), "rank": them["rank"],
                "gap": float(me["total"] - them["total"]), "rank_gap": me["rank"] - them["rank"],
                "categories": {k: float(_d(v) - _d(them["categories"][k]))
                               for k, v in me["categories"].items() if v is not None and them["categories"][k] is not None},
            }

    def award(self, rows: list[dict]) -> list[dict]:
        cfg = self.scheme.awards
        threshold = _d(cfg.eligibility_ratio) * _d(self.scheme.assessment.full_score)
        for r in rows:
            r["awards"] = []
        eligible = sorted((r for r in rows if not r["vetoed"] and r["total"] >= threshold),
                          key=lambda r: (r["rank"], self.units.index(r["unit"])))
        out = []
        prize_winners = []
        start = 0
        for prize in cfg.prizes:
            end = min(start + prize.places, len(eligible))
            # Units tied with the last place of a prize share it (ranks are on published totals).
            while 0 < end < len(eligible) and eligible[end]["rank"] == eligible[end - 1]["rank"]:
                end += 1
            for r in eligible[start:end]:
                r["awards"].append(prize.name)
                prize_winners.append(r["unit"])
                out.append({"award": prize.name, "unit": r["unit"], "amount": prize.amount, "note": f"第{r['rank']}名"})
            start = end
        out += self.group_and_single_awards(eligible)
        if cfg.progress is not None:
            p = cfg.progress
            # the first `exclude_top` prize winners, and anyone tied on rank with the last of them
            rank_of = {r["unit"]: r["rank"] for r in eligible}
            first = prize_winners[: p.exclude_top]
            cut = max((rank_of[u] for u in first), default=0)
            top = {u for u in prize_winners if rank_of[u] <= cut}
            for r in eligible:
                if r["rank_change"] is not None and r["rank_change"] >= p.min_places and r["unit"] not in top:
                    r["awards"].append(p.name)
                    out.append({"award": p.name, "unit": r["unit"], "amount": p.amount,
                                "note": f"由上年第{r['last_rank']}名升至第{r['rank']}名"})
        return out

    def group_and_single_awards(self, eligible: list[dict]) -> list[dict]:
        """综合先进 per group and 单项奖 per category/indicator, among eligible units; ties at the last place share."""
        cfg = self.scheme.awards
        out = []

        def give(name, amount, ranked: list[tuple[object, dict]], places: int, note_of):
            boundary = ranked[min(places, len(ranked)) - 1][0]
            for i, (key, r) in enumerate(ranked):
                if i >= places and key != boundary:
                    break
                r["awards"].append(name)
                out.append({"award": name, "unit": r["unit"], "amount": amount, "note": note_of(r)})

        if cfg.group_winner is not None:
            g = cfg.group_winner
            for group in self.scheme.groups:
                members = [(r["group_rank"], r) for r in eligible if r["group"] == group]
                if members:
                    give(g.name, g.amount, members, g.places, lambda r: f"{r['group']}第{r['group_rank']}名")
        for a in cfg.single:
            if a.category is not None:
                def key(r, c=a.category):
                    return -_d(r["categories"][c])
                scored = [(key(r), r) for r in eligible if r["categories"].get(a.category) is not None]
                what = a.category
            else:
                def key(r, i=a.indicator):
                    return -_d(r["indicators"][i])
                scored = [(key(r), r) for r in eligible if r["indicators"].get(a.indicator) is not None]
                what = self.scheme.indicator(a.indicator).name
            scored.sort(key=lambda x: (x[0], self.units.index(x[1]["unit"])))
            if scored:
                best = scored[0][0]
                give(a.name, a.amount, scored, a.places,
                     lambda r, w=what, b=best, k=key, n=a.places:
                     f"符合获奖条件的单位中{w}得分{'最高' if k(r) == b else f'前{n}名'}")
        return out

    # -- traces --------------------------------------------------------------------------------------
    def gaps(self) -> dict[str, list[dict]]:
        """unit -> the indicators scored without a value, as the scheme's `missing` allows (marked in outputs)."""
        inds = {i.id: i for i in self.scheme.indicators}
        out: dict[str, list[dict]] = {}
        for rec in self.current.itertuples(index=False):
            ind = inds.get(rec.indicator)
            if ind is not None and rec.value is None and ind.missing in GAP_POLICY \
                    and (rec.unit, rec.indicator) not in self.falsified:
                out.setdefault(rec.unit, []).append({"indicator": ind.id, "policy": self.gap_policy(rec.unit, ind)})
        return out

    def tree_node(self, key: str) -> Node:
        return next(n for n in self.scheme.walk() if n.key == key)

    def correction_note(self, unit: str, indicator: str, period: str | None) -> str:
        """The approved correction behind a value (更正/申诉), said before any other note."""
        c = self.corrected.get((unit, indicator)) if period is None else None
        if c is None:
            return ""
        parts = "；".join(x for x in (c["reason"], f"审批人：{c['approver']}", c["date"], f"登记于 {c['source']}") if x)
        return f"已更正：原数值 {c['original']:g} → {c['corrected']:g}（{parts}）"

    def falsified_note(self, unit: str, indicator: str) -> str:
        """The falsified-data register row behind a zero: who found it, why, and where it is registered."""
        f = self.falsified[(unit, indicator)]
        who = "：".join(x for x in (f"{f['department']}认定" if f["department"] else "", f["reason"]) if x)
        where = f"；登记于 {f['source']}" if f["source"] else ""
        return f"弄虚作假（{who}{where}），该指标计0分" if who or where else "弄虚作假，该指标计0分"

    def calc_text(self, unit: str, ind, period: str | None) -> str:
        """The score's 计算过程 (pipeline/methods: `explain`), after the imputed value when the gap was filled."""
        text = self.calc.get((unit, ind.id, period), "")
        value = self.imputed.get((unit, ind.id, period))
        if value is not None and text:
            return f"补齐值 {show(value)}；{text}"
        return text

    def gap_policy(self, unit: str, ind, period: str | None = None) -> str:
        """How a blank value was scored, worded: "记 0 分", or "以同组单位平均值补齐（12.5）" with the value used."""
        value = self.imputed.get((unit, ind.id, period))
        return GAP_POLICY[ind.missing] + (f"（{show(value)}）" if value is not None else "")

    def detail(self, ind_scores, period_scores: dict) -> list[DetailRow]:
        """The trace of every indicator score: the year-end's rows, then each periodic check's."""
        out = self.detail_rows(ind_scores, None)
        for period, scores in period_scores.items():
            out += self.detail_rows(scores, period)
        return out

    def detail_rows(self, ind_scores, period: str | None) -> list[DetailRow]:
        inds = {i.id: i for i in self.scheme.indicators}
        out = []
        for rec in self.frame(period).itertuples(index=False):
            if rec.indicator not in inds:
                continue
            ind = inds[rec.indicator]
            score = ind_scores[rec.indicator].get(rec.unit)
            out.append(DetailRow(
                unit=rec.unit, indicator=ind.id, indicator_name=ind.name, period=period or "",
                value=None if rec.value is None else float(rec.value),
                target=None if rec.target is None else float(rec.target),
                score=self.pub(score), method_label=ind.method_label,
                calc=self.calc_text(rec.unit, ind, period),
                source=rec.source, target_source=rec.target_source,
                note=self.correction_note(rec.unit, rec.indicator, period) + (
                      self.falsified_note(rec.unit, rec.indicator) if (rec.unit, rec.indicator) in self.falsified
                      else f"缺数据，按方案{self.gap_policy(rec.unit, ind, period)}"
                      if rec.value is None and ind.missing in GAP_POLICY
                      else "" if score is not None else "缺数据，已按方案处理"),
            ))
        return out

    def survey_summary(self, survey, unit: str) -> SurveySummary | None:
        if survey is None:
            return None
        got = unit_survey(self.scheme.survey, survey, unit)
        return SurveySummary(
            counts=got.counts, answered=got.answered, satisfied=sorted(self.scheme.survey.satisfied_choices,
                                                                       key=list(self.scheme.survey.choices).index),
            satisfaction_rate=publish(got.rate, 4), categories={c: publish(v, 4) for c, v in got.categories.items()},
            score=self.pub(survey.units.get(unit)))

    def survey_stats(self, survey) -> SurveyStats:
        if survey is None:
            return SurveyStats(rows=[], categories=[], units={})

        def pct(x):
            return None if x is None else publish(x, 4)

        rows = [SurveyRow(**{**r, "score": pct(r["score"]), "satisfaction_rate": pct(r["satisfaction_rate"])})
                for r in survey.rows]
        cats = [SurveyCategory(**{**c, "score": self.pub(c["score"]), "satisfaction_rate": pct(c["satisfaction_rate"])})
                for c in survey.categories]
        return SurveyStats(rows=rows, categories=cats, units={u: self.pub(v) for u, v in survey.units.items()})


def _unit_result(row: dict) -> UnitResult:
    """A unit's working row (built up by rank, grade, benchmark and award) as its typed result: every field must be
    there (a missing one is a TypeError here, not a default in a renderer)."""
    row = dict(row)
    row["total"] = float(row.pop("total"))
    del row["total_exact"]
    return UnitResult(**{
        **row,
        "veto": [VetoEntry(**v) for v in row["veto"]],
        "gaps": [Gap(**g) for g in row["gaps"]],
        "grade_note": row.get("grade_note"),
        "grade_limits": row["grade_limits"],
        "benchmark": Benchmark(**row["benchmark"]) if "benchmark" in row else None,
    })


def score(scheme: Scheme, data: Dataset, run: RunInfo | None = None) -> Results:
    """The typed results (pipeline/results.py). `run` describes the run that read the data (version, scheme hash,
    inputs, date); scoring in memory (tests, tools) passes none and gets `RunInfo.in_memory()`."""
    return _Engine(scheme, data, run or in_memory_run()).run()
