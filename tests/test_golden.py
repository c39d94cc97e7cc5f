"""Golden-file tests of the official tables (issue 12, item 6): every workbook and results.json of each example.

One real `kaohe run` per example (the bundled one and each examples/*/ folder), on a copy prepared exactly as
`python -m tests.golden` prepares it (tests/golden.py: pinned mtimes, so the 制表日期 is fixed), compared cell by
cell — values, number formats, merges, widths, heights, freeze panes, print setup — with tests/golden/<example>/.
"""

from __future__ import annotations

import json

import pytest

import golden
from conftest import kaohe

EXAMPLES = list(golden.examples())


@pytest.fixture(scope="module", params=EXAMPLES)
def run(request, tmp_path_factory):
    """One run of one example, shared by the tests of that example."""
    folder = golden.prepare(request.param, tmp_path_factory.mktemp(f"golden-{request.param}"))
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    return request.param, folder


def test_outputs_match_goldens(run):
    example, folder = run
    assert (golden.GOLDEN / example).is_dir(), (
        f"no golden files for example {example!r}: run `{golden.REGENERATE} {example}` and review what it writes")
    diffs = golden.compare(example, folder)
    if diffs:
        pytest.fail(golden.report(example, diffs), pytrace=False)


def test_goldens_cover_the_official_tables(run):
    """The goldens hold what the task names (a run that silently stopped writing a table would fail here too)."""
    example, folder = run
    names = set(golden.outputs(folder))
    assert {golden.RESULTS_JSON, "考核结果汇总表.xlsx", "考核结果公示表.xlsx", "单位评分卡.xlsx"} <= names
    base = golden.GOLDEN / example
    summary = golden.load(base / "考核结果汇总表.json")
    results = golden.load(base / golden.RESULTS_JSON)
    first = summary["sheets"][summary["sheet_order"][0]]
    assert first["print"]["paper_size"] == 9
    assert first["print"]["fit_to_page"] is True or first["print"]["scale"] >= 82
    assert first["merged"] and first["freeze_panes"]
    assert any(c[2] == "0.00" for c in first["cells"])  # published scores carry their number format
    assert any("制表日期：2026年1月15日" == c[1] for c in first["cells"])  # the pinned mtime decides the date
    assert len(results["units"]) >= 3
    unit = results["units"][0]
    assert any(c[1] == unit["unit"] for c in first["cells"]), unit["unit"]
    if example == golden.BUNDLED:  # the scheme's office table templates, one per unit for the per-unit one
        assert "考核结果汇总表（统一格式）.xlsx" in names
        per_unit = [n for n in names if n.startswith("单位考核得分表（统一格式）/")]
        assert len(per_unit) == len(results["units"])


def test_no_goldens_without_an_example():
    """A golden folder whose example was removed or renamed is stale."""
    stale = sorted(p.name for p in golden.GOLDEN.iterdir() if p.is_dir() and p.name not in EXAMPLES)
    assert not stale, f"tests/golden/ holds {stale}, which are no example: regenerate with `{golden.REGENERATE}`"


def test_differences_name_workbook_sheet_cell_and_values():
    """The comparison itself: a changed value, a changed format, a missing cell and a changed print setting."""
    sheet = {"state": "visible", "freeze_panes": "A2", "merged": ["A1:B1"], "columns": [["A", 10.0]], "rows": [],
             "autofilter": None, "print": {"orientation": "landscape", "paper_size": 9},
             "cells": [["A1", "标题", "General"], ["B10", 85.12, "0.00"], ["B2", 3, "0"]]}
    gold = {"sheet_order": ["汇总表"], "sheets": {"汇总表": sheet}}
    now = json.loads(json.dumps(gold))
    cells = now["sheets"]["汇总表"]["cells"]
    cells[1] = ["B10", 85.13, "0.0"]
    del cells[2]
    now["sheets"]["汇总表"]["print"]["orientation"] = "portrait"
    diffs = golden.differences("考核结果汇总表.xlsx", gold, now)
    assert diffs == [
        "考核结果汇总表.xlsx › 汇总表 › print.orientation: golden \"landscape\", now \"portrait\"",
        "考核结果汇总表.xlsx › 汇总表 › B2: golden 3 (format '0'), now empty",
        "考核结果汇总表.xlsx › 汇总表 › B10: value golden 85.12, now 85.13",
        "考核结果汇总表.xlsx › 汇总表 › B10: number format golden '0.00', now '0.0'",
    ]
    assert golden.differences("考核结果汇总表.xlsx", gold, gold) == []
    assert golden.differences("results.json", {"units": [{"total": 1.5}]}, {"units": [{"total": "1.5"}]}) == [
        "results.json › units[0].total: golden 1.5, now \"1.5\""]
    units = [{"unit": "甲镇", "total": 90.5}, {"unit": "乙乡", "total": 88.0}]
    now = {"units": [units[1], {**units[0], "total": 90.49}]}
    assert golden.differences("results.json", {"units": units}, now) == [
        "results.json › units: golden units [\"甲镇\", \"乙乡\"], now [\"乙乡\", \"甲镇\"]",
        "results.json › units[unit=甲镇].total: golden 90.5, now 90.49"]


def test_describe_reads_what_the_writer_set(tmp_path):
    """The description of a workbook written by xlsxwriter holds every property the goldens compare."""
    import datetime as dt

    import xlsxwriter

    path = tmp_path / "表.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("汇总表")
    ws.merge_range("A1:C1", "标题", wb.add_format({"bold": True}))
    ws.write_number("B3", 85.125, wb.add_format({"num_format": "0.00"}))
    ws.write_formula("C3", "=B3*2", None, 170.25)
    ws.write_datetime("A4", dt.datetime(2026, 1, 15), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.set_column("B:D", 12)
    ws.set_row(0, 36)
    ws.freeze_panes(2, 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(1, 2)
    ws.set_footer("&C第 &P 页")
    ws.set_margins(left=0.4, right=0.4)
    ws.print_area("A1:D4")
    wb.add_worksheet("说明").hide()
    wb.close()
    d = golden.as_json(golden.describe(path))
    assert d["sheet_order"] == ["汇总表", "说明"]
    s = d["sheets"]["汇总表"]
    assert s["cells"] == [["A1", "标题", "General"], ["B3", 85.125, "0.00"], ["C3", "=B3*2", "General"],
                          ["A4", {"datetime": "2026-01-15T00:00:00"}, "yyyy-mm-dd"]]
    assert s["merged"] == ["A1:C1"] and s["freeze_panes"] == "B3"
    assert s["columns"] == [["B:D", 12.7109375]] and s["rows"] == [[1, 36.0]]
    p = s["print"]
    assert (p["orientation"], p["paper_size"], p["fit_to_page"], p["fit_to_height"]) == ("landscape", 9, True, 0)
    assert p["title_rows"] == "$2:$3" and p["area"] == "'汇总表'!$A$1:$D$4"
    assert p["oddFooter"] == {"center": "第 &P 页"} and p["margins"]["left"] == 0.4
    assert d["sheets"]["说明"]["state"] == "hidden"


def test_compare_names_missing_and_unexpected_outputs(tmp_path, monkeypatch):
    """An output with no golden, and a golden with no output, are each a difference naming the file."""
    monkeypatch.setattr(golden, "GOLDEN", tmp_path / "golden")
    (tmp_path / "golden" / "ex").mkdir(parents=True)
    (tmp_path / "golden" / "ex" / "results.json").write_text('{"units": []}', encoding="utf-8")
    (tmp_path / "golden" / "ex" / "考核结果公示表.json").write_text('{"sheet_order": [], "sheets": {}}', encoding="utf-8")
    out = tmp_path / "run" / "output"
    out.mkdir(parents=True)
    (out / "results.json").write_text('{"units": [1]}', encoding="utf-8")
    import openpyxl

    openpyxl.Workbook().save(out / "新表.xlsx")
    diffs = golden.compare("ex", tmp_path / "run")
    assert diffs == {
        "results.json": ["results.json › units: golden [], now [1]"],
        "考核结果公示表.xlsx": ["考核结果公示表.xlsx: has a golden file tests/golden/ex/考核结果公示表.json but the run "
                          "wrote no such output"],
        "新表.xlsx": ["新表.xlsx: written by the run but has no golden file tests/golden/ex/新表.json"],
    }
    text = golden.report("ex", diffs)
    assert "in 3 places (results.json 1, 考核结果公示表.xlsx 1, 新表.xlsx 1)" in text
    assert "python -m tests.golden ex" in text
