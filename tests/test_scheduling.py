"""Nightly runs (issue 14, part 6): `kaohe run --quiet`, the scheduler wrapper run as cron and systemd would run it,
two overlapping schedules (the second stops at the folder's lock), log rotation, and the systemd units verified by
systemd-analyze where it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import ROOT, kaohe
from pipeline.lock import folder_lock

WRAPPER = ROOT / "scheduling" / "kaohe-nightly.sh"


def shim(tmp_path):
    """The `kaohe` command as an installed entry point would be: this interpreter running the package."""
    path = tmp_path / "kaohe"
    path.write_text(f'#!/bin/sh\ncd "{ROOT}" && exec "{sys.executable}" -m pipeline "$@"\n', encoding="utf-8")
    path.chmod(0o755)
    return path


def nightly(folder, kaohe_cmd):
    return subprocess.run(["bash", str(WRAPPER), str(folder), str(kaohe_cmd)], capture_output=True, text=True,
                          timeout=300)


def test_quiet_run_prints_one_line(example):
    res = kaohe("run", example, "--quiet")
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.strip() == "kaohe：第 1 次运行完成，19 个单位已计分（数据无问题）；结果在 output/"
    assert res.stderr == ""


def test_quiet_run_with_data_errors_lists_the_errors_and_exits_1(example):
    (example / "input" / "统计局").rename(example / "统计局（暂存）")
    res = kaohe("run", example, "-q")
    assert res.returncode == 1
    assert res.stdout == ""
    assert "[错误]" in res.stderr and "kaohe：报表有错误，未计分（错误" in res.stderr


def test_the_nightly_wrapper_runs_logs_and_rotates(example, tmp_path):
    logs = example / ".kaohe" / "logs"
    logs.mkdir(parents=True)
    old = logs / "nightly-20200101.log"
    old.write_text("old", encoding="utf-8")
    month_ago = time.time() - 40 * 86400
    os.utime(old, (month_ago, month_ago))
    res = nightly(example, shim(tmp_path))
    assert res.returncode == 0, res.stdout + res.stderr
    (log,) = logs.glob("nightly-2*.log")
    text = log.read_text(encoding="utf-8")
    assert f"kaohe run --quiet {example}" in text and "kaohe：第 1 次运行完成" in text and "== 退出码 0" in text
    assert not old.exists()  # logs older than 30 days are removed
    assert (example / "output" / "results.json").is_file()


def test_overlapping_schedules_the_second_stops_at_the_lock(example, tmp_path):
    with folder_lock(example):  # the first schedule still running
        res = nightly(example, shim(tmp_path))
    assert res.returncode == 2
    text = next((example / ".kaohe" / "logs").glob("nightly-*.log")).read_text(encoding="utf-8")
    assert "另一个 kaohe 正在处理该考核文件夹" in text and "== 退出码 2" in text
    assert not (example / "output").exists()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze 未安装：不能校验 systemd 单元文件")
def test_the_systemd_units_verify(example, tmp_path):
    service = (ROOT / "scheduling" / "kaohe-nightly.service").read_text(encoding="utf-8")
    command = shim(tmp_path)
    service = service.replace("ExecStart=/opt/kaohe/scheduling/kaohe-nightly.sh /srv/考核/2025 /opt/kaohe/.venv/bin/kaohe",
                              f"ExecStart={WRAPPER} {example} {command}")
    assert str(WRAPPER) in service
    (tmp_path / "kaohe-nightly.service").write_text(service, encoding="utf-8")
    shutil.copy2(ROOT / "scheduling" / "kaohe-nightly.timer", tmp_path / "kaohe-nightly.timer")
    res = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "kaohe-nightly.service"),
                          str(tmp_path / "kaohe-nightly.timer")], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr


def test_the_windows_wrapper_says_what_it_runs():
    bat = (ROOT / "scheduling" / "kaohe-nightly.bat").read_bytes()
    assert b"\r\n" in bat and b"run --quiet" in bat and b"exit /b %CODE%" in bat
