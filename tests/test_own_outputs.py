"""kaohe's own workbooks put back into input/ (issue 14, part 4): last year's 考核结果汇总表 is read as 上年考核结果,
exactly (名次 and 总分 of its 汇总表); a summary of another year is refused with its cell named; any other kaohe output
is skipped with one warning and changes nothing. Also for a summary re-saved by LibreOffice and one written before
the mark existed (known by its 运行信息 sheet).
"""

from __future__ import annotations

import json
import shutil
import subprocess

import openpyxl
import pytest

from conftest import kaohe
from test_history import year_folder

SCORES_2025 = {"甲镇": 90, "乙镇": 80, "丙镇": 70, "丁镇": 60}
SCORES_2026 = {"甲镇": 85, "乙镇": 95, "丙镇": 50, "丁镇": 90}
# 2026 ranks: 乙 1 (from 2), 丁 2 (from 4), 甲 3 (from 1), 丙 4 (from 3)
EXPECTED = {"乙镇": (1, 2, 1), "丁镇": (2, 4, 2), "甲镇": (3, 1, -2), "丙镇": (4, 3, -1)}


def results_of(folder):
    return json.loads((folder / "output" / "results.json").read_text(encoding="utf-8"))


def ranks(folder):
    return {u["unit"]: (u["rank"], u["last_rank"], u["rank_change"]) for u in results_of(folder)["units"]}


@pytest.fixture(scope="module")
def last_year(tmp_path_factory):
    """A 2025 assessment run by kaohe: its output folder (summary, 公示表, score cards)."""
    folder = tmp_path_factory.mktemp("y2025")
    year_folder(folder, 2025, SCORES_2025)
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    return folder / "output"


def next_year(tmp_path, *files):
    folder = tmp_path / "y2026"
    folder.mkdir(parents=True)
    year_folder(folder, 2026, SCORES_2026)
    (folder / "input" / "上年结果").mkdir()
    for f in files:
        shutil.copy(f, folder / "input" / "上年结果" / f.name)
    return folder


def test_every_kaohe_workbook_carries_its_mark(last_year):
    for name, kind in [("考核结果汇总表.xlsx", "考核结果汇总表"), ("考核结果公示表.xlsx", "考核结果公示表"),
                       ("单位评分卡.xlsx", "单位评分卡")]:
        props = {p.name: p.value for p in openpyxl.load_workbook(last_year / name).custom_doc_props.props}
        assert props == {"kaohe生成文件": kind, "kaohe考核年度": 2025, "kaohe考核名称": "乡镇考核"}


def test_last_years_summary_is_read_as_last_years_results(last_year, tmp_path):
    folder = next_year(tmp_path, last_year / "考核结果汇总表.xlsx")
    res = kaohe("check", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "kaohe 生成的2025年度考核结果汇总表（只读取汇总表的名次和总分）" in res.stdout
    assert "警告" not in res.stdout and "错误" not in res.stdout  # the other sheets are skipped, not complained of
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    assert ranks(folder) == EXPECTED
    units = {u["unit"]: u for u in results_of(folder)["units"]}
    assert units["丁镇"]["awards"] == ["进步奖"]
    # the source of a last rank is the summary's own cell: 丁镇 was 4th, on the 汇总表's last unit row
    summary = openpyxl.load_workbook(last_year / "考核结果汇总表.xlsx")["汇总表"]
    row = next(r for r in summary.iter_rows() if r[1].value == "丁镇")
    assert row[0].value == 4
    detail = (folder / "output" / "results.json").read_text(encoding="utf-8")
    assert f"上年结果/考核结果汇总表.xlsx › 汇总表!A{row[0].row}" in detail


def test_a_summary_of_this_year_is_refused_with_its_cell(last_year, tmp_path):
    folder = next_year(tmp_path)
    assert kaohe("run", folder).returncode == 0
    shutil.copy(folder / "output" / "考核结果汇总表.xlsx", folder / "input" / "上年结果" / "考核结果汇总表.xlsx")
    res = kaohe("run", folder)
    assert res.returncode == 1
    assert ("上年结果/考核结果汇总表.xlsx：这是 kaohe 生成的2026年度考核结果汇总表（文件属性中的考核年度为 2026 年），"
            "本次考核为 2026 年，作为上年考核结果只能用 2025 年度的考核结果汇总表") in res.stdout


def test_other_kaohe_outputs_are_skipped_with_one_warning_each(last_year, tmp_path):
    plain = next_year(tmp_path)
    assert kaohe("run", plain).returncode == 0
    folder = next_year(tmp_path / "b", last_year / "考核结果公示表.xlsx", last_year / "单位评分卡.xlsx")
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    for name in ("考核结果公示表", "单位评分卡"):
        line = next(ln for ln in res.stdout.splitlines() if f"上年结果/{name}.xlsx" in ln and "[警告]" in ln)
        assert f"这是 kaohe 生成的2025年度{name}，不是各部门报送的报表，已跳过" in line
    codes = [ln.split(",")[2] for ln in (folder / "output" / "数据问题.csv").read_text(encoding="utf-8-sig").splitlines()]
    plain_codes = [ln.split(",")[2] for ln in (plain / "output" / "数据问题.csv").read_text(encoding="utf-8-sig").splitlines()]
    assert sorted(codes) == sorted(plain_codes + ["own-output"] * 2)
    assert ranks(folder) == ranks(plain)  # nothing taken from them (no last ranks: history is optional here)


def test_a_summary_without_its_mark_is_known_by_its_run_sheet(last_year, tmp_path):
    """A summary whose properties were lost (or written before they existed): 运行信息 and 方法说明's 考核年度 say
    what it is; a summary of this year is then refused naming the 考核年度 cell."""
    bare = tmp_path / "考核结果汇总表.xlsx"
    wb = openpyxl.load_workbook(last_year / "考核结果汇总表.xlsx")
    wb.custom_doc_props.props.clear()
    wb.save(bare)
    folder = next_year(tmp_path, bare)
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    assert ranks(folder) == EXPECTED
    method = wb["方法说明"]
    cell = next(r[1] for r in method.iter_rows() if r[0].value == "考核年度")
    cell.value = 2026
    wb.save(bare)
    shutil.copy(bare, folder / "input" / "上年结果" / bare.name)
    res = kaohe("run", folder)
    assert res.returncode == 1
    assert (f"上年结果/考核结果汇总表.xlsx › 方法说明!{cell.coordinate}：这是 kaohe 生成的2026年度考核结果汇总表（2026 年）"
            in res.stdout)


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice（soffice）未安装：.ci/run 会安装")
@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_a_summary_resaved_by_libreoffice_is_still_known(last_year, tmp_path, fmt):
    out = tmp_path / "lo"
    out.mkdir()
    src = tmp_path / "src" / "考核结果汇总表.xlsx"
    src.parent.mkdir()
    shutil.copy(last_year / "考核结果汇总表.xlsx", src)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    fmt, "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=120)
    folder = next_year(tmp_path, out / f"考核结果汇总表.{fmt}")
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    assert ranks(folder) == EXPECTED
