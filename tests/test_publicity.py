"""Tests for pipeline.render.publicity: 考核结果公示表.xlsx, the version of the results that may be published."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import replace
from html import unescape

import openpyxl
import pytest
from pydantic import ValidationError

from conftest import assert_official_print, header_text
from pipeline.render.publicity import PUBLICITY_SHEET, PUBLICITY_XLSX, write_publicity_workbook
from pipeline.results import FalsifiedRecord, Gap, Results
from pipeline.run import run_assessment
from pipeline.scheme import Assessment
from render_helpers import EVIL_UNIT, ISSUE_MESSAGE, PLUS_UNIT, RUN, rich_results

RAW_VALUE, RAW_TARGET = 12345.678, 98765.5
SECRETS = [
    "›",                                   # any source cell "文件 › 工作表!单元格"
    "测试.xlsx", "表!A1", "目标!D3",       # the parts of source cells (indicator values and targets)
    "公众评议.xlsx", "督查室.xlsx", "应急管理局.xlsx",  # survey, adjustment and veto registers
    ISSUE_MESSAGE, "unknown-column",       # issue text and code
    "发生较大生产安全事故",                # veto reason
    "安全生产", "应急管理局",              # veto item and the department that found it
    "省级督查表扬", "察访发现问题", "督查室",  # adjustment reasons and department
    "营商环境满意度",                      # survey question (raw tallies)
    "超出“优秀”等次名额",                  # grade-quota note
    "记 0 分",                             # gap policy
    "虚报数据",                            # falsified reason
    "2025年统计数据.xlsx", "ab" * 32, "cd" * 32, RUN.date_basis,  # run metadata: input file, hashes, date basis
    "12345.678", "98765.5",                # raw values and targets
]


@pytest.fixture()
def results() -> Results:
    return rich_results()


@pytest.fixture()
def secret_results(results):
    """The engine's results, with unpublishable content made easy to recognise (typed replacements)."""
    detail = [replace(d, value=RAW_VALUE, target=RAW_TARGET, target_source="财政局.xlsx › 目标!D3")
              for d in results.detail]
    units = [replace(u, grade_note="超出“优秀”等次名额，调整为良好", gaps=[Gap(indicator="B2", policy="记 0 分")])
             if u.unit == PLUS_UNIT else u for u in results.units]
    falsified = [FalsifiedRecord(unit=PLUS_UNIT, indicator="B1", department="卫健局", reason="虚报数据",
                                 source="卫健局.xlsx › 核查!A2")]
    return replace(results, detail=detail, units=units, falsified=falsified)


def _write(res, tmp_path, name=PUBLICITY_XLSX):
    path = tmp_path / name
    write_publicity_workbook(res, path)
    return path


def _row(ws, r):
    return [header_text(ws.cell(r, c).value) for c in range(1, ws.max_column + 1)]


def _file_text(path) -> str:
    """Every XML part of the .xlsx (sheets, shared strings, document properties), entities resolved."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(unescape(z.read(n).decode("utf-8")) for n in z.namelist() if n.endswith((".xml", ".rels")))


def test_publicity_table_in_rank_order(results, tmp_path):
    path = _write(results, tmp_path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [PUBLICITY_SHEET]
    ws = wb[PUBLICITY_SHEET]
    assert ws["A1"].value == "XX县2025年度乡镇目标管理绩效考核结果公示（试算稿）"
    assert ws["A1"].font.b and ws["A1"].font.sz == 18
    assert ws["A2"].value == "制表单位：XX县目标管理绩效考核办公室"
    assert "制表日期：2026年1月15日" in _row(ws, 2)
    assert _row(ws, 3) == ["名次", "单位", "分组", "指标考核（权重60%）", "公众评议（权重40%）", "加减分", None, "总分",
                           "等次", "获奖情况", "备注"]
    assert _row(ws, 4) == [None] * 5 + ["专项督查加分（上限3分）", "察访核验扣分（上限5分）"] + [None] * 4
    assert sorted(str(m) for m in ws.merged_cells.ranges if m.min_row == 3) == [
        "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:G3", "H3:H4", "I3:I4", "J3:J4", "K3:K4"]
    body = [_row(ws, r) for r in range(5, 9)]
    assert body == [
        [1, "城关镇", "平原乡镇", 95.5, 85.71, 1.0, 0.0, 92.59, "优秀", "综合考核一等奖、综合先进单位", None],
        [2, EVIL_UNIT, "平原乡镇", 85.0, 76.67, 0.0, 0.0, 81.67, "良好", None, None],
        [3, PLUS_UNIT, "山区乡镇", 79.0, 69.05, 0.0, 0.0, 75.02, "一般", "综合先进单位", None],
        [4, "青山乡", "山区乡镇", 60.0, 45.24, 0.0, -2.0, 52.1, "较差（一票否决）", "取消评奖资格", "一票否决"],
    ]
    assert [r[7] for r in body] == [u.total for u in results.units]
    for r in range(5, 9):
        for c in range(4, 9):   # component scores, adjustments, total: numbers in the published precision
            assert ws.cell(r, c).data_type == "n" and ws.cell(r, c).number_format == "0.00", (r, c)
        assert ws.cell(r, 1).number_format == "0"
    for unit in (EVIL_UNIT, PLUS_UNIT):   # formula-like unit names stay literal strings
        assert next(c for row in ws.iter_rows() for c in row if c.value == unit).data_type == "s"
    with zipfile.ZipFile(path) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    note = ws.cell(10, 1)
    assert note.value.startswith("公示说明：公示期为5个工作日") and "监督电话：__________。" in note.value
    # the note spans the columns of the first printed page (the table prints in two column groups at 9 pt)
    first_group = ws.col_breaks.brk[0].id if ws.col_breaks.brk else ws.max_column
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert f"A10:{openpyxl.utils.get_column_letter(first_group)}10" in merged and note.alignment.wrap_text
    assert ws.column_dimensions["B"].width >= 14  # CJK-aware: “=HYPERLINK("x")” and 城关镇 fit


def test_precision_and_single_group(tmp_path):
    results = replace(rich_results(precision=1), groups=["全部"])
    ws = openpyxl.load_workbook(_write(results, tmp_path))[PUBLICITY_SHEET]
    assert "分组" not in _row(ws, 3)   # one group: no 分组 column
    total = ws.cell(5, _row(ws, 3).index("总分") + 1)
    assert total.value == results.units[0].total == 92.6 and total.number_format == "0.0"  # published, as is


def test_nothing_unpublishable_anywhere_in_the_file(secret_results, tmp_path):
    path = _write(secret_results, tmp_path)
    text = _file_text(path)
    for secret in SECRETS:
        assert secret not in text, secret
    wb = openpyxl.load_workbook(path)
    numbers = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "n"}
    assert not numbers & {RAW_VALUE, RAW_TARGET}
    assert "一票否决" in text and "青山乡" in text


def test_publicity_note_from_the_scheme(results, tmp_path):
    assessment = results.assessment.model_copy(update={"publicity_days": 7, "publicity_contact": "0571-12345678"})
    results = replace(results, assessment=assessment)
    ws = openpyxl.load_workbook(_write(results, tmp_path))[PUBLICITY_SHEET]
    note = next(c.value for row in ws.iter_rows() for c in row if str(c.value or "").startswith("公示说明"))
    assert "公示期为7个工作日" in note
    assert "向XX县目标管理绩效考核办公室反映" in note
    assert note.endswith("监督电话：0571-12345678。")


def test_print_setup(results, tmp_path):
    ws = openpyxl.load_workbook(_write(results, tmp_path))[PUBLICITY_SHEET]
    # two components, two adjustments, groups: too wide for portrait
    assert_official_print(ws, "landscape", "1:4", "C5")
    results = replace(results, adjustment_kinds=[], groups=[])   # a narrow table: portrait, one header row
    ws = openpyxl.load_workbook(_write(results, tmp_path, "narrow.xlsx"))[PUBLICITY_SHEET]
    # narrower, but at 9 pt still wider than a portrait page: landscape, one page wide, one header row
    assert_official_print(ws, "landscape", "1:3", "C4")
    assert ws.freeze_panes == "C4"


def test_empty_results_and_reproducible_bytes(results, tmp_path):
    a, b = _write(results, tmp_path, "a.xlsx"), _write(results, tmp_path, "b.xlsx")
    assert a.read_bytes() == b.read_bytes()
    ws = openpyxl.load_workbook(_write(replace(results, units=[]), tmp_path, "empty.xlsx"))[PUBLICITY_SHEET]
    assert ws["A5"].value == "无考核结果"


def test_publicity_days_must_be_positive():
    assert Assessment(title="考核", year=2025).publicity_days == 5
    with pytest.raises(ValidationError):
        Assessment(title="考核", year=2025, publicity_days=0)


def test_kaohe_run_writes_and_archives_the_publicity_workbook(example):
    cfg = example / "config.toml"
    text = re.sub(r"(?m)^publicity_(days|contact) = .*\n", "", cfg.read_text("utf-8"))  # the bundled values
    cfg.write_text(text.replace(
        "[assessment]\n", '[assessment]\npublicity_days = 7\npublicity_contact = "0000-7654321"\n', 1), "utf-8")
    outcome = run_assessment(example)
    assert outcome.exit_code == 0
    out = example / "output"
    path = out / PUBLICITY_XLSX
    assert path in outcome.outputs
    archived = list((example / "归档").glob(f"*/{PUBLICITY_XLSX}"))
    assert len(archived) == 1 and archived[0].read_bytes() == path.read_bytes()

    units = json.loads((out / "results.json").read_text("utf-8"))["units"]
    ws = openpyxl.load_workbook(path)[PUBLICITY_SHEET]
    header = _row(ws, 3)
    unit_col, total_col, remark_col = header.index("单位"), header.index("总分"), header.index("备注")
    rows = [_row(ws, r) for r in range(5, 5 + len(units))]
    assert [r[unit_col] for r in rows] == [u["unit"] for u in units]
    assert [r[0] for r in rows] == [u["rank"] for u in units]
    assert [r[total_col] for r in rows] == [u["total"] for u in units]
    assert [r[remark_col] for r in rows] == ["一票否决" if u["vetoed"] else None for u in units]
    assert any(u["vetoed"] for u in units)
    text = _file_text(path)
    assert "公示期为7个工作日" in text and "监督电话：0000-7654321" in text
    assert "›" not in text and ".xlsx" not in text and "input" not in text
    veto_reasons = {v.reason for v in outcome.results.vetoes if v.reason}
    assert veto_reasons and not any(reason in text for reason in veto_reasons)
    assert not any(i.message in text for i in outcome.results.issues)
