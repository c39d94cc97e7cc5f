"""Numbers as offices type them, and official rounding.

Cells arrive as floats, ints, or text such as "１２．５", "85%", "1,234.5", "12.5万元", "—". `parse_number`
turns them into `Decimal` (exactly the digits the user sees) or says why it cannot. All scoring arithmetic is
done in `Decimal`; `publish` rounds half-up (四舍五入) at the published precision — never Python's built-in rounding.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext

# Enough digits that intermediate results keep "full precision" for any published precision.
CONTEXT = Context(prec=34)

MISSING_TOKENS = {"", "-", "—", "——", "--", "/", "／", "无", "空", "暂无", "n/a", "na", "#n/a", "null", "none", "缺"}

# Unit words that may trail a number in a cell ("12.5万元", "3 起", "88 分"); stripped, never scaled.
_UNIT_SUFFIX = re.compile(
    r"(万元|亿元|元|万亩|亩|万人|人次|人|户|个|项|次|起|批次|批|件|分|公里|千米|km|吨|万吨|家|所|‰|天|日|月|年|小时)$"
)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class NotANumber(ValueError):
    """Raised by `parse_number` with the offending text."""


def normalize_text(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII), and drop all white space."""
    text = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"\s+", "", text)


def is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return normalize_text(value).lower() in MISSING_TOKENS
    return False


def to_decimal(value) -> Decimal:
    """A float/int cell value as the decimal a person sees (shortest repr), not its binary expansion."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NotANumber(str(value))
        return Decimal(repr(value))
    raise NotANumber(str(value))


def parse_number(value, percent_format: bool = False) -> Decimal | None:
    """Parse one cell. Returns None for a missing value; raises NotANumber for anything else unreadable.

    Percentages are read in percentage points: "85%" -> 85, and a numeric 0.85 in a cell formatted as a
    percentage (what the person sees as 85%) -> 85.
    """
    if is_missing(value):
        return None
    if not isinstance(value, str):
        number = to_decimal(value)
        return number * 100 if percent_format else number
    text = normalize_text(value)
    if text.endswith("%"):  # "85%" is 85 percentage points (docs/decisions.md 1)
        text = text[:-1]
    else:
        text = _UNIT_SUFFIX.sub("", text)
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise NotANumber(str(value))
    try:
        number = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid literals
        raise NotANumber(str(value)) from exc
    return number


def quantum(precision: int) -> Decimal:
    return Decimal(1).scaleb(-precision)


def round_half_up(value: Decimal, precision: int) -> Decimal:
    """四舍五入 at `precision` decimals: 91.25 -> 91.3 at one decimal; 89.995 -> 90.00 at two."""
    with localcontext(CONTEXT):
        return to_decimal(value).quantize(quantum(precision), rounding=ROUND_HALF_UP)


def publish(value: Decimal | None, precision: int) -> float | None:
    """The published figure as a JSON-friendly float (exactly the rounded decimal's digits)."""
    if value is None:
        return None
    return float(round_half_up(value, precision))


def fmt(value: Decimal | float | None, precision: int) -> str:
    """Published figure as text with exactly `precision` decimals ("90.00")."""
    if value is None:
        return ""
    return str(round_half_up(to_decimal(value), precision))
