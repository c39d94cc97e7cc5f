"""reproducible.fix_zip copies deflate streams as they are (issue 16): the bytes must be those of deflating anew.

The reference below is fix_zip as it was (every entry decompressed and deflated again at level 6); the packages
are written by the real writers kaohe uses: XlsxWriter, openpyxl and python-docx (docxtpl)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
import xlsxwriter

from pipeline.render import reproducible

WHEN = dt.datetime(2026, 1, 15, 8, 30)


def reference(path, when):
    """The package fix_zip must give: every entry decompressed, deflated again at level 6, in the fixed layout."""
    with zipfile.ZipFile(path) as zf:
        entries = [(i.filename, zf.read(i)) for i in zf.infolist()]
    core = reproducible._core_part(dict(entries)) if when is not None else None
    entries = [(n, reproducible._fixed_core(d, when) if n == core else d) for n, d in entries]
    order = sorted(range(len(entries)), key=lambda k: (entries[k][0] != "[Content_Types].xml", entries[k][0], k))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as out:
        for k in order:
            info = zipfile.ZipInfo(entries[k][0], reproducible.ZIP_EPOCH)
            info.create_system = 0
            info.external_attr = 0o600 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, entries[k][1], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buffer.getvalue()


def _xlsxwriter(path, in_memory):
    wb = xlsxwriter.Workbook(str(path), {"in_memory": in_memory})
    for s in range(3):
        ws = wb.add_worksheet(f"表{s}")
        for r in range(400):
            ws.write_row(r, 0, [f"第{r:04d}乡镇", r * 1.25, "优秀" if r % 3 else "良好", None])
    wb.set_properties({"title": "考核结果", "created": dt.datetime(2025, 12, 31)})
    wb.close()


def _openpyxl(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 300):
        ws.append([f"单位{r}", r / 7, "说明" * (r % 5)])
    ws.merge_cells("A1:C1")
    wb.save(path)


def _docx(path):
    d = docx.Document()
    d.add_heading("考核情况分析报告", 1)
    for k in range(50):
        d.add_paragraph(f"第{k}段：各单位得分情况。" * 5)
    d.save(path)


@pytest.mark.parametrize("writer", ["xlsxwriter-file", "xlsxwriter-memory", "openpyxl", "python-docx"])
@pytest.mark.parametrize("when", [WHEN, None])
def test_copied_streams_give_the_bytes_of_deflating_anew(tmp_path, writer, when):
    path = tmp_path / ("a.docx" if writer == "python-docx" else "a.xlsx")
    {"xlsxwriter-file": lambda p: _xlsxwriter(p, False), "xlsxwriter-memory": lambda p: _xlsxwriter(p, True),
     "openpyxl": _openpyxl, "python-docx": _docx}[writer](path)
    expected = reference(path, when)
    assert reproducible.fix_zip(path, when) is True
    assert path.read_bytes() == expected
    assert reproducible.fix_zip(path, when) is False  # fixed is a fixed point
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None  # every CRC checks


def test_an_entry_stored_uncompressed_is_deflated(tmp_path):
    path = tmp_path / "stored.xlsx"
    _openpyxl(tmp_path / "src.xlsx")
    with zipfile.ZipFile(tmp_path / "src.xlsx") as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info), compress_type=zipfile.ZIP_STORED)
    expected = reference(path, WHEN)
    reproducible.fix_zip(path, WHEN)
    assert path.read_bytes() == expected
    with zipfile.ZipFile(path) as zf:
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_DEFLATED}


def test_the_bundled_outputs(tmp_path):
    """Every package a real run of the bundled example writes (openpyxl's per-unit tables, XlsxWriter's books,
    the .docx): fixed again from a copy with its zip layout scrambled, the same bytes as deflating anew."""
    from conftest import kaohe

    REPO = Path(__file__).resolve().parents[1]

    folder = tmp_path / "run"
    shutil.copytree(REPO / "input", folder / "input")
    shutil.copytree(REPO / "templates", folder / "templates")
    shutil.copy2(REPO / "config.toml", folder / "config.toml")
    assert kaohe("run", folder).returncode == 0
    packages = sorted(p for p in (folder / "output").resolve().rglob("*") if p.suffix in (".xlsx", ".docx"))
    assert len(packages) > 20
    for k, p in enumerate(packages):
        scrambled = tmp_path / f"{k}{p.suffix}"
        with zipfile.ZipFile(p) as src, zipfile.ZipFile(scrambled, "w", zipfile.ZIP_DEFLATED) as out:
            for info in reversed(src.infolist()):  # another order, today's times, Unix host
                out.writestr(info.filename, src.read(info))
        expected = reference(scrambled, WHEN)
        reproducible.fix_zip(scrambled, WHEN)
        assert scrambled.read_bytes() == expected, p.name
