"""Per-unit score cards (单位评分卡.xlsx), written with xlsxwriter.

One workbook, one sheet per unit in rank order, each laid out like the official score sheet (评分表):

    <assessment.title>评分卡
    被考核单位：…　分组：…　总分：…　名次：…　等次：…
    序号 | 考核项目 | 考核内容 | 分值 | 计分方法 | 原始值 | (目标值) | 得分 | 数据来源 | 说明
    1    | 经济发展 | A1 …     | 10   | …        | 7.2    |          | 9.5  | 统计局.xlsx › 数据表!C5 | …
         | (merged) | …        |      |          |        |          |      |          |
         |          | 小计     | 42   |          |        |          | 38.1 |          |
    (deeper trees: 考核内容 is "子类别：A1 …" and each sub-category gets its own "小计（子类别）" row)
    …
    a row per component (its score on its own scale), per adjustment kind (capped; deductions negative), 总分
    一票否决：…   (when vetoed; then 等次说明 / 获奖情况 lines when present)
    考核组长：＿＿＿　审核人：＿＿＿　被考核单位负责人：＿＿＿

Input is the plain results dict of docs/results-model.md; like the summary workbook this module only formats
what is there (scores are published values, shown with ``assessment.precision`` as a number format) and never
computes or re-rounds a score. The cell-format, width and safe-writing helpers are those of ``workbook.py``:
text is always written with ``write_string`` and the workbook is opened with ``strings_to_formulas=False``, so a
unit or note such as ``=1+1`` stays a literal string. Unit names only ever become sheet names (made safe for
Excel), never file paths.
"""

from __future__ import annotations

import math
import pathlib
from typing import Any

import xlsxwriter

from .workbook import (
    bold_kind,
    print_a4,
    FONT,
    RED,
    _adj_header,
    _assessment,
    _is_number,
    _merge,
    _pct_label,
    _put,
    _Sheet,
    _signed_adjustment,
    _Styles,
    _text_width,
    _trim_number,
    _units,
    _Widths,
    open_workbook,
    _write_header,
    _Col,
)

__all__ = ["write_scorecards", "SCORECARDS_XLSX", "safe_sheet_names"]

SCORECARDS_XLSX = "单位评分卡.xlsx"
SIGNATURE = "考核组长：＿＿＿　审核人：＿＿＿　被考核单位负责人：＿＿＿"
NOT_ASSESSED = "不考核"
SEP = "　"  # full-width space between the fields of the unit line

# Characters Excel refuses in a sheet name -> a full-width look-alike (keeps the name readable).
_SHEET_CHARS = str.maketrans({"[": "［", "]": "］", ":": "：", "*": "＊", "?": "？", "/": "／", "\\": "＼"})
_SHEET_MAX = 31                # Excel's limit, in UTF-16 code units
_RESERVED_SHEETS = {"history"}  # Excel reserves "History"

# Wrapped text columns have fixed widths (the whole card must fit one portrait page wide); row heights are
# estimated from them, since neither xlsxwriter nor LibreOffice grows a row for wrapped text by itself.
_FIXED_WIDTHS = {"item": 10, "content": 22, "method": 26, "source": 26, "note": 16}
_LINE_HEIGHT = 14.5   # points per text line (宋体 11)


# --------------------------------------------------------------------------------------------- sheet names
def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _clip(text: str, limit: int) -> str:
    while _utf16_len(text) > limit:
        text = text[:-1]
    return text


def safe_sheet_names(names: list[str]) -> list[str]:
    """Excel-safe, unique (case-insensitively) sheet names for `names`, in order: forbidden characters
    ``[]:*?/\\`` become full-width look-alikes, control characters are dropped, no leading/trailing apostrophe,
    at most 31 characters; a repeat gets "(2)", "(3)", … within the limit."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = "".join(ch for ch in str(raw if raw is not None else "") if ord(ch) >= 32 and ord(ch) != 0x7F)
        name = name.translate(_SHEET_CHARS).strip().strip("'").strip() or "单位"
        if name.casefold() in _RESERVED_SHEETS:
            name += "(1)"
        base = _clip(name, _SHEET_MAX)
        candidate, n = base, 1
        while candidate.casefold() in seen:
            n += 1
            suffix = f"({n})"
            candidate = _clip(base, _SHEET_MAX - len(suffix)).rstrip("'") + suffix
        seen.add(candidate.casefold())
        out.append(candidate)
    return out


# --------------------------------------------------------------------------------------------- styles
class _CardStyles(_Styles):
    """The summary workbook's styles (bold cell kinds included) plus the card's own text lines."""

    def __init__(self, wb: xlsxwriter.Workbook, precision: int):
        super().__init__(wb, precision)
        self.unit_line = wb.add_format({"font_name": FONT, "font_size": 12, "align": "left", "valign": "vcenter"})
        self.veto = wb.add_format({"font_name": FONT, "font_size": 11, "bold": True, "font_color": RED,
                                   "align": "left", "valign": "vcenter", "text_wrap": True})
        self.note_line = wb.add_format({"font_name": FONT, "font_size": 11, "align": "left", "valign": "vcenter",
                                        "text_wrap": True})
        self.item = wb.add_format({"font_name": FONT, "font_size": 11, "border": 1, "align": "center",
                                   "valign": "vcenter", "text_wrap": True})
        self.label = wb.add_format({"font_name": FONT, "font_size": 11, "border": 1, "align": "left",
                                    "valign": "vcenter", "text_wrap": True})
        self.label_bold = wb.add_format({"font_name": FONT, "font_size": 11, "border": 1, "align": "center",
                                         "valign": "vcenter", "bold": True})


# --------------------------------------------------------------------------------------------- model helpers
def _score_text(value: Any, precision: int) -> str:
    """A published score as text for the unit line (formatting only: the value is already rounded)."""
    if not _is_number(value):
        return "" if value is None else str(value)
    return f"{value:.{max(precision, 0)}f}"


def _points_label(value: Any) -> str:
    return _trim_number(value) if _is_number(value) else ""


def _unit_line(u: dict, precision: int) -> str:
    parts = [f"被考核单位：{u.get('unit', '')}"]
    if u.get("group"):
        parts.append(f"分组：{u['group']}")
    parts.append(f"总分：{_score_text(u.get('total'), precision)}")
    parts.append(f"名次：{u.get('rank') if u.get('rank') is not None else ''}")
    if u.get("grade"):
        parts.append(f"等次：{u['grade']}")
    return SEP.join(parts)


def _indicator_label(ind: dict, subpath: tuple[str, ...]) -> str:
    text = f"{ind.get('id', '')} {ind.get('name', '')}".strip()
    measure = ind.get("unit")
    if measure and measure != "分":
        text += f"（{measure}）"
    if subpath:
        text = " › ".join(subpath) + "：" + text
    return text


def _method_text(ind: dict) -> str:
    label = ind.get("method_label") or ind.get("method") or ""
    rule = ind.get("rule") or ""
    return f"{label}\n{rule}" if label and rule else (label or rule)


def _not_assessed(ind: dict, unit: dict, detail: dict | None) -> bool:
    """Whether `unit` is not assessed on `ind` (its group is outside the indicator's `groups`).

    The results dict's indicators do not (yet) carry `groups`; when they do, it decides. Otherwise a None
    score with no detail row means the unit's group is not assessed on it (the engine writes a detail row for
    every value read, and a unit outside the indicator's groups has none); a None score *with* a detail row is
    missing data, explained by the row's note."""
    score = (unit.get("indicators") or {}).get(ind.get("id"))
    if score is not None:
        return False
    groups = ind.get("groups")
    if groups is not None:
        return bool(groups) and unit.get("group") not in groups
    return detail is None


class _Node:
    """A category node of one top-level category: children in scheme order (indicators and sub-nodes)."""

    def __init__(self, path: tuple[str, ...]):
        self.path = path
        self.children: list[Any] = []   # dict (indicator) or _Node
        self.nodes: dict[str, _Node] = {}

    @property
    def key(self) -> str:
        return "/".join(self.path)


def _category_blocks(results: dict) -> list[tuple[dict, _Node]]:
    """(top-level category, its node tree) in scheme order. The tree is rebuilt from the indicators' category
    paths exactly as the scheme builds it (children in order of first appearance)."""
    indicators = list(results.get("indicators") or [])
    by_id = {i.get("id"): i for i in indicators}
    cats = [dict(c) for c in results.get("categories") or []]
    order: list[str] = []
    members: dict[str, list[dict]] = {}
    for c in cats:
        name = c.get("name") or (c.get("path") or [""])[0]
        c["name"] = name
        order.append(name)
        members[name] = [by_id[i] for i in c.get("indicators") or [] if i in by_id]
    listed = {i.get("id") for ms in members.values() for i in ms}
    for ind in indicators:  # any indicator no category lists (defensive): under its own top-level name
        if ind.get("id") in listed:
            continue
        top = (ind.get("category") or ["其他"])[0]
        if top not in members:
            order.append(top)
            members[top] = []
            cats.append({"name": top, "path": [top], "points": None})
        members[top].append(ind)
    by_name = {c["name"]: c for c in cats}
    blocks = []
    for name in order:
        root = _Node((name,))
        for ind in members[name]:
            path = tuple(ind.get("category") or (name,))
            node = root
            for depth in range(1, len(path)):
                sub = path[: depth + 1]
                key = "/".join(sub)
                if key not in node.nodes:
                    child = _Node(sub)
                    node.nodes[key] = child
                    node.children.append(child)
                node = node.nodes[key]
            node.children.append(ind)
        blocks.append((by_name[name], root))
    return blocks


# --------------------------------------------------------------------------------------------- one card
class _Layout:
    """Column positions of the card table."""

    def __init__(self, with_target: bool):
        cols = [
            ("seq", _Col("序号", "int", cap=6)),
            ("item", _Col("考核项目", "center", cap=_FIXED_WIDTHS["item"])),
            ("content", _Col("考核内容", "wrap", cap=_FIXED_WIDTHS["content"])),
            ("points", _Col("分值", "num", cap=8)),
            ("method", _Col("计分方法", "wrap", cap=_FIXED_WIDTHS["method"])),
            ("value", _Col("原始值", "num", cap=12)),
        ]
        if with_target:
            cols.append(("target", _Col("目标值", "num", cap=12)))
        cols += [
            ("score", _Col("得分", "score", cap=10)),
            ("source", _Col("数据来源", "wrap", cap=_FIXED_WIDTHS["source"])),
            ("note", _Col("说明", "wrap", cap=_FIXED_WIDTHS["note"])),
        ]
        self.columns = [c for _, c in cols]
        self.at = {k: i for i, (k, _) in enumerate(cols)}
        self.last = len(cols) - 1
        self.seq, self.item, self.content, self.points = (self.at[k] for k in ("seq", "item", "content", "points"))
        self.method, self.value, self.score = (self.at[k] for k in ("method", "value", "score"))
        self.source, self.note = self.at["source"], self.at["note"]
        self.target = self.at.get("target")
        self.fixed = {self.at[k]: w for k, w in _FIXED_WIDTHS.items()}
        self.total_width = sum(self.fixed.values()) + sum(c.cap for k, c in cols if k not in _FIXED_WIDTHS)


def _line_count(text: Any, width: float) -> int:
    """Estimated number of lines `text` wraps to in a column `width` characters wide (CJK counts 2)."""
    if text is None or text == "":
        return 1
    room = max(width - 2, 1)
    return sum(max(1, math.ceil(_text_width(line) / room)) for line in str(text).splitlines() or [""])


def _blank_row(sheet: _Sheet, row: int, cols: range) -> None:
    for c in cols:
        _put(sheet, row, c, None, "text")


def _write_card(sheet: _Sheet, results: dict, u: dict, blocks, lay: _Layout, details: dict) -> None:
    st: _CardStyles = sheet.st  # type: ignore[assignment]
    ws = sheet.ws
    a = _assessment(results)
    name = u.get("unit")
    unit_scores = u.get("indicators") or {}
    unit_tree = u.get("tree") or {}
    unit_cats = u.get("categories") or {}
    tree_points = {n.get("key") or "/".join(n.get("path") or []): n.get("points")
                   for n in results.get("category_tree") or []}

    ws.set_row(0, 36)
    _merge(sheet, 0, 0, lay.last, f"{a.get('title', '')}评分卡", st.title)
    ws.set_row(1, 24)
    _merge(sheet, 1, 0, lay.last, _unit_line(u, st.precision), st.unit_line)
    header = 2
    ws.set_row(header, 30)
    _write_header(sheet, header, lay.columns)
    r = header + 1
    lines: dict[int, int] = {}   # row -> estimated text lines

    def wrap(row: int, col: int, value: Any) -> None:
        _put(sheet, row, col, value, "wrap", cap=lay.fixed[col])
        lines[row] = max(lines.get(row, 1), _line_count(value, lay.fixed[col]))

    def line(row: int, text: str, fmt) -> None:
        _merge(sheet, row, 0, lay.last, text, fmt)
        lines[row] = max(lines.get(row, 1), _line_count(text, lay.total_width))

    def indicator_row(ind: dict, subpath: tuple[str, ...]) -> None:
        nonlocal r
        d = details.get((name, ind.get("id")))
        score = unit_scores.get(ind.get("id"))
        wrap(r, lay.content, _indicator_label(ind, subpath))
        _put(sheet, r, lay.points, ind.get("points"), "num")
        wrap(r, lay.method, _method_text(ind))
        _put(sheet, r, lay.value, d.get("value") if d else None, "num")
        if lay.target is not None:
            _put(sheet, r, lay.target, d.get("target") if d else None, "num")
        not_assessed = _not_assessed(ind, u, d)
        if not_assessed:
            _put(sheet, r, lay.score, NOT_ASSESSED, "center")
        else:
            _put(sheet, r, lay.score, score, "score")
        source = (d.get("source") or None) if d else None
        if d and d.get("target_source"):
            source = f"{source or ''}\n目标值：{d['target_source']}".strip()
        wrap(r, lay.source, source)
        note = (d.get("note") or None) if d else None
        if note is None and not_assessed and u.get("group"):
            note = f"“{u['group']}”不考核此项"
        wrap(r, lay.note, note)
        r += 1

    def subtotal_row(label: str, points: Any, score: Any, bold: bool) -> None:
        nonlocal r
        _put(sheet, r, lay.content, label, bold_kind("center", bold), cap=lay.fixed[lay.content])
        lines[r] = max(lines.get(r, 1), _line_count(label, lay.fixed[lay.content]))
        _put(sheet, r, lay.points, points, bold_kind("num", bold))
        _blank_row(sheet, r, range(lay.points + 1, lay.score))
        if score is None:
            _put(sheet, r, lay.score, NOT_ASSESSED, "center")
        else:
            _put(sheet, r, lay.score, score, bold_kind("score", bold))
        _blank_row(sheet, r, range(lay.score + 1, lay.last + 1))
        r += 1

    def node_rows(node: _Node) -> None:
        for child in node.children:
            if isinstance(child, _Node):
                node_rows(child)
                subtotal_row(f"小计（{' › '.join(child.path[1:])}）", tree_points.get(child.key),
                             unit_tree.get(child.key), bold=False)
            else:
                indicator_row(child, tuple((child.get("category") or [])[1:]))

    for seq, (cat, root) in enumerate(blocks, start=1):
        first = r
        node_rows(root)
        subtotal_row("小计", cat.get("points"), unit_cats.get(cat["name"]), bold=True)
        last = r - 1
        if last > first:
            ws.merge_range(first, lay.seq, last, lay.seq, "", st.cell("int"))
            ws.merge_range(first, lay.item, last, lay.item, "", st.item)
        ws.write_number(first, lay.seq, seq, st.cell("int"))
        ws.write_string(first, lay.item, str(cat["name"]), st.item)
        # the merged 考核项目 cell must hold the category name: grow its last row if the rows are too few
        need = _line_count(cat["name"], lay.fixed[lay.item])
        have = sum(lines.get(k, 1) for k in range(first, last + 1))
        if need > have:
            lines[last] = lines.get(last, 1) + need - have

    # components, capped adjustments, total: a label over the columns left of 得分
    def summary_row(label: str, score: Any, bold: bool = False, source: str | None = None,
                    note: str | None = None) -> None:
        nonlocal r
        fmt = st.label_bold if bold else st.label
        _merge(sheet, r, 0, lay.score - 1, label, fmt)
        _put(sheet, r, lay.score, score, bold_kind("score", bold))
        wrap(r, lay.source, source)
        wrap(r, lay.note, note)
        r += 1

    comps = u.get("components") or {}
    for comp in results.get("components") or []:
        cname = comp.get("name")
        bits = []
        if comp.get("raw_full") is not None and comp.get("full") is not None:
            bits.append(f"原始满分{_points_label(comp['raw_full'])}分，折合满分{_points_label(comp['full'])}分")
        elif comp.get("full") is not None:
            bits.append(f"满分{_points_label(comp['full'])}分")
        if comp.get("weight") is not None:
            bits.append(f"权重{_pct_label(comp['weight'])}")
        summary_row(f"{cname}" + (f"（{'，'.join(bits)}）" if bits else ""), comps.get(cname))

    registered = [x for x in results.get("adjustments") or [] if x.get("unit") == name]
    adjustments = u.get("adjustments") or {}
    for kind in results.get("adjustment_kinds") or []:
        rows = [x for x in registered if x.get("kind") == kind.get("name")]
        reasons = "；".join(
            str(x.get("reason")) + (f"（{x['department']}）" if x.get("department") else "")
            for x in rows if x.get("reason")) or None
        sources = "；".join(str(x["source"]) for x in rows if x.get("source")) or None
        summary_row(_adj_header(kind), _signed_adjustment(kind, adjustments.get(kind.get("name"))),
                    source=sources, note=reasons)
    summary_row("总分", u.get("total"), bold=True)

    if u.get("vetoed"):
        items = []
        for v in u.get("veto") or []:
            what = str(v.get("item") or "")
            why = "：".join(str(x) for x in (v.get("department"), v.get("reason")) if x)
            items.append(f"{what}（{why}）" if why and what else (what or why))
        line(r, "一票否决：" + ("；".join(i for i in items if i) or "是"), st.veto)
        r += 1
    if u.get("grade_note"):
        line(r, f"等次说明：{u['grade_note']}", st.note_line)
        r += 1
    if u.get("awards"):
        line(r, "获奖情况：" + "、".join(str(x) for x in u["awards"]), st.note_line)
        r += 1
    r += 1
    ws.set_row(r, 30)
    _merge(sheet, r, 0, lay.last, SIGNATURE, st.unit_line)
    for row, n in sorted(lines.items()):
        if n > 1:
            ws.set_row(row, n * _LINE_HEIGHT + 4)

    ws.repeat_rows(header)
    ws.freeze_panes(header + 1, 0)
    print_a4(ws, landscape=False)
    sheet.widths.apply(ws)
    for col, width in lay.fixed.items():
        ws.set_column(col, col, width)


# --------------------------------------------------------------------------------------------- entry point
def write_scorecards(results: dict, path: pathlib.Path) -> None:
    """Write 单位评分卡.xlsx to `path`: one score card per unit, in rank order (the caller handles atomic replace)."""
    wb, precision = open_workbook(results, path, "单位评分卡")
    st = _CardStyles(wb, precision)
    units = _units(results)  # already in rank order (docs/results-model.md)
    details: dict[tuple, dict] = {}
    for d in results.get("detail") or []:
        details.setdefault((d.get("unit"), d.get("indicator")), d)
    with_target = any(d.get("target") is not None for d in results.get("detail") or [])
    lay = _Layout(with_target)
    blocks = _category_blocks(results)
    names = safe_sheet_names([u.get("unit") for u in units])
    for u, sheet_name in zip(units, names):
        sheet = _Sheet(wb.add_worksheet(sheet_name), st, _Widths(precision))
        _write_card(sheet, results, u, blocks, lay, details)
    if not units:
        ws = wb.add_worksheet("评分卡")
        ws.write_string(0, 0, "无考核结果", st.plain_left)
    wb.close()
