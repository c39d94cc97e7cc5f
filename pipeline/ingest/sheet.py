"""The `Sheet` grid every reader returns, the `ReadError` every reader raises, and the checks shared by them all.

Its own module because everything downstream (layout detection, templates, scorecards, normalize) works on a
`Sheet` and needs none of the per-format readers; `cell_name` and the merged-range bounds are used by every reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from .parts import MAX_COL, MAX_MERGED_RANGE, MAX_MERGED_TOTAL, MAX_ROW


class ReadError(Exception):
    """The file cannot be read; the message is Chinese and says why."""

    def __init__(self, reason: str, code: str = "unreadable-file"):
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)  # (row, col) 1-based -> value
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col
    percent: set[tuple[int, int]] = field(default_factory=set)  # numeric cells shown as percentages
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # formula text of formula cells
    # numeric cells whose format shows a value that cannot be derived from the stored one: why (Chinese); their
    # values are flagged (`flag`), so normalize reports them whatever path brings the cell there
    format_issues: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden: set[tuple[int, int]] = field(default_factory=set)  # numbers the format shows as a blank (;;; and 0;-0;;@)

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    @property
    def max_col(self) -> int:
        return max((c for _, c in self.cells), default=0)

    def value(self, row: int, col: int):
        return self.cells.get((row, col))

    def merge_origin(self, row: int, col: int) -> tuple[int, int]:
        """The top-left cell of the (first) merged range holding (row, col), or (row, col) itself: from an index
        of every merged cell built once (at most MAX_MERGED_TOTAL entries), not a scan of the ranges per cell."""
        index = self.__dict__.get("_origins")
        if index is None:
            index = {}
            for r0, c0, r1, c1 in self.merged:
                for r in range(r0, r1 + 1):
                    for c in range(c0, c1 + 1):
                        index.setdefault((r, c), (r0, c0))
            self.__dict__["_origins"] = index
        return index.get((row, col), (row, col))

    def filled(self) -> "Sheet":
        """A copy where every cell of a merged range carries the range's top-left value (for headers)."""
        cells = dict(self.cells)
        for r0, c0, r1, c1 in self.merged:
            top = self.cells.get((r0, c0))
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    cells[(r, c)] = top
        return Sheet(self.name, cells, self.merged, self.percent, self.formulas, self.format_issues, self.hidden)

    def transposed(self) -> "Sheet":
        """The same sheet with rows and columns swapped: a statistics table with the units across the top reads
        like one with the units down the side. Every position-keyed field is swapped, so no cell fact is lost."""
        out = Sheet(self.name)
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "merged":
                value = [(c0, r0, c1, r1) for r0, c0, r1, c1 in value]
            elif isinstance(value, dict):
                value = {(k[1], k[0]) if isinstance(k, tuple) else k: v for k, v in value.items()}
            elif isinstance(value, set):
                value = {(k[1], k[0]) if isinstance(k, tuple) else k for k in value}
            setattr(out, f.name, value)
        return out



def cell_name(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"



def _checked_merges(name: str, ranges: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The merged ranges (min_row, min_col, max_row, max_col), refused beyond the grid or the area limits: every
    cell of a merged range is filled with its value for reading headers (`Sheet.filled`)."""
    area = 0
    for r0, c0, r1, c1 in ranges:
        where = f"{cell_name(r0, c0)}:{cell_name(r1, c1)}" if r0 > 0 and c0 > 0 and r1 > 0 and c1 > 0 else "？"
        if not (1 <= r0 <= r1 <= MAX_ROW and 1 <= c0 <= c1 <= MAX_COL):
            raise ReadError(f"工作表“{name}”的合并单元格范围“{where}”超出 Excel 的范围", "malformed-file")
        cells_in = (r1 - r0 + 1) * (c1 - c0 + 1)
        if cells_in > MAX_MERGED_RANGE:
            raise ReadError(f"工作表“{name}”的合并单元格 {where} 含 {cells_in} 个单元格，超过上限 {MAX_MERGED_RANGE}",
                            "file-too-large")
        area += cells_in
        if area > MAX_MERGED_TOTAL:
            raise ReadError(f"工作表“{name}”的合并单元格共含 {MAX_MERGED_TOTAL} 个以上单元格，超过上限", "file-too-large")
    return list(ranges)

