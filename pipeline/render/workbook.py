"""Official summary workbook (考核结果汇总表.xlsx), written with xlsxwriter.

Input is the plain results dict described in docs/results-model.md. This module only formats: it never computes
or re-rounds a score. Every sheet is written by one small function; they share three helpers:

* ``_Styles``   - cached cell formats keyed by (kind, red), all derived from ``assessment.precision``;
* ``_Widths``   - CJK-aware column width tracking (a CJK character counts as 2);
* ``_write_table`` - a header block (the columns' headings, any number of levels, merged over the columns they
  span) followed by the body rows.

Text is always written with ``write_string`` and numbers with ``write_number``; the workbook is opened with
``strings_to_formulas=False`` as well, so a value such as ``=HYPERLINK(...)`` stays a literal string.
"""

from __future__ import annotations

import datetime as _dt
import math
import pathlib
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import xlsxwriter

from . import reproducible

__all__ = ["write_summary_workbook", "SHEET_NAMES"]

SHEET_NAMES = (
    "汇总表", "指标得分", "明细", "公众评议", "加减分", "奖项", "数据问题", "方法说明", "运行信息", "图表",
)

FONT = "宋体"
SIGNATURE = "考核组长：__________    审核人：__________    制表人：__________"
RED = "#C00000"
GRADE_PALETTE = ("#70AD47", "#4472C4", "#FFC000", "#ED7D31", "#C00000", "#7030A0", "#264478", "#9E480E")
NO_GRADE_COLOUR = "#A5A5A5"
KIND_LABELS = {"indicators": "按指标计分", "survey": "满意度测评"}
SIGN_LABELS = {"bonus": "加分", "deduction": "扣分"}

BOLD = "b:"  # prefix of a cell kind: its bold variant (subtotal and total rows)


def bold_kind(kind: str, bold: bool = True) -> str:
    return BOLD + kind if bold else kind


# Body cell kinds -> (number format or None, horizontal alignment, wrap)
_KINDS: dict[str, tuple[str | None, str, bool]] = {
    "text": (None, "left", False),
    "center": (None, "center", False),
    "wrap": (None, "left", True),
    "score": ("<precision>", "right", False),
    "int": ("0", "center", False),
    "num": ("General", "right", False),
    "q4": ("0.0000", "right", False),
    "pct": ("0.00%", "right", False),
    "pct0": ("0%", "right", False),
    "money": ("#,##0", "right", False),
}


# --------------------------------------------------------------------------------------------- shared helpers
def _text_width(text: str) -> float:
    """Display width of `text` in Excel character units: wide (CJK) characters count as 2."""
    best = 0.0
    for line in str(text).splitlines() or [""]:
        w = 0.0
        for ch in line:
            w += 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1
        best = max(best, w)
    return best


def _score_format(precision: int) -> str:
    return "0" if precision <= 0 else "0." + "0" * precision


def _trim_number(value: float) -> str:
    """10.0 -> '10', 2.5 -> '2.5' (labels only, never cell values)."""
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _pct_label(weight: float | None) -> str:
    return "" if weight is None else _trim_number(float(weight) * 100) + "%"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _date_label(generated_at: Any) -> str:
    """'2026-01-15 09:30:00' -> '2026年1月15日'; anything unparsable is shown as its date part."""
    if not generated_at:
        return ""
    part = str(generated_at).strip().split(" ")[0].split("T")[0]
    try:
        d = _dt.date.fromisoformat(part)
    except ValueError:
        return part
    return f"{d.year}年{d.month}月{d.day}日"


class _Styles:
    """All cell formats of one workbook, created lazily and cached."""

    def __init__(self, wb: xlsxwriter.Workbook, precision: int):
        self._wb = wb
        self.precision = precision
        self.score_format = _score_format(precision)
        self._cache: dict[tuple, Any] = {}
        self.title = wb.add_format({"font_name": FONT, "bold": True, "font_size": 18,
                                    "align": "center", "valign": "vcenter"})
        self.section = wb.add_format({"font_name": FONT, "bold": True, "font_size": 12})
        self.plain_left = wb.add_format({"font_name": FONT, "font_size": 11, "align": "left", "valign": "vcenter"})
        self.plain_right = wb.add_format({"font_name": FONT, "font_size": 11, "align": "right", "valign": "vcenter"})
        self.note = wb.add_format({"font_name": FONT, "font_size": 10, "align": "left", "valign": "top",
                                   "text_wrap": True})
        self.header = wb.add_format({"font_name": FONT, "bold": True, "font_size": 11, "align": "center",
                                     "valign": "vcenter", "text_wrap": True, "border": 1, "bg_color": "#F2F2F2"})

    def cell(self, kind: str, red: bool = False):
        """The format of a table cell of `kind` (see _KINDS); a kind prefixed with BOLD is its bold variant."""
        key = (kind, red)
        if key not in self._cache:
            bold = kind.startswith(BOLD)
            num_format, align, wrap = _KINDS[kind.removeprefix(BOLD)]
            props: dict[str, Any] = {"font_name": FONT, "font_size": 11, "border": 1, "bold": bold,
                                     "align": align, "valign": "vcenter", "text_wrap": wrap}
            if num_format:
                props["num_format"] = self.score_format if num_format == "<precision>" else num_format
            if red:
                props["font_color"] = RED
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]

    def fill(self, colour: str):
        key = ("fill", colour)
        if key not in self._cache:
            self._cache[key] = self._wb.add_format({"font_name": FONT, "font_size": 11, "border": 1,
                                                    "align": "center", "bg_color": colour})
        return self._cache[key]


class _Widths:
    """Column widths of one sheet: widest content seen, clamped per column, applied once at the end."""

    def __init__(self, precision: int):
        self.precision = precision
        self.width: dict[int, float] = {}
        self.cap: dict[int, float] = {}

    def display(self, value: Any, kind: str) -> str:
        if not _is_number(value):
            return "" if value is None else str(value)
        if kind == "score":
            return f"{value:.{max(self.precision, 0)}f}"
        if kind in ("pct", "pct0"):
            return f"{value * 100:.2f}%"
        if kind == "money":
            return f"{value:,.0f}"
        if kind == "q4":
            return f"{value:.4f}"
        return f"{value:g}"

    def see(self, col: int, text: Any, cap: float | None = None) -> None:
        if cap is not None:
            self.cap[col] = min(self.cap.get(col, cap), cap)
        self.width[col] = max(self.width.get(col, 0.0), _text_width("" if text is None else str(text)))

    def final(self, col: int, minimum: float = 6) -> float:
        """The width `apply` gives column `col`."""
        return max(minimum, min(self.width.get(col, 0.0) + 2, self.cap.get(col, 60)))

    def apply(self, ws, minimum: float = 6) -> None:
        for col in sorted(self.width):
            ws.set_column(col, col, self.final(col, minimum))


@dataclass(frozen=True)
class _Col:
    label: str
    kind: str = "text"
    # Heading(s) above the label, merged over consecutive columns with the same headings: a str for one level,
    # a tuple for several (top level first, e.g. ("组织考评（50分）", "职能目标（30分）")).
    group: str | tuple[str, ...] | None = None
    cap: float = 40            # maximum column width

    @property
    def headings(self) -> tuple[str, ...]:
        if not self.group:
            return ()
        return (self.group,) if isinstance(self.group, str) else tuple(self.group)


@dataclass
class _Sheet:
    ws: Any
    st: _Styles
    widths: _Widths


def _put(sheet: _Sheet, row: int, col: int, value: Any, kind: str = "text", red: bool = False,
         cap: float | None = None) -> None:
    """Write one value: None -> blank, number -> number, anything else -> literal string."""
    fmt = sheet.st.cell(kind, red)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        sheet.ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.ws.write_string(row, col, "是" if value else "否", fmt)
    elif _is_number(value):
        sheet.ws.write_number(row, col, value, fmt)
    else:
        sheet.ws.write_string(row, col, str(value), fmt)
    sheet.widths.see(col, sheet.widths.display(value, kind), cap)


def _merge_block(sheet: _Sheet, first_row: int, first_col: int, last_row: int, last_col: int, text: str,
                 fmt) -> None:
    """`text` in the block first_row..last_row x first_col..last_col, merged when it is more than one cell."""
    if last_row > first_row or last_col > first_col:
        sheet.ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
    sheet.ws.write_string(first_row, first_col, text, fmt)


def _merge(sheet: _Sheet, row: int, first_col: int, last_col: int, text: str, fmt) -> None:
    _merge_block(sheet, row, first_col, row, last_col, text, fmt)


def _header_depth(columns: Sequence[_Col]) -> int:
    """Rows of the header block: one per heading level, plus the label row."""
    return 1 + max((len(c.headings) for c in columns), default=0)


def _write_header(sheet: _Sheet, row: int, columns: Sequence[_Col], col0: int = 0) -> int:
    """Write a header block at `row` and return the number of rows used (`_header_depth`).

    Heading level k is row `row + k`; a heading is merged over the consecutive columns whose headings agree up to
    and including that level (so a second-level heading never spans two first-level ones). Labels sit on the last
    row and reach up to just below their column's lowest heading: a column without headings spans the whole block.
    """
    fmt = sheet.st.header
    heads = [c.headings for c in columns]
    depth = _header_depth(columns)
    for level in range(depth - 1):
        i = 0
        while i < len(columns):
            if len(heads[i]) <= level:
                i += 1
                continue
            key = heads[i][:level + 1]
            j = i
            while j + 1 < len(columns) and heads[j + 1][:level + 1] == key:
                j += 1
            _merge(sheet, row + level, col0 + i, col0 + j, key[-1], fmt)
            if j == i:
                sheet.widths.see(col0 + i, key[-1], columns[i].cap)
            i = j + 1
    for k, (c, h) in enumerate(zip(columns, heads)):
        _merge_block(sheet, row + len(h), col0 + k, row + depth - 1, col0 + k, c.label, fmt)
        sheet.widths.see(col0 + k, c.label, c.cap)
    return depth


def _write_table(sheet: _Sheet, row: int, columns: Sequence[_Col], rows: Iterable[Sequence[Any]], *,
                 red: Sequence[bool] | None = None, empty_text: str | None = "无") -> tuple[int, int]:
    """Header + body at `row`. Returns (first body row, next free row)."""
    first = row + _write_header(sheet, row, columns)
    r = first
    for n, values in enumerate(rows):
        is_red = bool(red[n]) if red is not None else False
        for c, (column, value) in enumerate(zip(columns, values)):
            _put(sheet, r, c, value, column.kind, is_red, column.cap)
        r += 1
    if r == first and empty_text is not None:
        _merge(sheet, r, 0, len(columns) - 1, empty_text, sheet.st.cell("center"))
        r += 1
    return first, r


def _section(sheet: _Sheet, row: int, text: str) -> int:
    sheet.ws.write_string(row, 0, text, sheet.st.section)
    return row + 1


def _new_sheet(wb, st: _Styles, name: str) -> _Sheet:
    return _Sheet(wb.add_worksheet(name), st, _Widths(st.precision))


# --------------------------------------------------------------------------------------------- model accessors
def _assessment(results: dict) -> dict:
    return results.get("assessment") or {}


def _units(results: dict) -> list[dict]:
    return list(results.get("units") or [])


def _adj_header(kind: dict) -> str:
    cap = kind.get("cap")
    return f"{kind['name']}（上限{_trim_number(cap)}分）" if cap is not None else str(kind["name"])


def _signed_adjustment(kind: dict, value: Any) -> Any:
    """Capped adjustments are stored positive; deductions are shown as negative numbers."""
    if not _is_number(value):
        return value
    return -value if (kind.get("sign") == "deduction" and value) else value


def _category_label(cat: dict) -> str:
    pts = cat.get("points")
    return f"{cat['name']}（{_trim_number(pts)}分）" if pts is not None else str(cat["name"])


def _grade_colours(results: dict) -> dict[str, str]:
    """Grade name -> fill colour: scheme grades from best to worst, then any other grade seen on a unit."""
    names: list[str] = []
    grades = sorted(results.get("grades") or [], key=lambda g: -(g.get("min") or 0))
    for g in grades:
        if g.get("name") and g["name"] not in names:
            names.append(g["name"])
    for u in _units(results):
        if u.get("grade") and u["grade"] not in names:
            names.append(u["grade"])
    return {n: GRADE_PALETTE[i % len(GRADE_PALETTE)] for i, n in enumerate(names)}


# --------------------------------------------------------------------------------------------- 汇总表
@dataclass
class _SummaryLayout:
    first_row: int          # first unit row (0-based)
    last_row: int           # last unit row
    unit_col: int
    total_col: int
    label_row: int          # header row holding the category labels
    cat_cols: tuple[int, int] | None  # first/last category column, if any


def component_head(comp: dict) -> str:
    """A component's column heading: 指标考核（权重50%）."""
    name = comp["name"]
    return f"{name}（权重{_pct_label(comp.get('weight'))}）" if comp.get("weight") is not None else name


def add_adjustment_columns(results: dict, cols: list, getters: list) -> None:
    """One signed column per adjustment kind under a 加减分 heading (deductions shown negative)."""
    for kind in results.get("adjustment_kinds") or []:
        cols.append(_Col(_adj_header(kind), "score", "加减分", cap=14))
        getters.append(lambda u, k=kind: _signed_adjustment(k, (u.get("adjustments") or {}).get(k["name"])))


def _summary_columns(results: dict) -> tuple[list[_Col], list]:
    """Columns of the official table plus, per column, a getter unit -> displayed value."""
    cols: list[_Col] = [_Col("名次", "int", cap=6), _Col("单位", "center", cap=24), _Col("分组", "center", cap=14)]
    getters: list = [lambda u: u.get("rank"), lambda u: u.get("unit"), lambda u: u.get("group")]
    categories_done = False
    for comp in results.get("components") or []:
        name = comp["name"]
        head = component_head(comp)
        if comp.get("kind") == "indicators" and not categories_done:
            categories_done = True
            for cat in results.get("categories") or []:
                cols.append(_Col(_category_label(cat), "score", head, cap=14))
                getters.append(lambda u, k=cat["name"]: (u.get("categories") or {}).get(k))
            cols.append(_Col("小计", "score", head, cap=14))
        else:
            cols.append(_Col(head, "score", cap=14))
        getters.append(lambda u, k=name: (u.get("components") or {}).get(k))
    add_adjustment_columns(results, cols, getters)
    cols += [_Col("总分", "score", cap=12), _Col("分组名次", "int", cap=8), _Col("等次", "center", cap=10),
             _Col("一票否决", "center", cap=8), _Col("获奖情况", "wrap", cap=30)]
    getters += [lambda u: u.get("total"), lambda u: u.get("group_rank"), lambda u: u.get("grade"),
                lambda u: "是" if u.get("vetoed") else "否", lambda u: "、".join(u.get("awards") or []) or None]
    return cols, getters


def _veto_note(results: dict) -> str:
    parts = []
    for u in _units(results):
        if not u.get("vetoed"):
            continue
        items = "；".join("、".join(str(x) for x in (v.get("item"), v.get("reason")) if x) for v in u.get("veto") or [])
        parts.append(f"{u.get('unit')}（{items}）" if items else str(u.get("unit")))
    return "注：红色字体为一票否决单位：" + "；".join(parts) + "。" if parts else ""


def _gap_note(results: dict) -> str:
    """Units whose total includes indicators scored without data, as the scheme's `missing` allows."""
    parts = []
    for u in _units(results):
        gaps = u.get("gaps") or []
        if gaps:
            parts.append(f"{u.get('unit')}（" + "；".join(f"{g['indicator']} {g['policy']}" for g in gaps) + "）")
    return "注：下列单位有指标缺数据，已按考核方案处理：" + "；".join(parts) + "。" if parts else ""


def print_a4(ws, landscape: bool, side: float = 0.4, top: float = 0.6, bottom: float = 0.7) -> None:
    """The print setup every official table shares: A4, one page wide, centred, "第 N 页 共 M 页" footer."""
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=side, right=side, top=top, bottom=bottom)
    ws.set_footer("&C第 &P 页 共 &N 页")


def title_block(sheet: _Sheet, results: dict, last_col: int, suffix: str) -> None:
    """Rows 1-2 of an official table: the title, then 制表单位 (left) and 制表日期 (right)."""
    a = _assessment(results)
    sheet.ws.set_row(0, 36)
    _merge(sheet, 0, 0, last_col, f"{a.get('title', '')}{suffix}", sheet.st.title)
    mid = max(1, (last_col + 1) // 2)
    _merge(sheet, 1, 0, mid - 1, f"制表单位：{a.get('organizer', '')}", sheet.st.plain_left)
    _merge(sheet, 1, mid, last_col, f"制表日期：{_date_label((results.get('run') or {}).get('generated_at'))}",
           sheet.st.plain_right)


def _sheet_summary(wb, st: _Styles, results: dict) -> _SummaryLayout:
    sheet = _new_sheet(wb, st, "汇总表")
    ws = sheet.ws
    columns, getters = _summary_columns(results)
    last_col = len(columns) - 1
    units = _units(results)

    title_block(sheet, results, last_col, "结果汇总表")
    ws.set_row(2, 30)
    ws.set_row(3, 30)
    rows = [[g(u) for g in getters] for u in units]
    first, end = _write_table(sheet, 2, columns, rows, red=[bool(u.get("vetoed")) for u in units],
                              empty_text="无考核结果")

    r = end
    for note in (_veto_note(results), _gap_note(results)):
        if note:
            ws.set_row(r, 30)
            _merge(sheet, r, 0, last_col, note, st.note)
            r += 1
    r += 1
    _merge(sheet, r, 0, last_col, SIGNATURE, st.plain_left)

    ws.freeze_panes(first, 2)
    ws.repeat_rows(2, first - 1)
    print_a4(ws, landscape=True)
    sheet.widths.apply(ws)

    labels = [c.label for c in columns]
    cat_cols = None
    n_cats = len(results.get("categories") or [])
    if n_cats and "小计" in labels:
        sub = labels.index("小计")
        cat_cols = (sub - n_cats, sub - 1)
    return _SummaryLayout(first_row=first, last_row=first + len(units) - 1, unit_col=1,
                          total_col=labels.index("总分"), label_row=first - 1, cat_cols=cat_cols)


# --------------------------------------------------------------------------------------------- 指标得分
def _indicator_headings(results: dict) -> dict[str, tuple[str, ...]]:
    """Indicator id -> the labels of its category path, top level first (一级 › 二级 › …), each with its points.

    Nodes come from `category_tree` (every node of the scheme's tree), falling back to the top-level `categories`;
    a path node found in neither is shown by its name alone, and an indicator without a category under “其他”.
    """
    nodes: dict[tuple[str, ...], dict] = {}
    for node in list(results.get("category_tree") or []) + list(results.get("categories") or []):
        nodes.setdefault(tuple(node.get("path") or [node["name"]]), node)
    out: dict[str, tuple[str, ...]] = {}
    for ind in results.get("indicators") or []:
        path = tuple(ind.get("category") or ())
        if not path:
            out[ind["id"]] = ("其他",)
            continue
        out[ind["id"]] = tuple(_category_label(nodes[path[:k]]) if path[:k] in nodes else str(path[k - 1])
                               for k in range(1, len(path) + 1))
    return out


def _sheet_indicator_scores(wb, st: _Styles, results: dict) -> None:
    sheet = _new_sheet(wb, st, "指标得分")
    headings = _indicator_headings(results)
    indicators = list(results.get("indicators") or [])
    columns = [_Col("名次", "int", cap=6), _Col("单位", "center", cap=24), _Col("分组", "center", cap=14)]
    for ind in indicators:
        pts = ind.get("points")
        label = f"{ind['id']} {ind.get('name', '')}" + (f"（{_trim_number(pts)}分）" if pts is not None else "")
        columns.append(_Col(label, "score", headings[ind["id"]], cap=16))
    units = _units(results)
    rows = [[u.get("rank"), u.get("unit"), u.get("group")]
            + [(u.get("indicators") or {}).get(ind["id"]) for ind in indicators] for u in units]
    sheet.ws.set_row(_header_depth(columns) - 1, 45)  # the indicator label row
    first, _ = _write_table(sheet, 0, columns, rows, red=[bool(u.get("vetoed")) for u in units],
                            empty_text="无考核结果")
    sheet.ws.freeze_panes(first, 2)
    sheet.widths.apply(sheet.ws)


# --------------------------------------------------------------------------------------------- 明细
def _sheet_detail(wb, st: _Styles, results: dict) -> None:
    sheet = _new_sheet(wb, st, "明细")
    columns = [_Col("单位", cap=20), _Col("指标编号", "center", cap=10), _Col("指标名称", cap=30),
               _Col("计分方法", "center", cap=14), _Col("原始值", "num", cap=16), _Col("目标值", "num", cap=16),
               _Col("得分", "score", cap=10), _Col("数据来源（文件 › 工作表!单元格）", cap=50),
               _Col("说明", "wrap", cap=50)]
    rows = [[d.get("unit"), d.get("indicator"), d.get("indicator_name"), d.get("method_label"), d.get("value"),
             d.get("target"), d.get("score"), d.get("source"), d.get("note")] for d in results.get("detail") or []]
    first, end = _write_table(sheet, 0, columns, rows)
    sheet.ws.freeze_panes(first, 0)
    sheet.ws.autofilter(0, 0, max(end - 1, first), len(columns) - 1)
    sheet.widths.apply(sheet.ws)


# --------------------------------------------------------------------------------------------- 公众评议
_SURVEY_FIXED = ("unit", "round", "category", "question", "score", "satisfaction_rate")


def _sheet_survey(wb, st: _Styles, results: dict) -> None:
    sheet = _new_sheet(wb, st, "公众评议")
    survey = results.get("survey") or {}
    r = _section(sheet, 0, "一、各评议群体得分")
    columns = [_Col("单位", cap=20), _Col("轮次", "center", cap=10), _Col("评议群体", "center", cap=16),
               _Col("样本量", "int", cap=10), _Col("得分", "score", cap=10), _Col("满意率", "pct", cap=10)]
    rows = [[c.get("unit"), c.get("round"), c.get("category"), c.get("sample"), c.get("score"),
             c.get("satisfaction_rate")] for c in survey.get("categories") or []]
    _, r = _write_table(sheet, r, columns, rows)

    r = _section(sheet, r + 1, "二、各题目统计")
    qrows = list(survey.get("rows") or [])
    choices: list[str] = []   # choice names are scheme-defined; keep their first-seen order
    for q in qrows:
        choices += [k for k in q if k not in _SURVEY_FIXED and k not in choices]
    columns = ([_Col("单位", cap=20), _Col("轮次", "center", cap=10), _Col("评议群体", "center", cap=16),
                _Col("题目", "wrap", cap=40)] + [_Col(ch, "num", cap=10) for ch in choices]
               + [_Col("得分（5分制）", "q4", cap=12), _Col("满意率", "pct", cap=10)])
    rows = [[q.get("unit"), q.get("round"), q.get("category"), q.get("question")] + [q.get(ch) for ch in choices]
            + [q.get("score"), q.get("satisfaction_rate")] for q in qrows]
    _, r = _write_table(sheet, r, columns, rows)

    r = _section(sheet, r + 1, "三、公众评议最终得分（百分制）")
    finals = dict(survey.get("units") or {})
    order = [u.get("unit") for u in _units(results) if u.get("unit") in finals]
    order += [name for name in finals if name not in order]
    _write_table(sheet, r, [_Col("单位", cap=20), _Col("公众评议得分", "score", cap=14)],
                 [[name, finals[name]] for name in order])
    sheet.widths.apply(sheet.ws)


# --------------------------------------------------------------------------------------------- 加减分
def _sheet_adjustments(wb, st: _Styles, results: dict) -> None:
    sheet = _new_sheet(wb, st, "加减分")
    r = _section(sheet, 0, "一、加减分登记（封顶前）")
    columns = [_Col("单位", cap=20), _Col("项目", "center", cap=20), _Col("分值", "num", cap=10),
               _Col("事由", "wrap", cap=50), _Col("日期", "center", cap=12), _Col("来源", cap=40)]
    rows = [[a.get("unit"), a.get("kind"), a.get("value"), a.get("reason"), a.get("date"), a.get("source")]
            for a in results.get("adjustments") or []]
    _, r = _write_table(sheet, r, columns, rows)

    r = _section(sheet, r + 1, "二、核定加减分（按上限封顶，扣分以负数表示）")
    kinds = list(results.get("adjustment_kinds") or [])
    columns = [_Col("单位", cap=20)] + [_Col(_adj_header(k), "score", cap=16) for k in kinds]
    rows = [[u.get("unit")] + [_signed_adjustment(k, (u.get("adjustments") or {}).get(k["name"])) for k in kinds]
            for u in _units(results)]
    _write_table(sheet, r, columns, rows)
    sheet.widths.apply(sheet.ws)


# --------------------------------------------------------------------------------------------- 奖项
def _sheet_awards(wb, st: _Styles, results: dict) -> None:
    sheet = _new_sheet(wb, st, "奖项")
    r = _section(sheet, 0, "一、奖项")
    columns = [_Col("奖项", cap=20), _Col("单位", cap=20), _Col("奖金（元）", "money", cap=14),
               _Col("说明", "wrap", cap=50)]
    rows = [[a.get("award"), a.get("unit"), a.get("amount"), a.get("note")] for a in results.get("awards") or []]
    _, r = _write_table(sheet, r, columns, rows)

    r = _section(sheet, r + 1, "二、一票否决")
    columns = [_Col("单位", cap=20), _Col("否决事项", "wrap", cap=30), _Col("认定部门", cap=20),
               _Col("原因", "wrap", cap=50), _Col("日期", "center", cap=12), _Col("来源", cap=40)]
    rows = [[v.get("unit"), v.get("item"), v.get("department"), v.get("reason"), v.get("date"), v.get("source")]
            for v in results.get("vetoes") or []]
    _write_table(sheet, r, columns, rows, red=[True] * len(rows))
    sheet.widths.apply(sheet.ws)


# --------------------------------------------------------------------------------------------- 数据问题
def _sheet_issues(wb, st: _Styles, results: dict) -> None:
    sheet = _new_sheet(wb, st, "数据问题")
    columns = [_Col("级别", "center", cap=8), _Col("代码", cap=16), _Col("文件", cap=40), _Col("工作表", cap=16),
               _Col("单元格", "center", cap=10), _Col("单位", cap=16), _Col("指标", cap=10),
               _Col("说明", "wrap", cap=60)]
    issues = list(results.get("issues") or [])
    rows = [[i.get("severity"), i.get("code"), i.get("file"), i.get("sheet"), i.get("cell"), i.get("unit"),
             i.get("indicator"), i.get("message")] for i in issues]
    first, end = _write_table(sheet, 0, columns, rows, red=[i.get("severity") == "错误" for i in issues],
                              empty_text="未发现数据问题")
    sheet.ws.freeze_panes(first, 0)
    if issues:
        sheet.ws.autofilter(0, 0, end - 1, len(columns) - 1)
    sheet.widths.apply(sheet.ws)


# --------------------------------------------------------------------------------------------- 方法说明
def _sheet_method(wb, st: _Styles, results: dict) -> None:
    sheet = _new_sheet(wb, st, "方法说明")
    a = _assessment(results)
    r = _section(sheet, 0, "一、基本参数")
    rows = [["考核名称", a.get("title")], ["考核年度", a.get("year")], ["满分", a.get("full_score")],
            ["公布分数保留小数位（四舍五入）", a.get("precision")]]
    _, r = _write_table(sheet, r, [_Col("项目", cap=30), _Col("内容", "text", cap=60)], rows)

    r = _section(sheet, r + 1, "二、考核指标")
    columns = [_Col("编号", "center", cap=8), _Col("类别", cap=20), _Col("指标", cap=30),
               _Col("计量单位", "center", cap=10), _Col("分值", "num", cap=8), _Col("计分方法", "center", cap=14),
               _Col("规则", "wrap", cap=60), _Col("数据来源部门", "center", cap=16)]
    rows = [[i.get("id"), "/".join(i.get("category") or []), i.get("name"), i.get("unit"), i.get("points"),
             i.get("method_label") or i.get("method"), i.get("rule"), i.get("source")]
            for i in results.get("indicators") or []]
    _, r = _write_table(sheet, r, columns, rows)

    r = _section(sheet, r + 1, "三、组成部分及权重")
    comps = list(results.get("components") or [])
    whole = all(_is_number(c.get("weight")) and float(c["weight"] * 100).is_integer() for c in comps)
    columns = [_Col("组成部分", cap=20), _Col("类型", "center", cap=12),
               _Col("权重", "pct0" if whole else "pct", cap=10), _Col("满分", "num", cap=8)]
    rows = [[c.get("name"), KIND_LABELS.get(c.get("kind"), c.get("kind")), c.get("weight"), c.get("full")]
            for c in comps]
    _, r = _write_table(sheet, r, columns, rows)

    r = _section(sheet, r + 1, "四、加减分项目")
    columns = [_Col("项目", cap=20), _Col("类型", "center", cap=8), _Col("上限（分）", "num", cap=12)]
    rows = [[k.get("name"), SIGN_LABELS.get(k.get("sign"), k.get("sign")),
             k.get("cap") if k.get("cap") is not None else "不设上限"] for k in results.get("adjustment_kinds") or []]
    _, r = _write_table(sheet, r, columns, rows)

    grades = results.get("grades")
    if grades:
        r = _section(sheet, r + 1, "五、等次划分")
        rows = [[g.get("name"), g.get("min")] for g in sorted(grades, key=lambda g: -(g.get("min") or 0))]
        _write_table(sheet, r, [_Col("等次", "center", cap=10), _Col("总分不低于（分）", "num", cap=18)], rows)
    sheet.widths.apply(sheet.ws)


# --------------------------------------------------------------------------------------------- 运行信息
def _sheet_run(wb, st: _Styles, results: dict) -> None:
    sheet = _new_sheet(wb, st, "运行信息")
    run, a = results.get("run") or {}, _assessment(results)
    rows = [["考核名称", a.get("title")], ["制表单位", a.get("organizer")], ["程序版本", run.get("version")],
            ["考核方案哈希（SHA-256）", run.get("scheme_hash")], ["制表日期", run.get("generated_at")]]
    if run.get("date_basis"):
        rows.append(["制表日期依据", run.get("date_basis")])
    _, r = _write_table(sheet, 0, [_Col("项目", cap=30), _Col("内容", cap=70)], rows)
    r = _section(sheet, r + 1, "输入文件")
    rows = [[f.get("file"), f.get("sha256")] for f in run.get("inputs") or []]
    _write_table(sheet, r, [_Col("文件", cap=60), _Col("SHA-256", cap=70)], rows)
    sheet.widths.apply(sheet.ws)


# --------------------------------------------------------------------------------------------- 图表
def _total_chart(wb, results: dict, layout: _SummaryLayout, score_format: str):
    units = _units(results)
    colours = _grade_colours(results)
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({
        "name": "总分",
        "categories": ["汇总表", layout.first_row, layout.unit_col, layout.last_row, layout.unit_col],
        "values": ["汇总表", layout.first_row, layout.total_col, layout.last_row, layout.total_col],
        "points": [{"fill": {"color": colours.get(u.get("grade"), NO_GRADE_COLOUR)}} for u in units],
        "data_labels": {"value": True, "num_format": score_format},
        "gap": 40,
    })
    chart.set_title({"name": "各单位总分（按等次着色）"})
    chart.set_legend({"none": True})
    # Bar chart: y is the category axis. Rank 1 on top; value axis kept at the bottom.
    chart.set_y_axis({"reverse": True, "crossing": "max"})
    chart.set_x_axis({"min": 0, "num_format": "0", "major_gridlines": {"visible": True}})
    chart.set_size({"width": 760, "height": max(320, 22 * len(units) + 110)})
    return chart


def _category_chart(wb, results: dict, layout: _SummaryLayout):
    if layout.cat_cols is None:
        return None
    units = _units(results)
    top = list(range(min(3, len(units))))
    picked = top + [i for i in range(max(0, len(units) - 3), len(units)) if i not in top]
    first_col, last_col = layout.cat_cols
    chart = wb.add_chart({"type": "column"})
    for i in picked:
        row = layout.first_row + i
        chart.add_series({
            "name": ["汇总表", row, layout.unit_col],
            "categories": ["汇总表", layout.label_row, first_col, layout.label_row, last_col],
            "values": ["汇总表", row, first_col, row, last_col],
        })
    chart.set_title({"name": "前三名与后三名单位分类得分对比"})
    chart.set_legend({"position": "bottom"})
    chart.set_y_axis({"min": 0, "major_gridlines": {"visible": True}})
    chart.set_size({"width": 760, "height": 380})
    return chart


def _sheet_charts(wb, st: _Styles, results: dict, layout: _SummaryLayout) -> None:
    sheet = _new_sheet(wb, st, "图表")
    colours = _grade_colours(results)
    r = _section(sheet, 0, "等次图例")
    for name, colour in colours.items():
        sheet.ws.write_string(r, 0, name, st.fill(colour))
        sheet.widths.see(0, name)
        r += 1
    sheet.widths.apply(sheet.ws, minimum=10)
    if not _units(results):
        sheet.ws.write_string(r + 1, 0, "无考核结果，未生成图表。", st.plain_left)
        return
    first = _total_chart(wb, results, layout, st.score_format)
    sheet.ws.insert_chart(1, 2, first)
    second = _category_chart(wb, results, layout)
    if second is not None:
        rows_below = max(320, 22 * len(_units(results)) + 110) // 20 + 3
        sheet.ws.insert_chart(1 + rows_below, 2, second)


# --------------------------------------------------------------------------------------------- entry point
def open_workbook(results: dict, path: pathlib.Path, title_suffix: str) -> tuple[xlsxwriter.Workbook, int]:
    """(workbook, published precision): text never becomes a formula or URL, and fixed document properties
    (created = the run's 制表日期, else 1 January after the assessment year) and in-memory packaging (fixed zip
    entry times) keep the bytes reproducible (render/reproducible.py)."""
    a = _assessment(results)
    precision = int(a.get("precision", 2) if a.get("precision") is not None else 2)
    wb = xlsxwriter.Workbook(str(path), {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False, "in_memory": True,
    })
    year = a.get("year")
    when = reproducible.results_moment(results)
    created = (reproducible.utc_naive(when) if when is not None
               else _dt.datetime(int(year) + 1, 1, 1) if isinstance(year, int) else _dt.datetime(2000, 1, 1))
    wb.set_properties({
        "title": f"{a.get('title', '')}{title_suffix}",
        "subject": str(a.get("title", "")),
        "author": "kaohe",
        "company": str(a.get("organizer", "")),
        "comments": "由 kaohe 考核流水线生成",
        "created": created,
    })
    return wb, precision


def write_issues_workbook(assessment: dict, issues: list[dict], path: pathlib.Path, readings: list | None = None) -> None:
    """数据问题.xlsx for `kaohe check` and for runs refused over data errors: the 数据问题 sheet, and the reading
    map (读取情况: how each file › sheet was read, each column's role and how sure) when given."""
    results = {"assessment": assessment, "issues": issues}
    wb, precision = open_workbook(results, path, "数据问题清单")
    st = _Styles(wb, precision)
    _sheet_issues(wb, st, results)
    if readings is not None:
        _sheet_readings(wb, st, readings)
    wb.close()


def _sheet_readings(wb, st: _Styles, readings: list) -> None:
    """读取情况: one row per sheet examined, then one row per column of a sheet taken."""
    sheet = _new_sheet(wb, st, "读取情况")
    columns = [_Col("文件", cap=40), _Col("工作表", cap=16), _Col("读作", cap=14), _Col("依据", "wrap", cap=24),
               _Col("单位位置", cap=18), _Col("表头", cap=12), _Col("单元格", "center", cap=8),
               _Col("列标题", "wrap", cap=30), _Col("读作（列）", "wrap", cap=30), _Col("说明", "wrap", cap=50)]
    rows, red = [], []
    for r in readings:
        where = f"{r.axis}（{r.units} 个单位）" if r.axis else ""
        rows.append([r.file, r.sheet, r.kind or "未采用", r.evidence, where, r.header, "", "", r.context,
                     r.reason or f"读取 {r.rows} 行"])
        red.append(not r.taken and r.units > 0)
        for c in r.columns:
            rows.append([r.file, r.sheet, "", "", "", "", c.cell, c.header, c.role, c.how])
            red.append(not c.role)
    first, end = _write_table(sheet, 0, columns, rows, red=red, empty_text="input/ 中没有可读取的报表")
    sheet.ws.freeze_panes(first, 0)
    sheet.widths.apply(sheet.ws)


def write_summary_workbook(results: dict, path: pathlib.Path) -> None:
    """Write the official summary workbook to `path` (the caller handles atomic replace)."""
    wb, precision = open_workbook(results, path, "结果汇总表")
    st = _Styles(wb, precision)
    layout = _sheet_summary(wb, st, results)
    _sheet_indicator_scores(wb, st, results)
    _sheet_detail(wb, st, results)
    _sheet_survey(wb, st, results)
    _sheet_adjustments(wb, st, results)
    _sheet_awards(wb, st, results)
    _sheet_issues(wb, st, results)
    _sheet_method(wb, st, results)
    _sheet_run(wb, st, results)
    _sheet_charts(wb, st, results, layout)
    wb.close()
