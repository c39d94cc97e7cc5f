"""SPEC §9 guarantees with real processes and real files: lock, atomic outputs under SIGKILL, hostile files."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
import zipfile
from html import unescape

import openpyxl
import pytest
import xlsxwriter

from conftest import kaohe
from pipeline.ingest import bounded
from pipeline.run import folder_lock


def test_a_second_run_on_the_same_folder_is_refused(example):
    with folder_lock(example):  # as a running kaohe holds it
        res = kaohe("run", example)
    assert res.returncode == 2
    assert "另一个 kaohe 正在处理该考核文件夹" in res.stderr and "Traceback" not in res.stderr
    assert kaohe("run", example).returncode == 0  # released with its holder


def _unit_renamed(example, old: str, new: str) -> None:
    cfg = example / "config.toml"
    text = cfg.read_text("utf-8").replace(f'name = "{old}"', f'name = {json.dumps(new)}\naliases = ["{old}"]')
    cfg.write_text(text, "utf-8")


def _filled_cells(path) -> list:
    """Every cell holding something, of every sheet: a workbook opened once and searched for many names."""
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _holding(cells: list, text: str) -> list:
    return [c for c in cells if text in str(c.value)]


def _cells_holding(path, text: str) -> list:
    return _holding(_filled_cells(path), text)


HOSTILE_NAMES = {"青山乡": "=HYPERLINK(\"http://x\",\"点\")", "白云乡": "+1+1", "石门乡": "-2+3", "桃源乡": "@SUM(1)",
                 "龙潭乡": "../../逃逸", "鹿鸣乡": "CON"}


def test_hostile_unit_names_stay_text_and_inside_output(example):
    """Six units renamed at once (one run): formula-like names stay text everywhere, path-like ones stay inside."""
    for old, new in HOSTILE_NAMES.items():
        _unit_renamed(example, old, new)
    res = kaohe("run", example)
    assert res.returncode == 0, res.stdout + res.stderr
    assert kaohe("templates", example).returncode == 0
    out = example / "output"
    summary = openpyxl.load_workbook(out / "考核结果汇总表.xlsx")
    html = unescape((out / "考核情况分析报告.html").read_text("utf-8"))
    assert "<script" not in html
    with zipfile.ZipFile(out / "考核情况分析报告.docx") as zf:
        docx = unescape(zf.read("word/document.xml").decode("utf-8"))
    units = [u["unit"] for u in json.loads((out / "results.json").read_text("utf-8"))["units"]]
    books = {book: _filled_cells(out / book) for book in ("单位评分卡.xlsx", "考核结果公示表.xlsx", "考核结果汇总表（统一格式）.xlsx")}
    blank_books = [_filled_cells(p) for p in (example / "填报模板").glob("*.xlsx")]
    for name in HOSTILE_NAMES.values():
        cells = [c for ws in summary.worksheets for row in ws.iter_rows() for c in row if c.value == name]
        assert cells and all(c.data_type == "s" for c in cells), name  # a string, never a formula
        for book, filled in books.items():
            cells = _holding(filled, name)
            assert cells and all(c.data_type == "s" for c in cells), (book, name)
        blanks = [c for filled in blank_books for c in _holding(filled, name)]
        assert blanks and all(c.data_type == "s" for c in blanks), name
        assert name in html and name in docx and name in units
    # only the per-unit mandated tables are named after units: in their output folder (and its archived copy),
    # with names made safe
    created = {p for p in example.parent.rglob("*") if "逃逸" in p.name or p.stem.upper().endswith("CON")}
    assert created and all(p.parent.name == "单位考核得分表（统一格式）" and p.resolve().is_relative_to(out.resolve())
                           for p in created)
    assert {p.name for p in created} == {"_.._逃逸.xlsx", "_CON.xlsx"}


def test_formula_like_text_in_the_issue_lists_stays_text(example):
    """A unit, file and sheet whose names begin with = or @ and carry an error: 数据问题.csv/.xlsx keep them as text."""
    _unit_renamed(example, "青山乡", "=1+1")
    src = next((example / "input" / "信访局").glob("*.xlsx"))
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    ws.title = "@表"
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "青山乡")
    ws.cell(row, 3).value = "约3"
    wb.save(src.parent / "=报表.xlsx")
    src.unlink()
    res = kaohe("check", example)
    assert res.returncode == 1
    with open(example / "output" / "数据问题.csv", encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if "约3" in r["说明"]]
    assert rows and (rows[0]["文件"], rows[0]["工作表"], rows[0]["单位"]) == ("信访局/=报表.xlsx", "'@表", "'=1+1")
    cells = _cells_holding(example / "output" / "数据问题.xlsx", "=1+1")
    assert cells and all(c.data_type == "s" for c in cells)


def _write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _zip_bomb(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:  # fast to write, as small
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))


def _xml_bomb(path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";" if i else "&lol;") * 10}">' for i in range(1, 9))
            + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
              '<c r="A1" t="inlineStr"><is><t>&lol8;</t></is></c></row></sheetData></worksheet>')
    src = openpyxl.Workbook()
    src.active.title = "数据"
    path.parent.mkdir(parents=True, exist_ok=True)
    src.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/worksheets/sheet1.xml"] = bomb.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)


HOSTILE = {
    "zip-bomb.xlsx": (_zip_bomb, "已拒绝读取"),
    "xml-bomb.xlsx": (_xml_bomb, "XML 炸弹"),
    "encrypted.xlsx": (lambda p: _write(p, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096), "加密"),
    "truncated.xlsx": (lambda p: _write(p, b"PK\x03\x04" + b"\x14\x00" * 50), "损坏"),
    "not-excel.xlsx": (lambda p: _write(p, "这不是表格".encode()), "不是有效的"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_a_clear_error_and_the_rest_still_read(example, name):
    make, word = HOSTILE[name]
    make(example / "input" / "其他" / name)
    start = time.monotonic()
    res = kaohe("check", example)
    assert time.monotonic() - start < 60
    assert res.returncode == 1, res.stdout + res.stderr
    line = next(l for l in res.stdout.splitlines() if name in l and "[错误]" in l)
    assert word in line, line
    assert "Traceback" not in res.stdout + res.stderr
    assert sum("[错误]" in l for l in res.stdout.splitlines()) == 1  # every other return was still read cleanly


def test_the_same_file_twice_is_read_once(example):
    src = next((example / "input" / "统计局").glob("*考核指标数据*.xlsx"))
    (example / "input" / "副本").mkdir()
    (example / "input" / "副本" / "统计局报表（副本）.xlsx").write_bytes(src.read_bytes())
    res = kaohe("run", example)
    assert res.returncode == 0, res.stdout
    line = next(l for l in res.stdout.splitlines() if "内容完全相同，已按一个文件处理" in l)
    assert "统计局报表（副本）.xlsx" in line and "统计局/2025年度乡镇考核指标数据（统计局）.xlsx" in line


def test_lock_and_hidden_files_are_ignored(example):
    (example / "input" / "~$统计局.xlsx").write_bytes(b"lock")
    (example / "input" / ".隐藏.xlsx").write_bytes(b"hidden")
    res = kaohe("run", example)
    assert res.returncode == 0 and "~$" not in res.stdout and "隐藏" not in res.stdout


def test_outputs_are_replaced_not_appended_and_archived(example):
    assert kaohe("run", example).returncode == 0
    assert kaohe("run", example).returncode == 0
    archives = sorted((example / "归档").iterdir())
    assert len(archives) == 2 and all((a / "results.json").is_file() for a in archives)
    assert (example / "output").resolve() == archives[-1].resolve()  # output/ is the newest whole run
    assert not [p for p in (example / "归档").iterdir() if p.name.startswith(".tmp-")]
    os.sync()


def test_broken_office_template_is_a_chinese_error_naming_the_line(example):
    tpl = example / "templates" / "report.html.j2"
    lines = tpl.read_text("utf-8").splitlines()
    lines[4] = lines[4] + "{{ units[0]. }}"
    tpl.write_text("\n".join(lines), "utf-8")
    res = kaohe("run", example)
    assert res.returncode == 2
    assert "报告模板" in res.stderr and "第5行" in res.stderr and "Traceback" not in res.stderr
    assert not (example / "output" / "results.json").exists()  # nothing half-published


def test_unexpected_error_is_logged_not_shown(example, tmp_path):
    """A bug (simulated by a sitecustomize that breaks the engine in the real process) gives exit 3, a Chinese
    summary and a log file with the traceback — never a traceback on screen."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import pipeline.score.engine as e\n"
        "def boom(self):\n    raise RuntimeError('simulated bug')\n"
        "e._Engine.run = boom\n", "utf-8")
    env = {**os.environ, "PYTHONPATH": f"{hook}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    res = subprocess.run([sys.executable, "-m", "pipeline", "run", str(example)], capture_output=True, text=True,
                         env=env, timeout=300)
    assert res.returncode == 3
    assert "程序内部错误" in res.stderr and "Traceback" not in res.stdout + res.stderr
    logs = list((example / ".kaohe" / "logs").glob("error-*.log"))
    assert logs and "simulated bug" in logs[0].read_text("utf-8")


def _big_return(path, rows: int, far_cell: bool = False):
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet("数据")
    ws.write_row(0, 0, ["乡镇名称", "越级上访批次"])
    for r in range(1, rows + 1):
        ws.write_row(r, 0, [f"第{r}号单位", r % 3])
    if far_cell:
        ws.write(1_048_575, 16_383, "末格")
    wb.close()


@pytest.mark.parametrize("rows,far", [(5_000, False), (3, True)])
def test_huge_sheets_are_read_in_bounded_time(example, rows, far):
    long_name = "关于报送2025年度乡镇目标管理绩效考核指标完成情况的函（附件）" * 2 + ".xlsx"  # ~200 bytes
    _big_return(example / "input" / long_name, rows, far)
    start = time.monotonic()
    res = kaohe("check", example)
    assert time.monotonic() - start < 120
    assert res.returncode == 1 and "Traceback" not in res.stdout + res.stderr
    assert "未知单位“第1号单位”" in res.stdout and long_name in res.stdout
    if rows > 50:  # the first 50 unknown names are listed, the rest counted in one issue
        listed = (example / "output" / "数据问题.csv").read_text("utf-8-sig")
        assert listed.count("未知单位") == 50 and f"另有 {rows - 50} 行的单位名称无法识别" in listed


def test_a_return_over_the_time_budget_is_refused_and_the_rest_still_read(example):
    """The per-file wall-clock budget ([ingest] file_seconds, run in a bounded child): a return that takes longer is
    refused by name, promptly, and every other return is still read (the reading map lists them)."""
    cfg = example / "config.toml"
    cfg.write_text(cfg.read_text("utf-8") + "\n[ingest]\nfile_seconds = 0.5\n", "utf-8")
    _big_return(example / "input" / "超大报表.xlsx", 40_000)
    start = time.monotonic()
    res = kaohe("check", example)
    elapsed = time.monotonic() - start
    assert res.returncode == 1 and "Traceback" not in res.stdout + res.stderr
    budget = bounded.budget(0.5, (example / "input" / "超大报表.xlsx").stat().st_size)  # grows with the file's size
    assert budget < 2 and "超大报表.xlsx" in res.stdout and f"读取超过 {budget:.3g} 秒仍未完成" in res.stdout
    assert "财政局/2025年度乡镇考核指标数据（财政局）.xlsx › " in res.stdout  # the others were read
    baseline = time.monotonic()
    assert kaohe("check", example / "nonexistent").returncode == 2
    floor = time.monotonic() - baseline  # the interpreter's start-up on this machine, now
    assert elapsed < floor + 20
