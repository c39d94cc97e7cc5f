"""The report as a standalone offline HTML page, from report.html.j2 in a sandboxed Jinja environment
(autoescaping, strict undefined, files only from the template folder: pipeline/render/sandbox.py)."""

from __future__ import annotations

from pathlib import Path

from ...results import Results
from .. import sandbox
from .context import report_context
from .errors import ReportTemplateError, display, error_kind, exc_text, runtime_lineno

HTML_TEMPLATE_NAME = "report.html.j2"


def _html_env(template_dir: Path):
    # files only from template_dir, loops/size/time/recursion bounded (pipeline/render/sandbox.py)
    return sandbox.report_env(template_dir)


def render_html(results: Results, template_dir: Path, path: Path,
                template_name: str = HTML_TEMPLATE_NAME, found=None) -> None:
    """Render ``template_dir/report.html.j2`` into ``path`` (a standalone offline HTML page); `found`: the
    results' analysis when already computed."""
    from jinja2 import TemplateError, TemplateSyntaxError

    template_dir = Path(template_dir)
    tpl_path = template_dir / template_name
    shown = display(tpl_path)
    context = report_context(results, found)
    env = _html_env(template_dir)
    try:
        template = env.get_template(template_name)
        html = template.render(**context)
    except sandbox.TemplateRefused as exc:  # a file the loader will not read: name it (and who included it)
        line = runtime_lineno(exc, str(tpl_path))
        main = exc.path is not None and Path(exc.path) == tpl_path
        by = "" if main else f"（由报告模板 {shown}{f' 第{line}行' if line else ''}引用）"
        raise ReportTemplateError(f"{exc.message}{by}", template=shown, line=line) from exc
    except TemplateSyntaxError as exc:
        name = display(Path(exc.filename)) if exc.filename else shown
        raise ReportTemplateError(
            f"报告模板 {name} 第{exc.lineno}行：语法错误（{exc_text(exc)}）", template=name, line=exc.lineno
        ) from exc
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as exc:
        if type(exc).__name__ == "TemplateNotFound" and getattr(exc, "name", None) == template_name:
            raise ReportTemplateError(f"报告模板 {shown} 不存在", template=shown) from exc
        line = runtime_lineno(exc, str(tpl_path))
        where = f"第{line}行：" if line else "："
        raise ReportTemplateError(
            f"报告模板 {shown} {where}{error_kind(exc)}（{exc_text(exc)}）".replace(" ：", "："),
            template=shown, line=line,
        ) from exc
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
