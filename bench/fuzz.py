"""Structural fuzzing of real returns, with an oracle for silent wrong reads (issue 11).

Each case takes a real return — the bundled one openpyxl wrote, one xlsxwriter writes here (shared strings,
number formats, formulas with cached results, booleans, error values, dates), an .ods written by hand with a
percentage style, and an .xls LibreOffice writes from the xlsxwriter one — mutates its parts (dimension, cell
references duplicated / out of order / absurd / missing, shared-string indices, styles.xml number formats and
cell-format indices, rich and inline strings, error values, huge and non-finite numbers, t="b"/"d"/"str"/"n"/"e"
mismatches, namespace prefixes, comments and CDATA, truncated parts and files; .ods values and repeats; .xls
NUMBER records and DIMENSIONS) and reads it with `read_workbook`.

THE ORACLE: each mutation says what Excel / LibreOffice would display for every cell it touched — computed here,
from the mutation itself and a hand-written table of number formats (`FORMATS`), never from the reader — and
whether the rest of the workbook must read as before. A case is then:

    read-correctly     every touched cell reads as displayed, the rest as before
    refused-with-issue the file is refused (ReadError: a Chinese reason, an issue naming the file), or the
                       touched cell is flagged or reads as something normalize reports at the cell (a date, an
                       error value, a boolean, text that is not a number)
    SILENT-WRONG       a cell reads as a value other than the one displayed, with nothing to report it  (failure)
    traceback          read_workbook raised anything but ReadError                                      (failure)
    hang               a case took longer than the per-case timeout                                     (failure)

A reading is compared as normalize would take it: numbers as Decimal (×100 for percent cells), at 15 significant
digits (what Excel shows); text as parse_number would read it where a number is displayed.

Usage (from the repository root):
    python -m bench.fuzz --count 10000            # 2 worker processes, 10 s per case, prints the counts table
    python -m bench.fuzz --count 300 --seed 7 --show 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.ingest.reader import ReadError, cell_name, format_note, read_workbook  # noqa: E402
from pipeline.issues import CATALOGUE  # noqa: E402
from pipeline.numbers import NotANumber, parse_number  # noqa: E402

OUTCOMES = ("read-correctly", "refused-with-issue", "SILENT-WRONG", "traceback", "hang")
FAILURES = ("SILENT-WRONG", "traceback", "hang")
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OPENPYXL_BASE = ROOT / "input" / "信访局" / "2025年度乡镇考核指标数据（信访局）.xlsx"
ERRORS = ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"]

# ------------------------------------------------------------------------------------------------ the format oracle
# What Excel displays for a number under each format, as the scale a reader must apply: 1 (shown as stored),
# 100 (one real % sign), "refuse" (shown value cannot be derived: the reader must flag it), "date" (a date or time),
# None (this oracle does not know: the case is not judged on it). Written from Excel's rules, independently of
# pipeline/ingest/numfmt.py.
X1, X100 = (lambda v: 1), (lambda v: 100)
FORMATS = {
    "General": X1, "0": X1, "0.0": X1, "0.00": X1, "0.000": X1, "#,##0": X1, "#,##0.00": X1, "@": X1,
    '0.0"%"': X1, "0.0\\%": X1, "0.0_%": X1, "0.00E+00": X1, ";;;": X1, "0;-0;;@": X1, '0.0"万元"': X1,
    "#,##0 ;(#,##0)": X1, "#,##0.00;[Red]-#,##0.00": X1,
    "0%": X100, "0.0%": X100, "0.00%": X100, "#,##0.0%": X100, "[Red]0.0%": X100, '"增长"0.0%': X100,
    "[$-804]0.0%": X100, "0.0%;[Red]-0.0%": X100, "0.0%;-0.0%": X100,
    "0.0;-0.0%": lambda v: 100 if v < 0 else 1,
    "[>=100]0.0%;0.0": lambda v: (100 if v >= 100 else 1) if v >= 0 else None,
    "0.0;0.0": lambda v: 1 if v >= 0 else "refuse",  # -5 shows as 5.0: reading -5 would be wrong
    "0%%": lambda v: "refuse", "#,##0,": lambda v: "refuse", "0.0,,": lambda v: "refuse",
    '#,##0,"千"': lambda v: "refuse",
    "yyyy-mm-dd": lambda v: "date", "m/d/yy": lambda v: "date", "h:mm": lambda v: "date",
    'yyyy"年"m"月"d"日"': lambda v: "date", "mm-dd-yy": lambda v: "date",
}
POOL = list(FORMATS)
BUILTIN = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
           14: "mm-dd-yy", 37: "#,##0 ;(#,##0)", 49: "@"}
CHINESE_DATES = {31: 'yyyy"年"m"月"d"日"'}  # built-in in Chinese Excel, not defined in the file
LOCALE_UNKNOWN = (60, 70, 81)  # built-in ids whose code depends on the Excel language: must be refused

VALID_NUMBERS = ["0", "1", "-1", "0.5", "12.5", "-3.25", "100", "150.75", "0.845", "1E+2", "+5", ".5", "5.",
                 "007", "-0", "1e15", "1e-5", "1e-320", "1.7976931348623157e308", "123456789012345678901234567890",
                 "0.1000000000000000055511151231257827", "99.99", "-0.001"]
BAD_NUMBERS = ["１２", "١٢", "1_000", "nan", "NaN", "inf", "-inf", "Infinity", " 12", "12 ", "\t1", "0x10",
               "1e309", "-1e309", "1e-400", "12,5", "+", ".", "e5", "1e", "--1", "1.2.3", "1e99999", "12%",
               "1 000", "٣.٥", "１２．５", "12.5元"]


@dataclass
class Expect:
    """What a mutant must read as (see the module docstring)."""

    cells: dict = field(default_factory=dict)  # (sheet, (row, col)) -> expected (see `_judge_cell`)
    rest_same: bool = True  # every other cell reads as in the base
    refuse_only: bool = False  # only a refusal is right (Excel calls the file corrupt, or its size is absurd)
    moved: dict = field(default_factory=dict)  # (sheet, key) in the base -> its key now (cells a mutation moves)
    unjudged: set = field(default_factory=set)  # (sheet, key) not compared (the oracle cannot tell)


REFUSE = ("refuse",)
ABSENT = ("absent",)


def number(v) -> tuple:
    return ("number", v)


# ------------------------------------------------------------------------------------------------ bases
@dataclass
class Cell:
    ref: str
    key: tuple[int, int]
    span: tuple[int, int]  # element's byte span in the sheet XML
    attrs: dict[str, str]
    v: str | None
    has_is: bool


@dataclass
class Base:
    name: str
    suffix: str
    data: bytes
    reading: dict  # (sheet, key) -> reading (as `_reading`)
    sheets: list  # the base's Sheets
    parts: dict[str, bytes] = field(default_factory=dict)
    sheet_part: str = ""
    sheet_name: str = ""
    cells: list[Cell] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)
    num_fmts: dict[int, str] = field(default_factory=dict)
    xf_fmts: list[int] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def fmt_of(self, style: int) -> str | None:
        if style >= len(self.xf_fmts):
            return None
        fid = self.xf_fmts[style]
        return self.num_fmts.get(fid) or BUILTIN.get(fid)


_CELL = re.compile(rb'<c r="([A-Z]+)([0-9]+)"([^>]*?)(/>|>(.*?)</c>)', re.S)
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _unxml(s: str) -> str:
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def _cells_of(xml: bytes) -> list[Cell]:
    out = []
    for m in _CELL.finditer(xml):
        attrs = {k.decode(): _unxml(v.decode()) for k, v in _ATTR.findall(m.group(3))}
        inner = m.group(5) or b""
        v = re.search(rb"<v>(.*?)</v>", inner, re.S)
        out.append(Cell(m.group(1).decode() + m.group(2).decode(), (int(m.group(2)), _col(m.group(1).decode())),
                        m.span(), attrs, _unxml(v.group(1).decode()) if v else None, b"<is>" in inner))
    return out


def _styles(data: bytes) -> tuple[dict[int, str], list[int]]:
    root = ElementTree.fromstring(data)
    ns = {"m": MAIN_NS}
    fmts = {int(e.get("numFmtId")): e.get("formatCode") for e in root.findall("m:numFmts/m:numFmt", ns)}
    xfs = [int(e.get("numFmtId", "0")) for e in root.findall("m:cellXfs/m:xf", ns)]
    return fmts, xfs


def _shared(data: bytes) -> list[str]:
    root = ElementTree.fromstring(data)
    ns = "{%s}" % MAIN_NS
    out = []
    for si in root.findall(f"{ns}si"):
        t = si.find(f"{ns}t")
        out.append(t.text or "" if t is not None else "".join(r.findtext(f"{ns}t") or "" for r in si.findall(f"{ns}r")))
    return out


def _xlsxwriter_return(path: Path) -> None:
    """A department's return as xlsxwriter writes it: shared strings, formats, formulas with cached results."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("指标数据")
    title = wb.add_format({"bold": True})
    fmts = {name: wb.add_format({"num_format": code}) for name, code in (
        ("pct", "0.0%"), ("two", "0.00"), ("thou", "#,##0"), ("lit", '0.0"%"'), ("date", "yyyy-mm-dd"),
        ("wan", '0.0"万元"'))}
    ws.merge_range("A1:H1", "2025年度乡镇考核指标数据（财政局）", title)
    ws.write_row(1, 0, ["乡镇名称", "一般公共预算收入", "完成率", "增长额", "税收占比", "备注", "合计", "日期"])
    units = ["城关镇", "青山乡", "白云乡", "石门乡", "桃源乡", "龙潭乡", "鹿鸣乡", "河口镇", "新集镇", "柳林乡"]
    for i, unit in enumerate(units):
        r = i + 2
        ws.write_string(r, 0, unit)
        ws.write_number(r, 1, 1000 + i * 37.5)
        ws.write_number(r, 2, 0.8 + i / 100, fmts["pct"])
        ws.write_number(r, 3, 12.25 * (i - 3), fmts["two"])
        ws.write_number(r, 4, 10.3 + i, fmts["lit"])
        ws.write_string(r, 5, "正常" if i % 3 else "说明_x0007_文字")
        ws.write_formula(r, 6, f"=B{r + 1}+D{r + 1}", fmts["thou"], 1000 + i * 37.5 + 12.25 * (i - 3))
        ws.write_number(r, 7, 45717 + i, fmts["date"])
    ws.write_formula(12, 1, "=1/0", None, "#DIV/0!")
    ws.write_boolean(12, 2, True)
    ws.write_number(12, 3, 88.5, fmts["wan"])
    notes = wb.add_worksheet("说明")
    notes.write_column(0, 0, ["本表由财政局填报", "数据截至2025年12月31日"])
    wb.close()


def _ods_return() -> tuple[bytes, list[list]]:
    """An .ods written by hand: a percentage data style, float and percentage cells, strings; and its rows as the
    oracle models them (each cell: (value-type, value, repeat))."""
    styles = ('<number:percentage-style style:name="N1"><number:number number:decimal-places="1" '
              'number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>'
              '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>')
    rows = [[("string", "乡镇名称", 1), ("string", "一般公共预算收入", 1), ("string", "完成率", 1)]]
    for i, unit in enumerate(["城关镇", "青山乡", "白云乡", "石门乡", "桃源乡", "龙潭乡"]):
        rows.append([("string", unit, 1), ("float", repr(1000 + i * 37.5), 1), ("percentage", repr(0.8 + i / 100), 1)])
    return _ods_bytes(rows, styles), rows


ODS_STYLES = ""


def _ods_bytes(rows: list[list], styles: str | None = None, extra_attr: dict | None = None) -> bytes:
    global ODS_STYLES
    if styles is not None:
        ODS_STYLES = styles
    extra_attr = extra_attr or {}
    body = []
    for r, row in enumerate(rows):
        cells = []
        for c, (kind, value, repeat) in enumerate(row):
            rep = f' table:number-columns-repeated="{repeat}"' if repeat != 1 else ""
            more = extra_attr.get((r, c), "")
            if kind == "string":
                cells.append(f'<table:table-cell{rep}{more} office:value-type="string"><text:p>{value}</text:p></table:table-cell>')
            elif kind == "empty":
                cells.append(f"<table:table-cell{rep}{more}/>")
            else:
                st = ' table:style-name="ce1"' if kind == "percentage" else ""
                cells.append(f'<table:table-cell{rep}{st}{more} office:value-type="{kind}" office:value="{value}">'
                             f"<text:p>{value}</text:p></table:table-cell>")
        body.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               f"<office:automatic-styles>{ODS_STYLES}</office:automatic-styles><office:body><office:spreadsheet>"
               f'<table:table table:name="数据">{"".join(body)}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    return _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": content.encode(),
                 "META-INF/manifest.xml": b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                 b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                 b'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                 b"</manifest:manifest>"})


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name) if name == "mimetype" else name, data,
                        compress_type=zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


_BASES: list[Base] = []
_TMP: Path | None = None


def tmp_dir() -> Path:
    global _TMP
    if _TMP is None:
        _TMP = Path(tempfile.mkdtemp(prefix="kaohe-fuzz-"))
    return _TMP


def bases() -> list[Base]:
    """The real returns the cases mutate, made once per process (.xls only where LibreOffice is installed)."""
    if _BASES:
        return _BASES
    folder = tmp_dir()
    xw = folder / "xlsxwriter.xlsx"
    _xlsxwriter_return(xw)
    for name, path in (("openpyxl", OPENPYXL_BASE), ("xlsxwriter", xw)):
        data = path.read_bytes()
        parts = _parts(data)
        sheets = read_workbook(path)
        base = Base(name, ".xlsx", data, _readings(sheets), sheets, parts, "xl/worksheets/sheet1.xml", sheets[0].name)
        base.cells = _cells_of(parts[base.sheet_part])
        base.num_fmts, base.xf_fmts = _styles(parts["xl/styles.xml"])
        if "xl/sharedStrings.xml" in parts:
            base.shared = _shared(parts["xl/sharedStrings.xml"])
        _BASES.append(base)
    ods, rows = _ods_return()
    path = folder / "base.ods"
    path.write_bytes(ods)
    sheets = read_workbook(path)
    _BASES.append(Base("ods", ".ods", ods, _readings(sheets), sheets, extra={"rows": rows}))
    xls = _xls_base(xw, folder)
    if xls is not None:
        sheets = read_workbook(xls)
        _BASES.append(Base("xls", ".xls", xls.read_bytes(), _readings(sheets), sheets,
                           extra={"numbers": _xls_numbers(xls.read_bytes()),
                                  "dims": [at for at, _ in _xls_records(xls.read_bytes(), 0x0200, 14)]}))
    return _BASES


XLS_SKIP_REASON = ""


def _xls_base(src: Path, folder: Path) -> Path | None:
    global XLS_SKIP_REASON
    soffice = shutil.which("soffice")
    if soffice is None:
        XLS_SKIP_REASON = "LibreOffice（soffice）未安装：不生成 .xls 样本，只跳过 .xls 部分"
        return None
    out = folder / (src.stem + ".xls")
    if not out.exists():
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/lo", "--convert-to", "xls",
                        "--outdir", str(folder), str(src)], capture_output=True, timeout=180)
    if not out.exists():
        XLS_SKIP_REASON = "LibreOffice 未能写出 .xls 样本：只跳过 .xls 部分"
        return None
    return out


def _xls_records(data: bytes, rtype_wanted: int, length_wanted: int) -> list[tuple[int, bytes]]:
    """(file offset of the body, body) of each record of a type found exactly once, contiguous, in the file."""
    from xlrd.compdoc import CompDoc

    stream = CompDoc(data, logfile=io.StringIO()).get_named_stream("Workbook")
    out, pos = [], 0
    while pos + 4 <= len(stream):
        rtype, length = struct.unpack_from("<HH", stream, pos)
        if rtype == rtype_wanted and length == length_wanted:
            record = stream[pos:pos + 4 + length]
            at = data.find(record)
            if at >= 0 and data.count(record) == 1:
                out.append((at + 4, stream[pos + 4:pos + 4 + length]))
        pos += 4 + length
    return out


def _xls_numbers(data: bytes) -> list[tuple[int, int, int, float]]:
    """(file offset of the 8-byte value, row, col, value) of every NUMBER record found in the file."""
    out = []
    for at, body in _xls_records(data, 0x0203, 14):
        row, col, _xf, value = struct.unpack("<HHHd", body)
        out.append((at + 6, row + 1, col + 1, value))
    return out


# ------------------------------------------------------------------------------------------------ readings
def _reading(sheet, key) -> tuple:
    """A cell as normalize takes it: ("number", Decimal) ×100 for percent cells, ("text", s), ("date",),
    ("bool", b), ("flagged",) for a flagged number, ABSENT."""
    v = sheet.cells.get(key)
    if v is None:
        return ABSENT
    note = format_note(v)
    if note is not None and note[1]:
        return ("flagged",)
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, (dt.date, dt.time, dt.timedelta)):
        return ("date",)
    if isinstance(v, (int, float)):
        d = Decimal(v) if isinstance(v, int) else Decimal(repr(float(v)))
        return ("number", d * 100 if key in sheet.percent else d)
    return ("text", str(v))


def _readings(sheets) -> dict:
    return {(s.name, k): _reading(s, k) for s in sheets for k in s.cells}


def _sig(d: Decimal) -> Decimal:
    """At 15 significant digits: what Excel displays of a double."""
    if not d.is_finite() or d == 0:
        return d
    return Decimal(format(d, ".14e"))


def _same_number(a: Decimal, b: Decimal) -> bool:
    try:
        return _sig(a) == _sig(b)
    except InvalidOperation:
        return False


def _judge_cell(expected: tuple, got: tuple) -> str:
    """'ok', 'issue' (refused at the cell) or 'wrong' for one touched cell."""
    kind = expected[0]
    if kind == "refuse":
        return "issue" if got[0] in ("flagged", "absent", "date", "bool") or got == ABSENT else "wrong"
    if got[0] == "flagged":
        return "issue"
    if kind == "number":
        if got[0] == "number":
            return "ok" if _same_number(expected[1], got[1]) else "wrong"
        if got[0] == "text":
            try:
                parsed = parse_number(got[1])
            except NotANumber:
                return "issue"
            return "ok" if parsed is not None and _same_number(expected[1], parsed) else "wrong"
        if got[0] in ("date", "bool"):
            return "issue"  # normalize reports a date or a boolean where a number belongs
        return "wrong"  # absent: a number silently lost
    if kind == "date":
        return "ok" if got[0] == "date" else "issue" if got in (("text", e) for e in ERRORS) else "wrong"
    if kind == "anyof":
        return "ok" if got in expected[1] else "wrong"
    return "ok" if got == expected else "wrong"


def judge(base: Base, expect: Expect, result) -> tuple[str, str]:
    """(outcome, detail) for one mutant's reading (a list of Sheets, a ReadError, or another exception)."""
    if isinstance(result, ReadError):
        if result.code not in CATALOGUE or not re.search(r"[\u4e00-\u9fff]", result.reason):
            return "traceback", f"ReadError without a catalogued code or Chinese reason: {result.code} {result.reason!r}"
        return "refused-with-issue", f"{result.code}: {result.reason[:80]}"
    if isinstance(result, BaseException):
        return "traceback", f"{type(result).__name__}: {str(result)[:200]}"
    if expect.refuse_only:
        return "SILENT-WRONG", "read although only a refusal is right"
    sheets = {s.name: s for s in result}
    got = _readings(result)
    verdict = "ok"
    details = []
    for (name, key), expected in expect.cells.items():
        sheet = sheets.get(name)
        reading = _reading(sheet, key) if sheet is not None else ABSENT
        v = _judge_cell(expected, reading)
        if v == "wrong":
            return "SILENT-WRONG", f"{name}!{cell_name(key[0], key[1])}: expected {expected}, read {reading}"
        if v == "issue":
            verdict = "issue"
            details.append(f"{cell_name(key[0], key[1])} flagged")
    for old, new in expect.moved.items():  # a cell a mutation moved: its base reading, at its new place
        before, now = base.reading.get(old, ABSENT), got.get(new, ABSENT)
        if now != before and not (now[0] == before[0] == "number" and _same_number(now[1], before[1])):
            if now[0] == "flagged":
                verdict = "issue"
                continue
            return "SILENT-WRONG", f"moved {old[0]}!{cell_name(old[1][0], old[1][1])} -> {cell_name(new[1][0], new[1][1])}: was {before}, read {now}"
    if expect.rest_same:
        touched = set(expect.cells) | expect.unjudged | set(expect.moved) | set(expect.moved.values())
        for where, reading in got.items():
            if where in touched:
                continue
            before = base.reading.get(where, ABSENT)
            if reading != before and not (reading[0] == before[0] == "number" and _same_number(reading[1], before[1])):
                return "SILENT-WRONG", f"untouched {where[0]}!{cell_name(where[1][0], where[1][1])}: was {before}, read {reading}"
        for where, before in base.reading.items():
            if where not in got and where not in touched:
                return "SILENT-WRONG", f"untouched {where[0]}!{cell_name(where[1][0], where[1][1])} lost (was {before})"
    return ("read-correctly", "") if verdict == "ok" else ("refused-with-issue", "; ".join(details)[:80])


# ------------------------------------------------------------------------------------------------ xlsx mutations
@dataclass
class Mutant:
    label: str
    data: bytes
    suffix: str
    expect: Expect


def _with_sheet(base: Base, xml: bytes, **more: bytes) -> bytes:
    parts = dict(base.parts)
    parts[base.sheet_part] = xml
    parts.update(more)
    return _zip(parts)


def _replace(xml: bytes, cell: Cell, new: str | bytes) -> bytes:
    new = new.encode() if isinstance(new, str) else new
    return xml[:cell.span[0]] + new + xml[cell.span[1]:]


def _element(ref: str, attrs: dict[str, str], inner: str | None) -> str:
    a = "".join(f' {k}="{_esc(v)}"' for k, v in attrs.items() if k != "r")
    head = f'<c r="{ref}"{a}' if ref is not None else f"<c{a}"
    return head + ("/>" if inner is None else f">{inner}</c>")


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _style(cell: Cell) -> int:
    return int(cell.attrs.get("s", "0") or 0)


def _numeric_cells(base: Base) -> list[Cell]:
    return [c for c in base.cells if c.attrs.get("t", "n") == "n" and c.v is not None and "<f>" not in ""]


def _expected_number(base: Base, style: int, text: str) -> tuple | None:
    """What a stored `text` under cell format `style` displays, or None when the oracle cannot tell."""
    code = base.fmt_of(style)
    if code is None:
        return REFUSE if style >= len(base.xf_fmts) else None
    oracle = FORMATS.get(code)
    if oracle is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return REFUSE
    how = oracle(value)
    if how is None:
        return None
    if how == "refuse":
        return REFUSE
    if how == "date":
        return ("date",)
    return number(Decimal(repr(value)) * how if "." in text or "e" in text.lower() else Decimal(int(text)) * how)


def m_number(rng: random.Random, base: Base) -> Mutant | None:
    """A numeric cell's stored text: valid numbers read as their format shows them, the rest refused."""
    cells = _numeric_cells(base)
    if not cells:
        return None
    cell = rng.choice(cells)
    text = rng.choice(VALID_NUMBERS if rng.random() < 0.5 else BAD_NUMBERS)
    xml = base.parts[base.sheet_part]
    attrs = dict(cell.attrs)
    attrs.pop("t", None)
    new = _replace(xml, cell, _element(cell.ref, attrs, f"<v>{_esc(text)}</v>"))
    style = _style(cell)
    if text in BAD_NUMBERS:
        expected = REFUSE
    else:
        expected = _expected_number(base, style, text)
    exp = Expect()
    if expected is None:
        exp.unjudged.add((base.sheet_name, cell.key))
    else:
        exp.cells[(base.sheet_name, cell.key)] = expected
    return Mutant(f"number {cell.ref}={text!r} fmt={base.fmt_of(style)!r}", _with_sheet(base, new), ".xlsx", exp)


def m_dimension(rng: random.Random, base: Base) -> Mutant:
    xml = base.parts[base.sheet_part]
    ref = rng.choice(["A1", "A1:XFD1048576", "garbage", "", "B2:A1", "A1:A1"])
    if b"<dimension" in xml:
        new = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode() if ref else b"", xml, count=1)
    else:
        new = xml.replace(b"<sheetData", f'<dimension ref="{ref}"/><sheetData'.encode(), 1)
    return Mutant(f"dimension {ref!r}", _with_sheet(base, new), ".xlsx", Expect())


def m_duplicate(rng: random.Random, base: Base) -> Mutant:
    cell = rng.choice(base.cells)
    xml = base.parts[base.sheet_part]
    element = xml[cell.span[0]:cell.span[1]]
    if rng.random() < 0.5:
        new = xml[:cell.span[1]] + element + xml[cell.span[1]:]
        how = "adjacent"
    else:
        end = xml.rindex(b"</row>")
        new = xml[:end] + element + xml[end:]
        how = "in the last row"
    return Mutant(f"duplicate {cell.ref} {how}", _with_sheet(base, new), ".xlsx", Expect(refuse_only=True))


def m_reorder(rng: random.Random, base: Base) -> Mutant:
    """A cell element moved to the end of another row's cells: out of order, same reference: the same reading."""
    cell = rng.choice(base.cells)
    xml = base.parts[base.sheet_part]
    element = xml[cell.span[0]:cell.span[1]]
    rest = xml[:cell.span[0]] + xml[cell.span[1]:]
    ends = [m.start() for m in re.finditer(rb"</row>", rest)]
    at = rng.choice(ends)
    new = rest[:at] + element + rest[at:]
    return Mutant(f"reorder {cell.ref}", _with_sheet(base, new), ".xlsx", Expect())


def m_absurd_ref(rng: random.Random, base: Base) -> Mutant:
    cell = rng.choice(base.cells)
    row, col = cell.key
    choice = rng.choice(["XFE1", "A0", "A1048577", "AAAA1", "1A", "C 5", "R1C1", cell_name(row, col).lower(),
                         "$" + cell_name(row, col).rstrip("0123456789") + f"${row}", "remove", "empty", "XFD1048576"])
    xml = base.parts[base.sheet_part]
    inner_span = xml[cell.span[0]:cell.span[1]]
    exp = Expect()
    if choice in ("remove", "empty"):
        # no reference: the next column after the previous cell of the same row element (ECMA-376 18.3.1.4)
        before = xml[:cell.span[0]]
        row_start = before.rindex(b"<row")
        prev = [c for c in base.cells if row_start < c.span[0] < cell.span[0]]
        row_attr = re.match(rb'<row r="([0-9]+)"', xml[row_start:])
        new_key = (int(row_attr.group(1)) if row_attr else row, (prev[-1].key[1] + 1) if prev else 1)
        replacement = inner_span.replace(f' r="{cell.ref}"'.encode(), b"" if choice == "remove" else b' r=""', 1)
        new = xml[:cell.span[0]] + replacement + xml[cell.span[1]:]
        others = {c.key for c in base.cells if c is not cell}
        if new_key in others:
            exp.refuse_only = True
        elif new_key != cell.key:
            exp.moved[(base.sheet_name, cell.key)] = (base.sheet_name, new_key)
        return Mutant(f"ref {cell.ref} {choice} -> {new_key}", _with_sheet(base, new), ".xlsx", exp)
    new = xml[:cell.span[0]] + inner_span.replace(f'r="{cell.ref}"'.encode(), f'r="{choice}"'.encode(), 1) \
        + xml[cell.span[1]:]
    if choice == "XFD1048576":  # valid, far away: the cell moves there
        exp.moved[(base.sheet_name, cell.key)] = (base.sheet_name, (1048576, 16384))
    elif choice.upper().replace("$", "") == cell.ref:  # c5, $C$5: the same cell (or refused)
        pass
    else:
        exp.refuse_only = True
    return Mutant(f"ref {cell.ref} -> {choice!r}", _with_sheet(base, new), ".xlsx", exp)


def m_shared_index(rng: random.Random, base: Base) -> Mutant | None:
    cells = [c for c in base.cells if c.attrs.get("t") == "s"]
    if not cells:
        return None
    cell = rng.choice(cells)
    n = len(base.shared)
    text = rng.choice([str(rng.randrange(n)), str(n), str(n + 7), "-1", "x", "１", " 1", "1.0", "99999999999"])
    xml = base.parts[base.sheet_part]
    new = _replace(xml, cell, _element(cell.ref, cell.attrs, f"<v>{text}</v>"))
    exp = Expect()
    ok = text.isascii() and text.isdigit() and int(text) < n
    exp.cells[(base.sheet_name, cell.key)] = ("text", base.shared[int(text)]) if ok else REFUSE
    if not ok:
        exp.refuse_only = True
    return Mutant(f"sst index {cell.ref}={text!r}", _with_sheet(base, new), ".xlsx", exp)


def m_numfmt(rng: random.Random, base: Base) -> Mutant | None:
    """A custom number format's code replaced: every number under it reads as the new format shows it."""
    if not base.num_fmts:
        return None
    fid = rng.choice(sorted(base.num_fmts))
    code = rng.choice(POOL)
    styles = base.parts["xl/styles.xml"]
    old = base.num_fmts[fid]
    pattern = re.compile(rb'<numFmt numFmtId="' + str(fid).encode() + rb'" formatCode="[^"]*"/>')
    new_styles = pattern.sub(f'<numFmt numFmtId="{fid}" formatCode="{_esc(code)}"/>'.encode(), styles, count=1)
    changed = Base(**{**base.__dict__, "num_fmts": {**base.num_fmts, fid: code}})
    exp = _format_expect(changed, base, lambda c: base.xf_fmts[_style(c)] == fid if _style(c) < len(base.xf_fmts) else False)
    return Mutant(f"numFmt {fid} {old!r} -> {code!r}", _zip({**base.parts, "xl/styles.xml": new_styles}), ".xlsx", exp)


def _format_expect(changed: Base, base: Base, affected) -> Expect:
    exp = Expect()
    for cell in _numeric_cells(base):
        if not affected(cell):
            continue
        expected = _expected_number(changed, _style(cell), cell.v)
        where = (base.sheet_name, cell.key)
        if expected is None:
            exp.unjudged.add(where)
        else:
            exp.cells[where] = expected
    for cell in base.cells:  # formula cells with a cached number are numeric cells too
        if affected(cell) and (base.sheet_name, cell.key) not in exp.cells and cell.attrs.get("t", "n") == "n":
            exp.unjudged.add((base.sheet_name, cell.key))
    return exp


def m_xf(rng: random.Random, base: Base) -> Mutant | None:
    """A cell format's numFmtId changed (built-in, defined, undefined, locale-dependent) or a cell's s changed."""
    styles = base.parts["xl/styles.xml"]
    if rng.random() < 0.5:
        cells = _numeric_cells(base)
        if not cells:
            return None
        cell = rng.choice(cells)
        s = rng.choice(list(range(len(base.xf_fmts))) + [len(base.xf_fmts), len(base.xf_fmts) + 5])
        xml = base.parts[base.sheet_part]
        attrs = {**cell.attrs, "s": str(s)}
        new = _replace(xml, cell, _element(cell.ref, attrs, f"<v>{cell.v}</v>"))
        exp = Expect()
        expected = _expected_number(base, s, cell.v)
        if s >= len(base.xf_fmts):
            exp.refuse_only = True
        elif expected is None:
            exp.unjudged.add((base.sheet_name, cell.key))
        else:
            exp.cells[(base.sheet_name, cell.key)] = expected
        return Mutant(f"cell {cell.ref} s={s}", _with_sheet(base, new), ".xlsx", exp)
    index = rng.randrange(len(base.xf_fmts))
    fid = rng.choice(list(BUILTIN) + sorted(base.num_fmts) + [200, 31, *LOCALE_UNKNOWN])
    xfs = list(re.finditer(rb"<xf [^>]*?numFmtId=\"[0-9]+\"", styles[styles.index(b"<cellXfs"):]))
    offset = styles.index(b"<cellXfs")
    m = xfs[index]
    span = (offset + m.start(), offset + m.end())
    new_xf = re.sub(rb'numFmtId="[0-9]+"', f'numFmtId="{fid}"'.encode(), styles[span[0]:span[1]])
    new_styles = styles[:span[0]] + new_xf + styles[span[1]:]
    fmts = dict(base.num_fmts)
    xf_fmts = list(base.xf_fmts)
    xf_fmts[index] = fid
    exp = Expect()
    for cell in base.cells:
        if _style(cell) != index or cell.attrs.get("t", "n") != "n" or cell.v is None:
            continue
        where = (base.sheet_name, cell.key)
        if fid in LOCALE_UNKNOWN or (fid >= 164 and fid not in fmts):
            exp.cells[where] = REFUSE
        elif fid in CHINESE_DATES:
            exp.cells[where] = ("date",)
        else:
            changed = Base(**{**base.__dict__, "xf_fmts": xf_fmts})
            expected = _expected_number(changed, index, cell.v)
            if expected is None:
                exp.unjudged.add(where)
            else:
                exp.cells[where] = expected
    return Mutant(f"xf {index} numFmtId -> {fid}", _zip({**base.parts, "xl/styles.xml": new_styles}), ".xlsx", exp)


def m_text(rng: random.Random, base: Base) -> Mutant:
    """A cell rewritten as an inline string (plain, rich runs, phonetic run, _x0007_ escape, CDATA)."""
    cell = rng.choice(base.cells)
    variants = [
        ("<is><t>城关镇</t></is>", "城关镇"),
        ("<is><r><t>城关</t></r><r><rPr><b/></rPr><t>镇</t></r></is>", "城关镇"),
        ('<is><r><t>城关</t></r><rPh sb="0" eb="2"><t>chengguan</t></rPh></is>', "城关"),
        ("<is><t>a_x0007_b</t></is>", "a\x07b"),
        ("<is><t><![CDATA[12.5]]></t></is>", "12.5"),
        ("<is><t>&#x31;&#x32;</t></is>", "12"),
        ('<is><t xml:space="preserve"> 城关镇 </t></is>', " 城关镇 "),
        ("<is><t>&lt;b&gt;&amp;</t></is>", "<b>&"),
    ]
    inner, text = rng.choice(variants)
    attrs = {k: v for k, v in cell.attrs.items() if k == "s"}
    attrs["t"] = "inlineStr"
    xml = base.parts[base.sheet_part]
    new = _replace(xml, cell, _element(cell.ref, attrs, inner))
    exp = Expect(cells={(base.sheet_name, cell.key): ("text", text)})
    return Mutant(f"inline {cell.ref} {inner[:30]!r}", _with_sheet(base, new), ".xlsx", exp)


def m_shared_rich(rng: random.Random, base: Base) -> Mutant | None:
    """A shared string rewritten with rich runs: every cell using it reads the runs' text."""
    if not base.shared:
        return None
    j = rng.randrange(len(base.shared))
    sst = base.parts["xl/sharedStrings.xml"]
    items = list(re.finditer(rb"<si>.*?</si>", sst, re.S))
    m = items[j]
    inner, text = rng.choice([("<si><r><t>合</t></r><r><rPr><i/></rPr><t>计</t></r></si>", "合计"),
                              ('<si><t>说明</t><rPh sb="0" eb="1"><t>shuo</t></rPh></si>', "说明"),
                              ("<si><t>x_x000D_y</t></si>", "x\ry")])
    new = sst[:m.start()] + inner.encode() + sst[m.end():]
    exp = Expect()
    for cell in base.cells:
        if cell.attrs.get("t") == "s" and cell.v == str(j):
            exp.cells[(base.sheet_name, cell.key)] = ("text", text)
    for s in base.sheets[1:]:  # other sheets may use it too: not judged
        exp.unjudged.update((s.name, k) for k in s.cells)
    return Mutant(f"sst rich {j}", _zip({**base.parts, "xl/sharedStrings.xml": new}), ".xlsx", exp)


def m_type(rng: random.Random, base: Base) -> Mutant:
    """t="b"/"d"/"str"/"n"/"s"/"e"/"inlineStr"/unknown with values that fit or do not."""
    cell = rng.choice(base.cells)
    kind, text, expected = rng.choice([
        ("b", "1", ("bool", True)), ("b", "0", ("bool", False)), ("b", "2", REFUSE), ("b", "true", REFUSE),
        ("d", "2025-03-01T00:00:00", ("date",)), ("d", "45717", REFUSE), ("d", "garbage", REFUSE),
        ("str", "12.5", ("text", "12.5")), ("str", "城关镇", ("text", "城关镇")),
        ("n", "abc", REFUSE), ("s", "abc", REFUSE),
        ("e", "#DIV/0!", ("text", "#DIV/0!")), ("e", "#N/A", ("text", "#N/A")), ("e", "12", REFUSE),
        ("e", "#BOGUS!", REFUSE), ("inlineStr", "5", ABSENT), ("x", "12", REFUSE), ("", "12", REFUSE),
    ])
    attrs = {k: v for k, v in cell.attrs.items() if k == "s"}
    attrs["t"] = kind
    if kind == "n" and "s" in attrs:
        attrs.pop("s")
    xml = base.parts[base.sheet_part]
    new = _replace(xml, cell, _element(cell.ref, attrs, f"<v>{_esc(text)}</v>"))
    exp = Expect(cells={(base.sheet_name, cell.key): expected}, refuse_only=expected == REFUSE)
    return Mutant(f"type {cell.ref} t={kind!r} v={text!r}", _with_sheet(base, new), ".xlsx", exp)


def m_truncate(rng: random.Random, base: Base) -> Mutant:
    """A part cut short, or the whole file: refused (or, cut past the end of its XML, read as before)."""
    if rng.random() < 0.2:
        cut = rng.randrange(1, len(base.data))
        return Mutant(f"file cut at {cut}", base.data[:cut], ".xlsx", Expect())
    name = rng.choice(sorted(n for n in base.parts if n.endswith((".xml", ".rels"))))
    data = base.parts[name]
    cut = rng.randrange(0, len(data))
    return Mutant(f"part {name} cut at {cut}/{len(data)}", _zip({**base.parts, name: data[:cut]}), ".xlsx", Expect())


def m_noise(rng: random.Random, base: Base) -> Mutant:
    """XML that means the same: comments, whitespace, a namespace prefix, count attributes that lie; or a DTD."""
    xml = base.parts[base.sheet_part]
    choice = rng.choice(["comment", "whitespace", "prefix", "counts", "pi", "doctype", "formula"])
    exp = Expect()
    if choice == "comment":
        new = xml.replace(b"</c>", b"</c><!-- x -->", 5)
    elif choice == "whitespace":
        new = xml.replace(b"<row ", b"\n  <row ").replace(b"</c>", b"</c>\n    ")
    elif choice == "prefix":
        body = re.sub(rb"<(/?)(?!\?)([A-Za-z])", rb"<\1x:\2", xml)
        new = body.replace(f'xmlns="{MAIN_NS}"'.encode(), f'xmlns:x="{MAIN_NS}"'.encode(), 1)
        new = re.sub(rb"<(/?)x:(\?)", rb"<\1\2", new)
    elif choice == "counts":
        new = re.sub(rb'count="[0-9]+"', b'count="99999"', xml)
        if "xl/sharedStrings.xml" in base.parts:
            sst = re.sub(rb' count="[0-9]+"', b' count="1"', base.parts["xl/sharedStrings.xml"])
            sst = re.sub(rb' uniqueCount="[0-9]+"', b' uniqueCount="99999"', sst)
            return Mutant("counts", _with_sheet(base, new, **{"xl/sharedStrings.xml": sst}), ".xlsx", exp)
    elif choice == "pi":
        new = xml.replace(b"<sheetData>", b"<?x y?><sheetData>", 1)
    elif choice == "formula":  # a formula added to cells with a cached number: the cached value is what Excel shows
        cells = [c for c in _numeric_cells(base)][:3]
        new = xml
        for c in sorted(cells, key=lambda c: -c.span[0]):
            new = new[:c.span[0]] + _element(c.ref, c.attrs, f"<f>1+1</f><v>{c.v}</v>").encode() + new[c.span[1]:]
    else:
        new = xml.replace(b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY a "b">]><worksheet', 1)
        exp.refuse_only = True
    return Mutant(f"noise {choice}", _with_sheet(base, new), ".xlsx", exp)


def m_merge(rng: random.Random, base: Base) -> Mutant:
    xml = base.parts[base.sheet_part]
    ref, ok = rng.choice([("G30:H31", True), ("A1:A1", True), ("B2:A1", None), ("A1:", False), ("XFE1:XFE2", False),
                          ("A1:XFD1048576", False), ("A1:Z4000", False), ("C3:D40000", None)])
    if b"<mergeCells" in xml:
        new = re.sub(rb"<mergeCells[^>]*>", lambda m: m.group(0) + f'<mergeCell ref="{ref}"/>'.encode(), xml, count=1)
    else:
        new = xml.replace(b"</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode(), 1)
    return Mutant(f"merge {ref}", _with_sheet(base, new), ".xlsx", Expect(refuse_only=ok is False))


XLSX_MUTATORS = [(m_number, 5), (m_dimension, 1), (m_duplicate, 2), (m_reorder, 2), (m_absurd_ref, 3),
                 (m_shared_index, 2), (m_numfmt, 3), (m_xf, 3), (m_text, 2), (m_shared_rich, 1), (m_type, 4),
                 (m_truncate, 2), (m_noise, 2), (m_merge, 1)]


# ------------------------------------------------------------------------------------------------ .ods mutations
def _ods_expect(rows: list[list]) -> dict:
    """Where each cell of the modelled rows lands and what LibreOffice shows: float as stored, percentage ×100."""
    out = {}
    for r, row in enumerate(rows, 1):
        c = 1
        for kind, value, repeat in row:
            for k in range(repeat):
                if kind == "string":
                    out[("数据", (r, c + k))] = ("text", value)
                elif kind in ("float", "percentage"):
                    d = Decimal(repr(float(value)))
                    out[("数据", (r, c + k))] = number(d * 100 if kind == "percentage" else d)
            c += repeat
    return out


def m_ods(rng: random.Random, base: Base) -> Mutant:
    rows = [list(r) for r in base.extra["rows"]]
    r = rng.randrange(1, len(rows))
    c = rng.randrange(1, 3)
    kind, value, _ = rows[r][c]
    choice = rng.random()
    exp = Expect(rest_same=False)
    if choice < 0.45:
        text = rng.choice(VALID_NUMBERS + BAD_NUMBERS)
        if text in BAD_NUMBERS or text.strip() != text:
            rows[r][c] = (kind, _esc(text), 1)
            exp.refuse_only = True
            label = f"ods value {text!r}"
        else:
            rows[r][c] = (kind, text, 1)
            label = f"ods value {text!r}"
            exp.cells = _ods_expect(rows)
    elif choice < 0.75:
        repeat = rng.choice([2, 3, 7, 16384 - 2, 1048576])
        rows[r][c] = (kind, value, repeat)
        label = f"ods repeat {repeat}"
        if repeat > 20000:
            exp.refuse_only = True
        else:
            exp.cells = _ods_expect(rows)
    elif choice < 0.85:
        bad = rng.choice(["abc", "-1", "1e3", "２", "99999999999999"])
        data = _ods_bytes(rows, extra_attr={(r, c): f' table:number-columns-repeated="{bad}"'})
        return Mutant(f"ods repeat attr {bad!r}", data, ".ods", Expect(refuse_only=True))
    else:
        data = _ods_bytes(rows)
        parts = _parts(data)
        content = parts["content.xml"]
        cut = rng.randrange(0, len(content) - 10)
        return Mutant(f"ods content cut at {cut}", _zip({**parts, "content.xml": content[:cut]}), ".ods",
                      Expect(refuse_only=True))
    return Mutant(label, _ods_bytes(rows), ".ods", exp)


# ------------------------------------------------------------------------------------------------ .xls mutations
def m_xls(rng: random.Random, base: Base) -> Mutant | None:
    data = bytearray(base.data)
    numbers = base.extra["numbers"]
    choice = rng.random()
    if choice < 0.6 and numbers:
        at, row, col, old = rng.choice(numbers)
        value = rng.choice([0.0, 1.5, -2.25, 1e15, 1e308, -1e308, 5e-324, float("inf"), float("-inf"), float("nan"),
                            123456.789, 0.845])
        struct.pack_into("<d", data, at, value)
        where = (base.sheets[0].name, (row, col))
        before = base.reading.get(where)
        exp = Expect()
        if not math.isfinite(value):
            exp.refuse_only = True
        elif before is not None and before[0] == "number":
            scale = before[1] / Decimal(repr(old)) if old else 1
            scale = 100 if scale == 100 else 1
            exp.cells[where] = number(Decimal(repr(value)) * scale)
        else:
            exp.unjudged.add(where)
        return Mutant(f"xls NUMBER {cell_name(row, col)}={value!r}", bytes(data), ".xls", exp)
    if choice < 0.8 and base.extra["dims"]:
        rows, cols = rng.choice([(1, 1), (20, 10), (65536, 256), (0xFFFFFFFF, 0xFFFF), (100000, 300)])
        for at in base.extra["dims"]:
            struct.pack_into("<IIHH", data, at, 0, rows, 0, cols)
        exp = Expect(refuse_only=rows > 65536 or cols > 256 or rows * cols > 4_000_000)
        return Mutant(f"xls DIMENSIONS {rows}x{cols}", bytes(data), ".xls", exp)
    cut = rng.randrange(512, len(data))
    return Mutant(f"xls cut at {cut}", bytes(data[:cut]), ".xls", Expect())


# ------------------------------------------------------------------------------------------------ running cases
def make_case(seed: int) -> tuple[Base, Mutant]:
    rng = random.Random(seed)
    all_bases = bases()
    while True:
        base = rng.choice(all_bases)
        if base.suffix == ".xlsx":
            ops = [op for op, w in XLSX_MUTATORS for _ in range(w)]
            mutant = rng.choice(ops)(rng, base)
        elif base.suffix == ".ods":
            mutant = m_ods(rng, base)
        else:
            mutant = m_xls(rng, base)
        if mutant is not None:
            return base, mutant


def run_case(seed: int) -> tuple[str, str, str]:
    """(outcome, label, detail) of case `seed`: deterministic for a seed."""
    base, mutant = make_case(seed)
    path = tmp_dir() / f"case-{seed}{mutant.suffix}"
    path.write_bytes(mutant.data)
    try:
        result = read_workbook(path)
    except BaseException as exc:  # noqa: BLE001 - a traceback is an outcome here
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        result = exc
    finally:
        path.unlink(missing_ok=True)
    outcome, detail = judge(base, mutant.expect, result)
    return outcome, f"{base.name}: {mutant.label}", detail


def _worker(conn) -> None:
    while True:
        seed = conn.recv()
        if seed is None:
            return
        try:
            conn.send((seed, *run_case(seed)))
        except BaseException as exc:  # noqa: BLE001 - the fuzzer's own failure, reported as a traceback
            conn.send((seed, "traceback", "fuzzer", f"{type(exc).__name__}: {exc}"))


def campaign(count: int, seed: int = 0, workers: int = 2, timeout: float = 10.0,
             progress=None) -> tuple[Counter, list[tuple[int, str, str, str]]]:
    """Run cases seed .. seed+count-1 on `workers` processes, each case within `timeout` seconds (a worker over
    time is killed, the case counted as a hang, and a new worker started). Returns (counts, failures)."""
    import multiprocessing as mp
    from multiprocessing.connection import wait

    bases()  # made once in the parent, inherited by forked workers
    ctx = mp.get_context("fork")
    todo = list(range(seed, seed + count))
    counts: Counter = Counter()
    failures = []
    slots = []

    def start():
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child,), daemon=True)
        proc.start()
        return {"proc": proc, "conn": parent, "seed": None, "since": 0.0}

    for _ in range(max(1, workers)):
        slots.append(start())
    done = 0
    while todo or any(s["seed"] is not None for s in slots):
        for s in slots:
            if s["seed"] is None and todo:
                s["seed"] = todo.pop(0)
                s["since"] = time.monotonic()
                s["conn"].send(s["seed"])
        busy = [s for s in slots if s["seed"] is not None]
        ready = wait([s["conn"] for s in busy], timeout=0.5)
        now = time.monotonic()
        for s in list(busy):
            if s["conn"] in ready:
                try:
                    case, outcome, label, detail = s["conn"].recv()
                except EOFError:  # the worker died (a crash in a native library)
                    case, outcome, label, detail = s["seed"], "traceback", "worker died", ""
                    s["proc"].join(1)
                    slots[slots.index(s)] = s = start()
            elif now - s["since"] > timeout:
                case, outcome, label, detail = s["seed"], "hang", "", f"> {timeout:g} s"
                s["proc"].kill()
                s["proc"].join(5)
                slots[slots.index(s)] = s = start()
            else:
                continue
            counts[outcome] += 1
            if outcome in FAILURES:
                failures.append((case, outcome, label, detail))
            s["seed"] = None
            done += 1
            if progress and done % 500 == 0:
                progress(done, counts)
    for s in slots:
        try:
            s["conn"].send(None)
        except (BrokenPipeError, OSError):
            pass
        s["proc"].join(2)
        if s["proc"].is_alive():
            s["proc"].kill()
    return counts, failures


def table(counts: Counter, total: int, seconds: float) -> str:
    lines = [f"结构性模糊测试：{total} 个变异样本，用时 {seconds:.0f} 秒", "", f"{'outcome':<20}{'count':>8}"]
    for name in OUTCOMES:
        lines.append(f"{name:<20}{counts.get(name, 0):>8}")
    if XLS_SKIP_REASON:
        lines.append(f"（{XLS_SKIP_REASON}）")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0, help="first case seed (cases are deterministic per seed)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per case before it counts as a hang")
    ap.add_argument("--show", type=int, default=30, help="failures to list")
    args = ap.parse_args(argv)
    start = time.monotonic()
    counts, failures = campaign(args.count, args.seed, args.workers, args.timeout,
                                progress=lambda n, c: print(f"  {n} cases: {dict(c)}", file=sys.stderr, flush=True))
    print(table(counts, args.count, time.monotonic() - start))
    for case, outcome, label, detail in failures[:args.show]:
        print(f"  seed {case}: {outcome}: {label}: {detail}")
    shutil.rmtree(tmp_dir(), ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
