"""Normalize stage: raw rows -> one validated long table, plus the registers, with every problem as an Issue.

Here unit names are resolved (aliases, stray spaces, full-width characters), numbers parsed, formula cells
checked, duplicates and conflicts across files found, and the scheme's completeness rules applied (every
department's return present, every unit reported). The long table keeps each value's source cell, so any
score can be traced back to `file › sheet!cell`.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from .ingest import IngestResult, RawCell, Row
from .ingest.layout import suggest
from .issues import Issue
from .numbers import NotADate, NotANumber, is_date, normalize_text, parse_date, parse_number, round_half_up
from .plausibility import check_values
from .scheme import GAP_POLICY, IMPUTED, Scheme
from .score.impute import imputed_values
from .labels import WEIGHTING_LABELS
from .score.weights import tree_weights
from .dataset import VALUE_COLUMNS, Dataset, Tally
from .resubmission import find_pairs, fold_issues, take_newest
from .completeness import examined, register_issues
from .consistency import agrees, cell_number, check_header_points, check_row_sums, check_totals
from .units import UnitResolver
from .history import RunRecord

# A sheet with more unknown unit names than this is most likely not a return of this scheme (or a generated
# 100,000-row table): the first ones are listed, the rest are counted in one issue.
MAX_UNKNOWN_UNITS = 50
# Ratings needed before item_weights that look like points raise an error (one or two could be a coincidence).
MIN_ROWS_POINTS_GUARD = 3


class _Normalizer:
    def __init__(self, scheme: Scheme, ingested: IngestResult, last_final: RunRecord | None = None):
        self.scheme = scheme
        # last year's 定稿 run: composite-index items' values it read stand in for a missing 上年值
        self.last_final = last_final
        self.recorded_last = last_final.growth_values() if last_final is not None else {}
        self.recorded_used = 0
        self.units = UnitResolver(scheme)
        self.ingested = ingested
        self.issues: list[Issue] = list(ingested.issues)
        self.indicators = {i.id: i for i in scheme.measures}
        # an indicator as a register names it: id, name or alias
        self.indicator_by_name = {normalize_text(n): i.id for i in scheme.indicators for n in (i.id, i.name, *i.aliases)}
        self.group_of = {u.name: u.group for u in scheme.units}
        self.present: dict[tuple[str, str], set[str]] = {}  # (file, sheet) -> units it names correctly
        for row in ingested.rows:
            if name := self.units.resolve(row.unit.value):
                self.present.setdefault((row.unit.file, row.unit.sheet), set()).add(name)
        self.failed: set[tuple[str, str, str]] = set()
        self.unknown_count: dict[tuple[str, str], int] = {}  # (file, sheet) -> unknown unit names seen
        self.unknown_reported: set[str] = set()
        self.absent_reported: set[tuple[str, str]] = set()  # cells already reported as unknown units (one issue per cell)  # (unit, indicator, part) whose cell was unreadable

    # -- helpers -----------------------------------------------------------------------------------
    def issue(self, code: str, cell: RawCell | None = None, unit: str = "", indicator: str = "", **params):
        where = cell.where() if cell else {}
        self.issues.append(Issue(code, unit=unit, indicator=indicator, params=params, **where))

    def number(self, cell: RawCell, unit: str = "", indicator: str = "") -> tuple[bool, Decimal | None]:
        """(ok, value): ok is False when the cell holds something that is not a number (reported)."""
        if cell.formula is not None and (cell.value is None or cell.value == 0) and not (
                cell.value == 0 and cell.computed == 0):
            # A program-written file never recalculated: no cached value, or a placeholder 0 (SPEC §7 trap). A cached
            # 0 that the formula really gives (recomputed from the sheet) is a genuine 0 and is read.
            computed = "" if cell.computed is None else f"（按表内数据计算应为 {cell.computed.normalize():f}）"
            self.issue("formula-no-value" if cell.value is None else "formula-zero", cell, unit, indicator,
                       formula=cell.formula, computed=computed)
            return False, None
        if is_date(cell.value):
            self.issue("date-not-number", cell, unit, indicator, date=parse_date(cell.value).isoformat())
            return False, None
        from .ingest.reader import format_note  # a number whose format shows something else (ingest/numfmt.py)

        if note := format_note(cell.value):
            reason, unreadable = note
            shown = f"{parse_number(float(cell.value)).normalize():f}"
            if unreadable:
                self.issue("format-unreadable", cell, unit, indicator, reason=reason, value=shown)
                return False, None
            self.issue("format-hidden", cell, unit, indicator, value=shown)
        try:
            return True, parse_number(cell.value, cell.percent)
        except NotANumber:
            self.issue("not-a-number", cell, unit, indicator, text=str(cell.value))
            return False, None

    def unit_of(self, row: Row) -> str | None:
        name = self.units.resolve(row.unit.value)
        if name is None and row.unit.source not in self.unknown_reported:
            self.unknown_reported.add(row.unit.source)
            where = (row.unit.file, row.unit.sheet)
            self.unknown_count[where] = self.unknown_count.get(where, 0) + 1
            if self.unknown_count[where] > MAX_UNKNOWN_UNITS:
                return None  # counted, and summed up in one issue by finish()
            absent = set(self.scheme.unit_names) - self.present.get(where, set())
            self.issue("unknown-unit", row.unit, name=str(row.unit.value).strip(),
                       hint=self.units.hint(row.unit.value, absent))
        return name

    def finish(self) -> None:
        """One issue for the unknown unit names of a sheet beyond the first MAX_UNKNOWN_UNITS."""
        for (file, sheet), n in self.unknown_count.items():
            if n > MAX_UNKNOWN_UNITS:
                self.issues.append(Issue("more-unknown-units", file=file, sheet=sheet,
                                         params={"count": n - MAX_UNKNOWN_UNITS, "shown": MAX_UNKNOWN_UNITS}))

    def rows_of(self, kind: str):
        """(row, unit) for every row of one return kind whose unit name resolves (unknown names are reported)."""
        for row in self.ingested.rows:
            if row.kind == kind and (unit := self.unit_of(row)) is not None:
                yield row, unit

    @staticmethod
    def text(row: Row, role: str) -> str:
        """A text field of a row; where the sheet has no such column, what the sheet says for all its rows
        (the adjustment kind a sheet is named after, the round in a survey's title: `Row.context`)."""
        cell = row.fields.get(role)
        if cell is None or cell.value is None:
            return row.context.get(role, "")
        return str(cell.value).strip()

    # -- indicator returns ---------------------------------------------------------------------------
    def indicator_values(self) -> pd.DataFrame:
        found: dict[tuple[str, str, str], tuple[Decimal | None, RawCell]] = {}
        for row, unit in self.rows_of("indicators"):
            period = row.context.get("period")
            for role, cell in row.fields.items():
                ind_id, _, part = role.partition(":")
                part = (part or "value") + (f"@{period}" if period else "")  # a periodic check's figures apart
                ind = self.indicators[ind_id]
                ok, value = self.number(cell, unit, ind.label)
                key = (unit, ind_id, part)
                if not ok:
                    self.failed.add(key)
                    found.setdefault(key, (None, cell))
                    continue
                if key in found:
                    old_value, old_cell = found[key]
                    if old_value is None and value is not None:
                        found[key] = (value, cell)
                    elif value is not None and old_value != value:
                        self.issue("conflict", cell, unit, ind.label, other=old_cell.source, value=value,
                                   other_value=old_value)
                    elif value is not None and old_cell.file != cell.file:
                        self.issue("duplicate", cell, unit, ind.label, other=old_cell.source)
                    continue
                found[key] = (value, cell)

        records = self._records(found, None)
        for period in self.scheme.period_names:  # 定期考核: each period's returns, checked as the year-end's are
            records += self._records(found, period)
        return pd.DataFrame.from_records(records, columns=VALUE_COLUMNS)

    def _records(self, found: dict, period: str | None) -> list[dict]:
        """The long-table records of the year-end (period None) or of one periodic check: every measure of every
        source for every unit it applies to, with the issues of what is missing."""
        records = []
        at = f"@{period}" if period else ""
        mine = [(u, i) for (u, i, part) in found if part.endswith(at) and (period or "@" not in part)]
        present_sources = {self.indicators[i].source for (_, i) in mine}
        units_in_source = {(self.indicators[i].source, u) for (u, i) in mine}
        measures = self.scheme.measures if period is None else self.scheme.indicators  # no composite items per period
        for source in dict.fromkeys(i.source for i in measures):
            inds = [i for i in measures if i.source == source]
            if source not in present_sources:
                if period is None:
                    self.issues.append(Issue("missing-return", params={
                        "source": source, "indicators": "、".join(i.label for i in inds),
                        "examined": examined(self.ingested)}))
                else:
                    self.issues.append(Issue("missing-period-return", params={
                        "source": source, "period": period, "indicators": "、".join(i.label for i in inds)}))
                continue
            for ind in inds:
                # 连续考核 reads the cumulative columns (累计完成 / 累计目标) instead of this year's
                vpart, tpart = ("cum", "cum_target") if ind.cumulative else ("value", "target")
                vpart, tpart = vpart + at, tpart + at
                for unit in self.scheme.unit_names:
                    if not ind.applies_to(self.group_of[unit]):
                        continue  # the indicator is not assessed for this unit's group
                    value, cell = found.get((unit, ind.id, vpart), (None, None))
                    target, tcell = found.get((unit, ind.id, tpart), (None, None))
                    if cell is None:
                        if (source, unit) not in units_in_source:  # the unit is absent from all of the source's returns
                            self.report_absent_unit(source, unit, period)
                        elif ind.missing == "error":
                            self.issues.append(Issue("missing-unit", unit=unit, indicator=ind.label,
                                                     file=self._source_file(ind.id, period), params={"unit": unit}))
                        else:
                            self.issues.append(Issue("allowed-gap", unit=unit, indicator=ind.label,
                                                     file=self._source_file(ind.id, period),
                                                     params={"policy": GAP_POLICY[ind.missing]}))
                    elif value is None and ind.missing == "error" and (unit, ind.id, vpart) not in self.failed:
                        self.issue("missing-value", cell, unit, ind.label)
                    elif value is None and (unit, ind.id, vpart) not in self.failed:  # a gap the scheme allows
                        self.issue("allowed-gap", cell, unit, ind.label, policy=GAP_POLICY[ind.missing])
                    if value is not None:
                        self.check_range(ind, value, cell, unit)
                    if ind.target_column and value is not None and target is None:
                        self.issue("missing-target", tcell or cell, unit, ind.label)
                    records.append({
                        "unit": unit, "indicator": ind.id, "period": period or str(self.scheme.assessment.year),
                        "value": value, "target": target,
                        "source": cell.source if cell else "", "target_source": tcell.source if tcell else "",
                    })
                    if ind.method == "growth":  # a composite-index item also needs last year's value
                        last, lcell = found.get((unit, ind.id, "last"), (None, None))
                        lsource = lcell.source if lcell else ""
                        unread = (unit, ind.id, "last") in self.failed
                        if cell is not None and last is None and not unread:
                            last, lsource = self.last_from_record(unit, ind)
                            if last is None:
                                self.issue("missing-last-year", lcell or cell, unit, ind.label)
                        elif last is not None:
                            self.check_range(ind, last, lcell, unit, "last")
                        records.append({
                            "unit": unit, "indicator": ind.id, "period": str(self.scheme.assessment.year - 1),
                            "value": last, "target": None, "source": lsource, "target_source": "",
                        })
        return records

    def last_from_record(self, unit: str, ind) -> tuple[Decimal | None, str]:
        """A composite-index item's 上年值 that no return gives: the value last year's 定稿 run read for it, with
        that run and the cell it came from, when the item is still the same (same id and name)."""
        name, value, cell = self.recorded_last.get((unit, ind.id), (None, None, ""))
        if name != ind.name or value is None:
            return None, ""
        self.recorded_used += 1
        return Decimal(str(value)), f"{self.last_final.where()} › {cell}"

    def _source_file(self, indicator: str, period: str | None = None) -> str:
        """The (first) file whose table carries the indicator (for the year-end, or one periodic check): where the
        missing unit's row belongs."""
        return next((row.unit.file for row in self.ingested.rows if row.kind == "indicators"
                     and row.context.get("period") == period
                     and any(r.partition(":")[0] == indicator for r in row.fields)), "")

    def report_absent_unit(self, source: str, unit: str, period: str | None = None) -> None:
        """One issue for a unit missing from every return of a source (not one per indicator)."""
        key = (source, unit, period)
        if key not in self.absent_reported:
            self.absent_reported.add(key)
            what = f"{source}（{period}）" if period else source
            self.issues.append(Issue("absent-unit", unit=unit, params={"unit": unit, "source": what}))

    def check_range(self, ind, value: Decimal, cell: RawCell, unit: str, column: str = "value"):
        """The bounds the indicator's method sets on a figure it reads (pipeline/methods/), as the cell is read."""
        broken = next((b for b in ind.bounds() if b.stage == "read" and column in b.columns and not b.admits(value)),
                      None)
        if broken is not None:
            self.issue(broken.issue, cell, unit, ind.label, value=value, **broken.params)

    # -- survey --------------------------------------------------------------------------------------
    def tallies(self) -> list[Tally]:
        cfg = self.scheme.survey
        out: dict[tuple, Tally] = {}
        if cfg is None:
            return []
        for row, unit in self.rows_of("survey"):
            rnd, cat, question = (normalize_text(self.text(row, k)) for k in ("round", "category", "question"))
            if not rnd:  # no 评议轮次 column, and neither the sheet, its title, file or folder names one round
                self.issue("missing-round", row.unit, unit, rounds="、".join(cfg.rounds))
                continue
            bad = False
            for value, allowed, role in ((rnd, list(cfg.rounds), "round"), (cat, cfg.categories, "category")):
                if value not in allowed:
                    cell = row.fields.get(role, row.unit)
                    self.issue("unknown-choice", cell, unit, text=value, choices="、".join(allowed))
                    bad = True
            counts, unknown = {}, 0
            for choice in [*cfg.choices, cfg.unknown]:
                cell = row.fields.get(choice)
                n = 0
                if cell is not None:
                    ok, value = self.number(cell, unit)
                    if not ok:
                        bad = True
                    elif value is not None:
                        if value < 0 or value != value.to_integral_value():
                            self.issue("out-of-range", cell, unit, value=value, low=0, high="整数")
                            bad = True
                        n = int(value)
                if choice == cfg.unknown:
                    unknown = n
                else:
                    counts[choice] = n
            if bad:
                continue
            if sum(counts.values()) == 0:
                self.issue("survey-no-answer", row.fields.get("question", row.unit), unit,
                           indicator=f"{rnd}·{cat}·{question}")
            tally = Tally(unit, rnd, cat, question, counts, unknown, row.unit.source)
            key = (unit, rnd, cat, question)
            if key in out and (out[key].counts, out[key].unknown) != (counts, unknown):
                self.issue("conflict", row.unit, unit, other=out[key].source, value=counts, other_value=out[key].counts)
                continue
            out[key] = tally
        return list(out.values())

    # -- registers -----------------------------------------------------------------------------------
    def date(self, row: Row, unit: str, approval: bool = False) -> str:
        """A register entry's date (认定日期) as ISO text, "" when absent; bad dates and other years are reported.
        An `approval` (of a correction or appeal) comes after the results, so the following year is its year too."""
        cell = row.fields.get("date")
        if cell is None:
            return ""
        try:
            day = parse_date(cell.value)
        except NotADate:
            self.issue("not-a-date", cell, unit, text=str(cell.value))
            return ""
        if day is None:
            return ""
        if day.year not in (self.scheme.assessment.year, *([self.scheme.assessment.year + 1] if approval else [])):
            self.issue("date-outside-year", cell, unit, date=day.isoformat(), year=self.scheme.assessment.year)
        return day.isoformat()

    def adjustments(self) -> list[dict]:
        kinds = {normalize_text(a.name): a.name for a in self.scheme.adjustments}
        kinds_by_name = {a.name: a for a in self.scheme.adjustments}
        out = []
        for row, unit in self.rows_of("adjustments"):
            kind_cell = row.fields.get("kind", row.unit)
            kind = kinds.get(normalize_text(self.text(row, "kind")))
            if kind is None:
                self.issue("unknown-adjustment", kind_cell, unit, name=self.text(row, "kind"),
                           choices="、".join(kinds.values()))
                continue
            value_cell = row.fields.get("value")
            if kinds_by_name[kind].sign == "rank":  # the place may sit under a 名次 header as well as 分值
                value_cell = row.fields.get("rank") or value_cell
            per_item = kinds_by_name[kind].per_item
            if per_item is not None:  # each entry counts a fixed number of points, whatever the value column says
                out.append({"unit": unit, "kind": kind, "value": Decimal(str(per_item)), "reason": self.text(row, "reason"),
                            "department": self.text(row, "department"), "date": self.date(row, unit),
                            "source": (value_cell or row.unit).source})
                continue
            ok, value = self.number(value_cell, unit) if value_cell else (True, None)
            if not ok:
                continue
            if value is None:
                self.issue("missing-value", value_cell or row.unit, unit)
                continue
            if kinds_by_name[kind].sign == "rank" and (value < 1 or value != value.to_integral_value()):
                self.issue("out-of-range", value_cell, unit, value=value, low=1, high="名次（正整数）")
                continue
            out.append({"unit": unit, "kind": kind, "value": abs(value), "reason": self.text(row, "reason"),
                        "department": self.text(row, "department"), "date": self.date(row, unit),
                        "source": (value_cell or row.unit).source})
        return out

    def register_indicator(self, row: Row, unit: str) -> str | None:
        """The indicator a register row names (id, name or alias); an unknown one is reported at its cell."""
        ind_id = self.indicator_by_name.get(normalize_text(self.text(row, "indicator")))
        if ind_id is None:
            self.issue("unknown-indicator", row.fields.get("indicator", row.unit), unit, name=self.text(row, "indicator"),
                       hint=suggest(self.text(row, "indicator"), [i.name for i in self.scheme.indicators]))
        return ind_id

    def falsified(self) -> list[dict]:
        """弄虚作假 register: (unit, indicator) pairs that score 0, whatever the return says."""
        out = []
        for row, unit in self.rows_of("falsified"):
            cell = row.fields.get("indicator", row.unit)
            ind_id = self.register_indicator(row, unit)
            if ind_id is None:
                continue
            out.append({"unit": unit, "indicator": ind_id, "department": self.text(row, "department"),
                        "reason": self.text(row, "reason") or self.text(row, "item"), "source": cell.source})
        return out

    def corrections(self, values: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
        """更正/申诉登记表: approved corrections applied on top of the returns, each traced. An entry is applied only
        when its 原数值 is what the return says (else it is an error naming both cells: never a guess at which is
        right) and an approver is named."""
        labels = {i.id: i.label for i in self.scheme.indicators}
        year = str(self.scheme.assessment.year)
        at = {(r.unit, r.indicator): k for k, r in enumerate(values.itertuples(index=False)) if r.period == year}
        out, seen = [], {}
        for row, unit in self.rows_of("corrections"):
            ind_id = self.register_indicator(row, unit)
            if ind_id is None:
                continue
            numbers = {}
            for role in ("original", "corrected"):
                got = row.fields.get(role)
                ok, value = self.number(got, unit, labels[ind_id]) if got is not None else (True, None)
                if not ok:
                    break
                if value is None:
                    self.issue("missing-value", got or row.unit, unit, labels[ind_id])
                    break
                numbers[role] = value
            else:
                if not self.text(row, "approver"):
                    self.issue("correction-unapproved", row.fields.get("approver", row.unit), unit, labels[ind_id])
                    continue
                k = at.get((unit, ind_id))
                read = None if k is None else values.iat[k, values.columns.get_loc("value")]
                source = "" if k is None else values.iat[k, values.columns.get_loc("source")]
                if read != numbers["original"]:
                    self.issue("correction-mismatch", row.fields.get("original", row.unit), unit, labels[ind_id],
                               original=numbers["original"], value="（无）" if read is None else read,
                               where=source or "报表中没有该数据")
                    continue
                if (unit, ind_id) in seen:
                    self.issue("conflict", row.unit, unit, labels[ind_id], other=seen[(unit, ind_id)],
                               value=numbers["corrected"], other_value="另一条更正")
                    continue
                seen[(unit, ind_id)] = row.unit.source
                values.iat[k, values.columns.get_loc("value")] = numbers["corrected"]
                out.append({"unit": unit, "indicator": ind_id, "original": float(numbers["original"]),
                            "corrected": float(numbers["corrected"]), "reason": self.text(row, "reason"),
                            "approver": self.text(row, "approver"), "date": self.date(row, unit, approval=True),
                            "value_source": source, "source": row.unit.source})
        return values, out

    def vetoes(self) -> list[dict]:
        out = []
        veto = self.scheme.veto
        items = [*veto.items, *veto.top_grade_items] if veto.items else []  # empty items: any item is valid
        for row, unit in self.rows_of("veto"):
            if items and normalize_text(self.text(row, "item")) not in {normalize_text(i) for i in items}:
                self.issue("unknown-choice", row.fields.get("item", row.unit), unit, text=self.text(row, "item"),
                           choices="、".join(items))
                continue
            out.append({"unit": unit, "item": self.text(row, "item"), "department": self.text(row, "department"),
                        "reason": self.text(row, "reason"), "date": self.date(row, unit), "source": row.unit.source})
        return out

    def ratings(self) -> list[dict]:
        """100-point ratings (班子成员评分, 季度考核…): a total per row, item scores weighted by the component
        (`item_weights`), or items scored out of their own points and summed (`item_points`)."""
        comps = {c.name: c for c in self.scheme.components if c.is_ratings}
        out = []
        seen: dict[tuple[str, str, str], str] = {}  # (component, unit, rater) -> where it was first read
        items_read: dict[str, list[tuple[Row, dict[str, Decimal]]]] = {}  # component -> complete rows' item scores
        for row, unit in self.rows_of("ratings"):
            comp = comps.get(row.component)
            if comp is None:
                self.issue("ambiguous-ratings", row.unit, unit, names="、".join(comps) or "（方案中没有评分类组成部分）")
                continue
            rater = self.text(row, "member") or row.unit.sheet  # a sheet per member names the member
            if comp.raters and normalize_text(rater) not in {normalize_text(x) for x in comp.raters}:
                self.issue("unknown-choice", row.fields.get("member", row.unit), unit, text=rater,
                           choices="、".join(comp.raters))
                continue
            rater_unit = self.units.resolve(rater)  # a rater that is an assessed unit (交叉考核, or a self-rating)
            if comp.rated_by == "peers" and not self.peer_rater(row, unit, comp, rater, rater_unit):
                continue
            if rater_unit == unit and comp.self_rating == "exclude":
                self.issue("self-rating", row.fields.get("member", row.unit), unit, rater=rater, component=comp.name)
            key = (comp.name, unit, normalize_text(rater_unit or rater))
            if key in seen:
                self.issue("duplicate-rating", row.unit, unit, rater=rater, component=comp.name, other=seen[key])
                continue
            seen[key] = row.unit.source
            # (role, weight, the item's own full mark)
            parts = ([(f"item:{k}", Decimal(1), Decimal(str(p))) for k, p in comp.item_points.items()]
                     or [(f"item:{k}", Decimal(str(w)), Decimal(100)) for k, w in comp.item_weights.items()]
                     or [("total", Decimal(1), Decimal(100))])
            scores, complete = [], True
            for role, weight, high in parts:
                cell = row.fields.get(role)
                ok, value = self.number(cell, unit) if cell else (True, None)
                what = comp.name if role == "total" else f"{comp.name} · {role.removeprefix('item:')}"
                if ok and value is None:
                    self.issue("missing-value", cell or row.unit, unit, indicator=what)
                elif ok and not (0 <= value <= high):
                    self.issue("out-of-range", cell, unit, indicator="" if role == "total" else what, value=value,
                               low=0, high=f"{high.normalize():f}")
                elif ok:
                    scores.append((weight, value))
                    continue
                complete = False
            if complete:
                total_weight = sum((w for w, _ in scores), Decimal(0))
                score = sum((w * v for w, v in scores), Decimal(0))  # item_points: the items' sum (weights 1)
                score = score if comp.item_points else score / total_weight
                if parts[0][0] != "total":
                    self.check_rating_total(row, unit, score, bool(comp.item_points))
                    items_read.setdefault(comp.name, []).append(
                        (row, {r.removeprefix("item:"): v for (r, _, _), (_, v) in zip(parts, scores)}))
                # a peer is shown by its own name (县卫健委), whatever the register wrote (县卫生健康委员会)
                shown = rater_unit if comp.rated_by == "peers" and rater_unit else rater
                out.append({"component": comp.name, "unit": unit, "rater": shown, "rater_unit": rater_unit,
                            "score": score, "source": row.unit.source})
        for comp in comps.values():
            self.check_points_as_weights(comp, items_read.get(comp.name, []))
        return out

    def peer_rater(self, row: Row, unit: str, comp, rater: str, rater_unit: str | None) -> bool:
        """交叉考核 (`rated_by = "peers"`): the rater must be an assessed unit of the rated unit's own group."""
        cell = row.fields.get("member", row.unit)
        if rater_unit is None:
            self.issue("unknown-rater", cell, unit, rater=rater, component=comp.name,
                       hint=self.units.hint(rater))
            return False
        if self.group_of[rater_unit] != self.group_of[unit]:
            self.issue("rater-not-peer", cell, unit, rater=rater_unit, component=comp.name,
                       rater_group=self.group_of[rater_unit] or "未分组", group=self.group_of[unit] or "未分组")
            return False
        return True

    def check_rating_total(self, row: Row, unit: str, score: Decimal, summed: bool) -> None:
        """A 合计/总分 written next to the items must be what kaohe computes from them (it scores the items).

        The total is only checked, never scored, so an unreadable one is passed over rather than blocking the run.
        """
        for role in ("total", "sum"):
            total = cell_number(row.fields.get(role))
            if total is not None and not agrees(total, score):  # a total rounded to its own decimals agrees
                self.issue("rating-total-mismatch", row.fields[role], unit,
                           total_label=row.headers.get(role) or ("合计" if role == "sum" else "总分"),
                           total=f"{total:f}", expected=f"{round_half_up(score, 4).normalize():f}",
                           what="各项之和" if summed else "各项按权重的平均")

    def check_points_as_weights(self, comp, rows: list[tuple[Row, dict[str, Decimal]]]) -> None:
        """`item_weights` that are really each item's points (党建工作 20 …): every item of every rating at or below
        its weight, the weights summing to 100, over at least MIN_ROWS_POINTS_GUARD ratings. Genuine 100-point
        items are not all below their weights (the smallest weight is at most 50), so this does not fire on them;
        the message names the way out (weights written as fractions give the same scores)."""
        weights = {k: Decimal(str(w)) for k, w in comp.item_weights.items()}
        if (len(weights) < 2 or sum(weights.values()) != 100 or len(rows) < MIN_ROWS_POINTS_GUARD
                or any(v > weights[k] for _, items in rows for k, v in items.items())):
            return
        row, items = rows[0]
        weighted = sum((weights[k] * v for k, v in items.items()), Decimal(0)) / 100
        self.issue("points-as-weights", row.unit, component=comp.name, rows=len(rows),
                   example="、".join(f"{k} {v:f} ≤ {weights[k].normalize():f}" for k, v in items.items()),
                   sample=(f"第一个评分（{row.unit.source}）为 {round_half_up(weighted, 2):f}，"
                           f"按分值相加则为 {sum(items.values(), Decimal(0)):f}"),
                   decimals="、".join(f"{(w / 100).normalize():f}" for w in weights.values()))

    def history(self) -> dict[str, dict]:
        out = {}
        for row, unit in self.rows_of("history"):
            ok, rank = self.number(row.fields["rank"], unit) if "rank" in row.fields else (False, None)
            if not ok or rank is None:
                continue
            total = None
            if "total" in row.fields:
                _, total = self.number(row.fields["total"], unit)
            out[unit] = {"rank": int(rank), "total": total, "source": row.fields["rank"].source}
        return out


def _from_record(scheme: Scheme, data: Dataset, finals: dict[int, RunRecord], growth_used: int) -> None:
    """What earlier years' 定稿 runs give where the returns are silent: the report's trends over the years the history
    holds; last year's ranks and totals when no 上年考核结果 return gives them (a return always wins); and a notice for
    each, so the office knows where the figures came from."""
    names = set(scheme.unit_names)
    data.years = {y: {u["unit"]: (u["rank"], u["total"], dict(u.get("categories") or {}))
                      for u in r.results["units"] if u["unit"] in names}
                  for y, r in finals.items()}
    final = finals.get(scheme.assessment.year - 1)
    if final is None:
        return
    if growth_used:
        data.issues.append(Issue("last-values-from-record", params={"where": final.where(), "count": growth_used}))
    if data.history:
        return
    data.history.update({u["unit"]: {"rank": u["rank"], "total": Decimal(str(u["total"])),
                                     "source": f"{final.where()} › {u['unit']}"}
                         for u in final.results["units"] if u["unit"] in names})
    data.issues[:] = [i for i in data.issues  # the record stands in for the 上年考核结果 register
                      if not (i.code in ("missing-register", "optional-register") and i.params.get("key") == "history")]
    data.issues.append(Issue("history-from-record", params={
        "where": final.where(), "count": len(data.history), "missing": "、".join(n for n in scheme.unit_names
                                                                              if n not in data.history) or "无"}))


def normalize(scheme: Scheme, ingested: IngestResult, finals: dict[int, RunRecord] | None = None) -> Dataset:
    """The returns (and, where they are silent, earlier years' 定稿 runs from the run history: `finals`, by year)
    as one long table of values with every cell's source, plus the registers and the issues found."""
    # a department's return sent twice: one issue for the pair, or the newer file taken (pipeline/resubmission.py)
    resolve, rows, newest = UnitResolver(scheme).resolve, ingested.rows, scheme.ingest.resubmission == "newest"
    pairs = find_pairs(ingested, resolve, {i.id: i.label for i in scheme.measures}, scheme.assessment.timezone)
    if newest:
        ingested, pairs = take_newest(ingested, pairs, resolve)
    finals = finals or {}
    n = _Normalizer(scheme, ingested, finals.get(scheme.assessment.year - 1))
    values = n.indicator_values()
    values, corrections = n.corrections(values)  # approved corrections on top of the returns, before any check
    n.issues.extend(check_values(scheme, values))  # plausibility: ×100 slips, absurd values, declared ranges
    tallies = n.tallies()
    data = Dataset(values, tallies, n.adjustments(), n.vetoes(), n.ratings(), n.history(), n.issues, ingested.files,
                   falsified=n.falsified(), corrections=corrections)
    n.finish()
    data.issues.extend(register_issues(scheme, ingested))
    _from_record(scheme, data, finals, n.recorded_used)
    data.issues.extend(check_totals(scheme, ingested.totals) + check_row_sums(scheme, ingested.rows)
                       + check_header_points(scheme, ingested.headers))
    rated: dict[tuple[str, str], set[str]] = {}
    group_of = {u.name: u.group for u in scheme.units}
    for r in data.ratings:
        rated.setdefault((r["component"], r["unit"]), set()).add(normalize_text(r["rater"]))
    for comp in (c for c in scheme.components if c.is_ratings):
        for unit in scheme.unit_names:
            if (comp.name, unit) not in rated:
                data.issues.append(Issue("missing-ratings", unit=unit, params={"unit": unit, "component": comp.name}))
                continue
            for rater in comp.raters:
                if comp.rated_by == "peers":  # a drawn panel of peer units: none rates itself or another group
                    panel_unit = resolve(rater)
                    if panel_unit == unit or group_of.get(panel_unit) != group_of[unit]:
                        continue
                    rater = panel_unit
                if normalize_text(rater) not in rated[(comp.name, unit)]:
                    data.issues.append(Issue("missing-rating", unit=unit,
                                             params={"unit": unit, "component": comp.name, "rater": rater}))
    if scheme.survey is not None and any(c.kind == "survey" for c in scheme.components):
        have: dict[str, set[str]] = {}
        for t in tallies:
            have.setdefault(t.unit, set()).add(t.round)
        for unit in scheme.unit_names:
            if unit not in have:
                data.issues.append(Issue("missing-survey", unit=unit, params={"unit": unit}))
                continue
            for rnd in scheme.survey.rounds:
                if rnd not in have[unit]:
                    data.issues.append(Issue("missing-survey-round", unit=unit, params={"unit": unit, "round": rnd}))
    data.issues.extend(derived_issues(scheme, data, n._source_file))
    data.issues[:] = fold_issues(data.issues, pairs, rows, newest)
    return data


def derived_issues(scheme: Scheme, data: Dataset, source_file) -> list[Issue]:
    """What the scoring rules cannot derive from these data, found before anything is scored: a `weighting` node
    whose values give no weights, and an imputed gap in a group where no unit reported the indicator."""
    out = []
    year = str(scheme.assessment.year)
    current: dict[str, dict[str, Decimal | None]] = {}
    for rec in data.values[data.values["period"] == year].itertuples(index=False):
        current.setdefault(rec.indicator, {})[rec.unit] = rec.value
    falsified = {(f["unit"], f["indicator"]) for f in data.falsified}
    _, failed = tree_weights(scheme, current, falsified)
    nodes = {n.key: n for n in scheme.walk()}
    for key, reason in failed:
        out.append(Issue("weights-undefined", params={"category": key, "reason": reason,
                                                       "method": WEIGHTING_LABELS[nodes[key].weighting]}))
    group_of = {u.name: u.group for u in scheme.units}
    for ind in (i for i in scheme.indicators if i.missing in IMPUTED):
        values = {u: None if (u, ind.id) in falsified else v for u, v in current.get(ind.id, {}).items()
                  if ind.applies_to(group_of[u])}
        filled = imputed_values(ind.missing, values, group_of)
        for group in dict.fromkeys(group_of[u] for u, v in values.items() if v is None and u not in filled):
            out.append(Issue("impute-no-values", indicator=ind.label, file=source_file(ind.id),
                             params={"group": f"“{group}”组" if group else "各单位", "policy": GAP_POLICY[ind.missing]}))
    return out

