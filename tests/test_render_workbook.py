"""Tests for pipeline.render.summary: the official summary workbook, on results made by the real engine."""

from __future__ import annotations

import shutil
import zipfile

import openpyxl
import pytest

from dataclasses import replace

from conftest import ROOT, assert_official_print, header_text
from pipeline.render.summary import SHEET_NAMES, write_summary_workbook
from pipeline.results import Results
from render_helpers import EVIL_UNIT, ISSUE_MESSAGE, PLUS_UNIT, rich_results



@pytest.fixture()
def results() -> Results:
    return rich_results()


@pytest.fixture()
def written(results, tmp_path):
    path = tmp_path / "考核结果汇总表.xlsx"
    write_summary_workbook(results, path)
    return path


def _find(ws, text):
    for row in ws.iter_rows():
        for cell in row:
            if header_text(cell.value) == text:
                return cell
    raise AssertionError(f"{text!r} not found in {ws.title}")


def _column(ws, header):
    return _find(ws, header).column


def test_sheet_names_and_title(written):
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames == list(SHEET_NAMES)
    ws = wb["汇总表"]
    assert ws["A1"].value == "XX县2025年度乡镇目标管理绩效考核结果汇总表（试算稿）"
    assert ws["A1"].font.b and ws["A1"].font.sz == 18
    assert "A1" in {str(r).split(":")[0] for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "制表单位：XX县目标管理绩效考核办公室"
    assert _find(ws, "制表日期：2026年1月15日")
    assert wb.properties.creator == "kaohe"
    assert wb.properties.created.year == 2026


def test_summary_headers(written):
    ws = openpyxl.load_workbook(written)["汇总表"]
    for label in ["名次", "单位", "分组", "指标考核（权重60%）", "经济发展（60分）", "社会事业（40分）", "小计",
                  "公众评议（权重40%）", "加减分", "专项督查加分（上限3分）", "察访核验扣分（上限5分）", "总分",
                  "分组名次", "等次", "一票否决", "获奖情况"]:
        cell = _find(ws, label)
        assert cell.row in (3, 4), label


def test_totals_are_numbers_with_precision_format(written, results):
    ws = openpyxl.load_workbook(written)["汇总表"]
    total_col, unit_col = _column(ws, "总分"), _column(ws, "单位")
    for i, unit in enumerate(results.units):
        row = 5 + i
        assert ws.cell(row, unit_col).value == unit.unit
        cell = ws.cell(row, total_col)
        assert cell.data_type == "n"
        assert cell.value == unit.total
        assert cell.number_format == "0.00"


def test_precision_drives_number_format(tmp_path):
    path = tmp_path / "p1.xlsx"
    write_summary_workbook(rich_results(precision=1), path)
    ws = openpyxl.load_workbook(path)["汇总表"]
    assert ws.cell(5, _column(ws, "总分")).number_format == "0.0"


def test_deduction_negative_veto_and_awards(written):
    ws = openpyxl.load_workbook(written)["汇总表"]
    row = _find(ws, "青山乡").row
    assert ws.cell(row, _column(ws, "察访核验扣分（上限5分）")).value == -2.0
    assert ws.cell(row, _column(ws, "一票否决")).value == "安全生产"  # the item, not a bare 是
    assert ws.cell(row, _column(ws, "等次")).value == "较差（一票否决：安全生产）"  # lowest_grade, and why
    assert ws.cell(row, _column(ws, "获奖情况")).value == "取消评奖资格"
    assert ws.cell(row, _column(ws, "总分")).font.color.rgb.endswith("C00000")
    first = _find(ws, "城关镇").row
    assert ws.cell(first, _column(ws, "获奖情况")).value == "综合考核一等奖、综合先进单位"
    assert ws.cell(first, _column(ws, "专项督查加分（上限3分）")).value == 1.0
    assert _find(ws, "考核组长：__________    审核人：__________    制表人：__________")


def test_formula_like_text_stays_text(written):
    wb = openpyxl.load_workbook(written)
    for sheet in ("汇总表", "指标得分", "明细"):
        cell = _find(wb[sheet], EVIL_UNIT)
        assert cell.data_type == "s"
        assert _find(wb[sheet], PLUS_UNIT).data_type == "s"
    assert _find(wb["数据问题"], EVIL_UNIT).data_type == "s"  # the unit the issue names
    assert _find(wb["数据问题"], ISSUE_MESSAGE).data_type == "s"
    with zipfile.ZipFile(written) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_print_setup_and_freeze(written):
    wb = openpyxl.load_workbook(written)
    assert_official_print(wb["汇总表"], "landscape", "1:4", "C5")
    for ws in wb.worksheets:  # every sheet has its own print setup (图表: a chart a page, at full size)
        assert int(ws.page_setup.paperSize) == 9 and "第 &P 页 共 &N 页" in ws.oddFooter.center.text, ws.title
    assert wb["明细"].freeze_panes == "A2"
    assert wb["明细"].auto_filter.ref


def test_other_sheets(written, results):
    wb = openpyxl.load_workbook(written)
    ws = wb["指标得分"]
    assert _find(ws, "经济发展（60分）").row == 1
    a1 = _find(ws, "A1 地区生产总值增长率（10分）")
    assert a1.row == 2
    assert ws.cell(_find(ws, "城关镇").row, a1.column).value == 9.5
    det = wb["明细"]
    assert [c.value for c in det[1]][:10] == ["单位", "指标编号", "指标名称", "计分方法", "原始值", "目标值", "得分",
                                             "计算过程", "数据来源（文件 › 工作表!单元格）", "说明"]
    assert det.max_row == 1 + 16
    sv = wb["公众评议"]
    rate = sv.cell(_find(sv, "企业").row, _column(sv, "满意率"))
    assert rate.value == results.survey.categories[0].satisfaction_rate == 0.9524 and rate.number_format == "0.00%"
    assert _find(sv, "基本满意") and _find(sv, "营商环境满意度")
    # each question's source cell under a Chinese heading (it used to be a column headed "source", among the choices)
    source = _find(sv, "公众评议.xlsx › 评议!B4")
    heading = _find(sv, "数据来源（文件 › 工作表!单元格）")
    assert heading.column == source.column and sv.cell(heading.row, heading.column - 1).value == "满意率"
    assert not any(c.value == "source" for row in sv.iter_rows() for c in row)
    assert _find(wb["奖项"], "综合考核一等奖") and _find(wb["奖项"], "发生较大生产安全事故")
    assert _find(wb["方法说明"], "直接计分") and _find(wb["方法说明"], "优秀")
    assert _find(wb["运行信息"], "ab" * 32) and _find(wb["运行信息"], "cd" * 32)
    assert _find(wb["加减分"], "省级督查表扬")


def test_no_issues_placeholder(results, tmp_path):
    path = tmp_path / "clean.xlsx"
    write_summary_workbook(replace(results, issues=[], grades=[]), path)
    ws = openpyxl.load_workbook(path)["数据问题"]
    assert ws["A2"].value == "未发现数据问题"


def test_charts_exist(written):
    with zipfile.ZipFile(written) as z:
        names = set(z.namelist())
        assert "xl/charts/chart1.xml" in names
        assert "xl/charts/chart2.xml" in names
        chart1 = z.read("xl/charts/chart1.xml").decode()
        assert "<c:barChart>" in chart1 and "<c:dPt>" in chart1
        assert "<c:barDir val=\"col\"/>" in z.read("xl/charts/chart2.xml").decode()


def test_output_is_reproducible(results, tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_summary_workbook(results, a)
    write_summary_workbook(results, b)
    assert a.read_bytes() == b.read_bytes()


# --------------------------------------------------------------------------------------------- multi-level headers
TREE = [  # 单位自评 (a leaf category) beside 组织考评 › 职能目标 / 共性目标, and a 二级 category with the same label
    {"id": "S1", "name": "单位自评得分", "category": ["单位自评"], "points": 10},  # under another 一级 (no merge)
    {"id": "Z1", "name": "重点工作", "category": ["组织考评", "职能目标"], "points": 15},
    {"id": "Z2", "name": "重点项目", "category": ["组织考评", "职能目标"], "points": 15},
    {"id": "G1", "name": "督查督办", "category": ["组织考评", "共性目标"], "points": 10},
    {"id": "G2", "name": "依法行政", "category": ["组织考评", "共性目标"], "points": 10},
    {"id": "Q1", "name": "其他事项", "category": ["加分事项", "共性目标"], "points": 40},
]


def _tree_results() -> Results:
    """The rich results on a two-level tree of mixed depth."""
    names = ["城关镇", EVIL_UNIT, PLUS_UNIT, "青山乡"]
    values = {"S1": {u: 9 - n for n, u in enumerate(names)}, "Z1": dict.fromkeys(names, 14),
              "Z2": dict.fromkeys(names, 13.5), "G1": dict.fromkeys(names, 8.25), "G2": dict.fromkeys(names, 10),
              "Q1": {u: 30 + n for n, u in enumerate(names)}}
    return rich_results(indicators=[{"source": "考核办", **i} for i in TREE], values=values)


def _header_block(ws, rows: int) -> tuple[list[list], list[str]]:
    values = [[header_text(ws.cell(r, c).value) for c in range(1, ws.max_column + 1)] for r in range(1, rows + 1)]
    merged = sorted(str(m) for m in ws.merged_cells.ranges if m.min_row <= rows)
    return values, merged


def test_indicator_scores_header_follows_a_two_level_tree(tmp_path):
    path = tmp_path / "tree.xlsx"
    results = _tree_results()
    write_summary_workbook(results, path)
    ws = openpyxl.load_workbook(path)["指标得分"]
    values, merged = _header_block(ws, 3)
    assert values == [
        ["名次", "单位", "分组", "单位自评（10分）", "组织考评（50分）", None, None, None, "加分事项（40分）"],
        [None, None, None, "S1 单位自评得分（10分）", "职能目标（30分）", None, "共性目标（20分）", None, "共性目标（40分）"],
        [None, None, None, None, "Z1 重点工作（15分）", "Z2 重点项目（15分）", "G1 督查督办（10分）",
         "G2 依法行政（10分）", "Q1 其他事项（40分）"],
    ]
    # fixed columns and the leaf under a one-level category reach down to the label row; a node spans its indicators;
    # the two adjacent “共性目标（20分）” cells stay apart (G2:H2 and I2), as their 一级 differ
    assert merged == sorted(["A1:A3", "B1:B3", "C1:C3", "D2:D3", "E1:H1", "E2:F2", "G2:H2"])
    assert ws.freeze_panes == "C4"
    assert ws.row_dimensions[3].height == 45
    row = _find(ws, "城关镇").row
    assert row == 4
    assert [ws.cell(row, c).value for c in range(4, 10)] == [9.0, 14.0, 13.5, 8.25, 10.0, 30.0]
    assert [ws.cell(row, c).value for c in range(4, 10)] == [results.unit("城关镇").indicators[i["id"]] for i in TREE]
    assert ws.cell(row, 4).number_format == "0.00"
    assert ws.cell(_find(ws, "青山乡").row, 9).font.color.rgb.endswith("C00000")  # the vetoed unit stays red
    for cell in ("A1", "E1", "E2", "E3"):
        assert ws[cell].font.b and ws[cell].alignment.wrap_text
    assert ws.column_dimensions["B"].width >= 10  # CJK-aware width of the unit column


def test_indicator_scores_header_of_a_one_level_tree_keeps_two_rows(written):
    ws = openpyxl.load_workbook(written)["指标得分"]
    values, merged = _header_block(ws, 2)
    assert values == [
        ["名次", "单位", "分组", "经济发展（60分）", None, "社会事业（40分）", None],
        [None, None, None, "A1 地区生产总值增长率（10分）", "A2 一般公共预算收入（50分）",
         "B1 家庭医生签约服务覆盖率（20分）", "B2 基层医疗卫生工作评分（20分）"],
    ]
    assert merged == ["A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:G1"]
    assert ws.freeze_panes == "C3"
    assert ws.cell(3, 2).value == "城关镇"


def test_district_example_indicator_scores_header(tmp_path):
    """examples/district through the real run: 一级 over 二级 over indicators, with the scheme's points."""
    from pipeline.run import run_assessment

    folder = tmp_path / "区直部门考核"
    shutil.copytree(ROOT / "examples" / "district", folder, ignore=shutil.ignore_patterns("output", "__pycache__"))
    assert run_assessment(folder).exit_code == 0
    ws = openpyxl.load_workbook(folder / "output" / "考核结果汇总表.xlsx")["指标得分"]
    values, merged = _header_block(ws, 3)
    assert values[0][3:] == ["单位自评（10分）", "组织考评（50分）"] + [None] * 6
    assert values[1][3:] == ["S1 单位自评得分（10分）", "职能目标（30分）", None, None, "共性目标（20分）", None, None,
                             None]
    assert [v.split(" ")[0] for v in values[2][4:]] == ["Z1", "Z2", "Z3", "G1", "G2", "G3", "G4"]
    assert merged == sorted(["A1:A3", "B1:B3", "C1:C3", "D2:D3", "E1:K1", "E2:G2", "H2:K2"])
    assert ws.freeze_panes == "C4"
    assert ws["B4"].value == "区发改局"
