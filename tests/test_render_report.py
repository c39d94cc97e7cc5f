"""Tests for the narrative report 考核情况分析报告 (.html / .docx), on results the real engine produced.

The results come from `pipeline.score.score` on a small scheme (engine_helpers): four units in two groups, three
indicators in two categories whose returns hold the score (`direct`), a capped bonus and deduction, grades, a veto,
a prize, last year's ranks and one data issue — never a hand-written results dict, which drifts from the engine.
"""

from __future__ import annotations

import importlib.util
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from engine_helpers import make_dataset, make_scheme
from pipeline.issues import Issue
from pipeline.results import RunInfo
from pipeline.render.report import (
    DEFAULT_TEMPLATE_DIR,
    DOCX_TEMPLATE_NAME,
    HTML_TEMPLATE_NAME,
    ReportTemplateError,
    render_docx,
    render_html,
    render_report,
    report_context,
)
from pipeline.score import score

ROOT = Path(__file__).resolve().parents[1]
TITLE = "XX县2025年度乡镇目标管理绩效考核"
VETOED = "A&B<镇>"
VETO_REASON = "发生较大事故<2起>&未及时上报"
UNITS = {"城关镇": "平原乡镇", "青山乡": "山区乡镇", VETOED: "平原乡镇", "石门乡": "山区乡镇"}
VALUES = {  # indicator -> unit -> the score the return holds
    "A1": {"城关镇": 29, "青山乡": 24, VETOED: 30, "石门乡": 20},
    "A2": {"城关镇": 29, "青山乡": 24, VETOED: 25, "石门乡": 20},
    "E1": {"城关镇": 40, "青山乡": 40, VETOED: 28, "石门乡": 30},
}
LAST_RANKS = {"城关镇": 3, "青山乡": 1, VETOED: 2}  # 石门乡 has no rank last year
RUN = RunInfo(version="0.1.0", scheme_hash="x", inputs=[], generated_at="2026-01-15 09:30:00", date_basis="测试")


def scheme(**extra):
    raw = {
        "grades": [{"name": "优秀", "min": 90}, {"name": "良好", "min": 76}, {"name": "一般", "min": 60},
                   {"name": "较差", "min": 0}],
        "adjustments": [{"name": "专项督查加分", "sign": "bonus", "cap": 3},
                        {"name": "察访核验扣分", "sign": "deduction", "cap": 5}],
        "awards": {"eligibility_ratio": 0.7, "prizes": [{"name": "综合考核一等奖", "places": 1, "amount": 50000}]},
        **extra,
    }
    indicators = [
        {"id": "A1", "name": "地区生产总值增长率", "category": ["经济发展"], "points": 30, "source": "统计局"},
        {"id": "A2", "name": "一般公共预算收入", "category": ["经济发展"], "points": 30, "source": "财政局"},
        {"id": "E1", "name": "生产安全事故起数", "category": ["平安建设"], "points": 40, "source": "应急管理局"},
    ]
    units = [{"name": u, "group": g, **({"benchmark": "城关镇"} if u == "青山乡" else {})} for u, g in UNITS.items()]
    s = make_scheme([{"method": "direct", **i} for i in indicators], units, precision=2, **raw)
    return s.model_copy(update={"assessment": s.assessment.model_copy(
        update={"title": TITLE, "organizer": "XX县目标管理绩效考核办公室"})})


def dataset(*, history=True, registers=True):
    adjustments = [
        {"unit": "城关镇", "kind": "专项督查加分", "value": Decimal(1), "reason": "省级督查表扬", "department": "督查室",
         "date": "2025-06-01", "source": "督查室.xlsx › 加分!A2"},
        {"unit": VETOED, "kind": "察访核验扣分", "value": Decimal("0.5"), "reason": "察访发现问题",
         "department": "督查室", "date": "2025-07-01", "source": "督查室.xlsx › 扣分!A2"},
    ]
    vetoes = [{"unit": VETOED, "item": "安全生产事故", "department": "应急管理局", "reason": VETO_REASON,
               "date": "2025-08-01", "source": "否决.xlsx › 否决!A2"}]
    issues = [Issue(code="unknown-column", file="统计局.xlsx", sheet="数据表", cell="C5", unit="石门乡",
                    indicator="A1", params={"name": "备注", "hint": ""})]
    past = {u: {"rank": r, "total": None, "source": "上年.xlsx"} for u, r in LAST_RANKS.items()} if history else {}
    if not registers:
        adjustments, vetoes, issues = [], [], []
    return make_dataset(VALUES, adjustments=adjustments, vetoes=vetoes, issues=issues, history=past)


@pytest.fixture()
def results():
    return score(scheme(), dataset(), RUN)


# ------------------------------------------------------------------------------------- context


def test_context_summaries(results):
    ctx = report_context(results)
    assert ctx["report_title"] == TITLE + "情况分析报告（试算稿）"  # until the office marks it (kaohe publish)
    assert ctx["meta"]["report_date"] == "2026年1月15日"
    # a vetoed unit is counted as 一票否决, not under the grade its total gives (effect no_award)
    assert [g["name"] for g in ctx["grades"]] == ["优秀", "良好", "一般", "较差", "一票否决"]
    assert [g["count"] for g in ctx["grades"]] == [1, 1, 1, 0, 1]
    assert ctx["grades"][1]["share_pct"] == "25.0%"
    assert [u["unit"] for u in ctx["units"]] == ["城关镇", "青山乡", VETOED, "石门乡"]
    assert [u["total"] for u in ctx["units"]] == ["99.00", "88.00", "82.50", "70.00"]
    assert [u["adjustment_scores"] for u in ctx["units"]] == [["+1.00", ""], ["", ""], ["", "−0.50"], ["", ""]]
    assert [p["unit"] for p in ctx["progress"]["up"]] == ["城关镇"]
    assert [p["unit"] for p in ctx["progress"]["down"]] == ["青山乡", VETOED]
    assert ctx["progress"]["n_compared"] == 3 and ctx["units"][3]["rank_change_text"] == "—"
    cats = {c["name"]: c for c in ctx["categories"]}
    assert cats["经济发展"]["best"] == {"unit": "城关镇", "score": "58.00"}
    assert cats["经济发展"]["weakest"] == {"unit": "石门乡", "score": "40.00"}
    assert cats["平安建设"]["best"]["unit"] == "城关镇、青山乡"
    assert cats["经济发展"]["avg_rate_pct"] == "83.8%"  # (58 + 48 + 55 + 40) / 4 / 60
    weak = ctx["weak_indicators"]
    assert [w["id"] for w in weak] == ["A2", "A1", "E1"]  # 4, 3, 2 units lost points
    assert weak[0]["n_lost"] == 4 and weak[0]["lost_share_pct"] == "100.0%"
    assert ctx["issues"]["warnings"] == 1 and ctx["issues"]["total"] == 1 and ctx["issues"]["text"] == "警告1条"
    assert ctx["vetoes"][0]["unit"] == VETOED and ctx["vetoes"][0]["reason"] == VETO_REASON
    assert ctx["vetoed_units_text"] == VETOED
    assert [w["unit"] for w in ctx["awards"]] == ["城关镇"] and ctx["award_summary"]["total_amount_text"] == "5万元"
    assert ctx["method"]["n_indicators"] == 3 and ctx["method"]["n_categories"] == 2
    assert ctx["method"]["groups_text"] == "平原乡镇2个、山区乡镇2个"
    assert ctx["method"]["formula"] == "总分 = 指标考核 + 专项督查加分 − 察访核验扣分"
    assert "专项督查加分（最高加3分）" in ctx["method"]["adjustments_text"]
    assert ctx["suggestions"] and "平均得分率最低" in ctx["suggestions"][0]
    assert [(a["unit"], a["kind"], a["points"], a["reason"]) for a in ctx["adjustment_entries"]] == [
        ("城关镇", "专项督查加分", "+1.00", "省级督查表扬"), (VETOED, "察访核验扣分", "−0.50", "察访发现问题")]


def test_context_without_grades(results):
    ctx = report_context(score(scheme(grades=[]), dataset(), RUN))  # a scheme without grades: no grade at all
    assert ctx["grades"] == [] and ctx["grades_text"] == ""
    assert {u["grade"] for u in ctx["units"]} == {"—"}


def test_context_benchmark(results):
    """追赶超越: 青山乡 measures itself against 城关镇; the gaps are the engine's, in words."""
    ctx = report_context(results)
    assert [b["unit"] for b in ctx["benchmarks"]] == ["青山乡"]
    b = ctx["benchmarks"][0]
    assert b["benchmark"] == "城关镇" and b["benchmark_score"] == "99.00"
    assert b["gap_text"] == "低于11.00分" and b["rank_gap_text"] == "落后1个名次"
    assert b["weakest_text"] == "经济发展差10.00分"


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
    for total in ("99.00", "88.00", "82.50", "70.00"):
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
    out = tmp_path / "r.docx"
    render_docx(results, DEFAULT_TEMPLATE_DIR / DOCX_TEMPLATE_NAME, out)
    text = _text_of_docx(out)
    assert TITLE in text
    assert VETOED in text
    assert VETO_REASON in text
    for total in ("99.00", "88.00", "82.50", "70.00"):
        assert total in text
    assert "{{" not in text and "{%" not in text
    for heading in ("一、考核基本情况", "二、考核结果及等次分布", "（四）加减分情况", "三、评奖情况", "四、进步与变化",
                    "五、薄弱指标与一票否决", "六、下一步工作建议"):
        assert heading in text

    from docx import Document

    doc = Document(str(out))
    sec = doc.sections[0]
    assert abs(sec.page_width.mm - 210) < 0.5 and abs(sec.page_height.mm - 297) < 0.5
    assert abs(sec.top_margin.mm - 37) < 0.5
    assert abs(sec.bottom_margin.mm - 35) < 0.5
    assert abs(sec.left_margin.mm - 28) < 0.5 and abs(sec.right_margin.mm - 26) < 0.5
    # 附表: the full results table (as the .html's), header + one row per unit, in rank order
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [
        "名次", "单位", "组别", "组内名次", "指标考核", "专项督查加分", "察访核验扣分", "总分", "等次", "较上年", "备注"]
    assert [[c.text for c in r.cells] for r in table.rows[1:]] == [
        ["1", "城关镇", "平原乡镇", "1", "98.00", "+1.00", "", "99.00", "优秀", "↑2", "综合考核一等奖"],
        ["2", "青山乡", "山区乡镇", "1", "88.00", "", "", "88.00", "良好", "↓1", ""],
        ["3", VETOED, "平原乡镇", "2", "83.00", "", "−0.50", "82.50", "一票否决（安全生产事故）", "↓1", ""],
        ["4", "石门乡", "山区乡镇", "2", "70.00", "", "", "70.00", "一般", "—", ""]]
    # 加减分情况: each unit's non-zero adjustment with its signed effect on the total and the register's reason
    adjustments = doc.tables[0]
    assert [[c.text for c in r.cells] for r in adjustments.rows] == [
        ["单位", "加减分项目", "分值", "事由"],
        ["城关镇", "专项督查加分", "+1.00", "省级督查表扬"],
        [VETOED, "察访核验扣分", "−0.50", "察访发现问题"],
    ]
    # page number field in the footer
    assert "PAGE" in sec.footer._element.xml


def test_docx_template_fonts():
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(DEFAULT_TEMPLATE_DIR / DOCX_TEMPLATE_NAME))
    normal = doc.styles["Normal"]
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size.pt == 16
    assert abs(normal.paragraph_format.line_spacing.pt - 28.95) < 0.01
    title_run = doc.paragraphs[0].runs[0]
    assert title_run.font.size.pt == 22
    assert title_run.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"


def test_docx_no_history_no_awards_no_adjustments(tmp_path):
    plain = score(scheme(awards={"prizes": []}), dataset(history=False, registers=False), RUN)
    assert not plain.awards and not plain.vetoes and not plain.issues and not plain.adjustments
    render_report(plain, tmp_path / "no-templates", tmp_path / "out")
    text = _text_of_docx(tmp_path / "out" / "考核情况分析报告.docx")
    assert "本年度无单位获奖。" in text
    assert "本年度无上年名次可比。" in text
    assert "本年度无加减分。" in text
    assert "数据采集审核中未发现问题。" in text


# ------------------------------------------------------------------------ the default .docx template


def _parts(path: Path) -> dict[str, bytes]:
    """Every part of a Word package by name (the zip's own entry times aside)."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_committed_docx_template_is_what_the_tool_builds(tmp_path):
    """pipeline/render/default_templates/考核情况分析报告.docx is make_docx_template.py's output, and the bundled
    example's templates/ ships the same file: after editing the tool, rebuild and copy (README, For developers)."""
    tool = DEFAULT_TEMPLATE_DIR / "make_docx_template.py"
    spec = importlib.util.spec_from_file_location("make_docx_template", tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = tmp_path / DOCX_TEMPLATE_NAME
    module.build(built)
    fresh = _parts(built)
    assert "word/document.xml" in fresh and b"adjustment_entries" in fresh["word/document.xml"]
    for committed in (DEFAULT_TEMPLATE_DIR / DOCX_TEMPLATE_NAME, ROOT / "templates" / DOCX_TEMPLATE_NAME):
        parts = _parts(committed)
        assert sorted(parts) == sorted(fresh), committed
        changed = [name for name in fresh if parts[name] != fresh[name]]
        assert not changed, (f"{committed} differs from what {tool.name} builds in {changed}: run "
                             f"python pipeline/render/default_templates/make_docx_template.py and copy it to templates/")


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
    bundled = ROOT / "templates"
    assert (DEFAULT_TEMPLATE_DIR / HTML_TEMPLATE_NAME).is_file()
    assert (DEFAULT_TEMPLATE_DIR / DOCX_TEMPLATE_NAME).is_file()
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
    assert DOCX_TEMPLATE_NAME in msg and "语法错误" in msg and "第2段" in msg


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
    copy = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", copy)
    paths = render_report(results, copy, tmp_path / "out")
    assert VETOED in _text_of_docx(paths[1])
