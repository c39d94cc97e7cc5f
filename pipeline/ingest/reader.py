"""Read a workbook's cells ourselves, format by format, into a plain `Sheet` grid.

Why not pandas: it re-infers text ("007" -> 7) and drops cell positions. Why openpyxl for .xlsx/.xlsm: it
gives number formats (a 0.85 shown as 85%), merged ranges and, on a second pass, formula text; it ignores the
wrong `<dimension>` WPS writes (non read-only mode parses every cell) and is guarded by defusedxml against XML
bombs. .xls and .ods go through python-calamine. The format is sniffed from magic bytes, never the extension.
"""

from __future__ import annotations

import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml  # noqa: F401  - required: openpyxl uses it to refuse XML entity bombs when installed
from defusedxml import DefusedXmlException

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
        return Sheet(self.name, cells, self.merged, self.percent, self.formulas)


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
            sheet.cells[key] = value
            if isinstance(c.value, (int, float)) and "%" in (c.number_format or ""):
                sheet.percent.add(key)
        for rng in ws.merged_cells.ranges:
            sheet.merged.append((rng.min_row, rng.min_col, rng.max_row, rng.max_col))
        if wb_f is not None:
            for c in _existing_cells(wb_f[ws.title]):
                if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("=")):
                    sheet.formulas[(c.row, c.column)] = str(c.value)
                    if "%" in (c.number_format or ""):
                        sheet.percent.add((c.row, c.column))
        sheets.append(sheet)
    return sheets


def _existing_cells(ws):
    """The cells a worksheet actually holds, in row order (openpyxl keeps them in `_cells`)."""
    return [ws._cells[k] for k in sorted(ws._cells)]


def _read_calamine(path: Path) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in wb.sheet_names:
            cs = wb.get_sheet_by_name(name)
            sheet = Sheet(name)
            r0, c0 = cs.start or (0, 0)
            for i, row in enumerate(cs.to_python(skip_empty_area=False)):
                for j, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    sheet.cells[(r0 + i + 1, c0 + j + 1)] = value
            for (a, b), (c, d) in cs.merged_cell_ranges or []:
                sheet.merged.append((a + 1, b + 1, c + 1, d + 1))
            sheets.append(sheet)
        return sheets
    except Exception as exc:  # calamine raises its own error types for broken files
        raise ReadError(f"文件内容无法解析（{type(exc).__name__}）") from None
