"""The run log (issue 14, part 6): every run, check and publish leaves a few lines in .kaohe/logs/运行日志.txt, the file
is rotated by size, and a log that cannot be written never stops a run or prints a traceback."""

from __future__ import annotations

import re

from conftest import kaohe
from pipeline import runlog


def entries(folder) -> list[str]:
    text = runlog.log_path(folder).read_text(encoding="utf-8")
    return [e for e in re.split(r"^== ", text, flags=re.M) if e.strip()]


def test_each_command_leaves_its_lines(example):
    assert kaohe("check", example).returncode == 0
    assert kaohe("run", example).returncode == 0
    assert kaohe("run", example).returncode == 0
    assert kaohe("publish", example, "--as", "公示").returncode == 0
    got = entries(example)
    assert len(got) == 4
    assert "kaohe check：只检查报表，未计分" in got[0]
    files = int(re.search(r"读取报表 (\d+) 个，其中 0 个沿用上次的读取结果", got[0])[1])
    assert files == len(list((example / "input").rglob("*.xlsx")))
    assert "kaohe run：19 个单位已计分（运行记录第 1 次）" in got[1]
    assert f"读取报表 {files} 个，其中 {files} 个沿用上次的读取结果" in got[1]  # the check read them
    assert "kaohe publish --as 公示：19 个单位已计分（运行记录第 2 次）" in got[3]
    assert re.search(r"用时：读取方案 \d+\.\d 秒，读取报表 \d+\.\d 秒，规整 \d+\.\d 秒，计分 \d+\.\d 秒，生成结果 \d+\.\d 秒", got[1])
    assert f"输出：归档/{(example / 'output').resolve().name}/" in got[3]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", got[1])


def test_the_log_is_rotated_by_size(tmp_path):
    for k in range(200):
        runlog.write(tmp_path, f"2026-01-{k % 28 + 1:02d}T00:00:00+08:00", [f"kaohe run：第 {k} 次", "x" * 100],
                     max_bytes=2000)
    logs = sorted(p.name for p in (tmp_path / ".kaohe" / "logs").iterdir())
    assert logs == ["运行日志.txt"] + [f"运行日志.txt.{n}" for n in range(1, runlog.BACKUPS + 1)]
    assert all(p.stat().st_size <= 2000 for p in (tmp_path / ".kaohe" / "logs").iterdir())
    assert "kaohe run：第 199 次" in runlog.log_path(tmp_path).read_text(encoding="utf-8")


def test_a_log_that_cannot_be_written_is_skipped(example, capfd):
    (example / ".kaohe").mkdir(exist_ok=True)
    (example / ".kaohe" / "logs").write_text("not a folder", encoding="utf-8")
    runlog.write(example, "2026-01-01T00:00:00+08:00", ["kaohe run"])
    assert capfd.readouterr().err == ""
    res = kaohe("run", example)
    assert res.returncode == 0 and "Traceback" not in res.stderr
