"""The .xls and .ods reader: python-calamine for the values, after `container` has walked and bounded the file.

calamine gives values but no formats: an .xls's formats come from xlrd, an .ods's from its own XML (`numfmt`),
and a file whose formats cannot be read while it holds numbers is refused (`formatted._apply_formats`). Its own
module because it is the whole of the calamine-specific reading.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

from defusedxml import DefusedXmlException

from .container import DAMAGED, sniff
from .formatted import _apply_formats
from .numfmt import OdsGridTooLarge, OdsMalformed, OdsTooLarge, ods_readings, xls_readings
from .parts import DAMAGED as PARTS_DAMAGED, MAX_GRID
from .sheet import ReadError, Sheet, _checked_merges, cell_name


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
