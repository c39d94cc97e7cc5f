"""Report template failures as one Chinese message naming the template and where in it (line or paragraph)."""

from __future__ import annotations

import os
import re
import traceback
from pathlib import Path

from .. import sandbox


class ReportTemplateError(Exception):
    """A report template could not be read or rendered; the message is Chinese and user-facing."""

    def __init__(self, message: str, *, template: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.template = template
        self.line = line


def display(path: Path) -> str:
    return sandbox.display(path)  # relative to the working folder; a link is shown as itself, not its target


def error_kind(exc: BaseException) -> str:
    from jinja2 import exceptions as jx
    from jinja2.sandbox import SecurityError

    if isinstance(exc, jx.TemplateSyntaxError):
        return "语法错误"
    if isinstance(exc, jx.UndefinedError):
        return "变量错误"
    if isinstance(exc, sandbox.LimitExceeded):
        return "超出模板资源限制"
    if isinstance(exc, sandbox.TemplateRefused):
        return "引用了不允许读取的文件"
    if isinstance(exc, SecurityError):
        return "模板中不允许的操作"
    if isinstance(exc, jx.TemplateNotFound):
        return "找不到引用的模板"
    if isinstance(exc, jx.TemplateError):
        return "模板错误"
    return "渲染出错"


def runtime_lineno(exc: BaseException, filename: str | None) -> int | None:
    """The template line of a runtime error, from the (jinja-rewritten) traceback."""
    line = None
    for fs in traceback.extract_tb(exc.__traceback__):
        if filename is not None:
            try:
                same = os.path.samefile(fs.filename, filename)
            except OSError:
                same = fs.filename == filename
            if same:
                line = fs.lineno
        elif fs.filename == "<template>":
            line = fs.lineno
    return line


def exc_text(exc: BaseException) -> str:
    msg = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
    m = re.fullmatch(r"'(.+)' is undefined", str(msg).strip())
    if m:
        return f"变量“{m.group(1)}”不存在"
    m = re.fullmatch(r"'(.+)' has no attribute '(.+)'", str(msg).strip())
    if m:
        return f"没有名为“{m.group(2)}”的项"
    return str(msg).strip().splitlines()[0] if str(msg).strip() else exc.__class__.__name__
