"""Publicity version of the results (考核结果公示表.xlsx), written with xlsxwriter.

The 公示表 is what the office posts publicly: the units in rank order with their rank, component scores,
adjustments, total, grade and awards, and a 公示说明 (publicity period and 监督电话 from the scheme's
`[assessment]`). It deliberately leaves out everything that must not be published: raw values and their source
cells, data issues, veto reasons (a vetoed unit is marked “一票否决” in 备注, nothing more), grade-quota notes,
run metadata, file paths and the raters' individual scores. Only keys of the results dict listed in `_PUBLISHED`
are read, so a new key in the model never leaks here by accident.

Layout and formats come from `workbook.py`: same styles, CJK-aware widths, literal strings, precision formats.
"""

from __future__ import annotations

import pathlib

from .workbook import (
    add_adjustment_columns,
    component_head,
    _assessment,
    _Col,
    _merge,
    _new_sheet,
    _Styles,
    _text_width,
    _units,
    _write_table,
    open_workbook,
    print_a4,
    title_block,
)

__all__ = ["write_publicity_workbook", "PUBLICITY_XLSX", "PUBLICITY_SHEET", "publicity_note"]

PUBLICITY_XLSX = "考核结果公示表.xlsx"
PUBLICITY_SHEET = "公示"
VETO_MARK = "一票否决"
BLANK_PHONE = "__________"
LANDSCAPE_WIDTH = 110  # table wider than this (Excel character units) prints on landscape paper

# Per unit, only these keys are read; at the top level: assessment, components, adjustment_kinds, groups, units
# and run.generated_at (the 制表日期).
_PUBLISHED = ("rank", "unit", "group", "components", "adjustments", "total", "grade", "vetoed", "awards")


def _columns(results: dict) -> tuple[list[_Col], list]:
    """Columns of the 公示 table plus, per column, a getter unit -> displayed value."""
    cols = [_Col("名次", "int", cap=6), _Col("单位", "center", cap=24)]
    getters: list = [lambda u: u.get("rank"), lambda u: u.get("unit")]
    if len(results.get("groups") or []) > 1:
        cols.append(_Col("分组", "center", cap=14))
        getters.append(lambda u: u.get("group"))
    for comp in results.get("components") or []:
        cols.append(_Col(component_head(comp), "score", cap=14))
        getters.append(lambda u, k=comp["name"]: (u.get("components") or {}).get(k))
    add_adjustment_columns(results, cols, getters)
    cols += [_Col("总分", "score", cap=12), _Col("等次", "center", cap=10), _Col("获奖情况", "wrap", cap=30),
             _Col("备注", "center", cap=10)]
    getters += [lambda u: u.get("total"), lambda u: u.get("grade"),
                lambda u: "、".join(u.get("awards") or []) or None,
                lambda u: VETO_MARK if u.get("vetoed") else None]
    return cols, getters


def publicity_note(assessment: dict) -> str:
    """The 公示说明 paragraph: publicity period, where to object, 监督电话 (a blank line when the scheme has none)."""
    days = assessment.get("publicity_days") or 5
    office = str(assessment.get("organizer") or "").strip() or "考核办公室"
    phone = str(assessment.get("publicity_contact") or "").strip() or BLANK_PHONE
    return (f"公示期为{days}个工作日，自公示之日起计算。公示期间，如对考核结果有异议，可通过书面、电话等方式向"
            f"{office}反映。反映情况应实事求是，以单位名义反映的应加盖公章，以个人名义反映的应署真实姓名并提供"
            f"联系方式。监督电话：{phone}。")


def _sheet_publicity(wb, st: _Styles, results: dict) -> None:
    sheet = _new_sheet(wb, st, PUBLICITY_SHEET)
    ws, a = sheet.ws, _assessment(results)
    columns, getters = _columns(results)
    last_col = len(columns) - 1
    units = _units(results)

    title_block(sheet, results, last_col, "结果公示")
    rows = [[g({k: u.get(k) for k in _PUBLISHED}) for g in getters] for u in units]
    first, end = _write_table(sheet, 2, columns, rows, empty_text="无考核结果")
    for r in range(2, first):
        ws.set_row(r, 30)

    table_width = sum(sheet.widths.final(c) for c in range(len(columns)))
    note = "公示说明：" + publicity_note(a)
    r = end + 1
    ws.set_row(r, 14 * (2 + int(_text_width(note) // table_width)))  # the wrapped paragraph's lines, plus one
    _merge(sheet, r, 0, last_col, note, st.note)

    ws.freeze_panes(first, 2)
    ws.repeat_rows(2, first - 1)
    print_a4(ws, landscape=table_width > LANDSCAPE_WIDTH, side=0.5, top=0.7)
    sheet.widths.apply(ws)


def write_publicity_workbook(results: dict, path: pathlib.Path) -> None:
    """Write 考核结果公示表.xlsx to `path` (the caller handles atomic replace)."""
    wb, precision = open_workbook(results, path, "结果公示")
    _sheet_publicity(wb, _Styles(wb, precision), results)
    wb.close()
