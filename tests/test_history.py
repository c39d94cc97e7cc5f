"""The run history (issue 14, parts 1–2): a season of runs on a real SQLite file — runs, a correction, 公示, 定稿 —
with `kaohe history`, `kaohe diff` and `kaohe publish` checked as a clerk would read them; damaged and foreign
history files refused in Chinese.
"""

from __future__ import annotations

import json
import re
import sqlite3

import openpyxl

from conftest import kaohe
from pipeline.history import HISTORY_FILE, History


def results_of(folder):
    return json.loads((folder / "output" / "results.json").read_text(encoding="utf-8"))


def best_efficacy_cell(results) -> tuple[dict, list[dict]]:
    """An efficacy indicator's best value (a detail row) and the indicator's other rows: the cell whose correction
    moves every other unit's score through the sample's 满意值."""
    rows = [d for d in results["detail"] if d["method_label"] == "功效系数法" and d["value"] is not None
            and not d["period"]]
    by = {}
    for d in rows:
        by.setdefault(d["indicator"], []).append(d)
    for ind, group in by.items():
        values = sorted((d["value"] for d in group), reverse=True)
        if len(values) > 2 and values[0] > values[1]:
            best = max(group, key=lambda d: d["value"])
            if best["calc"].startswith(f"满意值 {best['value']:g}"):  # higher is better: the best is 满意值
                return best, [d for d in group if d is not best]
    raise AssertionError("no efficacy indicator with a single best value")


def correct(folder, source: str, value: float) -> None:
    """A department corrects one cell of its return (as it would in Excel), given as "file › sheet!cell"."""
    m = re.fullmatch(r"(.+) › (.+)!([A-Z]+\d+)", source)
    path = folder / "input" / m[1]
    wb = openpyxl.load_workbook(path)
    wb[m[2]][m[3]] = value
    wb.save(path)


def test_a_season_of_runs_corrections_publicity_and_final(example):
    assert kaohe("run", example).returncode == 0
    first = results_of(example)
    assert kaohe("run", example).returncode == 0  # a nightly rerun, nothing changed

    best, others = best_efficacy_cell(first)
    lowered = round(best["value"] - (best["value"] - max(d["value"] for d in others)) / 2, 2)  # still the best
    correct(example, best["source"], lowered)
    assert kaohe("run", example).returncode == 0
    third = results_of(example)

    res = kaohe("history", example)
    assert res.returncode == 0, res.stdout + res.stderr
    lines = [ln for ln in res.stdout.splitlines() if re.match(r"\s+\d+\s", ln)]
    assert [ln.split()[0] for ln in lines] == ["3", "2", "1"]
    assert "1个报表有变化" in lines[0] and "总分变化" in lines[0] and "试算" in lines[0]
    assert lines[1].endswith("总分无变化") and lines[2].endswith("首次运行")

    res = kaohe("diff", example)
    assert res.returncode == 0, res.stdout + res.stderr
    out = res.stdout
    assert "第2次运行" in out and "第3次运行" in out
    # the corrected cell, named, with its old and new value
    assert f"数据：{best['source']}：{best['indicator']} {best['indicator_name']} {best['value']:g} → {lowered:g}" in out
    # a unit whose own figures did not change, moved by the sample's new 满意值
    moved = next(d for d in others if d["score"] != next(x for x in third["detail"] if x["unit"] == d["unit"]
                                                           and x["indicator"] == d["indicator"])["score"])
    line = next(ln for ln in out.splitlines() if ln.strip().startswith(f"得分：{best['indicator']} ")
                and ln in out.split(f"  {moved['unit']}：", 1)[1])
    assert f"本单位数据未变，因参评单位的数据变化：满意值 {best['value']:g}" in line and f"→ 满意值 {lowered:g}" in line
    book = example / "运行对比" / "第2次与第3次运行对比.xlsx"
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["总分变化", "数据变化", "得分变化"]
    changed = [r for r in wb["数据变化"].iter_rows(values_only=True)][1:]
    assert changed == [(best["unit"], "年终", f"{best['indicator']} {best['indicator_name']}", best["value"], lowered,
                        best["source"])]
    reasons = [r[5] for r in wb["得分变化"].iter_rows(values_only=True)][1:]
    # the corrected unit stays the best (its score stays full), every other unit moved with the new 满意值
    assert reasons and all(str(r).startswith("本单位数据未变，因参评单位的数据变化：满意值") for r in reasons)

    # 公示, a correction after it, then the diff is against the published run
    res = kaohe("publish", example, "--as", "公示")
    assert res.returncode == 0 and "第 3 次运行" in res.stdout and "公示" in res.stdout
    correct(example, best["source"], best["value"])  # the appeal is upheld: the old value was right
    assert kaohe("run", example).returncode == 0
    res = kaohe("diff", example)
    assert "第3次运行（" in res.stdout and "公示）" in res.stdout and "第4次运行" in res.stdout
    assert f"{lowered:g} → {best['value']:g}" in res.stdout

    # 定稿 is never silently replaced
    assert kaohe("publish", example, "--as", "定稿").returncode == 0
    assert kaohe("run", example).returncode == 0
    res = kaohe("publish", example, "--as", "定稿")
    assert res.returncode == 2 and "第 4 次运行已定稿" in res.stderr and "--replace" in res.stderr
    res = kaohe("publish", example, "--as", "定稿", "--replace")
    assert res.returncode == 0 and "原定稿第 4 次运行改记为“公示”" in res.stdout
    with History(example) as h:
        assert [(r.id, r.status) for r in h.runs()] == [(5, "定稿"), (4, "公示"), (3, "公示"), (2, "试算"),
                                                         (1, "试算")]
        run = h.get(5)
        assert run.results["units"] and run.inputs and run.scheme_hash and run.generation.startswith("0005-")


def test_a_run_with_data_errors_is_recorded_as_such(example):
    (example / "input" / "统计局").rename(example / "统计局（暂存）")  # a department's returns missing
    assert kaohe("run", example).returncode == 1
    with History(example) as h:
        (run,) = h.runs()
        assert run.status == "数据有误" and run.errors > 0 and run.results is None
        assert any(i["code"] == "missing-return" for i in run.issues)
    assert "数据有误" in kaohe("history", example).stdout


def test_a_damaged_or_foreign_history_file_is_a_clear_error(example):
    (example / HISTORY_FILE).write_bytes(b"not a database at all" * 100)
    res = kaohe("run", example)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "运行记录文件 考核运行记录.sqlite 已损坏或不是 SQLite 数据库" in res.stderr
    assert not (example / "output").exists()  # nothing published without a record

    (example / HISTORY_FILE).unlink()
    with sqlite3.connect(example / HISTORY_FILE) as conn:
        conn.execute("CREATE TABLE customers (name TEXT)")
    res = kaohe("history", example)
    assert res.returncode == 2 and "是其他程序的数据库，不是 kaohe 的运行记录" in res.stderr

    (example / HISTORY_FILE).unlink()
    with sqlite3.connect(example / HISTORY_FILE) as conn:
        conn.execute("PRAGMA user_version = 99")
    res = kaohe("run", example)
    assert res.returncode == 2 and "由更新版本的 kaohe 写入" in res.stderr


def test_history_and_diff_before_any_run(example):
    assert "还没有运行记录" in kaohe("history", example).stdout
    assert "不足两次" in kaohe("diff", example).stdout
    res = kaohe("publish", example, "--as", "公示")
    assert res.returncode == 2 and "还没有已计分的运行" in res.stderr
