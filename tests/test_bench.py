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

    folder = tmp_path / "units-25"
    assert (folder / "output" / "results.json").is_file()
    assert (folder / "templates").is_dir()


def test_bench_failure_exits_nonzero(tmp_path: Path, monkeypatch) -> None:
    """A run that does not exit 0 makes the benchmark exit non-zero (and is listed)."""
    monkeypatch.setattr(rb, "prepare", lambda folder, n, seed, example: (folder / "input").mkdir(parents=True))
    monkeypatch.setattr(rb, "run_in_process", lambda folder: (1, {"scheme": 0.1, "ingest": 0.2}, 0.3, "数据有错误"))
    monkeypatch.setattr(rb, "run_cli", lambda folder: (1, 0.5, 1024, "报表中有错误"))
    assert rb.main(["--units", "7", "--out", str(tmp_path)]) == 1
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "| 7 |" in text and "退出码 1" in text
