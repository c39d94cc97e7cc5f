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
    一票否决：…   (when vetoed; then 评议结果 / 等次说明 / 获奖情况 lines when present)
    考核组长：＿＿＿　审核人：＿＿＿　被考核单位负责人：＿＿＿

Input is the typed `Results` (pipeline/results.py); like the summary workbook this module only formats what is
there (scores are published values, shown with ``assessment.precision`` as a number format) and never computes or
re-rounds a score. The category tree is `results.category_tree`; signs come from pipeline/labels.py; cell formats,
widths and safe writing from ``xlsx_base.py``: text is always written with ``write_string`` and the workbook is
opened with ``strings_to_formulas=False``, so a unit or note such as ``=1+1`` stays a literal string. Unit names only
ever become sheet names (made safe for Excel), never file paths.
"""

from __future__ import annotations

import math
import pathlib
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter

from .. import labels
from ..analysis import percent_text, score_text
from ..results import CategoryNode, DetailRow, IndicatorInfo, RatingsTrace, Results, SurveySummary, UnitResult
from .xlsx_base import (
    close_workbook,
    FONT,
    RED,
    Col,
    Sheet,
    Styles,
    Widths,
    adjustment_header,
    bold_kind,
    merge,
    open_workbook,
    pct_label,
    sources_text,
    FileKeys,
    print_table,
    wide_row,
    put,
    signed_adjustment,
    text_width,
    trim_number,
    write_header,
)

__all__ = ["write_scorecards", "SCORECARDS_XLSX", "safe_sheet_names"]

SCORECARDS_XLSX = "单位评分卡.xlsx"
SIGNATURE = "考核组长：＿＿＿　审核人：＿＿＿　被考核单位负责人：＿＿＿"
NOT_ASSESSED = "不考核"
CALC_NOTE = "注：各项得分的计算过程（计分参数、原始值、中间结果）见考核结果汇总表“明细”工作表的“计算过程”列。"
SEP = "　"  # full-width space between the fields of the unit line

# Characters Excel refuses in a sheet name -> a full-width look-alike (keeps the name readable).
_SHEET_CHARS = str.maketrans({"[": "［", "]": "］", ":": "：", "*": "＊", "?": "？", "/": "／", "\\": "＼"})
_SHEET_MAX = 31                # Excel's limit, in UTF-16 code units
_RESERVED_SHEETS = {"history"}  # Excel reserves "History"

# Wrapped text columns have fixed widths (the whole card must fit one landscape page wide at 9 pt); row heights are
# estimated from them, since neither xlsxwriter nor LibreOffice grows a row for wrapped text by itself.
NOTE_LINES = 3  # an adjustment's reasons longer than this in the 备注 column go to a line across the card
_FIXED_WIDTHS = {"item": 10, "content": 22, "method": 28, "source": 14, "note": 12}
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
class _CardStyles(Styles):
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
def _unit_line(u: UnitResult, precision: int, effect: str) -> str:
    parts = [f"被考核单位：{u.unit}"]
    if u.group:
        parts.append(f"分组：{u.group}")
    parts.append(f"总分：{u.total:.{max(precision, 0)}f}")  # formatting only: the total is already rounded
    parts.append(f"名次：{u.rank}")
    if u.grade:
        parts.append(f"等次：{labels.grade_shown(u, effect)}")
    return SEP.join(parts)


def _indicator_label(ind: IndicatorInfo, subpath: list[str]) -> str:
    text = f"{ind.id} {ind.name}".strip()
    if ind.unit and ind.unit != "分":
        text += f"（{ind.unit}）"
    if subpath:
        text = " › ".join(subpath) + "：" + text
    return text


def _method_text(ind: IndicatorInfo) -> str:
    return f"{ind.method_label}\n{ind.rule}" if ind.method_label and ind.rule else (ind.method_label or ind.rule)


def _not_assessed(ind: IndicatorInfo, unit: UnitResult) -> bool:
    """Whether `unit` is not assessed on `ind`: its group is outside the indicator's `groups` (empty = all)."""
    return unit.indicators[ind.id] is None and bool(ind.groups) and unit.group not in ind.groups


@dataclass
class _Block:
    """A category node of `results.category_tree` with its children (indicators and sub-nodes) in scheme order."""

    node: CategoryNode
    children: list[IndicatorInfo | _Block] = field(default_factory=list)


def _category_blocks(results: Results) -> list[_Block]:
    """The top-level nodes of `results.category_tree`, each with its children. A node's children are its sub-nodes
    (from the tree) and the indicators whose category is the node, ordered as the scheme lists them: by the first
    indicator each stands for in `results.indicators`."""
    blocks = {tuple(n.path): _Block(n) for n in results.category_tree}
    first: dict[tuple[str, ...], int] = {}
    for i, ind in enumerate(results.indicators):
        blocks[tuple(ind.category)].children.append(ind)
        for k in range(1, len(ind.category) + 1):
            first.setdefault(tuple(ind.category[:k]), i)
    for n in results.category_tree:
        if len(n.path) > 1:
            blocks[tuple(n.path[:-1])].children.append(blocks[tuple(n.path)])
    position = {ind.id: i for i, ind in enumerate(results.indicators)}
    for b in blocks.values():
        b.children.sort(key=lambda c: first[tuple(c.node.path)] if isinstance(c, _Block) else position[c.id])
    return [blocks[tuple(n.path)] for n in results.category_tree if len(n.path) == 1]


# --------------------------------------------------------------------------------------------- one card
class _Layout:
    """Column positions of the card table."""

    def __init__(self, with_target: bool, periods: list[tuple[str, str]] = ()):
        """`periods`: (component, period) of every periodic check (定期考核), a score column each before 得分."""
        cols = [
            ("seq", Col("序号", "int", cap=6)),
            ("item", Col("考核项目", "center", cap=_FIXED_WIDTHS["item"])),
            ("content", Col("考核内容", "wrap", cap=_FIXED_WIDTHS["content"])),
            ("points", Col("分值", "num", cap=8)),
            ("method", Col("计分方法", "wrap", cap=_FIXED_WIDTHS["method"])),
            ("value", Col("原始值", "num", cap=12)),
        ]
        if with_target:
            cols.append(("target", Col("目标值", "num", cap=12)))
        cols += [(f"period:{k}", Col(f"{p}得分", "score", cap=10)) for k, (_, p) in enumerate(periods)]
        cols += [
            ("score", Col("得分", "score", cap=10)),
            ("source", Col("数据来源", "wrap", cap=_FIXED_WIDTHS["source"])),
            ("note", Col("说明", "wrap", cap=_FIXED_WIDTHS["note"])),
        ]
        self.columns = [c for _, c in cols]
        self.at = {k: i for i, (k, _) in enumerate(cols)}
        self.last = len(cols) - 1
        self.seq, self.item, self.content, self.points = (self.at[k] for k in ("seq", "item", "content", "points"))
        self.method, self.value, self.score = (self.at[k] for k in ("method", "value", "score"))
        self.source, self.note = self.at["source"], self.at["note"]
        self.target = self.at.get("target")
        self.periods = [(comp, period, self.at[f"period:{k}"]) for k, (comp, period) in enumerate(periods)]
        self.fixed = {self.at[k]: w for k, w in _FIXED_WIDTHS.items()}
        self.total_width = sum(self.fixed.values()) + sum(c.cap for k, c in cols if k not in _FIXED_WIDTHS)


def _line_count(text: Any, width: float) -> int:
    """Estimated number of lines `text` wraps to in a column `width` characters wide (CJK counts 2)."""
    if text is None or text == "":
        return 1
    room = max(width - 2, 1)
    return sum(max(1, math.ceil(text_width(line) / room)) for line in str(text).splitlines() or [""])


def _blank_row(sheet: Sheet, row: int, cols: range) -> None:
    for c in cols:
        put(sheet, row, c, None, "text")


def _component_label(comp) -> str:
    """指标考核（满分100分，权重60%） or, on a converted scale, （原始满分1500分，折合满分1000分，权重…）."""
    full = trim_number(comp.full)
    scale = f"原始满分{trim_number(comp.raw_full)}分，折合满分{full}分" if comp.raw_full is not None else f"满分{full}分"
    return f"{comp.name}（{scale}）" if comp.weight == 1 else f"{comp.name}（{scale}，权重{pct_label(comp.weight)}）"


def _veto_line(u: UnitResult) -> str:
    items = []
    for v in u.veto:
        why = "：".join(x for x in (v.department, v.reason) if x)
        item = f"{v.item}（{why}）" if why and v.item else (v.item or why)
        items.append(f"{item}，登记于 {v.source}" if v.source else item)
    return "一票否决：" + ("；".join(i for i in items if i) or "是")


def _ratings_line(name: str, trace: RatingsTrace) -> str:
    """班子成员评分：书记 89、镇长 90（去掉最高分）…；计入 2 个评分，平均 84.5."""
    each = "、".join(f"{r.rater} {trim_number(r.score)}" + (f"（{r.note}）" if r.note else "") for r in trace.ratings)
    mean = "" if trace.mean is None else f"，平均 {trim_number(trace.mean)}"
    return f"{name}：{each or '无评分'}；计入 {trace.counted} 个评分{mean}"


def _growth_line(name: str, g) -> str:
    """发展指数：G1 招商引资额 本年 130（…!C5）、上年 100（…!D5），s 1.3、a 1.1；…；指数 107.32（最好 …、最差 …），得分 …"""
    items = "；".join(f"{i.item} {i.name} 本年 {trim_number(i.value)}（{i.value_source}）、上年 {trim_number(i.last)}"
                     f"（{i.last_source}），s {trim_number(i.self_index)}、a {trim_number(i.mean_index)}" for i in g.items)
    score = "—" if g.score is None else trim_number(g.score)
    return (f"{name}：{items}；综合指数 {trim_number(g.index)}（最好 {trim_number(g.best)}、最差 {trim_number(g.worst)}），"
            f"得分 {score}")


def _survey_line(s: SurveySummary, precision: int) -> str:
    """评议结果：满意 120、基本满意 30、不满意 6、不了解 4；满意率（满意+基本满意）96.15%；评议得分 90.12."""
    counts = "、".join(f"{ch} {n}" for ch, n in s.counts.items())
    return (f"评议结果：{counts}；满意率（{'+'.join(s.satisfied)}）{percent_text(s.satisfaction_rate, 2)}；"
            f"评议得分 {score_text(s.score, precision)}")


def _grade_line(u: UnitResult) -> str:
    """等次说明, with the register cells behind a 一票否优."""
    sources = sources_text([g.source for g in u.grade_limits if g.source])
    return f"等次说明：按总分为“{u.grade_by_total}”；{u.grade_note}" + (f"（依据：{sources}）" if sources else "")


def _period_of(u: UnitResult, component: str, period: str):
    return next(p for p in u.periods[component] if p.period == period)


def _write_card(sheet: Sheet, results: Results, u: UnitResult, blocks: list[_Block], lay: _Layout,
                details: dict[tuple[str, str], DetailRow]) -> None:
    st: _CardStyles = sheet.st  # type: ignore[assignment]
    ws = sheet.ws

    ws.set_row(0, 36)
    wide_row(sheet, 0, (f"{results.assessment.title}评分卡{labels.status_mark(results.run.status)}", st.title))
    ws.set_row(1, 24)
    wide_row(sheet, 1, (_unit_line(u, st.precision, results.veto.effect), st.unit_line))
    header = 2
    ws.set_row(header, 30)
    write_header(sheet, header, lay.columns)
    r = header + 1
    lines: dict[int, int] = {}   # row -> estimated text lines
    keys = FileKeys()  # the 数据来源 column names each return file by a key, explained once under the table

    def wrap(row: int, col: int, value: Any) -> None:
        put(sheet, row, col, value, "wrap", cap=lay.fixed[col])
        lines[row] = max(lines.get(row, 1), _line_count(value, lay.fixed[col]))

    def line(row: int, text: str, fmt) -> None:
        wide_row(sheet, row, (text, fmt))
        lines[row] = max(lines.get(row, 1), _line_count(text, lay.total_width))

    def indicator_row(ind: IndicatorInfo) -> None:
        nonlocal r
        d = details.get((u.unit, ind.id))  # no row: the unit is not assessed on it
        wrap(r, lay.content, _indicator_label(ind, ind.category[1:]))
        put(sheet, r, lay.points, ind.points, "num")
        wrap(r, lay.method, _method_text(ind))
        put(sheet, r, lay.value, d.value if d else None, "num")
        if lay.target is not None:
            put(sheet, r, lay.target, d.target if d else None, "num")
        not_assessed = _not_assessed(ind, u)
        for comp, period, col in lay.periods:
            put(sheet, r, col, None if not_assessed else _period_of(u, comp, period).indicators[ind.id], "score")
        if not_assessed:
            put(sheet, r, lay.score, NOT_ASSESSED, "center")
        else:
            put(sheet, r, lay.score, u.indicators[ind.id], "score")
        source = keys.short(d.source or None) if d else None
        if d and d.target_source:
            source = f"{source or ''}\n目标值：{keys.short(d.target_source)}".strip()
        wrap(r, lay.source, source)
        note = (d.note or None) if d else None
        if note is None and not_assessed and u.group:
            note = f"“{u.group}”不考核此项"
        wrap(r, lay.note, note)
        r += 1

    def subtotal_row(label: str, points: float, score: float | None, bold: bool, category: str | None = None) -> None:
        nonlocal r
        put(sheet, r, lay.content, label, bold_kind("center", bold), cap=lay.fixed[lay.content])
        lines[r] = max(lines.get(r, 1), _line_count(label, lay.fixed[lay.content]))
        put(sheet, r, lay.points, points, bold_kind("num", bold))
        _blank_row(sheet, r, range(lay.points + 1, lay.score))
        for comp, period, col in lay.periods:  # a top-level category's period subtotal
            got = _period_of(u, comp, period).categories.get(category) if category else None
            put(sheet, r, col, got, bold_kind("score", bold))
        if score is None:
            put(sheet, r, lay.score, NOT_ASSESSED, "center")
        else:
            put(sheet, r, lay.score, score, bold_kind("score", bold))
        _blank_row(sheet, r, range(lay.score + 1, lay.last + 1))
        r += 1

    def node_rows(block: _Block) -> None:
        for child in block.children:
            if isinstance(child, _Block):
                node_rows(child)
                # a sub-node none of whose indicators the unit's group is assessed on is absent from its tree
                subtotal_row(f"小计（{' › '.join(child.node.path[1:])}）", child.node.points,
                             u.tree.get(child.node.key), bold=False)
            else:
                indicator_row(child)

    for seq, block in enumerate(blocks, start=1):
        cat = block.node
        first = r
        node_rows(block)
        subtotal_row("小计", cat.points, u.categories[cat.name], bold=True, category=cat.name)
        last = r - 1
        if last > first:
            ws.merge_range(first, lay.seq, last, lay.seq, "", st.cell("int"))
            ws.merge_range(first, lay.item, last, lay.item, "", st.item)
        ws.write_number(first, lay.seq, seq, st.cell("int"))
        ws.write_string(first, lay.item, cat.name, st.item)
        # the merged 考核项目 cell must hold the category name: grow its last row if the rows are too few
        need = _line_count(cat.name, lay.fixed[lay.item])
        have = sum(lines.get(k, 1) for k in range(first, last + 1))
        if need > have:
            lines[last] = lines.get(last, 1) + need - have

    # components, capped adjustments, total: a label over the columns left of 得分
    def summary_row(label: str, score: float | None, bold: bool = False, source: str | None = None,
                    note: str | None = None) -> None:
        nonlocal r
        merge(sheet, r, 0, lay.score - 1, label, st.label_bold if bold else st.label)
        put(sheet, r, lay.score, score, bold_kind("score", bold))
        wrap(r, lay.source, source)
        wrap(r, lay.note, note)
        r += 1

    for comp in results.components:
        summary_row(_component_label(comp), u.components[comp.name])

    registered = [x for x in results.adjustments if x.unit == u.unit]
    long_reasons = []  # reasons too long for the 备注 cell: a line of their own under the total
    for kind in results.adjustment_kinds:
        rows = [x for x in registered if x.kind == kind.name]
        reasons = "；".join(x.reason + (f"（{x.department}）" if x.department else "")
                           for x in rows if x.reason) or None
        sources = sources_text([keys.short(x.source) for x in rows if x.source]) or None
        if reasons and _line_count(reasons, lay.fixed[lay.note]) > NOTE_LINES:
            long_reasons.append(f"{kind.name}事由：{reasons}")
            reasons = "见下"
        summary_row(adjustment_header(kind), signed_adjustment(kind, u.adjustments[kind.name]),
                    source=sources, note=reasons)
    summary_row("总分", u.total, bold=True)
    for text in long_reasons:
        line(r, text, st.note_line)
        r += 1

    for name, trace in u.ratings.items():
        line(r, _ratings_line(name, trace), st.note_line)
        r += 1
    for name, g in u.growth.items():
        line(r, _growth_line(name, g), st.note_line)
        r += 1
    if u.vetoed:
        line(r, _veto_line(u), st.veto)
        r += 1
    if u.survey is not None:
        line(r, _survey_line(u.survey, results.assessment.precision), st.note_line)
        r += 1
    if u.grade_note:
        line(r, _grade_line(u), st.note_line)
        r += 1
    if u.targets:
        line(r, "目标完成：" + "；".join(labels.target_text(t) for t in u.targets), st.note_line)
        r += 1
    if u.awards:  # a vetoed unit's card says so on its 一票否决 line
        line(r, "获奖情况：" + "、".join(u.awards), st.note_line)
        r += 1
    if keys.files:
        line(r, "数据来源：" + keys.legend(), st.note_line)
        r += 1
    if results.detail:  # the card stays one A4 page: each score's 计算过程 is on 明细 (and in results.json)
        line(r, CALC_NOTE, st.note_line)
        r += 1
    r += 1
    ws.set_row(r, 30)
    wide_row(sheet, r, (SIGNATURE, st.unit_line))
    for row, n in sorted(lines.items()):
        if n > 1:
            ws.set_row(row, n * _LINE_HEIGHT + 4)

    ws.freeze_panes(header + 1, 0)
    # landscape, never below 9 pt (ten columns at 11 pt would print at 7 pt on a portrait page): every page of a card
    # repeats its title, unit line and header; a card too wide (a column per 考核期) prints in column groups
    for col, width in lay.fixed.items():
        sheet.widths.width[col], sheet.widths.cap[col] = width - 2, width
    sheet.header, sheet.titled, sheet.key_cols = (0, header), True, lay.content + 1
    sheet.key_labels = ["序号", "考核项目", "考核内容"][:sheet.key_cols]
    print_table(sheet, f"{results.assessment.title}评分卡·{u.unit}", landscape=True)


# --------------------------------------------------------------------------------------------- entry point
def write_scorecards(results: Results, path: pathlib.Path) -> None:
    """Write 单位评分卡.xlsx to `path`: one score card per unit, in rank order (the caller handles atomic replace)."""
    wb, st = open_workbook(results.assessment, results.run.generated_at, path, "单位评分卡", styles=_CardStyles)
    details: dict[tuple[str, str], DetailRow] = {}
    for d in results.detail:
        if not d.period:  # the year-end's trace; the periods' scores have their own columns
            details.setdefault((d.unit, d.indicator), d)
    lay = _Layout(with_target=any(d.target is not None for d in results.detail),
                  periods=[(c.name, p) for c in results.components if c.kind == "periods" for p in c.periods])
    blocks = _category_blocks(results)
    names = safe_sheet_names([u.unit for u in results.units])  # units are in rank order
    for u, sheet_name in zip(results.units, names):
        _write_card(Sheet(wb.add_worksheet(sheet_name), st, Widths(st.precision)), results, u, blocks, lay, details)
    if not results.units:
        wb.add_worksheet("评分卡").write_string(0, 0, "无考核结果", st.plain_left)
    close_workbook(wb, results.assessment, "单位评分卡")
