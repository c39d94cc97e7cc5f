"""Incremental reruns (issue 14, part 6): a return unchanged since the last run is not parsed again, and the rerun's
outputs are byte for byte those of a run that read everything."""

from __future__ import annotations

import collections
import datetime as datetime_module
import hashlib
import os
import pickle
import re
import shlex
import shutil
from decimal import Decimal

import openpyxl

from conftest import kaohe
from pipeline.ingest import cache
from pipeline.ingest.cache import CACHE_DIR


def digests(folder):
    out = folder / "output"
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*")) if p.is_file()}


def read_count(res) -> int:
    """How many returns the run read (the progress lines: 读取报表：共 N 个)."""
    return int(re.search(r"读取报表：共 (\d+) 个", res.stderr)[1])


def reused(res) -> int:
    found = re.search(r"其中 (\d+) 个自上次运行以来未改动，沿用上次的读取结果", res.stderr)
    return int(found[1]) if found else 0


def test_a_rerun_reads_nothing_unchanged_and_gives_the_same_outputs(example, tmp_path):
    first = kaohe("run", example)
    assert first.returncode == 0 and reused(first) == 0
    cold = digests(example)
    assert len(list((example / CACHE_DIR).glob("*.pickle"))) == read_count(first) > 5
    assert not list((example / CACHE_DIR).glob(".*.tmp"))  # every staged reading committed
    second = kaohe("run", example)
    assert second.returncode == 0
    assert reused(second) == read_count(first)
    assert digests(example) == cold  # every output byte-identical to the full read

    # one return changes: only it is read again, and the outputs equal a fresh folder's that read everything
    path = next((example / "input").rglob("*统计局*.xlsx"))
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws.cell(ws.max_row, ws.max_column).value = ws.cell(ws.max_row, ws.max_column).value  # re-save: new bytes
    wb.save(path)
    third = kaohe("run", example)
    assert third.returncode == 0
    assert reused(third) == read_count(first) - 1
    fresh = tmp_path / "fresh"
    shutil.copytree(example, fresh, ignore=shutil.ignore_patterns(".kaohe", "output", "归档", "*.sqlite", "运行对比"))
    assert kaohe("run", fresh).returncode == 0
    assert digests(example) == digests(fresh)


def test_a_damaged_cache_entry_is_read_afresh(example):
    assert kaohe("run", example).returncode == 0
    cold = digests(example)
    entries = sorted((example / CACHE_DIR).glob("*.pickle"))
    assert entries
    damaged = [b"", b"\x80\x05not a pickle", pickle.dumps({"rows": []}), pickle.dumps([1, 2, 3])]
    for k, entry in enumerate(entries):
        entry.write_bytes(damaged[k % len(damaged)])
    res = kaohe("run", example)
    assert res.returncode == 0 and "未改动" not in res.stderr
    assert digests(example) == cold


class _Planted:
    """What an attacker could plant in .kaohe/cache/: a pickle that runs a command when an ordinary unpickler loads it."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {shlex.quote(self.marker)}",))


def test_a_planted_pickle_runs_nothing_and_the_return_is_read_afresh(example, tmp_path):
    assert kaohe("run", example).returncode == 0
    cold = digests(example)
    marker = tmp_path / "ran"
    planted = pickle.dumps(_Planted(marker), protocol=5)
    assert b"system" in planted  # it names os.system (posix.system): an ordinary pickle.loads would run it
    entries = sorted((example / CACHE_DIR).glob("*.pickle"))
    for entry in entries:
        entry.write_bytes(planted)
    nested = pickle.dumps({"c": [1, _Planted(marker)]}, protocol=5)  # a global deep inside is refused as well
    entries[0].write_bytes(nested)
    assert [cache.load(example, e.stem) for e in entries] == [None] * len(entries)
    res = kaohe("run", example)
    assert res.returncode == 0 and "未改动" not in res.stderr
    assert not marker.exists()
    assert digests(example) == cold


def test_cache_refuses_every_global_but_the_reading_types(tmp_path):
    from pipeline.ingest import FileReading, RawCell, Row

    cell = RawCell("a.xlsx", "表", 3, 2, Decimal("1.5"), formula="=B1", computed=Decimal("0"))
    reading = FileReading(kinds=["data"], rows=[Row("data", cell, {"x": cell}, headers={"x": "完成值"})])
    cache.store(tmp_path, "k", reading)
    assert cache.load(tmp_path, "k") == reading
    for other in (pickle.dumps(datetime_module.datetime(2025, 1, 1)), pickle.dumps(collections.OrderedDict()),
                  pickle.dumps(print)):
        (tmp_path / CACHE_DIR / "k.pickle").write_bytes(other)
        assert cache.load(tmp_path, "k") is None  # not a reading, or a global outside the table


def test_a_changed_scheme_reads_every_return_again(example):
    assert kaohe("run", example).returncode == 0
    config = example / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('below = "60%"', 'below = "59%"'), encoding="utf-8")
    res = kaohe("run", example)
    assert res.returncode == 0 and "未改动" not in res.stderr


def test_a_staged_reading_counts_only_once_committed(tmp_path):
    """Readers stage their readings; the parent commits those it accepted: one over its bounds never is cached."""
    from pipeline.ingest import FileReading

    reading = FileReading(kinds=["data"])
    cache.stage(tmp_path, "k", reading)
    assert cache.load(tmp_path, "k") is None
    cache.prune(tmp_path, {"k"})  # a stopped reader's staged file is removed, even under a key still in use
    assert not list((tmp_path / CACHE_DIR).iterdir())
    cache.stage(tmp_path, "k", reading)
    cache.commit(tmp_path, "k")
    assert cache.load(tmp_path, "k") == reading
    cache.commit(tmp_path, "other")  # nothing staged: nothing happens
    assert [p.name for p in (tmp_path / CACHE_DIR).iterdir()] == ["k.pickle"]
