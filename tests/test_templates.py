"""`kaohe templates`: blank returns per department, filled as a department would (openpyxl, LibreOffice), read
back exactly through their hidden metadata; a template from an older scheme or one edited by hand is said so."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from conftest import kaohe
from pipeline.ingest import ingest
from pipeline.ingest.reader import read_workbook
from pipeline.ingest.templated import match_template
from pipeline.normalize import normalize
from pipeline.run import TEMPLATES_DIR, write_blank_templates
from pipeline.scheme import load_scheme
from pipeline.template_meta import META_SHEET, layout_for

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def read(folder: Path):
    scheme = load_scheme(folder)
    return normalize(scheme, ingest(folder, scheme))


def table(data) -> dict:
    """(unit, indicator, period) -> (value, target): what scoring receives, without source positions."""
    return {(r.unit, r.indicator, r.period): (r.value, r.target) for r in data.values.itertuples()}


def department_returns(folder: Path) -> list[Path]:
    return [p for p in (folder / "input").rglob("*.xlsx") if "指标数据" in p.name or "基础数据" in p.name]


def indicator_templates(folder: Path) -> list[Path]:
    return sorted((folder / TEMPLATES_DIR).glob("*指标数据填报表*.xlsx"))


def fill_templates(folder: Path, data, out: Path) -> list[Path]:
    """Fill every generated template with `data`'s values, as a department would in Excel (only unlocked cells)."""
    scheme = load_scheme(folder)
    values = table(data)
    written = []
    for path in indicator_templates(folder):
        wb = openpyxl.load_workbook(path)
        ws = wb["指标数据"]
        source = re.search(r"（(.+)）", path.name).group(1)
        layout = layout_for(scheme, source)
        year = str(scheme.assessment.year)
        for n, unit in enumerate(layout.units):
            r = layout.first_row + n
            for c in layout.columns:
                ind, _, part = c.role.partition(":")
                if ws.cell(r, c.col).protection.locked:
                    continue  # not assessed for this unit ("—")
                value, target = values.get((unit, ind, str(int(year) - 1) if part == "last" else year), (None, None))
                cell_value = target if part in ("target", "cum_target") else value
                ws.cell(r, c.col).value = None if cell_value is None else float(cell_value)
        dest = out / source / path.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        wb.save(dest)
        written.append(dest)
    return written


@pytest.fixture
def baseline(example):
    return read(example)


@pytest.fixture
def filled(example, baseline) -> list[Path]:
    """The example with every department's return replaced by its filled template."""
    write_blank_templates(example)
    for p in department_returns(example):
        p.unlink()
    return fill_templates(example, baseline, example / "input")


def test_templates_command_writes_one_protected_validated_print_ready_workbook_per_department(example):
    res = kaohe("templates", example)
    assert res.returncode == 0, res.stderr
    scheme = load_scheme(example)
    paths = sorted((example / TEMPLATES_DIR).glob("*.xlsx"))
    assert len(paths) == len(scheme.sources) + 4 == 10  # + 加减分, 一票否决, 更正申诉 and 弄虚作假 registers
    assert "已生成 10 份填报模板" in res.stdout
    wb = openpyxl.load_workbook(next(p for p in paths if "统计局" in p.name))
    assert wb.sheetnames == ["指标数据", "填报说明", META_SHEET]
    assert wb[META_SHEET].sheet_state == "veryHidden"
    ws = wb["指标数据"]
    assert ws["A1"].value == "XX县2025年度乡镇目标管理绩效考核指标数据填报表（统计局）"
    assert "报送截止：2026年1月10日" in ws["A2"].value and "联系人：县考核办 李明" in ws["A2"].value
    assert ws.protection.sheet and wb["填报说明"].protection.sheet
    # units pre-filled and locked; the value cells unlocked; the header locked
    assert [ws.cell(5 + i, 2).value for i in range(19)] == scheme.unit_names
    assert ws["B5"].protection.locked and ws["C3"].protection.locked and not ws["C5"].protection.locked
    assert (ws["C3"].value, ws["C4"].value) == ("地区生产总值增长率\n（%）", "完成值")  # the unit on its own line
    assert (ws["E4"].value, ws["F4"].value) == ("完成值", "目标值")  # A3 固定资产投资: completion against a target
    # data validation: numbers, with the bounds the method implies
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert rules["C5:C23"].type == "decimal" and rules["C5:C23"].showErrorMessage
    assert rules["G5:G23"].type == "decimal" and rules["G5:G23"].operator == "greaterThan"  # 综合指数: > 0
    # print-ready: A4 landscape, one page wide, header rows repeated, page numbers
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in (9, "9")
    # fit to one page wide (fitToWidth defaults to 1 and is omitted), any number of pages tall
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1, "1")
    assert ws.page_setup.fitToHeight in (0, "0")
    assert ws.print_title_rows == "$3:$4"
    assert "&P" in ws.oddFooter.center.text
    guide = wb["填报说明"]
    texts = [c.value for row in guide.iter_rows() for c in row if c.value]
    assert "按可比价格计算的本年增速，以市统计局反馈数据为准" in texts  # the indicator's note from config


def test_not_assessed_cells_are_locked_dashes(tmp_path):
    """An indicator for one group only: other units' cells are a locked "—" the department cannot fill."""
    folder = tmp_path / "目标考核"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "target", folder,
                    ignore=shutil.ignore_patterns("output"))
    scheme = load_scheme(folder)
    write_blank_templates(folder)
    ind = next(i for i in scheme.indicators if i.groups)
    layout = layout_for(scheme, ind.source)
    col = next(c.col for c in layout.columns if c.role == ind.id)
    wb = openpyxl.load_workbook(next((folder / TEMPLATES_DIR).glob(f"*（{ind.source}）.xlsx")))
    ws = wb["指标数据"]
    group_of = {u.name: u.group for u in scheme.units}
    assert len({ind.applies_to(group_of[u]) for u in layout.units}) == 2  # some units assessed, some not
    for n, unit in enumerate(layout.units):
        cell = ws.cell(layout.first_row + n, col)
        assessed = ind.applies_to(group_of[unit])
        assert (cell.value, cell.protection.locked) == ((None, False) if assessed else ("—", True))


def test_filled_templates_round_trip_to_the_same_values(example, baseline, filled):
    data = read(example)
    assert table(data) == table(baseline)
    assert not [i.text() for i in data.issues if i.severity == "错误" or i.code.startswith("template")]
    # every value's source is a cell of a filled template
    sources = {s.split(" › ")[0] for s in data.values["source"] if s}
    assert sources == {str(p.relative_to(example / "input")) for p in filled}


def test_filled_template_is_mapped_from_its_metadata_not_its_headers(example, filled):
    scheme = load_scheme(example)
    path = next(p for p in filled if "统计局" in p.name)
    match = match_template(read_workbook(path), scheme, path.name)
    layout = layout_for(scheme, "统计局")
    assert not match.issues
    [(sheet, exact)] = match.tables.items()
    assert sheet == "指标数据" and exact.columns == {c.col: c.role for c in layout.columns}
    assert (exact.header_rows, exact.unit_col, exact.last_row) == ((3, 4), 2, 23)


def test_template_from_an_older_scheme_is_recognised_and_read_by_headers(example, baseline, filled):
    """The office renamed an indicator after sending the templates (keeping the old name as an alias)."""
    config = example / "config.toml"
    text = config.read_text("utf-8")
    config.write_text(text.replace('name = "地区生产总值增长率"', 'name = "GDP增长率"\naliases = ["地区生产总值增长率"]', 1),
                      "utf-8")
    data = read(example)
    [stale] = [i for i in data.issues if i.code == "template-stale"]
    assert "统计局" in stale.file and stale.severity == "警告"
    assert "按旧版考核方案生成的填报模板" in stale.text() and "kaohe templates" in stale.text()
    assert table(data) == table(baseline)  # header matching (through the alias) still reads every value
    assert not [i for i in data.issues if i.severity == "错误"]


def test_template_missing_a_new_indicator_names_it(example, filled):
    """A new 统计局 indicator added to the scheme after the templates went out: the warning names it."""
    config = example / "config.toml"
    text = config.read_text("utf-8")
    text = text.replace('points = 10\nmethod = "efficacy"              # 满意值', 'points = 5\nmethod = "efficacy"              # 满意值', 1)
    text += '\n[[indicators]]\nid = "A9"\nname = "市场主体增长率"\ncategory = ["经济发展"]\nsource = "统计局"\nunit = "%"\npoints = 5\nmethod = "efficacy"\n'
    config.write_text(text, "utf-8")
    data = read(example)
    [stale] = [i for i in data.issues if i.code == "template-stale"]
    assert "方案新增指标：A9 市场主体增长率" in stale.text()
    assert any(i.code == "missing-unit" or i.code == "absent-unit" or i.code == "missing-value"
               for i in data.issues if "A9" in i.indicator or "A9" in i.text())


@pytest.mark.parametrize("edit", ["header", "extra-unit"])
def test_template_edited_by_hand_is_reported_and_still_read(example, baseline, filled, edit):
    path = next(p for p in filled if "统计局" in p.name)
    wb = openpyxl.load_workbook(path)
    ws = wb["指标数据"]
    ws.protection.sheet = False  # a department that removed the protection
    if edit == "header":
        ws["C4"] = "实际值"  # still a value column by its header, but no longer what the template wrote
        expected_cell = "C4"
    else:
        ws["B24"] = "新设镇"  # a unit row added below the table must not be dropped silently
        ws["C24"] = 6.5
        expected_cell = "B24"
    wb.save(path)
    data = read(example)
    [altered] = [i for i in data.issues if i.code == "template-altered"]
    assert (altered.sheet, altered.cell) == ("指标数据", expected_cell)
    if edit == "header":
        assert table(data) == table(baseline)
    else:
        assert [i.cell for i in data.issues if i.code == "unknown-unit"] == ["B24"]


def test_template_resaved_by_libreoffice_is_still_mapped_exactly(example, baseline, filled, tmp_path):
    """A department that fills the template in LibreOffice (or WPS) and saves it as .xlsx or .ods."""
    if SOFFICE is None:
        pytest.skip("LibreOffice（soffice）未安装：.ci/run 会安装 libreoffice-calc")
    path = next(p for p in filled if "统计局" in p.name)
    outdir = tmp_path / "lo"
    for fmt in ("xlsx", "ods"):
        subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/.lo-profile",
                        "--convert-to", fmt, "--outdir", str(outdir), str(path)],
                       check=True, capture_output=True, timeout=180)
    scheme = load_scheme(example)
    for converted in sorted(outdir.iterdir()):
        if converted.is_file():
            match = match_template(read_workbook(converted), scheme, converted.name)
            assert not match.issues and "指标数据" in match.tables, converted.name
    path.unlink()
    shutil.copy2(outdir / (path.stem + ".ods"), path.with_suffix(".ods"))
    data = read(example)
    assert table(data) == table(baseline)
    assert not [i for i in data.issues if i.code.startswith("template")]


def test_registers_are_filled_from_drop_downs_and_read_back_exactly(example, baseline):
    """The office keeps its 加减分 and 一票否决 registers on the generated templates (units and kinds from lists)."""
    write_blank_templates(example)
    scheme = load_scheme(example)
    office = example / "input" / "考核办"
    for old in office.glob("*登记表.xlsx"):
        old.unlink()
    dated = {"adjustments": baseline.adjustments, "veto": baseline.vetoes}
    for kind, entries in dated.items():
        name = {"adjustments": "加减分登记表", "veto": "一票否决登记表"}[kind]
        path = example / TEMPLATES_DIR / f"2025年度{name}.xlsx"
        wb = openpyxl.load_workbook(path)
        ws = wb[name]
        rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
        assert rules["B4:B53"].type == "list" and rules["B4:B53"].formula1 == "'填报说明'!$A$8:$A$26"
        guide = wb["填报说明"]
        assert [guide.cell(8 + i, 1).value for i in range(19)] == scheme.unit_names
        if kind == "adjustments":
            assert rules["C4:C53"].type == "list"
            assert [guide.cell(8 + i, 2).value for i in range(len(scheme.adjustments))] == [a.name for a in scheme.adjustments]
        for n, e in enumerate(entries):
            r = 4 + n
            ws.cell(r, 2).value = e["unit"]
            if kind == "adjustments":
                ws.cell(r, 3).value, ws.cell(r, 4).value = e["kind"], float(e["value"])
                ws.cell(r, 5).value, ws.cell(r, 6).value = e["reason"], e["department"]
                ws.cell(r, 7).value = dt.datetime(2025, 3, 1 + n % 28)
            else:
                ws.cell(r, 3).value, ws.cell(r, 4).value, ws.cell(r, 5).value = e["item"], e["department"], e["reason"]
                ws.cell(r, 6).value = dt.datetime(2025, 11, 2)
        wb.save(office / path.name)
        match = match_template(read_workbook(office / path.name), scheme, path.name)
        assert not match.issues and match.tables[name].kind == kind
    data = read(example)
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("source", "date")} for r in rows]  # noqa: E731
    assert strip(data.adjustments) == strip(baseline.adjustments) and data.adjustments
    assert strip(data.vetoes) == strip(baseline.vetoes) and data.vetoes
    assert [a["date"] for a in data.adjustments][:2] == ["2025-03-01", "2025-03-02"]
    assert {v["date"] for v in data.vetoes} == {"2025-11-02"}
    assert not [i.text() for i in data.issues if i.severity != "提示"]
