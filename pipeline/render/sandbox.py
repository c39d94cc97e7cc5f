"""The one Jinja sandbox every user template renders in (report .html.j2, the Word report, 表样 cells).

Jinja's SandboxedEnvironment stops unsafe attribute access; it does not stop a template from reading any file its
loader can reach, or from working forever. This module adds, for every template the office can edit:

- **files**: the HTML loader serves only regular files inside the template folder — the path is resolved, and a
  symlink or ``..`` leading outside, a FIFO, a device or a folder is refused (`TemplateRefused`); the Word report
  and 表样 cells may not include other files at all. `confined_file` applies the same rule to the template files
  themselves (考核情况分析报告.docx, 表样 .xlsx).
- **work**: every loop iteration, call and filter is one step of a per-render budget (`MAX_STEPS`), which also
  checks a wall-clock deadline (`MAX_SECONDS`); ``range()`` is Jinja's bounded one (at most 100,000 items).
- **size**: operations that multiply sizes are checked before they run (``'x' * n``, ``[0] * n``, ``a ** b``,
  ``'%9999d' % x``, ``'{:>9999}'.format(x)``, ``center``/``ljust``/``replace``/``join``/``indent``/``batch``…); every
  value a template makes counts against a total (`MAX_MADE`); the rendered text is streamed and stops beyond
  `MAX_OUTPUT` characters; a template source beyond `MAX_SOURCE` characters is not compiled.
- **recursion**: a macro calling itself ends in RecursionError, reported as a limit, not a crash; include /
  import nesting stops at `MAX_NESTING`; a template source with more than `MAX_TAGS` tags is not compiled.

Every refusal is a `jinja2.TemplateError` subclass with a Chinese message (`TemplateRefused`, `LimitExceeded`), so
the callers' existing handlers turn it into ReportTemplateError / FillError naming the template (exit 2).
The limits are listed in docs/方案编写指南.md §16.3 (报告模板与表样的安全限制) and docs/decisions.md 46.

The parts live in their own modules, re-exported here so that callers import only this one: the limits and
refusals (sandbox_limits), file confinement and loaders (sandbox_files), the per-render budget (sandbox_budget),
the size checks and filter guard (sandbox_checks); this module holds the environment, its code generator and its
compile cache.
"""

from __future__ import annotations

import functools
import types
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.environment import Template
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .sandbox_budget import _Counted, _too_big, budget, made, made_text, nest, tick
from .sandbox_checks import _check_binop, _check_method, _EscapeFormatter, _Formatter, _guard_filter
from .sandbox_files import FolderLoader, NoFilesLoader, check_package, confined_file, confined_folder, display
from .sandbox_limits import (MAX_INT_BITS, MAX_ITEMS, MAX_MADE, MAX_NESTING, MAX_OUTPUT, MAX_PACKAGE_BYTES,
                             MAX_PACKAGE_UNZIPPED, MAX_SECONDS, MAX_SOURCE, MAX_STEPS, MAX_TAGS, MAX_TEMPLATE_BYTES,
                             MAX_TEXT, MAX_WIDTH, LimitExceeded, TemplateRefused)

# Besides __all__, callers read `display` (report/errors.py), `made` (xlsx_fill.py), MAX_NESTING and MAX_WIDTH
# (tests/test_sandbox.py) from here.

__all__ = [
    "TemplateRefused", "LimitExceeded", "report_env", "docx_env", "table_env", "budget", "tick",
    "confined_file", "confined_folder", "check_package",
    "MAX_STEPS", "MAX_SECONDS", "MAX_TEXT", "MAX_ITEMS", "MAX_MADE", "MAX_OUTPUT", "MAX_SOURCE", "MAX_TAGS",
    "MAX_TEMPLATE_BYTES", "MAX_PACKAGE_BYTES", "MAX_PACKAGE_UNZIPPED", "MAX_INT_BITS",
]

# ------------------------------------------------------------------------------------ environment


def _is_counted(node) -> bool:
    return isinstance(node, nodes.Call) and isinstance(node.node, nodes.EnvironmentAttribute) \
        and node.node.name == "counted"


class _CodeGenerator(CodeGenerator):
    def visit_For(self, node, frame):
        # `for x in ITER` becomes `for x in environment.counted(ITER)`: each item is one step of the budget
        # (Jinja allows no custom node types, so the wrapper is a call of an environment attribute)
        if not _is_counted(node.iter):
            node.iter = nodes.Call(nodes.EnvironmentAttribute("counted"), [node.iter], [], None, None,
                                   lineno=node.iter.lineno)
        super().visit_For(node, frame)

    def _output_child_pre(self, node, frame, finalize):  # `{{ x }}`: what it writes counts (environment.out)
        self.write("environment.out(")
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize):
        super()._output_child_post(node, frame, finalize)
        self.write(")")

    def _nested(self, visit, node, frame):
        """include / import / from-import inside environment.nest(+1) … nest(-1): a template that includes itself
        would render its whole body once per level before Python's recursion limit stops it."""
        self.writeline("environment.nest(1)", node)
        self.writeline("try:")
        self.indent()
        visit(node, frame)
        self.outdent()
        self.writeline("finally:")
        self.indent()
        self.writeline("environment.nest(-1)")
        self.outdent()

    def visit_Include(self, node, frame):
        self._nested(super().visit_Include, node, frame)

    def visit_Import(self, node, frame):
        self._nested(super().visit_Import, node, frame)

    def visit_FromImport(self, node, frame):
        self._nested(super().visit_FromImport, node, frame)

    def visit_Getitem(self, node, frame):  # `big[::-1]` is a new value (Jinja writes slices as plain Python)
        if isinstance(node.arg, nodes.Slice):
            self.write("environment.made(")
            super().visit_Getitem(node, frame)
            self.write(")")
        else:
            super().visit_Getitem(node, frame)

    def visit_Concat(self, node, frame):  # `a ~ b`
        self.write("environment.made(")
        super().visit_Concat(node, frame)
        self.write(")")


def _bounded_concat(parts) -> str:
    """environment.concat: a macro's or block's buffer, and the whole output (streamed), within MAX_OUTPUT."""
    if isinstance(parts, list):
        total = sum(map(len, parts))
        if total > MAX_OUTPUT:
            raise LimitExceeded(f"渲染结果超过 {MAX_OUTPUT / 1e6:g} MB 字符，已停止")
        return made_text("".join(parts))
    out, total = [], 0
    for part in parts:
        total += len(part)
        if total > MAX_OUTPUT:
            raise LimitExceeded(f"渲染结果超过 {MAX_OUTPUT / 1e6:g} MB 字符，已停止")
        out.append(part)
    return made_text("".join(out))


class BoundedTemplate(Template):
    """render() within a budget, its output streamed and bounded, recursion and exhaustion reported as limits."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        ctx = self.new_context(dict(*args, **kwargs))
        with budget():
            try:
                try:
                    return self.environment.concat(self.root_render_func(ctx))  # type: ignore[attr-defined]
                except RecursionError as exc:
                    raise LimitExceeded("宏或模板递归调用过深（可能是宏调用了自己，或模板引用了自己）") \
                        .with_traceback(exc.__traceback__) from None
                except MemoryError as exc:
                    raise LimitExceeded("渲染时内存不足，模板生成的内容过多").with_traceback(exc.__traceback__) from None
            except Exception:
                self.environment.handle_exception()


class KaoheSandbox(SandboxedEnvironment):
    """SandboxedEnvironment with files, work, size and recursion bounded (module docstring)."""

    code_generator_class = _CodeGenerator
    template_class = BoundedTemplate
    intercepted_binops = frozenset({"*", "**", "+", "-", "%"})

    def __init__(self, *, what: str, **kwargs: Any):
        kwargs.setdefault("undefined", StrictUndefined)
        super().__init__(**kwargs)
        self.what = what
        self.globals.pop("lipsum", None)  # generates text on demand: nothing a report needs
        self.filters = {name: _guard_filter(name, f) for name, f in self.filters.items()}
        self.concat = _bounded_concat  # type: ignore[assignment]
        self.counted = _Counted
        self.made = made
        self.out = made_text
        self.nest = nest

    # -- operators, calls, str.format -----------------------------------------------------------
    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        tick()
        _check_binop(operator, left, right)
        return made(self.binop_table[operator](left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805, B902 - Jinja's own signature
        tick()
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(__obj, (types.BuiltinMethodType, types.MethodType)) and owner is not None:
            _check_method(owner, name, args, kwargs)
        result = made(super().call(__context, __obj, *args, **kwargs))
        if isinstance(owner, (list, dict, set)):  # append/extend/update grow the receiver in place
            _too_big(len(owner), False)
        return result

    def wrap_str_format(self, value: Any):
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) or \
                value.__name__ not in ("format", "format_map"):
            return None
        owner = value.__self__
        if not isinstance(owner, str):
            return None
        str_type = type(owner)
        formatter = _EscapeFormatter(self, escape=owner.escape) if isinstance(owner, Markup) else _Formatter(self)
        is_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs, args = args[0], ()
            return made(str_type(formatter.vformat(owner, args, kwargs)))

        return functools.update_wrapper(wrapper, value)

    # -- compiling ------------------------------------------------------------------------------
    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        if isinstance(source, str) and len(source) > MAX_SOURCE:
            raise LimitExceeded(f"模板过大（{len(source):,} 个字符，上限 {MAX_SOURCE:,}）")
        if isinstance(source, str):  # compiling costs ~0.2 ms a tag, and more than linearly beyond
            tags = source.count("{{") + source.count("{%") + source.count("{#")
            if tags > MAX_TAGS:
                raise LimitExceeded(f"模板中的标记过多（{tags:,} 个 {{{{ }}}} / {{% %}}，上限 {MAX_TAGS:,}）")
        key = (type(self), self.what, bool(self.autoescape) if not callable(self.autoescape) else id(self.autoescape),
               self.keep_trailing_newline, tuple(sorted(self.filters)), tuple(sorted(self.tests)), source, name, filename,
               raw, defer_init)
        cached = _COMPILED.get(key) if isinstance(source, str) else None
        if cached is not None:
            return cached
        try:
            code = super().compile(source, name, filename, raw, defer_init)
        except (RecursionError, MemoryError, SyntaxError):  # SyntaxError: Python's own nesting limits
            raise LimitExceeded("模板中的表达式或标签嵌套过深，无法解析") from None
        if isinstance(source, str):
            if len(_COMPILED) >= MAX_COMPILED:
                _COMPILED.pop(next(iter(_COMPILED)))
            _COMPILED[key] = code
        return code


# Compiled template code by (environment settings, source): compiling is most of a small report's render time, and
# the same templates are rendered once per run (and many times in one process by tests and long-lived callers).
# The code does not hold the environment (Jinja binds it when the template is made), so reuse is exact.
_COMPILED: dict = {}
MAX_COMPILED = 256


def report_env(template_dir: Path) -> KaoheSandbox:
    """The HTML report's environment: files only from `template_dir`, autoescaped."""
    return KaoheSandbox(what="报告模板", loader=FolderLoader(Path(template_dir)), autoescape=True,
                        keep_trailing_newline=True)


def docx_env() -> KaoheSandbox:
    """The Word report's environment (passed to docxtpl as jinja_env): no other files."""
    return KaoheSandbox(what="Word 报告模板", loader=NoFilesLoader("Word 报告模板"), autoescape=True)


def table_env() -> KaoheSandbox:
    """表样 cells: no other files and no globals (no range(), dict()…): a table needs only its names."""
    env = KaoheSandbox(what="表样", loader=NoFilesLoader("表样"), autoescape=False, keep_trailing_newline=False)
    env.globals.clear()
    return env
