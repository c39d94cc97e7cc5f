"""Shared fixtures: a fresh copy of the bundled example folder, and a way to run the real CLI on it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORACLES = ROOT.parent / "shared" / "oracles"


@pytest.fixture
def example(tmp_path) -> Path:
    """A copy of the bundled county example (config.toml, input/, templates/) to run and to damage."""
    folder = tmp_path / "县乡镇考核"
    folder.mkdir()
    shutil.copy2(ROOT / "config.toml", folder / "config.toml")
    shutil.copytree(ROOT / "input", folder / "input")
    if (ROOT / "templates").is_dir():
        shutil.copytree(ROOT / "templates", folder / "templates")
    return folder


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One real `kaohe run` of the bundled example, shared by the tests that only read its outputs (never modify it)."""
    folder = tmp_path_factory.mktemp("bundled") / "县乡镇考核"
    folder.mkdir()
    shutil.copy2(ROOT / "config.toml", folder / "config.toml")
    shutil.copytree(ROOT / "input", folder / "input")
    shutil.copytree(ROOT / "templates", folder / "templates")
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    return folder, res


def kaohe(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `kaohe ARGS` as a user would (a subprocess), capturing Chinese output."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *map(str, args)],
        cwd=cwd or ROOT, capture_output=True, text=True, encoding="utf-8", timeout=300,
    )


@pytest.fixture
def oracles() -> Path:
    if not ORACLES.is_dir():
        pytest.skip(f"独立参考结果目录 {ORACLES} 不存在（用户的新克隆中没有 ../shared/oracles/）")
    return ORACLES


def assert_official_print(ws, orientation: str, title_rows: str, freeze: str) -> None:
    """What render.workbook.print_a4 promises every official table: A4, one page wide, page-number footer."""
    assert ws.page_setup.orientation == orientation
    assert int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1, "1")  # OOXML default is 1; xlsxwriter omits the default
    assert int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows.replace("$", "") == title_rows
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    assert ws.freeze_panes == freeze


def load_module(path: Path, name: str):
    """Import a script (an example's make_inputs.py) by path, as its tests do."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def workbook_cells(path: Path) -> dict:
    """Every sheet's non-empty cells (value and number format) and merged ranges: what a person sees."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return {ws.title: ({c.coordinate: (c.value, c.number_format) for row in ws.iter_rows() for c in row
                        if c.value is not None}, sorted(str(r) for r in ws.merged_cells.ranges))
            for ws in wb.worksheets}


def with_file_replaced(base, fresh, rel):
    """`base` (an IngestResult of the bundled example) with file `rel` as `fresh` read it: every part of the result
    (files, rows, issues, reading map, totals, headers), in the file order of a full ingest.

    Tests that rewrite one return read only that file afresh and reuse one reading of the others.
    """
    from pipeline.ingest import IngestResult

    rel = str(rel)
    order = {f.path: k for k, f in enumerate(base.files)}
    new = {f.path: f for f in fresh.files}
    return IngestResult(
        files=[new.get(f.path, f) for f in base.files if f.path != rel or f.path in new],
        rows=sorted([r for r in base.rows if r.unit.file != rel] + fresh.rows,
                    key=lambda r: order.get(r.unit.file, len(order))),  # stable: rows keep their order in a file
        issues=[i for i in base.issues if i.file != rel] + fresh.issues,
        readings=[r for r in base.readings if r.file != rel] + fresh.readings,
        totals=[t for t in base.totals if t.label.file != rel] + fresh.totals,
        headers=[h for h in base.headers if h.file != rel] + fresh.headers,
    )
