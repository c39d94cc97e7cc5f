"""Files in input/ are only what they seem (issue 11): links never lead reading outside the assessment folder,
FIFOs, devices and folders named like workbooks are skipped by name, hashing is bounded like reading, and each
return is read in a bounded child process (time, memory, a reader that aborts). Real files, real processes.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from conftest import kaohe
from pipeline.ingest import MAX_FILE_BYTES, bounded, discover, ingest
from pipeline.issues import ERROR, Issue
from pipeline.render.issues_csv import write_issues_csv
from pipeline.scheme import load_scheme

RETURN = "信访局/2025年度乡镇考核指标数据（信访局）.xlsx"


def _codes(result, rel: str) -> set[str]:
    return {i.code for i in result.issues if i.file == rel}


def _read(example: Path):
    return ingest(example, load_scheme(example))


def test_a_link_to_a_return_outside_the_folder_is_refused_and_not_read(example, tmp_path):
    outside = tmp_path / "别处" / "信访局.xlsx"
    outside.parent.mkdir()
    shutil.move(example / "input" / RETURN, outside)
    (example / "input" / "信访局" / "链接.xlsx").symlink_to(outside)
    (example / "input" / "密码.xlsx").symlink_to("/etc/passwd")
    result = _read(example)
    issue = next(i for i in result.issues if i.file == "信访局/链接.xlsx")
    assert issue.code == "link-outside" and issue.severity == ERROR and str(outside) in issue.text()
    assert _codes(result, "密码.xlsx") == {"link-outside"}
    assert not [r for r in result.rows if r.unit.file in ("信访局/链接.xlsx", "密码.xlsx")]  # nothing read
    assert {f.path for f in result.files}.isdisjoint({"信访局/链接.xlsx", "密码.xlsx"})  # nor hashed


def test_a_linked_folder_outside_is_refused_and_a_link_inside_the_folder_is_followed(example, tmp_path):
    shared = example / "共享"
    shared.mkdir()
    shutil.move(example / "input" / RETURN, shared / "信访局.xlsx")
    (example / "input" / "信访局" / "信访局.xlsx").symlink_to(shared / "信访局.xlsx")  # inside the folder: read
    (tmp_path / "外部").mkdir()
    shutil.copy2(shared / "信访局.xlsx", tmp_path / "外部" / "x.xlsx")
    (example / "input" / "外部文件夹").symlink_to(tmp_path / "外部", target_is_directory=True)
    (example / "input" / "回环").symlink_to(example / "input", target_is_directory=True)  # a loop: walked once
    result = _read(example)
    assert _codes(result, "外部文件夹") == {"link-outside"}
    assert any(r.unit.file == "信访局/信访局.xlsx" for r in result.rows)
    assert not any("外部文件夹" in f.path for f in result.files)
    assert not any(f.path.startswith("回环") for f in result.files)


def test_fifos_folders_named_like_workbooks_and_dangling_links_are_skipped_by_name(example):
    os.mkfifo(example / "input" / "管道.xlsx")  # opening it for reading would wait forever
    (example / "input" / "文件夹.xlsx").mkdir()
    (example / "input" / "失效.xlsx").symlink_to(example / "不存在.xlsx")
    start = time.monotonic()
    found = discover(example / "input", example)
    assert time.monotonic() - start < 5
    by_file = {i.file: i for i in found.issues}
    assert by_file["管道.xlsx"].code == "not-a-file" and "命名管道" in by_file["管道.xlsx"].text()
    assert by_file["文件夹.xlsx"].code == "not-a-file" and "文件夹" in by_file["文件夹.xlsx"].text()
    assert by_file["失效.xlsx"].code == "unreadable-file"
    assert all(p.is_file() for p in found.returns) and len(found.returns) == 11


def test_a_huge_file_is_refused_before_it_is_hashed(example):
    big = example / "input" / "巨大.xlsx"
    with open(big, "wb") as fh:  # 3 GB, sparse: hashing it would read 3 GB
        fh.write(b"PK\x03\x04")
        fh.truncate(3 * 1024 ** 3)
    start = time.monotonic()
    result = _read(example)
    elapsed = time.monotonic() - start
    issue = next(i for i in result.issues if i.file == "巨大.xlsx")
    assert issue.code == "file-too-large" and f"{MAX_FILE_BYTES >> 20} MB" in issue.text()
    assert elapsed < 60 and len(result.files) == 11  # the others were read; the huge one neither hashed nor read


def test_the_bounded_child_refuses_work_over_its_memory_time_or_that_aborts():
    with pytest.raises(bounded.BoundExceeded, match="内存超过上限"):
        bounded.call(lambda: len(bytearray(2 << 30)), seconds=30)
    start = time.monotonic()
    with pytest.raises(bounded.BoundExceeded, match="读取超过 1 秒"):
        bounded.call(lambda: time.sleep(30), seconds=1)
    assert time.monotonic() - start < 5
    with pytest.raises(bounded.BoundExceeded, match="异常终止"):
        bounded.call(os.abort, seconds=30)  # as calamine's Rust panic does
    with pytest.raises(ZeroDivisionError):  # a bug in the work is re-raised here, not disguised as a bad file
        bounded.call(lambda: 1 / 0, seconds=30)
    assert bounded.call(lambda: {"rows": [1.5, "城关镇"]}, seconds=30) == {"rows": [1.5, "城关镇"]}


def test_results_come_back_in_order_while_two_children_read_at_once():
    works = [lambda i=i: (time.sleep(0.3 if i % 2 else 0), i)[1] for i in range(6)]
    start = time.monotonic()
    assert bounded.run_all(works, seconds=30, parallel=2) == list(range(6))
    assert time.monotonic() - start < 0.3 * 3 * 2  # the sleeps overlapped


def test_a_reader_reads_one_return_after_another_and_a_failure_costs_only_its_own_return():
    """Readers are forked once and handed one work at a time (a fork per return cost more than reading it); a reader
    that aborts, overruns or runs out of memory is replaced, and what happened is the outcome of its work only."""
    kept = []
    works = [os.getpid, os.abort, os.getpid, lambda: time.sleep(30), os.getpid,
             lambda: len(bytes(3 << 30)), os.getpid, lambda: 1 / 0, os.getpid]
    start = time.monotonic()
    out = bounded.run_all(works, seconds=[30, 30, 30, 1, 30, 30, 30, 30, 30], memory=1 << 30, parallel=2)
    assert time.monotonic() - start < 10
    assert "异常终止" in out[1].reason and "读取超过 1 秒" in out[3].reason and "内存超过上限" in out[5].reason
    assert isinstance(out[7], ZeroDivisionError)  # an ordinary error leaves the reader in service
    pids = [out[i] for i in (0, 2, 4, 6, 8)]
    assert all(isinstance(p, int) and p != os.getpid() for p in pids)
    assert len(set(pids)) < len(pids)  # readers were reused, not forked per work
    clean = bounded.run_all([os.getpid] * 8, seconds=30, parallel=2)
    assert len(set(clean)) <= 2

    def keep(n):  # the reader keeps what it allocated: the next work's allowance is on top of it
        kept.append(bytes(n))  # calloc: address space, no pages touched
        return len(kept)

    assert bounded.run_all([lambda: keep(700 << 20)] * 3, seconds=30, memory=1 << 30, parallel=1) == [1, 2, 3]


def test_an_interrupt_while_children_read_kills_and_reaps_them():
    pids = []

    def raise_soon(i):
        pids.extend(os.popen(f"pgrep -P {os.getpid()}").read().split())
        signal.setitimer(signal.ITIMER_REAL, 0.2)

    old = signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        with pytest.raises(KeyboardInterrupt):
            bounded.run_all([lambda: time.sleep(30)] * 2, seconds=60, started=raise_soon)
    finally:
        signal.signal(signal.SIGALRM, old)
    time.sleep(0.1)
    children = os.popen(f"pgrep -P {os.getpid()}").read().split()
    assert not [p for p in children if p in pids]


def test_csv_cells_starting_with_tab_or_cr_stay_text(tmp_path):
    """OWASP's list: = + - @ and TAB/CR (which Excel skips before looking for a formula)."""
    names = ["\t=HYPERLINK(\"http://x\")", "\r@SUM(1)", "=1+1", "普通.xlsx"]
    path = tmp_path / "数据问题.csv"
    write_issues_csv([Issue("duplicate-file", file=n, params={"other": "x"}) for n in names], path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        files = [row["文件"] for row in csv.DictReader(fh)]
    assert files == ["'" + n for n in names[:3]] + ["普通.xlsx"]


def test_the_cli_names_a_link_outside_and_stops(example):
    (example / "input" / "密码.xlsx").symlink_to("/etc/passwd")
    res = kaohe("check", example)
    assert res.returncode == 1 and "Traceback" not in res.stdout + res.stderr
    assert "密码.xlsx" in res.stdout and "考核文件夹以外" in res.stdout and "root:" not in res.stdout
