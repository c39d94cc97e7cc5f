"""Cells as returns really hold them, written by real writers: dates in three forms, formulas whose cached
value is a genuine 0 or a placeholder, invisible control characters, and 32,767-character cells."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import xlsxwriter

from pipeline.ingest import ingest
from pipeline.normalize import normalize
from pipeline.scheme import load_scheme

PETITION = Path("信访局") / "2025年度乡镇考核指标数据（信访局）.xlsx"
ADJUSTMENTS = Path("考核办") / "2025年度加减分登记表.xlsx"


def read(folder: Path):
    """The ingest and normalize stages on a folder, in-process: the long table and every issue."""
    scheme = load_scheme(folder)
    return normalize(scheme, ingest(folder, scheme))


def issues_at(data, cell: str, file_part: str = "") -> list:
    return [i for i in data.issues if i.cell == cell and file_part in i.file]


def value_of(data, unit: str, indicator: str) -> Decimal | None:
    df = data.values
    row = df[(df.unit == unit) & (df.indicator == indicator) & (df.period == "2025")]
    return row.iloc[0]["value"]


def indicator_id(folder: Path, name: str) -> str:
    return next(i.id for i in load_scheme(folder).measures if i.name == name)


def rewrite_with_xlsxwriter(src: Path, cells: dict[str, tuple]) -> None:
    """Copy a return's values into a new file written by xlsxwriter, replacing some cells.

    `cells` maps "C6" to ("formula", text, cached) or ("value", v): what a program-written return holds.
    """
    ws_in = openpyxl.load_workbook(src).worksheets[0]
    wb = xlsxwriter.Workbook(src)
    ws = wb.add_worksheet(ws_in.title)
    for row in ws_in.iter_rows():
        for c in row:
            if c.value is not None:
                ws.write(c.coordinate, c.value)
    for ref, spec in cells.items():
        if spec[0] == "formula":
            ws.write_formula(ref, spec[1], None, spec[2])
        else:
            ws.write(ref, spec[1])
    wb.close()


# ------------------------------------------------------------------------------------------------- formulas
def test_formula_whose_zero_is_genuine_is_read_and_a_placeholder_is_reported_with_its_value(example):
    """xlsxwriter caches 0 for every formula. =SUM(F6:G6) over 0 and 0 really is 0: read it. =SUM(F5:G5) over
    1 and 1 cached as 0 is a placeholder: an error that says the formula should give 2."""
    path = example / "input" / PETITION
    rewrite_with_xlsxwriter(path, {
        "F3": ("value", "上半年"), "G3": ("value", "下半年"),
        "F5": ("value", 1), "G5": ("value", 1), "C5": ("formula", "=SUM(F5:G5)", 0),  # 城关镇: 2 cached as 0
        "F6": ("value", 0), "G6": ("value", 0), "C6": ("formula", "=SUM(F6:G6)", 0),  # 东关镇: a real 0
        "D7": ("formula", "=ROUND(190.8/2,1)", 95.4),  # 西湖镇: a formula with its cached value is data
    })
    data = read(example)
    ind = indicator_id(example, "越级上访批次")
    assert value_of(data, "东关镇", ind) == 0
    assert not issues_at(data, "C6")
    assert value_of(data, "西湖镇", indicator_id(example, "信访事项按期办结率")) == Decimal("95.4")
    [issue] = issues_at(data, "C5")
    assert issue.code == "formula-zero"
    assert "按表内数据计算应为 2" in issue.text() and "城关镇" in issue.text()


def test_formula_that_cannot_be_recomputed_stays_an_error(example):
    """Another sheet, text operands, IF: we cannot tell a placeholder from a real 0, so it is never data."""
    path = example / "input" / PETITION
    rewrite_with_xlsxwriter(path, {"C6": ("formula", "=IF(E6=\"\",0,1)", 0), "C7": ("formula", "=其他!B2", 0)})
    data = read(example)
    assert [i.code for i in issues_at(data, "C6")] == ["formula-zero"]
    assert [i.code for i in issues_at(data, "C7")] == ["formula-zero"]
    assert "按表内数据计算" not in issues_at(data, "C6")[0].text()


# ------------------------------------------------------------------------------------------------- dates
def _register_with_dates(path: Path, dates: list) -> None:
    """The office's 加减分登记表 with a 认定日期 column, its dates as real date cells, serials or text."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("加减分登记")
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row("A1", ["XX县2025年度乡镇目标管理考核加减分登记表"])
    ws.write_row("A2", ["序号", "乡镇名称", "加减分类别", "分值", "事由", "认定部门", "认定日期"])
    for i, value in enumerate(dates):
        row = 2 + i
        ws.write_row(row, 0, [i + 1, "城关镇", "专项督查加分", 1, f"事由{i + 1}", "县委督查室"])
        if isinstance(value, dt.date):
            ws.write_datetime(row, 6, dt.datetime.combine(value, dt.time()), date_format)
        else:
            ws.write(row, 6, value)
    wb.close()


def test_register_dates_as_date_cells_serials_and_chinese_text_all_read(example):
    _register_with_dates(example / "input" / ADJUSTMENTS,
                         [dt.date(2025, 3, 1), 45717, "2025年3月1日", "２０２５年３月１日", "2025/3/1", "2025.3.1"])
    data = read(example)
    mine = [a for a in data.adjustments if a["source"].startswith(str(ADJUSTMENTS))]
    assert [a["date"] for a in mine] == ["2025-03-01"] * 6
    assert not [i for i in data.issues if "date" in i.code]


def test_register_date_outside_the_year_warns_and_a_bad_date_is_an_error(example):
    _register_with_dates(example / "input" / ADJUSTMENTS, ["2024年12月30日", "2025年2月30日", "下周"])
    data = read(example)
    assert [(i.code, i.cell) for i in data.issues if "date" in i.code] == [
        ("date-outside-year", "G3"), ("not-a-date", "G4"), ("not-a-date", "G5")]
    warning = issues_at(data, "G3")[0].text()
    assert warning.startswith("[警告] 考核办/2025年度加减分登记表.xlsx › 加减分登记!G3：日期 2024-12-30 不在考核年度 2025 年内")
    assert "“2025年2月30日”不是有效日期" in issues_at(data, "G4")[0].text()


def test_a_date_where_a_number_belongs_is_an_error_saying_so(example):
    """Excel turns a typed "3-1" into 1 March: the cell is a date, and must not be read as the serial 45717."""
    path = example / "input" / PETITION
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws["D8"] = dt.datetime(2025, 3, 1)
    ws["D8"].number_format = "m月d日"
    wb.save(path)
    data = read(example)
    [issue] = issues_at(data, "D8")
    assert issue.code == "date-not-number"
    assert "单元格是日期（2025-03-01），不是数值" in issue.text() and "南河镇" in issue.text()


# ------------------------------------------------------------------------------------------------- hostile text
def test_control_characters_are_ignored_with_a_warning(example):
    """A unit name pasted from a web page with a zero-width space and a BEL still names the unit."""
    # openpyxl refuses to write a BEL; xlsxwriter stores it as Excel does (_x0007_)
    rewrite_with_xlsxwriter(example / "input" / PETITION, {"B6": ("value", "东关\u200b镇"), "D6": ("value", "99.8\u0007")})
    data = read(example)
    assert value_of(data, "东关镇", indicator_id(example, "信访事项按期办结率")) == Decimal("99.8")
    assert [(i.code, i.params["chars"]) for i in issues_at(data, "B6")] == [("control-characters", "U+200B")]
    assert [(i.code, i.params["chars"]) for i in issues_at(data, "D6")] == [("control-characters", "U+0007")]
    assert not [i for i in data.issues if i.severity == "错误"]


def test_a_32767_character_cell_is_one_short_error_and_a_warning_in_bounded_time(example):
    path = example / "input" / PETITION
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["D9"] = "九" * 32_767
    wb.save(path)
    start = time.perf_counter()
    data = read(example)
    assert time.perf_counter() - start < 10
    codes = sorted(i.code for i in issues_at(data, "D9"))
    assert codes == ["not-a-number", "overlong-text"]
    texts = [i.text() for i in issues_at(data, "D9")]
    assert all(len(t) < 200 for t in texts)
    assert any("“九九九" in t and "（共 32767 字）" in t for t in texts)
    assert any("单元格文字长达 32767 字" in t for t in texts)


def test_numbers_as_offices_type_them_and_missing_markers(example):
    """Text numbers with unit words, thousands separators, full-width digits and %, written by openpyxl; and
    —, /, 无 and blank read as missing (a missing-value error under missing = "error"), never as not-a-number."""
    path = example / "input" / PETITION
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    typed = {"C8": ("２批次", Decimal(2)), "C9": ("1,002 批次", Decimal(1002)), "D10": ("９８．５％", Decimal("98.5")),
             "D11": (" 97.25 ", Decimal("97.25"))}
    for ref, (text, _) in typed.items():
        ws[ref] = text
    for ref, marker in {"D5": "—", "D6": "/", "D7": "无", "C12": None}.items():
        ws[ref] = marker
    wb.save(path)
    data = read(example)
    for ref, (_, expected) in typed.items():
        unit = ws[f"B{ref[1:]}"].value.strip()
        name = "越级上访批次" if ref[0] == "C" else "信访事项按期办结率"
        assert value_of(data, unit, indicator_id(example, name)) == expected, ref
        assert not issues_at(data, ref)
    for ref in ("D5", "D6", "D7", "C12"):
        assert [i.code for i in issues_at(data, ref)] == ["missing-value"], ref
