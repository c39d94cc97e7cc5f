"""The openpyxl helpers shared by the examples' input generators (examples/<name>/make_inputs.py).

Each generator puts this folder on ``sys.path`` and imports from here, so it runs both as
``python examples/<name>/make_inputs.py`` and when a test loads it from its file.

What differs between the examples is passed in: the workbook author (``creator``) and the fixed time that pins the
workbook properties and the zip timestamps (``when``). Nothing here draws random numbers or reads the clock, so
the bytes a generator writes depend only on its content (with the same openpyxl/zlib).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="方正小标宋简体", size=16)
HEAD_FONT = Font(name="黑体", size=11)
BODY_FONT = Font(name="宋体", size=11)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def fullwidth(value) -> str:
    """36 -> "３６", "96.5" -> "９６．５" (digits and the decimal point)."""
    return "".join(chr(ord(c) + 0xFEE0) if c in "0123456789." else c for c in str(value))


def new_workbook(sheet: str, creator: str, when: dt.datetime):
    """A workbook whose one sheet is named `sheet`, written by `creator`, created and modified at `when`."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for attr in ("creator", "lastModifiedBy"):
        setattr(wb.properties, attr, creator)
    wb.properties.created = wb.properties.modified = when
    return wb, ws


def save(wb: Workbook, path: Path, when: dt.datetime) -> None:
    """Save with pinned dates and zip timestamps (`when`), so the bytes depend only on the content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    wb.save(buf)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)


def put(ws, row: int, col: int, value, font=BODY_FONT, align=None, fmt: str | None = None, border=True):
    """One cell: text and empty cells centred, numbers right-aligned, bordered unless `border` is false; `fmt` is
    applied to non-text values only."""
    c = ws.cell(row=row, column=col, value=value)
    c.font = font
    c.alignment = align or (CENTER if isinstance(value, str) or value is None else RIGHT)
    if border:
        c.border = BORDER
    if fmt and not isinstance(value, str):
        c.number_format = fmt
    return c


def line(ws, row: int, text: str, last_col: int, first_col: int = 1, font=BODY_FONT, align=LEFT, height=None):
    """A merged, borderless text line (title, 填报单位 / 被考核单位 line, notes, signatures)."""
    if last_col > first_col:
        ws.merge_cells(start_row=row, start_column=first_col, end_row=row, end_column=last_col)
    put(ws, row, first_col, text, font, align, border=False)
    if height:
        ws.row_dimensions[row].height = height


def widths(ws, values: list[float]) -> None:
    """Column widths from column A on."""
    for k, w in enumerate(values, start=1):
        ws.column_dimensions[get_column_letter(k)].width = w


def write_empty_veto_register(wb_ws, path: Path, title: str, when: dt.datetime) -> Path:
    """An office's 一票否决事项登记表 with no entries this year: the header only, and a line saying so.

    kaohe requires every register the scheme configures (a [veto] section) to be found: an empty one says "nothing
    to register", where an absent one could be a register that was lost or not recognised.
    """
    wb, ws = wb_ws
    headers = ["序号", "被考核单位", "否决事项", "认定部门", "否决原因"]
    line(ws, 1, title, len(headers), font=TITLE_FONT, align=CENTER, height=34)
    line(ws, 2, "说明：本年度无一票否决事项。", len(headers))
    for c, text in enumerate(headers, start=1):
        put(ws, 3, c, text, HEAD_FONT)
    widths(ws, [6, 16, 16, 16, 40])
    save(wb, path, when)
    return path
