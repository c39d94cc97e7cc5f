"""Tables found by their content: returns that departments laid out themselves read as the bundled example does.

Each case rewrites one return of a copy of the bundled example in a layout real offices send (real .xlsx files
written by openpyxl) and runs the real stages. The expectation is never "it did not crash": the normalized data —
the long value table, the survey tallies, the registers — must equal what the unmodified example gives, every value
must come from the cell the rewrite put it in, and nothing may be reported as an error.
"""

from __future__ import annotations

import openpyxl
import pytest

from conftest import ROOT, kaohe
from pipeline.ingest import ingest
from pipeline.issues import ERROR, WARNING
from pipeline.normalize import normalize
from pipeline.scheme import load_scheme, parse_scheme
from test_header_variants import (INDEX, SCHEME, STATS, STATS_ROWS, TITLE, UNITS, _long, _stages, baseline,
                                  rewrite_stats, write_table)

SURVEY = next((ROOT / "input" / "公众评议").glob("*.xlsx")).relative_to(ROOT / "input")
ADJUST = next((ROOT / "input" / "考核办").glob("*加减分*.xlsx")).relative_to(ROOT / "input")
VETO = next((ROOT / "input" / "考核办").glob("*否决*.xlsx")).relative_to(ROOT / "input")
HISTORY = next((ROOT / "input" / "上年结果").glob("*.xlsx")).relative_to(ROOT / "input")
_CACHE: dict = {}


def bundled_data():
    if "data" not in _CACHE:
        _CACHE["data"] = normalize(SCHEME, ingest(ROOT, SCHEME))
    return _CACHE["data"]


def registers(data) -> dict:
    """What the registers and the survey hold, without where it came from (the layouts differ)."""
    return {
        "tallies": sorted((t.unit, t.round, t.category, t.question, tuple(sorted(t.counts.items())), t.unknown)
                          for t in data.tallies),
        "adjustments": sorted((a["unit"], a["kind"], a["value"], a["reason"]) for a in data.adjustments),
        "vetoes": sorted((v["unit"], v["item"]) for v in data.vetoes),
        "history": sorted((u, h["rank"], h["total"]) for u, h in data.history.items()),
    }


def errors(data) -> list[str]:
    return [i.text() for i in data.issues if i.severity == ERROR]


def run_stages(folder, scheme=SCHEME):
    return normalize(scheme, ingest(folder, scheme))


def sheet_rows(rel) -> list[list]:
    """The bundled return's first sheet, row by row (values as filed)."""
    ws = openpyxl.load_workbook(ROOT / "input" / rel).worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


# ----------------------------------------------------------------------------------- the unit axis by content
@pytest.mark.parametrize("header", ["镇别", None, "乡镇（街道）名称", "单位（盖章）", "被考核乡镇（街道）"])
def test_unit_column_is_found_by_its_cells_whatever_its_header(example, header):
    cols = [("seq", "序号", None), ("unit", header, None), ("A1", "地区生产总值增长率（%）", "完成值"),
            ("A2", "规模以上工业增加值增长率（%）", "完成值"), ("A3", "固定资产投资完成额（万元）", "完成值"),
            ("A3:target", "固定资产投资完成额（万元）", "目标值")]
    written = rewrite_stats(example, cols)
    data = _stages(example)
    assert errors(data) == []
    assert _long(data) == baseline()
    got = {(r.unit, r.indicator): r.source for r in data.values.itertuples() if r.indicator in ("A1", "A2")
           and r.period == "2025"}
    assert got == {(u, k): f"{STATS} › 指标数据!{cell}" for (u, k), cell in written["cells"].items() if k in ("A1", "A2")}


def _transposed(ws, rows=STATS_ROWS, title=TITLE):
    """The statistics-office layout: indicators down the side, townships across the top."""
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    ws.append(["填报单位：统计局（盖章）", None, None, None, "填报日期：2026年1月10日"])
    ws.append(["序号", "指标名称", "计量单位", *[r["unit"] for r in rows]])
    lines = [("地区生产总值增长率", "%", "A1"), ("规模以上工业增加值增长率", "%", "A2"),
             ("固定资产投资完成额", "万元", "A3"), ("固定资产投资完成额目标值", "万元", "A3:target")]
    cells = {}
    for k, (name, unit, key) in enumerate(lines, 1):
        ws.append([k, name, unit, *[r[key] for r in rows]])
        for j, r in enumerate(rows):
            cells[(r["unit"], key)] = ws.cell(3 + k, 4 + j).coordinate
    ws.append(["注：增长率按可比价计算。"])
    return cells


def test_units_across_the_top_read_as_units_down_the_side(example):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标数据"
    cells = _transposed(ws)
    wb.save(example / "input" / STATS)
    data = _stages(example)
    assert errors(data) == []
    assert _long(data) == baseline()
    got = {}
    for r in data.values.itertuples():
        if r.indicator in ("A1", "A2", "A3") and r.period == "2025":
            got[(r.unit, r.indicator)] = r.source
            if r.indicator == "A3":
                got[(r.unit, "A3:target")] = r.target_source
    assert got == {k: f"{STATS} › 指标数据!{cell}" for k, cell in cells.items()}  # the real cells, not transposed ones


def test_a_bad_cell_in_a_transposed_table_is_named_where_it_is(example):
    rows = [dict(r) for r in STATS_ROWS]
    rows[2]["A1"] = "12..5"  # 西湖镇, the third township: column F in the transposed layout
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标数据"
    _transposed(ws, rows)
    wb.save(example / "input" / STATS)
    data = _stages(example)
    bad = [i for i in data.issues if i.code == "not-a-number"]
    assert [(i.cell, i.unit, i.params["text"]) for i in bad] == [("F4", rows[2]["unit"], "12..5")]


def test_unit_names_merged_down_and_sections_between_them(example):
    """A survey laid out with each township merged down over its rows, groups under section rows, a 全县 line."""
    rows = sheet_rows(SURVEY)
    header, body = rows[2], rows[3:]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["XX县2025年度乡镇公众评议结果统计表"])
    ws.append(header)
    groups = {u.name: u.group for u in SCHEME.units}
    current_group, start, previous = None, None, None
    for line in body:
        unit = line[1]
        if groups[unit] != current_group:
            current_group = groups[unit]
            ws.append([f"{'一' if current_group == '平原乡镇' else '二'}、{current_group}"])
        if unit != previous:
            start = ws.max_row + 1
        ws.append([line[0], unit if unit != previous else None, *line[2:]])
        if unit == previous:
            ws.merge_cells(start_row=start, start_column=2, end_row=ws.max_row, end_column=2)
        previous = unit
    ws.append([None, "全县合计", None, None, None, 9999, 9999, 0, 0])
    wb.save(example / "input" / SURVEY)
    data = run_stages(example)
    assert errors(data) == []
    assert registers(data)["tallies"] == registers(bundled_data())["tallies"]


# ----------------------------------------------------------------------------------- surveys
def _survey_by_category(folder, where: str):
    """One sheet per respondent category, one file per round; the round only in the title or only in the file."""
    rows = sheet_rows(SURVEY)[3:]
    (folder / "input" / SURVEY).unlink()
    for k, rnd in enumerate(SCHEME.survey.rounds):
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for cat in SCHEME.survey.categories:
            ws = wb.create_sheet(cat)
            ws.append([f"XX县2025年度{rnd if where == 'title' else ''}公众评议统计表（{cat}）"])
            ws.append(["序号", "乡镇", "测评内容", "满意", "基本满意", "不满意", "不了解"])  # an unlisted question header
            for line in rows:
                if line[2] == rnd and line[3] == cat:
                    ws.append([line[0], line[1], line[4], *line[5:]])
        name = f"评议表{k + 1}.xlsx" if where == "title" else f"2025年度{rnd}评议统计.xlsx"
        wb.save(folder / "input" / "公众评议" / name)


@pytest.mark.parametrize("where", ["title", "file"])
def test_survey_sheet_per_category_with_the_round_in_the_title_or_file_name(example, where):
    _survey_by_category(example, where)
    data = run_stages(example)
    assert errors(data) == []
    assert registers(data)["tallies"] == registers(bundled_data())["tallies"]


def test_survey_round_nowhere_is_an_error_and_the_scheme_can_say_it(example, tmp_path):
    rows = sheet_rows(SURVEY)[3:]
    (example / "input" / SURVEY).unlink()
    for k, rnd in enumerate(SCHEME.survey.rounds):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "评议"
        ws.append(["序号", "乡镇名称", "评议群体", "评议题目", "满意", "基本满意", "不满意", "不了解"])
        for line in rows:
            if line[2] == rnd:
                ws.append([line[0], line[1], *line[3:]])
        wb.save(example / "input" / "公众评议" / f"第{k + 1}批.xlsx")
    data = run_stages(example)
    assert {i.code for i in data.issues if i.severity == ERROR} == {"missing-round", "missing-survey"}  # no guess
    raw = SCHEME.model_dump(exclude_unset=True)
    raw["ingest"] = {"files": [{"file": "公众评议/第1批.xlsx", "round": "中期"},
                               {"file": "公众评议/第2批.xlsx", "round": "年终"}]}
    taught = parse_scheme(raw)
    data = run_stages(example, taught)
    assert errors(data) == []
    assert registers(data)["tallies"] == registers(bundled_data())["tallies"]


# ----------------------------------------------------------------------------------- registers
def test_register_split_into_one_sheet_per_kind_without_the_word_in_its_title(example):
    rows = sheet_rows(ADJUST)[2:]
    (example / "input" / ADJUST).unlink()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for adj in SCHEME.adjustments:
        ws = wb.create_sheet(adj.name)
        ws.append(["XX县2025年度专项督查及察访核验情况登记"])
        ws.append(["序号", "乡镇名称", "分值", "事由", "认定部门"])
        for line in rows:
            if line[2] == adj.name:
                ws.append([line[0], line[1], line[3], line[4], line[5]])
    wb.save(example / "input" / "考核办" / "督查登记.xlsx")
    data = run_stages(example)
    assert errors(data) == []
    assert registers(data)["adjustments"] == registers(bundled_data())["adjustments"]


def test_register_whose_kind_column_has_an_unlisted_header(example):
    """The kind column is known by its cells (adjustment names), the value column as the only numeric one."""
    rows = sheet_rows(ADJUST)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["XX县2025年度专项督查及察访核验登记表"])
    ws.append(["序号", "乡镇名称", "督查类型", "核定分数（分）", "事由", "认定部门"])
    for line in rows[2:]:
        ws.append(line)
    (example / "input" / ADJUST).unlink()
    wb.save(example / "input" / "考核办" / "督查登记.xlsx")
    data = run_stages(example)
    assert errors(data) == []
    assert registers(data)["adjustments"] == registers(bundled_data())["adjustments"]


# ----------------------------------------------------------------------------------- a sheet per year
def test_workbook_with_a_sheet_per_year(example):
    """2025 is this year's data, 2024 last year's (the composite index's x_{t-1}), 2023 is not used: no conflicts."""
    index_rows = sheet_rows(INDEX)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for year, pick in ((2023, (3, 5)), (2024, (3, 5)), (2025, (2, 4))):  # columns of 本年值 / 上年值
        ws = wb.create_sheet(f"{year}年")
        ws.append(["序号", "乡镇名称", "地区生产总值（亿元）", "单位地区生产总值能耗（吨标准煤/万元）"])
        for line in (x for x in index_rows if x[1] in SCHEME.unit_names):
            scale = 0.8 if year == 2023 else 1  # 2023's figures differ: read, they would conflict
            ws.append([line[0], line[1], line[pick[0]] * scale, line[pick[1]] * scale])
    wb.save(example / "input" / INDEX)
    data = _stages(example, INDEX)
    assert errors(data) == []
    assert _long(data) == baseline()
    skipped = [i for i in data.issues if i.code == "other-year-sheet"]
    assert [(i.severity, i.sheet, i.params["year"]) for i in skipped] == [(WARNING, "2023年", 2023)]


# ----------------------------------------------------------------------------------- completeness
def _break_register(folder, rel):
    """The register is there, but laid out so nothing marks it: no kind word anywhere, no unit names, odd headers."""
    (folder / "input" / rel).unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["登记"])
    ws.append(["对象", "分数", "说明"])
    ws.append(["（见附件）", 2, "待核"])
    wb.save(folder / "input" / "考核办" / "登记.xlsx")


@pytest.mark.parametrize("rel,register", [(ADJUST, "加减分登记表"), (VETO, "一票否决登记表"), (HISTORY, "上年考核结果")])
def test_a_register_the_scheme_relies_on_never_vanishes_with_exit_0(example, rel, register):
    (example / "input" / rel).unlink()
    if rel == ADJUST:  # once through the real command: the message a clerk reads, exit 1, nothing published
        res = kaohe("run", example)
        assert res.returncode == 1, res.stdout
        assert f"[错误] 缺少{register}：已检查" in res.stdout
    else:
        from pipeline.run import run_assessment

        outcome = run_assessment(example)
        assert outcome.exit_code == 1
        assert any(i.text().startswith(f"[错误] 缺少{register}：已检查") for i in outcome.issues)
    assert not (example / "output" / "results.json").exists()


def test_an_unrecognised_register_names_what_was_examined(example):
    _break_register(example, ADJUST)
    data = run_stages(example)
    missing = [i for i in data.issues if i.code == "missing-register"]
    assert len(missing) == 1 and missing[0].severity == ERROR
    assert "加减分登记表" in missing[0].message and "已检查 11 个文件" in missing[0].message


def test_a_sheet_naming_units_is_never_dropped_below_warning(example):
    """A register whose kind nothing shows (no kind word, cells that are no adjustment names) but which names units."""
    (example / "input" / ADJUST).unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["序号", "乡镇名称", "事项", "情况"])
    ws.append([1, "城关镇", "观摩会", "承办"])
    ws.append([2, "东关镇", "通报", "表扬"])
    wb.save(example / "input" / "考核办" / "登记.xlsx")
    data = run_stages(example)
    unused = [i for i in data.issues if i.file.endswith("登记.xlsx")]
    assert [(i.severity, i.code, i.params["units"]) for i in unused] == [(WARNING, "unused-sheet", 2)]
    assert "没有一列的表头与方案中的指标" in unused[0].message
    assert "missing-register" in {i.code for i in data.issues if i.severity == ERROR}


def test_an_optional_register_may_be_absent(example):
    (example / "input" / VETO).unlink()
    raw = SCHEME.model_dump(exclude_unset=True)
    raw["ingest"] = {"optional": ["veto"]}
    data = run_stages(example, parse_scheme(raw))
    assert errors(data) == []
    assert [(i.severity, i.code) for i in data.issues if "register" in i.code] == [(WARNING, "optional-register")]


def test_an_empty_register_counts_as_found(example):
    """Header only, no entries: the office says there was nothing to register."""
    (example / "input" / VETO).unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["XX县2025年度乡镇目标管理考核一票否决事项登记表"])
    ws.append(["序号", "乡镇名称", "否决事项", "认定部门", "否决原因"])
    wb.save(example / "input" / "考核办" / "否决登记（无）.xlsx")
    data = run_stages(example)
    assert errors(data) == []
    assert data.vetoes == []


def test_a_missing_indicator_return_says_what_was_examined(example):
    """信访局's return with headers nothing matches: the missing return names the sheet examined and why."""
    petitions = next((example / "input" / "信访局").glob("*.xlsx"))
    wb = openpyxl.load_workbook(petitions)
    ws = wb.worksheets[0]
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and ("越级" in c.value or "办结" in c.value):
                c.value = "受理件数"
    wb.save(petitions)
    data = run_stages(example)
    missing = [i for i in data.issues if i.code == "missing-return"]
    assert len(missing) == 1 and missing[0].severity == ERROR
    rel = petitions.relative_to(example / "input")
    assert "缺少“信访局”报送的报表" in missing[0].message
    assert f"{rel} › {ws.title}（找到单位列，但没有一列的表头与方案中的指标" in missing[0].message


# ----------------------------------------------------------------------------------- ambiguity and teaching
def test_a_header_naming_two_indicators_is_an_error_never_a_guess(example):
    cols = [("seq", "序号", None), ("unit", "乡镇名称", None),
            ("A1", "地区生产总值增长率及规模以上工业增加值增长率（%）", "完成值"),
            ("A2", "规模以上工业增加值增长率（%）", "完成值"), ("A3", "固定资产投资完成额（万元）", "完成值"),
            ("A3:target", "固定资产投资完成额（万元）", "目标值")]
    written = rewrite_stats(example, cols)
    data = _stages(example)
    amb = [i for i in data.issues if i.code == "ambiguous-column"]
    assert [(i.severity, i.cell) for i in amb] == [(ERROR, f"C{written['header']}")]
    assert "A1 地区生产总值增长率" in amb[0].message and "A2 规模以上工业增加值增长率" in amb[0].message


def test_the_scheme_teaches_a_header_and_an_ignored_sheet(example):
    cols = [("seq", "序号", None), ("unit", "乡镇名称", None), ("A1", "GDP增速", "完成值"),
            ("A2", "规模以上工业增加值增长率（%）", "完成值"), ("A3", "固定资产投资完成额（万元）", "完成值"),
            ("A3:target", "固定资产投资完成额（万元）", "目标值")]
    rewrite_stats(example, cols)
    wb = openpyxl.load_workbook(example / "input" / STATS)
    copy = wb.copy_worksheet(wb.worksheets[0])
    copy.title = "草稿"
    copy["D5"] = 1.0  # a draft with another A2 figure: read, it would conflict
    wb.save(example / "input" / STATS)
    untaught = {i.code for i in run_stages(example).issues if i.severity == ERROR}
    assert {"conflict", "missing-unit"} <= untaught  # A1 is not read, the draft's A2 differs
    raw = SCHEME.model_dump(exclude_unset=True)
    raw["ingest"] = {"headers": {"A1": ["GDP增速"]}, "files": [{"file": "统计局/*", "sheet": "草稿", "kind": "ignore"}]}
    taught = parse_scheme(raw)
    data = normalize(taught, ingest(example, taught))
    assert errors(data) == []
    assert _long(data) == baseline()
    reading = next(r for r in ingest(example, taught).readings if (r.file, r.sheet) == (str(STATS), "指标数据"))
    a1 = next(c for c in reading.columns if c.role.startswith("A1 "))
    assert a1.how == "方案 [ingest] 指定的表头"


def test_teaching_keys_are_checked():
    raw = load_scheme(ROOT).model_dump(exclude_unset=True)
    raw["ingest"] = {"files": [{"file": "*", "kind": "registers"}]}
    with pytest.raises(Exception) as exc:
        parse_scheme(raw)
    assert "ingest.files[1].kind" in str(exc.value)


# ----------------------------------------------------------------------------------- the reading map
def test_kaohe_check_shows_how_every_sheet_was_read(example):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标数据"
    _transposed(ws)
    wb.create_sheet("说明").append(["本表由县统计局填报。"])
    wb.save(example / "input" / STATS)
    res = kaohe("check", example)
    assert res.returncode == 0, res.stdout + res.stderr
    out = res.stdout
    assert out.startswith("读取情况：")
    assert (f"{STATS} › 指标数据：指标数据表；单位在第 3 行（单位横排）（识别出 19 个单位）；表头列 A–C；读取 19 行"
            in out)
    assert "A4“1/地区生产总值增长率/%” → A1 地区生产总值增长率（完成值）（表头与指标名称一致）" in out
    assert "A7“4/固定资产投资完成额目标值/万元” → A3 固定资产投资完成额（目标值）（表头包含指标名称）" in out
    assert f"{STATS} › 说明：未采用。表中没有方案中的单位名称" in out
    assert f"{ADJUST} › 加减分登记：加减分登记表（依据：列标题）；单位在列 B" in out
    xlsx = openpyxl.load_workbook(example / "output" / "数据问题.xlsx")
    assert "读取情况" in xlsx.sheetnames
    cells = [[c.value for c in row] for row in xlsx["读取情况"].iter_rows()]
    assert any(row[:3] == [str(STATS), "指标数据", "指标数据表"] for row in cells)
    assert any(row[6] == "A4" and row[8] == "A1 地区生产总值增长率（完成值）" for row in cells)


# ----------------------------------------------------------------------------------- no input vanishes with exit 0
def _remove(folder, pattern: str) -> None:
    found = list((folder / "input").glob(pattern))
    assert found, pattern
    for path in found:
        path.unlink()


def _village(tmp_path):
    import shutil

    folder = tmp_path / "village"
    shutil.copytree(ROOT / "examples" / "village", folder, ignore=shutil.ignore_patterns("output"))
    return folder


@pytest.mark.parametrize("what,pattern,code", [
    ("indicator return", "信访局/*.xlsx", "missing-return"),
    ("composite-index return (last year's values)", "统计局/*综合指数*.xlsx", "missing-unit"),
    ("survey", "公众评议/*.xlsx", "missing-survey"),
    ("adjustments register", "考核办/*加减分*.xlsx", "missing-register"),
    ("veto register", "考核办/*否决*.xlsx", "missing-register"),
    ("last year's results", "上年结果/*.xlsx", "missing-register"),
])
def test_no_input_the_scheme_relies_on_vanishes_with_exit_0(example, what, pattern, code):
    from pipeline.run import run_assessment

    _remove(example, pattern)
    outcome = run_assessment(example)
    assert outcome.exit_code == 1, what
    assert code in {i.code for i in outcome.issues if i.severity == ERROR}, what
    assert not (example / "output" / "results.json").exists()


def test_no_ratings_or_falsified_register_vanishes_with_exit_0(tmp_path):
    """The village scheme: its leadership ratings; and a falsified-data register the scheme says it relies on."""
    from pipeline.run import run_assessment

    folder = _village(tmp_path)
    _remove(folder, "班子成员评分/*.xlsx")
    outcome = run_assessment(folder)
    assert outcome.exit_code == 1 and "missing-ratings" in {i.code for i in outcome.issues}
    folder = _village(tmp_path / "2")
    config = folder / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[ingest]\nrequired = ["falsified"]\n', encoding="utf-8")
    outcome = run_assessment(folder)
    missing = [i for i in outcome.issues if i.code == "missing-register"]
    assert outcome.exit_code == 1 and [i.params["register"] for i in missing] == ["弄虚作假登记表"]
