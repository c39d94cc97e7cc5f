"""Tests for bench/run_bench.py (the stage-timing benchmark), on a small generated corpus."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "bench" / "run_bench.py"


def _load():
    name = "bench_run_bench"
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module          # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


rb = _load()


def _seconds(cell: str) -> float:
    assert cell.endswith(" s"), cell
    return float(cell[:-2])


def _half_unit(cell: str) -> float:
    """Half the last printed digit of a seconds cell ("0.012 s" -> 0.0005): its rounding error."""
    text = cell[:-2]
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10 ** -decimals


def _non_empty_cells_openpyxl(root: Path) -> tuple[int, int]:
    """(workbooks, non-empty cells) of every .xlsx under `root`, counted with openpyxl (not calamine)."""
    import openpyxl

    books = cells = 0
    for path in sorted(root.rglob("*.xlsx")):
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for ws in wb.worksheets:
                cells += sum(1 for row in ws.iter_rows(values_only=True)
                             for v in row if v is not None and v != "")
        finally:
            wb.close()
        books += 1
    return books, cells


def test_bench_25_units(tmp_path: Path, capsys) -> None:
    assert rb.main(["--units", "25", "--out", str(tmp_path)]) == 0

    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert text == capsys.readouterr().out          # the printed table is the written one
    assert f"{__import__('os').cpu_count()} 个逻辑核" in text and "Python：" in text

    lines = [ln for ln in text.splitlines() if ln.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header == rb.COLUMNS
    rows = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:]]
    assert len(rows) == 1
    row = dict(zip(header, rows[0]))
    assert row["单位数"] == "25"
    assert int(row["文件数"]) >= 5
    for col in ("生成", "读取 ingest", "规整 normalize", "计分 score", "输出 render", "合计(进程内)", "CLI 全程"):
        assert _seconds(row[col]) > 0, col
    assert _seconds(row["合计(进程内)"]) >= _seconds(row["读取 ingest"])
    if sys.platform.startswith("linux"):
        assert row["峰值内存"].endswith(" MiB") and int(row["峰值内存"].split()[0]) > 0

    # the I/O floor, measured in the same run
    read, write = _seconds(row["下限：读取"]), _seconds(row["下限：写出"])
    assert read > 0 and write > 0
    assert row["倍数"].endswith("×"), row["倍数"]
    ratio = float(row["倍数"][:-1])
    total = _seconds(row["合计(进程内)"])
    dt, dr, dw = (_half_unit(row[c]) for c in ("合计(进程内)", "下限：读取", "下限：写出"))
    lo = (total - dt) / (read + dr + write + dw)
    hi = (total + dt) / (read - dr + write - dw)
    assert lo - 0.05 <= ratio <= hi + 0.05, (ratio, total, read, write)  # 0.05: the ratio's own rounding
    cells_read, cells_written = (int(x.replace(",", "")) for x in row["读写单元格"].split("/"))
    assert cells_read > 0 and cells_written > 0

    folder = tmp_path / "units-25"
    assert (folder / "output" / "results.json").is_file()
    assert (folder / "templates").is_dir()
    books, cells = _non_empty_cells_openpyxl((folder / "output").resolve())
    assert books >= 25                    # the per-unit folder's workbooks are counted too
    assert cells_written == cells
    assert not list(tmp_path.glob(".floor-*"))   # the floor's scratch workbooks are removed


def test_floor_workbook_names_checked_linearly(tmp_path: Path) -> None:
    """The floor's xlsxwriter subclass still refuses duplicate names (case-insensitively), with a set."""
    import pytest
    import xlsxwriter.exceptions

    wb = rb.FloorWorkbook(str(tmp_path / "a.xlsx"), {"constant_memory": True, "tmpdir": str(tmp_path)})
    for k in range(3):
        ws = wb.add_worksheet(f"第{k:04d}乡镇")
        ws.write_string(0, 0, "x")
        wb.finish_sheet(ws)                 # its temp file closed; xlsxwriter reopens it when packaging
    with pytest.raises(xlsxwriter.exceptions.DuplicateWorksheetName):
        wb.add_worksheet("第0001乡镇")
    wb.add_worksheet("Sheet")
    with pytest.raises(xlsxwriter.exceptions.DuplicateWorksheetName):
        wb.add_worksheet("SHEET")
    with pytest.raises(xlsxwriter.exceptions.InvalidWorksheetName):
        wb.add_worksheet("a/b")
    wb.close()
    _, cells = _non_empty_cells_openpyxl(tmp_path)
    assert cells == 3


def test_bench_failure_exits_nonzero(tmp_path: Path, monkeypatch) -> None:
    """A run that does not exit 0 makes the benchmark exit non-zero (and is listed)."""
    monkeypatch.setattr(rb, "prepare", lambda folder, n, seed, example: (folder / "input").mkdir(parents=True))
    monkeypatch.setattr(rb, "run_in_process", lambda folder: (1, {"scheme": 0.1, "ingest": 0.2}, 0.3, "数据有错误"))
    monkeypatch.setattr(rb, "run_cli", lambda folder: (1, 0.5, 1024, "报表中有错误"))
    assert rb.main(["--units", "7", "--out", str(tmp_path)]) == 1
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "| 7 |" in text and "退出码 1" in text
