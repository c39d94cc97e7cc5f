"""Values read exactly as the cell shows them: the number-format grammar, .xls formats via xlrd, .ods percentage
cells, and numbers typed as text with spaces and suffixes.

The oracle is LibreOffice: the same workbook, written by openpyxl and converted by LibreOffice to .xls and .ods, is
exported "as shown" to csv; every number kaohe reads must be the number LibreOffice displays (or be refused with an
issue naming the cell when the shown value cannot be derived from the stored one).
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from pipeline.ingest import ingest
from pipeline.ingest.formatted import _apply_formats
from pipeline.ingest.numfmt import ods_readings, reading, split_sections
from pipeline.ingest.reader import ReadError, format_note, read_workbook
from pipeline.normalize import normalize
from pipeline.numbers import NotANumber, parse_number, round_half_up
from pipeline.scheme import load_scheme

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CSV_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"  # UTF-8, cell contents as shown


def _lo(paths: list[Path], target: str, outdir: Path) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice（soffice）未安装：.ci/run 会安装 libreoffice-calc；本机可 apt-get install libreoffice-calc")
    outdir.mkdir(exist_ok=True)
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{outdir}/.lo-profile",
                    "--convert-to", target, "--outdir", str(outdir), *map(str, paths)],
                   check=True, capture_output=True, timeout=300)


# ------------------------------------------------------------------------------------------------ the grammar
# code, a value, what Excel shows it as: real % tokens, thousands-scaling commas, date, and how kaohe reads it
GRAMMAR = [
    ("0.00%", 0.845, 1, 0, False, "percent"),
    ('0.0"%"', 10.3, 0, 0, False, "plain"),  # the % is quoted text: 10.3 shows 10.3%
    ("0.0\\%", 10.3, 0, 0, False, "plain"),  # escaped
    ("#,##0.00_);[Red](#,##0.00)", -1234.5, 0, 0, False, "plain"),  # grouping commas, padding, colour
    ("[Red]0.0%", 0.845, 1, 0, False, "percent"),
    ('"增长"0.0%', 0.123, 1, 0, False, "percent"),
    ("0.0%;[Red]-0.0%", -0.05, 1, 0, False, "percent"),
    ('0.0;-0.0;0;@"%"', 10.3, 0, 0, False, "plain"),  # the % is in the text section only
    ("0%%", 0.5, 2, 0, False, "problem"),  # Excel ×10000, LibreOffice ×100
    ('#,##0,"千"', 12345, 0, 1, False, "problem"),  # shows 12千
    ("General", 0.845, 0, 0, False, "plain"),
    ("@", 0.845, 0, 0, False, "plain"),
    ('yyyy"年"m"月"d"日"', 45717, 0, 0, True, "problem"),  # a number under a date format (readers type dates)
    ("[$-804]0.0%", 0.845, 1, 0, False, "percent"),  # a locale in brackets
    ("0.0_%", 0.845, 0, 0, False, "plain"),  # padding to the width of a %
    ("0.0*%", 0.845, 0, 0, False, "plain"),  # filling with %
    ("0.0;-0.0%", -0.2, 1, 0, False, "percent"),  # the negative section is a percentage
    ("0.0;-0.0%", 0.2, 0, 0, False, "plain"),
    ("[>=100]0.0%;0.0", 150, 1, 0, False, "percent"),  # conditional sections
    ("[>=100]0.0%;0.0", 5, 0, 0, False, "plain"),
    ("[>=0]0.0%", -1, 0, 0, False, "problem"),  # no section for the value
    ("0;-0;;@", 0, 0, 0, False, "hidden"),  # zeros shown blank
    ("0.0,,", 5e6, 0, 2, False, "problem"),
    ("0,.0", 12345, 0, 1, False, "problem"),
    ("0.0E+00%", 0.5, 1, 0, False, "problem"),
    ("[h]:mm", 0.5, 0, 0, True, "problem"),
    ('[$¥-804]#,##0.00', 5, 0, 0, False, "plain"),
]


@pytest.mark.parametrize("code,value,percent,thousands,is_date,how", GRAMMAR, ids=[f"{g[0]}|{g[1]}" for g in GRAMMAR])
def test_format_grammar(code, value, percent, thousands, is_date, how):
    r = reading(code, value)
    assert (r.percent_scale, r.thousands, r.is_date) == (percent, thousands, is_date)
    assert ("percent" if r.percent else "problem" if r.problem else "hidden" if r.hidden else "plain") == how
    if how == "problem":
        assert r.problem.startswith(f"数字格式“{code}”")


def test_sections_split_only_outside_quotes_brackets_and_escapes():
    assert split_sections('0.0;-0.0;0;@"%"') == ["0.0", "-0.0", "0", '@"%"']
    assert split_sections('"a;b"0;[<0;x]0\\;0;_;0') == ['"a;b"0', "[<0;x]0\\;0", "_;0"]
    assert split_sections(";;;") == ["", "", "", ""]


def test_section_chosen_by_sign_like_excel():
    code = "0.0%;-0.0;0.0%"  # three sections: positive, negative, zero
    assert [reading(code, v).percent for v in (1, -1, 0)] == [True, False, True]
    assert [reading("0.0%;-0.0", v).percent for v in (1, -1, 0)] == [True, False, True]  # zero uses the first
    # a negative section without a sign of its own shows -5 as 5.0: not what was typed, so not read
    assert "不显示负号" in reading("0.0;0.0", -5).problem and not reading("0.0", -5).problem
    assert not reading('0.00;[红色]"△"0.00', -3).problem  # △ marks negatives in Chinese accounting
    assert reading("0.0%;;", -0.3).hidden  # an empty section hides the number whatever its sign
    assert reading("0.0%;0.0", None).problem  # a formula without a value: sections disagree, not guessed
    assert reading("0.0%;-0.0%", None).percent


# ------------------------------------------------------------------------------------------ LibreOffice oracle
CELLS = [(code, value) for code, value, *_ in GRAMMAR if "y" not in code and "h]" not in code]


def _shown(text: str) -> Decimal | None:
    """The number LibreOffice displays ("增长12.3%" -> 12.3, "1,234.50 " -> 1234.50, "(5.0)" -> -5.0)."""
    m = re.search(r"(-?)([\d,]*\.?\d+)", text)
    if not m:
        return None
    number = Decimal(m.group(2).replace(",", ""))
    return -number if m.group(1) or text.strip().startswith("(") else number


@pytest.fixture(scope="module")
def formats_files(tmp_path_factory) -> dict[str, tuple[Path, list[str]]]:
    """formats.xlsx (openpyxl), .xls and .ods (LibreOffice), each with LibreOffice's displayed text of column B."""
    d = tmp_path_factory.mktemp("formats")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    for i, (code, value) in enumerate(CELLS, 1):
        ws.cell(i, 1, code)
        ws.cell(i, 2, value).number_format = code
    src = d / "formats.xlsx"
    wb.save(src)
    _lo([src], "xls", d / "lo")
    _lo([src], "ods", d / "lo")
    files = {"xlsx": src, "xls": d / "lo" / "formats.xls", "ods": d / "lo" / "formats.ods"}
    renamed = []
    for ext, path in files.items():
        renamed.append(d / f"from_{ext}.{ext}")
        shutil.copy2(path, renamed[-1])
    _lo(renamed, CSV_AS_SHOWN, d / "csv")
    out = {}
    for ext, path in files.items():
        with open(d / "csv" / f"from_{ext}.csv", encoding="utf-8", newline="") as fh:
            out[ext] = (path, [row[1] if len(row) > 1 else "" for row in csv.reader(fh)])
    return out


@pytest.mark.parametrize("ext", ["xlsx", "xls", "ods"])
def test_numbers_read_as_libreoffice_displays_them(formats_files, ext):
    path, shown = formats_files[ext]
    [sheet] = read_workbook(path)
    refused, hidden = set(), set()
    for row, (code, value) in enumerate(CELLS, 1):
        v = sheet.cells.get((row, 2))
        note = format_note(v)
        if note and note[1]:
            assert sheet.format_issues[(row, 2)] == note[0]
            refused.add(code)
            continue
        if note:
            hidden.add(code)
            assert shown[row - 1] == "" and (row, 2) in sheet.hidden
            continue
        read = parse_number(v, (row, 2) in sheet.percent)
        want = _shown(shown[row - 1])
        places = len(shown[row - 1].split(".")[1].rstrip(" %千")) if "." in shown[row - 1] else 0
        assert round_half_up(read, places) == want, (code, value, shown[row - 1], read)
    assert hidden == {"0;-0;;@"}
    # LibreOffice rewrites some codes when it saves .xls/.ods (`0,.0` and `0.0E+00%` become General, `[>=0]0.0%`
    # becomes `0.0%;General`), and ODF's percentage style scales once (it shows 0.5 under 0%% as 50%%): each file
    # is refused exactly where its own format hides the stored value
    assert refused == {"xlsx": {'#,##0,"千"', "0.0,,", "0,.0", "0%%", "[>=0]0.0%", "0.0E+00%"},
                       "xls": {'#,##0,"千"', "0.0,,", "0%%", "[>=0]0.0%"},
                       "ods": {'#,##0,"千"', "0.0,,", "[>=0]0.0%"}}[ext]


def test_xls_and_ods_percent_cells_are_found(formats_files):
    """The .xls format map comes from xlrd, the .ods one from content.xml: both mark 84.5% as percent."""
    for ext in ("xls", "ods"):
        [sheet] = read_workbook(formats_files[ext][0])
        rows = {CELLS[r - 1][0] for r, c in sheet.percent}
        assert {"0.00%", "[Red]0.0%", '"增长"0.0%', "0.0%;[Red]-0.0%", "[$-804]0.0%"} <= rows, ext
        assert not rows & {'0.0"%"', "0.0\\%", '0.0;-0.0;0;@"%"', "0.0_%", "General"}, ext


# ------------------------------------------------------------------------------ through the stages, the example
STATS = "统计局"


def _stats(folder: Path) -> Path:
    return next((folder / "input" / STATS).glob("*考核指标数据*.xlsx"))


def _values(folder: Path) -> tuple[dict, list]:
    scheme = load_scheme(folder)
    data = normalize(scheme, ingest(folder, scheme))
    vals = {(r.unit, r.indicator, r.period): r.value for r in data.values.itertuples()}
    return vals, data.issues


def _percent_column(path: Path, header: str):
    """Rewrite one indicator column as LibreOffice/Excel users do: literal "%" formats, and fractions under 0.0%."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    col = next(c.column for r in ws.iter_rows(min_row=1, max_row=6) for c in r
               if isinstance(c.value, str) and header in c.value)
    return wb, ws, col


def test_literal_and_real_percent_formats_read_as_shown_through_normalize(example):
    """The testers' case: 10.3 under `0.0"%"` was read as 1030 and changed 8 of 19 ranks. Now: as shown."""
    baseline, _ = _values(example)
    path = _stats(example)
    wb, ws, col = _percent_column(path, "地区生产总值增长率")
    _, _, col2 = _percent_column(path, "规模以上工业增加值增长率")
    for r in range(5, 24):
        ws.cell(r, col).number_format = '0.0"%"' if r % 2 else "0.0\\%"
        c = ws.cell(r, col2)
        c.value, c.number_format = float(Decimal(str(c.value)) / 100), "0.0%"  # 13.5 stored as 0.135, shown 13.5%
    wb.save(path)
    values, issues = _values(example)
    assert values == baseline
    assert not [i for i in issues if i.code in ("format-unreadable", "scale-outlier")]


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_xls_and_ods_percent_cells_read_as_shown_through_normalize(example, tmp_path, ext):
    """A column of fractions under 0.0%, converted by LibreOffice: read as the percentage points it shows."""
    baseline, _ = _values(example)
    path = _stats(example)
    wb, ws, col = _percent_column(path, "规模以上工业增加值增长率")
    for r in range(5, 24):
        c = ws.cell(r, col)
        c.value, c.number_format = float(Decimal(str(c.value)) / 100), "0.0%"
    wb.save(path)
    _lo([path], ext, tmp_path / "lo")
    path.unlink()
    shutil.copy2(tmp_path / "lo" / f"{path.stem}.{ext}", path.with_suffix(f".{ext}"))
    values, issues = _values(example)
    assert values == baseline
    assert not [i for i in issues if i.code in ("format-unreadable", "scale-outlier")]


def test_thousands_scaled_and_double_percent_cells_are_errors_naming_the_cell(example):
    path = _stats(example)
    wb, ws, col = _percent_column(path, "地区生产总值增长率")
    letter = openpyxl.utils.get_column_letter(col)
    ws.cell(5, col).number_format = '#,##0,"千"'
    ws.cell(6, col).number_format = "0%%"
    ws.cell(7, col).value, ws.cell(7, col).number_format = 0, "0;-0;;@"
    wb.save(path)
    values, issues = _values(example)
    by_cell = {(i.cell, i.code): i for i in issues if i.sheet == "指标数据"}
    scaled = by_cell[(f"{letter}5", "format-unreadable")]
    assert scaled.severity == "错误" and scaled.unit == "城关镇" and path.name in scaled.file
    assert "按千缩放显示" in scaled.text() and "单元格存储的数值为 10.3" in scaled.text()
    assert "含 2 个百分号" in by_cell[(f"{letter}6", "format-unreadable")].text()
    assert values[("城关镇", "A1", "2025")] is None and values[("东关镇", "A1", "2025")] is None
    hidden = by_cell[(f"{letter}7", "format-hidden")]
    assert hidden.severity == "警告" and values[("西湖镇", "A1", "2025")] == 0


# ------------------------------------------------------------------------------------------------ .ods positions
def test_ods_positions_agree_with_calamine_on_a_libreoffice_file(tmp_path):
    """Merged titles, blank rows, repeated identical cells and rows, a far cell: the streaming parser's positions
    are those calamine gives the values."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表一"
    ws["A1"] = "标题"
    ws.merge_cells("A1:F1")
    ws.merge_cells("B3:C4")
    ws["B3"] = 0.5
    ws["B3"].number_format = "0.0%"
    percent = {(3, 2)}
    for r in range(6, 10):  # identical rows: LibreOffice writes one row with number-rows-repeated
        for c in range(2, 6):  # identical cells: number-columns-repeated
            ws.cell(r, c, 0.25).number_format = "0.0%"
            percent.add((r, c))
        ws.cell(r, 7, 3.5)
    ws.cell(300, 40, 0.125).number_format = "0.00%"
    percent.add((300, 40))
    ws2 = wb.create_sheet("表二")
    ws2["C2"], ws2["C2"].number_format = 0.9, "0%"
    ws2["D2"], ws2["D2"].number_format = 12345, '#,##0,"千"'
    src = tmp_path / "positions.xlsx"
    wb.save(src)
    _lo([src], "ods", tmp_path / "lo")
    ods = tmp_path / "lo" / "positions.ods"
    content = zipfile.ZipFile(ods).read("content.xml").decode()
    assert "table:number-rows-repeated" in content and re.search(
        r'number-columns-repeated="\d+"[^>]*office:value-type="percentage"', content)
    one, two = read_workbook(ods)
    assert one.percent == percent and two.percent == {(2, 3)}
    assert all(one.cells[k] in (0.5, 0.25, 0.125) for k in percent)
    assert one.cells[(6, 7)] == 3.5 and (6, 7) not in one.percent
    assert set(two.format_issues) == {(2, 4)}
    readings = ods_readings(zipfile.ZipFile(ods))
    assert {k for k, r in readings["表一"].items() if r.percent} == percent


def _ods_with_row(tmp_path: Path, row_xml: str) -> Path:
    """A minimal valid .ods whose only table has the given rows (mimetype stored first, as ODF requires)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        '<office:body><office:spreadsheet><table:table table:name="表">' + row_xml +
        '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    path = tmp_path / "hostile.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return path


PCT = '<table:table-cell office:value-type="percentage" office:value="0.5"><text:p>50%</text:p></table:table-cell>'


def test_repeated_percentage_cells_are_counted_like_calamine(tmp_path):
    path = _ods_with_row(tmp_path, '<table:table-row><table:table-cell/></table:table-row>'
                         '<table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="string">'
                         '<text:p>甲</text:p></table:table-cell>'
                         + PCT.replace("<table:table-cell ", '<table:table-cell table:number-columns-repeated="3" ')
                         + '</table:table-row>')
    [sheet] = read_workbook(path)
    assert sheet.percent == {(r, c) for r in (2, 3) for c in (2, 3, 4)}
    assert {k: v for k, v in sheet.cells.items() if k in sheet.percent} == {k: 0.5 for k in sheet.percent}
    assert parse_number(sheet.cells[(2, 3)], True) == 50


def test_hostile_ods_repeating_one_cell_millions_of_times_is_refused_quickly(tmp_path):
    path = _ods_with_row(tmp_path, '<table:table-row table:number-rows-repeated="1000000">'
                         + PCT.replace("<table:table-cell ", '<table:table-cell table:number-columns-repeated="16384" ')
                         + '</table:table-row>')
    assert path.stat().st_size < 2000
    start = time.monotonic()
    with pytest.raises(ReadError) as err:
        read_workbook(path)
    assert err.value.code == "file-too-large" and "超过上限" in err.value.reason
    assert time.monotonic() - start < 5


def test_ods_repeating_empty_cells_is_only_counted(tmp_path):
    """LibreOffice ends every table with an empty row repeated to row 1048576: positions, not cells."""
    path = _ods_with_row(tmp_path, '<table:table-row>' + PCT + '<table:table-cell table:number-columns-repeated="16383"/>'
                         '</table:table-row><table:table-row table:number-rows-repeated="1048575">'
                         '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    [sheet] = read_workbook(path)
    assert sheet.percent == {(1, 1)} and sheet.cells == {(1, 1): 0.5}


def test_ods_with_an_xml_bomb_is_refused(tmp_path):
    path = _ods_with_row(tmp_path, "")
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["content.xml"] = parts["content.xml"].replace(
        b'<?xml version="1.0" encoding="UTF-8"?>',
        b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), parts.pop("mimetype"))
        for n, data in parts.items():
            zf.writestr(n, data)
    with pytest.raises(ReadError) as err:
        read_workbook(path)
    assert err.value.code == "file-too-large" and "XML 炸弹" in err.value.reason


def test_a_file_whose_formats_cannot_be_read_is_refused_only_if_it_has_numbers(formats_files):
    """xlrd failing on an .xls calamine read: its numbers might be percentages, so the file is refused."""
    sheets = read_workbook(formats_files["xls"][0])
    with pytest.raises(ReadError) as err:
        _apply_formats(sheets, ValueError("xlrd"))
    assert "无法读取单元格的数字格式" in err.value.reason and "另存为 .xlsx" in err.value.reason
    for s in sheets:
        s.cells = {k: v for k, v in s.cells.items() if isinstance(v, str)}
    _apply_formats(sheets, ValueError("xlrd"))  # text only: nothing a format could change


# ---------------------------------------------------------------------------------------- numbers typed as text
@pytest.mark.parametrize("text,value", [
    ("1 234.5", "1234.5"), ("1\u00a0234.5", "1234.5"), ("1\u2009234", "1234"), ("1\u202f234", "1234"),
    ("1 234 567.25", "1234567.25"), ("-1 234", "-1234"), ("12.5万元", "12.5"), ("3次", "3"), ("84.5%", "84.5"),
    ("84.5 %", "84.5"), ("１２．５", "12.5"), ("1,234.5", "1234.5"), ("1 234 万元", "1234"),
])
def test_numbers_typed_with_spaces_and_suffixes_read_as_displayed(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["1 234,5", "1.234,5", "12,5", "12 34", "1 2", "1 234 5", "1.2 34"])
def test_european_decimal_commas_and_stray_spaces_are_not_numbers(text):
    with pytest.raises(NotANumber):
        parse_number(text)
