"""Builds the default Word template of the report, 考核情况分析报告.docx, beside this script (official style,
GB/T 9704: A4, 37/35/28/26 mm margins, 22 lines a page, 小标宋 title, 仿宋 body, page numbers “— 1 —”).

A tool, not part of a run: the template is committed package data, and a run only reads it. After changing this
script, rebuild the template and copy it to the bundled example (tests/test_render_report.py checks both):

    python pipeline/render/default_templates/make_docx_template.py
    cp pipeline/render/default_templates/考核情况分析报告.docx templates/

`python …/make_docx_template.py OTHER.docx` writes elsewhere (e.g. to restore an office's templates/ copy).
"""

from __future__ import annotations

import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "考核情况分析报告.docx"

_TITLE_FONT = "方正小标宋简体"
_BODY_FONT = "仿宋_GB2312"
_H1_FONT = "黑体"
_H2_FONT = "楷体_GB2312"
_PAGE_FONT = "宋体"
_LINE_PT = 28.95  # 22 lines per page on the GB/T 9704 type area
# 28 characters a line: 156 mm / 28 = 15.794 pt a character, so the 16 pt body is set 0.25 pt tighter (w:spacing
# −5 twentieths: 15.75 pt, 28 a line). Not a character grid (docGrid linesAndChars with charSpace −842, as Word's
# 公文 templates do): LibreOffice gives every character two cells of such a grid, 14 a line.
_CHAR_SPACING_TWIPS = -5
_RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
                      "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout")
_PPR_AFTER_SNAP = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                   "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                   "w:rPr", "w:sectPr", "w:pPrChange")
_TABLE_PT = 10.5  # 五号: the 附表's cells, legible in print and wide enough for every column


def _set_fonts(rpr_parent, font: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    """Set ascii/hAnsi/eastAsia fonts on a run or style (python-docx object with .font and ._element)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    rpr_parent.font.name = font
    if size_pt is not None:
        rpr_parent.font.size = Pt(size_pt)
    if bold is not None:
        rpr_parent.font.bold = bold
    rpr = rpr_parent._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)


def _page_number_paragraph(footer, align, indent_left_pt: float = 0, indent_right_pt: float = 0) -> None:
    """“— PAGE —” with a PAGE field, 4号 (14pt) 宋体."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = align
    pf = p.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.left_indent = Pt(indent_left_pt)
    pf.right_indent = Pt(indent_right_pt)
    pf.line_spacing = 1.0
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)

    def run(text: str | None = None):
        r = p.add_run(text) if text is not None else p.add_run()
        _set_fonts(r, _PAGE_FONT, 14)
        return r

    run("— ")
    r = run()
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), "begin")
    r._element.append(fc)
    r = run()
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = " PAGE "
    r._element.append(it)
    r = run()
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), "separate")
    r._element.append(fc)
    run("1")
    r = run()
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), "end")
    r._element.append(fc)
    run(" —")


def _off_grid(p) -> None:
    """A paragraph not snapped to the 22-line grid (a table cell, a chart): its lines keep their own height."""
    from docx.oxml.ns import qn

    ppr = p._element.get_or_add_pPr()
    ppr.insert_element_before(ppr.makeelement(qn("w:snapToGrid"), {qn("w:val"): "0"}),
                              *_PPR_AFTER_SNAP)


def loop_table(doc, header: list[str], cells: list[str], loop: str, widths_mm: list[float],
               size_pt: float = 12) -> None:
    """A centred grid table: a header row repeated on every page, then one row per item of `loop` ({%tr for %}).
    A cell holding only a ``{%tc ... %}`` tag repeats or drops the column between it and its end tag."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    n = len(header)
    table = doc.add_table(rows=4, cols=n)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    blank = [""] * (n - 1)
    rows_text = [header, [f"{{%tr for {loop} %}}", *blank], cells, ["{%tr endfor %}", *blank]]
    for ri, texts in enumerate(rows_text):
        row = table.rows[ri]
        for ci, text in enumerate(texts):
            cell = row.cells[ci]
            cell.width = Mm(widths_mm[ci])
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            pf = p.paragraph_format
            pf.first_line_indent = Pt(0)
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
            _off_grid(p)
            if text:
                r = p.add_run(text)
                _set_fonts(r, _H1_FONT if ri == 0 else _BODY_FONT, size_pt)
    # repeat the header row on every page
    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))


def build(path: Path) -> None:
    """Generate the default Jinja-tagged Word template (official style, GB/T 9704) at ``path``."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()

    # ---- page: A4, GB/T 9704 margins, 22 lines per page
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(25)
    sectpr = sec._sectPr
    grid = sectpr.find(qn("w:docGrid"))
    if grid is None:
        grid = sectpr.makeelement(qn("w:docGrid"), {})
        sectpr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(_LINE_PT * 20)))  # twips

    # ---- styles
    normal = doc.styles["Normal"]
    _set_fonts(normal, _BODY_FONT, 16)
    rpr = normal._element.get_or_add_rPr()
    rpr.insert_element_before(rpr.makeelement(qn("w:spacing"), {qn("w:val"): str(_CHAR_SPACING_TWIPS)}),
                              *_RPR_AFTER_SPACING)  # in the schema's order
    npf = normal.paragraph_format
    npf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    npf.line_spacing = Pt(_LINE_PT)
    npf.space_before = Pt(0)
    npf.space_after = Pt(0)
    npf.first_line_indent = Pt(32)  # two characters
    npf.widow_control = True

    def para(text: str = "", *, font: str = _BODY_FONT, size: float = 16, bold: bool = False,
             align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True):
        p = doc.add_paragraph()
        p.alignment = align
        if not indent:
            p.paragraph_format.first_line_indent = Pt(0)
        if text:
            r = p.add_run(text)
            _set_fonts(r, font, size, bold or None)
        return p

    def tag(text: str):
        """A paragraph holding only a docxtpl paragraph-level tag ({%p ... %}); removed on render."""
        return para(text, indent=False)

    def h1(text: str):
        p = para(text, font=_H1_FONT)
        p.paragraph_format.keep_with_next = True  # a heading is never left alone at the foot of a page
        return p

    def h2(text: str):
        p = para(text, font=_H2_FONT)
        p.paragraph_format.keep_with_next = True
        return p

    def chart(tag_text: str):
        """A paragraph holding a chart ({{ c }}): centred, single spacing (exact spacing would clip the drawing)."""
        p = para(tag_text, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.paragraph_format.keep_with_next = True  # with its caption
        _off_grid(p)
        return p

    def caption(text: str):
        p = para(text, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        return p

    # ---- document properties (rendered by docxtpl too)
    doc.core_properties.title = "{{ report_title }}"
    doc.core_properties.author = "{{ meta.organizer }}"
    doc.core_properties.subject = "考核情况分析报告"
    doc.core_properties.comments = ""

    # ---- title
    para("{{ report_title }}", font=_TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para("", indent=False)

    para("根据考核办法，现将{{ meta.title }}结果及有关情况分析报告如下。")

    # 一
    h1("一、考核基本情况")
    h2("（一）考核范围")
    para("本次考核共对{{ method.n_units }}个单位进行考核"
         "{% if method.n_groups > 1 %}，按{{ method.groups_text }}分{{ method.n_groups }}组排名{% endif %}。")
    h2("（二）考核方法")
    para("考核满分{{ meta.full_score }}分，由{{ method.components_text }}{{ method.combine_word }}"
         "{% if method.adjustments %}，另设{{ method.adjustments_text }}{% endif %}"
         "{% if method.formula %}，即{{ method.formula }}{% endif %}。")
    para("指标考核共设{{ method.n_categories }}类{{ method.n_indicators }}项指标"
         "{% if method.categories_text %}（{{ method.categories_text }}）{% endif %}"
         "{% if method.methods_text %}，分别采用{{ method.methods_text }}计分{% endif %}。"
         "{% if method.weights_text %}{{ method.weights_text }}。{% endif %}"
         "{% if method.rules_text %}等次评定除按总分外，{{ method.rules_text }}。{% endif %}"
         "所有分数按四舍五入保留{{ meta.precision }}位小数。")

    # 二
    h1("二、考核结果及等次分布")
    h2("（一）总体情况")
    para("{% if stats.top %}参评单位平均得分{{ stats.mean }}分，最高分为{{ stats.top.unit }}{{ stats.top.total }}分，"
         "最低分为{{ stats.bottom.unit }}{{ stats.bottom.total }}分，分差{{ stats.spread }}分。{% endif %}"
         "{% for g in stats.groups %}{{ g.name }}{{ g.n }}个单位平均得分{{ g.mean }}分"
         "{% if loop.last %}。{% else %}；{% endif %}{% endfor %}")
    tag("{%p for g in standings %}")
    tag("{%p if g.leaders_text %}")
    para("{{ g.label }}排名前列的是{{ g.leaders_text }}{% if g.laggards_text %}，排名靠后的是{{ g.laggards_text }}{% endif %}。")
    tag("{%p endif %}")
    tag("{%p endfor %}")
    para("按照等次评定标准，{{ grades_text }}。")
    tag("{%p if grade_chart %}")
    chart("{{ grade_chart }}")
    caption("图1　等次分布")
    tag("{%p endif %}")
    h2("（二）考核结果")
    para("{{ method.n_units }}个单位的考核总分见图{% if grade_chart %}2{% else %}1{% endif %}，"
         "各项得分、名次、等次和名次变化见附表。")
    tag("{%p for c in total_charts %}")
    chart("{{ c }}")
    tag("{%p endfor %}")
    caption("图{% if grade_chart %}2{% else %}1{% endif %}　各单位考核总分"
            "{% if grade_lines_text %}（条形颜色表示等次；等次分数线：{{ grade_lines_text }}）{% endif %}")
    tag("{%p if grade_changes %}")
    para("等次不只由总分决定的单位：")
    tag("{%p for g in grade_changes %}")
    para("{{ g.unit }}：按总分为“{{ g.grade_by_total }}”，评定为“{{ g.grade }}”。{{ g.note }}。")
    tag("{%p endfor %}")
    tag("{%p endif %}")

    h2("（三）分类指标得分情况")
    tag("{%p for c in categories %}")
    para("{{ c.name }}（{{ c.points }}分）：平均得分{{ c.avg }}分，平均得分率{{ c.avg_rate_pct }}；"
         "得分最高的是{{ c.best.unit }}（{{ c.best.score }}分），最低的是{{ c.weakest.unit }}（{{ c.weakest.score }}分）。")
    tag("{%p endfor %}")
    tag("{%p if method.n_groups > 1 %}")
    tag("{%p for g in standings %}")
    tag("{%p if g.categories %}")
    para("{{ g.label }}：{% for c in g.categories %}{{ c.name }}最高的是{{ c.best_text }}，最低的是{{ c.weakest_text }}"
         "{% if loop.last %}。{% else %}；{% endif %}{% endfor %}")
    tag("{%p endif %}")
    tag("{%p endfor %}")
    tag("{%p endif %}")

    h2("（四）加减分情况")
    tag("{%p if adjustment_entries %}")
    para("各单位加减分情况见下表（分值为对总分的影响，“+”为加分，“−”为扣分）。")
    loop_table(doc, ["单位", "加减分项目", "分值", "事由"],
               ["{{ a.unit }}", "{{ a.kind }}", "{{ a.points }}", "{{ a.reason }}"],
               "a in adjustment_entries", [32, 40, 22, 62])
    para("", indent=False)
    tag("{%p else %}")
    para("本年度无加减分。")
    tag("{%p endif %}")
    tag("{%p for pc in periods %}")
    para("{{ pc.component }}各期得分：{% for r in pc.rows %}{{ r.unit }}{% for s in r.scores %}{% if loop.first %}（{% endif %}"
         "{{ pc.names[loop.index0] }}{{ s }}{% if not loop.last %}、{% endif %}{% endfor %}，合计{{ r.combined }}）"
         "{% if loop.last %}。{% else %}；{% endif %}{% endfor %}")
    tag("{%p endfor %}")
    tag("{%p if survey_units %}")
    h2("（五）评议结果")
    tag("{%p for s in survey_units %}")
    para("{{ s.unit }}：{{ s.counts_text }}，满意率（{{ s.satisfied_text }}）{{ s.rate_pct }}，评议得分{{ s.score }}分。")
    tag("{%p endfor %}")
    tag("{%p endif %}")

    # 三
    h1("三、评奖情况")
    tag("{%p if awards %}")
    para("根据考核结果和评奖办法，共有{{ award_summary.n_units }}个单位获奖"
         "{% if award_summary.total_amount_text %}，奖金合计{{ award_summary.total_amount_text }}{% endif %}。")
    tag("{%p for g in award_groups %}")
    para("{{ g.award }}（{{ g.n }}个）：{{ g.units_text }}{% if g.amount_text %}，每个单位奖励{{ g.amount_text }}{% endif %}。")
    tag("{%p endfor %}")
    tag("{%p else %}")
    para("本年度无单位获奖。")
    tag("{%p endif %}")
    tag("{%p if vetoes %}")
    para("{{ vetoed_units_text }}因被一票否决，按规定取消评奖资格。")
    tag("{%p endif %}")

    # 四
    h1("四、进步与变化")
    tag("{%p if progress.has_history %}")
    para("与上年相比，名次上升的单位{{ progress.n_up }}个，下降的{{ progress.n_down }}个，持平的{{ progress.n_same }}个。")
    tag("{%p if progress.up %}")
    h2("（一）进步较大的单位")
    tag("{%p for p in progress.up %}")
    para("{{ p.unit }}：由上年第{{ p.last_rank }}名上升至第{{ p.rank }}名，前进{{ p.change }}位{% if p.why_text %}，{{ p.why_text }}{% endif %}。")
    tag("{%p endfor %}")
    tag("{%p endif %}")
    tag("{%p if progress.down %}")
    h2("（{% if progress.up %}二{% else %}一{% endif %}）名次下降的单位")
    tag("{%p for p in progress.down %}")
    para("{{ p.unit }}：由上年第{{ p.last_rank }}名下降至第{{ p.rank }}名，后退{{ p.change }}位{% if p.why_text %}，{{ p.why_text }}{% endif %}。")
    tag("{%p endfor %}")
    tag("{%p endif %}")
    tag("{%p else %}")
    para("本年度无上年名次可比。")
    tag("{%p endif %}")
    tag("{%p if benchmarks %}")
    para("追赶超越对标情况："
         "{% for b in benchmarks %}{{ b.unit }}{% if b.benchmark %}对标{{ b.benchmark }}，{% endif %}总分{{ b.gap_text }}"
         "{% if b.rank_gap_text %}，{{ b.rank_gap_text }}{% endif %}"
         "{% if b.weakest_text %}，主要差距在{{ b.weakest_text }}{% endif %}"
         "{% if loop.last %}。{% else %}；{% endif %}{% endfor %}")
    tag("{%p endif %}")

    tag("{%p if targets %}")
    para("追赶超越目标完成情况：")
    tag("{%p for t in targets %}")
    para("{{ t.unit }}申报目标{{ t.n }}项，完成{{ t.n_met }}项：{{ t.items_text }}。")
    tag("{%p endfor %}")
    tag("{%p endif %}")

    tag("{%p if trends %}")
    para("历年考核情况（名次、总分，取自运行记录中各年度的定稿）：{% for r in trends.rows %}{{ r.unit }}"
         "{% for c in r.cells %}{{ trends.years[loop.index0] }}年{{ c }}、{% endfor %}{{ trends.this_year }}年{{ r.now }}"
         "{% if loop.last %}。{% else %}；{% endif %}{% endfor %}")
    tag("{%p endif %}")

    # 五
    h1("五、薄弱指标与一票否决")
    h2("（一）薄弱指标")
    tag("{%p if weak_indicators %}")
    para("从各项指标失分情况看，失分面较大的指标如下：")
    tag("{%p for w in weak_indicators %}")
    para("{{ loop.index }}．{{ w.name }}（{{ w.category }}，{{ w.points }}分）：{{ w.lost_text }}，"
         "平均失分率{{ w.avg_loss_rate_pct }}。")
    tag("{%p endfor %}")
    tag("{%p if majority_lost_text %}")
    para("{{ majority_lost_text }}。")
    tag("{%p endif %}")
    tag("{%p else %}")
    para("各单位各项指标均得满分。")
    tag("{%p endif %}")
    tag("{%p if unit_standings %}")
    h2("（二）各单位优势与短板指标")
    para("在各单位得分有高有低的{{ separating_indicators }}项指标中，按各单位的得分名次，列出其名次在前三分之一的优势指标和后三分之一的短板指标（各至多3项）。")
    loop_table(doc, ["单位", "优势指标（名次）", "短板指标（名次）"],
               ["{{ s.unit }}", "{{ s.strong_text }}", "{{ s.weak_text }}"], "s in unit_standings", [30, 63, 63],
               size_pt=_TABLE_PT)
    para("", indent=False)
    tag("{%p endif %}")
    h2("（{% if unit_standings %}三{% else %}二{% endif %}）一票否决")
    tag("{%p if vetoes %}")
    tag("{%p for v in vetoes %}")
    para("{{ v.unit }}：{{ v.item }}{% if v.department %}（{{ v.department }}认定）{% endif %}"
         "{% if v.reason %}，{{ v.reason }}{% endif %}。")
    tag("{%p endfor %}")
    tag("{%p else %}")
    para("本年度无单位被一票否决。")
    tag("{%p endif %}")
    tag("{%p for v in top_grade_vetoes %}")
    para("{{ v.unit }}：{{ v.item }}{% if v.department %}（{{ v.department }}认定）{% endif %}"
         "{% if v.reason %}，{{ v.reason }}{% endif %}，一票否优，不得评为最高等次，不影响评奖。")
    tag("{%p endfor %}")
    h2("（{% if unit_standings %}四{% else %}三{% endif %}）数据审核情况")
    tag("{%p if corrections %}")
    para("经审批更正数据{{ corrections|length }}项：{% for c in corrections %}{{ c.unit }}“{{ c.indicator }}”由{{ c.original }}"
         "更正为{{ c.corrected }}{% if c.reason %}（{{ c.reason }}）{% endif %}，审批人：{{ c.approver }}"
         "{% if loop.last %}。{% else %}；{% endif %}{% endfor %}")
    tag("{%p endif %}")
    para("{% if issues.total %}数据采集审核中共发现问题{{ issues.total }}条，其中{{ issues.text }}，"
         "详见数据问题清单。{% else %}数据采集审核中未发现问题。{% endif %}")

    # 六
    h1("六、下一步工作建议")
    tag("{%p for s in suggestions %}")
    para("{{ loop.index }}．{{ s }}")
    tag("{%p endfor %}")

    # 落款
    para("", indent=False)
    para("{{ meta.organizer }}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False).paragraph_format.right_indent = Pt(64)
    para("{{ meta.report_date }}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False).paragraph_format.right_indent = Pt(64)

    # ---- 附表: the full results table, on landscape pages (GB/T 9704 §9: a wide table turns with the page)
    from docx.enum.section import WD_SECTION

    land = doc.add_section(WD_SECTION.NEW_PAGE)
    land.orientation = WD_ORIENT.LANDSCAPE
    land.page_width, land.page_height = Mm(297), Mm(210)
    land.top_margin, land.bottom_margin = Mm(28), Mm(26)
    land.left_margin, land.right_margin = Mm(37), Mm(35)
    para("附表", font=_H1_FONT, indent=False)
    para("{{ meta.title }}结果汇总表", font=_TITLE_FONT, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    tc = ("{%tc endfor %}", "{%tc endif %}")
    loop_table(doc,
               ["名次", "单位", "{%tc if method.n_groups > 1 %}", "组别", "组内名次", tc[1],
                "{%tc for n in component_names %}", "{{ n }}", tc[0],
                "{%tc for n in adjustment_names %}", "{{ n }}", tc[0],
                "总分", "等次", "{%tc if progress.has_history %}", "较上年", tc[1], "备注"],
               ["{{ u.rank }}", "{{ u.unit }}", "{%tc if method.n_groups > 1 %}", "{{ u.group }}",
                "{{ u.group_rank }}", tc[1],
                "{%tc for s in u.component_scores %}", "{{ s }}", tc[0],
                "{%tc for s in u.adjustment_scores %}", "{{ s }}", tc[0],
                "{{ u.total }}", "{{ u.grade }}", "{%tc if progress.has_history %}", "{{ u.rank_change_text }}", tc[1],
                "{{ u.note_text }}"],
               "u in units", [12, 28, 2, 20, 12, 2, 2, 18, 2, 2, 18, 2, 16, 18, 2, 14, 2, 34], size_pt=_TABLE_PT)
    # a document never ends with a table; this closing paragraph is 1 pt high, so a table that fills its last page
    # does not push it onto a blank page of its own
    end = para("", indent=False)
    end.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    end.paragraph_format.line_spacing = Pt(1)
    _off_grid(end)

    # ---- footers: page number, odd pages right / even pages left, one character from the edge
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number_paragraph(sec.footer, WD_ALIGN_PARAGRAPH.RIGHT, indent_right_pt=14)
    _page_number_paragraph(sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, indent_left_pt=14)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE
    build(target)
    print(target)
