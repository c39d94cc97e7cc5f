"""xlsx_base.Workbook: xlsxwriter's duplicate sheet-name check, kept exact, made linear (issue 16).

20,000 score cards are 20,000 sheets in one workbook; xlsxwriter's own check loops over every existing sheet."""

from __future__ import annotations

import gc
import time

import pytest
import xlsxwriter
import xlsxwriter.exceptions

from pipeline.render.xlsx_base import Workbook


def test_duplicate_names_still_refused_case_insensitively(tmp_path) -> None:
    wb = Workbook(str(tmp_path / "a.xlsx"), {"in_memory": True})
    wb.add_worksheet("第0001乡镇")
    wb.add_worksheet("Sheet")
    with pytest.raises(xlsxwriter.exceptions.DuplicateWorksheetName):
        wb.add_worksheet("sheet")
    with pytest.raises(xlsxwriter.exceptions.DuplicateWorksheetName):
        wb.add_worksheet("第0001乡镇")
    with pytest.raises(xlsxwriter.exceptions.InvalidWorksheetName):  # xlsxwriter's other checks still apply
        wb.add_worksheet("a" * 32)
    with pytest.raises(xlsxwriter.exceptions.InvalidWorksheetName):
        wb.add_worksheet("a/b")
    default = wb.add_worksheet()  # a default name is checked too (numbered as xlsxwriter numbers it: every attempt)
    assert default.name == "Sheet7"
    with pytest.raises(xlsxwriter.exceptions.DuplicateWorksheetName):
        wb.add_worksheet("SHEET7")
    assert [ws.name for ws in wb.worksheets()] == ["第0001乡镇", "Sheet", "Sheet7"]
    wb.close()


def _seconds_to_add(cls, n: int, tmp_path) -> float:
    wb = cls(str(tmp_path / f"{cls.__name__}{n}.xlsx"), {"in_memory": True})
    gc.disable()  # the collector's passes over many live sheets are not the check under test
    try:
        t = time.perf_counter()
        for k in range(n):
            wb.add_worksheet(f"第{k:05d}单位")
        return time.perf_counter() - t
    finally:
        gc.enable()


def test_adding_sheets_is_linear(tmp_path) -> None:
    """Four times the sheets take about four times as long (quadratic would be sixteen): best of three."""
    small = min(_seconds_to_add(Workbook, 1_500, tmp_path) for _ in range(3))
    large = min(_seconds_to_add(Workbook, 6_000, tmp_path) for _ in range(3))
    assert large / small < 7, (small, large)
    mine = min(_seconds_to_add(Workbook, 3_000, tmp_path) for _ in range(3))
    plain = _seconds_to_add(xlsxwriter.Workbook, 3_000, tmp_path)
    assert plain > 3 * mine, (plain, mine)  # the measurement can tell: xlsxwriter's own loop is visibly slower
