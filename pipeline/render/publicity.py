"""Publicity version of the results (考核结果公示表.xlsx), written with xlsxwriter over the shared base.

The 公示表 is what the office posts publicly: the units in rank order with their rank, component scores,
adjustments, total, grade and awards, and a 公示说明 (publicity period and 监督电话 from the scheme's
`[assessment]`). It deliberately leaves out everything that must not be published: raw values and their source
cells, data issues, veto reasons (a vetoed unit is marked “一票否决” in 备注, nothing more), grade-quota notes,
run metadata, file paths and the raters' individual scores. Per unit only the fields of `_Published` are read (a
getter sees a `_Published` view, never the UnitResult), so a new field in the model never leaks here by accident.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass

from .. import labels
from ..results import Results, UnitResult
from ..scheme import Assessment
from .xlsx_base import (
    close_workbook,
    Col,
    Styles,
    add_adjustment_columns,
    component_head,
    new_sheet,
    open_workbook,
    print_table,
    wide_row,
    text_width,
    title_block,
    write_table,
)

__all__ = ["write_publicity_workbook", "PUBLICITY_XLSX", "PUBLICITY_SHEET", "publicity_note"]

PUBLICITY_XLSX = "考核结果公示表.xlsx"
PUBLICITY_SHEET = "公示"
VETO_MARK = "一票否决"
BLANK_PHONE = "__________"


@dataclass(frozen=True)
class _Published:
    """The only fields of a unit the 公示表 may read; at the top level: assessment, components, adjustment_kinds,
    groups, units and run.generated_at (the 制表日期)."""

    rank: int
    unit: str
    group: str
    components: dict
    adjustments: dict
    total: float
    grade: str
    vetoed: bool
    awards: list[str]

    @classmethod
    def of(cls, u: UnitResult) -> _Published:
        return cls(u.rank, u.unit, u.group, u.components, u.adjustments, u.total, u.grade, u.vetoed, u.awards)


def _columns(results: Results) -> tuple[list[Col], list]:
    """Columns of the 公示 table plus, per column, a getter unit -> displayed value."""
    cols = [Col("名次", "int", cap=6), Col("单位", "center", cap=24)]
    getters: list = [lambda u: u.rank, lambda u: u.unit]
    if len(results.groups) > 1:
        cols.append(Col("分组", "center", cap=14))
        getters.append(lambda u: u.group)
    for comp in results.components:
        cols.append(Col(component_head(comp), "score", cap=14))
        getters.append(lambda u, k=comp.name: u.components[k])
    add_adjustment_columns(results, cols, getters)
    cols += [Col("总分", "score", cap=12), Col("等次", "center", cap=10), Col("获奖情况", "wrap", cap=30),
             Col("备注", "center", cap=10)]
    lowest = results.veto.effect == "lowest_grade"  # a vetoed unit's grade cell: the veto, never its item or reason
    getters += [lambda u: u.total,
                lambda u: (f"{u.grade}（{VETO_MARK}）" if lowest else VETO_MARK) if u.vetoed else u.grade,
                labels.awards_shown, lambda u: VETO_MARK if u.vetoed else None]
    return cols, getters


def publicity_note(assessment: Assessment) -> str:
    """The 公示说明 paragraph: publicity period, where to object, 监督电话 (a blank line when the scheme has none)."""
    office = assessment.organizer.strip() or "考核办公室"
    phone = assessment.publicity_contact.strip() or BLANK_PHONE
    return (f"公示期为{assessment.publicity_days}个工作日，自公示之日起计算。公示期间，如对考核结果有异议，可通过书面、"
            f"电话等方式向{office}反映。反映情况应实事求是，以单位名义反映的应加盖公章，以个人名义反映的应署真实姓名"
            f"并提供联系方式。监督电话：{phone}。")


def _sheet_publicity(wb, st: Styles, results: Results) -> None:
    sheet = new_sheet(wb, st, PUBLICITY_SHEET)
    ws = sheet.ws
    columns, getters = _columns(results)

    title_block(sheet, results, "结果公示")
    rows = [[g(_Published.of(u)) for g in getters] for u in results.units]
    first, end = write_table(sheet, 2, columns, rows, empty_text="无考核结果")
    for r in range(2, first):
        ws.set_row(r, 30)

    table_width = sum(sheet.widths.final(c) for c in range(len(columns)))
    note = "公示说明：" + publicity_note(results.assessment)
    r = end + 1
    ws.set_row(r, 14 * (2 + int(text_width(note) // table_width)))  # the wrapped paragraph's lines, plus one
    wide_row(sheet, r, (note, st.note))

    ws.freeze_panes(first, 2)
    ws.repeat_rows(2, first - 1)
    print_table(sheet, f"{results.assessment.title}结果公示", landscape=None, side=0.5)


def write_publicity_workbook(results: Results, path: pathlib.Path) -> None:
    """Write 考核结果公示表.xlsx to `path` (the caller handles atomic replace)."""
    wb, st = open_workbook(results.assessment, results.run.generated_at, path, "结果公示")
    _sheet_publicity(wb, st, results)
    close_workbook(wb, results.assessment, "考核结果公示表")
