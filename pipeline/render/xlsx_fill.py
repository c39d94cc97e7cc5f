"""Fill an office's own mandated workbook (表样) with results, keeping everything else the office put there.

The template language is to Excel what docxtpl's is to Word:

* a cell whose whole text is one ``{{ 表达式 }}`` takes the value's type: a number stays a number and keeps the
  cell's number format; nothing (None) leaves the cell empty; text around expressions renders as text;
* a row whose only text is ``{%tr for u in 单位 %}`` starts a block and ``{%tr endfor %}`` ends it: the rows between
  repeat once per item, and everything below (cells, merges, heights, validations, conditional formats, print area
  and titles, images, defined names, page breaks) moves down; the two marker rows are removed;
* ``{%tr fill u in 单位 %}`` … ``{%tr endfill %}`` marks a fixed area: its rows are filled in order with the first
  row's pattern, each keeping its own style; more items than rows is an error (the area would overflow).

Expressions render in Jinja's SandboxedEnvironment with StrictUndefined: an unknown name, a syntax error or an
unsafe access is a FillError naming file › sheet!cell, raised before anything is written. Written with
openpyxl (docs/decisions.md 27): it keeps what openpyxl reads — styles, merges, sizes, print setup,
headers/footers, validations, conditional formats, defined names, images (with Pillow) and charts; drawing shapes
and form controls are not kept.

Per-unit tables (scheme `per_unit`) fill one template thousands of times; writing each copy with openpyxl costs
~9 ms, most of it re-serialising parts that are the same in every copy (styles, theme, workbook, rels, content
types, drawings) and building Cell objects. The fast path (`_Fast`) writes the same package for a fraction of that:

* a copy's layout — every row, merge, name and anchor — depends only on how many items each `{%tr %}` block has
  (and on the workbook's style tables, which only a date value can grow). For each such *shape*, the reference path
  (openpyxl, as before the fast path; `_Snapshot` now also restores the sheet views, where each fill of a frozen
  pane used to leave two more <selection> for every later copy) fills and saves one unit; its package is read back and each worksheet with
  expressions is cut into the bytes openpyxl wrote around the expression cells (`_pieces`). The cut is checked on
  the spot: the unit's own values put back must give openpyxl's bytes again. A second unit of the same shape is
  also written the reference way, and the shape is trusted only when both packages agree part for part (all but
  docProps/core.xml and the cut worksheets): nothing else in the package depends on the unit. A template's first
  fill is never learnt from (most templates are filled once; openpyxl's first save of a parsed workbook also
  differs from its later ones), so a per-unit table's first three units, and two more per further shape, are
  written the reference way.
* every further unit of a trusted shape evaluates its blocks and renders its expression cells exactly as the
  reference path does (same sandbox budget, same steps), serialises each value as openpyxl's lxml writer does
  (`_cell_xml`), and writes a zip whose unchanged parts were compressed once. Only the worksheets with
  expressions and docProps/core.xml (its modified time) are new bytes. The zip holds the same parts, in the same
  order, with the same contents as openpyxl's (entry times and headers aside, which `reproducible.fix_zip` fixes).
* anything else takes the reference path: a value `_cell_xml` does not cover (a date, a string with characters
  lxml or openpyxl refuse), any error (the reference path then raises its own message, naming file › sheet!cell),
  and templates whose packages openpyxl builds from more than the cells (`_unsupported`: macros, charts, comments,
  hyperlinks, tables, pivots, external links, chartsheets, legacy drawings, expressions in formula cells).

A tight serialiser rather than openpyxl's WorksheetWriter: a copy of the bundled card (about 110 expression cells)
has ~1 ms, and WorksheetWriter alone builds a Cell per cell and writes through a temporary file. Its bytes are
proved per shape by the cut-and-compare above, and tests/test_xlsx_fill_fast.py compares both paths on every
bundled template and on values of every kind (numbers, escapes, error codes, refused characters). Plain lookups
(`{{ d.名称 }}`) are read from the context directly (`_lookup`) where that is certainly Jinja's value: making a Jinja
context costs ~5 µs, most of a cell.
"""

from __future__ import annotations

import copy
import datetime
import functools
import io
import re
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import openpyxl
from jinja2 import StrictUndefined, TemplateError, UndefinedError, nodes
from jinja2.parser import Parser
from jinja2.sandbox import SecurityError
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.compat import safe_string
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.xml.functions import tostring

from . import sandbox

MARKER = re.compile(r"^\{%-?\s*tr\s+(for|fill|endfor|endfill)\b\s*(.*?)\s*-?%\}$")
LOOP = re.compile(r"^([A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*)\s+in\s+(.+)$")
WHOLE = re.compile(r"^\{\{(.+)\}\}$", re.S)
EXCEL_CELL_CHARS = 32_767  # Excel's own limit for the text of one cell
MAX_TABLE_CELLS = 100_000  # cells one repeated block may make (~5 s of openpyxl work, ~80 MB; a 2,500-unit table)


class FillError(Exception):
    """A template the office must fix; the message is Chinese and names file › sheet!cell."""


@dataclass
class _Block:
    mode: str  # for | fill
    start: int  # marker row
    end: int  # endfor/endfill marker row
    var: str
    items: list
    where: str  # the marker cell, for messages


def _env():
    # no other files, no globals (no range(), lipsum()…): a table template needs only its names; loops, sizes,
    # time and recursion bounded (pipeline/render/sandbox.py)
    return sandbox.table_env()


ENV = _env()


@functools.lru_cache(maxsize=4)
def _parsed(path: str, mtime_ns: int, size: int):
    wb = openpyxl.load_workbook(path, rich_text=False)
    for ws in wb.worksheets:  # an image's data is read from a stream that openpyxl closes on save: keep the bytes
        for img in ws._images:
            ref = img.ref
            if hasattr(ref, "seek"):
                ref.seek(0)
            img.kaohe_bytes = ref.read() if hasattr(ref, "read") else Path(ref).read_bytes()
    return wb


def _load(path: Path):
    """The parsed template, parsed once per file version (fill restores it after use: _Snapshot); each use gets
    fresh streams of its images, so a template with a seal or a logo can be saved any number of times."""
    try:
        stat = path.stat()
        wb = _parsed(str(path), stat.st_mtime_ns, stat.st_size)
        for ws in wb.worksheets:
            for img in ws._images:
                img.ref = io.BytesIO(img.kaohe_bytes)
        return wb
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a file that is not a workbook
        raise FillError(f"表样 {path.name} 无法打开（{type(exc).__name__}），请确认是 .xlsx 文件") from None


@functools.lru_cache(maxsize=4096)
def _compiled(text: str, whole: bool):
    """Compile each distinct cell text once: a per-unit table repeats the same few expressions many times."""
    return ENV.compile_expression(text, undefined_to_none=False) if whole else ENV.from_string(text)


@functools.lru_cache(maxsize=4096)
def _how(text: str) -> tuple[str, bool]:
    """(source, whole): one whole `{{ expression }}` keeps its value's type; anything else renders as text."""
    whole = WHOLE.match(text.strip())
    if whole and "{{" not in whole.group(1) and "{%" not in text:
        return whole.group(1).strip(), True
    return text, False


_MISS = object()
_DICT_ATTRS = frozenset(dir(dict))  # what the sandbox's getattr finds on a dict before trying its keys
_SPECIAL_NAMES = frozenset({"result", "self", "loop", "caller", "varargs", "kwargs", "super"})  # Jinja's own


@functools.lru_cache(maxsize=4096)
def _chain(source: str) -> tuple[str, tuple[tuple[bool, object], ...]] | None:
    """A whole expression that is a name and lookups only (`序号`, `d.名称`, `u.组成部分["指标考核"]`), as
    (name, ((is_attribute, key), …)); None for anything else (operators, filters, calls, slices…)."""
    if len(source) > 200:
        return None
    try:
        parser = Parser(ENV, source, state="variable")
        node = parser.parse_expression()
        if not parser.stream.eos:
            return None
    except Exception:  # noqa: BLE001 - not parsable here: Jinja reports it when compiling
        return None
    steps = []
    while True:
        if isinstance(node, nodes.Getattr) and node.ctx == "load":
            steps.append((True, node.attr))
        elif isinstance(node, nodes.Getitem) and node.ctx == "load" and isinstance(node.arg, nodes.Const) \
                and type(node.arg.value) in (str, int):
            steps.append((False, node.arg.value))
        elif isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in _SPECIAL_NAMES:
            return node.name, tuple(reversed(steps))
        else:
            return None
        node = node.node


def _lookup(chain, ctx: dict):
    """The value Jinja's sandbox gives a `_chain` when every step is a plain dict holding the key (the sandbox's
    getattr finds no such attribute on a dict and falls back to the key; getitem takes the key); else _MISS."""
    name, steps = chain
    value = ctx.get(name, _MISS)
    for is_attr, key in steps:
        if type(value) is not dict or (is_attr and key in _DICT_ATTRS):
            return _MISS
        value = value.get(key, _MISS)
    return value


def _markers(ws) -> list[tuple[int, int, str, str]]:
    """The sheet's `{%tr … %}` cells in row order: (row, column, kind, argument)."""
    markers = []
    for (r, c), cell in sorted(ws._cells.items()):
        if isinstance(cell.value, str) and (m := MARKER.match(cell.value.strip())):
            markers.append((r, c, m.group(1), m.group(2)))
    return markers


class _Filler:
    def __init__(self, path: Path, context: dict):
        self.path, self.context, self.env = path, context, ENV

    def where(self, ws, row: int, col: int) -> str:
        return f"表样 {self.path.name} › {ws.title}!{get_column_letter(col)}{row}"

    def fail(self, ws, row: int, col: int, reason: str):
        raise FillError(f"{self.where(ws, row, col)}：{reason}")

    # -- expressions --------------------------------------------------------------------------------
    def explain(self, exc: Exception) -> str:
        if isinstance(exc, UndefinedError):
            m = re.search(r"'([^']+)' is undefined", str(exc)) or re.search(r"has no attribute '([^']+)'", str(exc))
            name = m.group(1) if m else str(exc)
            return f"未知名称“{name}”（可用的名称见《方案编写指南》“表样”一节）"
        if isinstance(exc, sandbox.LimitExceeded):
            return f"超出表样资源限制：{exc.message}"
        if isinstance(exc, sandbox.TemplateRefused):
            return str(exc.message)
        if isinstance(exc, SecurityError):
            return "表达式访问了不允许的内容（已在安全沙箱中拒绝）"
        if isinstance(exc, RecursionError):
            return "表达式嵌套或递归过深"
        if isinstance(exc, MemoryError):
            return "表达式生成的内容过多，内存不足"
        return f"表达式有误：{getattr(exc, 'message', None) or exc}"

    def render(self, ws, row: int, col: int, text: str, ctx: dict, lookups: bool = False):
        """A cell's value: one whole expression keeps its type; anything else is rendered as text. `lookups` (the
        fast path): a plain name-and-keys expression is looked up directly (`_lookup`) instead of through a
        Jinja context (which costs ~5 µs to make), when that gives Jinja's value for certain."""
        try:
            sandbox.tick()  # each rendered cell is a step of the file's budget
            source, whole = _how(text)
            if whole:
                chain = _chain(source) if lookups else None
                value = _lookup(chain, ctx) if chain is not None else _MISS
                if value is _MISS:
                    value = _compiled(source, True)(**ctx)
                if isinstance(value, StrictUndefined):
                    str(value)  # raises UndefinedError
                value = _cell_value(value)
            else:
                value = _compiled(source, False).render(**ctx)
        except (TemplateError, SecurityError, TypeError, ValueError, ArithmeticError, RecursionError,
                MemoryError) as exc:
            self.fail(ws, row, col, self.explain(exc))
        if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:
            self.fail(ws, row, col, f"填写的内容有 {len(value):,} 个字符，超过 Excel 单元格的上限（{EXCEL_CELL_CHARS:,}）")
        return value

    # -- blocks --------------------------------------------------------------------------------------
    def blocks(self, ws, markers: list | None = None) -> list[_Block]:
        """The sheet's blocks with their items; `markers`: the sheet's `_markers`, when known (the fast path)."""
        markers = _markers(ws) if markers is None else markers
        out, open_ = [], None
        for r, c, kind, arg in markers:
            if kind in ("for", "fill"):
                if open_ is not None:
                    self.fail(ws, r, c, "重复区域不能嵌套：上一个 {%tr " + open_[2] + " %} 还没有结束")
                loop = LOOP.match(arg)
                if not loop:
                    self.fail(ws, r, c, f"重复区域写法应为 {{%tr {kind} 变量 in 列表 %}}，如 {{%tr for u in 单位 %}}")
                open_ = (r, c, kind, loop.group(1), loop.group(2))
            else:
                if open_ is None or kind != "end" + open_[2]:
                    self.fail(ws, r, c, f"{{%tr {kind} %}} 没有对应的开始标记")
                r0, c0, mode, var, expr = open_
                try:
                    items = _compiled(expr, True)(**self.context)  # the same compile, done once per text
                    items = list(items)
                    sandbox.made(items)
                except (TemplateError, SecurityError, TypeError, ValueError, ArithmeticError, RecursionError,
                        MemoryError) as exc:
                    self.fail(ws, r0, c0, self.explain(exc))
                # every cell a repeated block will make is a step of the budget, charged before any is made
                rows = (r - r0 - 1) * len(items) if mode == "for" else 0
                cells = sum(1 for (cr, _) in ws._cells if r0 < cr < r) * len(items) if mode == "for" else 0
                if rows > 1_048_576 or cells > MAX_TABLE_CELLS:
                    self.fail(ws, r0, c0, f"重复区域要生成 {rows:,} 行、{cells:,} 个单元格，超过上限"
                                          f"（Excel 最多 1,048,576 行；一个重复区域最多 {MAX_TABLE_CELLS:,} 个单元格）")
                try:
                    sandbox.tick(max(cells, 1))
                except sandbox.LimitExceeded as exc:
                    self.fail(ws, r0, c0, self.explain(exc))
                out.append(_Block(mode, r0, r, var, items, self.where(ws, r0, c0)))
                open_ = None
        if open_ is not None:
            self.fail(ws, open_[0], open_[1], f"缺少与之配对的 {{%tr end{open_[2]} %}}")
        return out

    def row_plan(self, ws, blocks: list[_Block]) -> dict[int, list[tuple[int, dict, int]]]:
        """template row -> [(output row, context, pattern row)]; marker rows map to nothing."""
        plan: dict[int, list[tuple[int, dict, int]]] = {}
        out = 0
        last = max([ws.max_row] + [b.end for b in blocks])
        by_start = {b.start: b for b in blocks}
        r = 1
        while r <= last:
            b = by_start.get(r)
            if b is None:
                out += 1
                plan[r] = [(out, self.context, r)]
                r += 1
                continue
            plan[b.start], plan[b.end] = [], []
            rows = list(range(b.start + 1, b.end))
            if b.mode == "fill":
                if len(b.items) > len(rows):
                    raise FillError(f"{b.where}：固定区域只有 {len(rows)} 行，需要填写 {len(b.items)} 项，"
                                    "表样放不下；请在表样中增加行，或改用 {%tr for %} 自动插入行")
                for i, tr in enumerate(rows):
                    out += 1
                    if i < len(b.items):
                        plan[tr] = [(out, {**self.context, b.var: b.items[i], "序号": i + 1}, rows[0])]
                    else:
                        plan[tr] = [(out, None, tr)]  # an unused row of the area: styles kept, expressions cleared
            else:
                for tr in rows:
                    plan[tr] = []
                for i, item in enumerate(b.items):
                    ctx = {**self.context, b.var: item, "序号": i + 1}
                    for tr in rows:
                        out += 1
                        plan[tr].append((out, ctx, tr))
            r = b.end + 1
        return plan

    # -- the sheet -----------------------------------------------------------------------------------
    def fill_sheet(self, ws) -> "_RowMap":
        blocks = self.blocks(ws)
        plan = self.row_plan(ws, blocks)
        rows = _RowMap(plan, blocks)
        old_cells = dict(ws._cells)
        new_cells: dict[tuple[int, int], Cell] = {}
        pattern_cols: dict[int, list[int]] = {}
        for (r, c) in old_cells:
            pattern_cols.setdefault(r, []).append(c)
        for r, outs in plan.items():
            for out, ctx, pattern in outs:
                # a fill area's row takes its pattern row's values and keeps its own styles
                for c in sorted(set(pattern_cols.get(r, [])) | set(pattern_cols.get(pattern, []))):
                    own, src = old_cells.get((r, c)), old_cells.get((pattern, c))
                    styled = own or src
                    new = Cell(ws, row=out, column=c)
                    new._style = copy.copy(styled._style)
                    if own is not None and own.hyperlink is not None:
                        new._hyperlink = copy.copy(own.hyperlink)
                    if own is not None and own.comment is not None and out == rows.first(r):
                        new.comment = copy.copy(own.comment)
                    value = src.value if src is not None else None
                    if isinstance(value, str) and ("{{" in value or "{%" in value):
                        value = None if ctx is None else self.render(ws, pattern, c, value, ctx)
                    elif src is not None and src.data_type == "f" and isinstance(value, str):
                        value = rows.move_formula(value, pattern, out)
                    _set(new, value)
                    if src is not None and src.data_type == "f" and isinstance(value, str) and value.startswith("="):
                        new.data_type = "f"  # the office's own formula, references moved with the rows
                    new_cells[(out, c)] = new
        ws._cells = new_cells

        old_dims = {r: copy.copy(d) for r, d in ws.row_dimensions.items()}
        ws.row_dimensions.clear()
        for r, outs in plan.items():
            if r in old_dims:
                for out, _, _ in outs:
                    d = copy.copy(old_dims[r])
                    d.index = out
                    ws.row_dimensions[out] = d

        merged = [CellRange(str(m)) for m in ws.merged_cells.ranges]
        ws.merged_cells = MultiCellRange()
        for m in merged:  # a merge inside a repeated block repeats; others move, or stretch over a block
            block = rows.block_of(m.min_row, m.max_row)
            if block is not None:
                for out, _, _ in plan[m.min_row]:
                    ws.merged_cells.add(CellRange(min_col=m.min_col, max_col=m.max_col, min_row=out,
                                                  max_row=out + m.max_row - m.min_row))
            elif moved := rows.move_range(m.coord):
                ws.merged_cells.add(CellRange(moved))

        for dv in ws.data_validations.dataValidation:
            dv.sqref = MultiCellRange(rows.move_range(str(dv.sqref)) or "")
        ws.data_validations.dataValidation = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref)]
        cf = ws.conditional_formatting
        rules = [(str(r.sqref), list(r.rules)) for r in cf]
        cf._cf_rules.clear()
        for ref, rule_list in rules:
            if moved := rows.move_range(ref):
                for rule in rule_list:
                    cf.add(moved, rule)
        if ws.print_area:
            areas = [rows.move_range(a.split("!")[-1].replace("$", "")) for a in str(ws.print_area).split(",")]
            ws.print_area = [a for a in areas if a] or None
        if ws.print_title_rows:
            nums = [int(x) for x in re.findall(r"\d+", ws.print_title_rows)[:2]]
            if moved := rows.span(nums[0], nums[-1]):
                ws.print_title_rows = f"{moved[0]}:{moved[1]}"
        if ws.freeze_panes:
            col, row = re.match(r"([A-Z]+)(\d+)", ws.freeze_panes).groups()
            if moved := rows.span(int(row), int(row)):
                ws.freeze_panes = f"{col}{moved[0]}"
        if ws.auto_filter.ref:
            ws.auto_filter.ref = rows.move_range(ws.auto_filter.ref)
        for brk in ws.row_breaks.brk:
            if moved := rows.span(brk.id, brk.id):
                brk.id = moved[1]
        for drawing in [*ws._images, *ws._charts]:
            for marker in (getattr(drawing.anchor, "_from", None), getattr(drawing.anchor, "to", None)):
                if marker is not None and (moved := rows.span(marker.row + 1, marker.row + 1)):
                    marker.row = moved[0] - 1
        for dn in ws.defined_names.values():
            dn.attr_text = _move_names(dn.attr_text, {ws.title: rows})
        return rows

    def fill(self, out: Path, fast: bool = True) -> None:
        """Fill into `out`: the fast path when the template and this unit allow it, else the reference path."""
        wb = _load(self.path)
        state = _Fast.of(wb) if fast else None
        if state is not None and state.reason is None:
            try:
                if self.fill_fast(wb, state, out):
                    state.fast += 1
                    return
            except Exception:  # noqa: BLE001 - any error: the reference path below raises it with its own message
                pass
        self.fill_reference(wb, out, state if state is not None and state.reason is None else None)

    def fill_reference(self, wb, out: Path, learn: "_Fast | None" = None) -> None:
        """The reference path: fill the parsed template in place with openpyxl, save, restore it; `learn` reads the
        saved package to learn its shape for the fast path."""
        saved = _Snapshot(wb)
        try:
            styles = _styles_print(wb)
            with sandbox.budget():  # one allowance of steps and time per filled file
                maps = {ws.title: self.fill_sheet(ws) for ws in wb.worksheets}
            for dn in wb.defined_names.values():
                dn.attr_text = _move_names(dn.attr_text, maps)
            wb.save(out)
            if learn is not None:
                learn.reference += 1
                # not from a template's first fill: most are filled once (the summary, once a run), and openpyxl's
                # first save differs from its later ones anyway; not when a value added a style (a date): the
                # next units' packages differ from this one
                if learn.reference > 1 and _styles_print(wb) == styles:
                    learn.learn(self, wb, maps, saved, Path(out), styles)
        finally:
            saved.restore()  # the parsed template is reused for the next unit (parsing is half the cost)

    def fill_fast(self, wb, state: "_Fast", out: Path) -> bool:
        """Write `out` from the learnt shape; False (nothing written) when the shape is not known yet or a value
        needs the reference path. Blocks and cells are evaluated as fill_sheet does, within the same budget."""
        if any(type(k) is not str for k in self.context):  # Jinja's call(**ctx) refuses them: the reference way
            return False
        with sandbox.budget():
            found = [self.blocks(ws, markers) for ws, markers in zip(wb.worksheets, state.markers)]
            shape = state.shapes.get(_shape_key(found, _styles_print(wb)))
            if shape is None or not shape.trusted:
                return False
            parts = {}
            for index, pieces in shape.sheets.items():
                ws = wb.worksheets[index]
                items = [[{**self.context, b.var: item, "序号": i + 1} for i, item in enumerate(b.items)]
                         for b in found[index]]
                xml = []
                for piece in pieces:
                    if piece.__class__ is bytes:
                        xml.append(piece)
                        continue
                    ctx = self.context if piece.block < 0 else items[piece.block][piece.item]
                    cell = _cell_xml(piece, self.render(ws, piece.pattern, piece.col, piece.text, ctx, True))
                    if cell is None:
                        return False
                    xml.append(cell)
                parts[index] = b"".join(xml)
        state.write(wb, shape, parts, out)
        return True


class _Snapshot:
    """What filling changes in a parsed template, so the same parse serves every unit of a per-unit table."""

    def __init__(self, wb):
        self.wb = wb
        self.sheets = []
        for ws in wb.worksheets:
            self.sheets.append((ws, dict(ws._cells), {r: copy.copy(d) for r, d in ws.row_dimensions.items()},
                                ws.merged_cells, [copy.deepcopy(dv) for dv in ws.data_validations.dataValidation],
                                [(str(c.sqref), list(c.rules)) for c in ws.conditional_formatting],
                                ws.print_area, ws.print_title_rows, copy.deepcopy(ws.views), ws.auto_filter.ref,
                                [b.id for b in ws.row_breaks.brk],
                                [(m, m.row) for d in [*ws._images, *ws._charts]
                                 for m in (getattr(d.anchor, "_from", None), getattr(d.anchor, "to", None)) if m],
                                {n: d.attr_text for n, d in ws.defined_names.items()}))
        self.names = {n: d.attr_text for n, d in wb.defined_names.items()}

    def restore(self) -> None:
        for (ws, cells, dims, merged, dvs, cfs, area, titles, views, auto, breaks, anchors, names) in self.sheets:
            ws._cells = cells
            ws.row_dimensions.clear()
            for r, d in dims.items():
                ws.row_dimensions[r] = d
            ws.merged_cells = merged
            ws.data_validations.dataValidation = [copy.deepcopy(dv) for dv in dvs]
            ws.conditional_formatting._cf_rules.clear()
            for ref, rules in cfs:
                for rule in rules:
                    ws.conditional_formatting.add(ref, rule)
            ws.print_area = area.split("!")[-1] if area else None
            ws.print_title_rows = titles
            # the sheet views as parsed: setting freeze_panes again would insert two more <selection> each time,
            # and every later copy of the template would carry all of them
            ws.views = copy.deepcopy(views)
            ws.auto_filter.ref = auto
            for brk, row in zip(ws.row_breaks.brk, breaks):
                brk.id = row
            for marker, row in anchors:
                marker.row = row
            for n, text in names.items():
                ws.defined_names[n].attr_text = text
        for n, text in self.names.items():
            self.wb.defined_names[n].attr_text = text


class _RowMap:
    """Where each template row went: the arithmetic every moved reference (merge, validation, name…) shares."""

    def __init__(self, plan: dict[int, list[tuple[int, dict, int]]], blocks: list[_Block]):
        self.plan, self.blocks = plan, blocks
        self.planned = max(plan, default=0)
        self.delta = sum(len(v) for v in plan.values()) - self.planned  # rows added below everything planned

    def first(self, r: int) -> int | None:
        if r > self.planned:
            return r + self.delta
        outs = self.plan.get(r)
        return outs[0][0] if outs else None

    def last(self, r: int) -> int | None:
        if r > self.planned:
            return r + self.delta
        outs = self.plan.get(r)
        return outs[-1][0] if outs else None

    def span(self, r0: int, r1: int) -> tuple[int, int] | None:
        """Output rows covered by template rows r0..r1 (None when they were only marker rows)."""
        inside = range(r0, min(r1, self.planned) + 1)
        start = next((self.first(r) for r in inside if self.first(r) is not None), None)
        if start is None and r1 > self.planned:
            start = max(r0, self.planned + 1) + self.delta
        end = self.last(r1) if r1 > self.planned else next(
            (self.last(r) for r in reversed(inside) if self.last(r) is not None), None)
        if start is None or end is None:
            return None
        return start, min(end, 1_048_576)

    def block_of(self, r0: int, r1: int) -> _Block | None:
        return next((b for b in self.blocks if b.mode == "for" and b.start < r0 and r1 < b.end), None)

    def move_range(self, ref: str) -> str | None:
        parts = []
        for piece in str(ref).split():
            min_col, min_row, max_col, max_row = range_boundaries(piece.replace("$", ""))
            if moved := self.span(min_row, max_row):
                parts.append(CellRange(min_col=min_col, max_col=max_col, min_row=moved[0], max_row=moved[1]).coord)
        return " ".join(parts) or None

    def move_formula(self, formula: str, at: int, out: int) -> str:
        """The office's formula at template row `at`, written at output row `out`: same-sheet references move.

        A reference into the same repeated block follows the copy it is written in (=C5*2 in each unit's row);
        a range over a block stretches to cover every copy (=SUM(C5:C5) below the block sums all units).
        """
        block = self.block_of(at, at)
        offset = out - (self.first(at) or out)

        def row_of(r: int) -> int:
            if block is not None and block.start < r < block.end:
                return (self.first(r) or r) + offset  # the same copy of the block
            return self.first(r) or r

        def repl(m):
            if m.group(1):  # another sheet's reference: left alone
                return m.group(0)
            c1, d1, r1, c2, d2, r2 = m.group(2), m.group(3), int(m.group(4)), m.group(5), m.group(6), m.group(7)
            if c2 is None:
                return f"{c1}{d1}{row_of(r1)}"
            lo, hi = sorted((r1, int(r2)))
            inside_same_copy = block is not None and self.block_of(lo, hi) is block
            moved = (row_of(lo), row_of(hi)) if inside_same_copy else self.span(lo, hi)
            return f"{c1}{d1}{moved[0] if moved else lo}:{c2}{d2}{moved[1] if moved else hi}"

        ref = r"(\$?[A-Z]{1,3})(\$?)(\d+)"
        return re.sub(r"((?:'[^']+'|[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*)!)?" + ref + r"(?::" + ref + r")?",
                      repl, formula)


# ------------------------------------------------------------------------------------------------ the fast path
MAX_SHAPES = 32  # shapes learnt per template version (one per distinct block lengths); more take the reference path
MAX_TRIES = 4  # reference fills of a shape that may each disagree with the previous one; then it is given up
MAX_LEARNT = 4_000_000  # bytes of parts (unpacked) a shape may keep; a larger package is filled the reference way
_SHEET_DATA, _SHEET_DATA_END = b"<sheetData>", b"</sheetData>"
_ROW = re.compile(rb'<row r="(\d+)"[^>/]*>(.*?)</row>', re.S)  # openpyxl/lxml write no row as <row/>
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)  # text in a cell never holds "<"
# what lxml writes as it is (characters refs aside); the rest (NUL, control characters, U+FFFE/U+FFFF, lone
# surrogates) openpyxl or lxml refuse, and the reference path raises their error
_XML_TEXT = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
_CORE = "docProps/core.xml"


class _Slot(NamedTuple):
    """An expression cell of a learnt shape: where it is, what it renders, and openpyxl's start of its <c>."""
    row: int
    col: int
    text: str  # the template cell's text
    pattern: int  # its template row (messages name it, as fill_sheet does)
    block: int  # the block whose item this row shows (-1: the top-level names)
    item: int
    head: str  # '<c r="B5" s="3"'
    styled: bool


def _cell_xml(slot: _Slot, value) -> bytes | None:
    """The bytes openpyxl writes for `value` in `slot` (Cell.value = value, then lxml_write_cell); None for a value
    not covered here (a date, a subclass, an unencodable string…): that unit takes the reference path."""
    t = type(value)
    if value is None:
        return (slot.head + ' t="n"></c>').encode() if slot.styled else b""  # unstyled and empty: not written
    if t is str:
        if not value:
            return (slot.head + ' t="inlineStr"></c>').encode()
        if not _XML_TEXT.fullmatch(value):
            return None
        text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
        if value in ERROR_CODES:  # Cell types "#N/A" as an error value
            xml = f'{slot.head} t="e"><v>{text}</v></c>'
        elif value != value.strip():
            xml = f'{slot.head} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
        else:
            xml = f'{slot.head} t="inlineStr"><is><t>{text}</t></is></c>'
        return xml.encode("ascii", "xmlcharrefreplace")  # lxml writes ASCII with decimal character references
    if t is int or t is float:
        try:
            return f'{slot.head} t="n"><v>{safe_string(value)}</v></c>'.encode()
        except OverflowError:  # an int beyond float range: openpyxl fails while saving
            return None
    return None


def _styles_print(wb) -> tuple:
    """The sizes of the style tables: they only grow, and a cell value can grow them (a date adds a number format)."""
    return (len(wb._cell_styles), len(wb._fonts), len(wb._fills), len(wb._borders), len(wb._alignments),
            len(wb._protections), len(wb._number_formats), len(wb._named_styles),
            len(wb._differential_styles.styles))


def _shape_key(blocks: list[list[_Block]], styles: tuple) -> tuple:
    return tuple(tuple(len(b.items) for b in sheet) for sheet in blocks), styles


def _unsupported(wb) -> str | None:
    """Why the fast path cannot copy this template exactly, or None. Each reason is something openpyxl writes
    from more than the cells while saving (or something not verified here), so every unit takes the reference path."""
    if wb.vba_archive is not None:
        return "macros: openpyxl copies VBA parts from the source archive while saving"
    if wb.chartsheets:
        return "chartsheets"
    if wb._external_links:
        return "external links"
    if wb._pivots:
        return "pivot tables"
    for ws in wb.worksheets:
        if ws._charts:
            return "charts: written from chart objects while saving, not verified by the fast path"
        if ws._pivots:
            return "pivot tables"
        if ws.tables:
            return "tables: openpyxl names table columns from the header cells while saving"
        if ws.legacy_drawing is not None:
            return "legacy (VML) drawings"
        for cell in ws._cells.values():
            if cell._comment is not None:
                return "comments: copied to the first copy of a row only, written as VML parts while saving"
            if cell.hyperlink is not None:
                return "hyperlinks: collected while the cells are written, with relationships of their own"
            if isinstance(cell.value, str) and ("{{" in cell.value or "{%" in cell.value) and cell.data_type != "s":
                return "an expression in a formula cell: its result may become a formula"
    return None


def _same_item(ctx: dict, base: dict, block: _Block, i: int) -> bool:
    """`ctx` is the context row_plan made for item i of `block` (what the fast path rebuilds for every unit)."""
    if len(ctx) != len({**base, block.var: None, "序号": None}) or ctx.get(block.var, ctx) is not block.items[i]:
        return False
    if block.var != "序号" and ctx.get("序号") != i + 1:
        return False
    return all(ctx[k] is v for k, v in base.items() if k not in (block.var, "序号"))


def _slots(filler: _Filler, ws, rows: _RowMap, cells: dict) -> dict[tuple[int, int], _Slot] | None:
    """The expression cells fill_sheet rendered into `ws` (the reference fill just done), by output cell; None
    when a row's context is not one the fast path can rebuild."""
    pattern_cols: dict[int, list[int]] = {}
    for (r, c) in cells:
        pattern_cols.setdefault(r, []).append(c)
    slots = {}
    for r, outs in rows.plan.items():
        block = next((k for k, b in enumerate(rows.blocks) if b.start < r < b.end), None)
        for pos, (out, ctx, pattern) in enumerate(outs):
            for c in sorted(set(pattern_cols.get(r, [])) | set(pattern_cols.get(pattern, []))):
                src = cells.get((pattern, c))
                value = src.value if src is not None else None
                if ctx is None or not (isinstance(value, str) and ("{{" in value or "{%" in value)):
                    continue  # a constant, a moved formula or a cleared row: the same bytes for every unit
                if ctx is filler.context:
                    source = (-1, 0)
                elif block is not None:
                    b = rows.blocks[block]
                    i = pos if b.mode == "for" else r - b.start - 1
                    if not _same_item(ctx, filler.context, b, i):
                        return None
                    source = (block, i)
                else:
                    return None
                cell = ws._cells[(out, c)]
                head = f'<c r="{cell.coordinate}"' + (f' s="{cell.style_id}"' if cell.has_style else "")
                slots[(out, c)] = _Slot(out, c, value, pattern, *source, head, cell.has_style)
    return slots


def _pieces(xml: bytes, ws, slots: dict[tuple[int, int], _Slot]) -> list | None:
    """Cut openpyxl's worksheet part at the expression cells: bytes and slots, in order; None when the part is not
    laid out as expected (then the shape is not learnt)."""
    start, end = xml.find(_SHEET_DATA), xml.rfind(_SHEET_DATA_END)
    if start < 0 or end < start or xml.count(_SHEET_DATA) != 1:
        return None
    start += len(_SHEET_DATA)
    by_row: dict[int, list[int]] = {}
    for (r, c) in ws._cells:
        by_row.setdefault(r, []).append(c)
    pieces: list = [xml[:start]]
    pos, seen = start, set()
    while pos < end:
        m = _ROW.match(xml, pos, end)
        if m is None:
            return None
        r, content = int(m.group(1)), m.group(2)
        written, at = {}, 0
        while at < len(content):
            cm = _CELL.match(content, at)
            if cm is None or int(cm.group(2)) != r:
                return None
            written[column_index_from_string(cm.group(1).decode())] = cm.group(0)
            at = cm.end()
        pieces.append(xml[m.start():m.start(2)])
        used = 0
        for c in sorted(by_row.get(r, [])):
            if (r, c) in slots:
                pieces.append(slots[(r, c)])
                seen.add((r, c))
                used += c in written
            elif c in written:
                pieces.append(written[c])
                used += 1
        if used != len(written):
            return None
        pieces.append(b"</row>")
        pos = m.end()
    if seen != set(slots):
        return None
    pieces.append(xml[end:])
    merged: list = []
    for piece in pieces:  # adjacent bytes joined once here rather than for every unit
        if piece.__class__ is bytes and merged and merged[-1].__class__ is bytes:
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def _deflate(data: bytes) -> tuple[int, int, int, bytes]:
    """(crc, compressed size, size, compressed bytes): zipfile's ZIP_DEFLATED at its default level."""
    c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    packed = c.compress(data) + c.flush()
    return zlib.crc32(data), len(packed), len(data), packed


def _write_zip(path: Path, entries: list[tuple[str, int, int, int, bytes]]) -> None:
    """A zip of deflated entries laid out as zipfile writes them (entry time now, Unix host, rw for the owner)."""
    if len(entries) >= 0xFFFF or sum(e[2] + e[3] + 200 for e in entries) >= 0x7FFFFFFF:
        raise ValueError("package too large for a zip without zip64 records")
    y, mo, d, h, mi, sec = time.localtime(time.time())[:6]
    dos_time, dos_date = h << 11 | mi << 5 | sec // 2, (y - 1980) << 9 | mo << 5 | d
    body, central = bytearray(), bytearray()
    for name, crc, packed_size, size, packed in entries:
        try:
            raw, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            raw, flags = name.encode("utf-8"), 0x800
        offset = len(body)
        body += struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, flags, zipfile.ZIP_DEFLATED, dos_time, dos_date,
                            crc, packed_size, size, len(raw), 0)
        body += raw
        body += packed
        central += struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, flags, zipfile.ZIP_DEFLATED,
                               dos_time, dos_date, crc, packed_size, size, len(raw), 0, 0, 0, 0, 0o600 << 16, offset)
        central += raw
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(body), 0)
    with open(path, "wb") as fh:
        fh.write(body + central + end)


@dataclass
class _Shape:
    """One shape of a template's copies: openpyxl's parts of a reference fill, its worksheets cut into pieces."""
    names: list[str]  # the parts in openpyxl's order
    parts: dict[str, bytes]
    sheets: dict[int, list]  # worksheet index -> pieces (bytes and _Slot)
    sheet_names: dict[int, str]
    trusted: bool = False
    entries: list | None = None  # per part: (name, "sheet", index) / (name, "core", None) / (name, "static", deflated)

    def agrees(self, other: "_Shape") -> bool:
        cut = set(self.sheet_names.values())
        return (self.names == other.names and self.sheets == other.sheets and self.sheet_names == other.sheet_names
                and all(self.parts[n] == other.parts[n] for n in self.names if n != _CORE and n not in cut))

    def trust(self) -> None:
        by_name = {name: index for index, name in self.sheet_names.items()}
        self.entries = [(n, "sheet", by_name[n]) if n in by_name else (n, "core", None) if n == _CORE
                        else (n, "static", _deflate(self.parts[n])) for n in self.names]
        self.parts = {}  # the compressed copies are kept instead
        self.trusted = True


_ABSENT = object()


class _Fast:
    """What the fast path knows of one parsed template version; kept on the workbook `_parsed` caches, so it is
    dropped with it when the file changes."""

    def __init__(self, wb):
        self.reason = _unsupported(wb)  # None: the fast path applies
        self.markers = [_markers(ws) for ws in wb.worksheets]
        self.shapes: dict = {}  # shape key -> _Shape (a candidate until a second reference fill agrees) or None
        self.tries: dict = {}  # shape key -> reference fills that disagreed with the one before
        self.core: tuple = (None, None)  # (modified time, deflated docProps/core.xml) of the last second
        self.fast = self.reference = 0  # files written each way (tests read them)

    @classmethod
    def of(cls, wb) -> "_Fast":
        state = getattr(wb, "kaohe_fast", None)
        if state is None:  # made while the parsed template is as loaded (fill always restores it)
            state = wb.kaohe_fast = cls(wb)
        return state

    def learn(self, filler: _Filler, wb, maps: dict, saved: "_Snapshot", out: Path, styles: tuple) -> None:
        """After a reference fill of `wb` into `out` (before the template is restored): learn or confirm its shape."""
        key = _shape_key([maps[ws.title].blocks for ws in wb.worksheets], styles)
        known = self.shapes.get(key, _ABSENT)
        if known is None or (known is not _ABSENT and known.trusted):
            return  # given up, or known
        if known is _ABSENT and len(self.shapes) >= MAX_SHAPES:
            return
        try:
            shape = self._shape(filler, wb, maps, saved, out)
        except Exception:  # noqa: BLE001 - an unexpected layout: those units keep the reference path
            shape = None
        if shape is None:
            self.shapes[key] = None
        elif known is not _ABSENT and known.agrees(shape):
            known.trust()
        elif known is _ABSENT or self.tries.get(key, 0) < MAX_TRIES:
            # openpyxl's first save of a parsed workbook differs from later ones (it sets sheetFormatPr's
            # outlineLevelCol for good): the later fill is the one the next units are like
            self.tries[key] = self.tries.get(key, 0) + (known is not _ABSENT)
            self.shapes[key] = shape
        else:
            self.shapes[key] = None

    def _shape(self, filler: _Filler, wb, maps: dict, saved: "_Snapshot", out: Path) -> _Shape | None:
        with zipfile.ZipFile(out) as zf:
            if sum(info.file_size for info in zf.infolist()) > MAX_LEARNT:
                return None
            members = [(info.filename, zf.read(info)) for info in zf.infolist()]
        names = [n for n, _ in members]
        parts = dict(members)
        if len(parts) != len(names) or _CORE not in parts:
            return None
        sheets, sheet_names = {}, {}
        for index, ws in enumerate(wb.worksheets):
            slots = _slots(filler, ws, maps[ws.title], saved.sheets[index][1])
            if slots is None:
                return None
            if not slots:
                continue  # no expressions: the part is the same for every unit of the shape
            name = ws.path[1:]
            pieces = _pieces(parts.get(name, b""), ws, slots)
            if pieces is None:
                return None
            # the cut is right for this unit: its own values, serialised here, give openpyxl's bytes again
            own = [piece if piece.__class__ is bytes else _cell_xml(piece, ws._cells[(piece.row, piece.col)]._value)
                   for piece in pieces]
            if None in own or b"".join(own) != parts[name]:
                return None
            sheets[index], sheet_names[index] = pieces, name
        return _Shape(names, parts, sheets, sheet_names)

    def write(self, wb, shape: _Shape, parts: dict[int, bytes], out: Path) -> None:
        """The package: the shape's unchanged parts as compressed once, the unit's worksheets, core.xml of now."""
        now = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None)
        wb.properties.modified = now  # what openpyxl's save_workbook does; written to the second
        second = now.replace(microsecond=0)
        if self.core[0] != second:
            self.core = (second, _deflate(tostring(wb.properties.to_tree())))
        entries = []
        for name, kind, payload in shape.entries:
            if kind == "sheet":
                entries.append((name, *_deflate(parts[payload])))
            elif kind == "core":
                entries.append((name, *self.core[1]))
            else:
                entries.append((name, *payload))
        _write_zip(out, entries)


def _move_names(text: str, maps: dict[str, _RowMap]) -> str:
    """Defined names (print areas, named ranges) pointing into filled sheets follow their rows."""
    def repl(m):
        sheet = m.group(1).strip("'")
        rows = maps.get(sheet)
        moved = rows.move_range(m.group(2).replace("$", "")) if rows else None
        return f"{m.group(1)}!{_absolute(moved)}" if moved else m.group(0)
    return re.sub(r"('[^']+'|[^!,'\s=()]+)!(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)", repl, text or "")


def _absolute(ref: str) -> str:
    return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)


def _cell_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k}{v}" for k, v in value.items())
    return value


def _set(cell: Cell, value) -> None:
    """Numbers as numbers, text always as text: a value beginning with = is never a formula."""
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"


def fill_template(template: Path, context: dict, out: Path, root: Path | None = None, *, fast: bool = True) -> None:
    """Render `template` (an .xlsx made by the office) with `context` into `out`; FillError if it cannot.

    The template must be a regular file inside `root` (the assessment folder; default: the template's own
    folder): a link out of it, a FIFO or a folder is refused, never opened (pipeline/render/sandbox.py).
    `fast=False` takes only the reference path (openpyxl for every copy); tests compare the two."""
    template = Path(template)
    try:
        sandbox.confined_file(template, Path(root) if root is not None else template.parent, "表样",
                              root_label="考核文件夹" if root is not None else "表样所在文件夹")
        sandbox.check_package(template, "表样")
    except sandbox.TemplateRefused as exc:
        raise FillError(exc.message) from None
    except TemplateError:  # TemplateNotFound: a path that does not exist
        raise FillError(f"表样文件 {template.name} 不存在") from None
    _Filler(template, context).fill(Path(out), fast=fast)
