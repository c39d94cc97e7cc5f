"""The writer base every official workbook shares (汇总表, 公示表, 评分卡, 数据问题, blank returns): styles, the column
model, CJK-aware widths, safe cell writing, header blocks, tables, the title block and the print setup.

Why one base: each official table must look and print the same way (宋体, bordered cells, A4 one page wide, the
"第 N 页 共 M 页" footer) and write text safely; these helpers used to be private names of the summary workbook that
three other modules imported. Header texts that several workbooks print (a component's weight, an adjustment's cap)
are here too, so a heading is worded once; what a sign or grade means comes from pipeline/labels.py.

Text is always written with ``write_string`` and numbers with ``write_number``; workbooks are opened with
``strings_to_formulas=False`` as well, so a value such as ``=HYPERLINK(...)`` stays a literal string.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import pathlib
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import xlsxwriter
import xlsxwriter.exceptions

from .. import labels
from ..output_mark import mark_properties
from ..results import Results, UnitResult
from ..scheme import Adjustment, Assessment, Component
from . import reproducible

FONT = "宋体"
RED = "#C00000"
BOLD = "b:"  # prefix of a cell kind: its bold variant (subtotal and total rows)

# Body cell kinds -> (number format or None, horizontal alignment, wrap)
KINDS: dict[str, tuple[str | None, str, bool]] = {
    "text": (None, "left", False),
    "center": (None, "center", False),
    "wrap": (None, "left", True),
    "wrap_center": (None, "center", True),
    "score": ("<precision>", "right", False),
    "int": ("0", "center", False),
    "num": ("General", "right", False),
    "q4": ("0.0000", "right", False),
    "pct": ("0.00%", "right", False),
    "pct0": ("0%", "right", False),
    "money": ("#,##0", "right", False),
}


def bold_kind(kind: str, bold: bool = True) -> str:
    return BOLD + kind if bold else kind


# --------------------------------------------------------------------------------------------- text and numbers
def text_width(text: str) -> float:
    """Display width of `text` in Excel character units: wide (CJK) characters count as 2."""
    return _text_width(str(text))


@functools.lru_cache(maxsize=1 << 14)
def _text_width(text: str) -> float:  # the same unit names and labels are measured thousands of times a run
    return float(max((sum(_char_width(ch) for ch in line) for line in text.splitlines()), default=0))


@functools.lru_cache(maxsize=1 << 12)
def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


def score_format(precision: int) -> str:
    return "0" if precision <= 0 else "0." + "0" * precision


def trim_number(value: float) -> str:
    """10.0 -> '10', 2.5 -> '2.5' (labels only, never cell values)."""
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def pct_label(weight: float) -> str:
    return trim_number(float(weight) * 100) + "%"


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def date_label(generated_at: str) -> str:
    """'2026-01-15' -> '2026年1月15日'; '' (results scored in memory) -> ''; anything else: its date part."""
    if not generated_at:
        return ""
    part = str(generated_at).strip().split(" ")[0].split("T")[0]
    try:
        d = _dt.date.fromisoformat(part)
    except ValueError:
        return part
    return f"{d.year}年{d.month}月{d.day}日"


# --------------------------------------------------------------------------------------------- header texts
def adjustment_header(kind: Adjustment) -> str:
    """专项督查加分（上限3分）."""
    return f"{kind.name}（上限{trim_number(kind.cap)}分）" if kind.cap is not None else kind.name


def signed_adjustment(kind: Adjustment, value: float | None) -> float | None:
    """The adjustment's effect on the total (labels.adjustment_effect: deductions negative, rank points as signed)."""
    return labels.adjustment_effect(kind.sign, value)


def sources_text(sources: Sequence[str]) -> str:
    """Cells of one register named once per sheet: “登记表.xlsx › 加减分登记!D4、D5、D7”, not the file and sheet
    again for every row (a unit with four entries filled a printed page with one cell's text)."""
    groups: dict[str, list[str]] = {}
    for source in dict.fromkeys(sources):
        where, bang, cell = source.rpartition("!")
        if not bang or not where:
            groups.setdefault(source, [])
        else:
            groups.setdefault(where, []).append(cell)
    return "；".join(f"{where}!{'、'.join(cells)}" if cells else where for where, cells in groups.items())


class FileKeys:
    """Return files named by a key on a page that cites them row after row: “①指标数据!C6”, with one legend line
    (“数据来源：①统计局/2025年度…xlsx；②…”) — a score card's 数据来源 column otherwise repeats a 40-character path
    in every row, and its rows, not its scores, decide how many pages it prints."""

    MARKS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

    def __init__(self) -> None:
        self.files: dict[str, str] = {}

    def short(self, source: str | None) -> str | None:
        """“file › sheet!cell” as “key sheet!cell”; a source of another form as it is."""
        if not source:
            return source
        file, sep, rest = source.partition(" › ")
        if not sep or not rest:
            return source
        if file not in self.files:
            n = len(self.files)
            self.files[file] = self.MARKS[n] if n < len(self.MARKS) else f"[{n + 1}]"
        return self.files[file] + rest

    def legend(self) -> str:
        return "；".join(f"{key}{file}" for file, key in self.files.items())


def category_label(node) -> str:
    """经济发展（60分） for a TopCategory or CategoryNode."""
    return f"{node.name}（{trim_number(node.points)}分）"


def component_head(comp: Component) -> str:
    """A component's column heading: 指标考核（权重50%）; a component added as it is (weight 1, as the district
    form's 60 + 40) says its points, 指标考核（60分）, since every component would read 权重100%."""
    if comp.weight == 1:
        return f"{comp.name}（{trim_number(comp.full)}分）"
    return f"{comp.name}（权重{pct_label(comp.weight)}）"


def grade_colours(results: Results) -> dict[str, str]:
    """Grade name -> fill colour (labels.grade_colours: the same colours as the report's)."""
    order = labels.grade_order(((g.name, g.min) for g in results.grades),
                               (labels.grade_class(u, results.veto.effect) for u in results.units))
    return labels.grade_colours(order)


# --------------------------------------------------------------------------------------------- styles and widths
class Styles:
    """All cell formats of one workbook, created lazily and cached."""

    def __init__(self, wb: xlsxwriter.Workbook, precision: int):
        self._wb = wb
        self.precision = precision
        self.score_format = score_format(precision)
        self._cache: dict[tuple, Any] = {}
        self.title = wb.add_format({"font_name": FONT, "bold": True, "font_size": 18,
                                    "align": "center", "valign": "vcenter"})
        self.section = wb.add_format({"font_name": FONT, "bold": True, "font_size": 12})
        self.plain_left = wb.add_format({"font_name": FONT, "font_size": 11, "align": "left", "valign": "vcenter"})
        self.plain_right = wb.add_format({"font_name": FONT, "font_size": 11, "align": "right", "valign": "vcenter"})
        self.note = wb.add_format({"font_name": FONT, "font_size": 11, "align": "left", "valign": "top",
                                   "text_wrap": True})
        self.header = wb.add_format({"font_name": FONT, "bold": True, "font_size": 11, "align": "center",
                                     "valign": "vcenter", "text_wrap": True, "border": 1, "bg_color": "#F2F2F2"})

    def cell(self, kind: str, red: bool = False):
        """The format of a table cell of `kind` (see KINDS); a kind prefixed with BOLD is its bold variant."""
        key = (kind, red)
        if key not in self._cache:
            bold = kind.startswith(BOLD)
            num_format, align, wrap = KINDS[kind.removeprefix(BOLD)]
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


class Widths:
    """Column widths of one sheet: widest content seen, clamped per column, applied once at the end."""

    def __init__(self, precision: int):
        self.precision = precision
        self.width: dict[int, float] = {}
        self.cap: dict[int, float] = {}

    def display(self, value: Any, kind: str) -> str:
        if not is_number(value):
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
        self.width[col] = max(self.width.get(col, 0.0), text_width("" if text is None else str(text)))

    def see_value(self, col: int, value: Any, kind: str, cap: float | None) -> None:
        """see(col, display(value, kind), cap), without measuring what cannot widen the column: a number shows in
        ASCII (its width is its length), and a text no wider than the column so far in characters (a wide character
        counts at most 2) needs no measuring."""
        if cap is not None:
            old_cap = self.cap.get(col)
            if old_cap is None or cap < old_cap:
                self.cap[col] = cap
        seen = self.width.get(col, 0.0)
        if type(value) is str:
            if 2 * len(value) > seen:
                self.width[col] = max(seen, text_width(value))
            elif col not in self.width:
                self.width[col] = seen
            return
        text = self.display(value, kind)
        self.width[col] = max(seen, float(len(text)) if is_number(value) else text_width(text))

    def final(self, col: int, minimum: float = 6) -> float:
        """The width `apply` gives column `col`."""
        return max(minimum, min(self.width.get(col, 0.0) + 2, self.cap.get(col, 60)))

    def apply(self, ws, minimum: float = 6) -> None:
        for col in sorted(self.width):
            ws.set_column(col, col, self.final(col, minimum))


# --------------------------------------------------------------------------------------------- columns and tables
@dataclass(frozen=True)
class Col:
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


Getter = Callable[[UnitResult], Any]


@dataclass
class Sheet:
    ws: Any
    st: Styles
    widths: Widths
    header: tuple[int, int] | None = None  # the first table's header rows (repeated on every printed page)
    titled: bool = False  # has an official title block (title_block) in its first rows, repeated on every page
    key_cols: int = 1  # columns naming the row (名次, 单位): repeated on every page of a table split by columns
    key_labels: list[str] | None = None  # their headers
    # rows spanning the whole table (title, 制表单位/制表日期, notes, signature), merged by print_table over what
    # prints on one page: (row, [(text, format)…] side by side)
    wide: list[tuple[int, list[tuple[str, Any]]]] = field(default_factory=list)


def new_sheet(wb, st: Styles, name: str) -> Sheet:
    return Sheet(wb.add_worksheet(name), st, Widths(st.precision))


def put(sheet: Sheet, row: int, col: int, value: Any, kind: str = "text", red: bool = False,
        cap: float | None = None) -> None:
    """Write one value: None -> blank, number -> number, anything else -> literal string.

    The hot path of every table (a million cells at province scale): formats come from the styles' cache, and the
    worksheet's unwrapped writers are called (xlsxwriter's public ones only add A1-notation parsing to them)."""
    fmt = sheet.st._cache.get((kind, red)) or sheet.st.cell(kind, red)
    ws, t = sheet.ws, type(value)
    if t is int or t is float or (t is not bool and is_number(value)):
        if t is not int and not math.isfinite(value):  # nan, inf: blank
            ws._write_blank(row, col, None, fmt)
        else:
            ws._write_number(row, col, value, fmt)
    elif value is None:
        ws._write_blank(row, col, None, fmt)
    elif t is bool:
        ws._write_string(row, col, "是" if value else "否", fmt)
    else:
        ws._write_string(row, col, value if t is str else str(value), fmt)
    sheet.widths.see_value(col, value, kind, cap)


def merge_block(sheet: Sheet, first_row: int, first_col: int, last_row: int, last_col: int, text: str,
                fmt) -> None:
    """`text` in the block first_row..last_row x first_col..last_col, merged when it is more than one cell."""
    if last_row > first_row or last_col > first_col:
        sheet.ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
    sheet.ws.write_string(first_row, first_col, text, fmt)


def merge(sheet: Sheet, row: int, first_col: int, last_col: int, text: str, fmt) -> None:
    merge_block(sheet, row, first_col, row, last_col, text, fmt)


def wide_row(sheet: Sheet, row: int, *parts: tuple[str, Any]) -> None:
    """A row across the table (a title, a note, a signature; several parts share it side by side), written by
    print_table over the columns of the first printed page: a table printed in column groups never cuts it."""
    sheet.wide.append((row, list(parts)))


def _write_wide(sheet: Sheet, last_col: int) -> None:
    for row, parts in sheet.wide:
        n = len(parts)
        bounds = [k * (last_col + 1) // n for k in range(n + 1)]
        for (text, fmt), a, b in zip(parts, bounds, bounds[1:]):
            merge(sheet, row, a, max(a, b - 1), text, fmt)


def header_depth(columns: Sequence[Col]) -> int:
    """Rows of the header block: one per heading level, plus the label row."""
    return 1 + max((len(c.headings) for c in columns), default=0)


def write_header(sheet: Sheet, row: int, columns: Sequence[Col], col0: int = 0) -> int:
    """Write a header block at `row` and return the number of rows used (`header_depth`).

    Heading level k is row `row + k`; a heading is merged over the consecutive columns whose headings agree up to
    and including that level (so a second-level heading never spans two first-level ones). Labels sit on the last
    row and reach up to just below their column's lowest heading: a column without headings spans the whole block.
    """
    fmt = sheet.st.header
    heads = [c.headings for c in columns]
    depth = header_depth(columns)
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
            text = key[-1] if j > i else header_text(key[-1], columns[i].cap)
            merge(sheet, row + level, col0 + i, col0 + j, text, fmt)
            if j == i:
                sheet.widths.see(col0 + i, text, columns[i].cap)
            i = j + 1
    for k, (c, h) in enumerate(zip(columns, heads)):
        label = header_text(c.label, c.cap)
        merge_block(sheet, row + len(h), col0 + k, row + depth - 1, col0 + k, label, fmt)
        sheet.widths.see(col0 + k, label, c.cap)
    return depth


def header_text(label: str, cap: float | None) -> str:
    """A header too wide for its column breaks before its bracket, never inside it: 发展指数 /（权重10%）, not
    发展指数（权重 / 10%）."""
    at = label.find("（")
    if cap is None or at <= 0 or "\n" in label or text_width(label) + 2 <= cap:
        return label
    return label[:at] + "\n" + label[at:]


LINE_PT = 15.0  # a line of 11 pt text in a table row


def wrapped_lines(value: Any, width: float) -> int:
    """How many lines a wrapped text cell of `width` characters shows (explicit line breaks included)."""
    if not isinstance(value, str) or not value:
        return 1
    return sum(max(1, math.ceil(text_width(line) / max(width - 1, 1))) for line in value.split("\n"))


def write_table(sheet: Sheet, row: int, columns: Sequence[Col], rows: Iterable[Sequence[Any]], *,
                red: Sequence[bool] | None = None, empty_text: str | None = "无") -> tuple[int, int]:
    """Header + body at `row`. Returns (first body row, next free row)."""
    first = row + write_header(sheet, row, columns)
    if sheet.header is None:
        sheet.header = (row, first - 1)
        labels_ = [c.label for c in columns[:3]]
        sheet.key_cols = labels_.index("单位") + 1 if "单位" in labels_ else 1
        sheet.key_labels = labels_[:sheet.key_cols]
    r = first
    wrapped = [c for c, column in enumerate(columns) if KINDS[column.kind.removeprefix(BOLD)][2] and column.cap]
    ws, widths, st = sheet.ws, sheet.widths, sheet.st
    kinds = [column.kind for column in columns]
    formats = {False: [st.cell(k, False) for k in kinds], True: None}
    width = widths.width
    for n, values in enumerate(rows):
        is_red = bool(red[n]) if red is not None else False
        if is_red and formats[True] is None:
            formats[True] = [st.cell(k, True) for k in kinds]
        fmts = formats[is_red]
        for c, value in enumerate(values[:len(kinds)] if len(values) > len(kinds) else values):
            # put(), inlined for the two commonest values (the header has set every column's cap already):
            # a text, and a finite number
            t = type(value)
            if t is str:
                ws._write_string(r, c, value, fmts[c])
                seen = width.get(c, 0.0)
                if 2 * len(value) > seen:
                    width[c] = max(seen, text_width(value))
                elif c not in width:
                    width[c] = seen
            elif (t is float or t is int) and math.isfinite(value):
                ws._write_number(r, c, value, fmts[c])
                shown = float(len(widths.display(value, kinds[c])))
                if shown > width.get(c, 0.0):
                    width[c] = shown
                elif c not in width:
                    width[c] = 0.0
            else:
                put(sheet, r, c, value, kinds[c], is_red, columns[c].cap)
        lines = max((wrapped_lines(values[c], columns[c].cap) for c in wrapped if c < len(values)), default=1)
        if lines > 1:  # two awards, a long note: the row grows (neither xlsxwriter nor LibreOffice does it)
            sheet.ws.set_row(r, LINE_PT * lines + 2)
        r += 1
    if r == first and empty_text is not None:
        merge(sheet, r, 0, len(columns) - 1, empty_text, sheet.st.cell("center"))
        r += 1
    return first, r


def section(sheet: Sheet, row: int, text: str) -> int:
    sheet.ws.write_string(row, 0, text, sheet.st.section)
    return row + 1


def add_adjustment_columns(results: Results, cols: list[Col], getters: list[Getter]) -> None:
    """One signed column per adjustment kind under a 加减分 heading (deductions shown negative)."""
    for kind in results.adjustment_kinds:
        cols.append(Col(adjustment_header(kind), "score", "加减分", cap=14))
        getters.append(lambda u, k=kind: signed_adjustment(k, u.adjustments[k.name]))


# --------------------------------------------------------------------------------------------- page and workbook
def print_a4(ws, landscape: bool, side: float = 0.4, top: float = 0.6, bottom: float = 0.7, fit: bool = True) -> None:
    """The print setup every official table shares: A4, one page wide (`fit`), centred, "第 N 页 共 M 页" footer."""
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.set_paper(9)
    if fit:
        ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=side, right=side, top=top, bottom=bottom)
    ws.set_footer("&C第 &P 页 共 &N 页")


# Printed text is never smaller than 9 pt: the smallest table font is 11 pt, so a sheet is shrunk to fit the page width
# only down to 82 %; a table wider than that is printed in column groups, each page repeating the header rows and
# the columns that name the row (名次, 单位), titled in the page header and numbered in the footer.
MIN_PRINTED_PT = 9.0
SMALLEST_FONT_PT = 11.0
MIN_SCALE = MIN_PRINTED_PT / SMALLEST_FONT_PT
A4_PT = (595.3, 841.9)  # portrait width, height
FIT_MARGIN = 1.1  # column widths are estimated: fit a page only with a tenth to spare, else print in groups


def column_points(width: float) -> float:
    """A column of Excel width `width` (characters), in points as printed at 100 %: measured from LibreOffice's PDF
    of the 公示表 (its fit-to-width scale), about 7 pt per character of width; Excel's 7 px + 5 px rule is less."""
    return width * 7.5 + 1.5  # on the safe side: a group estimated too wide only costs a page


def print_table(sheet: Sheet, title: str, landscape: bool | None = True, side: float = 0.4) -> None:
    """Widths and print setup of one sheet, so that every sheet of every workbook prints legibly on A4 (see above).
    `landscape=None`: portrait when the table fits a portrait page at ≥ 9 pt, else landscape."""
    ws = sheet.ws
    sheet.widths.apply(ws)
    cols = range(0, max(sheet.widths.width, default=0) + 1)
    points = [column_points(sheet.widths.final(c)) if c in sheet.widths.width else column_points(8.43) for c in cols]
    if landscape is None:
        landscape = sum(points) * MIN_SCALE > A4_PT[0] - 2 * side * 72
    page = (A4_PT[1] if landscape else A4_PT[0]) - 2 * side * 72
    split = sum(points) * MIN_SCALE * FIT_MARGIN > page  # fitting the width could print below 9 pt
    key = sheet.key_cols
    room = page / MIN_SCALE - sum(points[:key])
    breaks, used = [], 0.0
    for c in range(key, len(points)):
        if used and used + points[c] > room:
            breaks.append(c)
            used = 0.0
        used += points[c]
    print_a4(ws, landscape, side=side, fit=not split)
    if sheet.header is not None:
        ws.repeat_rows(0 if sheet.titled else sheet.header[0], sheet.header[1])
    grouped = split and bool(breaks)  # at 82 % a table may fit one page wide after all: then no groups
    _write_wide(sheet, (breaks[0] if grouped else len(points)) - 1)
    if split:
        ws.set_print_scale(int(MIN_SCALE * 100) + 1)
    if grouped:
        ws.repeat_columns(0, key - 1)
        ws.set_v_pagebreaks(breaks)
        ws.set_header(f"&C{_header_text(title)}（表格较宽，按列分页打印，各页重复表头和{'、'.join(_key_names(sheet))}列）")
    elif split or not sheet.titled:  # a sheet without its own title row: every page says what it is
        ws.set_header(f"&C{_header_text(title)}")


def _key_names(sheet: Sheet) -> list[str]:
    return [str(sheet.key_labels[c]) for c in range(sheet.key_cols)] if sheet.key_labels else ["首"]


def _header_text(text: str) -> str:
    return text.replace("&", "&&")


def title_block(sheet: Sheet, results: Results, suffix: str) -> None:
    """Rows 1-2 of an official table: the title, then 制表单位 (left) and 制表日期 (right)."""
    a = results.assessment
    sheet.titled = True
    sheet.ws.set_row(0, 36)
    wide_row(sheet, 0, (f"{a.title}{suffix}{labels.status_mark(results.run.status)}", sheet.st.title))
    wide_row(sheet, 1, (f"制表单位：{a.organizer}", sheet.st.plain_left),
             (f"制表日期：{date_label(results.run.generated_at)}", sheet.st.plain_right))


class Workbook(xlsxwriter.Workbook):
    """xlsxwriter's Workbook with a linear duplicate-name check.

    Why: xlsxwriter compares each new sheet's name with every existing sheet's (a loop), which is quadratic in the
    sheets — 45 s for 8,000 score cards, minutes for a province's 20,000. The same case-insensitive check against a
    set of the names taken; every other check (length, characters, apostrophes) is still xlsxwriter's own."""

    def _check_sheetname(self, sheetname, is_chartsheet=False):
        taken = getattr(self, "_kaohe_taken", None)
        if taken is None:
            taken = self._kaohe_taken = {ws.name.lower() for ws in self.worksheets_objs}
        objs, self.worksheets_objs = self.worksheets_objs, []  # xlsxwriter's own loop then has nothing to scan
        try:
            name = super()._check_sheetname(sheetname, is_chartsheet)
        finally:
            self.worksheets_objs = objs
        if name.lower() in taken:
            raise xlsxwriter.exceptions.DuplicateWorksheetName(
                f"Sheetname '{name}', with case ignored, is already in use.")
        taken.add(name.lower())
        return name


def open_workbook(assessment: Assessment, generated_at: str, path: pathlib.Path,
                  title_suffix: str, styles: type[Styles] = Styles) -> tuple[xlsxwriter.Workbook, Any]:
    """(workbook, its `styles`): text never becomes a formula or URL, and fixed document properties (created = the
    run's 制表日期, else 1 January after the assessment year) and in-memory packaging (fixed zip entry times) keep
    the bytes reproducible (render/reproducible.py)."""
    a = assessment
    wb = Workbook(str(path), {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False, "in_memory": True,
    })
    created = reproducible.workbook_created(generated_at, a.timezone, a.year)
    wb.set_properties({
        "title": f"{a.title}{title_suffix}",
        "subject": a.title,
        "author": "kaohe",
        "company": a.organizer,
        "comments": "由 kaohe 考核流水线生成",
        "created": created,
    })
    return wb, styles(wb, a.precision)


def close_workbook(wb: xlsxwriter.Workbook, assessment: Assessment, kind: str) -> None:
    """Close a workbook kaohe wrote, with its mark (pipeline/output_mark.py) in the custom document properties: put
    back into input/, it is then known for what it is instead of being read as a department's return."""
    for name, value in mark_properties(kind, assessment.year, assessment.title).items():
        wb.set_custom_property(name, value)
    try:
        wb.close()
    except xlsxwriter.exceptions.FileCreateError as exc:  # a full disk or a file-size limit: the OSError it wraps,
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
        raise cause from None  # so publishing says what readers see now, as for any other failed write
