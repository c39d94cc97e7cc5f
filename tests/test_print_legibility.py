"""Outputs a leader reads on paper (issue 15, part 1): every official workbook and the Word report of the bundled
example and of each examples/ folder, printed to PDF by LibreOffice, show no text below 9 pt; every page of a
workbook carries its title (the first page's title row, or the page header that repeats it with the table's header
rows and 名次/单位 columns); and the page counts stay within what the tables need.

Font sizes are read from the PDF itself (poppler's pdftohtml -xml at zoom 3: sizes in thirds of a point), so a
sheet shrunk to fit its page is measured as printed, not as written.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import ROOT, copy_bundled, kaohe

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOHTML, PDFTOTEXT = shutil.which("pdftohtml"), shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(SOFFICE is None or PDFTOHTML is None or PDFTOTEXT is None,
                                reason="LibreOffice 或 poppler-utils 未安装：.ci/run 会安装")

DOCS = ["考核结果汇总表.xlsx", "考核结果公示表.xlsx", "单位评分卡.xlsx", "考核情况分析报告.docx"]
FOLDERS = ["bundled", *sorted(p.name for p in (ROOT / "examples").iterdir() if (p / "config.toml").is_file())]


def font_sizes(pdf) -> list[list[float]]:
    """Per page, the size (pt) of every text run LibreOffice drew."""
    xml = subprocess.run([PDFTOHTML, "-xml", "-i", "-zoom", "3", "-stdout", str(pdf)], capture_output=True,
                         timeout=120, check=True).stdout.decode("utf-8", "replace")
    sizes = {i: int(s) / 3 for i, s in re.findall(r'<fontspec id="(\d+)" size="(-?\d+)"', xml)}
    return [[sizes[f] for f in re.findall(r'<text [^>]*font="(\d+)"', page)] for page in xml.split("<page ")[1:]]


def page_texts(pdf) -> list[str]:
    out = subprocess.run([PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=120,
                         check=True).stdout.decode("utf-8").split("\f")
    return out[:-1] if out and not out[-1].strip() else out


@pytest.mark.parametrize("name", FOLDERS)
def test_every_printed_page_is_legible_and_titled(name, tmp_path):
    folder = copy_bundled(tmp_path) if name == "bundled" else tmp_path / name
    if name != "bundled":
        shutil.copytree(ROOT / "examples" / name, folder)
    assert kaohe("run", "-q", folder).returncode == 0
    results = (folder / "output" / "results.json").read_text(encoding="utf-8")
    title = re.search(r'"title": "([^"]+)"', results)[1]
    units = results.count('"rank_change"')  # one per unit
    indicators = len(re.findall(r'"method_label"', results.split('"units"')[0]))
    pdfs = tmp_path / "pdf"
    profile = tmp_path / "lo-profile"
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(pdfs), *(str(folder / "output" / d) for d in DOCS)],
                   capture_output=True, timeout=300, check=True)
    counts = {}
    for doc in DOCS:
        pdf = pdfs / (doc.rsplit(".", 1)[0] + ".pdf")
        assert pdf.is_file(), doc
        sizes = font_sizes(pdf)
        counts[doc] = len(sizes)
        small = [(k + 1, min(s)) for k, s in enumerate(sizes) if s and min(s) < 9]
        assert not small, f"{doc}：第 {small[:5]} 页有小于 9 磅的字"
        if doc.endswith(".xlsx"):
            for k, text in enumerate(page_texts(pdf)):
                head = re.sub(r"\s+", "", "".join(text.splitlines()[:4]))
                assert title in head, f"{doc} 第 {k + 1} 页没有标题（表头没有在每页重复）"
        else:  # the report's 附表 (the last pages): every page of it starts with the table's header row
            texts = page_texts(pdf)
            first = next(k for k, t in enumerate(texts) if re.search(r"^\s*附表\s*$", t, re.M))
            assert first < len(texts) - 1 or "名次" in texts[first], "附表没有结果表"
            for k in range(first, len(texts)):
                top = re.sub(r"\s+", "", "".join(texts[k].splitlines()[:8]))
                assert "名次" in top and "单位" in top and "总分" in top, f"{doc} 第 {k + 1} 页的结果表没有表头"
    # what the tables need at 9 pt, not more: the 公示表 one or two pages wide; a score card about a page per four
    # indicators (each with its rule and source cell) plus its totals, in two column groups with a column per 考核期
    groups = 2 if '"kind": "periods"' in results else 1
    assert counts["考核结果公示表.xlsx"] <= 2 * (1 + units // 20), counts
    assert counts["单位评分卡.xlsx"] <= units * (2 + indicators // 4) * groups, (counts, units, indicators)
    assert counts["考核情况分析报告.docx"] <= 25, counts


def test_the_issue_list_prints_each_message_beside_its_cell(tmp_path):
    """数据问题.xlsx printed its 说明 column on pages apart from the file › sheet › cell it explains."""
    import glob

    import openpyxl

    folder = copy_bundled(tmp_path)
    (path,) = glob.glob(str(folder / "input" / "统计局" / "*考核指标数据*.xlsx"))
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["C5"] = "待核实"
    wb.worksheets[0]["D6"] = "—?"
    wb.save(path)
    assert kaohe("run", "-q", folder).returncode == 1  # refused over data errors: the issue list is the output
    pdfs, profile = tmp_path / "pdf", tmp_path / "lo-profile"
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(pdfs), str(folder / "output" / "数据问题.xlsx")],
                   capture_output=True, timeout=300, check=True)
    pdf = pdfs / "数据问题.pdf"
    sizes = font_sizes(pdf)
    assert all(min(s) >= 9 for s in sizes if s), [min(s) for s in sizes if s]
    first = re.sub(r"\s+", "", page_texts(pdf)[0])
    for cell, message in (("C5", "“待核实”不是有效数字"), ("D6", "“—?”不是有效数字")):
        assert message in first and cell in first and "指标数据" in first, first[:300]
    assert "按列分页打印" not in first  # the 数据问题 sheet fits one page wide
