"""Per-unit score cards (单位评分卡.xlsx): layout, numbers, safe text and sheet names, print settings."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from engine_helpers import make_dataset, make_scheme
from pipeline.results import Results, RunInfo
from pipeline.score import score
from pipeline.render.scorecards import SCORECARDS_XLSX, SIGNATURE, safe_sheet_names, write_scorecards

TITLE = "XX县2025年度乡镇考核"
FORMULA_NOTE = "=SUM(A1:A2)"
UNSAFE_UNIT = "A/B:C*"
SAFE_UNSAFE_UNIT = "A／B：C＊"
UNITS = [{"name": "城关镇", "group": "平原"}, {"name": UNSAFE_UNIT, "group": "山区"}, {"name": "=1+1", "group": "平原"}]
INDICATORS = [
    {"id": "A1", "name": "地区生产总值增长率", "category": ["经济发展"], "points": 10, "method": "direct", "unit": "%"},
    {"id": "A2", "name": "固定资产投资完成额", "category": ["经济发展"], "points": 10, "method": "completion",
     "target": "column", "unit": "万元"},
    # A3 applies only to 平原 units: the mountain unit is not assessed on it (no value read, no detail row)
    {"id": "A3", "name": "工业园区建设", "category": ["经济发展"], "points": 10, "method": "direct", "unit": "分",
     "groups": ["平原"]},
    {"id": "B1", "name": "家庭医生签约覆盖率", "category": ["社会事业"], "points": 12, "method": "direct", "unit": "%"},
    {"id": "B2", "name": "基层医疗卫生工作评分", "category": ["社会事业"], "points": 8, "method": "direct", "unit": "分",
     "missing": "zero"},
]
VALUES = {"A1": {"城关镇": 9.3, UNSAFE_UNIT: 8, "=1+1": 6},
          "A2": {"城关镇": (110, 120), UNSAFE_UNIT: (120, 120), "=1+1": (100, 120)},
          "A3": {"城关镇": 8.3, "=1+1": 9},
          "B1": {"城关镇": 11, UNSAFE_UNIT: 10, "=1+1": 11},
          "B2": {"城关镇": 6.7, UNSAFE_UNIT: 6, "=1+1": None}}  # =1+1 sent no B2: 缺数据, 记 0 分


def _results(indicators: list[dict] = INDICATORS, categories: list[dict] | None = None) -> Results:
    """3 units, 2 categories, 5 indicators, scored by the real engine (precision 1)."""
    scheme = make_scheme(
        indicators, UNITS, precision=1,
        components=[{"name": "指标考核", "kind": "indicators", "weight": 0.6, "full": 50},
                    {"name": "公众评议", "kind": "ratings", "weight": 0.4, "full": 100}],
        adjustments=[{"name": "专项督查加分", "sign": "bonus", "cap": 3},
                     {"name": "察访核验扣分", "sign": "deduction", "cap": 5}],
        grades=[{"name": "优秀", "min": 90}, {"name": "良好", "min": 60}, {"name": "一般", "min": 55},
                {"name": "较差", "min": 0}],
        categories=categories or [{"path": ["经济发展"], "points": 30}])  # 山区 scores 经济发展 out of 30 as well
    scheme = scheme.model_copy(update={"assessment": scheme.assessment.model_copy(update={"title": TITLE})})
    ratings = [{"component": "公众评议", "unit": u["name"], "rater": "考核组", "rater_unit": None, "score": Decimal(x), "source": "评分.xlsx"}
               for u, x in zip(UNITS, ("92.1", "85", "80"))]
    adjustments = [
        {"unit": "城关镇", "kind": "专项督查加分", "value": Decimal(1), "reason": "招商引资督查第一", "department": "督查室",
         "date": "", "source": "考核办/加减分.xlsx › 登记!D3"},
        {"unit": "=1+1", "kind": "察访核验扣分", "value": Decimal(2), "reason": FORMULA_NOTE, "department": "",
         "date": "", "source": "考核办/加减分.xlsx › 登记!D4"},
    ]
    vetoes = [{"unit": "=1+1", "item": "安全生产", "department": "应急管理局", "reason": "发生较大生产安全事故",
               "date": "", "source": "考核办/一票否决.xlsx › 一票否决!B3"}]
    data = make_dataset(VALUES, ratings=ratings, adjustments=adjustments, vetoes=vetoes)
    return score(scheme, data, RunInfo(version="0.1.0", scheme_hash="x", inputs=[], generated_at="2026-01-15",
                                       date_basis=""))


# --------------------------------------------------------------------------------------------- helpers
def _header(ws) -> dict[str, int]:
    """Header label -> column number (1-based), from the card's header row (row 3)."""
    return {c.value: c.column for c in ws[3] if c.value}


def _row_of(ws, col: int, text: str, start: int = 1) -> int:
    for r in range(start, ws.max_row + 1):
        if ws.cell(r, col).value == text:
            return r
    raise AssertionError(f"{text!r} not found in column {col}")


def _texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.fixture
def cards(tmp_path) -> tuple[Results, openpyxl.Workbook, Path]:
    results = _results()
    path = tmp_path / SCORECARDS_XLSX
    write_scorecards(results, path)
    return results, openpyxl.load_workbook(path), path


# --------------------------------------------------------------------------------------------- tests
def test_one_sheet_per_unit_in_rank_order_with_safe_names(cards):
    results, wb, _ = cards
    assert wb.sheetnames == ["城关镇", SAFE_UNSAFE_UNIT, "=1+1"]
    assert [u.rank for u in results.units] == [1, 2, 3]
    for ws, u in zip(wb.worksheets, results.units):
        assert ws["A1"].value == f"{TITLE}评分卡（试算稿）"
        assert ws["A2"].value.startswith(f"被考核单位：{u.unit}　")  # the real name, not the sheet name


def test_safe_sheet_names_are_valid_and_unique():
    names = safe_sheet_names(["A/B:C*", "A／B：C＊", "a/b:c*", "[x]?\\", "", "'引号'", "history",
                              "很" * 40, "很" * 40, "城关镇"])
    assert len(names) == len(set(n.casefold() for n in names)) == 10
    for n in names:
        assert n and len(n.encode("utf-16-le")) // 2 <= 31
        assert not any(ch in n for ch in "[]:*?/\\")
        assert not n.startswith("'") and not n.endswith("'")
    assert names[0] == "A／B：C＊" and names[1] == "A／B：C＊(2)" and names[2] == "a／b：c＊(3)"
    assert names[3] == "［x］？＼" and names[4] == "单位" and names[5] == "引号"
    assert names[6].casefold() != "history"
    assert names[7] == "很" * 31 and names[8] == "很" * 28 + "(2)"
    assert names[9] == "城关镇"


def test_unit_line(cards):
    _, wb, _ = cards
    assert wb["城关镇"]["A2"].value == "被考核单位：城关镇　分组：平原　总分：64.5　名次：1　等次：良好"
    assert wb["=1+1"]["A2"].value == "被考核单位：=1+1　分组：平原　总分：50.6　名次：3　等次：一票否决（安全生产）"
    assert "A2:J2" in {str(r) for r in wb["城关镇"].merged_cells.ranges}


def test_table_header(cards):
    _, wb, _ = cards
    assert [c.value for c in wb["城关镇"][3]] == [
        "序号", "考核项目", "考核内容", "分值", "计分方法", "原始值", "目标值", "得分", "数据来源", "说明"]


def test_categories_merged_over_their_rows(cards):
    _, wb, _ = cards
    ws = wb["城关镇"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    # 经济发展: 3 indicators + 小计 in rows 4..7; 社会事业: 2 indicators + 小计 in rows 8..10
    assert ws["A4"].value == 1 and ws["B4"].value == "经济发展"
    assert ws["A8"].value == 2 and ws["B8"].value == "社会事业"
    assert {"A4:A7", "B4:B7", "A8:A10", "B8:B10"} <= merged
    assert [ws.cell(r, 3).value for r in range(4, 11)] == [
        "A1 地区生产总值增长率（%）", "A2 固定资产投资完成额（万元）", "A3 工业园区建设", "小计",
        "B1 家庭医生签约覆盖率（%）", "B2 基层医疗卫生工作评分", "小计"]


def test_scores_are_numbers_with_the_published_precision(cards):
    results, wb, _ = cards
    for ws, u in zip(wb.worksheets, results.units):
        col = _header(ws)
        for ind in results.indicators:
            r = _row_of(ws, col["考核内容"], next(t for t in _texts(ws) if t.startswith(ind.id + " ")))
            cell = ws.cell(r, col["得分"])
            score = u.indicators[ind.id]
            if score is None:
                continue
            assert cell.data_type == "n" and cell.value == score
            assert cell.number_format == "0.0"
            assert ws.cell(r, col["分值"]).value == ind.points
            assert ws.cell(r, col["计分方法"]).value.startswith(ind.method_label)


def _cited(ws, text):
    """A 数据来源 cell with its file key expanded by the card's legend line (数据来源：①file；②file)."""
    (legend,) = [c.value for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("数据来源：")]
    files = {entry[0]: entry[1:] for entry in legend.removeprefix("数据来源：").split("；")}
    return files[text[0]] + " › " + text[1:] if text and text[0] in files else text


def test_values_targets_sources_and_notes(cards):
    results, wb, _ = cards
    ws = wb["城关镇"]
    col = _header(ws)
    details = {(d.unit, d.indicator): d for d in results.detail}
    r = _row_of(ws, col["考核内容"], "A2 固定资产投资完成额（万元）")
    d = details[("城关镇", "A2")]
    assert ws.cell(r, col["原始值"]).value == d.value == 110
    assert ws.cell(r, col["目标值"]).value == 120
    assert ws.cell(r, col["数据来源"]).value == "①表!A2"  # the file by its key, named once under the table
    assert _cited(ws, "①表!A2") == d.source == "测试.xlsx › 表!A2"
    sources = [_cited(ws, ws.cell(r, col["数据来源"]).value) for r in range(4, 11)
               if ws.cell(r, col["考核内容"]).value != "小计"]
    assert sources == [details[("城关镇", i)].source for i in ("A1", "A2", "A3", "B1", "B2")]


def test_not_assessed_and_missing_data(cards):
    results, wb, _ = cards
    ws = wb[SAFE_UNSAFE_UNIT]
    col = _header(ws)
    r = _row_of(ws, col["考核内容"], "A3 工业园区建设")
    assert ws.cell(r, col["得分"]).value == "不考核"
    assert ws.cell(r, col["数据来源"]).value is None
    assert ws.cell(r, col["说明"]).value == "“山区”不考核此项"
    # missing data (a detail row exists) shows the score the scheme's `missing` gives and the row's note
    ws = wb["=1+1"]
    r = _row_of(ws, col["考核内容"], "B2 基层医疗卫生工作评分")
    assert ws.cell(r, col["得分"]).value == results.unit("=1+1").indicators["B2"] == 0
    assert ws.cell(r, col["说明"]).value == "缺数据，按方案记 0 分"


def test_indicator_groups_decide_not_assessed(tmp_path):
    indicators = [{**i, "groups": ["山区"]} if i["id"] == "B1" else i for i in INDICATORS]  # B1 only for 山区
    results = _results(indicators, [{"path": ["经济发展"], "points": 30}, {"path": ["社会事业"], "points": 20}])
    assert results.unit("城关镇").indicators["B1"] is None
    path = tmp_path / SCORECARDS_XLSX
    write_scorecards(results, path)
    ws = openpyxl.load_workbook(path)["城关镇"]
    col = _header(ws)
    r = _row_of(ws, col["考核内容"], "B1 家庭医生签约覆盖率（%）")
    assert ws.cell(r, col["得分"]).value == "不考核"


def test_subtotals_components_adjustments_total(cards):
    results, wb, _ = cards
    for ws, u in zip(wb.worksheets, results.units):
        col = _header(ws)
        first = _row_of(ws, col["考核内容"], "小计")
        second = _row_of(ws, col["考核内容"], "小计", first + 1)
        for r, cat in zip((first, second), results.categories):
            assert ws.cell(r, col["分值"]).value == cat.points
            cell = ws.cell(r, col["得分"])
            assert cell.value == u.categories[cat.name] and cell.number_format == "0.0"
        r = _row_of(ws, 1, "指标考核（满分50分，权重60%）")
        assert ws.cell(r, col["得分"]).value == u.components["指标考核"]
        r = _row_of(ws, 1, "公众评议（满分100分，权重40%）")
        assert ws.cell(r, col["得分"]).value == u.components["公众评议"]
        bonus = ws.cell(_row_of(ws, 1, "专项督查加分（上限3分）"), col["得分"]).value
        deduction = ws.cell(_row_of(ws, 1, "察访核验扣分（上限5分）"), col["得分"]).value
        assert bonus == u.adjustments["专项督查加分"]
        assert deduction == (-u.adjustments["察访核验扣分"] or 0)
        total = ws.cell(_row_of(ws, 1, "总分"), col["得分"])
        assert total.value == u.total and total.data_type == "n" and total.number_format == "0.0"
        assert ws.cell(_row_of(ws, 1, "总分"), col["得分"]).font.b
    ws = wb["=1+1"]
    r = _row_of(ws, 1, "察访核验扣分（上限5分）")
    assert ws.cell(r, _header(ws)["得分"]).value == -2.0
    ws = wb["城关镇"]
    r = _row_of(ws, 1, "专项督查加分（上限3分）")
    assert ws.cell(r, _header(ws)["说明"]).value == "招商引资督查第一（督查室）"
    assert _cited(ws, ws.cell(r, _header(ws)["数据来源"]).value) == "考核办/加减分.xlsx › 登记!D3"


def test_veto_line_only_for_the_vetoed_unit(cards):
    _, wb, _ = cards
    vetoed = [t for t in _texts(wb["=1+1"]) if t.startswith("一票否决")]
    assert vetoed == ["一票否决：安全生产（应急管理局：发生较大生产安全事故），登记于 考核办/一票否决.xlsx › 一票否决!B3"]
    for name in ("城关镇", SAFE_UNSAFE_UNIT):
        assert not [t for t in _texts(wb[name]) if t.startswith("一票否决")]


def test_signature_line(cards):
    _, wb, _ = cards
    for ws in wb.worksheets:
        assert SIGNATURE == "考核组长：＿＿＿　审核人：＿＿＿　被考核单位负责人：＿＿＿"
        assert SIGNATURE in _texts(ws)
        r = _row_of(ws, 1, SIGNATURE)
        assert r > _row_of(ws, 1, "总分")


def test_strings_starting_with_equals_stay_strings(cards):
    _, wb, path = cards
    ws = wb["=1+1"]
    col = _header(ws)
    r = _row_of(ws, 1, "察访核验扣分（上限5分）")  # its register reason looks like a formula
    cell = ws.cell(r, col["说明"])
    assert cell.value == FORMULA_NOTE and cell.data_type == "s"
    assert not any(c.data_type == "f" for w in wb.worksheets for row in w.iter_rows() for c in row)
    import zipfile
    with zipfile.ZipFile(path) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet"))


def test_print_settings(cards):
    _, wb, _ = cards
    for ws in wb.worksheets:  # landscape at the smallest legible scale; title, unit line and header on every page
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert int(ws.page_setup.scale) == 82 and not ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows.replace("$", "") == "1:3"
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_reproducible_bytes_and_fixed_properties(cards, tmp_path):
    results, wb, path = cards
    again = tmp_path / "again.xlsx"
    write_scorecards(results, again)
    assert path.read_bytes() == again.read_bytes()
    assert wb.properties.title == f"{TITLE}单位评分卡"
    assert wb.properties.creator == "kaohe"
    assert wb.properties.created.year == 2026


def test_deeper_tree_shows_sub_category_path_and_subtotals(tmp_path):
    subs = {"A1": "工业", "A2": "工业", "A3": "投资"}
    results = _results([{**i, "category": ["经济发展", subs[i["id"]]]} if i["id"] in subs else i for i in INDICATORS])
    assert [n.key for n in results.category_tree] == ["经济发展", "经济发展/工业", "经济发展/投资", "社会事业"]
    path = tmp_path / SCORECARDS_XLSX
    write_scorecards(results, path)
    ws = openpyxl.load_workbook(path)[SAFE_UNSAFE_UNIT]
    col = _header(ws)
    assert [ws.cell(r, col["考核内容"]).value for r in range(4, 10)] == [
        "工业：A1 地区生产总值增长率（%）", "工业：A2 固定资产投资完成额（万元）", "小计（工业）",
        "投资：A3 工业园区建设", "小计（投资）", "小计"]
    unit = results.unit(UNSAFE_UNIT)
    assert ws.cell(6, col["得分"]).value == unit.tree["经济发展/工业"] == 18 and ws.cell(6, col["分值"]).value == 20
    assert "经济发展/投资" not in unit.tree  # the engine leaves out a node the unit is not assessed on
    assert ws.cell(8, col["得分"]).value == "不考核"
    assert "B4:B9" in {str(r) for r in ws.merged_cells.ranges}


def test_bundled_example(example, tmp_path):
    from pipeline.run import run_assessment

    outcome = run_assessment(example)
    assert outcome.exit_code == 0
    results = outcome.results
    path = tmp_path / SCORECARDS_XLSX
    write_scorecards(results, path)
    wb = openpyxl.load_workbook(path)
    assert len(wb.sheetnames) == 19
    assert wb.sheetnames == [u.unit for u in results.units]
    published = json.loads((example / "output" / "results.json").read_text(encoding="utf-8"))
    expected = next(u for u in published["units"] if u["unit"] == "城关镇")
    ws = wb["城关镇"]
    col = _header(ws)
    total = ws.cell(_row_of(ws, 1, "总分"), col["得分"])
    assert total.value == expected["total"] and total.number_format == "0.00"
    assert f"总分：{expected['total']:.2f}" in ws["A2"].value
    vetoed = [u["unit"] for u in published["units"] if u["vetoed"]]
    assert vetoed and all(any(t.startswith("一票否决") for t in _texts(wb[v])) for v in vetoed)
