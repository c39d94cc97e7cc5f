"""Read a workbook's cells ourselves, format by format, into a plain `Sheet` grid — or refuse it with one reason.

Why not pandas: it re-infers text ("007" -> 7) and drops cell positions. Why openpyxl for .xlsx/.xlsm: it gives
number formats (a 0.85 shown as 85%), merged ranges and formula text. Every package is first streamed and counted
(`parts.scan_package`: decompressed bytes, elements, sheets, shared strings, cells; a DTD anywhere is refused),
then openpyxl reads the workbook part, shared strings and styles, and each worksheet goes through openpyxl's own
streaming parser, subclassed to check every raw cell before openpyxl converts it (`xlsx._checked_parser_class`): a
reference twice, a number Excel cannot read ("１２", "nan", 1e309), an index that does not exist — what Excel calls
a corrupt file — is refused naming sheet and cell (docs/decisions.md 50–54). The wrong `<dimension>` WPS writes is
never consulted. .xls and .ods go through python-calamine, after their records / content.xml are walked and
bounded (calamine reserves and materialises the used range), which gives values but no formats: an .xls's
formats come from xlrd, an .ods's from its own XML (`numfmt`). A number is read as its format shows it
(`numfmt.reading`): 0.845 under `0.0%` is 84.5 (the cell joins `Sheet.percent`), 10.3 under `0.0"%"` is 10.3, and
a format whose shown value cannot be derived (`0%%`, `#,##0,`) keeps the cell out of scoring
(`Sheet.format_issues`). The format is sniffed from magic bytes, never the extension; Strict OOXML, .xlsb, CSV and
HTML files are one `unsupported-format` error.

The reading is split by concept: `sheet` (the `Sheet` grid, `ReadError`), `formatted` (numbers as their format
shows them), `container` (sniffing, zip bombs, OLE and .ods container checks), `xlsx` (the checked openpyxl
parser) and `calamine` (.xls, .ods). This module is the entry point, `read_workbook`, and re-exports the names
the rest of the pipeline imports from it.
"""

from __future__ import annotations

from pathlib import Path

import defusedxml  # noqa: F401  - required: openpyxl uses it to refuse XML entity bombs when installed
from defusedxml import DefusedXmlException

from .calamine import _read_calamine
from .container import DAMAGED, RESAVE, _check_ods, _check_ole, _not_a_workbook, check_zip, sniff
from .formatted import format_note
from .parts import DAMAGED as PARTS_DAMAGED, MAX_FILE_BYTES, PartError, scan_package
from .sheet import ReadError, Sheet, cell_name
from .xlsx import _read_openpyxl

__all__ = ["ReadError", "Sheet", "cell_name", "format_note", "read_workbook"]  # what importers use


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

