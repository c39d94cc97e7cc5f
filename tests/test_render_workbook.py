"""Tests for pipeline.render.workbook: the official summary workbook."""

from __future__ import annotations

import shutil
import zipfile

import openpyxl
import pytest

from conftest import ROOT, assert_official_print
from pipeline.render.workbook import SHEET_NAMES, write_summary_workbook

EVIL_UNIT = '=HYPERLINK("x")'
PLUS_UNIT = "+1"


def _unit(name, group, total, rank, group_rank, grade, cats, comps, inds, adj, vetoed=False, veto=(), awards=()):
    return {"unit": name, "group": group, "total": total, "rank": rank, "group_rank": group_rank, "grade": grade,
            "vetoed": vetoed, "veto": list(veto), "awards": list(awards), "components": comps, "categories": cats,
            "indicators": inds, "adjustments": adj, "last_rank": None, "rank_change": None}


@pytest.fixture()
def results() -> dict:
    indicators = [
        {"id": "A1", "name": "地区生产总值增长率", "category": ["经济发展"], "points": 10.0, "method": "efficacy",
         "method_label": "功效系数法", "source": "统计局", "unit": "%", "rule": "得分=分值×(0.6+0.4×功效系数)"},
        {"id": "A2", "name": "一般公共预算收入", "category": ["经济发展"], "points": 50.0, "method": "completion",
         "method_label": "完成率法", "source": "财政局", "unit": "万元", "rule": "按完成率计分"},
        {"id": "B1", "name": "家庭医生签约服务覆盖率", "category": ["社会事业"], "points": 20.0, "method": "step",
         "method_label": "阶梯扣分法", "source": "卫健局", "unit": "%", "rule": "每差1个百分点扣1分"},
        {"id": "B2", "name": "基层医疗卫生工作评分", "category": ["社会事业"], "points": 20.0, "method": "direct",
         "method_label": "直接计分", "source": "卫健局", "unit": "分", "rule": "直接采用部门评分"},
    ]
    units = [
        _unit("城关镇", "平原乡镇", 91.23, 1, 1, "优秀", {"经济发展": 58.5, "社会事业": 37.0},
              {"指标考核": 95.5, "公众评议": 88.12}, {"A1": 9.5, "A2": 49.0, "B1": 19.0, "B2": 18.0},
              {"专项督查加分": 1.0, "察访核验扣分": 0.5}, awards=["综合考核一等奖", "进步奖"]),
        _unit(EVIL_UNIT, "平原乡镇", 85.0, 2, 2, "良好", {"经济发展": 50.0, "社会事业": 35.0},
              {"指标考核": 85.0, "公众评议": 85.0}, {"A1": 8.0, "A2": 42.0, "B1": 17.0, "B2": 18.0},
              {"专项督查加分": 0.0, "察访核验扣分": 0.0}),
        _unit(PLUS_UNIT, "山区乡镇", 78.4, 3, 1, "良好", {"经济发展": 45.0, "社会事业": 34.0},
              {"指标考核": 79.0, "公众评议": 77.5}, {"A1": 7.0, "A2": 38.0, "B1": 16.0, "B2": 18.0},
              {"专项督查加分": 0.0, "察访核验扣分": 0.0}),
        _unit("青山乡", "山区乡镇", 60.05, 4, 2, "较差", {"经济发展": 30.0, "社会事业": 30.0},
              {"指标考核": 60.0, "公众评议": 62.0}, {"A1": 6.0, "A2": 24.0, "B1": 15.0, "B2": 15.0},
              {"专项督查加分": 0.0, "察访核验扣分": 2.0}, vetoed=True,
              veto=[{"item": "安全生产", "department": "应急管理局", "reason": "发生较大生产安全事故"}]),
    ]
    detail = [{"unit": u["unit"], "indicator": i["id"], "indicator_name": i["name"], "value": 7.2, "target": None,
               "score": u["indicators"][i["id"]], "method_label": i["method_label"],
               "source": f"{i['source']}.xlsx › 数据表!C5", "note": ""} for u in units for i in indicators]
    return {
        "assessment": {"title": "XX县2025年度乡镇目标管理绩效考核", "year": 2025, "full_score": 100,
                       "organizer": "XX县目标管理绩效考核办公室", "precision": 2},
        "components": [{"name": "指标考核", "kind": "indicators", "weight": 0.6, "full": 100},
                       {"name": "公众评议", "kind": "survey", "weight": 0.4, "full": 100}],
        "categories": [{"path": ["经济发展"], "name": "经济发展", "points": 60.0, "indicators": ["A1", "A2"]},
                       {"path": ["社会事业"], "name": "社会事业", "points": 40.0, "indicators": ["B1", "B2"]}],
        "indicators": indicators,
        "adjustment_kinds": [{"name": "专项督查加分", "sign": "bonus", "cap": 3.0},
                             {"name": "察访核验扣分", "sign": "deduction", "cap": 5.0}],
        "groups": ["平原乡镇", "山区乡镇"],
        "grades": [{"name": "优秀", "min": 90}, {"name": "良好", "min": 76}, {"name": "一般", "min": 60},
                   {"name": "较差", "min": 0}],
        "units": units,
        "detail": detail,
        "survey": {
            "rows": [{"unit": "城关镇", "round": "年终", "category": "企业", "question": "营商环境满意度",
                      "满意": 30, "基本满意": 10, "不满意": 2, "不了解": 1, "score": 4.2857, "satisfaction_rate": 0.9524}],
            "categories": [{"unit": "城关镇", "round": "年终", "category": "企业", "score": 85.71, "sample": 43,
                            "satisfaction_rate": 0.9524}],
            "units": {"城关镇": 88.12, EVIL_UNIT: 85.0, PLUS_UNIT: 77.5, "青山乡": 62.0},
        },
        "adjustments": [{"unit": "城关镇", "kind": "专项督查加分", "value": 1.0, "reason": "省级督查表扬",
                         "source": "督查室.xlsx › 加分!A2"},
                        {"unit": "青山乡", "kind": "察访核验扣分", "value": 2.0, "reason": "察访发现问题",
                         "source": "督查室.xlsx › 扣分!A2"}],
        "awards": [{"award": "综合考核一等奖", "unit": "城关镇", "amount": 50000, "note": ""},
                   {"award": "进步奖", "unit": "城关镇", "amount": 10000, "note": "前进2位"}],
        "vetoes": [{"unit": "青山乡", "item": "安全生产", "department": "应急管理局",
                    "reason": "发生较大生产安全事故", "source": "应急管理局.xlsx › 否决!A2"}],
        "issues": [{"code": "VALUE_TEXT", "severity": "警告", "file": "统计局.xlsx", "sheet": "数据表", "cell": "C7",
                    "unit": "青山乡", "indicator": "A1", "message": "=1+1 单元格内容为公式文本，已按文本处理"}],
        "run": {"version": "0.1.0", "scheme_hash": "ab" * 32,
                "inputs": [{"file": "统计局/2025年统计数据.xlsx", "sha256": "cd" * 32}],
                "generated_at": "2026-01-15 09:30:00"},
    }


@pytest.fixture()
def written(results, tmp_path):
    path = tmp_path / "考核结果汇总表.xlsx"
    write_summary_workbook(results, path)
    return path


def _find(ws, text):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} not found in {ws.title}")


def _column(ws, header):
    return _find(ws, header).column


def test_sheet_names_and_title(written):
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames == list(SHEET_NAMES)
    ws = wb["汇总表"]
    assert ws["A1"].value == "XX县2025年度乡镇目标管理绩效考核结果汇总表"
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
    for i, unit in enumerate(results["units"]):
        row = 5 + i
        assert ws.cell(row, unit_col).value == unit["unit"]
        cell = ws.cell(row, total_col)
        assert cell.data_type == "n"
        assert cell.value == unit["total"]
        assert cell.number_format == "0.00"


def test_precision_drives_number_format(results, tmp_path):
    results["assessment"]["precision"] = 1
    path = tmp_path / "p1.xlsx"
    write_summary_workbook(results, path)
    ws = openpyxl.load_workbook(path)["汇总表"]
    assert ws.cell(5, _column(ws, "总分")).number_format == "0.0"


def test_deduction_negative_veto_and_awards(written):
    ws = openpyxl.load_workbook(written)["汇总表"]
    row = _find(ws, "青山乡").row
    assert ws.cell(row, _column(ws, "察访核验扣分（上限5分）")).value == -2.0
    assert ws.cell(row, _column(ws, "一票否决")).value == "是"
    assert ws.cell(row, _column(ws, "总分")).font.color.rgb.endswith("C00000")
    first = _find(ws, "城关镇").row
    assert ws.cell(first, _column(ws, "获奖情况")).value == "综合考核一等奖、进步奖"
    assert ws.cell(first, _column(ws, "专项督查加分（上限3分）")).value == 1.0
    assert _find(ws, "考核组长：__________    审核人：__________    制表人：__________")


def test_formula_like_text_stays_text(written):
    wb = openpyxl.load_workbook(written)
    for sheet in ("汇总表", "指标得分", "明细"):
        cell = _find(wb[sheet], EVIL_UNIT)
        assert cell.data_type == "s"
        assert _find(wb[sheet], PLUS_UNIT).data_type == "s"
    issue = _find(wb["数据问题"], "=1+1 单元格内容为公式文本，已按文本处理")
    assert issue.data_type == "s"
    with zipfile.ZipFile(written) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_print_setup_and_freeze(written):
    wb = openpyxl.load_workbook(written)
    assert_official_print(wb["汇总表"], "landscape", "3:4", "C5")
    assert wb["明细"].freeze_panes == "A2"
    assert wb["明细"].auto_filter.ref


def test_other_sheets(written):
    wb = openpyxl.load_workbook(written)
    ws = wb["指标得分"]
    assert _find(ws, "经济发展（60分）").row == 1
    a1 = _find(ws, "A1 地区生产总值增长率（10分）")
    assert a1.row == 2
    assert ws.cell(_find(ws, "城关镇").row, a1.column).value == 9.5
    det = wb["明细"]
    assert [c.value for c in det[1]][:9] == ["单位", "指标编号", "指标名称", "计分方法", "原始值", "目标值", "得分",
                                            "数据来源（文件 › 工作表!单元格）", "说明"]
    assert det.max_row == 1 + 16
    sv = wb["公众评议"]
    rate = sv.cell(_find(sv, "企业").row, _column(sv, "满意率"))
    assert rate.value == 0.9524 and rate.number_format == "0.00%"
    assert _find(sv, "基本满意") and _find(sv, "营商环境满意度")
    assert _find(wb["奖项"], "综合考核一等奖") and _find(wb["奖项"], "发生较大生产安全事故")
    assert _find(wb["方法说明"], "功效系数法") and _find(wb["方法说明"], "优秀")
    assert _find(wb["运行信息"], "ab" * 32) and _find(wb["运行信息"], "cd" * 32)
    assert _find(wb["加减分"], "省级督查表扬")


def test_no_issues_placeholder(results, tmp_path):
    results["issues"] = []
    results.pop("grades")
    path = tmp_path / "clean.xlsx"
    write_summary_workbook(results, path)
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
def _tree_results(results: dict) -> dict:
    """The fixture on a two-level tree of mixed depth: 单位自评 (a leaf category) beside 组织考评 › 职能目标 / 共性目标,
    plus a 二级 category with the same label under another 一级, which must not merge with its neighbour."""
    ind = {"method": "direct", "method_label": "直接计分", "source": "考核办", "unit": "分", "rule": "直接采用部门评分"}
    results["indicators"] = [
        {**ind, "id": "S1", "name": "单位自评得分", "category": ["单位自评"], "points": 10.0},
        {**ind, "id": "Z1", "name": "重点工作", "category": ["组织考评", "职能目标"], "points": 15.0},
        {**ind, "id": "Z2", "name": "重点项目", "category": ["组织考评", "职能目标"], "points": 15.0},
        {**ind, "id": "G1", "name": "督查督办", "category": ["组织考评", "共性目标"], "points": 10.0},
        {**ind, "id": "G2", "name": "依法行政", "category": ["组织考评", "共性目标"], "points": 10.0},
        {**ind, "id": "Q1", "name": "其他事项", "category": ["加分事项", "共性目标"], "points": 20.0},
    ]
    results["categories"] = [
        {"path": ["单位自评"], "name": "单位自评", "points": 10.0, "indicators": ["S1"]},
        {"path": ["组织考评"], "name": "组织考评", "points": 50.0, "indicators": ["Z1", "Z2", "G1", "G2"]},
        {"path": ["加分事项"], "name": "加分事项", "points": 20.0, "indicators": ["Q1"]},
    ]
    node = {"aggregation": "sum", "weight": 1.0}
    results["category_tree"] = [
        {**node, "key": "单位自评", "path": ["单位自评"], "name": "单位自评", "points": 10.0},
        {**node, "key": "组织考评", "path": ["组织考评"], "name": "组织考评", "points": 50.0},
        {**node, "key": "组织考评/职能目标", "path": ["组织考评", "职能目标"], "name": "职能目标", "points": 30.0},
        {**node, "key": "组织考评/共性目标", "path": ["组织考评", "共性目标"], "name": "共性目标", "points": 20.0},
        {**node, "key": "加分事项", "path": ["加分事项"], "name": "加分事项", "points": 20.0},
        {**node, "key": "加分事项/共性目标", "path": ["加分事项", "共性目标"], "name": "共性目标", "points": 20.0},
    ]
    for n, u in enumerate(results["units"]):
        u["indicators"] = {"S1": 9.0 - n, "Z1": 14.0, "Z2": 13.5, "G1": 8.25, "G2": 10.0, "Q1": 30.0 + n}
    return results


def _header_block(ws, rows: int) -> tuple[list[list], list[str]]:
    values = [[ws.cell(r, c).value for c in range(1, ws.max_column + 1)] for r in range(1, rows + 1)]
    merged = sorted(str(m) for m in ws.merged_cells.ranges if m.min_row <= rows)
    return values, merged


def test_indicator_scores_header_follows_a_two_level_tree(results, tmp_path):
    path = tmp_path / "tree.xlsx"
    write_summary_workbook(_tree_results(results), path)
    ws = openpyxl.load_workbook(path)["指标得分"]
    values, merged = _header_block(ws, 3)
    assert values == [
        ["名次", "单位", "分组", "单位自评（10分）", "组织考评（50分）", None, None, None, "加分事项（20分）"],
        [None, None, None, "S1 单位自评得分（10分）", "职能目标（30分）", None, "共性目标（20分）", None, "共性目标（20分）"],
        [None, None, None, None, "Z1 重点工作（15分）", "Z2 重点项目（15分）", "G1 督查督办（10分）",
         "G2 依法行政（10分）", "Q1 其他事项（20分）"],
    ]
    # fixed columns and the leaf under a one-level category reach down to the label row; a node spans its indicators;
    # the two adjacent “共性目标（20分）” cells stay apart (G2:H2 and I2), as their 一级 differ
    assert merged == sorted(["A1:A3", "B1:B3", "C1:C3", "D2:D3", "E1:H1", "E2:F2", "G2:H2"])
    assert ws.freeze_panes == "C4"
    assert ws.row_dimensions[3].height == 45
    row = _find(ws, "城关镇").row
    assert row == 4
    assert [ws.cell(row, c).value for c in range(4, 10)] == [9.0, 14.0, 13.5, 8.25, 10.0, 30.0]
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
