"""The Word report a leader reads (issue 15, part 4): the charts of the .html as native Word charts holding the
published figures, the full results table on landscape pages fitted to their width, headings kept with what follows,
and the GB/T 9704 layout (A4, margins 37/28 mm, 22 lines × 28 characters, 2号小标宋 title, 3号仿宋 body, 黑体/楷体
headings, “— 1 —” page numbers) read from the document's XML and, where LibreOffice is installed, from its print.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from pipeline import analysis, labels
from pipeline.render.report import render_docx, render_report
from pipeline.render.report.docx_charts import BARS_PER_CHART, chart_specs
from pipeline.score import score
from test_render_report import RUN, VETOED, dataset, scheme

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
TWIPS_PER_MM = 1440 / 25.4


@pytest.fixture(scope="module")
def results():
    return score(scheme(), dataset(), RUN)


@pytest.fixture(scope="module")
def report(results, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    render_report(results, out / "no-templates", out)
    return out


def _charts(docx) -> list:
    """The chart parts the document body shows, in the order it shows them (parsed XML)."""
    with zipfile.ZipFile(docx) as z:
        rels = z.read("word/_rels/document.xml.rels").decode()
        body = z.read("word/document.xml").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="(charts/chart\d+\.xml)"', rels))
        targets.update({k: v for v, k in re.findall(r'Target="(charts/chart\d+\.xml)"[^>]*Id="(rId\d+)"', rels)})
        shown = re.findall(r'<c:chart [^>]*r:id="(rId\d+)"', body)
        return [etree.fromstring(z.read("word/" + targets[rid])) for rid in shown]


def _series(chart) -> list[dict]:
    out = []
    for ser in chart.iter(C + "ser"):
        def cache(tag):
            node = ser.find(tag)
            return [] if node is None else [p.findtext(C + "v") for p in node.iter(C + "pt")]
        out.append({"name": cache(C + "tx"), "cat": cache(C + "cat"), "val": cache(C + "val"),
                    "colours": [p.find(f".//{A}srgbClr").get("val") for p in ser.findall(C + "dPt")],
                    "fill": (ser.find(f"{C}spPr/{A}solidFill/{A}srgbClr").get("val")
                             if ser.find(f"{C}spPr/{A}solidFill/{A}srgbClr") is not None else None)})
    return out


def test_the_docx_has_the_charts_of_the_html_with_the_published_figures(results, report):
    html = (report / "考核情况分析报告.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 2  # 等次分布 and 各单位总分
    charts = _charts(report / "考核情况分析报告.docx")
    assert len(charts) >= html.count("<svg")
    grades, totals = charts[0], charts[1]
    # 等次分布: one series per grade held, named and coloured as the analysis gives them, valued by its count
    shares = [g for g in analysis.grade_distribution(results) if g.count]
    assert [(s["name"], s["val"], s["fill"]) for s in _series(grades)] == [
        ([g.name], [str(g.count)], g.colour.lstrip("#").upper()) for g in shares]
    assert [g.name for g in shares] == ["优秀", "良好", "一般", labels.VETO]
    # 各单位总分: every unit in rank order, its published total, its grade's colour
    (bars,) = _series(totals)
    colours = {g.name: g.colour.lstrip("#").upper() for g in analysis.grade_distribution(results)}
    assert bars["cat"] == [u.unit for u in results.units] == ["城关镇", "青山乡", VETOED, "石门乡"]
    assert [float(v) for v in bars["val"]] == [u.total for u in results.units] == [99.0, 88.0, 82.5, 70.0]
    assert bars["colours"] == [colours[labels.grade_class(u, results.veto.effect)] for u in results.units]
    # labels show the value only: every flag written out (LibreOffice reads an absent flag as on)
    dl = totals.find(f".//{C}dLbls")
    assert {f: dl.find(C + f).get("val") for f in ("showLegendKey", "showVal", "showCatName", "showSerName")} == {
        "showLegendKey": "0", "showVal": "1", "showCatName": "0", "showSerName": "0"}
    assert dl.find(f"{C}numFmt").get("formatCode") == "0.00"  # the scheme's precision


def test_each_chart_carries_its_data_as_an_embedded_workbook(results, report):
    """Word's “编辑数据” opens the chart's own workbook: it holds the same figures."""
    with zipfile.ZipFile(report / "考核情况分析报告.docx") as z:
        books = sorted(n for n in z.namelist() if n.startswith("word/embeddings/"))
        rels = [z.read(n).decode() for n in z.namelist() if n.startswith("word/charts/_rels/")]
        assert len(books) == len(rels) == 2
        assert all("relationships/package" in r and "../embeddings/" in r for r in rels)
        content_types = z.read("[Content_Types].xml").decode()
        assert "drawingml.chart+xml" in content_types and 'Extension="xlsx"' in content_types \
            or "spreadsheetml.sheet" in content_types
        sheets = [openpyxl.load_workbook(io.BytesIO(z.read(b)))["数据"] for b in books]
    rows = {tuple(r) for ws in sheets for r in ws.iter_rows(values_only=True)}
    assert {(u.unit, u.total) for u in results.units} <= rows
    assert ("单位", "总分") in rows and ("等次", "单位数") in rows


def _context(n: int) -> dict:
    units = [{"unit": f"单位{k:03d}", "total_value": 100.0 - k * 0.5, "colour": "#2E7D32"} for k in range(n)]
    return {"units": units, "grades": [{"name": "优秀", "count": n, "colour": "#2E7D32"}]}


@pytest.mark.parametrize("n, sizes", [(1, [1]), (BARS_PER_CHART, [BARS_PER_CHART]),
                                      (70, [BARS_PER_CHART, BARS_PER_CHART, 70 - 2 * BARS_PER_CHART])])
def test_many_units_give_several_charts_each_a_page_at_most(n, sizes):
    specs = chart_specs(_context(n), 100, 2)["total_charts"]
    assert [len(s.rows) for s in specs] == sizes
    assert [r["unit"] for s in specs for r in s.rows] == [f"单位{k:03d}" for k in range(n)]  # none lost, in order
    assert all(s.height_mm <= 225 for s in specs)  # the GB/T 9704 type area is 225 mm high
    if n > BARS_PER_CHART:
        assert specs[1].title == f"各单位考核总分（第{BARS_PER_CHART + 1}—{2 * BARS_PER_CHART}位）"


def test_value_axis_covers_bonuses_and_deductions():
    ctx = _context(3)
    ctx["units"][0]["total_value"], ctx["units"][2]["total_value"] = 103.5, -4.0
    (spec,) = chart_specs(ctx, 100, 2)["total_charts"]
    assert (spec.axis_min, spec.axis_max) == (-10.0, 110.0)
    (plain,) = chart_specs(_context(3), 100, 2)["total_charts"]
    assert (plain.axis_min, plain.axis_max) == (0.0, 100.0)


def test_a_scheme_without_grades_has_no_grade_chart(tmp_path):
    plain = score(scheme(grades=[]), dataset(), RUN)
    render_report(plain, tmp_path / "no-templates", tmp_path)
    doc = Document(str(tmp_path / "考核情况分析报告.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "图1　各单位考核总分" in text and "图1　等次分布" not in text
    assert len(_charts(tmp_path / "考核情况分析报告.docx")) == 1


# --------------------------------------------------------------------------------------------- GB/T 9704
def _sections(doc):
    return [s._sectPr for s in doc.sections]


def _twips(el, attr) -> int:
    return int(el.get(qn(attr)))


def _run_font(run) -> tuple[str | None, float | None]:
    rpr = run._element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return (fonts.get(qn("w:eastAsia")) if fonts is not None else None,
            run.font.size.pt if run.font.size is not None else None)


def test_gbt_9704_layout_from_the_docx_xml(report):
    doc = Document(str(report / "考核情况分析报告.docx"))
    body = _sections(doc)[0]
    size, margins = body.find(qn("w:pgSz")), body.find(qn("w:pgMar"))
    assert (_twips(size, "w:w"), _twips(size, "w:h")) == (11906, 16838)  # A4 portrait
    assert abs(_twips(margins, "w:top") / TWIPS_PER_MM - 37) < 0.5  # 天头 37 mm
    assert abs(_twips(margins, "w:left") / TWIPS_PER_MM - 28) < 0.5  # 订口 28 mm
    width = _twips(size, "w:w") - _twips(margins, "w:left") - _twips(margins, "w:right")
    height = _twips(size, "w:h") - _twips(margins, "w:top") - _twips(margins, "w:bottom")
    assert abs(width / TWIPS_PER_MM - 156) < 0.5 and abs(height / TWIPS_PER_MM - 225) < 0.5  # the type area
    # 22 lines: the grid's pitch is the body's exact line spacing, and 22 of them fill the type area's height
    grid = body.find(qn("w:docGrid"))
    pitch = _twips(grid, "w:linePitch")
    normal = doc.styles["Normal"]
    assert normal.paragraph_format.line_spacing.twips == pitch
    assert height // pitch == 22
    # 28 characters: 3号 (16 pt) 仿宋, each set tighter by the style's character spacing, 28 to the line
    assert _run_font_style(normal) == ("仿宋_GB2312", 16)
    spacing = int(normal.element.rPr.find(qn("w:spacing")).get(qn("w:val")))
    assert width // (16 * 20 + spacing) == 28
    # 2号 (22 pt) 方正小标宋简体 title, centred
    title = doc.paragraphs[0]
    assert title.text.startswith("XX县2025年度乡镇目标管理绩效考核情况分析报告")
    assert {_run_font(r) for r in title.runs} == {("方正小标宋简体", 22)}
    assert title.alignment == 1
    # headings: 一、 in 黑体, （一） in 楷体, each kept with the paragraph after it
    h1 = [p for p in doc.paragraphs if re.match(r"[一二三四五六]、", p.text)]
    h2 = [p for p in doc.paragraphs if re.match(r"（[一二三四五]）", p.text) and len(p.text) <= 12]
    assert len(h1) == 6 and len(h2) >= 8
    assert all({_run_font(r)[0] for r in p.runs} == {"黑体"} for p in h1)
    assert all({_run_font(r)[0] for r in p.runs} == {"楷体_GB2312"} for p in h2)
    assert all(p.paragraph_format.keep_with_next for p in h1 + h2)
    # page numbers “— 1 —”: a PAGE field between dashes, 4号 宋体, odd pages right and even pages left
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, align in ((doc.sections[0].footer, 2), (doc.sections[0].even_page_footer, 0)):
        xml = footer._element.xml
        assert "PAGE" in xml
        (p,) = footer.paragraphs
        assert p.text.startswith("— ") and p.text.endswith(" —") and p.alignment == align
        assert {_run_font(r) for r in p.runs} == {("宋体", 14)}
    # the 附表 turns with the page: a landscape A4 section of its own
    last = _sections(doc)[-1]
    assert (_twips(last.find(qn("w:pgSz")), "w:w"), _twips(last.find(qn("w:pgSz")), "w:h")) == (16838, 11906)


def _run_font_style(style) -> tuple[str | None, float | None]:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")), style.font.size.pt


def test_the_results_table_fits_its_landscape_page_and_repeats_its_header(report):
    doc = Document(str(report / "考核情况分析报告.docx"))
    table = doc.tables[-1]
    last = _sections(doc)[-1]
    size, margins = last.find(qn("w:pgSz")), last.find(qn("w:pgMar"))
    width = _twips(size, "w:w") - _twips(margins, "w:left") - _twips(margins, "w:right")
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.find(qn("w:tblGrid"))]
    assert len(grid) == len(table.rows[0].cells) == 11
    assert sum(grid) <= width
    cells = [int(tc.find(qn("w:tcPr") + "/" + qn("w:tcW")).get(qn("w:w"))) for tc in table.rows[1]._tr.findall(qn("w:tc"))]
    assert cells == grid  # the grid follows the cells (docxtpl alone would spread a {%tc%} table evenly)
    assert grid[1] > grid[0] and grid[-1] > grid[0]  # 单位 and 备注 wider than 名次
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_an_office_table_wider_than_its_page_is_fitted(results, tmp_path):
    """A template's own {%tc for %} table with more columns than the page holds is scaled to the text width."""
    from docx.shared import Mm

    doc = Document()
    doc.add_paragraph("{{ meta.title }}")
    table = doc.add_table(rows=2, cols=4)
    texts = [["单位", "{%tc for u in units %}", "{{ u.unit }}", "{%tc endfor %}"],
             ["总分", "{%tc for u in units %}", "{{ u.total }}", "{%tc endfor %}"]]
    for row, row_texts in zip(table.rows, texts):
        for cell, text in zip(row.cells, row_texts):
            cell.width = Mm(60)
            cell.paragraphs[0].text = text
    template = tmp_path / "office.docx"
    doc.save(str(template))
    out = tmp_path / "r.docx"
    render_docx(results, template, out)
    rendered = Document(str(out))
    sect = rendered.sections[0]
    width = sect.page_width.twips - sect.left_margin.twips - sect.right_margin.twips
    t = rendered.tables[0]
    grid = [int(c.get(qn("w:w"))) for c in t._tbl.find(qn("w:tblGrid"))]
    assert [c.text for c in t.rows[0].cells] == ["单位", "城关镇", "青山乡", VETOED, "石门乡"]
    assert len(grid) == 5 and sum(grid) <= width and width - sum(grid) < 10
    assert len(set(grid)) == 1  # five 60 mm cells: equal shares of the width


# --------------------------------------------------------------------------------------------- printed
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None, reason="LibreOffice 或 poppler-utils 未安装：.ci/run 会安装")
def test_printed_report_draws_the_charts_and_keeps_the_grid(results, report, tmp_path):
    profile = tmp_path / "lo-profile"
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(report / "考核情况分析报告.docx")],
                   capture_output=True, timeout=300, check=True)
    pdf = tmp_path / "考核情况分析报告.pdf"
    html = subprocess.run([PDFTOTEXT, "-bbox-layout", str(pdf), "-"], capture_output=True, timeout=120,
                          check=True).stdout.decode("utf-8")
    pages = html.split("<page ")[1:]
    words = [(float(y), w) for page in pages[:1]
             for y, w in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page)]
    text = re.sub(r"<[^>]+>", "", html)
    # the charts are drawn: their titles and every unit's total as a bar label
    assert "等次分布（单位数）" in text and "各单位考核总分" in text
    doc = Document(str(report / "考核情况分析报告.docx"))
    written = "\n".join([p.text for p in doc.paragraphs]
                        + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    for u in results.units:
        total = analysis.score_text(u.total, 2)
        assert text.count(total) == written.count(total) + 1, total  # and once more: the bar's label
    # the body keeps the 22-line grid: lines of a paragraph on page 1 are 28.95 pt apart
    ys = sorted({round(y, 1) for y, _ in words})
    steps = [round(b - a, 1) for a, b in zip(ys, ys[1:])]
    assert steps.count(28.9) + steps.count(29.0) >= 6, steps
    # 28 characters a line: CJK text is set at 15.75 pt a character (16 pt, 0.25 pt tighter), and 156 mm holds 28;
    # justified lines only stretch, so the tightest run of body characters shows the pitch
    runs = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', pages[0])
    pitches = [(float(x1) - float(x0)) / len(w) for x0, x1, w in runs
               if len(w) >= 6 and all("\u4e00" <= ch <= "\u9fff" or ch in "，。、；：" for ch in w)]
    assert pitches and abs(min(pitches) - 15.75) < 0.15, sorted(pitches)[:5]
    assert int(156 / 25.4 * 72 // min(pitches)) == 28
