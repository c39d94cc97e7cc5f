"""Numbers as offices type them, and official rounding.

Cells arrive as floats, ints, or text such as "１２．５", "85%", "1,234.5", "12.5万元", "—". `parse_number`
turns them into `Decimal` (exactly the digits the user sees) or says why it cannot. All scoring arithmetic is
done in `Decimal`; `publish` rounds half-up (四舍五入) at the published precision — never Python's built-in rounding.
"""

from __future__ import annotations

import datetime as dt
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


# Invisible characters that ride along from web pages, other systems and hostile files: C0/C1 controls,
# zero-width spaces and joiners, bidi marks, BOM. They are never part of a name or a number.
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

# Excel's day 0 (serials count from 1899-12-30, which absorbs the 1900 leap-year bug for dates after March 1900).
EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^((?:19|20)\d\d)(?:年|[-/.])(\d{1,2})(?:月|[-/.])(\d{1,2})日?$")


class NotANumber(ValueError):
    """Raised by `parse_number` with the offending text."""


class NotADate(ValueError):
    """Raised by `parse_date` with the offending text."""


def normalize_text(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII), and drop all white space and invisible characters."""
    text = unicodedata.normalize("NFKC", str(text))
    return CONTROL_CHARS.sub("", re.sub(r"\s+", "", text))


def control_chars(value) -> list[str]:
    """The invisible characters in a text ("U+0007"…), ordinary line breaks and tabs aside."""
    if not isinstance(value, str):
        return []
    return sorted({f"U+{ord(ch):04X}" for ch in CONTROL_CHARS.findall(value) if ch not in "\t\n\r"})


def is_date(value) -> bool:
    """A cell the reader returned as a date (a date-formatted cell in Excel, a date cell in .xls/.ods)."""
    return isinstance(value, (dt.date, dt.datetime))


def parse_date(value) -> dt.date | None:
    """A date as offices write it: a date cell, an Excel serial (45717), "2025年3月1日", "2025-03-01", "2025/3/1".

    Returns None for a missing value; raises NotADate for anything else.
    """
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) or isinstance(value, str) and re.fullmatch(
            r"\d{5}(\.0+)?", normalize_text(value)):
        serial = float(value)
        if serial == int(serial) and 1 <= serial <= 2958465:  # Excel's last day: 9999-12-31
            return EXCEL_EPOCH + dt.timedelta(days=int(serial))
        raise NotADate(str(value))
    match = _DATE_TEXT.match(normalize_text(value))
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise NotADate(str(value))


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
    if not _spaces_group_thousands(value):
        raise NotANumber(str(value))
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


_SPACED_THOUSANDS = re.compile(r"[+-]?\d{1,3}( \d{3})+(\.\d*)?")


def _spaces_group_thousands(value: str) -> bool:
    """White space between digits must group thousands ("1 234.5", "1\u00a0234"): "12 34" or "1 2" is two
    numbers or a typo, and stripping the space would read a number nobody wrote."""
    text = re.sub(r"\s+", " ", CONTROL_CHARS.sub("", unicodedata.normalize("NFKC", value))).strip()
    if not re.search(r"\d \d", text):
        return True
    core = re.sub(r" ?(%|" + _UNIT_SUFFIX.pattern.removesuffix("$") + ")$", "", text)
    return _SPACED_THOUSANDS.fullmatch(core) is not None


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


def show(x) -> str:
    """A number in a sentence (计算过程, findings): as written when short, else to 4 decimals (half up), no trailing
    zeros; −0 shown as 0 ((8.4 − 8.4) ÷ (3.9 − 8.4) is −0 in Decimal)."""
    d = to_decimal(x)
    q = d.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if d.as_tuple().exponent < -4 else d
    if q.is_zero():
        q = abs(q)
    text = f"{q:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(rate: Decimal, places: int = 2) -> str:
    """A rate as a sentence writes it: 0.5233 -> "52.33%", 0.6 -> "60%" (half up at `places`, no trailing zeros)."""
    return show(round_half_up(to_decimal(rate) * 100, places)) + "%"


def fmt(value: Decimal | float | None, precision: int) -> str:
    """Published figure as text with exactly `precision` decimals ("90.00")."""
    if value is None:
        return ""
    return str(round_half_up(to_decimal(value), precision))
