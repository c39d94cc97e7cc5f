"""The .xlsx/.xlsm reader: openpyxl's own streaming worksheet parser, subclassed to check every raw cell.

After `parts.scan_package` has bounded the package, openpyxl reads the workbook part, shared strings and styles,
and each worksheet goes through `_checked_parser_class`'s parser, which refuses what Excel calls a corrupt file
(a reference twice, a number Excel cannot read, an index that does not exist) naming sheet and cell
(docs/decisions.md 50–54). Its own module because it is the whole of the openpyxl-specific reading.
"""

from __future__ import annotations

import re
import warnings
from array import array
from dataclasses import dataclass
from pathlib import Path

from defusedxml import DefusedXmlException

from .container import DAMAGED
from .formatted import PLAIN_FORMATS, _apply, _is_number, flag
from .formulas import FormulaBudget, Formulas
from .numfmt import reading
from .parts import DAMAGED as PARTS_DAMAGED, MAX_CELLS_SHEET, MAX_CELLS_TOTAL, MAX_COL, MAX_ROW, Scan
from .sheet import ReadError, Sheet, _checked_merges, cell_name

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
