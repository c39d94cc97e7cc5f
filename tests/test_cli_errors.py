"""Bad input gets a clear Chinese error naming file › sheet › cell, and exit code 1 (SPEC §7, issue 2)."""

from __future__ import annotations

import csv
import json
import shutil

import openpyxl
import pytest

from conftest import kaohe

STATS = "统计局/2025年度乡镇考核指标数据（统计局）.xlsx"


def _edit(path, cell, value):
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws[cell] = value
    wb.save(path)
    return ws.title


def _unit_in_row(path, row):
    ws = openpyxl.load_workbook(path).worksheets[0]
    return str(ws[f"B{row}"].value).strip()


def _column_of(path, header_text):
    ws = openpyxl.load_workbook(path).worksheets[0]
    for row in ws.iter_rows(min_row=1, max_row=6):
        for c in row:
            if isinstance(c.value, str) and header_text in c.value:
                return c.column_letter
    raise AssertionError(f"no column {header_text}")


def test_non_number_cell_names_file_sheet_cell_unit_and_indicator(example):
    path = example / "input" / STATS
    col = _column_of(path, "地区生产总值增长率")
    sheet = _edit(path, f"{col}7", "12..5")
    unit = _unit_in_row(path, 7)
    res = kaohe("run", example)
    assert res.returncode == 1, res.stdout + res.stderr
    expected = f"[错误] {STATS} › {sheet}!{col}7：“12..5”不是有效数字（{unit} · A1 地区生产总值增长率）"
    assert expected in res.stdout
    assert "Traceback" not in res.stdout + res.stderr
    assert not (example / "output" / "results.json").exists()  # refused to score over errors
    csv_text = (example / "output" / "数据问题.csv").read_text(encoding="utf-8-sig")
    assert "not-a-number" in csv_text and f"{col}7" in csv_text
    ws = openpyxl.load_workbook(example / "output" / "数据问题.xlsx")["数据问题"]
    rows = [dict(zip([c.value for c in ws[1]], [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
    assert any(r["类型"] == "不是数字" and r["代码"] == "not-a-number" and r["单元格"] == f"{col}7" and r["单位"] == unit
               and r["说明"] == "“12..5”不是有效数字" for r in rows)


def test_unknown_unit_name_suggests_the_closest_unit(example):
    path = example / "input" / STATS
    unit = _unit_in_row(path, 8)
    sheet = _edit(path, "B8", unit[0] + "湖" + unit[2:])  # a plausible misspelling
    res = kaohe("check", example)
    assert res.returncode == 1
    assert f"[错误] {STATS} › {sheet}!B8：未知单位“{unit[0]}湖{unit[2:]}”" in res.stdout
    assert f"是否为“{unit}”？" in res.stdout
    # and the unit it should have been is reported missing from that return, not silently dropped
    # and the unit it should have been is reported missing from that return, not silently dropped
    assert f"[错误] {STATS}：报表中缺少单位“{unit}”的数据（{unit} · A1 地区生产总值增长率）" in res.stdout


def test_missing_department_return_is_listed_by_name(example):
    shutil.rmtree(example / "input" / "信访局")
    res = kaohe("run", example)
    assert res.returncode == 1
    assert "缺少“信访局”报送的报表（应含指标：F1 越级上访批次、F2 信访事项按期办结率）" in res.stdout


def test_scheme_error_is_chinese_with_exit_code_2(example):
    cfg = example / "config.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("per_event = 3", "per_evnet = 3"), encoding="utf-8")
    res = kaohe("run", example)
    assert res.returncode == 2
    assert "per_evnet：未知的配置项（可能拼写错误），是否应为“per_event”？" in res.stderr
    assert "E1" in res.stderr and "Traceback" not in res.stderr


def test_points_that_do_not_add_up_is_a_scheme_error(example):
    cfg = example / "config.toml"
    text = cfg.read_text(encoding="utf-8").replace('unit = "起"\npoints = 6', 'unit = "起"\npoints = 7')
    cfg.write_text(text, encoding="utf-8")
    res = kaohe("check", example)
    assert res.returncode == 2
    assert "各指标分值之和为 101" in res.stderr


def test_help_is_chinese():
    res = kaohe("--help")
    assert res.returncode == 0
    assert "用法：" in res.stdout and "读取报表、计分" in res.stdout
    assert "Usage" not in res.stdout
    run_help = kaohe("run", "--help")
    assert "用法：" in run_help.stdout and "选项：" in run_help.stdout


def test_missing_folder_and_bad_option_are_chinese(tmp_path):
    res = kaohe("run", tmp_path / "不存在")
    assert res.returncode == 2 and "不存在" in res.stderr
    res = kaohe("run", "--frobnicate")
    assert res.returncode == 2 and "没有选项" in res.stderr and "Traceback" not in res.stderr


SURVEY = "公众评议/2025年度乡镇公众评议统计表.xlsx"


def test_direct_score_outside_its_points_is_a_data_error_not_clipped(example):
    path = example / "input" / "卫健局" / "2025年度乡镇考核指标数据（卫健局）.xlsx"
    col = _column_of(path, "基层医疗卫生工作评分")
    sheet = _edit(path, f"{col}9", 4.5)  # D3 is worth 4 points
    unit = _unit_in_row(path, 9)
    res = kaohe("check", example)
    assert res.returncode == 1
    assert f"› {sheet}!{col}9：数值 4.5 超出允许范围 [0, 4]（{unit} · D3 基层医疗卫生工作评分）" in res.stdout


def test_survey_question_nobody_could_answer_is_left_out_and_reported(example):
    path = example / "input" / SURVEY
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = next(r for r in range(1, 6) if ws.cell(r, 6).value == "满意")
    row = header + 1
    unit, question = ws.cell(row, 2).value, ws.cell(row, 5).value
    for col in (6, 7, 8):
        ws.cell(row, col).value = 0
    ws.cell(row, 9).value = 12
    wb.save(path)
    res = kaohe("run", example)
    assert res.returncode == 0, res.stdout
    assert f"[警告] {SURVEY} › {ws.title}!E{row}：该题没有有效回答（全部为不了解或无人作答），已不计入" in res.stdout
    assert unit in res.stdout and question in res.stdout


def test_missing_survey_round_is_an_error(example):
    path = example / "input" / SURVEY
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    target = "杨庄乡"
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 2).value == target and ws.cell(r, 3).value == "中期":
            ws.cell(r, 2).value = None
    wb.save(path)
    res = kaohe("check", example)
    assert res.returncode == 1
    assert f"缺少单位“{target}”中期评议的数据" in res.stdout


def test_unit_missing_from_a_return_is_one_error_naming_the_department(example):
    path = example / "input" / "信访局" / "2025年度乡镇考核指标数据（信访局）.xlsx"
    unit = _unit_in_row(path, 9)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0].delete_rows(9)
    wb.save(path)
    res = kaohe("check", example)
    assert res.returncode == 1
    assert f"[错误] “信访局”报送的报表中没有单位“{unit}”" in res.stdout
    assert res.stdout.count(f"没有单位“{unit}”") == 1  # once, not once per indicator


def test_two_files_disagreeing_on_a_value_name_both_cells(example):
    path = example / "input" / STATS
    col = _column_of(path, "地区生产总值增长率")
    unit = _unit_in_row(path, 10)
    extra = example / "input" / "统计局" / "补报.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "补报"
    ws.append(["乡镇名称", "地区生产总值增长率（%）"])
    ws.append([unit, 99.9])
    wb.save(extra)
    res = kaohe("check", example)
    assert res.returncode == 1
    line = next(l for l in res.stdout.splitlines() if "不一致" in l)
    assert f"{STATS} › 指标数据!{col}10" in line and "补报.xlsx › 补报!B2" in line and "99.9" in line


def test_a_gap_the_scheme_allows_is_scored_and_marked_everywhere(example):
    """With `missing = "zero"` a blank cell is no error: the run scores it 0 and marks the unit's score in the
    issue list, results.json, the detail sheet and a note under the official table."""
    config = example / "config.toml"
    config.write_text(config.read_text("utf-8").replace('per_event = 2\n', 'per_event = 2\nmissing = "zero"\n', 1),
                      "utf-8")
    path = example / "input" / "信访局" / "2025年度乡镇考核指标数据（信访局）.xlsx"
    unit = _unit_in_row(path, 9)
    _edit(path, "C9", None)
    res = kaohe("run", example)
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"指标数据!C9：缺少数据，按方案记 0 分（该单位此项得分已标注）（{unit} · F1 越级上访批次）" in res.stdout
    results = json.loads((example / "output" / "results.json").read_text("utf-8"))
    marked = {u["unit"]: u["gaps"] for u in results["units"] if u["gaps"]}
    assert marked == {unit: [{"indicator": "F1", "policy": "记 0 分"}]}
    assert next(u for u in results["units"] if u["unit"] == unit)["indicators"]["F1"] == 0.0
    wb = openpyxl.load_workbook(example / "output" / "考核结果汇总表.xlsx")
    texts = [c.value for row in wb["汇总表"].iter_rows() for c in row if isinstance(c.value, str)]
    assert f"注：下列单位有指标缺数据，已按考核方案处理：{unit}（F1 记 0 分）。" in texts
    detail = [[c.value for c in row] for row in wb["明细"].iter_rows()]
    assert any(unit in row and "缺数据，按方案记 0 分" in row for row in detail)


def _console_lines(res) -> list[str]:
    return [line.strip() for line in res.stdout.splitlines()]


def test_console_lists_errors_first_then_warnings_with_counts_and_the_list_path(example):
    """Warnings in files read first (an unknown column, 38 duplicates) never push the one error off the screen."""
    xf = example / "input" / "信访局" / "2025年度乡镇考核指标数据（信访局）.xlsx"
    wb = openpyxl.load_workbook(xf)
    wb.worksheets[0]["F3"] = "受理件数"  # an unknown column: a warning in a file read before the error's
    wb.save(xf)
    ws = openpyxl.load_workbook(example / "input" / STATS).worksheets[0]
    copy = openpyxl.Workbook()
    out = copy.active
    out.append(["乡镇名称", "地区生产总值增长率（%）", "规模以上工业增加值增长率（%）"])
    for r in range(5, 24):  # the same A1 and A2 values again: 38 `duplicate` warnings (half the keys: no resubmission)
        out.append([ws[f"B{r}"].value, ws[f"C{r}"].value, ws[f"D{r}"].value])
    (example / "input" / "发改局").mkdir()
    copy.save(example / "input" / "发改局" / "增长率.xlsx")
    path = example / "input" / "财政局" / "2025年度乡镇考核指标数据（财政局）.xlsx"
    _edit(path, "C7", "12..5")  # the one error, in the last file read
    res = kaohe("run", example)
    assert res.returncode == 1, res.stdout + res.stderr
    lines = _console_lines(res)
    with open(example / "output" / "数据问题.csv", encoding="utf-8-sig", newline="") as fh:
        listed = [row[0] for row in csv.reader(fh)][1:]
    counts = {s: listed.count(s) for s in ("错误", "警告", "提示") if s in listed}
    assert counts["错误"] == 1 and counts["警告"] == 39
    summary = "，".join(f"{s} {n} 条" for s, n in counts.items())
    first_error = next(k for k, l in enumerate(lines) if l.startswith("[错误]"))
    first_warning = next(k for k, l in enumerate(lines) if l.startswith("[警告]"))
    assert f"数据检查：{summary}" in lines and lines.index(f"数据检查：{summary}") < first_error < first_warning
    assert lines[first_error - 1] == "财政局/2025年度乡镇考核指标数据（财政局）.xlsx"  # grouped under its file
    assert "“12..5”不是有效数字" in lines[first_error]
    assert sum(l.startswith("[警告]") for l in lines) == 20 and "……另有 19 条警告" in lines  # warnings limited
    assert lines[-1] == f"共 {summary}。问题清单：{example / 'output' / '数据问题.xlsx'}"
    assert (example / "output" / "数据问题.xlsx").is_file()


def test_console_names_the_issue_list_of_a_scored_run(example):
    path = example / "input" / SURVEY
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    row = next(r for r in range(1, 6) if ws.cell(r, 6).value == "满意") + 1
    for col in (6, 7, 8):
        ws.cell(row, col).value = 0  # one warning: nobody could answer
    ws.cell(row, 9).value = 12
    wb.save(path)
    res = kaohe("run", example)
    assert res.returncode == 0, res.stdout + res.stderr
    lines = _console_lines(res)
    assert "警告（1 条）：" in lines and not any(l.startswith("[错误]") for l in lines)
    assert f"共 警告 1 条。问题清单：{example / 'output' / '数据问题.csv'}" in lines


def test_issues_without_a_file_are_one_group(example):
    shutil.rmtree(example / "input" / "信访局")
    res = kaohe("check", example)
    assert res.returncode == 1
    lines = _console_lines(res)
    errors = lines.index(next(l for l in lines if l.startswith("错误（")))
    group = lines.index("（全部报表）")
    missing = next(k for k, l in enumerate(lines) if "缺少“信访局”报送的报表" in l)
    assert errors < group < missing and all(l.startswith("[错误]") for l in lines[group + 1:missing + 1])
    assert lines.count("（全部报表）") == 1  # every error without a file under one heading


@pytest.mark.parametrize("args, message", [
    (["rnu"], "错误：没有命令“rnu”，是不是要输入“run”？运行 kaohe --help 查看用法。"),
    (["frobnicate"], "错误：没有命令“frobnicate”。运行 kaohe --help 查看用法。"),
    (["run", "--quite"], "错误：没有选项 --quite，是不是要输入 --quiet？运行 kaohe --help 查看用法。"),
    (["publish", ".", "--as", "发布"], "错误：选项 --as 的值“发布”无效，可选：公示、定稿。运行 kaohe --help 查看用法。"),
    (["publish", "."], "错误：缺少选项 --as。运行 kaohe --help 查看用法。"),
    (["publish", ".", "--as"], "错误：选项 --as 后面须写上它的值。运行 kaohe --help 查看用法。"),
    (["run", "a", "b"], "错误：多了参数：b（文件夹名中有空格时请加引号）。运行 kaohe --help 查看用法。"),
    (["diff", ".", "x"], "错误：参数“原运行序号”的值“x”无效（须为整数）。运行 kaohe --help 查看用法。"),
])
def test_click_usage_errors_are_chinese(args, message, tmp_path):
    res = kaohe(*args, cwd=tmp_path)
    assert res.returncode == 2 and res.stderr.strip() == message


def test_kaohe_alone_shows_the_help():
    res = kaohe()
    assert res.returncode == 0 and res.stdout.startswith("用法： kaohe [选项] 命令 [参数]...") and res.stderr == ""
