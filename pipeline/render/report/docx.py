"""The report as a Word document, from a .docx template with docxtpl tags ({{ }}, {%p %}, {%tr %}); a failure is
located by paragraph number and text, which is what an office editing the template in Word can find."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ...results import Results
from .. import sandbox
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


def render_docx(results: Results, template_path: Path, path: Path) -> None:
    """Render the Word template (docxtpl tags) into ``path``."""
    from jinja2 import TemplateError

    template_path = Path(template_path)
    shown = display(template_path)
    context = report_context(results)
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
    env = sandbox.docx_env()
    try:
        with sandbox.budget():  # one allowance of steps and time for all parts (body, headers, footers…)
            tpl.render(context, jinja_env=env, autoescape=True)
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as exc:
        raise _docx_error(exc, tpl, shown) from exc
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tpl.save(str(path))
