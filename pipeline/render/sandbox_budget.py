"""The per-render resource budget of the template sandbox: steps, time, nesting and made values.

Its own module because it is the state one render carries (a context variable) and the few functions that spend
it; the checks (sandbox_checks), the environment (sandbox) and the 表样 filler (xlsx_fill) all draw on it.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from typing import Any, Iterator

from .sandbox_limits import (MAX_INT_BITS, MAX_ITEMS, MAX_MADE, MAX_NESTING, MAX_OUTPUT, MAX_SECONDS, MAX_STEPS,
                             MAX_TEXT, MAX_WIDTH, LimitExceeded)

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
