"""The report as a Word document, from a .docx template with docxtpl tags ({{ }}, {%p %}, {%tr %}); a failure is
located by paragraph number and text, which is what an office editing the template in Word can find."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ...results import Results
from .. import reproducible, sandbox
from .docx_charts import docx_charts
from .context import report_context
from .errors import ReportTemplateError, display, error_kind, exc_text, runtime_lineno

DOCX_TEMPLATE_NAME = "考核情况分析报告.docx"


def _docx_locate(tpl, line: int | None) -> tuple[str, int | None, str]:
    """(part label, paragraph number, paragraph text) of an error line in the XML docxtpl rendered.

    docxtpl renders each part's XML with one paragraph per line (paragraph-level tags such as
    ``{%p for %}`` are folded into the line before), so the line is roughly the paragraph number;
    the paragraph text, shown to the user, is what really locates the error.
    """
    if not line:
        return "", None, ""
    try:
        part = getattr(tpl, "current_rendering_part", None)
        main = tpl.docx._part
        is_main = part is None or part is main
        if is_main:
            label, xml = "", tpl.get_xml()
        else:
            label = "页眉" if "header" in str(part.partname) else "页脚" if "footer" in str(part.partname) else ""
            xml = tpl.get_part_xml(part)
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))
        lines = xml.splitlines()
        if not 0 < line <= len(lines):
            return label, None, ""
        text = re.sub(r"<[^>]+>", "", lines[line - 1])
        text = re.sub(r"\s+", " ", text).strip()
        tags = re.findall(r"\{[{%#].*?[}%#]\}|\{[{%].*$", text)
        snippet = " ".join(tags) if tags else text
        # the exact paragraph number: the first paragraph at or after `line - 1` holding the snippet
        number = None
        root = tpl.docx.element.body if is_main else _parse_xml_part(tpl, part)
        key = re.sub(r"\s+", "", tags[0] if tags else text)
        if key:
            for n, p in enumerate(root.iter(_qn_w("p")), start=1):
                ptext = re.sub(r"\s+", "", "".join(t.text or "" for t in p.iter(_qn_w("t"))))
                ptext = ptext.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
                if n >= line - 1 and key in ptext:
                    number = n
                    break
        return label, number, (snippet[:77] + "…") if len(snippet) > 78 else snippet
    except Exception:  # noqa: BLE001 - locating is best-effort only
        return "", None, ""


def _qn_w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


def _parse_xml_part(tpl, part):
    from docx.oxml import parse_xml

    return parse_xml(part.blob)


def _docx_error(exc: BaseException, tpl, shown: str) -> ReportTemplateError:
    """Map a Jinja error raised while docxtpl renders the Word XML to a Chinese message."""
    from jinja2 import TemplateSyntaxError

    line = exc.lineno if isinstance(exc, TemplateSyntaxError) else runtime_lineno(exc, None)
    label, number, snippet = _docx_locate(tpl, line)
    para_no = number or (max(1, line - 1) if line else None)  # line 1 holds the <w:body> start
    where = label
    if number:
        where += f"第{number}段"
    elif para_no:
        where += f"约第{para_no}段"
    if snippet:
        where += f"（“{snippet}”）"
    text = f"报告模板 {shown} {where}：{error_kind(exc)}（{exc_text(exc)}）".replace(" ：", "：")
    return ReportTemplateError(text, template=shown, line=para_no)


def render_docx(results: Results, template_path: Path, path: Path, found=None) -> None:
    """Render the Word template (docxtpl tags) into ``path``; `found`: the results' analysis when already computed."""
    from jinja2 import TemplateError

    template_path = Path(template_path)
    shown = display(template_path)
    context = report_context(results, found)
    if not os.path.lexists(template_path):
        raise ReportTemplateError(f"报告模板 {shown} 不存在", template=shown)
    try:  # a regular file inside its folder, not a link out of it, a FIFO or a zip bomb (sandbox.py)
        real = sandbox.confined_file(template_path, template_path.parent, "报告模板")
        sandbox.check_package(real, "报告模板")
    except sandbox.TemplateRefused as exc:
        raise ReportTemplateError(exc.message, template=shown) from exc
    except TemplateError as exc:  # TemplateNotFound: gone since it was listed
        raise ReportTemplateError(f"报告模板 {shown} 不存在", template=shown) from exc
    try:
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(str(real))
        tpl.get_docx()  # opens the package: fail early on a file that is not a Word document
    except Exception as exc:  # noqa: BLE001 - any failure to open is a template problem
        raise ReportTemplateError(f"报告模板 {shown} 无法打开（不是有效的Word文档：{exc_text(exc)}）",
                                  template=shown) from exc
    context = docx_context(tpl, results, context)
    env = sandbox.docx_env()
    try:
        with sandbox.budget():  # one allowance of steps and time for all parts (body, headers, footers…)
            tpl.render(context, jinja_env=env, autoescape=True)
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as exc:
        raise _docx_error(exc, tpl, shown) from exc
    fit_tables(tpl.docx)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tpl.save(str(path))


def docx_context(tpl, results: Results, context: dict | None = None) -> dict:
    """The report context of a Word template: the shared one (context.py) and the native charts it places."""
    context = report_context(results) if context is None else context
    a = results.assessment
    created = reproducible.workbook_created(results.run.generated_at, a.timezone, a.year)
    return {**context, **docx_charts(tpl, context, a.full_score, a.precision, created)}


def fit_tables(document) -> None:
    """Each table's column grid from its cells, within its page's text width.

    A ``{%tc %}`` loop or condition changes a table's column count, and docxtpl then spreads the grid evenly
    whatever the cells' own widths (a 名次 column as wide as 备注); a table with more columns than the template
    had runs off the page. Here the grid is set from the widest row's cell widths, scaled down to the width
    between the margins of the section the table is in. A table with merged cells (gridSpan) is left as it is.
    """
    from docx.oxml.ns import qn

    body = document.element.body
    pending: list = []
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            pending.append(child)
            continue
        sect = child if child.tag == qn("w:sectPr") else child.find(qn("w:pPr") + "/" + qn("w:sectPr"))
        if sect is not None:
            width = _text_width(sect)
            for tbl in pending:
                _fit_table(tbl, width)
            pending = []


def _text_width(sect) -> int | None:
    from docx.oxml.ns import qn

    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    try:
        return int(size.get(qn("w:w"))) - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))
    except (AttributeError, TypeError, ValueError):
        return None


def _fit_table(tbl, width: int | None) -> None:
    from docx.oxml.ns import qn

    rows = tbl.findall(qn("w:tr"))
    if not rows or tbl.find(".//" + qn("w:gridSpan")) is not None:
        return
    widest = max(rows, key=lambda r: len(r.findall(qn("w:tc"))))
    cells = widest.findall(qn("w:tc"))
    widths = []
    for tc in cells:
        w = tc.find(qn("w:tcPr") + "/" + qn("w:tcW"))
        try:
            widths.append(int(w.get(qn("w:w"))))
        except (AttributeError, TypeError, ValueError):
            return
    total = sum(widths)
    if total <= 0:
        return
    if width and total > width:
        widths = [w * width // total for w in widths]
    grid = tbl.find(qn("w:tblGrid"))
    for col in list(grid):
        grid.remove(col)
    for w in widths:
        grid.append(grid.makeelement(qn("w:gridCol"), {qn("w:w"): str(w)}))
    for row in rows:
        row_cells = row.findall(qn("w:tc"))
        if len(row_cells) != len(widths):
            continue
        for tc, w in zip(row_cells, widths):
            tcw = tc.find(qn("w:tcPr") + "/" + qn("w:tcW"))
            if tcw is not None:
                tcw.set(qn("w:w"), str(w))
                tcw.set(qn("w:type"), "dxa")
