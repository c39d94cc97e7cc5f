"""Crafting hostile and mutated workbooks from real ones: OOXML parts rewritten with zipfile, .ods content written by
hand, .xls records patched in place. Shared by tests/test_hostile_files.py and tests/test_fuzz_structural.py (and
bench/fuzz.py)."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_MAIN_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"


def parts(path_or_bytes) -> dict[str, bytes]:
    """Every entry of a zip, in order."""
    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    with zipfile.ZipFile(src) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_parts(path: Path, entries: dict[str, bytes], level: int = 6) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in entries.items():
            if name == "mimetype":
                zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_STORED)
            else:
                zf.writestr(name, data)
    return path


def to_bytes(entries: dict[str, bytes], level: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def strict(entries: dict[str, bytes]) -> dict[str, bytes]:
    """The same package in Strict Open XML (ISO/IEC 29500 Strict): the namespaces Excel writes when saving as
    "Strict Open XML Spreadsheet"."""
    out = {}
    for name, data in entries.items():
        if name.endswith((".xml", ".rels")):
            data = data.replace(MAIN_NS.encode(), STRICT_MAIN_NS.encode()).replace(REL_NS.encode(), STRICT_REL_NS.encode())
            if name == "xl/workbook.xml":
                data = data.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
        out[name] = data
    return out


def lying_entry_zip(path: Path, entries: dict[str, bytes], liar: str, real_size: int) -> Path:
    """A zip where entry `liar` holds a deflate stream of `real_size` bytes while its local header and central
    directory both declare the size of its original content (small): what a zip-bomb variant does to pass
    checks that trust the size fields."""
    buf = io.BytesIO()
    declared = {}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            if name == liar:
                comp = zlib.compressobj(9, zlib.DEFLATED, -15)
                chunk = b"<row/>" * (1 << 17)
                body = []
                left = real_size
                while left > 0:
                    piece = chunk[:left]
                    body.append(comp.compress(piece))
                    left -= len(piece)
                body.append(comp.flush())
                raw = b"".join(body)
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_STORED  # written raw, patched to "deflated" below
                zf.writestr(info, raw)
                declared[name] = (len(data), zlib.crc32(data))
            else:
                zf.writestr(name, data)
    data = bytearray(buf.getvalue())
    name_b = liar.encode()
    size, crc = declared[liar]
    # local file header: signature, version, flags, method(8), time, date, crc(14), csize(18), usize(22)
    for sig, method_at, crc_at, usize_at, name_at in ((b"PK\x03\x04", 8, 14, 22, 30), (b"PK\x01\x02", 10, 16, 24, 46)):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            nlen = struct.unpack_from("<H", data, pos + (26 if sig == b"PK\x03\x04" else 28))[0]
            if data[pos + name_at: pos + name_at + nlen] == name_b:
                struct.pack_into("<H", data, pos + method_at, 8)
                struct.pack_into("<I", data, pos + crc_at, crc)
                struct.pack_into("<I", data, pos + usize_at, size)
            pos += 4
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(data))
    return path


def repeated_directory_zip(path: Path, copies: int) -> Path:
    """A zip of one tiny entry whose central directory repeats that entry's record `copies` times (the end record
    declaring the real directory size): zipfile would build an object for every copy before anyone counts them."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a", b"x")
    data = buf.getvalue()
    cd_at = data.index(b"PK\x01\x02")
    end_at = data.index(b"PK\x05\x06")
    record = data[cd_at:end_at]
    directory = record * copies
    end = bytearray(data[end_at:end_at + 22])
    struct.pack_into("<HHII", end, 8, min(copies, 0xFFFF), min(copies, 0xFFFF), len(directory), cd_at)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[:cd_at] + directory + bytes(end))
    return path


# ------------------------------------------------------------------------------------------------ sheet XML edits
def sheet_xml(cells: str, merges: str = "", before: str = "") -> bytes:
    """A worksheet part: `cells` is the sheetData content."""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}" '
            f'xmlns:r="{REL_NS}">{before}<sheetData>{cells}</sheetData>{merges}</worksheet>').encode()


def workbook_parts(sheets: list[tuple[str, bytes]], shared: list[str] | None = None, styles: bytes | None = None,
                   extra_sheet_entries: int = 0) -> dict[str, bytes]:
    """A minimal but complete .xlsx package (as Excel lays it out) around the given worksheet parts."""
    ct = ['<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>']
    rels = [f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rIdS" Type="{REL_NS}/styles" Target="styles.xml"/>']
    entries = []
    out: dict[str, bytes] = {}
    for i, (name, xml) in enumerate(sheets, 1):
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        entries.append(f'<sheet name="{_attr(name)}" sheetId="{i}" r:id="rId{i}"/>')
        out[f"xl/worksheets/sheet{i}.xml"] = xml
    for j in range(extra_sheet_entries):  # sheet entries without parts of their own (they share sheet1)
        k = len(sheets) + j + 1
        rels.append(f'<Relationship Id="rId{k}" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>')
        entries.append(f'<sheet name="S{k}" sheetId="{k}" r:id="rId{k}"/>')
    if shared is not None:
        ct.append('<Override PartName="/xl/sharedStrings.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        rels.append(f'<Relationship Id="rIdT" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>')
        out["xl/sharedStrings.xml"] = sst(shared)
    ct.append("</Types>")
    rels.append("</Relationships>")
    return {
        "[Content_Types].xml": "".join(ct).encode(),
        "_rels/.rels": ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
                            f'<sheets>{"".join(entries)}</sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": "".join(rels).encode(),
        "xl/styles.xml": styles or STYLES,
        **out,
    }


def sst(strings: list[str]) -> bytes:
    items = "".join(f"<si><t>{_text(s)}</t></si>" for s in strings)
    return (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{items}</sst>').encode()


def styles_xml(num_fmts: dict[int, str] | None = None, xf_fmts: list[int] | None = None) -> bytes:
    """styles.xml with custom number formats {id: code} and cell formats whose numFmtIds are `xf_fmts` (xf 0 is
    General)."""
    num_fmts = num_fmts or {}
    xf_fmts = xf_fmts or []
    fmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{_attr(c)}"/>' for i, c in num_fmts.items())
    xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'] + [
        f'<xf numFmtId="{i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' for i in xf_fmts]
    return (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN_NS}">'
            + (f'<numFmts count="{len(num_fmts)}">{fmts}</numFmts>' if num_fmts else "")
            + '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
              '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
              '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
              '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
              f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
              '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
              '</styleSheet>').encode()


STYLES = styles_xml()


def _attr(s: str) -> str:
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def duplicate_cell(xml: bytes, ref: str, later: bool = False) -> bytes:
    """The worksheet with the `<c r="ref">` element written twice: right after itself, or (later) at the end of the
    last row, out of order."""
    m = re.search(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', xml, re.S)
    assert m, ref
    if not later:
        return xml[:m.end()] + m.group(0) + xml[m.end():]
    end = xml.rindex(b"</row>")
    return xml[:end] + m.group(0) + xml[end:]


# ------------------------------------------------------------------------------------------------ .ods
ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"')


def ods_parts(tables: list[tuple[str, str]], styles: str = "") -> dict[str, bytes]:
    """A minimal .ods: `tables` are (name, rows XML)."""
    body = "".join(f'<table:table table:name="{_attr(n)}">{rows}</table:table>' for n, rows in tables)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
               f'<office:automatic-styles>{styles}</office:automatic-styles>'
               f'<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>')
    return {
        "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": content.encode(),
        "META-INF/manifest.xml": ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                                  'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                                  '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                                  '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                                  '</manifest:manifest>').encode(),
    }


def ods_cell(value, repeat: int = 1, style: str | None = None) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    st = f' table:style-name="{style}"' if style else ""
    if value is None:
        return f"<table:table-cell{rep}{st}/>"
    if isinstance(value, (int, float)):
        return (f'<table:table-cell{rep}{st} office:value-type="float" office:value="{value!r}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell{rep}{st} office:value-type="string"><text:p>{_text(str(value))}</text:p></table:table-cell>'


# ------------------------------------------------------------------------------------------------ .xls
def xls_stream_records(data: bytes):
    """(record type, body bytes) of an .xls Workbook stream (read with xlrd's compound-document reader)."""
    from xlrd.compdoc import CompDoc

    stream = CompDoc(data, logfile=io.StringIO()).get_named_stream("Workbook")
    pos = 0
    while pos + 4 <= len(stream):
        rtype, length = struct.unpack_from("<HH", stream, pos)
        yield rtype, stream[pos + 4: pos + 4 + length]
        pos += 4 + length


def patch_xls_dimensions(data: bytes, rows: int, cols: int) -> bytes:
    """The .xls with each worksheet's DIMENSIONS record declaring `rows` × `cols` (rwMac, colMac), patched in place
    where the record's bytes lie in the file (a small file's stream is stored in one run of sectors)."""
    out = bytearray(data)
    found = 0
    for rtype, body in xls_stream_records(data):
        if rtype == 0x0200 and len(body) == 14:
            record = struct.pack("<HH", rtype, 14) + body
            at = out.find(record)
            assert at >= 0, "DIMENSIONS record split across sectors"
            struct.pack_into("<IIHH", out, at + 4, 0, rows, 0, cols)
            found += 1
    assert found
    return bytes(out)
