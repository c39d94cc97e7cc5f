"""Labels that say what they hold (issue 15, part 2): a component added as it is shows its points, not 权重100%;
a register's cells are named once per sheet; an adjustment's long reasons get a line across the score card
instead of a page-tall 备注 cell."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from conftest import ROOT, kaohe
from pipeline.render.xlsx_base import sources_text


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    folder = tmp_path_factory.mktemp("district") / "district"
    shutil.copytree(ROOT / "examples" / "district", folder)
    assert kaohe("run", "-q", folder).returncode == 0
    return folder / "output"


def _texts(path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_added_components_show_their_points_not_a_weight(district):
    """The district form adds 指标考核 (60) and 公众评议 (40): each used to read 权重100%."""
    summary = openpyxl.load_workbook(district / "考核结果汇总表.xlsx").worksheets[0]
    heads = [str(c.value).replace("\n", "") for c in summary[3] if c.value]
    assert "指标考核（60分）" in heads and "公众评议（40分）" in heads
    cards = _texts(district / "单位评分卡.xlsx")
    assert "指标考核（满分60分）" in cards and "公众评议（满分40分）" in cards
    for book in ("考核结果汇总表.xlsx", "考核结果公示表.xlsx", "单位评分卡.xlsx"):
        assert not [t for t in _texts(district / book) if "权重100%" in t.replace("\n", "")], book


def test_weighted_components_keep_their_weights(tmp_path):
    from conftest import copy_bundled

    folder = copy_bundled(tmp_path)
    assert kaohe("run", "-q", folder).returncode == 0
    heads = [str(c.value).replace("\n", "") for c in
             openpyxl.load_workbook(folder / "output" / "考核结果汇总表.xlsx").worksheets[0][3] if c.value]
    assert {"指标考核（权重50%）", "发展指数（权重10%）", "公众评议（权重40%）"} <= set(heads)


def test_sources_of_one_sheet_are_named_once():
    book = "区考核办/加减分登记表.xlsx › 加减分登记"
    assert sources_text([f"{book}!D4", f"{book}!D5", f"{book}!D5", "统计局.xlsx › 数据!C3", f"{book}!D7"]) == \
        f"{book}!D4、D5、D7；统计局.xlsx › 数据!C3"
    assert sources_text(["考核运行记录.sqlite › 第1次运行（2025年定稿）"]) == "考核运行记录.sqlite › 第1次运行（2025年定稿）"
    assert sources_text([]) == ""


def test_long_adjustment_reasons_get_a_line_of_their_own(district):
    """区发改局 has four 改革创新加分 entries: their reasons filled a 337 pt 备注 cell (a printed page)."""
    ws = openpyxl.load_workbook(district / "单位评分卡.xlsx").worksheets[0]
    rows = {str(ws.cell(r, 1).value): r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    bonus = rows["改革创新加分（上限3分）"]
    assert "见下" in [c.value for c in ws[bonus]]
    assert (ws.row_dimensions[bonus].height or 15) <= 80
    (reasons,) = [t for t in rows if t.startswith("改革创新加分事由：")]
    assert reasons.count("（区委改革办）") == 4 and rows[reasons] > rows["总分"]
    sources = [c.value for c in ws[bonus] if isinstance(c.value, str) and "!" in c.value]
    (key,) = [k for k in "①②③④⑤" if f"{k}区考核办/2025年度区直部门加减分登记表.xlsx" in
              next(t for t in rows if t.startswith("数据来源："))]
    assert sources == [f"{key}加减分登记!D4、D5、D6、D7"]  # the file by its key, each cell once


def test_file_keys_name_each_file_once():
    from pipeline.render.xlsx_base import FileKeys

    keys = FileKeys()
    assert keys.short("统计局/数据.xlsx › 指标!C6") == "①指标!C6"
    assert keys.short("财政局.xls › Sheet1!B2") == "②Sheet1!B2"
    assert keys.short("统计局/数据.xlsx › 指标!C7") == "①指标!C7"  # the same file, the same key
    assert keys.short("考核运行记录.sqlite") == "考核运行记录.sqlite" and keys.short(None) is None
    assert keys.legend() == "①统计局/数据.xlsx；②财政局.xls"
    for n in range(3, 23):
        keys.short(f"f{n}.xlsx › s!A1")
    assert keys.short("f22.xlsx › s!A1") == "[22]s!A1"  # past ⑳, a bracketed number
