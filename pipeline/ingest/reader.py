"""Read a workbook's cells ourselves, format by format, into a plain `Sheet` grid.

Why not pandas: it re-infers text ("007" -> 7) and drops cell positions. Why openpyxl for .xlsx/.xlsm: it
gives number formats (a 0.85 shown as 85%), merged ranges and, on a second pass, formula text; it ignores the
wrong `<dimension>` WPS writes (non read-only mode parses every cell) and is guarded by defusedxml against XML
bombs. .xls and .ods go through python-calamine, which gives values but no formats: an .xls's formats come from
xlrd, an .ods's from its own XML (`numfmt`). A number is read as its format shows it (`numfmt.reading`): 0.845
under `0.0%` is 84.5 (the cell joins `Sheet.percent`), 10.3 under `0.0"%"` is 10.3, and a format whose shown value
cannot be derived (`0%%`, `#,##0,`) keeps the cell out of scoring (`Sheet.format_issues`). The format is sniffed
from magic bytes, never the extension.
"""

from __future__ import annotations

import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field, fields
from pathlib import Path

import defusedxml  # noqa: F401  - required: openpyxl uses it to refuse XML entity bombs when installed
from defusedxml import DefusedXmlException

from .numfmt import OdsTooLarge, Reading, ods_readings, reading, xls_readings

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Zip-bomb bounds, checked on the central directory before anything is decompressed.
MAX_ENTRIES = 10_000
MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024
MAX_ENTRY_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 200


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


def cell_name(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def sniff(path: Path) -> str:
    """'zip' (xlsx/xlsm/ods), 'ole' (xls, or an encrypted xlsx), or 'unknown'."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head == OLE_MAGIC:
        return "ole"
    return "unknown"


def check_zip(path: Path) -> zipfile.ZipFile:
    """Open the zip and refuse bombs from its central directory, before decompressing anything."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ReadError("文件已损坏或不是有效的 Excel/ODS 文件（压缩包结构无效）") from None
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ReadError(f"压缩包含 {len(infos)} 个条目，超过上限 {MAX_ENTRIES}", "file-too-large")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_ENTRY_UNCOMPRESSED:
            raise ReadError(f"条目 {info.filename} 解压后 {info.file_size} 字节，超过上限", "file-too-large")
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1_000_000:
            raise ReadError(f"条目 {info.filename} 压缩比异常（{info.file_size // info.compress_size}:1）", "file-too-large")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise ReadError(f"解压后共 {total} 字节，超过上限", "file-too-large")
    return zf


def read_workbook(path: Path) -> list[Sheet]:
    kind = sniff(path)
    if kind == "ole":
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raise ReadError("文件已加密（设置了打开密码），请取消密码后重新报送")
        return _read_calamine(path)
    if kind != "zip":
        raise ReadError("不是有效的 Excel/ODS 文件（文件头无法识别，可能已损坏或被改了扩展名）")
    with check_zip(path) as zf:
        names = set(zf.namelist())
        if "content.xml" in names or "mimetype" in names and "xl/workbook.xml" not in names:
            return _read_calamine(path)
        if "xl/workbook.xml" not in names:
            raise ReadError("压缩包中没有工作簿内容，不是有效的 Excel 文件")
        try:
            has_formulas = any(n.startswith("xl/worksheets/") and re.search(rb"<f[ >]", zf.read(n))
                               for n in names if n.endswith(".xml"))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
            raise ReadError("文件已损坏（压缩数据校验失败），请重新导出后报送") from None
    return _read_openpyxl(path, has_formulas)


def _read_openpyxl(path: Path, has_formulas: bool) -> list[Sheet]:
    import openpyxl
    from openpyxl.utils.escape import unescape

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=True)
            wb_f = openpyxl.load_workbook(path, data_only=False) if has_formulas else None
    except Exception as exc:  # openpyxl raises many types for broken files, and wraps defusedxml's refusal
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__
        if cause is not None:
            raise ReadError("文件含有 XML 实体定义（可能是恶意构造的“XML 炸弹”）", "file-too-large") from None
        raise ReadError(f"文件内容无法解析（{type(exc).__name__}）") from None
    sheets = []
    for ws in wb.worksheets:
        sheet = Sheet(ws.title)
        # Only the cells that exist: iter_rows() would materialise the whole used range, and one cell at
        # XFD1048576 would mean 17 billion empty cells.
        for c in _existing_cells(ws):
            if c.value is None:
                continue
            key = (c.row, c.column)
            value = c.value
            if isinstance(value, str) and "_x" in value:
                value = unescape(value)  # Excel stores control characters as _x0007_; openpyxl leaves them so
            if _is_number(value) and c.number_format not in PLAIN_FORMATS:  # most cells: nothing to interpret
                value = _apply(sheet, key, reading(c.number_format, value), value)
            sheet.cells[key] = value
        for rng in ws.merged_cells.ranges:
            sheet.merged.append((rng.min_row, rng.min_col, rng.max_row, rng.max_col))
        if wb_f is not None:
            for c in _existing_cells(wb_f[ws.title]):
                if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("=")):
                    sheet.formulas[(c.row, c.column)] = str(c.value)
                    if not _is_number(sheet.cells.get((c.row, c.column))) and reading(c.number_format, None).percent:
                        sheet.percent.add((c.row, c.column))  # no cached number: percent if every section says so
        sheets.append(sheet)
    return sheets


def _existing_cells(ws):
    """The cells a worksheet actually holds, in row order (openpyxl keeps them in `_cells`)."""
    return [ws._cells[k] for k in sorted(ws._cells)]


# calamine materialises a sheet's whole used range: beyond this many cells it is a generated or hostile file.
MAX_GRID = 10_000_000


def _read_calamine(path: Path) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    ods = sniff(path) == "zip"
    ods_merges: dict[str, list] = {}
    formats = _ods_formats(path, ods_merges) if ods else None  # first: a hostile .ods is refused before calamine expands it
    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in wb.sheet_names:
            cs = wb.get_sheet_by_name(name)
            if cs.height * cs.width > MAX_GRID:
                raise ReadError(f"工作表“{name}”的数据区域有 {cs.height}×{cs.width} 个单元格，超过上限", "file-too-large")
            sheet = Sheet(name)
            r0, c0 = cs.start or (0, 0)  # the rows below start there (skip_empty_area=False starts at A1 instead)
            for i, row in enumerate(cs.to_python(skip_empty_area=True)):
                for j, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    sheet.cells[(r0 + i + 1, c0 + j + 1)] = value
            for (a, b), (c, d) in cs.merged_cell_ranges or []:
                sheet.merged.append((a + 1, b + 1, c + 1, d + 1))
            if not sheet.merged and name in ods_merges:  # calamine reads no merges from .ods
                sheet.merged = [m for m in ods_merges[name] if (m[2] - m[0] + 1) * (m[3] - m[1] + 1) <= MAX_GRID]
            sheets.append(sheet)
    except ReadError:
        raise
    except Exception as exc:  # calamine raises its own error types for broken files
        raise ReadError(f"文件内容无法解析（{type(exc).__name__}）") from None
    if not ods:
        try:
            formats = xls_readings(path)
        except Exception as exc:  # xlrd raises many types on files calamine reads
            formats = exc
    _apply_formats(sheets, formats)
    return sheets


def _ods_formats(path: Path, merges: dict | None = None):
    """The .ods cells whose format matters, or the exception that stopped reading them (bombs are refused);
    `merges` receives the merged ranges."""
    try:
        with zipfile.ZipFile(path) as zf:
            return ods_readings(zf, merges)
    except DefusedXmlException:
        raise ReadError("文件含有 XML 实体定义（可能是恶意构造的“XML 炸弹”）", "file-too-large") from None
    except OdsTooLarge as exc:
        raise ReadError(f"表格含 {exc.args[0]} 个以上有内容的单元格（大量重复的单元格），超过上限", "file-too-large") from None
    except Exception as exc:  # a damaged content.xml: decided once the values are known
        return exc


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
