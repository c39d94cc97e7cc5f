"""The base of every scheme model: unknown keys are errors, and every value is bounded.

A config.toml is an untrusted file like any return: every text, number and list of it is checked against the
limits below (docs/方案编写指南.md §1「方案文件本身的限制」, docs/decisions.md) before any rule reads it. Kept apart
from scheme.py so that the scoring methods (pipeline/methods/) can build their models on it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

# Bounds every value of the scheme is checked against (docs/方案编写指南.md §1「方案文件本身的限制」,
# docs/decisions.md): a config.toml is an untrusted file like any return.
TEXT_LIMIT = 200  # characters of a name, title, alias, header word, pattern, file name…
LONG_TEXT_LIMIT = 2000  # characters of free text (`note`: 指标解释/统计口径)
LONG_TEXT_FIELDS = frozenset({"note"})
NUMBER_LIMIT = 1e15  # |x| of any number: beyond it a double no longer holds every integer (2^53 ≈ 9.0e15)
INT_LIMIT = 1_000_000  # |n| of any integer (places, days, ranks, counts…), unless INT_RANGES says otherwise
INT_RANGES = {"year": (1949, 2200), "publicity_days": (1, 365)}
LIST_LIMIT = 1000  # items of any list or table (aliases, grades, prizes, rules, item weights…), except:
LIST_LIMITS = {"units": 50_000, "indicators": 2000, "categories": 2000}  # units: a province's villages (20,000–30,000)


def _bad_char(text: str, long: bool) -> str | None:
    """The first character a text of the scheme may not hold, as U+XXXX: control characters (C0, DEL, C1) —
    tabs and line breaks only in free text — and U+FFFE/U+FFFF and the line/paragraph separators, which no
    Word or Excel output can carry."""
    for ch in text:
        o = ord(ch)
        if o < 0x20 or 0x7F <= o <= 0x9F or o in (0xFFFE, 0xFFFF, 0x2028, 0x2029):
            if long and ch in "\t\n\r":
                continue
            return f"U+{o:04X}"
    return None


def _show_int(value: int) -> str:
    """An integer as a message shows it: a 30-digit number as its length, not its digits."""
    if abs(value) < 10**18:
        return str(value)
    digits = len(str(abs(value))) if value.bit_length() < 14_000 else "上万"  # str() stops at 4300 digits
    return f"{'-' if value < 0 else ''}一个 {digits} 位的数"


def _check_value(value, field: str, where: str = "") -> None:
    """Raise ValueError (Chinese, naming the list item) for a value outside the scheme's bounds."""
    if isinstance(value, BaseModel) or value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        long = field in LONG_TEXT_FIELDS
        limit = LONG_TEXT_LIMIT if long else TEXT_LIMIT
        if len(value) > limit:
            raise ValueError(f"{where}文本过长（{len(value):,} 个字符，上限 {limit:,}）")
        bad = _bad_char(value, long)
        if bad:
            allowed = "（只有说明文字可以含换行和制表符）" if not long else ""
            raise ValueError(f"{where}含控制字符 {bad}，请删除{allowed}")
    elif isinstance(value, int):
        low, high = INT_RANGES.get(field, (-INT_LIMIT, INT_LIMIT))
        shown = _show_int(value)
        if field in INT_RANGES and not low <= value <= high:
            raise ValueError(f"{where}取值 {shown} 超出允许范围 {low}–{high}")
        if value > high:
            raise ValueError(f"{where}取值 {shown} 过大（上限 {high:,}）")
        if value < low:
            raise ValueError(f"{where}取值 {shown} 过小（下限 {low:,}）")
    elif isinstance(value, float):
        if value != value or abs(value) == float("inf"):
            raise ValueError(f"{where}应为有限数值（不能是 nan 或 inf）")
        if abs(value) > NUMBER_LIMIT:
            raise ValueError(f"{where}数值 {value:g} 过大（绝对值不能超过 1e15）")
    elif isinstance(value, (list, tuple, dict)) and len(value) > LIST_LIMITS.get(field, LIST_LIMIT):
        raise ValueError(f"{where}项数过多（{len(value):,} 项，上限 {LIST_LIMITS.get(field, LIST_LIMIT):,}）")
    elif isinstance(value, (list, tuple)):
        for k, item in enumerate(value):
            _check_value(item, field, f"{where}第 {k + 1} 项")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(key, field, f"{where}键“{str(key)[:20]}”")
            _check_value(item, field, f"{where}“{str(key)[:20]}”的值")


class _Model(BaseModel):
    # allow_inf_nan=False: nan/inf in any float field is a type error (`finite_number`); _bounded checks the rest
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _bounded(cls, value, info: ValidationInfo):
        _check_value(value, info.field_name)
        return value


def _check_range(value: tuple[float, float] | None) -> None:
    """`range = [low, high]`: the values a return may hold for the indicator (plausibility, docs/decisions.md)."""
    if value is not None:
        low, high = value
        if not (abs(low) < float("inf") and abs(high) < float("inf")):
            raise ValueError(f"range = [{low:g}, {high:g}] 的上下限须为有限数值")
        if low > high:
            raise ValueError(f"range = [{low:g}, {high:g}] 的下限大于上限，应写作 [{high:g}, {low:g}]")
