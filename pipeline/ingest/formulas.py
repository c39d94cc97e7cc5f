"""Evaluate the simple formulas returns carry (=B5/C5*100, =SUM(D5:F5), =ROUND(G5*0.3,2)), and nothing else.

Why: a formula cell whose cached value is 0 may be a program's placeholder (never recalculated, SPEC §7) or a
genuine result of 0. Recomputing the formula from the sheet's own constants tells the two apart, so a real 0
is accepted and a placeholder is reported with the value it should have held. Only arithmetic, same-sheet
references and SUM/AVERAGE/MIN/MAX/ROUND/ABS are understood; anything else (other sheets, text, IF, errors,
division by zero) is "cannot tell" (None), and the caller keeps reporting the cell. Values are Decimal, as
Excel shows them (a 0.85 in a %-formatted cell is 0.85 here; percent scaling happens in parse_number).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from ..numbers import CONTEXT, to_decimal

MAX_FORMULA = 2000  # characters
MAX_RANGE = 10_000  # cells in one range
MAX_DEPTH = 50  # nested references to other formula cells
MAX_STEPS = 1_000_000  # tokens read plus range cells visited, for all formulas of one workbook


class FormulaBudget:
    """The evaluation work left for one workbook (MAX_STEPS): once spent, every further formula is "cannot
    tell", so a file of formulas built to multiply the work (each referencing the next twice, or summing huge
    ranges many times over) costs a bounded time, whatever it holds."""

    def __init__(self, steps: int = MAX_STEPS):
        self.steps = steps

    def spend(self, n: int = 1) -> None:
        self.steps -= n
        if self.steps < 0:
            raise _CannotTell


class Formulas(dict):
    """A sheet's formula texts ((row, col) -> "=…"), carrying the workbook's evaluation budget and this sheet's
    memo of values already computed: a cell referenced by many formulas is evaluated once."""

    def __init__(self, budget: FormulaBudget | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = budget or FormulaBudget()
        self.memo: dict[tuple[int, int], Decimal | None] = {}

_TOKEN = re.compile(
    r"\s*(?:(?P<range>\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+)|(?P<ref>\$?[A-Z]{1,3}\$?\d+)(?![\w(])"
    r"|(?P<func>[A-Z]+)\s*\(|(?P<num>\d+(?:\.\d*)?(?:E[+-]?\d+)?|\.\d+(?:E[+-]?\d+)?)|(?P<op>[-+*/^%(),]))",
    re.IGNORECASE,
)


class _CannotTell(Exception):
    pass


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _cell(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref)
    return int(m.group(2)), _col_number(m.group(1))


def _tokens(formula: str) -> list[tuple[str, str]]:
    text = formula.lstrip("=").strip()
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise _CannotTell
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


class _TooDeep(_CannotTell):
    """Nesting beyond MAX_DEPTH: depends on where evaluation started, so it is not remembered as the cell's value."""


class _Evaluator:
    def __init__(self, cells: dict, formulas: dict, depth: int, seen: frozenset, budget: FormulaBudget, memo: dict):
        self.cells, self.formulas, self.depth, self.seen = cells, formulas, depth, seen
        self.budget, self.memo = budget, memo
        self.toks: list[tuple[str, str]] = []
        self.i = 0

    def run(self, formula: str) -> Decimal:
        self.toks, self.i = _tokens(formula), 0
        self.budget.spend(len(self.toks) + 1)
        value = self.expr()
        if self.i != len(self.toks):
            raise _CannotTell
        return value

    # -- grammar: expr := term (+|- term)*; term := power (*|/ power)*; power := unary (^ unary)*
    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, op: str) -> bool:
        if self.peek() == ("op", op):
            self.i += 1
            return True
        return False

    def expr(self) -> Decimal:
        value = self.term()
        while (t := self.peek()) and t[0] == "op" and t[1] in "+-":
            self.i += 1
            right = self.term()
            value = value + right if t[1] == "+" else value - right
        return value

    def term(self) -> Decimal:
        value = self.power()
        while (t := self.peek()) and t[0] == "op" and t[1] in "*/":
            self.i += 1
            right = self.power()
            if t[1] == "*":
                value = value * right
            elif right == 0:
                raise _CannotTell  # #DIV/0!
            else:
                value = value / right
        return value

    def power(self) -> Decimal:
        value = self.unary()
        while self.take("^"):
            exponent = self.unary()
            if exponent != exponent.to_integral_value() or abs(exponent) > 100:
                raise _CannotTell
            value = value ** int(exponent)
        return value

    def unary(self) -> Decimal:
        if self.take("-"):
            return -self.unary()
        if self.take("+"):
            return self.unary()
        value = self.primary()
        while self.take("%"):
            value = value / 100
        return value

    def primary(self) -> Decimal:
        t = self.peek()
        if t is None:
            raise _CannotTell
        self.i += 1
        kind, text = t
        if kind == "num":
            return Decimal(text)
        if kind == "ref":
            return self.value_at(_cell(text))
        if kind == "func":
            return self.call(text.upper())
        if t == ("op", "("):
            value = self.expr()
            if not self.take(")"):
                raise _CannotTell
            return value
        raise _CannotTell

    def call(self, name: str) -> Decimal:
        args: list[list[Decimal]] = []
        if not self.take(")"):
            while True:
                t = self.peek()
                if t and t[0] == "range":
                    self.i += 1
                    args.append(self.range_values(t[1]))
                else:
                    args.append([self.expr()])
                if self.take(")"):
                    break
                if not self.take(","):
                    raise _CannotTell
        flat = [v for a in args for v in a]
        if name == "SUM":
            return sum(flat, Decimal(0))
        if name in ("AVERAGE", "MIN", "MAX") and flat:
            return sum(flat, Decimal(0)) / len(flat) if name == "AVERAGE" else (min if name == "MIN" else max)(flat)
        if name == "ABS" and len(args) == 1 and len(flat) == 1:
            return abs(flat[0])
        if name == "ROUND" and len(args) == 2 and len(flat) == 2 and flat[1] == flat[1].to_integral_value():
            return flat[0].quantize(Decimal(1).scaleb(-int(flat[1])), rounding=ROUND_HALF_UP)
        raise _CannotTell

    def range_values(self, text: str) -> list[Decimal]:
        """Numbers in a range; blanks and text are skipped, as SUM/AVERAGE do."""
        a, b = (_cell(x) for x in text.split(":"))
        (r0, r1), (c0, c1) = sorted((a[0], b[0])), sorted((a[1], b[1]))
        if (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_RANGE:
            raise _CannotTell
        self.budget.spend((r1 - r0 + 1) * (c1 - c0 + 1))
        out = []
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) in self.formulas or isinstance(self.cells.get((r, c)), (int, float)):
                    out.append(self.value_at((r, c)))
        return out

    def value_at(self, key: tuple[int, int]) -> Decimal:
        if key in self.formulas:  # another formula: recompute it too (its cache may be a placeholder as well)
            if key in self.memo:
                if self.memo[key] is None:
                    raise _CannotTell
                return self.memo[key]
            if key in self.seen:
                raise _CannotTell  # circular reference (every cell on the cycle: remembered by the caller)
            if self.depth >= MAX_DEPTH:
                raise _TooDeep  # absurd nesting
            sub = _Evaluator(self.cells, self.formulas, self.depth + 1, self.seen | {key}, self.budget, self.memo)
            try:
                value = sub.run(self.formulas[key])
            except _TooDeep:
                raise
            except (_CannotTell, InvalidOperation, OverflowError, ZeroDivisionError, ValueError):
                if self.budget.steps >= 0:  # out of budget says nothing about the cell itself
                    self.memo[key] = None
                raise
            self.memo[key] = value
            return value
        value = self.cells.get(key)
        if value is None:
            return Decimal(0)  # an empty cell counts as 0 in arithmetic
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _CannotTell
        return to_decimal(value)


def evaluate(formula: str, cells: dict, formulas: dict, at: tuple[int, int] | None = None) -> Decimal | None:
    """The formula's value computed from the sheet's cells ((row, col) -> value), or None when we cannot tell.

    `formulas` is the sheet's Formulas (the reader's): its budget bounds the work of the whole workbook and its
    memo makes each formula cell evaluated once, so a chain where each cell references the next twice is linear.
    A plain dict gets a fresh budget and memo for this call."""
    if not formula or len(formula) > MAX_FORMULA:
        return None
    budget = getattr(formulas, "budget", None) or FormulaBudget()
    memo = getattr(formulas, "memo", None)
    memo = {} if memo is None else memo
    if at is not None and at in memo and formulas.get(at) == formula:
        return memo[at]
    try:
        with localcontext(CONTEXT):
            value = _Evaluator(cells, formulas, 0, frozenset({at} if at else ()), budget, memo).run(formula)
    except (_CannotTell, InvalidOperation, OverflowError, ZeroDivisionError, RecursionError, ValueError):
        return None
    if at is not None and formulas.get(at) == formula:
        memo[at] = value
    return value
