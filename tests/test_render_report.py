"""Tests for the narrative report 考核情况分析报告 (.html / .docx)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.render.report import (
    DEFAULT_TEMPLATE_DIR,
    DOCX_TEMPLATE_NAME,
    HTML_TEMPLATE_NAME,
    ReportTemplateError,
    build_docx_template,
    render_docx,
    render_html,
    render_report,
    report_context,
)

TITLE = "XX县2025年度乡镇目标管理绩效考核"
VETOED = "A&B<镇>"


def _unit(name, group, total, rank, group_rank, grade, cats, inds, comps, adjs=None, *, vetoed=False,
          veto=None, awards=None, last_rank=None, rank_change=None):
    return {
        "unit": name, "group": group, "total": total, "rank": rank, "group_rank": group_rank, "grade": grade,
        "vetoed": vetoed, "veto": veto or [], "awards": awards or [], "components": comps,
        "categories": cats, "indicators": inds, "adjustments": adjs or {},
        "last_rank": last_rank, "rank_change": rank_change,
    }


@pytest.fixture()
def results() -> dict:
    veto = {"item": "安全生产事故", "department": "应急管理局", "reason": "发生较大事故<2起>&未及时上报"}
    return {
        "assessment": {"title": TITLE, "year": 2025, "full_score": 100,
                       "organizer": "XX县目标管理绩效考核办公室", "precision": 2},
        "grades": [{"name": "优秀", "min": 90}, {"name": "良好", "min": 76},
                   {"name": "一般", "min": 60}, {"name": "较差", "min": 0}],
        "components": [{"name": "指标考核", "kind": "indicators", "weight": 0.6, "full": 100},
                       {"name": "公众评议", "kind": "survey", "weight": 0.4, "full": 100}],
        "categories": [
            {"path": ["经济发展"], "name": "经济发展", "points": 60.0, "indicators": ["A1", "A2"]},
            {"path": ["平安建设"], "name": "平安建设", "points": 40.0, "indicators": ["E1"]},
        ],
        "indicators": [
            {"id": "A1", "name": "地区生产总值增长率", "category": ["经济发展"], "points": 30.0,
             "method": "efficacy", "method_label": "功效系数法", "source": "统计局", "unit": "%"},
            {"id": "A2", "name": "一般公共预算收入", "category": ["经济发展"], "points": 30.0,
             "method": "completion", "method_label": "完成率法", "source": "财政局", "unit": "万元"},
            {"id": "E1", "name": "生产安全事故起数", "category": ["平安建设"], "points": 40.0,
             "method": "count_deduct", "method_label": "扣分法", "source": "应急管理局", "unit": "起"},
        ],
        "adjustment_kinds": [{"name": "专项督查加分", "sign": "bonus", "cap": 3.0},
                             {"name": "察访核验扣分", "sign": "deduction", "cap": 5.0}],
        "groups": ["平原乡镇", "山区乡镇"],
        "units": [
            _unit("城关镇", "平原乡镇", 92.5, 1, 1, "优秀", {"经济发展": 58.0, "平安建设": 40.0},
                  {"A1": 29.0, "A2": 29.0, "E1": 40.0}, {"指标考核": 98.0, "公众评议": 84.0},
                  {"专项督查加分": 1.0}, awards=["综合考核一等奖"], last_rank=3, rank_change=2),
            _unit("青山乡", "山区乡镇", 88.1, 2, 1, "良好", {"经济发展": 50.0, "平安建设": 40.0},
                  {"A1": 25.0, "A2": 25.0, "E1": 40.0}, {"指标考核": 90.0, "公众评议": 85.25}, last_rank=1,
                  rank_change=-1),
            _unit(VETOED, "平原乡镇", 80.0, 3, 2, "良好", {"经济发展": 55.0, "平安建设": 28.0},
                  {"A1": 30.0, "A2": 25.0, "E1": 28.0}, {"指标考核": 83.0, "公众评议": 76.0},
                  {"察访核验扣分": 0.5}, vetoed=True, veto=[veto], last_rank=2, rank_change=-1),
            _unit("石门乡", "山区乡镇", 70.0, 4, 2, "一般", {"经济发展": 40.0, "平安建设": 36.0},
                  {"A1": 20.0, "A2": 20.0, "E1": 36.0}, {"指标考核": 76.0, "公众评议": 61.0},
                  last_rank=None, rank_change=None),
        ],
        "detail": [],
        "adjustments": [],
        "awards": [{"award": "综合考核一等奖", "unit": "城关镇", "amount": 50000, "note": ""}],
        "vetoes": [dict(veto, unit=VETOED, source="否决.xlsx")],
        "issues": [{"code": "W001", "severity": "警告", "file": "统计局.xlsx", "sheet": "数据表", "cell": "C5",
                    "unit": "石门乡", "indicator": "A1", "message": "数值偏离上年较大"}],
        "run": {"version": "0.1.0", "scheme_hash": "x", "inputs": [], "generated_at": "2026-01-15 09:30:00"},
    }


# ------------------------------------------------------------------------------------- context


def test_context_summaries(results):
    ctx = report_context(results)
    assert ctx["report_title"] == TITLE + "情况分析报告"
    assert [g["name"] for g in ctx["grades"]] == ["优秀", "良好", "一般", "较差"]
    assert [g["count"] for g in ctx["grades"]] == [1, 2, 1, 0]
    assert ctx["grades"][1]["share_pct"] == "50.0%"
    assert [u["total"] for u in ctx["units"]] == ["92.50", "88.10", "80.00", "70.00"]
    assert [p["unit"] for p in ctx["progress"]["up"]] == ["城关镇"]
    assert [p["unit"] for p in ctx["progress"]["down"]] == ["青山乡", VETOED]
    cats = {c["name"]: c for c in ctx["categories"]}
    assert cats["经济发展"]["best"]["unit"] == "城关镇"
    assert cats["经济发展"]["weakest"]["unit"] == "石门乡"
    assert cats["平安建设"]["best"]["unit"] == "城关镇、青山乡"
    weak = ctx["weak_indicators"]
    assert [w["id"] for w in weak] == ["A2", "A1", "E1"]  # 4, 3, 2 units lost points
    assert weak[0]["n_lost"] == 4
    assert ctx["issues"]["warnings"] == 1 and ctx["issues"]["total"] == 1
    assert ctx["vetoes"][0]["unit"] == VETOED
    assert ctx["benchmarks"] == []
    assert ctx["method"]["n_indicators"] == 3 and ctx["method"]["n_categories"] == 2
    assert "专项督查加分（最高加3分）" in ctx["method"]["adjustments_text"]
    assert ctx["suggestions"] and "平均得分率最低" in ctx["suggestions"][0]


def test_context_grade_order_falls_back_to_first_appearance(results):
    del results["grades"]
    ctx = report_context(results)
    assert [g["name"] for g in ctx["grades"]] == ["优秀", "良好", "一般"]


def test_context_benchmark_optional(results):
    results["units"][0]["benchmark"] = {"name": "市级平均", "total": 90.0}
    results["units"][1]["benchmark"] = 90.0
    ctx = report_context(results)
    assert [b["unit"] for b in ctx["benchmarks"]] == ["城关镇", "青山乡"]
    assert ctx["benchmarks"][0]["gap_text"] == "高于2.50分"
    assert ctx["benchmarks"][1]["gap_text"] == "低于1.90分"


# ----------------------------------------------------------------------------------------- html


def test_render_html(results, tmp_path):
    out = tmp_path / "r.html"
    render_html(results, DEFAULT_TEMPLATE_DIR, out)
    html = out.read_text(encoding="utf-8")
    assert TITLE in html
    assert "<svg" in html
    assert "http://" not in html and "https://" not in html
    assert "A&amp;B&lt;镇&gt;" in html
    assert VETOED not in html  # never raw
    assert "发生较大事故&lt;2起&gt;&amp;未及时上报" in html
    for name in ("城关镇", "青山乡", "石门乡"):
        assert name in html
    for total in ("92.50", "88.10", "80.00", "70.00"):
        assert total in html


def _text_of_docx(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


# ----------------------------------------------------------------------------------------- docx


def test_render_docx(results, tmp_path):
    tpl = tmp_path / "tpl.docx"
    build_docx_template(tpl)
    out = tmp_path / "r.docx"
    render_docx(results, tpl, out)
    text = _text_of_docx(out)
    assert TITLE in text
    assert VETOED in text
    assert "发生较大事故<2起>&未及时上报" in text
    for total in ("92.50", "88.10", "80.00", "70.00"):
        assert total in text
    assert "{{" not in text and "{%" not in text
    for heading in ("一、考核基本情况", "二、考核结果及等次分布", "三、评奖情况", "四、进步与变化",
                    "五、薄弱指标与一票否决", "六、下一步工作建议"):
        assert heading in text

    from docx import Document

    doc = Document(str(out))
    sec = doc.sections[0]
    assert abs(sec.page_width.mm - 210) < 0.5 and abs(sec.page_height.mm - 297) < 0.5
    assert abs(sec.top_margin.mm - 37) < 0.5
    assert abs(sec.bottom_margin.mm - 35) < 0.5
    assert abs(sec.left_margin.mm - 28) < 0.5 and abs(sec.right_margin.mm - 26) < 0.5
    # result table: header + one row per unit, in rank order
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["名次", "单位", "组别", "总分", "等次"]
    assert [r.cells[1].text for r in table.rows[1:]] == ["城关镇", "青山乡", VETOED, "石门乡"]
    assert table.rows[3].cells[3].text == "80.00"
    # page number field in the footer
    assert "PAGE" in sec.footer._element.xml


def test_docx_template_fonts(tmp_path):
    from docx import Document
    from docx.oxml.ns import qn

    tpl = tmp_path / "tpl.docx"
    build_docx_template(tpl)
    doc = Document(str(tpl))
    normal = doc.styles["Normal"]
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size.pt == 16
    assert abs(normal.paragraph_format.line_spacing.pt - 28.95) < 0.01
    title_run = doc.paragraphs[0].runs[0]
    assert title_run.font.size.pt == 22
    assert title_run.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"


def test_docx_no_history_no_awards(results, tmp_path):
    for u in results["units"]:
        u["rank_change"] = None
        u["last_rank"] = None
        u["awards"] = []
    results["awards"] = []
    results["vetoes"] = []
    results["issues"] = []
    out = tmp_path / "r.docx"
    render_report(results, tmp_path / "no-templates", tmp_path / "out")
    text = _text_of_docx(tmp_path / "out" / "考核情况分析报告.docx")
    assert "本年度无单位获奖。" in text
    assert "本年度无上年名次可比。" in text
    assert "数据采集审核中未发现问题。" in text
    assert not out.exists()


# ------------------------------------------------------------------------------- render_report


def test_render_report_defaults_and_override(results, tmp_path):
    user_dir = tmp_path / "templates"
    user_dir.mkdir()
    out_dir = tmp_path / "out"
    paths = render_report(results, user_dir, out_dir)
    assert [p.name for p in paths] == ["考核情况分析报告.html", "考核情况分析报告.docx"]
    assert all(p.is_file() for p in paths)
    assert list(user_dir.iterdir()) == []  # the user's template folder is never written to

    (user_dir / HTML_TEMPLATE_NAME).write_text("<p>自定义：{{ report_title }}｜{{ units[2].unit }}</p>\n",
                                               encoding="utf-8")
    render_report(results, user_dir, out_dir)
    html = (out_dir / "考核情况分析报告.html").read_text(encoding="utf-8")
    assert html.startswith("<p>自定义：" + TITLE)
    assert "A&amp;B&lt;镇&gt;" in html


def test_shipped_templates_are_in_sync():
    root = Path(__file__).resolve().parents[1]
    bundled = root / "templates"
    assert (DEFAULT_TEMPLATE_DIR / HTML_TEMPLATE_NAME).is_file()
    assert (DEFAULT_TEMPLATE_DIR / DOCX_TEMPLATE_NAME).is_file()
    if (bundled / HTML_TEMPLATE_NAME).is_file():
        assert (bundled / HTML_TEMPLATE_NAME).read_text(encoding="utf-8") == \
            (DEFAULT_TEMPLATE_DIR / HTML_TEMPLATE_NAME).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------- template errors


def test_html_syntax_error_names_file_and_line(results, tmp_path):
    user_dir = tmp_path / "templates"
    user_dir.mkdir()
    (user_dir / HTML_TEMPLATE_NAME).write_text("<h1>{{ report_title }}</h1>\n<p>ok</p>\n{{ unit.\n",
                                               encoding="utf-8")
    with pytest.raises(ReportTemplateError) as ei:
        render_report(results, user_dir, tmp_path / "out")
    msg = str(ei.value)
    assert "report.html.j2" in msg
    assert "第3行" in msg
    assert "语法错误" in msg
    assert ei.value.line == 3


def test_html_unknown_variable(results, tmp_path):
    user_dir = tmp_path / "templates"
    user_dir.mkdir()
    (user_dir / HTML_TEMPLATE_NAME).write_text("<h1>{{ report_title }}</h1>\n\n<p>{{ no_such_thing }}</p>\n",
                                               encoding="utf-8")
    with pytest.raises(ReportTemplateError) as ei:
        render_html(results, user_dir, tmp_path / "r.html")
    msg = str(ei.value)
    assert "report.html.j2" in msg and "第3行" in msg and "no_such_thing" in msg
    assert not (tmp_path / "r.html").exists()


def test_html_unknown_attribute(results, tmp_path):
    (tmp_path / HTML_TEMPLATE_NAME).write_text("{% for u in units %}\n{{ u.no_such_key }}\n{% endfor %}\n",
                                               encoding="utf-8")
    with pytest.raises(ReportTemplateError) as ei:
        render_html(results, tmp_path, tmp_path / "r.html")
    assert "第2行" in str(ei.value) and "no_such_key" in str(ei.value)


def test_docx_broken_template(results, tmp_path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ report_title }}")
    doc.add_paragraph("{{ unit. }}")
    bad = tmp_path / DOCX_TEMPLATE_NAME
    doc.save(str(bad))
    with pytest.raises(ReportTemplateError) as ei:
        render_docx(results, bad, tmp_path / "r.docx")
    msg = str(ei.value)
    assert DOCX_TEMPLATE_NAME in msg and "语法错误" in msg and "第" in msg


def test_docx_unknown_variable(results, tmp_path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ report_title }}")
    doc.add_paragraph("{{ no_such_thing }}")
    bad = tmp_path / DOCX_TEMPLATE_NAME
    doc.save(str(bad))
    with pytest.raises(ReportTemplateError) as ei:
        render_docx(results, bad, tmp_path / "r.docx")
    assert "no_such_thing" in str(ei.value)


def test_docx_not_a_word_file(results, tmp_path):
    bad = tmp_path / DOCX_TEMPLATE_NAME
    bad.write_bytes(b"not a zip")
    with pytest.raises(ReportTemplateError) as ei:
        render_docx(results, bad, tmp_path / "r.docx")
    assert "无法打开" in str(ei.value)


def test_bundled_example_templates_render(results, tmp_path):
    root = Path(__file__).resolve().parents[1]
    bundled = root / "templates"
    if not (bundled / DOCX_TEMPLATE_NAME).is_file():
        pytest.skip("bundled example templates not present")
    copy = tmp_path / "templates"
    shutil.copytree(bundled, copy)
    paths = render_report(results, copy, tmp_path / "out")
    assert VETOED in _text_of_docx(paths[1])
