"""A department's revised return next to its first one: one issue for the pair, or the newer file taken (issue 10, 7b).

Real files: the bundled example, a revised copy of the 统计局 return written by openpyxl with two cells changed and
modification times set by os.utime, run through the real CLI.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import tomllib
from decimal import ROUND_HALF_UP, Decimal

import openpyxl

from conftest import kaohe

STATS = "统计局/2025年度乡镇考核指标数据（统计局）.xlsx"
REVISED = "统计局/2025年度乡镇考核指标数据（统计局）（修订）.xlsx"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # the scheme's time zone (default), in which messages show times
OLD_TIME = dt.datetime(2026, 1, 5, 9, 30, tzinfo=SHANGHAI).timestamp()
NEW_TIME = dt.datetime(2026, 1, 8, 16, 45, tzinfo=SHANGHAI).timestamp()
CHANGES = {"D7": 11.4, "E9": 61200.5}  # 西湖镇 A2 (规上工业增加值增长率), 北岗镇 A3 (固定资产投资完成额)


def revise(example, old_time=OLD_TIME, new_time=NEW_TIME) -> dict:
    """Save a revised copy of the 统计局 return with CHANGES; returns {cell: (sheet, unit, old value)}."""
    src, dst = example / "input" / STATS, example / "input" / REVISED
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    before = {cell: (ws.title, ws[f"B{ws[cell].row}"].value, ws[cell].value) for cell in CHANGES}
    for cell, value in CHANGES.items():
        ws[cell] = value
    wb.save(dst)
    os.utime(src, (old_time, old_time))
    os.utime(dst, (new_time, new_time))
    return before


def shown(timestamp: float) -> str:
    t = dt.datetime.fromtimestamp(timestamp, SHANGHAI)
    return f"{t.year}年{t.month}月{t.day}日 {t.hour:02d}:{t.minute:02d}"


def issues_csv(example) -> list[dict]:
    with open(example / "output" / "数据问题.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_revised_return_is_one_error_naming_both_files_times_and_cells(example):
    before = revise(example)
    res = kaohe("run", example)
    assert res.returncode == 1, res.stdout + res.stderr
    rows = issues_csv(example)
    codes = [r["代码"] for r in rows]
    assert codes.count("resubmission") == 1
    assert "duplicate" not in codes and "conflict" not in codes  # 74 per-cell issues folded into the one
    issue = next(r for r in rows if r["代码"] == "resubmission")
    assert issue["级别"] == "错误" and issue["文件"] == STATS  # the older file: the one to remove
    text = issue["说明"]
    assert f"{STATS}（修改于 {shown(OLD_TIME)}）与 {REVISED}（修改于 {shown(NEW_TIME)}）" in text
    assert "有 2 处数据不同" in text
    for cell, (sheet, unit, old) in before.items():
        assert f"{unit.strip()} · " in text
        assert f"（{sheet}!{cell}）：较早的一份为 {old}，较新的一份为 {CHANGES[cell]}" in text
    assert "请核实后从 input/ 中删除过时的一份" in text and 'resubmission = "newest"' in text
    assert f"[错误] {STATS}：{text}" in res.stdout  # and on the console
    assert not (example / "output" / "results.json").exists()


def test_newest_takes_the_revised_values_with_a_warning(example):
    before = revise(example)
    cfg = example / "config.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + '\n[ingest]\nresubmission = "newest"\n', encoding="utf-8")
    res = kaohe("run", example)
    assert res.returncode == 0, res.stdout + res.stderr
    results = json.loads((example / "output" / "results.json").read_text("utf-8"))
    notes = [i for i in results["issues"] if i["code"].startswith("resubmission")]
    assert [i["code"] for i in notes] == ["resubmission-newest"] and notes[0]["severity"] == "警告"
    assert f"采用修改时间较新的 {REVISED}" in notes[0]["message"] and "其中 2 处数据不同" in notes[0]["message"]
    assert not [i for i in results["issues"] if i["code"] in ("duplicate", "conflict")]
    assert any(r["代码"] == "resubmission-newest" for r in issues_csv(example))  # 数据问题.csv too
    # the revised values are the ones scored, traced to the revised file
    detail = {(r[0], r[1]): r for r in openpyxl.load_workbook(example / "output" / "考核结果汇总表.xlsx")["明细"]
              .iter_rows(min_row=2, values_only=True)}
    (_, west, _), (_, north, _) = before["D7"], before["E9"]
    a2, a3 = detail[(west.strip(), "A2")], detail[(north.strip(), "A3")]
    assert a2[4] == 11.4 and a2[8].startswith(f"{REVISED} › ") and a2[8].endswith("!D7")
    assert a3[4] == 61200.5 and a3[8].endswith("!E9") and a3[8].startswith(REVISED)
    # A2 is efficacy (满意值 x_s, 不允许值 x_u from config.toml): points × (0.6 + 0.4 × (x − x_u)/(x_s − x_u))
    ind = next(i for i in tomllib.loads(cfg.read_text("utf-8"))["indicators"] if i["id"] == "A2")
    x, x_s, x_u, points = (Decimal(str(v)) for v in (11.4, ind["x_s"], ind["x_u"], ind["points"]))
    expected = points * (Decimal("0.6") + Decimal("0.4") * (x - x_u) / (x_s - x_u))  # 8 × 0.856 = 6.848
    assert a2[6] == float(expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) == 6.85
    units = {u["unit"]: u for u in results["units"]}
    assert units[west.strip()]["indicators"]["A2"] == a2[6]


def test_equal_times_under_newest_stay_an_error(example):
    revise(example, OLD_TIME, OLD_TIME)
    cfg = example / "config.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + '\n[ingest]\nresubmission = "newest"\n', encoding="utf-8")
    res = kaohe("check", example)
    assert res.returncode == 1, res.stdout + res.stderr
    rows = [r for r in issues_csv(example) if r["代码"].startswith("resubmission")]
    assert [r["代码"] for r in rows] == ["resubmission"]
    assert "两份的修改时间相同" in rows[0]["说明"] and "有 2 处数据不同" in rows[0]["说明"]
    assert f"修改于 {shown(OLD_TIME)}" in rows[0]["说明"]


def test_an_identical_copy_is_one_warning_and_scores(example):
    src = example / "input" / STATS
    openpyxl.load_workbook(src).save(example / "input" / REVISED)  # re-saved: other bytes, same values
    os.utime(src, (OLD_TIME, OLD_TIME))
    os.utime(example / "input" / REVISED, (NEW_TIME, NEW_TIME))
    res = kaohe("check", example)
    assert res.returncode == 0, res.stdout + res.stderr
    rows = issues_csv(example)
    same = [r for r in rows if r["代码"].startswith("resubmission")]
    assert [r["代码"] for r in same] == ["resubmission-same"] and same[0]["级别"] == "警告"
    assert "76 个数据完全相同" in same[0]["说明"]  # 19 units × (A1, A2, A3, A3 目标值)
    assert not [r for r in rows if r["代码"] == "duplicate"]


def test_two_departments_sharing_one_column_keep_their_conflict(example):
    """A return carrying only A1 next to the full 统计局 return is not a resubmission: its one differing cell stays a
    `conflict` (and its equal cells `duplicate`), whatever the files' times."""
    ws = openpyxl.load_workbook(example / "input" / STATS).worksheets[0]
    units = [(ws[f"B{r}"].value, ws[f"C{r}"].value) for r in range(5, ws.max_row + 1)
             if ws[f"B{r}"].value and str(ws[f"B{r}"].value).strip().endswith(("镇", "乡"))]
    assert len(units) == 19
    wb = openpyxl.Workbook()
    out = wb.active
    out.title = "数据"
    out.append(["乡镇名称", "地区生产总值增长率（%）"])
    for k, (unit, value) in enumerate(units):
        out.append([unit, value + 0.5 if k == 2 else value])
    (example / "input" / "发改局").mkdir()
    wb.save(example / "input" / "发改局" / "地区生产总值.xlsx")
    os.utime(example / "input" / "发改局" / "地区生产总值.xlsx", (NEW_TIME, NEW_TIME))
    res = kaohe("check", example)
    assert res.returncode == 1
    rows = issues_csv(example)
    assert not [r for r in rows if r["代码"].startswith("resubmission")]
    conflicts = [r for r in rows if r["代码"] == "conflict"]
    assert len(conflicts) == 1 and conflicts[0]["单位"] == units[2][0].strip()
    assert f"（{units[2][1]} ≠ {units[2][1] + 0.5}）" in conflicts[0]["说明"] or \
        f"（{units[2][1] + 0.5} ≠ {units[2][1]}）" in conflicts[0]["说明"]
    assert sum(r["代码"] == "duplicate" for r in rows) == 18


def test_the_bundled_example_has_no_resubmission(bundled_run):
    """The two 统计局 returns (indicators and composite-index data) share no keys: no pair, no issue."""
    folder, _ = bundled_run
    codes = [i["code"] for i in json.loads((folder / "output" / "results.json").read_text("utf-8"))["issues"]]
    assert not [c for c in codes if c.startswith("resubmission")]
