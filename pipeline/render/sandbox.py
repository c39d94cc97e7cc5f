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
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import re
import stat
import time
import types
import zipfile
from pathlib import Path
from string import Formatter
from typing import Any, Callable, Iterator

from jinja2 import BaseLoader, StrictUndefined, TemplateError, TemplateNotFound
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.environment import Template
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import EscapeFormatter, Markup

__all__ = [
    "TemplateRefused", "LimitExceeded", "report_env", "docx_env", "table_env", "budget", "tick",
    "confined_file", "confined_folder", "check_package",
    "MAX_STEPS", "MAX_SECONDS", "MAX_TEXT", "MAX_ITEMS", "MAX_MADE", "MAX_OUTPUT", "MAX_SOURCE", "MAX_TAGS",
    "MAX_TEMPLATE_BYTES", "MAX_PACKAGE_BYTES", "MAX_PACKAGE_UNZIPPED", "MAX_INT_BITS",
]

MAX_STEPS = 1_000_000  # loop iterations + calls + filters (+ 表样 cells) in one render
MAX_SECONDS = 10.0  # wall clock of one render (one report file, one filled 表样 file)
MAX_TEXT = 10_000_000  # characters of one value a template makes
MAX_ITEMS = 1_000_000  # items of one list / dict / tuple a template makes
MAX_MADE = 200_000_000  # characters + items of all values one render makes
MAX_OUTPUT = 20_000_000  # characters of one rendered template (a Word report: each XML part)
MAX_SOURCE = 5_000_000  # characters of one template source (a .j2 file, a Word part's XML)
MAX_NESTING = 20  # include / import inside one another
MAX_TAGS = 10_000  # {{ }} / {% %} / {# #} tags of one template source (compiling 10,000 takes ~2 s)
MAX_INT_BITS = 4096  # an integer result above ~10^1233 is no report's number
MAX_WIDTH = 10_000  # a field width / precision in %-formatting, str.format, center/ljust/indent/wordwrap…
MAX_TEMPLATE_BYTES = 2_000_000  # one .j2 file read by the loader
MAX_PACKAGE_BYTES = 50_000_000  # one .docx / .xlsx template file
MAX_PACKAGE_UNZIPPED = 200_000_000  # its parts, decompressed (counted while streaming, never trusting headers)


class TemplateRefused(TemplateError):
    """A template file that may not be read (outside the template folder, not a regular file, too big…)."""

    def __init__(self, message: str, path: Path | None = None):
        super().__init__(message)
        self.path = path


class LimitExceeded(TemplateError):
    """A template asked for more work, time, memory or nesting than a report or table can need."""


# ------------------------------------------------------------------------------------------ display


def display(path: Path) -> str:
    """A path as the user should see it: relative to the working folder when inside it."""
    p = Path(os.path.abspath(path))  # lexical: a refused link is shown as itself, not as its target
    try:
        cwds = [Path(os.getcwd()), Path.cwd().resolve()]
    except OSError:  # the working folder was removed
        cwds = []
    for cwd in cwds:
        try:
            return p.relative_to(cwd).as_posix()
        except ValueError:
            continue
    return p.as_posix()


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


# --------------------------------------------------------------------------------------------- files


def confined_folder(folder: Path, parent: Path, what: str = "模板文件夹") -> Path:
    """`folder` resolved, refused when it is (or passes through) a link leading outside `parent` — templates/
    out of the assessment folder."""
    folder = Path(folder)
    try:
        real, real_parent = folder.resolve(), Path(parent).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise TemplateRefused(f"{what} {display(folder)} 无法打开（链接无效：{type(exc).__name__}）", folder) from None
    if not _inside(real, real_parent):
        raise TemplateRefused(f"{what} {display(folder)} 是指向考核文件夹以外的链接（{real}），已拒绝读取", folder)
    return real


def confined_file(path: Path, root: Path, what: str = "模板", max_bytes: int = MAX_PACKAGE_BYTES,
                  root_label: str = "模板文件夹") -> Path:
    """`path` resolved, when it is a regular file inside `root` of at most `max_bytes`; else TemplateRefused.

    A symlink inside `root` to another file inside `root` is followed; one leading outside (or dangling, or
    looping) is refused, as is a FIFO, a device or a folder — a FIFO is never opened (it would block).
    """
    path = Path(path)
    shown = display(path)
    try:
        real_root = Path(root).resolve()
        real = path.resolve(strict=True)
    except FileNotFoundError:
        if os.path.islink(path):
            raise TemplateRefused(f"{what} {shown} 是无效的链接（指向的文件不存在：{os.readlink(path)}）", path) from None
        raise TemplateNotFound(shown) from None
    except (OSError, RuntimeError) as exc:
        raise TemplateRefused(f"{what} {shown} 无法打开（{type(exc).__name__}，可能是循环链接）", path) from None
    if not _inside(real, real_root):
        raise TemplateRefused(f"{what} {shown} 是指向{root_label}以外的链接（{real}），已拒绝读取；"
                              f"请把{what}文件本身放进{root_label}", path)
    try:
        st = os.stat(real)
    except OSError as exc:
        raise TemplateRefused(f"{what} {shown} 无法读取（{exc.strerror or type(exc).__name__}）", path) from None
    if not stat.S_ISREG(st.st_mode):
        kind = "文件夹" if stat.S_ISDIR(st.st_mode) else "命名管道" if stat.S_ISFIFO(st.st_mode) else "设备或特殊文件"
        raise TemplateRefused(f"{what} {shown} 不是普通文件（是{kind}），已拒绝读取", path)
    if st.st_size > max_bytes:
        raise TemplateRefused(f"{what} {shown} 过大（{st.st_size / 1e6:.1f} MB，上限 {max_bytes / 1e6:g} MB）", path)
    return real


def read_regular(real: Path, max_bytes: int, shown: str) -> bytes:
    """The bytes of a file already checked to be regular, opened so that a swap for a FIFO or a link in between
    cannot block or redirect the read (O_NONBLOCK, O_NOFOLLOW, then fstat)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise TemplateRefused(f"{shown} 无法读取（{exc.strerror or type(exc).__name__}）", Path(real)) from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise TemplateRefused(f"{shown} 不是普通文件，已拒绝读取", Path(real))
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TemplateRefused(f"{shown} 过大（上限 {max_bytes / 1e6:g} MB）", Path(real))
    return data


@functools.lru_cache(maxsize=64)
def _package_size(real: str, mtime_ns: int, size: int) -> tuple[str, int] | None:
    """(part, bytes) of the first part whose decompressed bytes pass the limit; None when all is within."""
    total = 0
    try:
        with zipfile.ZipFile(real) as zf:
            for info in zf.infolist():
                with zf.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        total += len(chunk)
                        if total > MAX_PACKAGE_UNZIPPED:
                            return info.filename, total
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, RuntimeError):  # encrypted…
        return None  # not a readable zip: the reader's own "cannot open" message says so
    return None


def check_package(path: Path, what: str = "模板") -> None:
    """Refuse an Office template whose parts decompress beyond MAX_PACKAGE_UNZIPPED (a zip bomb)."""
    real = Path(path)
    st = real.stat()
    over = _package_size(str(real), st.st_mtime_ns, st.st_size)
    if over is not None:
        raise TemplateRefused(f"{what} {display(path)} 解压后超过 {MAX_PACKAGE_UNZIPPED / 1e6:g} MB"
                              f"（在 {over[0]} 处），不像正常的模板文件，已拒绝读取", Path(path))


class FolderLoader(BaseLoader):
    """Serves regular files inside one folder; refuses everything else with a Chinese message."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def get_source(self, environment, template: str):
        pieces = []
        for piece in template.replace("\\", "/").split("/"):
            if piece == "..":
                raise TemplateRefused(f"模板 {template} 的路径含“..”，只能引用模板文件夹 {display(self.root)} 中的文件",
                                      self.root / template)
            if piece and piece != ".":
                pieces.append(piece)
        if not pieces or os.path.isabs(template):
            raise TemplateRefused(f"模板 {template} 的路径无效，只能引用模板文件夹 {display(self.root)} 中的文件")
        path = self.root.joinpath(*pieces)
        if not os.path.lexists(path):
            raise TemplateNotFound(template)
        real = confined_file(path, self.root, "模板", MAX_TEMPLATE_BYTES)
        data = read_regular(real, MAX_TEMPLATE_BYTES, f"模板 {display(path)}")
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            raise TemplateRefused(f"模板 {display(path)} 不是 UTF-8 编码的文本文件", path) from None
        mtime = os.stat(real).st_mtime_ns

        def uptodate() -> bool:
            try:
                return os.stat(real).st_mtime_ns == mtime
            except OSError:
                return False

        return source, str(path), uptodate


class NoFilesLoader(BaseLoader):
    """The Word report and 表样 cells are one file each: include/import/extends of another file is refused."""

    def __init__(self, what: str):
        self.what = what

    def get_source(self, environment, template: str):
        raise TemplateRefused(f"{self.what}中不能用 include、import 或 extends 引用其他文件（“{template}”）")


# -------------------------------------------------------------------------------------------- budget


class _Budget:
    __slots__ = ("steps", "made", "deadline", "depth")

    def __init__(self, steps: int, seconds: float):
        self.steps = steps
        self.made = MAX_MADE
        self.deadline = time.monotonic() + seconds
        self.depth = 0


def nest(delta: int) -> None:
    """Entering (+1) or leaving (-1) an include / import: at most MAX_NESTING inside one another."""
    b = _BUDGET.get()
    if b is None:
        return
    b.depth += delta
    if delta > 0:
        if b.depth > MAX_NESTING:
            raise LimitExceeded(f"模板引用（include / import）嵌套超过 {MAX_NESTING} 层，可能是模板引用了自己")
        tick()


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("kaohe_template_budget", default=None)


@contextlib.contextmanager
def budget(steps: int = MAX_STEPS, seconds: float = MAX_SECONDS) -> Iterator[None]:
    """One render's allowance of steps, made values and time (nested renders share the outer one)."""
    if _BUDGET.get() is not None:
        yield
        return
    token = _BUDGET.set(_Budget(steps, seconds))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def tick(n: int = 1) -> None:
    """Spend `n` steps of the current budget; past the step or time limit, stop the render."""
    b = _BUDGET.get()
    if b is None:
        return
    b.steps -= n
    if b.steps < 0:
        raise LimitExceeded(f"循环、调用和过滤器的执行次数超过上限（{MAX_STEPS:,} 次），可能是嵌套循环过多")
    if time.monotonic() > b.deadline:
        raise LimitExceeded(f"渲染超过时间上限（{MAX_SECONDS:g} 秒），可能是循环过多")


def _size(value: Any) -> int:
    """Characters of a string, items of a container; 0 for anything else."""
    if isinstance(value, (str, bytes, bytearray)):
        return len(value)
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return len(value)
    return 0


def _too_big(n: int, text: bool) -> None:
    if text and n > MAX_TEXT:
        raise LimitExceeded(f"模板生成的文字过长（{n:,} 个字符，上限 {MAX_TEXT:,}）")
    if not text and n > MAX_ITEMS:
        raise LimitExceeded(f"模板生成的列表过大（{n:,} 项，上限 {MAX_ITEMS:,}）")


def made(value: Any) -> Any:
    """Account for a value a template made: bounded in itself and, summed, within the render's allowance."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise LimitExceeded(f"模板算出的整数过大（超过 {MAX_INT_BITS} 位二进制）")
    n = _size(value)
    if n:
        _too_big(n, isinstance(value, (str, bytes, bytearray)))
        b = _BUDGET.get()
        if b is not None:
            b.made -= n
            if b.made < 0:
                raise LimitExceeded(f"模板生成的内容总量超过上限（{MAX_MADE:,} 个字符或列表项）")
    return value


def _expect(n: int, text: bool = True) -> None:
    """Refuse before an operation that would make `n` characters (or items)."""
    _too_big(n, text)


def _width(n: Any, what: str = "宽度") -> None:
    if isinstance(n, int) and not isinstance(n, bool) and n > MAX_WIDTH:
        raise LimitExceeded(f"{what} {n:,} 超过上限（{MAX_WIDTH:,}）")


class _Counted:
    """A for loop's iterable: each item is one step."""

    __slots__ = ("_it", "_len")

    def __init__(self, iterable: Any):
        try:
            self._len = len(iterable)
        except TypeError:
            self._len = None
        self._it = iter(iterable)

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self._it)
        tick()
        return item

    def __len__(self) -> int:
        if self._len is None:
            raise TypeError("no length")
        return self._len


# ------------------------------------------------------------------------------------------ checks

_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([a-zA-Z%])")


def _check_percent(fmt: str, args: Any) -> None:
    """`'%9999d' % x`: widths and precisions of printf-style formatting, and the result's size, before it runs."""
    values = list(args.values()) if isinstance(args, dict) else list(args) if isinstance(args, tuple) else [args]
    stars = [a for a in values if isinstance(a, int) and not isinstance(a, bool)]
    # each conversion writes at most its width or precision, or the longest argument (a mapping's key can be
    # used many times); a `*` takes its width from the arguments
    longest = max((len(a) for a in values if isinstance(a, str)), default=0) + 32
    total = len(fmt)
    for width, precision, _ in _PERCENT.findall(fmt):
        sizes = [longest]
        for n in (width, precision):
            if n == "*":
                for a in stars:
                    _width(a)
                sizes.append(max(stars, default=0))
            elif n:
                _width(int(n))
                sizes.append(int(n))
        total += max(sizes)
    _expect(total)


def _check_spec(spec: str) -> None:
    for n in re.findall(r"\d+", spec or ""):
        _width(int(n), "格式宽度")


class _Formatter(Formatter):
    """str.format in the sandbox: Jinja's attribute rules, and field widths bounded."""

    def __init__(self, env, **kwargs):
        self._env = env
        super().__init__(**kwargs)

    def get_field(self, field_name, args, kwargs):
        from _string import formatter_field_name_split  # type: ignore

        first, rest = formatter_field_name_split(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attr, i in rest:
            obj = self._env.getattr(obj, i) if is_attr else self._env.getitem(obj, i)
        return obj, first

    def vformat(self, format_string, args, kwargs):
        self._total = len(format_string)
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value, format_spec):
        _check_spec(format_spec)
        text = made(super().format_field(value, format_spec))
        self._total = getattr(self, "_total", 0) + len(text)  # the fields' sum, before they are joined
        _too_big(self._total, True)
        return text


class _EscapeFormatter(_Formatter, EscapeFormatter):
    pass


def _check_binop(op: str, left: Any, right: Any) -> None:
    seqs = (str, bytes, list, tuple)
    if op == "*":
        if isinstance(left, seqs) and isinstance(right, int):
            _expect(len(left) * max(right, 0), isinstance(left, (str, bytes)))
        elif isinstance(right, seqs) and isinstance(left, int):
            _expect(len(right) * max(left, 0), isinstance(right, (str, bytes)))
        elif isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS + 1:
                raise LimitExceeded(f"模板算出的整数过大（超过 {MAX_INT_BITS} 位二进制）")
    elif op == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            if (abs(left).bit_length() - 1) * right > MAX_INT_BITS:
                raise LimitExceeded(f"乘方 {left} ** {right} 的结果过大（超过 {MAX_INT_BITS} 位二进制）")
    elif op == "+":
        if isinstance(left, seqs) and isinstance(right, seqs):
            _expect(len(left) + len(right), isinstance(left, (str, bytes)))
    elif op == "%":
        if isinstance(left, str):
            _check_percent(left, right)


# string methods whose result can be far larger than the string and their arguments
def _check_method(obj: Any, name: str, args: tuple, kwargs: dict) -> None:
    if not isinstance(obj, (str, bytes)):
        return
    n = len(obj)
    if name in ("center", "ljust", "rjust", "zfill"):
        _width(args[0] if args else kwargs.get("width"))
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        _width(size, "制表符宽度")
        if isinstance(size, int):
            _expect(n * max(size, 1))
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], (str, bytes)):
        old, new = args[0], args[1]
        count = obj.count(old) if old else n + 1
        _expect(n + count * _size(new))
    elif name == "join" and args:
        items = args[0]
        if isinstance(items, (list, tuple)):
            _expect(n * max(len(items) - 1, 0) + sum(_size(i) for i in items))
    elif name == "translate" and args and isinstance(args[0], dict):
        longest = max((_size(v) for v in args[0].values()), default=1)
        _expect(n * max(longest, 1))
    elif name in ("split", "rsplit", "splitlines") and n > MAX_ITEMS:  # a list of up to n strings
        sep = args[0] if args and name != "splitlines" else kwargs.get("sep")
        if isinstance(sep, (str, bytes)) and sep:
            parts = obj.count(sep) + 1
        else:  # whitespace or line boundaries: each can start a new item
            marks = (" ", "\t", "\n", "\r", "\x0b", "\x0c") if name != "splitlines" else ("\n", "\r", "\x0b", "\x0c")
            parts = sum(obj.count(m if isinstance(obj, str) else m.encode()) for m in marks) + 1
        _expect(parts, text=False)


def _take(iterable: Any) -> list:
    """An unsized iterable (map/select/… generator) as a list, one step per item, stopping beyond MAX_ITEMS."""
    out = []
    for item in iterable:
        tick()
        out.append(item)
        if len(out) > MAX_ITEMS:
            _too_big(len(out), False)
    return out


def _value_pos(f: Callable) -> int:
    return 1 if getattr(f, "jinja_pass_arg", None) is not None else 0


def _check_filter(name: str, value: Any, args: tuple, kwargs: dict) -> None:
    def arg(i: int, key: str, default: Any = None) -> Any:
        return args[i] if len(args) > i else kwargs.get(key, default)

    n = _size(value) if isinstance(value, str) else 0
    if name == "center":
        _width(arg(0, "width", 80))
    elif name == "indent":
        width = arg(0, "width", 4)
        lines = value.count("\n") + 1 if isinstance(value, str) else 1
        if isinstance(width, str):
            _expect(n + len(width) * lines)
        elif isinstance(width, int):
            _width(width, "缩进宽度")
            _expect(n + width * lines)
    elif name == "wordwrap":
        _width(arg(0, "width", 79), "换行宽度")
        wrap = arg(2, "wrapstring", "\n")
        width = arg(0, "width", 79)
        if isinstance(wrap, str) and isinstance(width, int) and width > 0:
            _expect(n + len(wrap) * (n // width + 1))
    elif name == "replace":
        old, new = arg(0, "old"), arg(1, "new")
        if isinstance(value, str) and isinstance(old, str) and isinstance(new, str):
            count = value.count(old) if old else n + 1
            _expect(n + count * len(new))
    elif name in ("batch", "slice"):
        _width(arg(0, "linecount" if name == "batch" else "slices"), "分组数")
    elif name == "format" and isinstance(value, str):
        _check_percent(value, tuple(args) if args else kwargs)
    elif name == "tojson":
        _width(arg(0, "indent"), "缩进宽度")
    elif name == "join":
        d = arg(0, "d", "")
        if isinstance(value, (list, tuple)) and isinstance(d, str):
            _expect(len(d) * max(len(value) - 1, 0) + sum(_size(i) for i in value if isinstance(i, str)))


_PYTHON_TEXT_FILTERS = frozenset({"wordwrap", "urlize", "pprint"})
# filters that build a list of their input's items
_MATERIALIZING = frozenset({"list", "join", "unique", "sort", "batch", "slice", "groupby", "reverse", "random",
                            "dictsort", "last", "sum", "max", "min"})
# steps per item (or character) for filters that do more than a C loop per item (~1 µs a step)
_FILTER_WEIGHT = {"pprint": 20, "urlize": 5, "wordwrap": 2, "groupby": 3, "unique": 2, "sort": 2, "dictsort": 2,
                  "map": 2, "select": 2, "reject": 2, "selectattr": 2, "rejectattr": 2, "tojson": 2, "xmlattr": 2}


def _guard_filter(name: str, f: Callable) -> Callable:
    pos = _value_pos(f)

    @functools.wraps(f)
    def guarded(*args, **kwargs):
        value = args[pos] if len(args) > pos else None
        if name in _MATERIALIZING and value is not None and not isinstance(value, (str, list, tuple, dict, set,
                                                                                    range)):
            try:  # a generator the filter would turn into a list anyway: take it one counted item at a time
                value = _take(iter(value))
            except TypeError:
                pass
            else:
                args = (*args[:pos], value, *args[pos + 1:])
        if name in _MATERIALIZING and isinstance(value, str) and len(value) > MAX_ITEMS:
            _too_big(len(value), False)  # `'x…'|list`: one item per character
        # a filter's cost: one step, plus one per item it iterates, plus (for text) one per character where the
        # filter loops over it in Python, one per 100 where it works at C speed
        if isinstance(value, str):
            cost = len(value) if name in _PYTHON_TEXT_FILTERS else len(value) // 100
        else:
            cost = len(value) if isinstance(value, range) else _size(value)
        tick(1 + cost * _FILTER_WEIGHT.get(name, 1))
        _check_filter(name, value, args[pos + 1:], kwargs)
        return made(f(*args, **kwargs))

    return guarded


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


def made_text(text: str) -> str:
    """Output text counts against the render's allowance (its size is bounded by MAX_OUTPUT, not MAX_TEXT).

    Each `{{ x }}` goes through here as it is written (environment.out), so a macro's or block's buffer can
    never hold more than the allowance before it is joined."""
    if len(text) > MAX_OUTPUT:
        raise LimitExceeded(f"渲染结果超过 {MAX_OUTPUT / 1e6:g} MB 字符，已停止")
    b = _BUDGET.get()
    if b is not None:
        b.made -= len(text)
        if b.made < 0:
            raise LimitExceeded(f"模板生成的内容总量超过上限（{MAX_MADE:,} 个字符或列表项）")
    return text


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
