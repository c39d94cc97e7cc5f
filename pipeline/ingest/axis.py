"""Where a table is, found by its content: the unit axis and the header block above it.

A department lays its return out as it likes: the unit column may be headed 乡镇（街道）, 镇别 or nothing at all, and
a statistics table often puts the townships across the top. What every layout shares is that the units' names are
there. The scheme knows every unit and alias, so the column — or the row — whose cells name the most distinct known
units is the unit axis. The header is the block of rows directly above the first unit (blank and section rows
skipped), up to the title, 填报单位 and 单位：万元 lines, which are not headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..numbers import normalize_text
from ..units import UnitResolver
from .reader import Sheet

MAX_HEADER_ROWS = 5
# a section heading among the units (一、平原乡镇 / （二）山区乡镇 / 第一组 / 其中：…): never a unit, never a header
SECTION = re.compile(r"^([一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[组类片]|其中[:：])")
META_LINE = re.compile(r"^[^:：]{1,20}[:：]")  # 填报单位：… / 单位：万元 / 填报日期：…
TITLE_END = re.compile(r"(表|报表|统计表|登记表|汇总表|情况|一览表|明细)$")


@dataclass(frozen=True)
class Axis:
    """The unit axis of a sheet: a column (units down the side) or a row (units across the top)."""

    transposed: bool  # True: the units run along a row; positions below are in the transposed view
    index: int  # the unit column (in the view where units run down a column)
    units: int  # distinct known units it names
    first: int  # the row of the first known unit

    def label(self, cell_name) -> str:
        """Where it is, for the reading map: 列 B / 第 3 行."""
        if self.transposed:
            return f"第 {self.index} 行（单位横排）"
        return f"列 {cell_name(1, self.index).rstrip('0123456789')}"


def _known_units(sheet: Sheet, units: UnitResolver) -> tuple[dict[int, set[str]], dict[int, set[str]], dict]:
    """Distinct known units per column and per row, and the first row/column each column/row names one."""
    by_col: dict[int, set[str]] = {}
    by_row: dict[int, set[str]] = {}
    first: dict[tuple[str, int], int] = {}
    resolved: dict[str, str | None] = {}  # a unit name or a question repeats on every row: resolve each text once
    for (r, c), v in sheet.cells.items():
        if not isinstance(v, str) or len(v) > 40:
            continue
        name = resolved[v] if v in resolved else resolved.setdefault(v, units.resolve(v))
        if name is None:
            continue
        by_col.setdefault(c, set()).add(name)
        by_row.setdefault(r, set()).add(name)
        first[("col", c)] = min(first.get(("col", c), r), r)
        first[("row", r)] = min(first.get(("row", r), c), c)
    return by_col, by_row, first


def find_axis(sheet: Sheet, units: UnitResolver) -> Axis | None:
    """The column or row naming the most distinct known units (None when no cell names one).

    Ties between a column and a row go to the column (the common layout); a tie between two columns goes to the
    leftmost, where the unit column of every real return stands.
    """
    by_col, by_row, first = _known_units(sheet, units)
    if not by_col:
        return None
    col = max(sorted(by_col), key=lambda c: len(by_col[c]))
    row = max(sorted(by_row), key=lambda r: len(by_row[r]))
    if len(by_row[row]) > len(by_col[col]):
        return Axis(True, row, len(by_row[row]), first[("row", row)])
    return Axis(False, col, len(by_col[col]), first[("col", col)])


def _row_cells(sheet: Sheet, r: int, cols: range) -> list[tuple[int, object]]:
    return [(c, sheet.cells[(r, c)]) for c in cols if (r, c) in sheet.cells and str(sheet.cells[(r, c)]).strip()]


def header_block(sheet: Sheet, first_data: int, unit_col: int) -> tuple[int, int] | None:
    """(first, last) header rows above `first_data`, or None when no row there looks like a header.

    A header row has two or more cells, or one cell that is a group header (merged across part of the table, or
    continued by a vertical merge from the row above). Titles (one cell spanning most of the table, or a text that
    ends like a title: …统计表, …情况), 填报单位/单位：万元 lines and blank rows end the block.
    """
    max_col = max((c for _, c in sheet.cells), default=unit_col)
    cols = range(1, max_col + 1)
    width = max(1, max_col - unit_col + 1)
    merges = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in sheet.merged}
    continued = {r for r0, _, r1, _ in sheet.merged if r1 > r0 for r in range(r0 + 1, r1 + 1)}

    def is_title(r: int, cells: list[tuple[int, object]]) -> bool:
        if len(cells) > 2:
            return False
        for c, v in cells:
            r1, c1 = merges.get((r, c), (r, c))
            if len(cells) == 1 and c1 - c + 1 >= max(2, width // 2) and r1 == r:
                return True  # one cell across most of the table (a group band beside other cells is a header)
            text = re.sub(r"[(（][^()（）]*[)）]", "", normalize_text(v))
            if len(text) >= 8 and (TITLE_END.search(text) or "年度" in text):
                return True
        return False

    r = first_data - 1
    while r >= 1:  # blank and section rows (一、平原乡镇) between the header and the first unit
        cells = _row_cells(sheet, r, cols)
        if cells and not (len(cells) == 1 and r not in continued and SECTION.match(normalize_text(cells[0][1]))):
            break
        r -= 1
    last, top = r, None
    while r >= 1 and last - r < MAX_HEADER_ROWS:
        cells = _row_cells(sheet, r, cols)
        if not cells or all(META_LINE.match(normalize_text(v)) for _, v in cells) or is_title(r, cells):
            break
        lone = len(cells) < 2 and r not in continued and merges.get((r, cells[0][0]), (r, cells[0][0]))[1] == cells[0][0]
        if lone and (top is None or cells[0][0] <= unit_col):
            break  # a lone unmerged cell: a note or a title; above a header row, a group label centred across
        top = r
        r -= 1
    if top is None:
        return None
    # header cells merged down (序号 / 单位名称 over two rows) end the header where their merge ends
    last = max([last] + [r1 for r0, _, r1, _ in sheet.merged if top <= r0 <= last and r1 < first_data])
    return top, last
