"""A workbook's custom document properties (文件 › 属性 › 自定义): how kaohe knows a workbook it wrote itself.

Read from .xlsx (docProps/custom.xml) and .ods (meta.xml's user-defined fields, which is where LibreOffice keeps
them when it saves a kaohe workbook again), inside the same container checks as the cells and with their own small
bound: the properties part is a few hundred bytes, so anything over 1 MB, or any part that does not parse, simply
gives no properties. .xls keeps them in an OLE property set, which is not read: a summary saved as .xls is still
known by its sheets (pipeline/output_mark.py).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from .container import check_zip, sniff
from .sheet import ReadError

MAX_PROPERTIES_BYTES = 1024 * 1024
CUSTOM_PART, ODS_META_PART = "docProps/custom.xml", "meta.xml"
CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
META_NS = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"


def _part(zf: zipfile.ZipFile, name: str) -> bytes | None:
    with zf.open(name) as fh:
        data = fh.read(MAX_PROPERTIES_BYTES + 1)
    return data if len(data) <= MAX_PROPERTIES_BYTES else None


def custom_properties(path: Path) -> dict[str, str]:
    """Name -> value (as text) of the workbook's custom properties; {} when it has none or they cannot be read."""
    try:
        if sniff(path) != "zip":
            return {}
        with check_zip(path) as zf:
            names = set(zf.namelist())
            if CUSTOM_PART in names and (data := _part(zf, CUSTOM_PART)) is not None:
                return {p.get("name", ""): "".join(p.itertext()).strip()
                        for p in fromstring(data).iter(f"{CUSTOM_NS}property")}
            if ODS_META_PART in names and (data := _part(zf, ODS_META_PART)) is not None:
                return {p.get(f"{META_NS}name", ""): "".join(p.itertext()).strip()
                        for p in fromstring(data).iter(f"{META_NS}user-defined")}
    except (ReadError, DefusedXmlException, ParseError, zipfile.BadZipFile, OSError, ValueError, EOFError,
            NotImplementedError, RuntimeError):
        return {}
    return {}


__all__ = ["custom_properties"]
