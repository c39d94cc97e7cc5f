"""Size checks that run before a template operation does: operators, string methods, %-formatting, str.format
and every filter (the guard that wraps Jinja's filters).

Its own module because these are the rules about what one operation may make, separate from the budget they
spend (sandbox_budget) and from the environment that calls them (sandbox).
"""

from __future__ import annotations

import functools
import re
from string import Formatter
from typing import Any, Callable

from markupsafe import EscapeFormatter

from .sandbox_budget import _expect, _size, _too_big, _width, made, tick
from .sandbox_limits import MAX_INT_BITS, MAX_ITEMS, LimitExceeded



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

