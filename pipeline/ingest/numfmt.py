"""Number formats: what a cell shows for the number it stores, so that a value is read as the person sees it.

A stored 0.845 under `0.0%` shows 84.5%; a stored 10.3 under `0.0"%"` or `0.0\\%` also shows 10.3% (the % is
literal text); `#,##0,` shows 12345 as 12; `0;-0;;@` shows 0 as a blank. Testing `"%" in format` gets the second
case wrong by ×100, so this module reads the Excel number-format grammar (ECMA-376 §18.8.31): sections split on
`;` outside quotes, brackets and escapes, the section Excel uses for the value, and the real tokens in it.

`reading(code, value)` says how to read a number: scaled ×100 (one real %), or not at all (`problem`: two %
tokens, thousands scaling, a section that cannot be decided), or read but warned (`hidden`: it shows as blank).
The .xls and .ods readers keep their formats elsewhere; `xls_readings` and `ods_readings` (below) find them.
"""

from __future__ import annotations

import functools
import math
import re
import zipfile
from dataclasses import dataclass

_CONDITION = re.compile(r"^(<=|>=|<>|<|>|=)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)$")
_ELAPSED = re.compile(r"^(h+|m+|s+)$", re.I)  # [h]:mm, [mm]:ss — elapsed time
_DATE_LETTERS = set("yYmMdDhHsS")
NEGATIVE_MARKS = "-(−△▲"


@dataclass(frozen=True)
class Section:
    """One `;`-separated part of a format, reduced to what decides how a number is shown."""

    text: str
    condition: tuple[str, float] | None = None  # [>=100] -> (">=", 100.0)
    percent: int = 0  # real % tokens: each shows the value ×100
    thousands: int = 0  # scaling commas after the last digit placeholder: each shows the value /1000
    is_text: bool = False  # holds @ (the text section)
    is_date: bool = False  # y m d h s, AM/PM or [h]: a date or time
    exotic: bool = False  # scientific (E+) or a fraction (/): % with these is not read
    shows: bool = False  # displays anything at all (digits, General, literal text, @, a date)
    minus: bool = False  # shows a sign of its own: -, (…), △ (Chinese accounting); else a negative shows unsigned


@dataclass(frozen=True)
class Reading:
    """How one number shows under its format: the facts, and what follows for reading it."""

    code: str = ""
    percent_scale: int = 0  # real % tokens in the section used (each shows the value ×100)
    thousands: int = 0  # scaling commas (each shows the value /1000)
    is_date: bool = False  # a date/time section (the readers type such cells as dates before asking)
    hidden: bool = False  # the section shows nothing: the number appears as a blank cell
    exotic: bool = False  # scientific or fraction notation in the section used
    undecided: str = ""  # why the section used cannot be decided ("" when it can)

    @property
    def scaled_by_thousands(self) -> bool:
        """Excel shows value / 1000 per scaling comma (`#,##0,` shows 12345 as 12)."""
        return self.thousands > 0

    @property
    def percent(self) -> bool:
        """Read value ×100: the cell shows value×100 followed by one %."""
        return self.percent_scale == 1 and not self.problem

    @property
    def problem(self) -> str:
        """Chinese: why the shown value cannot be derived from the stored one ("" when it can): not read."""
        fmt = f"数字格式“{self.code}”" if self.code else "数字格式"
        if self.undecided:
            return f"{fmt}无法确定显示的数值（{self.undecided}）"
        if self.is_date:  # openpyxl and calamine type date-formatted cells as dates: a number here is odd
            return f"{fmt}把数值显示为日期或时间，无法确定填报的数值"
        if self.percent_scale >= 2:
            return (f"{fmt}含 {self.percent_scale} 个百分号（Excel 显示为数值×{100 ** self.percent_scale}，"
                    "WPS、LibreOffice 显示为×100），无法确定填报的数值")
        if self.thousands:
            shown = {1: "千", 2: "百万"}.get(self.thousands, f"1000 的 {self.thousands} 次方")
            return (f"{fmt}按{shown}缩放显示（单元格显示的是数值÷{1000 ** self.thousands}），"
                    "显示值与存储值不同，无法确定填报的数值")
        if self.percent_scale and self.exotic:
            return f"{fmt}把百分号与科学计数或分数混用，无法确定显示的数值"
        return ""


def split_sections(code: str) -> list[str]:
    """Split on `;` outside "…", [...], after `\\`, `_` or `*` (which take the next character literally)."""
    out, cur, i = [], [], 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            j = code.find('"', i + 1)
            j = len(code) - 1 if j < 0 else j
            cur.append(code[i:j + 1])
            i = j + 1
        elif ch == "[":
            j = code.find("]", i + 1)
            j = len(code) - 1 if j < 0 else j
            cur.append(code[i:j + 1])
            i = j + 1
        elif ch in "\\_*":
            cur.append(code[i:i + 2])
            i += 2
        elif ch == ";":
            out.append("".join(cur))
            cur, i = [], i + 1
        else:
            cur.append(ch)
            i += 1
    out.append("".join(cur))
    return out


def parse_section(text: str) -> Section:
    percent = thousands = 0
    condition, is_text, is_date, exotic, shows, minus = None, False, False, False, False, False
    digits_seen = point_seen = False
    pending_commas = 0  # commas after the last digit placeholder so far
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = text.find('"', i + 1)
            j = n - 1 if j < 0 else j
            shows |= j > i + 1
            minus |= any(m in text[i + 1:j] for m in NEGATIVE_MARKS)
            i = j + 1
            continue
        if ch == "[":
            j = text.find("]", i + 1)
            inner = text[i + 1:(n if j < 0 else j)]
            if m := _CONDITION.match(inner.strip()):
                condition = (m.group(1), float(m.group(2)))
            elif _ELAPSED.match(inner):
                is_date = shows = True
            elif inner.startswith("$") and inner[1:].split("-")[0]:
                shows = True  # a currency symbol such as [$¥-804]; [$-804] is only a locale
            i = n if j < 0 else j + 1
            continue
        if ch == "\\":
            shows |= i + 1 < n
            minus |= text[i + 1:i + 2] in NEGATIVE_MARKS
            i += 2
            continue
        if ch in "_*":  # padding to the width of the next character, or filling with it
            i += 2
            continue
        if text[i:i + 7].lower() == "general":
            shows = True
            i += 7
            continue
        if text[i:i + 5].upper() == "AM/PM" or text[i:i + 3].upper() == "A/P":
            is_date = shows = True
            i += 5 if text[i:i + 5].upper() == "AM/PM" else 3
            continue
        if ch in "0#?":
            digits_seen = shows = True
            if not point_seen:
                pending_commas = 0  # commas between integer digits group thousands
        elif ch == ",":
            if digits_seen:
                pending_commas += 1
        elif ch == ".":
            if pending_commas:  # `0,.0`: commas right before the point scale too
                thousands += pending_commas
                pending_commas = 0
            point_seen = True
        elif ch == "%":
            percent += 1
        elif ch == "@":
            is_text = shows = True
        elif ch in "eE" and i + 1 < n and text[i + 1] in "+-":
            exotic = True
            i += 2
            continue
        elif ch == "/" and digits_seen:
            exotic = True
        elif ch in _DATE_LETTERS:
            is_date = shows = True
        else:
            shows = True  # a literal character ($ - + ( ) : space, 元 …)
            minus |= ch in NEGATIVE_MARKS
        i += 1
    thousands += pending_commas
    return Section(text, condition, percent, thousands, is_text, is_date, exotic and digits_seen, shows, minus)


@functools.lru_cache(maxsize=512)
def _sections(code: str) -> tuple[Section, ...]:
    return tuple(parse_section(s) for s in split_sections(code))


def _matches(cond: tuple[str, float], value: float) -> bool:
    op, x = cond
    return {"<": value < x, "<=": value <= x, ">": value > x, ">=": value >= x, "=": value == x,
            "<>": value != x}[op]


def choose(code: str, value: float | None) -> tuple[Section | None, str]:
    """(the section Excel shows `value` with, ""), or (None, why it cannot be decided).

    Excel puts a minus sign before a negative number only under a one-section format; any other section shows
    the magnitude and must carry its own sign (`0.0;0.0` shows -5 as 5.0), which is checked here too.

    value None (a formula without a cached result) is decided only when every numeric section reads alike.
    """
    sections = list(_sections(code))
    if len(sections) > 4:
        return None, f"有 {len(sections)} 节（Excel 最多 4 节）"
    if len(sections) == 4 or sections[-1].is_text and len(sections) > 1:
        sections = sections[:-1]  # the text section is always the last one (the fourth, when there are four)
    if any(s.is_text for s in sections) and len(sections) > 1:
        return None, "文本节“@”不在最后"
    if len(sections) == 1 and sections[0].is_text:
        return Section("General", shows=True), ""  # "@" shows a number as General
    section, why = _section(sections, value)
    if section is not None and value is not None and value < 0 and len(sections) > 1 and section.shows \
            and not section.minus:
        return None, f"负数 {value:g} 所用的格式节“{section.text}”不显示负号，单元格显示为正数"
    return section, why


def _section(sections: list[Section], value: float | None) -> tuple[Section | None, str]:
    if value is None:
        first = sections[0]
        if all((s.percent, s.thousands) == (first.percent, first.thousands) for s in sections):
            return first, ""
        return None, "各节的百分号或缩放不同，且单元格没有数值"
    if any(s.condition for s in sections):
        return _conditional(sections, value)
    if len(sections) == 1 or value > 0 or value == 0 and len(sections) == 2:
        return sections[0], ""
    if value < 0:
        return sections[1], ""
    return sections[2], ""


def _conditional(sections: list[Section], value: float) -> tuple[Section | None, str]:
    """[>=100]0.0%;0.0 and the like: conditions tried in order, a section without one takes the rest."""
    if sections[0].condition is None:
        return None, "条件节的顺序无法确定"
    if _matches(sections[0].condition, value):
        return sections[0], ""
    rest = sections[1:]
    if not rest:
        return None, f"数值 {value:g} 不满足条件"
    if rest[0].condition is not None:
        if _matches(rest[0].condition, value):
            return rest[0], ""
        if len(rest) == 2 and rest[1].condition is None:
            return rest[1], ""
        return None, f"数值 {value:g} 不满足任何条件节"
    # [c]a;b;c — whether b or c takes the rest differs between programs: decided only if they read alike
    if len(rest) == 1 or _same(rest[0], rest[1]):
        return rest[0], ""
    return None, "条件节之后的两节读法不同"


def _same(a: Section, b: Section) -> bool:
    return (a.percent, a.thousands, a.is_date, a.shows) == (b.percent, b.thousands, b.is_date, b.shows)


def reading(code: str | None, value: float | None) -> Reading:
    """How a number under format `code` shows (value None: a formula without a cached result)."""
    if not code or code.strip().lower() in ("general", "@"):
        return Reading(code or "")
    if value is not None and not math.isfinite(value):
        return Reading(code)  # reported as not-a-number downstream
    if value is not None and value >= 0 and not any(sec.condition for sec in _sections(code)):
        return _reading_by_sign(code, value > 0)  # read for every cell: the same for every positive (or zero) value
    return _reading(code, value)


@functools.lru_cache(maxsize=1024)
def _reading_by_sign(code: str, positive: bool) -> Reading:
    return _reading(code, 1.0 if positive else 0.0)


def _reading(code: str, value: float | None) -> Reading:
    section, why = choose(code, value)
    if section is None:
        return Reading(code, undecided=why)
    return Reading(code, section.percent, section.thousands, section.is_date, not section.shows, section.exotic)


# ---------------------------------------------------------------------------------------------- .xls
def xls_readings(path) -> dict[str, dict[tuple[int, int], Reading]]:
    """The numeric cells of an .xls whose format matters (percent, or a problem), by sheet, 1-based (row, col).

    calamine reads the values but gives no formats; xlrd exposes each cell's XF record and its format string.
    Raises whatever xlrd raises on a file it cannot read (the reader decides what that means).
    """
    import io

    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True, logfile=io.StringIO(), on_demand=True)
    try:
        out = {}
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            found = out.setdefault(sheet.name, {})
            for r in range(sheet.nrows):
                for c, (ctype, value) in enumerate(zip(sheet.row_types(r), sheet.row_values(r))):
                    if ctype != xlrd.XL_CELL_NUMBER:
                        continue
                    key = book.xf_list[sheet.cell_xf_index(r, c)].format_key
                    fmt = book.format_map.get(key)
                    found_reading = (reading(fmt.format_str, value) if fmt is not None else
                                     Reading(undecided=f"格式编号 {key} 在文件中没有定义"))
                    if found_reading.percent or found_reading.problem or found_reading.hidden:
                        found[(r + 1, c + 1)] = found_reading
            book.unload_sheet(index)
        return out
    finally:
        book.release_resources()


# ---------------------------------------------------------------------------------------------- .ods
_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


TABLE, ROW, CELL, COVERED, COLUMN = (_q(n) for n in ("table:table", "table:table-row", "table:table-cell",
                                                      "table:covered-table-cell", "table:table-column"))
CELL_STYLE, DATA_NUMBER, DATA_TEXT, STYLE_MAP = (_q(n) for n in ("style:style", "number:number", "number:text",
                                                                  "style:map"))
# data styles a number can be shown with; a text style (the `@` section) maps numbers to number styles
DATA_STYLES = {_q(f"number:{k}-style") for k in ("number", "percentage", "currency", "text")}
DATA_SHOWN = {_q(f"number:{k}") for k in ("scientific-number", "fraction", "currency-symbol", "text-content")}
NUMERIC_TYPES = {"float", "percentage", "currency"}

# Cells with a value in one .ods, repeats counted: far beyond any return, so this many means a generated or hostile
# file (a tiny file can repeat one cell millions of times, which calamine would expand); the file is refused.
MAX_ODS_CELLS = 2_000_000
# The used range of one table (rows × columns from the first to the last cell with a value): calamine materialises
# it whole (two cells 10,000 rows and 9,000 columns apart take 5.5 GB), so it is checked before calamine opens it.
MAX_ODS_GRID = 4_000_000
MAX_REPEAT = 1 << 31  # a repeat count beyond any grid (LibreOffice writes 1048576 or 16384 for trailing blanks)


class OdsTooLarge(Exception):
    """More cells with a value than MAX_ODS_CELLS (args[0]: the count reached)."""


class OdsGridTooLarge(Exception):
    """A table's used range beyond MAX_ODS_GRID: args (table name, rows, columns)."""


class OdsMalformed(Exception):
    """Something LibreOffice would not read as written: args (table name, 1-based row, col or None, what)."""


_ODS_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")


def _repeat(el, attr: str) -> int:
    return _repeat_q(el, _q(attr))


def _repeat_q(el, qname: str) -> int:
    text = el.get(qname)
    if text is None:
        return 1
    if not text.isascii() or not text.isdigit() or int(text) > MAX_REPEAT:
        raise OdsMalformed("", 0, None, f"重复次数“{text[:20]}”无效")
    return max(1, int(text))


_ODS_CONDITION = re.compile(r"^value\(\)\s*(<=|>=|!=|<>|<|>|=)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)$")


class _OdsStyles:
    """Cell styles -> data styles (percentage or not, number:display-factor), with their conditional maps.

    LibreOffice writes `0.0;-0.0%` as a float cell whose number style maps value()<0 to a percentage style: the
    value type alone would read it wrong, so the data style the value selects decides.
    """

    def __init__(self):
        self.cell_data: dict[str, str] = {}  # cell style -> data style name
        self.cell_parent: dict[str, str] = {}
        self.kind: dict[str, str] = {}  # data style -> "number", "percentage", "currency", "text"
        self.factor: dict[str, float] = {}  # data style -> display factor
        self.maps: dict[str, list[tuple[str, str]]] = {}  # data style -> (condition, style it applies), in order
        self.signed: set[str] = set()  # data styles whose text shows a sign of their own ("-", "(", "△")
        self.shows: set[str] = set()  # data styles that display something (digits or text): others show a blank
        self._data_style: str | None = None

    def event(self, event: str, el) -> None:
        tag = el.tag
        if event == "end":
            if tag in DATA_STYLES:
                self._data_style = None
            elif tag == DATA_TEXT and self._data_style is not None:
                if any(m in (el.text or "") for m in NEGATIVE_MARKS):
                    self.signed.add(self._data_style)
                if (el.text or "").strip():
                    self.shows.add(self._data_style)
            return
        if tag in DATA_STYLES:
            self._data_style = name = el.get(_q("style:name"), "")
            self.kind[name], self.factor[name] = tag.rsplit("}", 1)[1].removesuffix("-style"), 1.0
        elif tag == DATA_NUMBER and self._data_style is not None:
            self.factor[self._data_style] = float(el.get(_q("number:display-factor"), "1"))
            self.shows.add(self._data_style)
        elif tag in DATA_SHOWN and self._data_style is not None:
            self.shows.add(self._data_style)
        elif tag == STYLE_MAP and self._data_style is not None:
            self.maps.setdefault(self._data_style, []).append(
                (el.get(_q("style:condition"), ""), el.get(_q("style:apply-style-name"), "")))
        elif tag == CELL_STYLE and el.get(_q("style:family")) == "table-cell":
            name = el.get(_q("style:name"), "")
            if data := el.get(_q("style:data-style-name")):
                self.cell_data[name] = data
            if parent := el.get(_q("style:parent-style-name")):
                self.cell_parent[name] = parent

    def data_style(self, cell_style: str | None, value: float) -> tuple[str | None, str]:
        """(the data style `value` is shown with, "") — None when the cell has none; (None, why) if undecidable."""
        seen, name = set(), cell_style
        while name and name not in self.cell_data and name not in seen:
            seen.add(name)
            name = self.cell_parent.get(name)
        data = self.cell_data.get(name or "")
        self.mapped = bool(self.maps.get(data or ""))
        for _ in range(8):  # a map applies another style, which may map again (never deeper in practice)
            if data not in self.kind:
                return None, ""
            for condition, applied in self.maps.get(data, []):
                m = _ODS_CONDITION.match(condition.replace(" ", ""))
                if m is None:
                    return None, f"无法识别的格式条件“{condition}”"
                op = "<>" if m.group(1) == "!=" else m.group(1)
                if _matches((op, float(m.group(2))), value):
                    data = applied
                    break
            else:
                return data, ""
        return None, "格式条件嵌套过深"

    def reading(self, cell_style: str | None, value_type: str, value: float) -> Reading | None:
        """How LibreOffice shows the cell: its data style decides; without one, the value type does."""
        data, why = self.data_style(cell_style, value)
        if why:
            return Reading(undecided=why)
        if data is not None and value < 0 and self.mapped and data not in self.signed:
            # a style split by conditions shows a negative number with the sign its text gives, none here
            return Reading(undecided=f"负数 {value:g} 所用的格式不显示负号，单元格显示为正数")
        if data is not None and data not in self.shows:
            return Reading(hidden=True)
        kind = value_type if data is None else self.kind[data]
        factor = 1.0 if data is None else self.factor[data]
        if factor != 1.0:
            return Reading(thousands=1) if factor == 1000 else Reading(undecided=f"按显示系数 {factor:g} 缩放显示")
        return Reading(percent_scale=1) if kind == "percentage" else None


def _fast_iterparse(fh):
    """The C parser, for a package already streamed and found free of any DTD (`parts.stream_all`)."""
    from xml.etree.ElementTree import iterparse

    return iterparse(fh, events=("start", "end"))


def _iterparse(fh):
    """defusedxml's streaming parser: no DTD, no entities (XML bombs), no external references."""
    from defusedxml.ElementTree import iterparse

    return iterparse(fh, events=("start", "end"), forbid_dtd=True)


_A = {name: _q(name) for name in ("table:name", "table:number-columns-repeated", "table:default-cell-style-name",
                                  "table:number-rows-repeated", "table:number-rows-spanned",
                                  "table:number-columns-spanned", "office:value-type", "office:value",
                                  "table:style-name")}
BODY = _q("office:body")


def ods_readings(zf: zipfile.ZipFile, merges: dict[str, list[tuple[int, int, int, int]]] | None = None,
                 dtd_checked: bool = False) -> dict[str, dict[tuple[int, int], Reading]]:
    """The percentage and display-scaled cells of an .ods, by table name, 1-based (row, col) as calamine counts.

    `merges`, when given, receives each table's merged ranges (table:number-rows-spanned / -columns-spanned) as
    (min_row, min_col, max_row, max_col): calamine gives none for .ods, and a unit name merged down its rows would
    otherwise name only the first of them.

    Streams content.xml: repeated rows and cells advance the position without being expanded, and every element
    is dropped once read, so a tiny file that repeats one cell millions of times costs no memory. Cells with a
    value are counted (MAX_ODS_CELLS) and the used range they span is bounded (MAX_ODS_GRID) as they stream.
    `dtd_checked`: the caller streamed the package and found no DTD in it (`parts.stream_all`), so the fast C
    parser may read it; otherwise defusedxml's parser refuses entities itself.
    """
    parse = _fast_iterparse if dtd_checked else _iterparse
    styles = _OdsStyles()
    names = set(zf.namelist())
    if "styles.xml" in names:
        with zf.open("styles.xml") as fh:
            for event, el in parse(fh):
                styles.event(event, el)
                if event == "end":
                    el.clear()
    out: dict[str, dict[tuple[int, int], Reading]] = {}
    found: dict[tuple[int, int], Reading] = {}
    row = col = row_repeat = total = 0
    name = ""
    r0 = r1 = c0 = c1 = 0  # the table's used range so far (1-based; r0 == 0: none yet)
    columns: list[tuple[int, str]] = []  # (first column after this run, default cell style) in order
    row_style = None
    spans = None
    stack = []
    in_body = False
    a_name, a_cols, a_default, a_rows = _A["table:name"], _A["table:number-columns-repeated"], \
        _A["table:default-cell-style-name"], _A["table:number-rows-repeated"]
    a_down, a_across, a_type, a_value, a_style = _A["table:number-rows-spanned"], \
        _A["table:number-columns-spanned"], _A["office:value-type"], _A["office:value"], _A["table:style-name"]
    readings: dict[tuple[str | None, str], Reading | None] = {}  # value-independent readings by (style, type)
    with zf.open("content.xml") as fh:
        for event, el in parse(fh):
            tag = el.tag
            if not in_body:
                styles.event(event, el)  # automatic styles come before office:body
                in_body = event == "start" and tag == BODY
            if event == "end":
                stack.pop()
                el.clear()
                if stack:
                    stack[-1].remove(el)  # keep the tree at one path from the root
                if tag == ROW:
                    row += row_repeat
                continue
            stack.append(el)
            if tag == CELL or tag == COVERED:
                repeat = _repeat_q(el, a_cols)
                if spans is not None and tag == CELL:
                    down, across = _repeat_q(el, a_down), _repeat_q(el, a_across)
                    if down > 1 or across > 1:
                        spans.append((row + 1, col + 1, row + down, col + across))
                kind = el.get(a_type)
                if kind is not None:
                    total += repeat * row_repeat
                    if total > MAX_ODS_CELLS:
                        raise OdsTooLarge(total)
                    lo, hi, left, right = row + 1, row + row_repeat, col + 1, col + repeat
                    if r0 == 0:
                        r0, r1, c0, c1 = lo, hi, left, right
                    elif lo < r0 or hi > r1 or left < c0 or right > c1:
                        r0, r1, c0, c1 = min(r0, lo), max(r1, hi), min(c0, left), max(c1, right)
                    else:
                        lo = 0  # inside the range already: nothing to check
                    if lo and (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_ODS_GRID:
                        raise OdsGridTooLarge(name, r1 - r0 + 1, c1 - c0 + 1)
                    value = el.get(a_value)
                    if kind in NUMERIC_TYPES and value is not None:
                        number = float(value) if _ODS_NUMBER.fullmatch(value) else math.nan
                        if not math.isfinite(number) or (number == 0 and re.search(r"[1-9]", re.split(r"[eE]", value)[0])):
                            raise OdsMalformed(name, row + 1, col + 1, f"存储的数值“{value[:40]}”不是有效数字")
                        style = el.get(a_style) or row_style or _column_style(columns, col)
                        key = (style, kind)
                        if key in readings:
                            r = readings[key]
                        else:
                            r = styles.reading(style, kind, number)
                            if not styles.mapped:  # no conditional map: the same for every value
                                readings[key] = r
                        if r is not None:
                            for rr in range(row + 1, row + row_repeat + 1):
                                for cc in range(col + 1, col + repeat + 1):
                                    found[(rr, cc)] = r
                col += repeat
            elif tag == ROW:
                row_repeat, col = _repeat_q(el, a_rows), 0
                row_style = el.get(a_default)
            elif tag == TABLE:
                name = el.get(a_name, "")
                found, row, columns, (r0, r1, c0, c1) = out.setdefault(name, {}), 0, [], (0, 0, 0, 0)
                spans = merges.setdefault(name, []) if merges is not None else None
            elif tag == COLUMN:
                end = (columns[-1][0] if columns else 0) + _repeat_q(el, a_cols)
                columns.append((end, el.get(a_default, "")))
    return out


def _column_style(columns: list[tuple[int, str]], col: int) -> str:
    """The default cell style of 0-based column `col` (table:table-column runs, in order)."""
    for end, style in columns:
        if col < end:
            return style
    return ""
