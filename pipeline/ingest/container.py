"""What a file is and whether its container is sound, before any reader touches its cells.

The format is sniffed from magic bytes, never the extension; a zip's central directory is checked for bombs
before anything is decompressed; an OLE file is told apart (encrypted .xlsx, Word, PowerPoint, .xls with bounded
records) and an .ods's parts are streamed and bounded; text, HTML and XML files get a message saying what they are.
Its own module because these checks are about the package, not the cells, and are shared by every format.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from .parts import DAMAGED as PARTS_DAMAGED, PartError, scan_biff, stream_all
from .sheet import ReadError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Zip-bomb bounds, checked on the central directory before anything is decompressed.
MAX_ENTRIES = 10_000
MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024
MAX_ENTRY_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 200
MAX_CENTRAL_DIRECTORY = 8 * 1024 * 1024  # bytes of the central directory (10,000 entries with long names)


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

