"""Read a workbook's cells ourselves, format by format, into a plain `Sheet` grid — or refuse it with one reason.

Why not pandas: it re-infers text ("007" -> 7) and drops cell positions. Why openpyxl for .xlsx/.xlsm: it gives
number formats (a 0.85 shown as 85%), merged ranges and formula text. Every package is first streamed and counted
(`parts.scan_package`: decompressed bytes, elements, sheets, shared strings, cells; a DTD anywhere is refused),
then openpyxl reads the workbook part, shared strings and styles, and each worksheet goes through openpyxl's own
streaming parser, subclassed to check every raw cell before openpyxl converts it (`_checked_parser_class`): a
reference twice, a number Excel cannot read ("１２", "nan", 1e309), an index that does not exist — what Excel calls
a corrupt file — is refused naming sheet and cell (docs/decisions.md 50–54). The wrong `<dimension>` WPS writes is
never consulted. .xls and .ods go through python-calamine, after their records / content.xml are walked and
bounded (calamine reserves and materialises the used range), which gives values but no formats: an .xls's
formats come from xlrd, an .ods's from its own XML (`numfmt`). A number is read as its format shows it
(`numfmt.reading`): 0.845 under `0.0%` is 84.5 (the cell joins `Sheet.percent`), 10.3 under `0.0"%"` is 10.3, and
a format whose shown value cannot be derived (`0%%`, `#,##0,`) keeps the cell out of scoring
(`Sheet.format_issues`). The format is sniffed from magic bytes, never the extension; Strict OOXML, .xlsb, CSV and
HTML files are one `unsupported-format` error.
"""

from __future__ import annotations

import math
import re
import struct
import warnings
import zipfile
from array import array
from dataclasses import dataclass, field, fields
from pathlib import Path

import defusedxml  # noqa: F401  - required: openpyxl uses it to refuse XML entity bombs when installed
from defusedxml import DefusedXmlException

from .formulas import FormulaBudget, Formulas
from .numfmt import OdsGridTooLarge, OdsMalformed, OdsTooLarge, Reading, ods_readings, reading, xls_readings
from .parts import (DAMAGED as PARTS_DAMAGED, MAX_CELLS_SHEET, MAX_CELLS_TOTAL, MAX_COL, MAX_FILE_BYTES,
                    MAX_GRID, MAX_MERGED_RANGE, MAX_MERGED_TOTAL, MAX_ROW, PartError, Scan, scan_biff,
                    scan_package, stream_all)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Zip-bomb bounds, checked on the central directory before anything is decompressed.
MAX_ENTRIES = 10_000
MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024
MAX_ENTRY_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 200
MAX_CENTRAL_DIRECTORY = 8 * 1024 * 1024  # bytes of the central directory (10,000 entries with long names)


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

    def merge_origin(self, row: int, col: int) -> tuple[int, int]:
        """The top-left cell of the (first) merged range holding (row, col), or (row, col) itself: from an index
        of every merged cell built once (at most MAX_MERGED_TOTAL entries), not a scan of the ranges per cell."""
        index = self.__dict__.get("_origins")
        if index is None:
            index = {}
            for r0, c0, r1, c1 in self.merged:
                for r in range(r0, r1 + 1):
                    for c in range(c0, c1 + 1):
                        index.setdefault((r, c), (r0, c0))
            self.__dict__["_origins"] = index
        return index.get((row, col), (row, col))

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
    """Open the zip and refuse bombs from its central directory, before decompressing anything (the sizes it
    declares are checked here; what really comes out is counted while streaming, `parts`).

    The central directory's size is read from the end record first: zipfile builds an object per entry before
    anyone can count them, and a few megabytes of repeated directory records would make millions."""
    try:
        with open(path, "rb") as fh:
            end = zipfile._EndRecData(fh)  # the end-of-central-directory record zipfile itself reads first
    except (OSError, ValueError, struct.error):
        end = None
    if end is None:
        raise ReadError("文件已损坏或不是有效的 Excel/ODS 文件（压缩包结构无效）")
    if end[zipfile._ECD_ENTRIES_TOTAL] > MAX_ENTRIES or end[zipfile._ECD_SIZE] > MAX_CENTRAL_DIRECTORY:
        raise ReadError(f"压缩包目录有 {end[zipfile._ECD_SIZE] // 1024} KB、声明 {end[zipfile._ECD_ENTRIES_TOTAL]} 个条目，"
                        f"超过上限（{MAX_ENTRIES} 个条目）", "file-too-large")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
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


DAMAGED = "文件已损坏（压缩数据校验失败），请重新导出后报送"
RESAVE = "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送"


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of the workbook at `path`, or ReadError (Chinese reason, issue code) — never another exception
    for anything a file can contain. The bounds are in `parts` (docs/方案编写指南.md 13.15)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ReadError(f"文件有 {size / 1024 / 1024:.0f} MB，超过上限 {MAX_FILE_BYTES // 1024 // 1024} MB", "file-too-large")
    kind = sniff(path)
    if kind == "ole":
        _check_ole(path)
        return _read_calamine(path)
    if kind != "zip":
        raise _not_a_workbook(path)
    with check_zip(path) as zf:
        names = set(zf.namelist())
        if "xl/workbook.bin" in names:
            raise ReadError("不支持 Excel 二进制工作簿（.xlsb）格式，" + RESAVE, "unsupported-format")
        for marker, what in (("word/document.xml", "Word 文档"), ("ppt/presentation.xml", "PowerPoint 演示文稿")):
            if marker in names and "xl/workbook.xml" not in names:
                raise ReadError(f"这是{what}，不是 Excel 工作簿", "unsupported-format")
        if "content.xml" in names or "mimetype" in names and "xl/workbook.xml" not in names:
            _check_ods(zf, names)
            ods = True
        else:
            ods = False
            try:
                scan = scan_package(zf)
            except PartError as exc:
                raise ReadError(exc.reason, exc.code) from None
            except DefusedXmlException:
                raise ReadError("文件含有 XML 实体定义（可能是恶意构造的“XML 炸弹”）", "file-too-large") from None
            except PARTS_DAMAGED:
                raise ReadError(DAMAGED) from None
            except Exception as exc:  # openpyxl's manifest and workbook readers raise many types on broken parts
                raise ReadError(f"文件内容无法解析（{type(exc).__name__}）") from None
    if ods:
        return _read_calamine(path)
    return _read_openpyxl(path, scan)


def _not_a_workbook(path: Path) -> ReadError:
    """A file that is neither a zip nor an OLE file: say what it is when its first bytes tell (text, a web page)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    text = None
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        if encoding == "utf-16" and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            # a multi-byte character cut at 4096 bytes is not binary content
            try:
                text = head[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        break
    if text is not None and "\x00" not in text and text.strip():
        low = text.lstrip().lower()
        if "urn:schemas-microsoft-com:office:spreadsheet" in low:
            return ReadError("这是 Excel 2003 XML 表格，不是 Excel 工作簿；" + RESAVE, "unsupported-format")
        if low.startswith(("<!doctype html", "<html", "<table", "<meta", "<head", "<body")) or "<html" in low[:1024]:
            return ReadError("文件内容是网页（HTML），不是有效的 Excel 工作簿（可能是网站导出后改了扩展名）；" + RESAVE,
                             "unsupported-format")
        if low.startswith("<?xml"):
            return ReadError("文件内容是 XML 文本，不是有效的 Excel 工作簿；" + RESAVE, "unsupported-format")
        return ReadError("文件内容是纯文本（如 CSV），不是有效的 Excel 工作簿（可能是改了扩展名）；" + RESAVE,
                         "unsupported-format")
    return ReadError("不是有效的 Excel/ODS 文件（文件头无法识别，可能已损坏或被改了扩展名）")


def _check_ole(path: Path) -> None:
    """An OLE file: an encrypted .xlsx, a Word/PowerPoint file, or an .xls whose records are within bounds."""
    import io

    from xlrd.compdoc import CompDoc

    with open(path, "rb") as fh:
        data = fh.read()
    try:
        doc = CompDoc(data, logfile=io.StringIO())
        names = {d.name for d in doc.dirlist}
        if "EncryptedPackage" in names:
            raise ReadError("文件已加密（设置了打开密码），请取消密码后重新报送")
        stream = None
        for name in ("Workbook", "Book"):
            if name in names:
                stream = doc.get_named_stream(name)
                break
    except ReadError:
        raise
    except Exception as exc:  # xlrd's compound-document reader raises its own and many other types
        if path.suffix.lower() in (".xlsx", ".xlsm"):  # what an encrypted .xlsx is; Excel would ask for a password
            raise ReadError("文件已加密（设置了打开密码），请取消密码后重新报送") from None
        raise ReadError(f"文件已损坏（OLE 复合文档结构无效：{type(exc).__name__}）") from None
    if stream is None:
        what = "Word 文档" if "WordDocument" in names else "PowerPoint 演示文稿" if "PowerPoint Document" in names else None
        if what:
            raise ReadError(f"这是{what}，不是 Excel 工作簿", "unsupported-format")
        raise ReadError("文件中没有工作簿数据，不是有效的 .xls 文件")
    try:
        scan_biff(stream)
    except PartError as exc:
        raise ReadError(exc.reason, exc.code) from None


def _check_ods(zf: zipfile.ZipFile, names: set[str]) -> None:
    """An OpenDocument package: a spreadsheet, streamed once (bytes counted, CRCs checked) before calamine."""
    if "mimetype" in names:
        try:
            with zf.open("mimetype") as fh:
                mime = fh.read(200).decode("ascii", "replace").strip()
        except PARTS_DAMAGED:
            raise ReadError(DAMAGED) from None
        if mime.startswith("application/vnd.oasis.opendocument.") and "spreadsheet" not in mime:
            raise ReadError(f"这是 OpenDocument 的其他类型文档（{mime.rsplit('.', 1)[-1]}），不是电子表格",
                            "unsupported-format")
    if "content.xml" not in names:
        raise ReadError("压缩包中没有表格内容（content.xml），不是有效的 ODS 文件")
    try:
        stream_all(zf)
    except PartError as exc:
        raise ReadError(exc.reason, exc.code) from None
    except PARTS_DAMAGED:
        raise ReadError(DAMAGED) from None


# ------------------------------------------------------------------------------------------------ .xlsx
ERROR_VALUES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
                "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!", "#EXTERNAL!"}
# A stored number must be what Excel writes (an xsd:double in ASCII): Python's float() and int(), which openpyxl
# uses, also take "１２", "١٢", " 12 ", "1_000", "nan", "inf" and "Infinity", none of which Excel reads.
_INDEX_TEXT = re.compile(r"[0-9]{1,10}")
MAX_NUMBER_TEXT = 400  # characters of a stored number
_KINDS = frozenset(("n", "s", "b", "e", "str", "inlineStr", "d"))


class _Cells:
    """Cells read so far in the workbook (MAX_CELLS_TOTAL)."""

    def __init__(self):
        self.total = 0


def _checked_parser_class():
    """The worksheet parser openpyxl uses, checking each raw cell before openpyxl converts it (built lazily: the
    import of openpyxl is deferred until a workbook is read)."""
    from xml.etree.ElementTree import iterparse as fast_iterparse  # C parser: pass 1 refused any DTD in the part

    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.utils.datetime import from_ISO8601
    from openpyxl.worksheet._reader import (CELL_TAG, EXT_TAG, FORMULA_TAG, INLINE_STRING, MERGE_TAG, ROW_TAG,
                                            VALUE_TAG, WorkSheetParser)
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
    from openpyxl.worksheet.merge import MergeCells

    class CheckedParser(WorkSheetParser):
        """openpyxl's own parser (so every cell is read exactly as openpyxl reads it), refusing what Excel calls a
        corrupt file — a cell reference twice, an absurd reference, a stored number Excel cannot read, an index
        into shared strings or cell formats that does not exist, an unknown cell type — naming sheet and cell,
        counting cells (MAX_CELLS_*), and keeping the formula text of formula cells (one pass, not two loads)."""

        def __init__(self, src, strings, name: str, n_styles: int, cells: _Cells, **kw):
            super().__init__(src, strings, data_only=True, **kw)
            self.name, self.n_styles, self.cells = name, n_styles, cells
            self.formulas: dict[tuple[int, int], str] = {}
            self.keys = array("q")
            self.ordered = True
            self.last = -1
            self.count = 0

        def refuse(self, what: str, code: str = "malformed-file"):
            raise ReadError(f"工作表“{self.name}”{what}", code)

        def parse(self):
            """openpyxl's parse loop (3.1) reduced to what cells need: rows and merged ranges. Column widths, page
            setup, conditional formats and the like cannot change a value, and a malformed one must not refuse a
            file whose cells are sound. The part is parsed with the C parser (the pure-Python one defusedxml
            imposes is three times slower): the pre-scan refused any DTD in it, so no entity can be declared."""
            for _, element in fast_iterparse(self.source):
                tag = element.tag
                if tag == ROW_TAG:
                    row = self.parse_row(element)
                    element.clear()
                    yield row
                elif tag == MERGE_TAG:
                    self.merged_cells = MergeCells.from_tree(element)
                    element.clear()

        def parse_row(self, row):
            r = row.get("r")
            if r is not None and not (_INDEX_TEXT.fullmatch(r) and 1 <= int(r) <= MAX_ROW):
                self.refuse(f"的行号“{r[:20]}”无效（Excel 会提示文件已损坏）")
            return super().parse_row(row)

        def parse_cell(self, element):
            if element.tag != CELL_TAG:
                if element.tag == EXT_TAG:
                    return super().parse_cell(element)  # openpyxl counts it as a cell; it holds no value
                self.refuse(f"的行中有无法识别的元素“{str(element.tag).rsplit('}', 1)[-1][:40]}”（Excel 会提示文件已损坏）")
            self.count += 1
            self.cells.total += 1
            if self.count > MAX_CELLS_SHEET or self.cells.total > MAX_CELLS_TOTAL:
                self.refuse(f"：单元格数超过上限（每张工作表 {MAX_CELLS_SHEET} 个，全部工作表共 {MAX_CELLS_TOTAL} 个）",
                            "file-too-large")
            kind = element.get("t", "n")
            children = len(element)
            text = element.findtext(VALUE_TAG, None) if children else None
            if text:
                if kind == "n":
                    self.check_number(text, element)
                elif kind == "s":
                    if not (text.isascii() and text.isdigit() and len(text) <= 10
                            and int(text) < len(self.shared_strings)):
                        self.refuse(f"{self.where(element)}引用的共享字符串编号“{text[:20]}”不存在（Excel 会提示文件已损坏）")
                elif kind == "b":
                    if text not in ("0", "1"):
                        self.refuse(f"{self.where(element)}的逻辑值“{text[:20]}”无效（只能是 0 或 1）")
                elif kind == "e":
                    if text not in ERROR_VALUES:
                        self.refuse(f"{self.where(element)}的错误值“{text[:20]}”无效")
                elif kind == "d":
                    try:
                        from_ISO8601(text)
                    except Exception:  # noqa: BLE001 - openpyxl raises ValueError and others on junk dates
                        self.refuse(f"{self.where(element)}的日期“{text[:40]}”无效")
            if kind not in _KINDS:
                self.refuse(f"{self.where(element)}的单元格类型“{kind[:20]}”无效（Excel 会提示文件已损坏）")
            try:
                out = self.inline_cell(element) if kind == "inlineStr" else super().parse_cell(element)
            except ReadError:
                raise
            except Exception:  # noqa: BLE001 - openpyxl's reference, style and value conversions
                self.refuse(f"{self.where(element)}无法读取：单元格引用或格式编号无效（Excel 会提示文件已损坏）")
            row, col, style = out["row"], out["column"], out["style_id"]
            if not (0 < row <= MAX_ROW and 0 < col <= MAX_COL):
                ref = element.get("r")
                self.refuse(f"的单元格引用“{ref[:20]}”超出 Excel 的范围（Excel 会提示文件已损坏）" if ref else
                            f"中有超出 Excel 范围的单元格（第 {row} 行第 {col} 列）")
            if style and not 0 <= style < self.n_styles:
                self.refuse(f"{self.where(element)}引用的单元格格式编号 {style} 不存在（Excel 会提示文件已损坏）")
            key = row * (MAX_COL + 1) + col
            if key <= self.last:
                self.ordered = False
            self.last = key
            self.keys.append(key)
            if children > 1 or children and element[0].tag != VALUE_TAG:
                if element.find(FORMULA_TAG) is not None:
                    try:
                        formula = self.parse_formula(element)
                    except Exception:  # noqa: BLE001 - openpyxl's formula translator raises its own types
                        self.refuse(f"{self.where(element)}的公式无法解析")
                    if isinstance(formula, ArrayFormula):
                        formula = "{" + str(formula.text or "=") + "}"
                    elif isinstance(formula, DataTableFormula):
                        formula = "{=TABLE(" + ",".join(x for x in (formula.r1, formula.r2) if x) + ")}"
                    self.formulas[(row, col)] = str(formula)
            return out

        def inline_cell(self, element) -> dict:
            """openpyxl's parse_cell for an inline string (data_only, no rich text), with the text taken the way
            openpyxl's Text.from_tree(...).content takes it — the last <t> child, then each <r> run's last <t>, by
            local name; phonetic runs left out — without building its objects (five times faster)."""
            coordinate = element.get("r")
            style_id = element.get("s", 0)
            if style_id:
                style_id = int(style_id)
            if coordinate:
                row, column = coordinate_to_tuple(coordinate)
                self.col_counter = column
            else:
                self.col_counter += 1
                row, column = self.row_counter, self.col_counter
            value, data_type = None, "inlineStr"
            child = element.find(INLINE_STRING)
            if child is not None:
                data_type = "s"
                plain, runs = None, []
                for el in child:
                    tag = _local(el.tag)
                    if tag == "t":
                        plain = el.text
                    elif tag == "r":
                        text = None
                        for sub in el:
                            if _local(sub.tag) == "t":
                                text = sub.text
                        if text is not None:
                            runs.append(text)
                value = "".join(([plain] if plain is not None else []) + runs)
            return {"row": row, "column": column, "value": value, "data_type": data_type, "style_id": style_id}

        def where(self, element) -> str:
            ref = element.get("r")
            return f"的单元格 {ref[:20]} " if ref else f"第 {self.row_counter} 行中的一个单元格"

        def check_number(self, text: str, element) -> None:
            """A stored number as Excel writes it: ASCII digits, optional sign, point and exponent, finite."""
            if (len(text) > MAX_NUMBER_TEXT or not text.isascii() or text[-1] not in "0123456789."
                    or text[0] in " \t\r\n" or "_" in text):
                self.refuse(f"{self.where(element)}存储的数值“{text[:40]}”不是 Excel 能读的数字（Excel 会提示文件已损坏）")
            try:
                number = float(text)
            except ValueError:
                self.refuse(f"{self.where(element)}存储的数值“{text[:40]}”不是 Excel 能读的数字（Excel 会提示文件已损坏）")
            if number - number != 0:  # inf (1e309) or nan
                self.refuse(f"{self.where(element)}存储的数值“{text[:40]}”超出 Excel 的数值范围")
            if number == 0 and any(ch in "123456789" for ch in text.split("e")[0].split("E")[0]):
                self.refuse(f"{self.where(element)}存储的数值“{text[:40]}”小于 Excel 能表示的最小数")

        def duplicate(self) -> str | None:
            """The first cell reference held twice (Excel calls such a file corrupt), or None."""
            if self.ordered:
                return None  # strictly increasing in row-major order: no reference can repeat
            keys = sorted(self.keys)
            for a, b in zip(keys, keys[1:]):
                if a == b:
                    return cell_name(*divmod(a, MAX_COL + 1))
            return None

    return CheckedParser


_PARSER = None


@dataclass(frozen=True)
class _Code:
    code: str


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _read_openpyxl(path: Path, scan: Scan) -> list[Sheet]:
    """Read every worksheet with openpyxl's own streaming worksheet parser (checked, `CheckedParser`), after
    openpyxl has read the workbook part, shared strings and styles: no Cell objects, comments, drawings, merged-cell
    objects or document properties are built, so memory follows the cells that hold something, and a sheet's
    `<dimension>` (wrong in files WPS writes) is never consulted."""
    global _PARSER
    if _PARSER is None:
        _PARSER = _checked_parser_class()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = _workbook_reader()(path)
            book.read()
    except Exception as exc:  # openpyxl raises many types for broken files, and wraps defusedxml's refusal
        raise _openpyxl_error(exc) from None
    try:
        cells = _Cells()
        budget = FormulaBudget()
        return [_read_sheet(book, title, part, scan, cells, budget) for title, part in book.sheet_parts]
    finally:
        book.archive.close()


_READER = None


def _workbook_reader():
    """openpyxl's ExcelReader, reading only what the cells need: manifest, shared strings, workbook part (sheet
    list, 1904 epoch), styles — and listing the worksheets instead of loading them."""
    global _READER
    if _READER is None:
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        class WorkbookReader(ExcelReader):
            def __init__(self, path):
                super().__init__(path, read_only=True, data_only=True, keep_links=False)
                self.sheet_parts: list[tuple[str, str]] = []

            def read(self):
                self.read_manifest()
                self.read_strings()
                self.read_workbook()
                apply_stylesheet(self.archive, self.wb)
                for sheet, rel in self.parser.find_sheets():
                    if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                        self.sheet_parts.append((sheet.name, rel.target))

        _READER = WorkbookReader
    return _READER


def _openpyxl_error(exc: BaseException, sheet: str = "") -> ReadError:
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return ReadError("文件含有 XML 实体定义（可能是恶意构造的“XML 炸弹”）", "file-too-large")
    if isinstance(exc, PARTS_DAMAGED):
        return ReadError(DAMAGED)
    where = f"工作表“{sheet}”的" if sheet else "文件"
    return ReadError(f"{where}内容无法解析（{type(exc).__name__}）")


def _read_sheet(book, name: str, part: str, scan: Scan, cells: _Cells, budget: FormulaBudget) -> Sheet:
    from openpyxl.styles.numbers import BUILTIN_FORMATS
    from openpyxl.utils.escape import unescape

    wb = book.wb
    styles = wb._cell_styles
    numbers = wb._number_formats
    date_formats = (set(wb._date_formats) - set(scan.xf_problems)) | scan.xf_dates
    formats: dict[int, str | None] = {}

    def number_format(style_id) -> str | None:
        """The cell format's number format as openpyxl names it (None: it names one the file does not have)."""
        style_id = int(style_id or 0)
        if style_id not in formats:
            fid = styles[style_id].numFmtId if style_id < len(styles) else 0
            formats[style_id] = (BUILTIN_FORMATS.get(fid, "General") if fid < 164 else
                                 numbers[fid - 164] if fid - 164 < len(numbers) else None)
        return formats[style_id]

    plain: dict[int, object] = {}  # style id -> True (numbers read as stored), a problem (str), or its format code

    def treatment(style_id: int):
        if style_id in scan.xf_problems:
            out = scan.xf_problems[style_id]
        else:
            code = number_format(style_id)
            out = ("单元格的数字格式在文件中没有定义" if code is None else True if code in PLAIN_FORMATS else
                   _Code(code))
        plain[style_id] = out
        return out

    sheet = Sheet(name, formulas=Formulas(budget))
    src = book.archive.open(part)
    parser = _PARSER(src, book.shared_strings, name, len(styles), cells, epoch=wb.epoch,
                     date_formats=date_formats, timedelta_formats=wb._timedelta_formats)
    no_value = []  # formula cells without a cached number: percent if the format says so
    values, formulas = sheet.cells, parser.formulas
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _, row in parser.parse():
                for cell in row:
                    value = cell["value"]
                    if value is None:
                        if formulas:
                            key = (cell["row"], cell["column"])
                            if key in formulas:
                                no_value.append((key, cell["style_id"]))
                        continue
                    key = (cell["row"], cell["column"])
                    kind = type(value)
                    if kind is str:
                        if "_x" in value:
                            value = unescape(value)  # Excel stores control characters as _x0007_
                        if value.startswith("="):
                            sheet.formulas[key] = value
                    elif kind is int or kind is float:
                        style = cell["style_id"] or 0
                        how = plain.get(style) or treatment(style)
                        if how is not True:
                            if type(how) is str:
                                sheet.format_issues[key] = how
                                value = flag(value, how, True)
                            else:
                                value = _apply(sheet, key, reading(how.code, value), value)
                    values[key] = value
        merged = parser.merged_cells.mergeCell if parser.merged_cells is not None else []
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever openpyxl raises on a malformed worksheet
        found = re.match(r"'?(.{1,60}?)'? is not a valid (?:coordinate|column)", str(exc))
        if found:
            raise ReadError(f"工作表“{name}”中的引用“{found.group(1)}”无效（Excel 会提示文件已损坏）",
                            "malformed-file") from None
        raise _openpyxl_error(exc, name) from None
    finally:
        src.close()
    if (dup := parser.duplicate()) is not None:
        raise ReadError(f"工作表“{name}”的单元格 {dup} 出现了两次（Excel 会提示文件已损坏），无法确定取哪一个值",
                        "malformed-file")
    sheet.formulas.update(parser.formulas)
    for key, style_id in no_value:
        if not _is_number(sheet.cells.get(key)):
            code = number_format(style_id) if style_id is not None else None
            if code and reading(code, None).percent:
                sheet.percent.add(key)  # no cached number: percent if every section says so
    sheet.merged = _checked_merges(name, [(r.min_row, r.min_col, r.max_row, r.max_col) for r in merged])
    return sheet


def _checked_merges(name: str, ranges: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The merged ranges (min_row, min_col, max_row, max_col), refused beyond the grid or the area limits: every
    cell of a merged range is filled with its value for reading headers (`Sheet.filled`)."""
    area = 0
    for r0, c0, r1, c1 in ranges:
        where = f"{cell_name(r0, c0)}:{cell_name(r1, c1)}" if r0 > 0 and c0 > 0 and r1 > 0 and c1 > 0 else "？"
        if not (1 <= r0 <= r1 <= MAX_ROW and 1 <= c0 <= c1 <= MAX_COL):
            raise ReadError(f"工作表“{name}”的合并单元格范围“{where}”超出 Excel 的范围", "malformed-file")
        cells_in = (r1 - r0 + 1) * (c1 - c0 + 1)
        if cells_in > MAX_MERGED_RANGE:
            raise ReadError(f"工作表“{name}”的合并单元格 {where} 含 {cells_in} 个单元格，超过上限 {MAX_MERGED_RANGE}",
                            "file-too-large")
        area += cells_in
        if area > MAX_MERGED_TOTAL:
            raise ReadError(f"工作表“{name}”的合并单元格共含 {MAX_MERGED_TOTAL} 个以上单元格，超过上限", "file-too-large")
    return list(ranges)


# ------------------------------------------------------------------------------------------------ .xls, .ods
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
            if cs.height * cs.width > MAX_GRID:  # checked before calamine opened the file; kept as a backstop
                raise ReadError(f"工作表“{name}”的数据区域有 {cs.height}×{cs.width} 个单元格，超过上限", "file-too-large")
            sheet = Sheet(name)
            r0, c0 = cs.start or (0, 0)  # the rows below start there (skip_empty_area=False starts at A1 instead)
            for i, row in enumerate(cs.to_python(skip_empty_area=True)):
                for j, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    if type(value) is float and not math.isfinite(value):  # an .xls NUMBER record can hold inf/nan
                        raise ReadError(f"工作表“{name}”的单元格 {cell_name(r0 + i + 1, c0 + j + 1)} 存储的数值不是有限的数"
                                        f"（{value}），Excel 无法显示", "malformed-file")
                    sheet.cells[(r0 + i + 1, c0 + j + 1)] = value
            merged = [(a + 1, b + 1, c + 1, d + 1) for (a, b), (c, d) in cs.merged_cell_ranges or []]
            if not merged and name in ods_merges:  # calamine reads no merges from .ods
                merged = ods_merges[name]
            sheet.merged = _checked_merges(name, merged)
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
    """The .ods cells whose format matters; `merges` receives the merged ranges. A file whose content.xml cannot
    be streamed to the end is refused: only that stream bounds what calamine would then expand."""
    try:
        with zipfile.ZipFile(path) as zf:
            return ods_readings(zf, merges, dtd_checked=True)  # _check_ods streamed it: no DTD
    except DefusedXmlException:
        raise ReadError("文件含有 XML 实体定义（可能是恶意构造的“XML 炸弹”）", "file-too-large") from None
    except OdsTooLarge as exc:
        raise ReadError(f"表格含 {exc.args[0]} 个以上有内容的单元格（大量重复的单元格），超过上限",
                        "file-too-large") from None
    except OdsGridTooLarge as exc:
        name, rows, cols = exc.args
        raise ReadError(f"工作表“{name}”的数据区域有 {rows}×{cols} 个单元格，超过上限 {MAX_GRID}",
                        "file-too-large") from None
    except OdsMalformed as exc:
        name, row, col, what = exc.args
        where = f"工作表“{name}”的单元格 {cell_name(row, col)} " if col else f"工作表“{name}”中" if name else "表格中"
        raise ReadError(f"{where}{what}（LibreOffice 无法按原样读取）", "malformed-file") from None
    except PARTS_DAMAGED:
        raise ReadError(DAMAGED) from None
    except Exception as exc:  # noqa: BLE001 - malformed XML and the like
        raise ReadError(f"表格内容（content.xml）无法解析（{type(exc).__name__}）") from None


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
