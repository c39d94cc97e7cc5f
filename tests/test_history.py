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


def status_of(folder) -> tuple[str, str]:
    """results.json's run status, and the mark after the summary's title."""
    title = openpyxl.load_workbook(folder / "output" / "考核结果汇总表.xlsx")["汇总表"]["A1"].value
    assessment = results_of(folder)["assessment"]["title"]
    assert title.startswith(assessment + "结果汇总表")
    mark = title.removeprefix(assessment + "结果汇总表")
    # the same mark on the 公示表, every score card and the report
    out = folder / "output"
    assert openpyxl.load_workbook(out / "考核结果公示表.xlsx")["公示"]["A1"].value == f"{assessment}结果公示{mark}"
    assert {ws["A1"].value for ws in openpyxl.load_workbook(out / "单位评分卡.xlsx")} == {f"{assessment}评分卡{mark}"}
    assert f"<h1>{assessment}情况分析报告{mark}</h1>" in (out / "考核情况分析报告.html").read_text(encoding="utf-8")
    return results_of(folder)["run"]["status"], mark


def same_but_status(a: dict, b: dict) -> bool:
    def plain(d):
        return {**d, "run": {k: v for k, v in d["run"].items() if k != "status"}}
    return plain(a) == plain(b)


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
                        best["source"], None)]
    reasons = [r[5] for r in wb["得分变化"].iter_rows(values_only=True)][1:]
    # the corrected unit stays the best (its score stays full), every other unit moved with the new 满意值
    assert reasons and all(str(r).startswith("本单位数据未变，因参评单位的数据变化：满意值") for r in reasons)

    # every run's outputs say they are a trial until the office marks them
    assert status_of(example) == ("试算", "（试算稿）")

    # 公示: the run's outputs are generated again, marked 公示稿, with the same results
    res = kaohe("publish", example, "--as", "公示")
    assert res.returncode == 0 and "第 3 次运行" in res.stdout and "公示" in res.stdout
    assert status_of(example) == ("公示", "（公示稿）")
    assert same_but_status(results_of(example), third)

    # a correction after 公示: the appeal is upheld, the old value was right; the diff is against the published run
    correct(example, best["source"], best["value"])
    res = kaohe("publish", example, "--as", "定稿")  # not before the corrected returns have been run
    assert res.returncode == 2 and "第 3 次运行之后报表有变化：" in res.stderr and best["source"].split(" › ")[0] in res.stderr
    assert kaohe("run", example).returncode == 0
    assert status_of(example) == ("试算", "（试算稿）")
    res = kaohe("diff", example)
    assert "第3次运行（" in res.stdout and "公示）" in res.stdout and "第4次运行" in res.stdout
    assert f"{lowered:g} → {best['value']:g}" in res.stdout

    # 定稿: the official results carry no mark; a later run is a trial that says where the 定稿 is
    assert kaohe("publish", example, "--as", "定稿").returncode == 0
    assert status_of(example) == ("定稿", "")
    final_set = (example / "output").resolve().name
    assert final_set.endswith("-定稿")
    res = kaohe("run", example)
    assert res.returncode == 0 and f"本年度已于第 4 次运行定稿（定稿结果在 归档/{final_set}/），本次结果为试算" in res.stdout
    assert (example / "归档" / final_set / "考核结果汇总表.xlsx").is_file()  # the approved set stays whole

    # 定稿 is never silently replaced
    res = kaohe("publish", example, "--as", "定稿")
    assert res.returncode == 2 and "第 4 次运行已定稿" in res.stderr and "--replace" in res.stderr
    res = kaohe("publish", example, "--as", "定稿", "--replace")
    assert res.returncode == 0 and "原定稿第 4 次运行改记为“公示”" in res.stdout
    with History(example) as h:
        assert [(r.id, r.status) for r in h.runs()] == [(5, "定稿"), (4, "公示"), (3, "公示"), (2, "试算"),
                                                         (1, "试算")]
        run = h.get(5)
        assert run.results["units"] and run.inputs and run.scheme_hash
        assert run.generation.startswith("0008-") and run.generation.endswith("-定稿")
        assert run.generation == (example / "output").resolve().name


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


NEXT_YEAR = """
[assessment]
title = "乡镇考核"
year = {year}
full_score = 100
precision = 2

[awards]
eligibility_ratio = 0
[[awards.prizes]]
name = "一等奖"
places = 1
[awards.progress]
name = "进步奖"
min_places = 2
exclude_top = 1

[ingest]
optional = ["history"]   # the first year has no last year's results

[[components]]
name = "指标考核"
kind = "indicators"
weight = 1
full = 100

[[indicators]]
id = "X"
name = "综合得分"
category = ["综合"]
source = "考核办"
points = 100
method = "direct"

[[units]]
name = "甲镇"
[[units]]
name = "乙镇"
[[units]]
name = "丙镇"
[[units]]
name = "丁镇"
"""


def year_folder(folder, year, scores):
    import xlsxwriter

    (folder / "config.toml").write_text(NEXT_YEAR.format(year=year), encoding="utf-8")
    shutil_rmtree(folder / "input")
    (folder / "input").mkdir()
    wb = xlsxwriter.Workbook(folder / "input" / f"{year}年度考核得分（考核办）.xlsx")
    ws = wb.add_worksheet("得分")
    ws.write(0, 0, f"{year}年度乡镇考核综合得分")
    ws.write_row(1, 0, ["单位", "综合得分"])
    for r, (unit, s) in enumerate(scores.items(), start=2):
        ws.write_row(r, 0, [unit, s])
    wb.close()


def shutil_rmtree(path):
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def test_next_years_rank_changes_come_from_last_years_final_run(tmp_path):
    # 2025: 甲 90, 乙 80, 丙 70, 丁 60 -> ranks 1-4, approved (定稿). 2026: 乙 95, 丁 90, 甲 85, 丙 50 ->
    # 乙 1 (from 2), 丁 2 (from 4: up 2, 进步奖), 甲 3 (from 1), 丙 4 (from 3); 一等奖 乙
    year_folder(tmp_path, 2025, {"甲镇": 90, "乙镇": 80, "丙镇": 70, "丁镇": 60})
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert kaohe("publish", tmp_path, "--as", "定稿").returncode == 0
    year_folder(tmp_path, 2026, {"甲镇": 85, "乙镇": 95, "丙镇": 50, "丁镇": 90})
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "上年名次取自 考核运行记录.sqlite › 第1次运行（2025年定稿）（4 个单位；没有上年名次的单位：无）" in res.stdout
    assert "未找到上年考核结果" not in res.stdout  # the record stands in for the return
    units = {u["unit"]: u for u in results_of(tmp_path)["units"]}
    assert {n: (u["rank"], u["last_rank"], u["rank_change"]) for n, u in units.items()} == {
        "乙镇": (1, 2, 1), "丁镇": (2, 4, 2), "甲镇": (3, 1, -2), "丙镇": (4, 3, -1)}
    assert units["丁镇"]["awards"] == ["进步奖"] and units["乙镇"]["awards"] == ["一等奖"]
    # the report shows the trend over the years the history holds: 2025's 定稿, then 2026
    html = (tmp_path / "output" / "考核情况分析报告.html").read_text(encoding="utf-8")
    assert "<h3>历年考核情况</h3>" in html and "<th>2025年</th><th>2026年</th>" in html
    assert '<td class="name">丁镇</td><td>第4名（60.00）</td><td>第2名（90.00）</td>' in html
    from docx import Document

    docx = "\n".join(p.text for p in Document(str(tmp_path / "output" / "考核情况分析报告.docx")).paragraphs)
    assert "丁镇2025年第4名（60.00）、2026年第2名（90.00）" in docx
    # and why the movers moved: last year's total and categories, from the same 定稿 run
    assert "丁镇：由上年第4名上升至第2名，前进2位，总分由上年60.00分升至90.00分，主要是综合增加30.00分。" in docx
    assert "甲镇：由上年第1名下降至第3名，后退2位，总分由上年90.00分降至85.00分，主要是综合减少5.00分。" in docx


def test_a_last_year_return_wins_over_the_record(tmp_path):
    import xlsxwriter

    year_folder(tmp_path, 2025, {"甲镇": 90, "乙镇": 80, "丙镇": 70, "丁镇": 60})
    assert kaohe("run", tmp_path).returncode == 0
    assert kaohe("publish", tmp_path, "--as", "定稿").returncode == 0
    year_folder(tmp_path, 2026, {"甲镇": 85, "乙镇": 95, "丙镇": 50, "丁镇": 90})
    wb = xlsxwriter.Workbook(tmp_path / "input" / "2025年度考核结果（上年）.xlsx")
    ws = wb.add_worksheet("上年考核结果")
    ws.write(0, 0, "2025年度乡镇考核结果")
    ws.write_row(1, 0, ["单位", "名次"])
    for r, (u, rank) in enumerate({"甲镇": 4, "乙镇": 3, "丙镇": 2, "丁镇": 1}.items(), start=2):
        ws.write_row(r, 0, [u, rank])
    wb.close()
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "上年名次取自" not in res.stdout
    units = {u["unit"]: u for u in results_of(tmp_path)["units"]}
    assert units["丁镇"]["last_rank"] == 1 and units["甲镇"]["last_rank"] == 4


def test_a_last_year_return_of_another_year_is_not_taken(tmp_path):
    import xlsxwriter

    year_folder(tmp_path, 2026, {"甲镇": 85, "乙镇": 95, "丙镇": 50, "丁镇": 90})
    wb = xlsxwriter.Workbook(tmp_path / "input" / "考核结果（上年）.xlsx")
    ws = wb.add_worksheet("上年考核结果")
    ws.write(0, 0, "2023年度乡镇考核结果")  # two years old: its ranks must not become 2025's
    ws.write_row(1, 0, ["单位", "名次"])
    for r, (u, rank) in enumerate({"甲镇": 4, "乙镇": 3, "丙镇": 2, "丁镇": 1}.items(), start=2):
        ws.write_row(r, 0, [u, rank])
    wb.close()
    res = kaohe("check", tmp_path)
    assert "标题写的是 2023 年的考核结果，本次考核为 2026 年，上年考核结果应为 2025 年，未采用" in res.stdout
    res = kaohe("run", tmp_path)
    # history is optional in this scheme, but a return filed for the wrong year is an error, never "no last year"
    assert res.returncode == 1
    assert ("[错误] 考核结果（上年）.xlsx › 上年考核结果：input/ 中的上年考核结果表不是上年的（标题写的是 2023 年的考核结果，"
            "本次考核为 2026 年，上年考核结果应为 2025 年，未采用），也没有 2025 年的考核结果表") in res.stdout


def test_a_results_book_with_a_sheet_per_year_gives_last_years(tmp_path):
    import xlsxwriter

    year_folder(tmp_path, 2026, {"甲镇": 85, "乙镇": 95, "丙镇": 50, "丁镇": 90})
    wb = xlsxwriter.Workbook(tmp_path / "input" / "历年考核结果.xlsx")
    for year, ranks in [(2024, {"甲镇": 1, "乙镇": 2, "丙镇": 3, "丁镇": 4}), (2025, {"甲镇": 4, "乙镇": 3, "丙镇": 2, "丁镇": 1})]:
        ws = wb.add_worksheet(f"{year}年")
        ws.write(0, 0, f"{year}年度乡镇考核结果")
        ws.write_row(1, 0, ["单位", "名次"])
        for r, (u, rank) in enumerate(ranks.items(), start=2):
            ws.write_row(r, 0, [u, rank])
    wb.close()
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "[错误]" not in res.stdout
    assert {u["unit"]: u["last_rank"] for u in results_of(tmp_path)["units"]} == {"甲镇": 4, "乙镇": 3, "丙镇": 2, "丁镇": 1}


GROWTH_YEAR = """
[assessment]
title = "乡镇发展考核"
year = {year}
full_score = 100
precision = 2

[ingest]
optional = ["history"]

[[components]]
name = "发展指数"
kind = "growth_index"
weight = 1
full = 100
self_weight = 0.6
base = 0.6

[[components.items]]
id = "G1"
name = "{name}"
source = "统计局"
unit = "亿元"
weight = 1

[[units]]
name = "甲镇"
[[units]]
name = "乙镇"
[[units]]
name = "丙镇"
"""


def growth_folder(folder, year, values, last=None, name="地区生产总值"):
    """A year's 综合指数 return from 统计局: 本年值, and 上年值 only when `last` is given."""
    import xlsxwriter

    (folder / "config.toml").write_text(GROWTH_YEAR.format(year=year, name=name), encoding="utf-8")
    shutil_rmtree(folder / "input")
    (folder / "input").mkdir()
    wb = xlsxwriter.Workbook(folder / "input" / f"{year}年度综合指数基础数据（统计局）.xlsx")
    ws = wb.add_worksheet("综合指数")
    ws.write(0, 0, f"{year}年度乡镇综合指数基础数据（统计局）")
    ws.write_row(1, 0, ["乡镇名称", f"{name}（亿元）"] + ([None] if last else []))
    ws.write_row(2, 0, [None, "本年值"] + (["上年值"] if last else []))
    for r, unit in enumerate(values, start=3):
        ws.write_row(r, 0, [unit, values[unit]] + ([last[unit]] if last else []))
    wb.close()


def growth_items(folder):
    return {u["unit"]: u["growth"]["发展指数"]["items"][0] for u in results_of(folder)["units"]}


def test_next_years_composite_index_takes_last_years_values_from_its_final_run(tmp_path):
    growth_folder(tmp_path, 2025, {"甲镇": 50.0, "乙镇": 40.0, "丙镇": 30.0}, last={"甲镇": 48, "乙镇": 39, "丙镇": 29})
    assert kaohe("run", tmp_path).returncode == 0
    assert kaohe("publish", tmp_path, "--as", "定稿").returncode == 0
    # 2026: the return has only this year's values; last year's are 2025's 本年值, from the 定稿 run
    growth_folder(tmp_path, 2026, {"甲镇": 55.0, "乙镇": 40.0, "丙镇": 36.0})
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert ("报表中没有的综合指数上年值，取自 考核运行记录.sqlite › 第1次运行（2025年定稿） 读取的本年值（3 个单位·指标" in res.stdout)
    items = growth_items(tmp_path)
    assert {u: (it["last"], it["self_index"]) for u, it in items.items()} == {
        "甲镇": (50.0, 1.1), "乙镇": (40.0, 1.0), "丙镇": (30.0, 1.2)}
    assert items["甲镇"]["last_source"] == ("考核运行记录.sqlite › 第1次运行（2025年定稿） › "
                                           "2025年度综合指数基础数据（统计局）.xlsx › 综合指数!B4")

    # a return's 上年值 wins over the record
    growth_folder(tmp_path, 2026, {"甲镇": 55.0, "乙镇": 40.0, "丙镇": 36.0}, last={"甲镇": 44, "乙镇": 40, "丙镇": 30})
    res = kaohe("run", tmp_path)
    assert res.returncode == 0 and "综合指数上年值，取自" not in res.stdout
    assert growth_items(tmp_path)["甲镇"]["last"] == 44.0

    # an item that is no longer the same (renamed) is never filled from last year's record
    growth_folder(tmp_path, 2026, {"甲镇": 55.0, "乙镇": 40.0, "丙镇": 36.0}, name="规模以上工业总产值")
    res = kaohe("run", tmp_path)
    assert res.returncode == 1 and res.stdout.count("缺少上年值（综合指数须有本年值和上年值）") == 3
