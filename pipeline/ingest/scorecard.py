"""Per-unit score sheets (考核评分表): one unit per sheet, rows = items (and sub-items), a 得分 column.

Assessment groups fill one such sheet per village or department: the unit is named above the table
("被考核单位：一村"), or by the sheet name, or in the title. Each row's item (merged over its sub-item rows)
and sub-item are matched to the scheme's indicators: category[-1] = item and name = sub-item, or name = item.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..numbers import normalize_text
from ..scheme import Scheme
from .layout import HEADER_SCAN_ROWS, SKIP_NOTE, clean_header
from .reader import Sheet

ITEM_HEADERS = ("考核项目", "项目", "评分项目", "考核指标", "一级指标", "考核内容及分值")
SUB_HEADERS = ("考核内容", "子项目", "评分内容", "具体指标", "二级指标", "考核细则", "评分标准", "内容")
SCORE_HEADERS = ("得分", "实得分", "考核得分", "评定得分", "评分")
UNIT_LINE = re.compile(r"(被考核单位|考核单位|被考核村|单位名称|单位|村名|村别)\s*[:：]\s*([^\s:：]+)")


@dataclass
class ScoreCard:
    unit_text: str
    unit_cell: tuple[int, int]
    scores: list[tuple[str, tuple[int, int]]] = field(default_factory=list)  # (indicator id, score cell)
    unknown: list[tuple[str, tuple[int, int]]] = field(default_factory=list)  # (item text, its cell)


def _find(sheet: Sheet) -> tuple[int, int, int | None, int] | None:
    """(header row, item col, sub-item col or None, score col)."""
    for r in range(1, min(sheet.max_row, HEADER_SCAN_ROWS) + 1):
        texts = {c: clean_header(sheet.value(r, c)) for c in range(1, sheet.max_col + 1) if sheet.value(r, c)}
        item = next((c for c, t in texts.items() if t in ITEM_HEADERS), None)
        score = next((c for c, t in texts.items() if t in SCORE_HEADERS), None)
        if item and score:
            sub = next((c for c, t in texts.items() if t in SUB_HEADERS and c != item), None)
            return r, item, sub, score
    return None


def _unit(sheet: Sheet, header_row: int, scheme: Scheme) -> tuple[str, tuple[int, int]]:
    """The unit as the sheet names it: a "被考核单位：…" line, else a known unit name in the sheet name or title."""
    for r in range(1, header_row):
        for c in range(1, sheet.max_col + 1):
            v = sheet.value(r, c)
            if isinstance(v, str) and (m := UNIT_LINE.search(unicodedata.normalize("NFKC", v))):
                return m.group(2), (r, c)
    names = sorted(((normalize_text(n), u.name) for u in scheme.units for n in (u.name, *u.aliases)),
                   key=lambda x: -len(x[0]))
    places = [(sheet.name, (1, 1))] + [(str(sheet.value(r, c)), (r, c)) for r in range(1, header_row)
                                        for c in range(1, sheet.max_col + 1) if sheet.value(r, c)]
    for text, cell in places:
        hit = next((name for n, name in names if n in normalize_text(text)), None)
        if hit:
            return hit, cell
    return sheet.name, (1, 1)


NUMBERING = re.compile(r"^([(（]?[0-9一二三四五六七八九十]+[)）]|[0-9一二三四五六七八九十]+[.、．])")


def _name(value) -> str:
    """An item or sub-item as written, without numbering ("1.", "（二）") or bracketed notes ("（100分）")."""
    return NUMBERING.sub("", clean_header(value)) if value else ""


def locate_scorecard(sheet: Sheet, scheme: Scheme) -> ScoreCard | None:
    found = _find(sheet)
    if found is None:
        return None
    header, item_col, sub_col, score_col = found
    text, cell = _unit(sheet, header, scheme)
    card = ScoreCard(text, cell)
    by_pair = {(normalize_text(i.category[-1]), normalize_text(i.name)): i.id for i in scheme.indicators}
    by_name = {normalize_text(n): i.id for i in scheme.indicators for n in (i.name, *i.aliases)}
    filled = sheet.filled()
    for r in range(header + 1, sheet.max_row + 1):
        item = _name(filled.value(r, item_col))
        sub = _name(filled.value(r, sub_col)) if sub_col else ""
        if not item and not sub:
            continue
        raw_item = normalize_text(filled.value(r, item_col) or "")
        if SKIP_NOTE.match(raw_item) or SKIP_NOTE.match(sub) or item in ("总分", "总计"):
            continue
        ind_id = by_pair.get((item, sub)) or by_name.get(sub) or (by_name.get(item) if not sub else None)
        if ind_id is None:
            card.unknown.append(("/".join(x for x in (item, sub) if x), (r, sub_col if sub else item_col)))
        else:
            card.scores.append((ind_id, (r, score_col)))
    return card
