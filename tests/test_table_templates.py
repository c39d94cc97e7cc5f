"""The office's own mandated tables (表样): filled cell by cell, everything else kept as the office made it.

The bundled templates (templates/表样/, built by templates/make_table_templates.py with openpyxl as an office
builds them in Excel) are filled by a real `kaohe run`; the filled workbooks are compared with the templates
style by style, merge by merge, and their values with results.json.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, kaohe
from pipeline.render.xlsx_fill import FillError, fill_template

SUMMARY_TPL = ROOT / "templates" / "表样" / "考核结果汇总表（表样）.xlsx"
CARD_TPL = ROOT / "templates" / "表样" / "单位考核得分表（表样）.xlsx"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
BLOCK_START, BLOCK_END = 5, 7  # the marker rows of the summary template
CARD_START, CARD_END = 4, 6


@pytest.fixture(scope="module")
def run(bundled_run) -> Path:
    return bundled_run[0]


@pytest.fixture(scope="module")
def results(run) -> dict:
    return json.loads((run / "output" / "results.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def typed(tmp_path_factory):
    """The bundled example's typed results (template_names reads them), from one in-process run."""
    from render_helpers import bundled_results

    return bundled_results(tmp_path_factory.mktemp("typed"))


def out_row(r: int, start: int, end: int, n: int) -> int:
    """Where template row r (outside the block) lands: markers removed, the block row repeated n times."""
    if r < start:
        return r
    assert r > end
    return r - 2 + (n - (end - start - 1))


def style(cell) -> tuple:
    """Everything a cell's look is made of (openpyxl's style proxies compare by identity, their reprs by value)."""
    return tuple(repr(x) for x in (cell.font, cell.border, cell.fill, cell.alignment, cell.protection)) + (
        cell.number_format,)


def test_bundled_templates_are_what_the_script_builds(tmp_path):
    """templates/表样/ can be regenerated: a fresh build gives the same cells, merges and settings."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_table_templates", ROOT / "templates" / "make_table_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.OUT = tmp_path
    module.main()
    for tpl in (SUMMARY_TPL, CARD_TPL):
        a, b = openpyxl.load_workbook(tpl), openpyxl.load_workbook(tmp_path / tpl.name)
        for wa, wb in zip(a.worksheets, b.worksheets):
            assert [[c.value for c in r] for r in wa.iter_rows()] == [[c.value for c in r] for r in wb.iter_rows()]
            assert sorted(map(str, wa.merged_cells.ranges)) == sorted(map(str, wb.merged_cells.ranges))


def test_summary_template_filled_keeps_everything_the_office_made(run, results):
    tpl = openpyxl.load_workbook(SUMMARY_TPL)
    out = openpyxl.load_workbook(run / "output" / "考核结果汇总表（统一格式）.xlsx")
    n = len(results["units"])
    assert out.sheetnames == tpl.sheetnames
    t, o = tpl["汇总表"], out["汇总表"]

    # every cell outside the block keeps its style; its value too unless it held an expression
    for row in t.iter_rows():
        for c in row:
            if BLOCK_START <= c.row <= BLOCK_END:
                continue
            moved = o.cell(out_row(c.row, BLOCK_START, BLOCK_END, n), c.column)
            assert style(moved) == style(c), c.coordinate
            if not (isinstance(c.value, str) and "{{" in c.value):
                assert moved.value == c.value, c.coordinate
    # each unit row keeps the block row's style, number format included
    for i in range(n):
        for col in range(1, 10):
            assert style(o.cell(BLOCK_START + i, col)) == style(t.cell(6, col))
    # merges: above unchanged, below moved by the same rows
    shift = out_row(9, BLOCK_START, BLOCK_END, n) - 9
    expected = set()
    for m in t.merged_cells.ranges:
        m = openpyxl.worksheet.cell_range.CellRange(str(m))
        if m.min_row > BLOCK_END:
            m.shift(row_shift=shift)
        expected.add(str(m))
    assert set(map(str, o.merged_cells.ranges)) == expected
    # the signature block, pushed down intact: text, merge, height, and the seal picture with it
    assert o.cell(9 + shift, 1).value.startswith("考核组长")
    assert f"A{9 + shift}:F{9 + shift}" in expected and o.row_dimensions[9 + shift].height == t.row_dimensions[9].height
    assert len(o._images) == len(t._images) == 1
    assert o._images[0].anchor._from.row == t._images[0].anchor._from.row + shift
    assert o._images[0]._data() == t._images[0]._data()
    # sizes and print setup
    for col, dim in t.column_dimensions.items():
        assert o.column_dimensions[col].width == dim.width
    for r in (1, 3, 4):
        assert o.row_dimensions[r].height == t.row_dimensions[r].height
    assert all(o.row_dimensions[BLOCK_START + i].height == t.row_dimensions[6].height for i in range(n))
    assert (o.page_setup.orientation, o.page_setup.paperSize, o.page_setup.fitToHeight) == \
        (t.page_setup.orientation, t.page_setup.paperSize, t.page_setup.fitToHeight)
    assert o.sheet_properties.pageSetUpPr.fitToPage and o.print_title_rows == t.print_title_rows
    assert (o.oddFooter.center.text, o.oddHeader.right.text) == (t.oddFooter.center.text, t.oddHeader.right.text)
    assert o.page_margins.left == t.page_margins.left and o.print_options.horizontalCentered
    assert o.print_area == f"'汇总表'!$A$1:$I${11 + shift}"
    assert o.freeze_panes == "C5"  # the template froze below the header at C6; the marker row above it went
    # validation and conditional format stretched over every unit row; the defined name follows the table
    [dv] = o.data_validations.dataValidation
    assert str(dv.sqref) == f"H{BLOCK_START}:H{BLOCK_START + n - 1}" and dv.formula1 == '"优秀,良好,一般,较差"'
    [cf] = list(o.conditional_formatting)
    assert str(cf.sqref) == f"G{BLOCK_START}:G{BLOCK_START + n - 1}"
    assert out.defined_names["考核结果区域"].attr_text == f"'汇总表'!$A$3:$I${BLOCK_START + n - 1}"
    # another sheet of the template is untouched
    assert [[c.value for c in r] for r in out["填表说明"].iter_rows()] == [[c.value for c in r] for r in tpl["填表说明"].iter_rows()]


def test_summary_values_equal_results_json(run, results):
    o = openpyxl.load_workbook(run / "output" / "考核结果汇总表（统一格式）.xlsx")["汇总表"]
    assert o["A1"].value == results["assessment"]["title"] + "结果汇总表"
    assert o["A2"].value == "制表单位：" + results["assessment"]["organizer"]
    for i, u in enumerate(results["units"]):
        r = BLOCK_START + i
        row = [o.cell(r, c).value for c in range(1, 10)]
        adj = u["adjustments"]
        assert row[:8] == [u["rank"], u["unit"], u["components"]["指标考核"], u["components"]["发展指数"],
                           u["components"]["公众评议"], pytest.approx(adj["专项督查加分"] - adj["察访核验扣分"]),
                           u["total"], u["grade"]], u["unit"]
        assert isinstance(row[6], (int, float)) and o.cell(r, 7).number_format == "0.00"  # a number, not text
        assert ("一票否决" in (row[8] or "")) == u["vetoed"]


def test_per_unit_cards_one_file_each_with_their_indicators(run, results):
    folder = run / "output" / "单位考核得分表（统一格式）"
    files = sorted(p.stem for p in folder.glob("*.xlsx"))
    assert files == sorted(u["unit"] for u in results["units"])
    u = next(x for x in results["units"] if x["unit"] == "城关镇")
    ws = openpyxl.load_workbook(folder / "城关镇.xlsx")["得分表"]
    assert ws["A2"].value == "被考核单位：城关镇" and ws["E2"].value == f"名次：第{u['rank']}名    等次：{u['grade']}"
    n = len(results["indicators"])
    scores = [ws.cell(CARD_START + i, 6).value for i in range(n)]
    assert scores == [u["indicators"][i["id"]] for i in results["indicators"]]
    assert [ws.cell(CARD_START + i, 1).value for i in range(n)] == list(range(1, n + 1))
    total_row = out_row(8, CARD_START, CARD_END, n)
    assert (ws.cell(total_row, 1).value, ws.cell(total_row, 6).value) == ("总分", u["total"])
    assert f"A{total_row}:E{total_row}" in set(map(str, ws.merged_cells.ranges))


def _edit_template(folder: Path, cell: str, text: str) -> Path:
    path = folder / "templates" / "表样" / "考核结果汇总表（表样）.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["汇总表"][cell] = text
    wb.save(path)
    return path


def test_typo_in_a_placeholder_is_a_chinese_error_naming_the_cell_and_nothing_is_written(example):
    assert kaohe("run", example).returncode == 0
    before = {p: p.read_bytes() for p in (example / "output").glob("*.*")}
    _edit_template(example, "G6", "{{ u.总份 }}")
    res = kaohe("run", example)
    assert res.returncode == 2
    assert "表样 考核结果汇总表（表样）.xlsx › 汇总表!G6：未知名称“总份”" in res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    after = {p: p.read_bytes() for p in (example / "output").glob("*.*")}
    assert after == before  # nothing written: every output is the previous run's


@pytest.mark.parametrize("text,reason", [
    ("{{ u.单位 ", "表达式有误"),
    ("{{ u.__class__.__mro__ }}", "不允许"),
    ("{%tr for u in 单位 %}", "不能嵌套"),
])
def test_broken_placeholders_are_named(tmp_path, typed, text, reason):
    from pipeline.render.fill_names import template_names

    path = tmp_path / "表样.xlsx"
    shutil.copy2(SUMMARY_TPL, path)
    wb = openpyxl.load_workbook(path)
    wb["汇总表"]["B6"] = text
    wb.save(path)
    with pytest.raises(FillError) as err:
        fill_template(path, template_names(typed), tmp_path / "out.xlsx")
    assert "表样.xlsx › 汇总表!" in str(err.value) and reason in str(err.value)
    assert not (tmp_path / "out.xlsx").exists()


def test_a_fixed_area_too_small_says_so_and_a_large_enough_one_is_filled_in_place(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"] = "{%tr fill u in 单位 %}"
    colours = ["00FFEEDD", "00DDEEFF", "00EEFFDD"]
    for r, colour in zip(range(2, 5), colours):  # a pre-drawn area of three rows, each with its own fill colour
        ws.cell(r, 1, "{{ u }}").fill = openpyxl.styles.PatternFill("solid", fgColor=colour)
    ws["A5"] = "{%tr endfill %}"
    ws["A6"] = "制表人："
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(FillError, match="固定区域只有 3 行，需要填写 4 项"):
        fill_template(tmp_path / "t.xlsx", {"单位": list("甲乙丙丁")}, tmp_path / "o.xlsx")
    fill_template(tmp_path / "t.xlsx", {"单位": list("甲乙")}, tmp_path / "o.xlsx")
    o = openpyxl.load_workbook(tmp_path / "o.xlsx")["表"]
    assert [o.cell(r, 1).value for r in range(1, 5)] == ["甲", "乙", None, "制表人："]
    assert [o.cell(r, 1).fill.fgColor.rgb for r in range(1, 4)] == colours  # each row keeps its own look


def test_numbers_stay_numbers_text_stays_text_and_formulas_follow_their_rows(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "{%tr for u in 单位 %}"
    ws["A2"], ws["B2"], ws["C2"] = "{{ u.名 }}", "{{ u.分 }}", "=B2*2"
    ws["A3"] = "{%tr endfor %}"
    ws["A4"], ws["B4"] = "合计{{ 单位|length }}个", "=SUM(B2:B2)"
    wb.save(tmp_path / "t.xlsx")
    units = [{"名": "=1+1", "分": 1.5}, {"名": "@甲", "分": 2}, {"名": "乙", "分": None}]
    fill_template(tmp_path / "t.xlsx", {"单位": units}, tmp_path / "o.xlsx")
    o = openpyxl.load_workbook(tmp_path / "o.xlsx").active
    assert [(o.cell(r, 1).value, o.cell(r, 1).data_type) for r in (1, 2)] == [("=1+1", "s"), ("@甲", "s")]
    assert [o.cell(r, 2).value for r in (1, 2, 3)] == [1.5, 2, None]
    assert [o.cell(r, 3).value for r in (1, 2, 3)] == ["=B1*2", "=B2*2", "=B3*2"]
    assert (o["A4"].value, o["B4"].value) == ("合计3个", "=SUM(B1:B3)")


def test_libreoffice_prints_a_filled_template(run, results, tmp_path):
    if SOFFICE is None:
        pytest.skip("LibreOffice（soffice）未安装：.ci/run 会安装 libreoffice-calc")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext 未安装：.ci/run 会安装 poppler-utils")
    src = run / "output" / "考核结果汇总表（统一格式）.xlsx"
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)], check=True, capture_output=True,
                   timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / (src.stem + ".pdf")), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = "".join(text.split())
    assert results["assessment"]["title"] + "结果汇总表" in flat
    for u in results["units"]:
        assert u["unit"] in flat and f"{u['total']:.2f}" in flat


def test_every_template_name_is_documented_in_the_guide():
    from pipeline.render.fill_names import TOP_NAMES, UNIT_NAMES

    guide = (ROOT / "docs" / "方案编写指南.md").read_text("utf-8")
    section = guide[guide.index("### 16.2 可用的名称"):]
    assert not [n for n in (*TOP_NAMES, *UNIT_NAMES) if f"`{n}`" not in section]


@pytest.mark.parametrize("entry,words", [
    ('file = "a.xlsx"\noutput = "../逃逸.xlsx"', "不能含“..”"),
    ('file = "a.xlsx"\noutput = "得分表.xlsx"\nper_unit = true', "须含“{单位}”"),
    ('file = "a.xlsx"\noutput = "汇总.docx"', "应为 .xlsx 文件名"),
])
def test_table_template_entries_are_checked(example, entry, words):
    cfg = example / "config.toml"
    text = cfg.read_text("utf-8")
    cfg.write_text(text[:text.index("[[table_templates]]")] + "[[table_templates]]\n" + entry + "\n", "utf-8")
    res = kaohe("check", example)
    assert res.returncode == 2 and words in res.stderr and "table_templates" in res.stderr


def test_a_template_with_an_image_fills_again_in_the_same_process(tmp_path, typed):
    """The parsed template is cached per file version; its seal image must survive being saved: the second fill
    (the next per-unit table, or the next run of a long-lived process) carries the same image bytes."""
    import zipfile

    from pipeline.render.fill_names import template_names

    with zipfile.ZipFile(SUMMARY_TPL) as zf:
        original = [zf.read(n) for n in sorted(n for n in zf.namelist() if n.startswith("xl/media/"))]
    assert original, "the bundled summary template carries a seal image"
    images = []
    for i in range(2):
        out = tmp_path / f"{i}.xlsx"
        fill_template(SUMMARY_TPL, template_names(typed), out)
        with zipfile.ZipFile(out) as zf:
            images.append([zf.read(n) for n in sorted(n for n in zf.namelist() if n.startswith("xl/media/"))])
    assert images[0] == images[1] and len(images[0]) == len(original)
