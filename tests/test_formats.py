"""Returns in every format offices send, written by real programs: LibreOffice (.xls, .ods, re-saved .xlsx),
openpyxl (.xlsm, formulas without cached values), xlsxwriter (placeholder 0 formulas), and a WPS-style wrong
<dimension>. Each must give exactly the same scores as the bundled .xlsx, or a clear error where it must.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
import xlsxwriter

from conftest import kaohe

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
STATS_DIR = "统计局"


def _stats(example):
    return next((example / "input" / STATS_DIR).glob("*考核指标数据*.xlsx"))


def _scores(folder) -> dict:
    data = json.loads((folder / "output" / "results.json").read_text("utf-8"))
    return {u["unit"]: (u["total"], u["indicators"]) for u in data["units"]}


def _results(example) -> dict:
    res = kaohe("run", example)
    assert res.returncode == 0, res.stdout + res.stderr
    return _scores(example)


@pytest.fixture
def baseline(bundled_run) -> dict:
    """The bundled .xlsx returns' scores (one shared run): every other format must give exactly these."""
    return _scores(bundled_run[0])


def _convert(path, fmt: str, outdir) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice（soffice）未安装：.ci/run 会安装 libreoffice-calc；本机可 apt-get install libreoffice-calc")
    outdir.mkdir(exist_ok=True)
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{outdir}/.lo-profile",
                    "--convert-to", fmt, "--outdir", str(outdir), str(path)],
                   check=True, capture_output=True, timeout=180)


@pytest.mark.parametrize("fmt", ["xls", "ods", "xlsx"])
def test_libreoffice_formats_read_the_same(example, baseline, tmp_path, fmt):
    src = _stats(example)
    _convert(src, fmt, tmp_path / "lo")
    converted = tmp_path / "lo" / f"{src.stem}.{fmt}"
    src.unlink()
    shutil.copy2(converted, src.with_suffix(f".{fmt}") if fmt != "xlsx" else src)
    assert _results(example) == baseline


def test_xlsm_reads_the_same(example, baseline):
    src = _stats(example)
    wb = openpyxl.load_workbook(src)
    wb.save(src.with_suffix(".xlsm"))
    src.unlink()
    assert _results(example) == baseline


def test_wps_wrong_dimension_is_ignored(example, baseline):
    src = _stats(example)
    with zipfile.ZipFile(src) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:A1"/>', parts[sheet])
    assert b'<dimension ref="A1:A1"/>' in parts[sheet]
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    assert _results(example) == baseline


def _header_and_row(path, header_text: str, row: int):
    ws = openpyxl.load_workbook(path).worksheets[0]
    col = next(c.column_letter for r in ws.iter_rows(min_row=1, max_row=6) for c in r
               if isinstance(c.value, str) and header_text in c.value)
    return col, str(ws[f"B{row}"].value).strip()


def test_formula_without_cached_value_is_reported_not_taken(example):
    src = _stats(example)
    col, unit = _header_and_row(src, "规模以上工业增加值增长率", 9)
    wb = openpyxl.load_workbook(src)
    wb.worksheets[0][f"{col}9"] = "=10+2.5"  # openpyxl writes no cached value
    wb.save(src)
    res = kaohe("check", example)
    assert res.returncode == 1
    assert f"指标数据!{col}9：公式 =10+2.5 没有计算结果" in res.stdout and unit in res.stdout


def test_program_written_formula_with_placeholder_zero_is_reported(example, tmp_path):
    """xlsxwriter stores 0 as the cached result of every formula unless told otherwise: never data."""
    folder = example
    path = folder / "input" / "信访局" / "信访局补充.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("补充")
    ws.write_row("A1", ["乡镇名称", "越级上访批次"])
    ws.write("A2", "城关镇")
    ws.write_formula("B2", "=1+1")
    wb.close()
    res = kaohe("check", folder)
    assert res.returncode == 1
    assert "信访局补充.xlsx › 补充!B2：公式 =1+1 的缓存值为 0" in res.stdout
