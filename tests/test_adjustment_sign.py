"""An adjustment means one thing everywhere (issue 12): a rank-based kind's +2 that the engine adds is +2 in the
summary workbook, the score card, the publicity workbook, the .html report and results.json, and a −2 is −2 in all of
them (the report used to print every non-bonus kind as a deduction: "−2.00" for a +2). The register's entry for a rank
kind is a place, shown as "第19名", never as 19 points."""

from __future__ import annotations

import html
import json
import re

import openpyxl
import pytest

from conftest import copy_bundled, kaohe

KIND = "全市营商环境评价"
UP, DOWN = "东关镇", "桃源乡"  # 1st (+2) and 19th of 19 (−2) in the external ranking


@pytest.fixture(scope="module")
def signed_run(tmp_path_factory):
    folder = copy_bundled(tmp_path_factory.mktemp("sign"))
    with open(folder / "config.toml", "a", encoding="utf-8") as fh:
        fh.write(f'\n[[adjustments]]\nname = "{KIND}"\nsign = "rank"\ncap = 3\nrank_of = 19\n'
                 'rank_rules = [{top = 2, points = 2}, {bottom = 2, points = -2}]\n')
    register = folder / "input" / "考核办" / "2025年度加减分登记表.xlsx"
    wb = openpyxl.load_workbook(register)
    ws = wb.active
    ws.append([13, UP, KIND, 1, f"{KIND}第1名", "市营商办"])
    ws.append([14, DOWN, KIND, 19, f"{KIND}第19名", "市营商办"])
    wb.save(register)
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    return folder / "output"


def _column_value(ws, header_start: str, unit: str):
    """The cell under the header starting with `header_start`, on the row naming `unit`."""
    col = next(c.column for row in ws.iter_rows() for c in row
               if isinstance(c.value, str) and c.value.startswith(header_start))
    row = next(c.row for row in ws.iter_rows() for c in row if c.value == unit)
    return ws.cell(row, col).value


def test_results_json_holds_the_signed_points(signed_run):
    units = {u["unit"]: u for u in json.loads((signed_run / "results.json").read_text("utf-8"))["units"]}
    assert units[UP]["adjustments"][KIND] == 2 and units[DOWN]["adjustments"][KIND] == -2


def test_the_workbooks_show_the_same_sign(signed_run):
    summary = openpyxl.load_workbook(signed_run / "考核结果汇总表.xlsx")
    assert _column_value(summary["汇总表"], KIND, UP) == 2
    assert _column_value(summary["汇总表"], KIND, DOWN) == -2
    publicity = openpyxl.load_workbook(signed_run / "考核结果公示表.xlsx")
    ws = publicity.worksheets[0]
    assert _column_value(ws, KIND, UP) == 2 and _column_value(ws, KIND, DOWN) == -2
    cards = openpyxl.load_workbook(signed_run / "单位评分卡.xlsx")
    for unit, points in ((UP, 2), (DOWN, -2)):
        row = next(r for r in cards[unit].iter_rows(values_only=True) if str(r[0]).startswith(KIND))
        assert points in row and -points not in row, row


def test_the_register_entry_of_a_rank_kind_is_a_place_not_points(signed_run):
    ws = openpyxl.load_workbook(signed_run / "考核结果汇总表.xlsx")["加减分"]
    entries = [r for r in ws.iter_rows(values_only=True) if r[1] == KIND]
    assert {(r[0], r[2]) for r in entries} == {(UP, "第1名"), (DOWN, "第19名")}


def test_the_html_report_shows_the_same_sign(signed_run):
    text = (signed_run / "考核情况分析报告.html").read_text("utf-8")
    header, rows = None, {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", text, re.S):
        cells = [html.unescape(re.sub("<[^>]+>", "", c)).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        if KIND in cells and "单位" in cells:
            header = cells
        elif header and len(cells) == len(header) and cells[header.index("单位")] in (UP, DOWN):
            rows[cells[header.index("单位")]] = cells[header.index(KIND)]
    assert rows == {UP: "+2.00", DOWN: "−2.00"}
    assert f"± {KIND}" in text and "加减分均不超过3分" in text  # the formula and the cap say "either way"


def test_the_docx_report_shows_the_same_sign(signed_run):
    """加减分情况 in the Word report: one row per unit and kind with its signed effect on the total, read from the
    document's own XML (word/document.xml), not through kaohe's code."""
    import zipfile

    with zipfile.ZipFile(signed_run / "考核情况分析报告.docx") as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    rows = {}
    for tr in re.findall(r"<w:tr[ >].*?</w:tr>", xml, re.S):
        cells = ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", tc))
                 for tc in re.findall(r"<w:tc>.*?</w:tc>", tr, re.S)]
        cells = [html.unescape(c) for c in cells]
        if len(cells) == 4 and cells[1] == KIND:
            rows[cells[0]] = (cells[2], cells[3])
    assert rows == {UP: ("+2.00", f"{KIND}第1名"), DOWN: ("−2.00", f"{KIND}第19名")}
