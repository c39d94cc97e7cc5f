"""Build the bundled example's mandated tables (表样) the way an office makes them in Excel, with openpyxl.

Run from the repository root to regenerate `templates/表样/` (the files are committed; tests compare a fresh
build with them):

    python templates/make_table_templates.py

Two templates, each with fonts, borders, merged multi-level headers, column widths, row heights, print setup
(A4, print titles, fit to width, header/footer), a seal picture, a data validation, a conditional format, a
defined name and an untouched instructions sheet, so the tests can prove filling keeps all of it:

* 考核结果汇总表（表样）.xlsx — one row per unit between `{%tr for u in 单位 %}` and `{%tr endfor %}`;
* 单位考核得分表（表样）.xlsx — one file per unit (`per_unit = true`), one row per indicator.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

OUT = Path(__file__).resolve().parent / "表样"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE = Font(name="方正小标宋简体", size=20)
HEAD = Font(name="黑体", size=11)
BODY = Font(name="宋体", size=11)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def seal_png() -> io.BytesIO:
    """A red round seal placeholder (盖章处), drawn with Pillow."""
    from PIL import Image as PILImage, ImageDraw

    img = PILImage.new("RGBA", (120, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((4, 4, 116, 116), outline=(200, 0, 0, 255), width=6)
    draw.regular_polygon((60, 60, 22), 5, fill=(200, 0, 0, 255))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    return buf


def _cells(ws, row: int, values: list, font=BODY, border=True, align=CENTER, number_format: dict | None = None):
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row, col, value)
        cell.font, cell.alignment = font, align
        if border:
            cell.border = BOX
        if number_format and col in number_format:
            cell.number_format = number_format[col]


def _print(ws, landscape: bool, title_rows: str) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddHeader.right.text = "&A"
    ws.print_options.horizontalCentered = True


def _guide(wb, lines: list[str]) -> None:
    ws = wb.create_sheet("填表说明")
    for n, line in enumerate(lines, start=1):
        ws.cell(n, 1, line).font = BODY
    ws.column_dimensions["A"].width = 90


def summary_template() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总表"
    last = 9
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    ws["A1"] = "{{ 考核名称 }}结果汇总表"
    ws["A1"].font, ws["A1"].alignment = TITLE, CENTER
    ws.row_dimensions[1].height = 42
    ws.merge_cells("A2:E2")
    ws.merge_cells("F2:I2")
    ws["A2"], ws["F2"] = "制表单位：{{ 制表单位 }}", "制表日期：{{ 制表日期 }}"
    ws["A2"].font = ws["F2"].font = BODY
    ws["F2"].alignment = Alignment(horizontal="right")
    _cells(ws, 3, ["名次", "单位", "考核得分", None, None, "加减分", "总分", "等次", "备注"], HEAD)
    _cells(ws, 4, [None, None, "指标考核\n（50%）", "发展指数\n（10%）", "公众评议\n（40%）", None, None, None, None], HEAD)
    for col in "ABFGHI":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("C3:E3")
    ws.row_dimensions[3].height, ws.row_dimensions[4].height = 22, 36
    ws["A5"] = "{%tr for u in 单位 %}"
    _cells(ws, 6, ["{{ u.名次 }}", "{{ u.单位 }}", '{{ u.组成部分["指标考核"] }}', '{{ u.组成部分["发展指数"] }}',
                   '{{ u.组成部分["公众评议"] }}', '{{ u.加减分["专项督查加分"] - u.加减分["察访核验扣分"] }}',
                   "{{ u.总分 }}", "{{ u.等次 }}",
                   '{{ u.获奖 }}{% if u.一票否决 == "是" %}一票否决（{{ u.否决事项 }}）{% endif %}'],
           number_format={c: "0.00" for c in range(3, 8)})
    ws.row_dimensions[6].height = 20
    ws["A7"] = "{%tr endfor %}"
    ws.merge_cells("A9:F9")
    ws["A9"] = "考核组长：__________    审核人：__________    制表人：__________"
    ws["A9"].font = BODY
    ws.merge_cells("G9:I11")
    ws["G9"] = "（盖章）"
    ws["G9"].font, ws["G9"].alignment = BODY, CENTER
    ws.row_dimensions[9].height = 24
    seal = Image(seal_png())
    seal.width = seal.height = 72
    ws.add_image(seal, "H9")
    for col, width in zip("ABCDEFGHI", [6, 14, 11, 11, 11, 9, 10, 8, 28]):
        ws.column_dimensions[col].width = width
    grades = DataValidation(type="list", formula1='"优秀,良好,一般,较差"', allow_blank=True)
    ws.add_data_validation(grades)
    grades.add("H6")
    ws.conditional_formatting.add("G6", CellIsRule(operator="lessThan", formula=["60"], font=Font(color="C00000"),
                                                   fill=PatternFill("solid", fgColor="FDE9E7")))
    wb.defined_names["考核结果区域"] = DefinedName("考核结果区域", attr_text="'汇总表'!$A$3:$I$7")
    ws.freeze_panes = "C6"
    _print(ws, True, "3:4")
    ws.print_area = "A1:I11"
    _guide(wb, ["本表样由市考核办统一制定，各县区不得改变格式。", "总分保留两位小数；一票否决单位在备注栏注明。"])
    return wb


def scorecard_template() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "得分表"
    ws.merge_cells("A1:G1")
    ws["A1"] = "{{ 考核名称 }}单位考核得分表"
    ws["A1"].font, ws["A1"].alignment = TITLE, CENTER
    ws.row_dimensions[1].height = 40
    ws.merge_cells("A2:D2")
    ws.merge_cells("E2:G2")
    ws["A2"] = "被考核单位：{{ 本单位.单位 }}"
    ws["E2"] = "名次：第{{ 本单位.名次 }}名    等次：{{ 本单位.等次 }}"
    ws["A2"].font = ws["E2"].font = HEAD
    _cells(ws, 3, ["序号", "指标类别", "指标名称", "分值", "完成值", "得分", "说明"], HEAD)
    ws["A4"] = "{%tr for d in 本单位.明细 %}"
    _cells(ws, 5, ["{{ 序号 }}", "{{ d.类别 }}", "{{ d.名称 }}", "{{ d.分值 }}", "{{ d.原始值 }}", "{{ d.得分 }}",
                   "{{ d.说明 }}"], number_format={4: "0", 6: "0.00"})
    ws["A6"] = "{%tr endfor %}"
    _cells(ws, 7, ["合计", None, None, None, None, '{{ 本单位.组成部分["指标考核"] }}', "指标考核得分（百分制）"],
           HEAD, number_format={6: "0.00"})
    ws.merge_cells("A7:E7")
    _cells(ws, 8, ["总分", None, None, None, None, "{{ 本单位.总分 }}", "{{ 本单位.获奖 }}"], HEAD,
           number_format={6: "0.00"})
    ws.merge_cells("A8:E8")
    ws.merge_cells("A10:G10")
    ws["A10"] = "考核人员：__________    被考核单位负责人：__________"
    ws["A10"].font = BODY
    for col, width in zip("ABCDEFG", [6, 14, 30, 8, 12, 10, 30]):
        ws.column_dimensions[col].width = width
    check = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True)
    ws.add_data_validation(check)
    check.add("F5")
    ws.conditional_formatting.add("F5", CellIsRule(operator="equal", formula=["0"], font=Font(color="C00000")))
    _print(ws, False, "3:3")
    ws.print_area = "A1:G10"
    _guide(wb, ["每个被考核单位一份；得分保留两位小数。"])
    return wb


def main() -> None:
    OUT.mkdir(exist_ok=True)
    summary_template().save(OUT / "考核结果汇总表（表样）.xlsx")
    scorecard_template().save(OUT / "单位考核得分表（表样）.xlsx")


if __name__ == "__main__":
    main()
