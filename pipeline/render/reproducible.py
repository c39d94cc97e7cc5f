"""Reproducible outputs: the run's date, and zip packages (.xlsx, .docx) with a fixed layout.

The same inputs and scheme must give byte-identical outputs on any machine, in any time zone, on any day
(docs/decisions.md 45). Two things used to break that:

* the run's time (制表日期, `run.generated_at`, docProps created/modified) came from the wall clock in the
  machine's local time zone. It now comes from the scheme's `[assessment] date` when set, otherwise from the
  newest modification time of the files that decide the results (config.toml and every return read), read as
  a date in the scheme's time zone (`[assessment] timezone`, default Asia/Shanghai) — see `run_date`;
* zip packages written by openpyxl, python-docx/docxtpl carry the wall-clock time in every entry and in
  docProps/core.xml, and the host system in every entry's header. `fix_zip` rewrites a package with fixed
  entry times, a fixed order, fixed compression and created/modified set to the run's time; `fix_folder` applies
  it to every package of an output set.

This module imports nothing from the rest of kaohe (the scheme imports `zone` from it).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import posixpath
import re
import stat
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

DEFAULT_TIMEZONE = "Asia/Shanghai"
# When the time zone database is absent (a fresh Windows Python without the tzdata package): zones whose offset
# has been fixed for decades. China has kept UTC+8 without daylight saving since 1991.
_FIXED_ZONES = {
    "Asia/Shanghai": dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai"),
    "UTC": dt.timezone.utc,
    "Etc/UTC": dt.timezone.utc,
}
_MACHINE_ZONES = {"localtime", "posixrules", "factory"}
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold; XlsxWriter writes the same
ZIP_LEVEL = 6  # zlib's default level, written explicitly so that no library default can change the bytes
PACKAGE_SUFFIXES = (".xlsx", ".xlsm", ".docx")
MAX_CORE_XML = 1 << 20  # docProps/core.xml larger than this is left as it is (ours are < 2 KB)

_CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_CORE_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


# ----------------------------------------------------------------------------------------------- time zone
@functools.lru_cache(maxsize=32)
def zone(name: str) -> dt.tzinfo:
    """The time zone `name` (IANA, e.g. "Asia/Shanghai"); ValueError with Chinese text when unknown.

    Asia/Shanghai and UTC work without the time zone database (fixed offsets, exact for every date since 1991).
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not isinstance(name, str) or not name.strip():
        raise ValueError("时区不能为空（如 Asia/Shanghai）")
    if name.lower() in _MACHINE_ZONES:  # names whose meaning is this machine's setting
        raise ValueError(f"时区“{name}”指本机设置，各台电脑不同；请写 IANA 时区名，如 Asia/Shanghai")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, UnicodeError):
        if name in _FIXED_ZONES:
            return _FIXED_ZONES[name]
        raise ValueError(f"无法识别时区“{name[:40]}”（请写 IANA 时区名，如 Asia/Shanghai；"
                         "本机若未安装时区数据库，只能使用 Asia/Shanghai 或 UTC）") from None


# ----------------------------------------------------------------------------------------------- run date
@dataclass(frozen=True)
class RunDate:
    """The run's 制表日期 and where it came from (shown on the summary workbook's 运行信息 sheet)."""

    day: dt.date
    basis: str
    tz: dt.tzinfo

    def fields(self) -> dict[str, str]:
        """The keys of results["run"] it fills: generated_at ("YYYY-MM-DD") and date_basis."""
        return {"generated_at": self.day.isoformat(), "date_basis": self.basis}

    @property
    def moment(self) -> dt.datetime:
        """Midnight starting the day, in the scheme's time zone (an aware datetime)."""
        return dt.datetime(self.day.year, self.day.month, self.day.day, tzinfo=self.tz)


def run_date(assessment: Any, folder: Path, files: Iterable[Any] = ()) -> RunDate:
    """The run's date: `[assessment] date` when the scheme sets it; otherwise the day, in the scheme's time zone,
    of the newest modification among config.toml and the returns read (`files`: InputFile, path relative to
    input/, mtime as captured when it was hashed). Never the wall clock, never the machine's time zone."""
    tz = zone(_get(assessment, "timezone") or DEFAULT_TIMEZONE)
    fixed = _get(assessment, "date")
    if fixed:
        return RunDate(dt.date.fromisoformat(str(fixed)), "方案 [assessment] date", tz)
    times = []
    try:
        times.append((os.stat(Path(folder) / "config.toml").st_mtime, "config.toml"))
    except OSError:
        pass
    times += [(float(getattr(f, "mtime", 0) or 0), f"input/{Path(f.path).as_posix()}") for f in files]
    # newest first; the first name among equal times (config.toml, then input/ order); whole seconds, since file
    # systems keep different fractions
    for mtime, name in sorted(times, key=lambda t: -int(t[0])):
        day = file_day(mtime, tz)
        if day is not None:
            return RunDate(day, f"未写制表日期（方案 [assessment] date），取最晚修改的文件 {name} 的修改日期", tz)
    year = _get(assessment, "year")  # no file has a usable time: the 1 January after the assessment year, said so
    day = dt.date(int(year) + 1, 1, 1) if isinstance(year, int) else dt.date(2000, 1, 1)
    return RunDate(day, "未写制表日期，且输入文件没有可用的修改时间：取考核年度次年 1 月 1 日", tz)


def file_day(mtime: float, tz: dt.tzinfo) -> dt.date | None:
    """The day of a modification time in `tz`; None for no time (0, negative) or one no calendar holds."""
    if not mtime or mtime <= 0:
        return None
    try:
        return dt.datetime.fromtimestamp(int(mtime), tz).date()
    except (OverflowError, OSError, ValueError):
        return None


def results_moment(generated_at: str, timezone: str | None) -> dt.datetime | None:
    """The run's time: midnight of its 制表日期 `generated_at` in the scheme's time zone; None without a date."""
    day = _day(generated_at)
    if day is None:
        return None
    try:
        tz = zone(timezone or DEFAULT_TIMEZONE)
    except ValueError:
        tz = _FIXED_ZONES[DEFAULT_TIMEZONE]
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz)


def utc_naive(when: dt.datetime) -> dt.datetime:
    """`when` in UTC without tzinfo: what XlsxWriter's `created` property expects (it appends "Z" as is)."""
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when


def workbook_created(generated_at: str, timezone: str | None, year: int) -> dt.datetime:
    """The `created` property of a workbook kaohe writes (XlsxWriter's form): the run's 制表日期, else 1 January
    after the assessment year — never the wall clock."""
    when = results_moment(generated_at, timezone)
    return utc_naive(when) if when is not None else dt.datetime(year + 1, 1, 1)


def w3cdtf(when: dt.datetime) -> str:
    return utc_naive(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(text: Any) -> dt.date | None:
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", str(text or ""))
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


# ----------------------------------------------------------------------------------------------- zip packages
RAW_LIMIT = 1 << 30  # entries up to this size are copied compressed (zip64 and data descriptors never arise)


def _stored_entries(path: Path) -> list[tuple[zipfile.ZipInfo, bytes | None, bytes | None]]:
    """Each entry of the package in its order: (info, its deflate stream as stored, None) where the stream can be
    copied as it is, else (info, None, its decompressed bytes)."""
    out = []
    with open(path, "rb") as fh, zipfile.ZipFile(fh) as zf:
        for info in zf.infolist():
            raw = None
            if (info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 0x1
                    and info.file_size < RAW_LIMIT and info.compress_size < RAW_LIMIT):
                fh.seek(info.header_offset)
                head = fh.read(30)
                if len(head) == 30 and head[:4] == b"PK\x03\x04":
                    name_len, extra_len = struct.unpack("<HH", head[26:30])
                    fh.seek(info.header_offset + 30 + name_len + extra_len)
                    raw = fh.read(info.compress_size)
                    if len(raw) != info.compress_size:
                        raw = None
            out.append((info, raw, None if raw is not None else zf.read(info)))
    return out


def _write_stored(out: zipfile.ZipFile, info: zipfile.ZipInfo, raw: bytes) -> None:
    """Write an entry whose deflate stream is given, with exactly the local header and directory record that
    `writestr(info, data)` gives it (zipfile 3.11–3.13: a seekable file, no zip64, no data descriptor)."""
    info.flag_bits = 0
    info.header_offset = out.fp.tell()
    out._writecheck(info)
    out._didModify = True
    out.fp.write(info.FileHeader(False))
    out.fp.write(raw)
    out.filelist.append(info)
    out.NameToInfo[info.filename] = info
    out.start_dir = out.fp.tell()


def fix_zip(path: Path, when: dt.datetime | None = None) -> bool:
    """Rewrite the zip package at `path` with a deterministic layout; True when its bytes changed.

    Every entry: time 1980-01-01 00:00:00, deflate at level 6, MS-DOS host, fixed attributes, no extra fields, in
    a fixed order ([Content_Types].xml first, then by name). With `when`, docProps/core.xml's dcterms:created
    and dcterms:modified become `when` (in UTC). Entry contents are otherwise kept byte for byte.

    Why streams are copied compressed: every writer kaohe uses (XlsxWriter, openpyxl, python-docx) deflates at zlib's
    default level, which is level 6, so decompressing and deflating again gave the same stream at the cost of 2 ms a
    package (4 s for 2,000 per-unit tables); tests/test_reproducible_zip.py compares both ways byte for byte.
    Entries stored otherwise (another method, encrypted, very large) and the core part are deflated anew.
    """
    path = Path(path)
    entries = _stored_entries(path)
    core = None
    if when is not None:
        # _core_part reads only the package relationships; the other names it needs only to know exist
        parts = {info.filename: (data if data is not None else zlib.decompress(raw, -15))
                 if info.filename == "_rels/.rels" else b"" for info, raw, data in entries}
        core = _core_part(parts)
    order = sorted(range(len(entries)), key=lambda k: (entries[k][0].filename != "[Content_Types].xml",
                                                        entries[k][0].filename, k))
    fd, tmp = tempfile.mkstemp(prefix=".fix-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
                for k in order:
                    old, raw, data = entries[k]
                    name = old.filename
                    info = zipfile.ZipInfo(name, ZIP_EPOCH)
                    info.create_system = 0  # otherwise 3 on Unix, 0 on Windows: the same package would differ
                    info.external_attr = 0o600 << 16  # what zipfile writes for 0 anyway: rw for the owner
                    info.compress_type = zipfile.ZIP_DEFLATED
                    if name == core:
                        data = _fixed_core(data if data is not None else zlib.decompress(raw, -15), when)
                        raw = None
                    if raw is not None:
                        info.CRC, info.compress_size, info.file_size = old.CRC, old.compress_size, old.file_size
                        info._compresslevel = ZIP_LEVEL
                        _write_stored(out, info, raw)
                    else:
                        out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL)
        new = Path(tmp).read_bytes()
        if new == path.read_bytes():
            os.unlink(tmp)
            return False
        os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))  # mkstemp's 0600 would hide the file from others
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True


def fix_folder(folder: Path, when: dt.datetime | None) -> list[str]:
    """`fix_zip` every package (.xlsx, .xlsm, .docx) under `folder`; the relative paths it rewrote."""
    folder = Path(folder)
    changed = []
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in PACKAGE_SUFFIXES and p.is_file()
                       and not p.is_symlink()):
        if fix_zip(path, when):
            changed.append(path.relative_to(folder).as_posix())
    return changed


def _core_part(parts: dict[str, bytes]) -> str | None:
    """The name of the core-properties part: the package relationship's target, else docProps/core.xml."""
    rels = parts.get("_rels/.rels")
    if rels:
        try:
            root = _parse(rels)
        except ValueError:
            root = None
        for rel in root.iter() if root is not None else ():
            if rel.get("Type") == _CORE_REL and rel.get("Target"):
                target = posixpath.normpath(rel.get("Target").lstrip("/"))
                if target in parts:
                    return target
    return "docProps/core.xml" if "docProps/core.xml" in parts else None


def _parse(data: bytes):
    from lxml import etree

    if len(data) > MAX_CORE_XML:
        raise ValueError("part too large")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(str(exc)) from None


def _fixed_core(data: bytes, when: dt.datetime) -> bytes:
    """core.xml with dcterms:created and dcterms:modified set to `when` (added when absent); unparsable or
    oversized parts are kept as they are (their times, if any, came from the template, not the clock)."""
    from lxml import etree

    try:
        root = _parse(data)
    except ValueError:
        return data
    if root.tag != f"{{{_CORE_NS}}}coreProperties":
        return data
    stamp = w3cdtf(when)
    for local in ("created", "modified"):
        found = root.findall(f"{{{_DCTERMS}}}{local}")
        if not found:
            el = etree.SubElement(root, f"{{{_DCTERMS}}}{local}", nsmap={"dcterms": _DCTERMS, "xsi": _XSI})
            found = [el]
        for el in found:
            el.text = stamp
            for child in list(el):
                el.remove(child)
            el.set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
