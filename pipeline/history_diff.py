"""What changed between two runs, and why (`kaohe diff`): per unit, the total, rank, grade and awards before and
after; the input cells whose values changed; the indicator scores that moved, and for a unit whose own figures did not
change, the cohort standards that moved them (a corrected value elsewhere shifts the best or worst value of an
efficacy indicator, and with it every unit's score: the 96.05 → 96.00 an appeal asks about).

Pure: reads two stored runs (pipeline/history.py) and returns a `RunDiff`; the console text and the workbook are
made from it (cli.py, render/diff_book.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .history import FINAL, PUBLICITY, RunRecord


@dataclass
class CellChange:
    unit: str
    indicator: str
    name: str
    period: str
    old: float | None
    new: float | None
    source: str  # the new run's cell (or the old one's when the value is gone)
    correction: str = ""  # the 更正/申诉登记 that made the change (or whose removal did), "" when the return did


@dataclass
class ScoreChange:
    unit: str
    indicator: str
    name: str
    period: str
    old: float | None
    new: float | None
    own_data_changed: bool
    why: str  # for a unit whose own figure did not change: the cohort standards before and after


@dataclass
class UnitChange:
    unit: str
    old_total: float | None
    new_total: float | None
    old_rank: int | None
    new_rank: int | None
    old_grade: str
    new_grade: str
    old_awards: list[str]
    new_awards: list[str]
    cells: list[CellChange] = field(default_factory=list)
    scores: list[ScoreChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return (self.old_total, self.old_rank, self.old_grade, self.old_awards) != \
            (self.new_total, self.new_rank, self.new_grade, self.new_awards) or bool(self.cells or self.scores)


@dataclass
class RunDiff:
    old: RunRecord
    new: RunRecord
    scheme_changed: bool
    files: list[tuple[str, str]]  # (file, 新增 / 已删除 / 内容已改)
    units: list[UnitChange]  # every unit of either run, in the new run's rank order

    @property
    def changed_units(self) -> list[UnitChange]:
        return [u for u in self.units if u.changed]


def default_pair(runs: list[RunRecord]) -> tuple[RunRecord, RunRecord] | None:
    """(old, new) to compare by default: the newest scored run against the newest published one (定稿, else 公示)
    before it, else against the scored run before it; None when fewer than two runs were scored."""
    scored = [r for r in runs if r.scored]  # newest first
    if len(scored) < 2:
        return None
    newest = scored[0]
    for status in (FINAL, PUBLICITY):
        published = next((r for r in scored[1:] if r.status == status), None)
        if published is not None:
            return published, newest
    return scored[1], newest


def _cohort(calc: str) -> str:
    """The part of a 计算过程 that depends on the other units: its first clause (满意值…、不允许值…; …列第 n 名)."""
    return calc.split("；")[0] if calc else ""


def _corrections(run: RunRecord) -> dict[tuple[str, str], dict]:
    """A run's applied corrections (更正/申诉登记表) by (unit, indicator id)."""
    return {(c["unit"], c["indicator"]): c for c in run.results.get("corrections", [])}


def compare(old: RunRecord, new: RunRecord) -> RunDiff:
    files = []
    for f in sorted(set(old.inputs) | set(new.inputs)):
        if f not in old.inputs:
            files.append((f, "新增"))
        elif f not in new.inputs:
            files.append((f, "已删除"))
        elif old.inputs[f] != new.inputs[f]:
            files.append((f, "内容已改"))
    old_units = {u["unit"]: u for u in old.results["units"]}
    new_units = {u["unit"]: u for u in new.results["units"]}
    key = lambda d: (d["unit"], d["indicator"], d.get("period", ""))  # noqa: E731
    old_detail = {key(d): d for d in old.results.get("detail", [])}
    new_detail = {key(d): d for d in new.results.get("detail", [])}
    old_fixes, new_fixes = _corrections(old), _corrections(new)
    changes: dict[str, UnitChange] = {}
    order = [u["unit"] for u in new.results["units"]] + [u for u in old_units if u not in new_units]
    for name in order:
        a, b = old_units.get(name, {}), new_units.get(name, {})
        changes[name] = UnitChange(name, a.get("total"), b.get("total"), a.get("rank"), b.get("rank"),
                                   a.get("grade", ""), b.get("grade", ""), a.get("awards", []), b.get("awards", []))
    for k in list(dict.fromkeys([*old_detail, *new_detail])):
        a, b = old_detail.get(k), new_detail.get(k)
        unit, indicator, period = k
        name = (b or a)["indicator_name"]
        if unit not in changes:
            continue
        own = (a or {}).get("value") != (b or {}).get("value")
        if own:
            fix = new_fixes.get((unit, indicator)) if not period else None
            gone = old_fixes.get((unit, indicator)) if not period and fix is None else None
            how = (f"经更正/申诉登记更正（{fix['reason']}；审批人：{fix['approver']}；登记于 {fix['source']}）" if fix
                   else f"原更正登记已撤销（原登记于 {gone['source']}）" if gone else "")
            changes[unit].cells.append(CellChange(unit, indicator, name, period, (a or {}).get("value"),
                                                  (b or {}).get("value"), (b or a).get("source", ""), how))
        if (a or {}).get("score") != (b or {}).get("score"):
            before, after = _cohort((a or {}).get("calc", "")), _cohort((b or {}).get("calc", ""))
            why = "" if own else (f"本单位数据未变，因参评单位的数据变化：{before} → {after}" if before != after
                                  else "本单位数据未变")
            changes[unit].scores.append(ScoreChange(unit, indicator, name, period, (a or {}).get("score"),
                                                    (b or {}).get("score"), own, why))
    return RunDiff(old, new, old.scheme_hash != new.scheme_hash, files, list(changes.values()))


def since_previous(runs: list[RunRecord], run: RunRecord) -> str:
    """`kaohe history`'s 与上次相比 for one run: what its inputs and totals did against the scored run before it."""
    earlier = [r for r in runs if r.id < run.id]
    if not earlier:
        return "首次运行"
    before = earlier[0]
    parts = []
    if before.scheme_hash != run.scheme_hash:
        parts.append("考核方案已修改")
    changed_files = sum(1 for f in set(before.inputs) | set(run.inputs) if before.inputs.get(f) != run.inputs.get(f))
    if changed_files:
        parts.append(f"{changed_files}个报表有变化")
    scored_before = next((r for r in earlier if r.scored), None)
    if run.scored and scored_before is not None:
        old, new = scored_before.totals(), run.totals()
        moved = sum(1 for u in set(old) | set(new) if old.get(u) != new.get(u))
        parts.append(f"{moved}个单位总分变化" if moved else "总分无变化")
    return "，".join(parts) or "无变化"
