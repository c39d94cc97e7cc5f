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
"""

from __future__ import annotations

import copy
import functools
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SecurityError
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

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

    def render(self, ws, row: int, col: int, text: str, ctx: dict):
        """A cell's value: one whole expression keeps its type; anything else is rendered as text."""
        try:
            sandbox.tick()  # each rendered cell is a step of the file's budget
            whole = WHOLE.match(text.strip())
            if whole and "{{" not in whole.group(1) and "{%" not in text:
                value = _compiled(whole.group(1).strip(), True)(**ctx)
                if isinstance(value, StrictUndefined):
                    str(value)  # raises UndefinedError
                value = _cell_value(value)
            else:
                value = _compiled(text, False).render(**ctx)
        except (TemplateError, SecurityError, TypeError, ValueError, ArithmeticError, RecursionError,
                MemoryError) as exc:
            self.fail(ws, row, col, self.explain(exc))
        if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:
            self.fail(ws, row, col, f"填写的内容有 {len(value):,} 个字符，超过 Excel 单元格的上限（{EXCEL_CELL_CHARS:,}）")
        return value

    # -- blocks --------------------------------------------------------------------------------------
    def blocks(self, ws) -> list[_Block]:
        markers = []
        for (r, c), cell in sorted(ws._cells.items()):
            if isinstance(cell.value, str) and (m := MARKER.match(cell.value.strip())):
                markers.append((r, c, m.group(1), m.group(2)))
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
                    items = self.env.compile_expression(expr, undefined_to_none=False)(**self.context)
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

    def fill(self, out: Path) -> None:
        wb = _load(self.path)
        saved = _Snapshot(wb)
        try:
            with sandbox.budget():  # one allowance of steps and time per filled file
                maps = {ws.title: self.fill_sheet(ws) for ws in wb.worksheets}
            for dn in wb.defined_names.values():
                dn.attr_text = _move_names(dn.attr_text, maps)
            wb.save(out)
        finally:
            saved.restore()  # the parsed template is reused for the next unit (parsing is half the cost)


class _Snapshot:
    """What filling changes in a parsed template, so the same parse serves every unit of a per-unit table."""

    def __init__(self, wb):
        self.wb = wb
        self.sheets = []
        for ws in wb.worksheets:
            self.sheets.append((ws, dict(ws._cells), {r: copy.copy(d) for r, d in ws.row_dimensions.items()},
                                ws.merged_cells, [copy.deepcopy(dv) for dv in ws.data_validations.dataValidation],
                                [(str(c.sqref), list(c.rules)) for c in ws.conditional_formatting],
                                ws.print_area, ws.print_title_rows, ws.freeze_panes, ws.auto_filter.ref,
                                [b.id for b in ws.row_breaks.brk],
                                [(m, m.row) for d in [*ws._images, *ws._charts]
                                 for m in (getattr(d.anchor, "_from", None), getattr(d.anchor, "to", None)) if m],
                                {n: d.attr_text for n, d in ws.defined_names.items()}))
        self.names = {n: d.attr_text for n, d in wb.defined_names.items()}

    def restore(self) -> None:
        for (ws, cells, dims, merged, dvs, cfs, area, titles, freeze, auto, breaks, anchors, names) in self.sheets:
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
            ws.freeze_panes = freeze
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


def fill_template(template: Path, context: dict, out: Path, root: Path | None = None) -> None:
    """Render `template` (an .xlsx made by the office) with `context` into `out`; FillError if it cannot.

    The template must be a regular file inside `root` (the assessment folder; default: the template's own
    folder): a link out of it, a FIFO or a folder is refused, never opened (pipeline/render/sandbox.py)."""
    template = Path(template)
    try:
        sandbox.confined_file(template, Path(root) if root is not None else template.parent, "表样",
                              root_label="考核文件夹" if root is not None else "表样所在文件夹")
        sandbox.check_package(template, "表样")
    except sandbox.TemplateRefused as exc:
        raise FillError(exc.message) from None
    except TemplateError:  # TemplateNotFound: a path that does not exist
        raise FillError(f"表样文件 {template.name} 不存在") from None
    _Filler(template, context).fill(Path(out))
