"""Narrative report 考核情况分析报告 (.html and .docx), rendered from Jinja templates over the typed `Results`.

Rendering never computes scores: context.py words the results and their analysis (pipeline.analysis) into the
context the templates read; html.py and docx.py render the two templates; charts.py lays out the inline SVG.

Templates:
- ``report.html.j2``       rendered with a sandboxed, autoescaping, strict-undefined Jinja environment;
- ``考核情况分析报告.docx``  a Word document with docxtpl tags (``{{ }}``, ``{%p %}``, ``{%tr %}``), built by
  pipeline/render/default_templates/make_docx_template.py.

A user template in the template folder overrides the package default shipped in
``pipeline/render/default_templates/``. Nothing is ever written into the user's template folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from ...analysis import analyse
from ...results import Results
from .. import sandbox
from .context import report_context
from .docx import DOCX_TEMPLATE_NAME, render_docx
from .errors import ReportTemplateError, display
from .html import HTML_TEMPLATE_NAME, render_html

__all__ = [
    "ReportTemplateError",
    "report_context",
    "render_html",
    "render_docx",
    "render_report",
    "DEFAULT_TEMPLATE_DIR",
    "HTML_TEMPLATE_NAME",
    "DOCX_TEMPLATE_NAME",
    "HTML_OUTPUT_NAME",
    "DOCX_OUTPUT_NAME",
]

DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "default_templates"
HTML_OUTPUT_NAME = "考核情况分析报告.html"
DOCX_OUTPUT_NAME = "考核情况分析报告.docx"


def render_report(results: Results, template_dir: Path | None, out_dir: Path) -> list[Path]:
    """Write 考核情况分析报告.html and .docx into ``out_dir``; return their paths.

    ``template_dir/report.html.j2`` and ``template_dir/考核情况分析报告.docx`` override the package
    defaults; the template folder itself is only read.
    """
    template_dir = Path(template_dir) if template_dir is not None else DEFAULT_TEMPLATE_DIR
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    if template_dir != DEFAULT_TEMPLATE_DIR and os.path.lexists(template_dir):
        try:  # templates/ itself must not be a link out of the assessment folder
            sandbox.confined_folder(template_dir, template_dir.parent)
        except sandbox.TemplateRefused as exc:
            raise ReportTemplateError(exc.message, template=display(template_dir)) from exc
    # any entry named like a template is the office's: a link, FIFO or folder is refused, never silently skipped
    html_dir = template_dir if os.path.lexists(template_dir / HTML_TEMPLATE_NAME) else DEFAULT_TEMPLATE_DIR
    found = analyse(results)  # one analysis for both reports
    html_path = out_dir / HTML_OUTPUT_NAME
    render_html(results, html_dir, html_path, found=found)

    docx_path = out_dir / DOCX_OUTPUT_NAME
    user_docx = template_dir / DOCX_TEMPLATE_NAME
    render_docx(results, user_docx if os.path.lexists(user_docx) else DEFAULT_TEMPLATE_DIR / DOCX_TEMPLATE_NAME,
                docx_path, found=found)
    return [html_path, docx_path]
