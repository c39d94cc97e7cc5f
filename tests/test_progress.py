"""Progress on long runs (issue 14, part 6): a bar on a real terminal (a pseudo-terminal here), a few plain lines when
standard error is a file or a pipe, nothing but the result line with --quiet."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import struct
import subprocess
import sys
import termios

import pytest

from conftest import kaohe
from pipeline.progress import Lines, for_console, Bar, Silent


def test_plain_lines_say_the_start_about_every_tenth_and_the_end():
    out = io.StringIO()
    p = Lines(out)
    p.start("读取报表", 40)
    for k in range(40):
        p.step(f"第{k + 1}个.xlsx")
    p.finish()
    lines = out.getvalue().splitlines()
    assert lines[0] == "读取报表：共 40 个"
    assert lines[1:-1] == [f"读取报表：{n}/40（第{n}个.xlsx）" for n in range(4, 40, 4)]
    assert re.fullmatch(r"读取报表：完成 40 个，用时 \d+\.\d 秒", lines[-1])
    p.finish()  # a second finish says nothing more
    assert len(out.getvalue().splitlines()) == len(lines)


def test_the_console_gets_a_bar_only_on_a_terminal():
    master, slave = pty.openpty()
    try:
        with os.fdopen(os.dup(slave), "w") as tty:
            assert isinstance(for_console(False, tty), Bar)
            assert type(for_console(True, tty)) is Silent
    finally:
        os.close(master)
        os.close(slave)
    assert isinstance(for_console(False, io.StringIO()), Lines)


def test_a_run_in_a_log_prints_a_few_lines_not_one_per_file(example):
    res = kaohe("run", example)
    assert res.returncode == 0
    files = int(re.search(r"读取报表：共 (\d+) 个", res.stderr)[1])
    assert files == len([p for p in (example / "input").rglob("*.xlsx")])
    assert re.search(rf"读取报表：完成 {files} 个，用时 \d+\.\d 秒", res.stderr)
    assert re.search(r"生成结果：完成 \d+ 个，用时", res.stderr)
    assert len(res.stderr.splitlines()) <= 2 * 12  # two stages, at most start + nine tenths + end each
    quiet = kaohe("run", "--quiet", example)
    assert quiet.returncode == 0 and quiet.stderr == ""


@pytest.mark.parametrize("size", [(30, 120), (0, 0)])  # a terminal window; one that reports no size
def test_a_run_on_a_terminal_draws_a_chinese_bar(example, size):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(example)], stdout=subprocess.DEVNULL,
                            stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed: the run is over
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=300) == 0
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert re.search(r"读取报表：\s*\d+%\|[█▏▎▍▌▋▊▉ ]*\| \d+/\d+（已用 \d\d:\d\d，还需约 ", screen)
    assert "生成结果：" in screen and "\r" in screen  # redrawn in place
    assert "it/s" not in screen and "读取报表：共" not in screen  # tqdm's English units, the log lines: neither
