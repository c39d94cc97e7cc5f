"""Resubmissions: a department's revised return dropped into input/ next to the one it replaces.

Without this, the pair shows up as one `duplicate` warning per equal cell and one `conflict` error per changed cell,
and the clerk sees 74 lines for what is one fact: "the return was sent twice; which one counts?". Here the two files
are recognised as one return (most of their (unit, column) keys of one kind are the same) and told as ONE issue
naming both files, their modification times and the cells that differ. With `[ingest] resubmission = "newest"` the
office lets the newer file win; times too close to order stay an error (never guess).

Two departments may share an indicator column; that is not a resubmission: the shared keys must be more than
PAIR_SHARE of the LARGER file's keys, so a department reporting one shared indicator next to a full return is not a
copy of it. A false negative is safe (the per-cell conflicts stay errors); a false positive only regroups issues,
or under "newest" decides the overlapping cells — which is why the threshold is on the larger file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from decimal import Decimal
from typing import Callable

from .ingest import IngestResult, InputFile, RawCell, Row
from .issues import Issue
from .numbers import NotANumber, normalize_text, parse_number
from .render.reproducible import DEFAULT_TIMEZONE, zone

PAIR_SHARE = 0.5  # shared keys must be more than this share of the larger file's keys, per return kind
SAME_TIME = 2.0  # seconds: FAT, zip and some copies keep times to 2 s; closer times cannot say which file is newer
SHOWN_CELLS = 3  # differing cells quoted in the message; the rest are counted
KINDS = ("indicators", "survey", "ratings")  # kinds read by key; registers may list one entry twice legitimately
CONTEXT_ROLES = {"survey": ("round", "category", "question"), "ratings": ("member",)}  # identify a row, not data
FOLDED = ("conflict", "duplicate", "duplicate-rating")  # the per-cell issues one resubmission issue replaces
PARTS = {"value": "", "target": "（目标值）", "last": "（上年值）", "cum": "（累计完成）", "cum_target": "（累计目标）"}

Key = tuple  # (kind, row key, role); row key: (unit,) | (unit, round, category, question) | (component, unit, rater)
Resolve = Callable[[object], "str | None"]  # a unit name as written -> the scheme's unit, or None


@dataclass
class Pair:
    """Two files holding one return. `first` is the older one when `ordered`, else the first in input/ order."""

    first: InputFile
    second: InputFile
    ordered: bool
    kinds: list[str]
    shared: dict[Key, tuple[RawCell, RawCell]] = field(default_factory=dict)  # key -> (first's cell, second's)
    differing: list[Key] = field(default_factory=list)  # in the second file's order
    cells: str = ""  # the first differing cells with both values, for the messages
    tz: str = DEFAULT_TIMEZONE  # the scheme's time zone, in which the messages show the files' times


def _row_key(row: Row, unit: str) -> tuple | None:
    text = {r: normalize_text(row.fields[r].value) if r in row.fields and row.fields[r].value is not None else ""
            for r in CONTEXT_ROLES.get(row.kind, ())}
    if row.kind == "survey":  # the round and category may be named by the sheet, title or file instead of a column
        rnd = text["round"] or normalize_text(row.context.get("round", ""))
        if not rnd:
            return None  # a row whose round nothing names is an error of its own (missing-round), never a pair
        return unit, rnd, text["category"] or normalize_text(row.context.get("category", "")), text["question"]
    if row.kind == "ratings":  # a sheet per member names the member
        return row.component, unit, text["member"] or row.unit.sheet
    if row.context.get("period"):  # a periodic check's return (第一季度…) is no copy of another period's
        return unit, row.context["period"]
    return (unit,)


def _row_keys(row: Row, resolve: Resolve) -> dict[Key, RawCell]:
    """key -> cell for one row of a kind read by key. An unknown unit name keeps its text (still a key)."""
    if row.kind not in KINDS:
        return {}
    rk = _row_key(row, resolve(row.unit.value) or f"？{normalize_text(row.unit.value)}")
    if rk is None:
        return {}
    return {(row.kind, rk, role): cell for role, cell in row.fields.items()
            if role not in CONTEXT_ROLES.get(row.kind, ())}


def _keys(rows: list[Row], resolve: Resolve) -> dict[tuple[str, str], dict[Key, RawCell]]:
    """(file, kind) -> key -> its first cell in that file, in row order.

    Only for kinds that two or more files carry: one survey file cannot pair with anything, and its hundreds of
    rows need no keys.
    """
    files_of: dict[str, set[str]] = {}
    for row in rows:
        files_of.setdefault(row.kind, set()).add(row.unit.file)
    paired = {kind for kind, files in files_of.items() if len(files) > 1}
    out: dict[tuple[str, str], dict[Key, RawCell]] = {}
    for row in rows:
        if row.kind not in paired:
            continue
        for key, cell in _row_keys(row, resolve).items():
            out.setdefault((row.unit.file, row.kind), {}).setdefault(key, cell)
    return out


def shown(cell: RawCell):
    """What the cell says, comparable across files: a Decimal, None for blank, else its text."""
    try:
        number = parse_number(cell.value, cell.percent)
        return None if number is None else number.normalize()
    except (NotANumber, TypeError, ValueError):
        return normalize_text(cell.value)


def find_pairs(ingested: IngestResult, resolve: Resolve, labels: dict[str, str],
               tz: str = DEFAULT_TIMEZONE) -> list[Pair]:
    """Every two files sharing most keys of a kind, with their shared and differing cells (before any is read).

    `labels`: indicator id -> "A1 地区生产总值增长率", for the messages.
    """
    keys = _keys(ingested.rows, resolve)
    files = {f.path: f for f in ingested.files}
    order = {f.path: k for k, f in enumerate(ingested.files)}
    paths = sorted({p for p, _ in keys if p in files}, key=order.get)
    pairs = []
    for i, a in enumerate(paths):
        for b in paths[i + 1:]:
            kinds = [k for k in KINDS if (a, k) in keys and (b, k) in keys and len(keys[a, k].keys() & keys[b, k].keys())
                     > PAIR_SHARE * max(len(keys[a, k]), len(keys[b, k]))]
            if not kinds:
                continue
            fa, fb = files[a], files[b]
            ordered = fa.mtime > 0 and fb.mtime > 0 and abs(fa.mtime - fb.mtime) >= SAME_TIME
            if ordered and fb.mtime < fa.mtime:
                fa, fb = fb, fa
            pair = Pair(fa, fb, ordered, kinds, tz=tz)
            for k in kinds:
                for key, cell in keys[fb.path, k].items():
                    if key in keys[fa.path, k]:
                        pair.shared[key] = (keys[fa.path, k][key], cell)
                        if shown(pair.shared[key][0]) != shown(cell):
                            pair.differing.append(key)
            pair.cells = _cells(pair, labels)
            pairs.append(pair)
    return pairs


def take_newest(ingested: IngestResult, pairs: list[Pair], resolve: Resolve) -> tuple[IngestResult, list[Pair]]:
    """`resubmission = "newest"`: drop the older file's cells for the keys the newer one carries (whole rows for
    surveys and ratings, whose cells only mean something together), with one warning per pair.

    Returns the trimmed input (a copy; the caller's is untouched) and the pairs still to report as errors: those
    whose times are too close to say which file is newer.
    """
    dropped: dict[str, set[Key]] = {}
    notes, left = [], []
    for pair in pairs:
        if not pair.ordered:
            left.append(pair)
            continue
        dropped.setdefault(pair.first.path, set()).update(pair.shared)
        notes.append(Issue("resubmission-newest", file=pair.first.path, params={
            **_names(pair), "count": len(pair.shared), "differing": len(pair.differing),
            "cells": f"：{pair.cells}" if pair.cells else ""}))
    if not dropped:
        return ingested, left
    rows = []
    for row in ingested.rows:
        keys = _row_keys(row, resolve) if row.unit.file in dropped else {}
        kept = {key[2] for key in keys if key not in dropped[row.unit.file]}
        if not keys:
            rows.append(row)
        elif row.kind == "indicators" and kept:
            rows.append(replace(row, fields={r: c for r, c in row.fields.items() if r in kept}))
        elif row.kind != "indicators" and len(kept) == len(keys):  # a survey or ratings row the newer file lacks
            rows.append(row)
    return replace(ingested, rows=rows, issues=[*ingested.issues, *notes]), left


def fold_issues(issues: list[Issue], pairs: list[Pair], rows: list[Row], newest: bool) -> list[Issue]:
    """Replace the per-cell conflict/duplicate issues between the two files of each pair by one issue: an error
    when values differ, a warning when the second file only repeats the first."""
    if not pairs:
        return issues
    cell_kind = {(c.file, c.sheet, c.cell): r.kind for r in rows for c in (r.unit, *r.fields.values())}
    out = list(issues)
    for pair in pairs:
        other_of = {pair.first.path: pair.second.path, pair.second.path: pair.first.path}

        def between(i: Issue) -> bool:
            other = other_of.get(i.file)
            return (i.code in FOLDED and other is not None and str(i.params.get("other", "")).startswith(f"{other} › ")
                    and cell_kind.get((i.file, i.sheet, i.cell)) in pair.kinds)

        at = next((k for k, i in enumerate(out) if between(i)), None)
        out = [i for i in out if not between(i)]
        code = "resubmission" if pair.differing else "resubmission-same"
        issue = Issue(code, file=pair.first.path, params={
            **_names(pair), "count": len(pair.differing) if pair.differing else len(pair.shared),
            "cells": pair.cells, "advice": _advice(pair, newest) if pair.differing else "请从 input/ 中删除其中一份"})
        out.insert(len(out) if at is None else at, issue)
    return out


# -- messages ------------------------------------------------------------------------------------------------------
def when(mtime: float, seconds: bool = False, tz: str = DEFAULT_TIMEZONE) -> str:
    """A modification time as a clerk reads it, to the minute (2026年3月1日 16:40): in the scheme's time zone
    (default Asia/Shanghai), never the machine's, so that the issue lists are the same on every machine."""
    try:
        t = dt.datetime.fromtimestamp(mtime, zone(tz)) if mtime > 0 else None
    except (OverflowError, OSError, ValueError):  # a time no calendar holds
        t = None
    if t is None:
        return "（未知）"
    return f"{t.year}年{t.month}月{t.day}日 " + t.strftime("%H:%M:%S" if seconds else "%H:%M")


def _names(pair: Pair) -> dict:
    a, b = pair.first, pair.second
    seconds = when(a.mtime, tz=pair.tz) == when(b.mtime, tz=pair.tz)  # the same minute: show the seconds
    return {"first": a.path, "first_time": when(a.mtime, seconds, pair.tz), "second": b.path,
            "second_time": when(b.mtime, seconds, pair.tz)}


def label(key: Key, labels: dict[str, str]) -> str:
    """`城关镇 · A1 地区生产总值增长率（目标值）`: what a key is, in the clerk's words."""
    kind, rk, role = key
    if kind == "indicators":
        ind, _, part = role.partition(":")
        return f"{rk[0]} · {labels.get(ind, ind)}{PARTS.get(part or 'value', '')}"
    if kind == "survey":
        return f"{rk[0]} · {'·'.join(x for x in rk[1:] if x)} · {role}"
    return f"{rk[1]} · {rk[0]} · {rk[2]} · {role.removeprefix('item:') if role.startswith('item:') else '得分'}"


def _value(value) -> str:
    if value is None:
        return "（空）"
    return f"{value:f}" if isinstance(value, Decimal) else f"“{value}”"


def _cells(pair: Pair, labels: dict[str, str]) -> str:
    """`西湖镇 · A2 …（指标数据!D7）：较早的一份为 10.1，较新的一份为 11.1；…；另有 3 处`."""
    if pair.ordered:
        a, b = "较早的一份", "较新的一份"
    else:  # file names, short unless two folders hold files of one name
        a, b = (PurePath(pair.first.path).name, PurePath(pair.second.path).name)
        if a == b:
            a, b = pair.first.path, pair.second.path
    parts = []
    for key in pair.differing[:SHOWN_CELLS]:
        c1, c2 = pair.shared[key]
        p1, p2 = f"{c1.sheet}!{c1.cell}", f"{c2.sheet}!{c2.cell}"
        x, y = _value(shown(c1)), _value(shown(c2))
        parts.append(f"{label(key, labels)}（{p1}）：{a}为 {x}，{b}为 {y}" if p1 == p2 else
                     f"{label(key, labels)}：{a} {p1} 为 {x}，{b} {p2} 为 {y}")
    more = len(pair.differing) - SHOWN_CELLS
    return "；".join(parts) + (f"；另有 {more} 处" if more > 0 else "")


def _advice(pair: Pair, newest: bool) -> str:
    if pair.ordered:
        return (f"请核实后从 input/ 中删除过时的一份（修改时间较早的是 {pair.first.path}）再运行；"
                "若应以修改时间较新的一份为准，也可在方案中设置 [ingest] resubmission = \"newest\"")
    same = "两份的修改时间相同（相差不到 2 秒），无法判断哪一份较新"
    if newest:
        return f"方案设置了 [ingest] resubmission = \"newest\"，但{same}，请从 input/ 中删除过时的一份再运行"
    return f"{same}，请核实后从 input/ 中删除过时的一份再运行"
