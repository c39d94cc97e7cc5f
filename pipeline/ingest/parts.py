"""A streaming pre-scan of an .xlsx/.xlsm package, before openpyxl parses anything (docs/方案编写指南.md 13.15).

openpyxl trusts what it reads: a million shared strings take half a minute, 3,000 sheet entries a quarter of one,
and a deflate stream far longer than its size fields say is only caught once decompressed. So every entry is first
streamed once with `zf.open()` in 1 MiB chunks, COUNTING the bytes that come out (never the size fields), and
the counts that decide openpyxl's work — decompressed bytes, XML elements, `<sheet>` entries, `<si>` shared
strings, `<c>` cells of each worksheet — are checked while streaming, so a hostile file is refused after reading
at most the limit, with one Chinese reason naming the part or sheet. Python's zipfile also stops an entry at its
declared size and checks its CRC, so a lying size field is refused as a damaged file.

The tag counts are fast byte counts (a `<c` written with a namespace prefix is counted too); they are upper bounds
for early refusal, not the exact numbers: the reader's checked worksheet parser counts cells exactly as openpyxl
yields them (`xlsx._checked_parser_class`). What the parts are (workbook, shared strings, worksheets) is found with
openpyxl's own manifest and workbook-relationship code, so the pre-scan looks at exactly the parts openpyxl will.
The styles part is read here too (bounded): which cell formats name a number format the file does not define.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field

# ------------------------------------------------------------------------------------------------- limits
# Every limit is in the table of docs/方案编写指南.md 13.15 (what is counted, the limit, what happens).
MAX_FILE_BYTES = 200 * 1024 * 1024  # the file on disk (any format)
MAX_DECOMPRESSED = 256 * 1024 * 1024  # bytes decompressed from all entries, counted while streaming
MAX_TREE_PART = 32 * 1024 * 1024  # one part openpyxl parses as a whole tree (workbook, styles, rels, …)
MAX_ELEMENTS = 10_000_000  # XML elements in all parts
MAX_TREE_ELEMENTS = 300_000  # XML elements in one part parsed as a whole tree
MAX_SHEETS = 255  # worksheet entries in the workbook
MAX_SHARED_STRINGS = 300_000  # <si> entries of the shared-string table
MAX_SST_ELEMENTS = 1_500_000  # XML elements of the shared-string table (rich-text runs included)
MAX_CELLS_SHEET = 1_500_000  # <c> cells in one worksheet (a 20,000-unit × 60-column return has 1.2 million)
MAX_CELLS_TOTAL = 2_000_000  # <c> cells in all worksheets
MAX_SHEET_ELEMENTS = 6_000_000  # XML elements of one worksheet
MAX_MERGED_RANGE = 100_000  # cells of one merged range
MAX_MERGED_TOTAL = 200_000  # cells of all merged ranges of one sheet
MAX_ROW = 1_048_576  # Excel's grid
MAX_COL = 16_384

CHUNK = 1 << 20

SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"


class PartError(Exception):
    """The package is refused: (reason in Chinese, issue code)."""

    def __init__(self, reason: str, code: str):
        super().__init__(reason)
        self.reason, self.code = reason, code


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


@dataclass
class Scan:
    """What the pre-scan learned, for the reader."""

    workbook: str = ""  # the workbook part's name
    sheets: dict[str, str] = field(default_factory=dict)  # worksheet part -> sheet name (the parts openpyxl reads)
    cells: dict[str, int] = field(default_factory=dict)  # worksheet part -> <c> tags counted (upper bound)
    shared_strings: int = 0
    # styles: for each cell format (xf) index, why a number under it cannot be read ("" when it can), and the
    # xf indices that name a locale-dependent built-in date format (Chinese Excel's 27–36, 50–58)
    xf_problems: dict[int, str] = field(default_factory=dict)
    xf_dates: set[int] = field(default_factory=set)


# ------------------------------------------------------------------------------------------------- counting
_CELL_TAGS = tuple(p + b"c" + e for p in (b"<", b":") for e in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
_SI_TAGS = tuple(p + b"si" + e for p in (b"<", b":") for e in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
_SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]{0,40}:)?sheet[\s/>]")
_XML_SUFFIXES = (".xml", ".rels", ".vml")


class _Counter:
    """Counts over one part's bytes, fed chunk by chunk (patterns split across chunks are counted once)."""

    def __init__(self, patterns: tuple[bytes, ...] = ()):
        self.patterns = patterns
        self.elements = 0
        self.tags = 0
        self.doctype = False
        self.carry = b""

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        # start tags: every '<' that does not open an end tag, a processing instruction or a comment/CDATA
        self.elements += chunk.count(b"<") - _spanning(data, self.carry, b"</") - _spanning(data, self.carry, b"<?") \
            - _spanning(data, self.carry, b"<!")
        if self.patterns:
            self.tags += sum(data.count(p) for p in self.patterns) - sum(self.carry.count(p) for p in self.patterns)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            self.doctype = True
        self.carry = data[-16:]


def _spanning(data: bytes, carry: bytes, pattern: bytes) -> int:
    """Occurrences of `pattern` in data = carry + chunk that end in the chunk (carry's own were counted before)."""
    return data.count(pattern) - carry.count(pattern)


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], counter: _Counter | None,
            limit: int | None = None, keep: bool = False, check=None) -> bytes | None:
    """Decompress one entry in chunks, counting its bytes into budget[0] (all entries) and against `limit` (this
    one); `check(counter)` runs after every chunk. Returns the bytes when `keep`."""
    kept: list[bytes] = []
    size = 0
    with zf.open(info) as fh:
        while chunk := fh.read(CHUNK):
            size += len(chunk)
            budget[0] += len(chunk)
            if budget[0] > MAX_DECOMPRESSED:
                raise PartError(f"解压后的内容超过 {_mb(MAX_DECOMPRESSED)}（读到条目 {info.filename} 时），"
                                "文件可能被恶意构造", "file-too-large")
            if limit is not None and size > limit:
                raise PartError(f"条目 {info.filename} 解压后超过 {_mb(limit)}，超过上限", "file-too-large")
            if keep:
                kept.append(chunk)
            if counter is not None:
                counter.feed(chunk)
                if counter.doctype:
                    raise PartError("文件含有 XML 实体定义（可能是恶意构造的“XML 炸弹”）", "file-too-large")
                if check is not None:
                    check(counter)
    return b"".join(kept) if keep else None


# ------------------------------------------------------------------------------------------------- the scan
# Parts openpyxl (read-only mode, no external links) parses as one whole tree, besides the workbook part and its
# relationships: these are bounded one by one (MAX_TREE_PART, MAX_TREE_ELEMENTS).
_TREE_PARTS = ("[Content_Types].xml", "xl/styles.xml", "docProps/core.xml", "docProps/custom.xml")
_TREE_FOLDERS = ("xl/chartsheets/", "xl/drawings/", "xl/charts/")


def scan_package(zf: zipfile.ZipFile) -> Scan:
    """Stream every entry of an .xlsx/.xlsm once and refuse it (PartError) beyond any limit, before openpyxl.

    Raises zipfile.BadZipFile / zlib.error / EOFError for damaged data (the caller words that); openpyxl's own
    errors on a malformed manifest or workbook part propagate too."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.reader.workbook import WorkbookParser
    from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_STYLE, SHARED_STRINGS
    from openpyxl.xml.functions import fromstring

    infos = {i.filename: i for i in zf.infolist()}
    budget = [0]
    elements = [0]
    done: dict[str, bytes | None] = {}

    def tree_part(name: str, keep: bool = False) -> bytes | None:
        """A part parsed as one tree: bounded in bytes and elements."""
        if name in done:
            return done[name]
        counter = _Counter()
        data = _stream(zf, infos[name], budget, counter, MAX_TREE_PART, keep)
        if counter.elements > MAX_TREE_ELEMENTS:
            raise PartError(f"条目 {name} 含 {counter.elements} 个 XML 元素，超过上限 {MAX_TREE_ELEMENTS}",
                            "file-too-large")
        elements[0] += counter.elements
        _elements_check(elements[0], name)
        done[name] = data
        return data

    if ARC_CONTENT_TYPES not in infos:
        raise PartError("压缩包中没有工作簿内容，不是有效的 Excel 文件", "unreadable-file")
    manifest = Manifest.from_tree(fromstring(tree_part(ARC_CONTENT_TYPES, keep=True)))
    try:
        wb_part = _find_workbook_part(manifest).PartName[1:]
    except OSError:
        raise PartError("压缩包中没有工作簿内容，不是有效的 Excel 文件", "unreadable-file") from None
    if wb_part not in infos:
        raise PartError("压缩包中没有工作簿内容，不是有效的 Excel 文件", "unreadable-file")
    scan = Scan(workbook=wb_part)
    wb_xml = tree_part(wb_part, keep=True)
    root = fromstring(wb_xml)
    ns = root.tag[1:].split("}")[0] if isinstance(root.tag, str) and root.tag.startswith("{") else ""
    if ns == STRICT_NS:
        raise PartError("不支持 Strict Open XML 格式，请另存为普通 .xlsx（Excel“另存为”时选“Excel 工作簿”）",
                        "unsupported-format")
    if ns != SPREADSHEET_NS:
        raise PartError(f"工作簿的 XML 命名空间“{ns[:80]}”无法识别，不是有效的 Excel 文件", "unreadable-file")
    sheet_entries = len(_SHEET_TAG.findall(wb_xml))
    if sheet_entries > MAX_SHEETS:
        raise PartError(f"工作簿含 {sheet_entries} 张工作表，超过上限 {MAX_SHEETS}", "file-too-large")
    rels_name = _rels_path(wb_part)
    if rels_name in infos:
        tree_part(rels_name)
    parser = WorkbookParser(zf, wb_part, keep_links=False)
    parser.parse()
    uses: dict[str, int] = {}  # worksheet part -> sheet entries reading it (a part may be listed more than once)
    for sheet, rel in parser.find_sheets():
        if rel.target in infos and "chartsheet" not in rel.Type:
            scan.sheets.setdefault(rel.target, sheet.name)
            uses[rel.target] = uses.get(rel.target, 0) + 1
    ct = manifest.find(SHARED_STRINGS)
    sst = ct.PartName[1:] if ct is not None else None

    # every other entry once, in the archive's order; worksheets and the shared strings are counted as they stream
    total_cells = [0]
    for name, info in infos.items():
        if name in done:
            continue
        if name in scan.sheets:
            sheet_name = scan.sheets[name]

            def check(counter: _Counter, sheet_name=sheet_name, name=name) -> None:
                if counter.tags > MAX_CELLS_SHEET:
                    raise PartError(f"工作表“{sheet_name}”含 {MAX_CELLS_SHEET} 个以上单元格，超过上限", "file-too-large")
                if total_cells[0] + counter.tags > MAX_CELLS_TOTAL:
                    raise PartError(f"各工作表共含 {MAX_CELLS_TOTAL} 个以上单元格（读到工作表“{sheet_name}”时），超过上限",
                                    "file-too-large")
                if counter.elements > MAX_SHEET_ELEMENTS:
                    raise PartError(f"工作表“{sheet_name}”含 {MAX_SHEET_ELEMENTS} 个以上 XML 元素，超过上限",
                                    "file-too-large")
                _elements_check(elements[0] + counter.elements, name)

            counter = _Counter(_CELL_TAGS)
            _stream(zf, info, budget, counter, check=check)
            total_cells[0] += counter.tags
            scan.cells[name] = counter.tags
        elif name == sst:
            def check(counter: _Counter, name=name) -> None:
                if counter.tags > MAX_SHARED_STRINGS:
                    raise PartError(f"共享字符串表含 {MAX_SHARED_STRINGS} 个以上字符串，超过上限", "file-too-large")
                if counter.elements > MAX_SST_ELEMENTS:
                    raise PartError(f"共享字符串表含 {MAX_SST_ELEMENTS} 个以上 XML 元素，超过上限", "file-too-large")
                _elements_check(elements[0] + counter.elements, name)

            counter = _Counter(_SI_TAGS)
            _stream(zf, info, budget, counter, check=check)
            scan.shared_strings = counter.tags
        elif name in _TREE_PARTS or name.startswith(_TREE_FOLDERS) and name.lower().endswith(_XML_SUFFIXES):
            tree_part(name, keep=name == ARC_STYLE)
            continue
        elif name.lower().endswith(_XML_SUFFIXES):
            counter = _Counter()
            _stream(zf, info, budget, counter, check=lambda c, name=name: _elements_check(elements[0] + c.elements, name))
        else:
            _stream(zf, info, budget, None)  # media and other binaries: counted and CRC-checked only
            continue
        elements[0] += counter.elements
    if sum(scan.cells.get(part, 0) * n for part, n in uses.items()) > MAX_CELLS_TOTAL:
        raise PartError(f"各工作表共含 {MAX_CELLS_TOTAL} 个以上单元格，超过上限", "file-too-large")
    if done.get(ARC_STYLE):
        _styles(done[ARC_STYLE], scan)
    return scan


def _elements_check(count: int, name: str) -> None:
    if count > MAX_ELEMENTS:
        raise PartError(f"文件共含 {MAX_ELEMENTS} 个以上 XML 元素（读到条目 {name} 时），超过上限", "file-too-large")


def _rels_path(part: str) -> str:
    folder, _, base = part.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


# ------------------------------------------------------------------------------------------------- styles
# Built-in number formats whose code depends on the Excel language version (not in openpyxl's table, which then
# says "General"): in Chinese Excel 27–36 and 50–58 are dates and times (ECMA-376 Part 1, 18.8.30).
CHINESE_DATE_FORMATS = set(range(27, 37)) | set(range(50, 59))


def _styles(data: bytes, scan: Scan) -> None:
    """From styles.xml: the cell formats (xf) whose number format id the file does not define.

    openpyxl renumbers the custom formats it finds (164, 166 -> 164, 165), so an xf naming an undefined 165 would
    silently show 166's format; a locale-dependent built-in id reads as General. Both are recorded per xf index.
    Elements are matched by local name, as openpyxl's own style reader does."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS
    from openpyxl.xml.functions import fromstring

    root = fromstring(data)
    defined: set[int] = set()
    xfs: list[str] = []
    for child in root:
        local = _local(child.tag)
        if local == "numFmts":
            for fmt in child:
                if _local(fmt.tag) == "numFmt":
                    try:
                        defined.add(int(fmt.get("numFmtId", "")))
                    except ValueError:
                        pass
        elif local == "cellXfs":
            xfs = [xf.get("numFmtId", "0") for xf in child if _local(xf.tag) == "xf"]
    for index, raw in enumerate(xfs):
        try:
            fid = int(raw)
        except ValueError:
            scan.xf_problems[index] = f"数字格式编号“{raw}”无效"
            continue
        if fid in defined or fid in BUILTIN_FORMATS:
            continue
        if fid >= 164 or fid < 0:
            scan.xf_problems[index] = f"数字格式编号 {fid} 在文件中没有定义（Excel 会提示文件已损坏）"
        elif fid in CHINESE_DATE_FORMATS:
            scan.xf_dates.add(index)
        else:
            scan.xf_problems[index] = f"内置数字格式编号 {fid} 的显示方式随 Excel 语言版本而定，无法确定显示的数值"


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# ------------------------------------------------------------------------------------------------- plain zips
def stream_all(zf: zipfile.ZipFile) -> None:
    """Decompress every entry once, counting bytes and XML elements (an .ods before python-calamine opens it): a
    deflate stream longer than its size field is cut there by zipfile and fails its CRC (BadZipFile), never
    reaching calamine; a DTD anywhere is refused, so the streaming readers after this may use the C parser."""
    budget = [0]
    elements = 0
    for info in zf.infolist():
        if not info.filename.lower().endswith(_XML_SUFFIXES):
            _stream(zf, info, budget, None)
            continue
        name = info.filename

        def check(counter: _Counter, name=name) -> None:
            if counter.elements > MAX_SHEET_ELEMENTS:
                raise PartError(f"条目 {name} 含 {MAX_SHEET_ELEMENTS} 个以上 XML 元素，超过上限", "file-too-large")
            _elements_check(elements + counter.elements, name)

        counter = _Counter()
        _stream(zf, info, budget, counter, check=check)
        elements += counter.elements


# zipfile's errors for damaged data: a bad CRC, a broken deflate stream, a cut file, an encrypted or unsupported entry
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


# ------------------------------------------------------------------------------------------------- .xls
# python-calamine reserves memory for the cell grid a sheet's DIMENSIONS record declares (65536 × 256 reserves
# 670 MB, a forged 2^32 rows aborts the process) and then materialises the used range: both are checked here,
# from the BIFF records themselves, before calamine opens the file. Same grid bound as for .ods.
MAX_GRID = 4_000_000  # cells of a sheet's used range (rows × columns) in an .xls or .ods
_BIFF_CELLS = {0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6}  # FORMULA BLANK NUMBER LABEL BOOLERR RK LABELSST RSTRING
_BIFF_MULTI = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, …, last column
_BOF, _BOUNDSHEET, _DIMENSIONS, _FILEPASS, _EOF = 0x0809, 0x0085, 0x0200, 0x002F, 0x000A
MAX_BIFF_RECORDS = 4_000_000  # records in the Workbook stream (cells are at most 2,000,000 of them)


def scan_biff(stream: bytes) -> None:
    """Walk the records of an .xls Workbook stream and refuse (PartError) a sheet whose declared or real used
    range, or whose cell count, is beyond the limits, and an encrypted workbook."""
    import struct

    names: dict[int, str] = {}  # BOF offset -> sheet name (BOUNDSHEET)
    pos, n = 0, len(stream)
    sheets = total = 0
    current: list | None = None  # [name, min_row, max_row, min_col, max_col, cells]

    def close() -> None:
        nonlocal total
        if current is None or current[5] == 0:
            return
        name, r0, r1, c0, c1, count = current
        if (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_GRID:
            raise PartError(f"工作表“{name}”的数据区域有 {r1 - r0 + 1}×{c1 - c0 + 1} 个单元格，超过上限 {MAX_GRID}",
                            "file-too-large")

    records = 0
    while pos + 4 <= n:
        rtype, length = struct.unpack_from("<HH", stream, pos)
        body, start = pos + 4, pos
        records += 1
        if records > MAX_BIFF_RECORDS:
            raise PartError(f"工作簿含 {MAX_BIFF_RECORDS} 条以上记录，超过上限", "file-too-large")
        pos = body + length
        if pos > n:
            break
        if rtype == _BOF:
            kind = struct.unpack_from("<H", stream, body + 2)[0] if length >= 4 else 0
            if kind == 0x0010:  # a worksheet substream
                close()
                sheets += 1
                if sheets > MAX_SHEETS:
                    raise PartError(f"工作簿含 {MAX_SHEETS} 张以上工作表，超过上限", "file-too-large")
                current = [names.get(start, f"第 {sheets} 张工作表"), MAX_ROW, 0, MAX_COL, 0, 0]
            else:
                close()
                current = None
        elif rtype == _FILEPASS:
            raise PartError("文件已加密（设置了打开密码），请取消密码后重新报送", "unreadable-file")
        elif rtype == _BOUNDSHEET and length >= 8:
            offset = struct.unpack_from("<I", stream, body)[0]
            cch, high = stream[body + 6], stream[body + 7] & 1
            raw = stream[body + 8: body + 8 + cch * (2 if high else 1)]
            names[offset] = raw.decode("utf-16-le" if high else "latin-1", "replace")
        elif current is None:
            continue
        elif rtype == _DIMENSIONS and length >= 10:
            if length >= 14:
                r0, r1, c0, c1 = struct.unpack_from("<IIHH", stream, body)
            else:
                r0, r1, c0, c1 = struct.unpack_from("<HHHH", stream, body)
            rows, cols = max(0, r1 - r0), max(0, c1 - c0)
            if r1 > 65536 or c1 > 256 or rows * cols > MAX_GRID:
                raise PartError(f"工作表“{current[0]}”的维度记录声明了 {rows}×{cols} 个单元格的区域，"
                                f"超出 .xls 的范围或上限 {MAX_GRID}（文件可能被恶意构造）", "file-too-large")
        elif rtype in _BIFF_CELLS and length >= 4 or rtype in _BIFF_MULTI and length >= 6:
            row, col = struct.unpack_from("<HH", stream, body)
            last = struct.unpack_from("<H", stream, pos - 2)[0] if rtype in _BIFF_MULTI else col
            count = max(0, last - col + 1)
            current[1], current[2] = min(current[1], row), max(current[2], row)
            current[3], current[4] = min(current[3], col), max(current[4], max(col, last))
            current[5] += count
            total += count
            if current[5] > MAX_CELLS_SHEET:
                raise PartError(f"工作表“{current[0]}”含 {MAX_CELLS_SHEET} 个以上单元格，超过上限", "file-too-large")
            if total > MAX_CELLS_TOTAL:
                raise PartError(f"各工作表共含 {MAX_CELLS_TOTAL} 个以上单元格，超过上限", "file-too-large")
    close()
