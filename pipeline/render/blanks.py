"""Blank return templates (填报模板): one workbook per source department, written with xlsxwriter.

What a department receives: the 指标数据 sheet with the units pre-filled and locked, one unlocked column per value
to fill (with data validation: numbers, and bounds where the method has them), everything else protected and
print-ready; a 填报说明 sheet (what each indicator means, its unit, the deadline and contact); and the very hidden
`_kaohe_meta` sheet (pipeline/template_meta.py) through which ingest maps every cell of the filled return exactly.
Built from the scheme alone: no results are involved.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import re

import xlsxwriter

from ..scheme import Scheme
from ..template_meta import META_SHEET, REGISTERS, TemplateLayout, layout_for, register_layout, registers_for, to_rows
from . import reproducible
from .xlsx_base import FONT, print_a4, text_width

__all__ = ["write_templates", "template_filename", "GUIDE_SHEET"]

GUIDE_SHEET = "填报说明"
SIGNATURE = "填表人：__________    审核人：__________    单位负责人：__________    填报日期：______年____月____日"
LOCKED_FILL = "#F2F2F2"
NOT_ASSESSED = "—"
BIG = 1e12  # "any number" bound for data validation


def template_filename(year: int, source: str) -> str:
    """A file name safe on every system, whatever the department is called."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", source).strip(" .") or "部门"
    return f"{year}年度考核指标数据填报表（{safe[:60]}）.xlsx"


def _validation(measure, role: str) -> dict:
    """Data validation of one input column: numbers only, with the bounds the method implies."""
    part = role.partition(":")[2]
    column = {"": "value", "last": "last"}.get(part)
    bound = next((b for b in measure.bounds() if b.prompt is not None and column in b.columns), None)
    if bound is not None:  # the bounds the method sets on what it reads (pipeline/methods/)
        rule, text = bound.validation(), bound.prompt
    elif part in ("target", "cum", "cum_target"):
        rule, text = {"validate": "decimal", "criteria": ">=", "value": 0}, "请输入不小于 0 的数字"
    else:
        rule = {"validate": "decimal", "criteria": "between", "minimum": -BIG, "maximum": BIG}
        text = "请输入数字（百分比指标填百分数的数值，如 85.5% 填 85.5）"
    unit = f"，单位：{measure.unit}" if measure.unit else ""
    prompt = f"{measure.name}{unit}。{measure.note}"
    return {**rule, "ignore_blank": True, "input_title": "填写说明", "input_message": prompt[:250],
            "error_title": "输入有误", "error_message": text[:250], "error_type": "stop"}


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
        cell = {**base, "border": 1}
        self.title = wb.add_format({**base, "bold": True, "font_size": 16, "align": "center"})
        self.info = wb.add_format({**base, "align": "left"})
        self.header = wb.add_format({**cell, "bold": True, "align": "center", "text_wrap": True, "bg_color": LOCKED_FILL})
        self.unit = wb.add_format({**cell, "align": "left", "bg_color": LOCKED_FILL})
        self.serial = wb.add_format({**cell, "align": "center", "bg_color": LOCKED_FILL})
        self.input = wb.add_format({**cell, "locked": False, "align": "right"})
        self.note = wb.add_format({**cell, "locked": False, "align": "left", "text_wrap": True})
        self.not_assessed = wb.add_format({**cell, "align": "center", "bg_color": "#D9D9D9", "font_color": "#808080"})
        self.text = wb.add_format({**base, "align": "left", "valign": "top", "text_wrap": True})
        self.table = wb.add_format({**cell, "align": "left", "valign": "top", "text_wrap": True})


def _print_setup(ws, header_rows: tuple[int, int]) -> None:
    print_a4(ws, landscape=True, side=0.5, bottom=0.6)
    ws.repeat_rows(header_rows[0] - 1, header_rows[1] - 1)


def _protect(ws) -> None:
    """Only the unlocked input cells can be edited; widths and heights may still be adjusted for printing."""
    ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True})


def _data_sheet(wb, f: _Formats, scheme: Scheme, layout: TemplateLayout) -> None:
    ws = wb.add_worksheet(layout.sheet)
    measures = {m.id: m for m in scheme.measures}
    h0, h1 = (r - 1 for r in layout.header_rows)  # 0-based from here on
    unit_col = layout.unit_col - 1
    last_col = layout.columns[-1].col if layout.columns else layout.unit_col  # 0-based: 备注, after the measures
    a = scheme.assessment
    ws.merge_range(0, 0, 0, last_col, f"{a.title}指标数据填报表（{layout.source}）", f.title)
    ws.set_row(0, 30)
    info = [f"填报单位：{layout.source}（盖章）"]
    if a.deadline:
        info.append(f"报送截止：{a.deadline}")
    if a.contact:
        info.append(f"联系人：{a.contact}")
    ws.merge_range(1, 0, 1, last_col, "        ".join(info), f.info)

    for col, label in ((0, "序号"), (unit_col, "单位名称"), (last_col, "备注")):
        ws.merge_range(h0, col, h1, col, label, f.header)
    widths = {0: 6, unit_col: max(12, max((text_width(u) for u in layout.units), default=8) + 2), last_col: 16}
    i = 0
    while i < len(layout.columns):  # one group header merged over each measure's columns
        c = layout.columns[i]
        j = i
        while j + 1 < len(layout.columns) and layout.columns[j + 1].group == c.group:
            j += 1
        # the unit on its own line ("…增长率" / "（%）"), as offices write it, so a bracket never wraps alone;
        # ingest ignores white space when it checks these headers against the metadata
        shown = c.group.replace("（", "\n（", 1) if c.group.endswith("）") else c.group
        if j > i:
            ws.merge_range(h0, c.col - 1, h0, layout.columns[j].col - 1, shown, f.header)
        else:
            ws.write_string(h0, c.col - 1, shown, f.header)
        span_width = max(text_width(line) for line in shown.split("\n")) / (j - i + 1)
        for k in range(i, j + 1):
            ws.write_string(h1, layout.columns[k].col - 1, layout.columns[k].label, f.header)
            widths[layout.columns[k].col - 1] = min(24, max(10, span_width * 0.7 + 2))
        i = j + 1
    ws.set_row(h0, 45)

    for n, unit in enumerate(layout.units):
        r = layout.first_row - 1 + n
        ws.write_number(r, 0, n + 1, f.serial)
        ws.write_string(r, unit_col, unit, f.unit)
        for c in layout.columns:
            if unit in layout.applies.get(c.role.partition(":")[0], ()):
                ws.write_blank(r, c.col - 1, None, f.input)
            else:
                ws.write_string(r, c.col - 1, NOT_ASSESSED, f.not_assessed)
        ws.write_blank(r, last_col, None, f.note)
    first, last = layout.first_row - 1, layout.last_row - 1
    for c in layout.columns:  # validation over the whole column; locked "—" cells cannot be edited anyway
        ws.data_validation(first, c.col - 1, last, c.col - 1, _validation(measures[c.role.partition(":")[0]], c.role))
    ws.merge_range(last + 2, unit_col, last + 2, last_col, SIGNATURE, f.info)

    for col, width in widths.items():
        ws.set_column(col, col, width)
    ws.freeze_panes(first, unit_col + 1)
    _print_setup(ws, layout.header_rows)
    ws.print_area(0, 0, last + 2, last_col)
    _protect(ws)
    ws.activate()


def _guide_sheet(wb, f: _Formats, scheme: Scheme, layout: TemplateLayout) -> None:
    ws = wb.add_worksheet(GUIDE_SHEET)
    a = scheme.assessment
    ws.merge_range(0, 0, 0, 5, f"{layout.source}填报说明", f.title)
    ws.set_row(0, 30)
    lines = [
        f"1. 本表由{layout.source}填报{('，' + a.deadline + '前报送') if a.deadline else ''}"
        f"{('；联系人：' + a.contact) if a.contact else ''}。",
        "2. 只在“指标数据”表的白色单元格中填写数字；灰色单元格（单位名称、表头、“—”表示该单位不考核此项）不能修改。",
        "3. 百分比指标直接填百分数的数值（如 85.5% 填 85.5）；数字后不要加单位；没有数据的单元格留空，并在“备注”中说明。",
        "4. 请直接在本文件中填写后报送，不要复制到新表，不要增删行列或改动表头：本表含有供考核系统识别的模板信息。",
    ]
    for n, line in enumerate(lines):
        ws.merge_range(2 + n, 0, 2 + n, 5, line, f.text)
        ws.set_row(2 + n, 32)
    r = 3 + len(lines)
    headers = ["编号", "指标名称", "计量单位", "考核方法", "需填写", "指标解释"]
    for c, h in enumerate(headers):
        ws.write_string(r, c, h, f.header)
    for m in (m for m in scheme.measures if m.source == layout.source):
        r += 1
        fill = "、".join(c.label for c in layout.columns if c.role.partition(":")[0] == m.id)
        for c, value in enumerate([m.id, m.name, m.unit or "—", m.method_label, fill, m.note]):
            ws.write_string(r, c, value, f.table)
    for col, width in enumerate([8, 28, 10, 22, 16, 50]):
        ws.set_column(col, col, width)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    _protect(ws)


# --------------------------------------------------------------------------------------------- registers
def _register_choices(scheme: Scheme, kind: str) -> dict[str, list[str]]:
    """role -> the values a register column must take (drop-down lists); units always."""
    out = {"unit": scheme.unit_names}
    if kind == "adjustments":
        out["kind"] = [a.name for a in scheme.adjustments]
    elif kind == "veto" and scheme.veto.items:
        out["item"] = list(scheme.veto.items)
    elif kind in ("falsified", "corrections"):
        out["indicator"] = [i.name for i in scheme.indicators]
    return out


def _register_validation(role: str, year: int) -> dict | None:
    if role == "value":
        return {"validate": "decimal", "criteria": ">=", "value": 0, "error_title": "输入有误",
                "error_message": "请输入分值（正数；扣分也填正数，按类别扣减；按名次的类别填名次）"}
    if role in ("original", "corrected"):
        return {"validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15,
                "error_title": "输入有误", "error_message": "请输入数值（与报表中的写法一致）"}
    if role == "date":  # outside the year only warns (kaohe does too: date-outside-year)
        return {"validate": "date", "criteria": "between", "minimum": dt.date(year, 1, 1),
                "maximum": dt.date(year + 1, 12, 31), "error_type": "warning", "error_title": "请核实日期",
                "error_message": f"日期不在 {year} 年度附近，请核实是否应计入本年度"}
    return None


def _workbook(scheme: Scheme, path: pathlib.Path) -> xlsxwriter.Workbook:
    """A blank workbook whose bytes depend only on the scheme: packaged in memory (fixed zip entry times) and
    created = the scheme's 制表日期, else 1 January after the assessment year (render/reproducible.py)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
    a = scheme.assessment
    day = dt.date.fromisoformat(a.date) if a.date else dt.date(a.year + 1, 1, 1)
    when = dt.datetime(day.year, day.month, day.day, tzinfo=reproducible.zone(a.timezone))
    wb.set_properties({"created": reproducible.utc_naive(when)})
    return wb


def write_register(scheme: Scheme, layout: TemplateLayout, path: pathlib.Path) -> None:
    """The office's register: rows to type entries into, units and categories chosen from drop-down lists."""
    wb = _workbook(scheme, path)
    f = _Formats(wb)
    date_input = wb.add_format({"font_name": FONT, "font_size": 11, "valign": "vcenter", "border": 1,
                                "locked": False, "num_format": "yyyy-mm-dd", "align": "center"})
    ws = wb.add_worksheet(layout.sheet)
    guide = wb.add_worksheet(GUIDE_SHEET)
    a = scheme.assessment
    last_col = layout.columns[-1].col - 1
    ws.merge_range(0, 0, 0, last_col, f"{a.title}{layout.sheet}", f.title)
    ws.set_row(0, 30)
    info = [f"登记单位：{layout.source}"] + ([f"联系人：{a.contact}"] if a.contact else [])
    ws.merge_range(1, 0, 1, last_col, "        ".join(info), f.info)
    h = layout.header_rows[0] - 1
    headers = [(0, "序号"), (layout.unit_col - 1, "单位名称")] + [(c.col - 1, c.group) for c in layout.columns]
    for col, text in headers:
        ws.write_string(h, col, text, f.header)
    ws.set_row(h, 30)

    # the choices, listed on the guide sheet and referenced by the drop-downs
    choices = _register_choices(scheme, layout.kind)
    guide.merge_range(0, 0, 0, 3, f"{layout.sheet}填报说明", f.title)
    lines = ["1. 每行登记一条；单位名称" + ("和类别" if len(choices) > 1 else "") + "请从下拉列表中选择（可选项见下表）。",
             "2. 分值一律填正数，加分、扣分由类别决定；认定日期写成日期（如 2025-03-01）。",
             "3. 请直接在本文件中登记，不要复制到新表：本表含有供考核系统识别的模板信息。"]
    for n, line in enumerate(lines):
        guide.merge_range(2 + n, 0, 2 + n, 3, line, f.text)
    top = 3 + len(lines)
    ranges = {}
    for n, (role, values) in enumerate(choices.items()):
        header = "单位名称" if role == "unit" else next(hd for r, hd in REGISTERS[layout.kind][1] if r == role)
        guide.write_string(top, n, f"可选{header}", f.header)
        for i, value in enumerate(values):
            guide.write_string(top + 1 + i, n, value, f.table)
        col_letter = chr(ord("A") + n)
        ranges[role] = f"='{GUIDE_SHEET}'!${col_letter}${top + 2}:${col_letter}${top + 1 + len(values)}"
        guide.set_column(n, n, max(16, max((text_width(v) for v in values), default=8) + 2))

    first, last = layout.first_row - 1, layout.last_row - 1
    columns = [(layout.unit_col - 1, "unit")] + [(c.col - 1, c.role) for c in layout.columns]
    for n in range(layout.blank_rows):
        ws.write_number(first + n, 0, n + 1, f.serial)
        for col, role in columns:
            ws.write_blank(first + n, col, None, date_input if role == "date" else f.input if role == "value" else f.note)
    for col, role in columns:
        if role in ranges:
            rule = {"validate": "list", "source": ranges[role], "error_title": "输入有误",
                    "error_message": "请从下拉列表中选择"}
        else:
            rule = _register_validation(role, a.year)
        if rule:
            ws.data_validation(first, col, last, col, {**rule, "ignore_blank": True})
    widths = {0: 6, layout.unit_col - 1: 14}
    for c in layout.columns:
        widths[c.col - 1] = {"reason": 40, "date": 14, "value": 10}.get(c.role, 18)
    for col, width in widths.items():
        ws.set_column(col, col, width)
    ws.merge_range(last + 2, layout.unit_col - 1, last + 2, last_col, "登记人：__________    审核人：__________", f.info)
    ws.freeze_panes(first, layout.unit_col)
    _print_setup(ws, layout.header_rows)
    ws.print_area(0, 0, last + 2, last_col)
    _protect(ws)
    ws.activate()
    guide.set_paper(9)
    _protect(guide)
    _meta_sheet(wb, layout)
    wb.close()


def register_filename(year: int, kind: str) -> str:
    return f"{year}年度{REGISTERS[kind][0]}.xlsx"


def _meta_sheet(wb, layout: TemplateLayout) -> None:
    ws = wb.add_worksheet(META_SHEET)
    for r, row in enumerate(to_rows(layout)):
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    ws.very_hidden()
    _protect(ws)


def write_template(scheme: Scheme, layout: TemplateLayout, path: pathlib.Path) -> None:
    wb = _workbook(scheme, path)
    f = _Formats(wb)
    _data_sheet(wb, f, scheme, layout)
    _guide_sheet(wb, f, scheme, layout)
    _meta_sheet(wb, layout)
    wb.close()


def write_templates(scheme: Scheme, folder: pathlib.Path, scheme_hash: str = "") -> list[str]:
    """One template per source department and one per register the office keeps; returns the file names."""
    names = []
    for source in scheme.sources:
        layout = layout_for(scheme, source, scheme_hash)
        name = template_filename(scheme.assessment.year, source)
        write_template(scheme, layout, folder / name)
        names.append(name)
    for kind in registers_for(scheme):  # the office's own registers
        name = register_filename(scheme.assessment.year, kind)
        write_register(scheme, register_layout(scheme, kind, scheme_hash), folder / name)
        names.append(name)
    return names
