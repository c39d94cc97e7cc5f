"""The console's result screen (issue 15, part 6): counts, grades, the top and bottom units, the prizes and where
the outputs are — one line for the files, every file only with --verbose; a vetoed unit reads as what it is."""

from __future__ import annotations

import re

from conftest import kaohe


def test_the_result_screen_summarises_and_verbose_lists_every_file(example):
    res = kaohe("run", example)
    assert res.returncode == 0
    out = res.stdout
    assert re.search(r"：19 个单位已完成计分（试算；(未发现数据问题|数据问题：.+)）。", out)
    assert re.search(r"^等次：优秀 \d+ 个，良好 \d+ 个，.*一票否决 1 个$", out, re.M)
    top = out.split("前 5 名：\n", 1)[1].split("末 3 名：\n", 1)
    assert len(top[0].strip().splitlines()) == 5 and len(top[1].split("\n奖项：")[0].strip().splitlines()) == 3
    assert "  第1名  东关镇  96.05  一票否决（安全生产），取消评奖和评优资格" in out  # not 第1名 · 优秀
    assert re.search(r"^奖项：综合考核一等奖 城关镇；", out, re.M)
    files = re.search(r"结果在 .+output：.+ 等 (\d+) 个文件（kaohe run --verbose 列出全部）", out)
    assert files and "输出文件：" not in out
    verbose = kaohe("run", "--verbose", example)
    listed = verbose.stdout.split("输出文件：\n", 1)[1].strip().splitlines()
    assert len(listed) == int(files[1]) and all("/output/" in ln for ln in listed)
