"""Numbers as their format shows them, recorded on a `Sheet`: the glue between `numfmt.reading` and the readers.

A number whose format makes the shown value differ from the stored one is flagged (`flag`, `format_note`) so that
normalize reports it whatever path brings the cell there; a percent format puts the cell in `Sheet.percent`, a
hiding one in `Sheet.hidden`. Its own module because the .xlsx reader and the .xls/.ods reader apply the same
readings, and normalize asks `format_note` without needing any reader.
"""

from __future__ import annotations

from .numfmt import Reading
from .sheet import ReadError, Sheet, cell_name


class FlaggedFloat(float):
    """A number whose format makes the stored value differ from what the cell shows (see `flag`)."""

    format_note: tuple[str, bool] = ("", False)


class FlaggedInt(int):
    format_note: tuple[str, bool] = ("", False)


def flag(value, reason: str, unreadable: bool):
    """The same number, carrying (reason, unreadable): normalize turns it into an issue naming the cell.

    A subclass of the value's own type, so layout detection and formula evaluation see the number unchanged.
    """
    out = (FlaggedInt if isinstance(value, int) else FlaggedFloat)(value)
    out.format_note = (reason, unreadable)
    return out


def format_note(value) -> tuple[str, bool] | None:
    """(reason, unreadable) for a flagged number, else None."""
    return getattr(value, "format_note", None) if isinstance(value, (FlaggedFloat, FlaggedInt)) else None


PLAIN_FORMATS = ("General", "general", "0", "0.0", "0.00", "@", None, "")  # show a number as it is


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _apply(sheet: Sheet, key: tuple[int, int], r: Reading, value):
    """Record how a numeric cell's format makes it read; returns the value to store (flagged if it must be)."""
    if r.problem:
        sheet.format_issues[key] = r.problem
        return flag(value, r.problem, True)
    if r.hidden:
        sheet.hidden.add(key)
        return flag(value, "数字格式使该数值显示为空白", False)
    if r.percent:
        sheet.percent.add(key)
    return value



def _apply_formats(sheets: list[Sheet], formats) -> None:
    """Apply the format readings to calamine's numbers; refuse the file when they cannot be had or do not fit.

    Without formats a number shown as 84.5% would silently read 0.845, so a file with numbers whose formats cannot
    be read is refused (docs/decisions.md); one without numbers loses nothing.
    """
    if isinstance(formats, Exception):
        if any(_is_number(v) for s in sheets for v in s.cells.values()):
            raise ReadError(f"无法读取单元格的数字格式（{type(formats).__name__}），不能确定数值是否按百分比等格式显示；"
                            "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送")
        return
    by_name = {s.name: s for s in sheets}
    for name, found in formats.items():
        sheet = by_name.get(name)
        if sheet is None:
            continue  # a sheet calamine does not read (a chart sheet): none of its cells are read either
        for key, r in found.items():
            value = sheet.cells.get(key)
            if _is_number(value):
                sheet.cells[key] = _apply(sheet, key, r, value)
            elif value is None or isinstance(value, str):  # the two readers disagree on where the cell is
                raise ReadError(f"单元格的数字格式与数值位置不一致（{name}!{cell_name(*key)}），无法确定数值如何显示；"
                                "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送")
