"""What a sheet is, from everywhere a person looks: the sheet name, the title rows, the file name and its folders.

A clerk knows a sheet named 专项督查加分 in 考核办登记表.xlsx is the bonus register, that a survey sheet named 代表委员
under 中期评议/ holds that category's mid-year round, and that a sheet named 2024年 holds last year's figures. So
does this module: each place is asked in turn, most specific first (sheet name, title, file name, folders), and the
first place that names exactly one thing decides; places that name two things at once decide nothing.
The office can also say it outright (`[ingest]` rules in the scheme, `teaching()`), which always wins.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..numbers import normalize_text
from ..scheme import FileRule, Scheme

PLACES = ("工作表名", "标题", "文件名", "文件夹")

# Words that mark a register kind in a name or title. Generic 加分/扣分 are left out on purpose: indicator returns
# say 扣分 too (安全生产事故扣分情况); the scheme's own adjustment names are added per scheme.
KIND_WORDS = {
    "falsified": ("弄虚作假",),
    "veto": ("否决",),
    "adjustments": ("加减分",),
}
LAST_YEAR_WORDS = ("上年", "去年", "上年度", "上一年")
_FULL_DATE = re.compile(r"(19|20)\d\d年\d{1,2}月(\d{1,2}[日号])?")
_FILED = re.compile(r"(日期|时间|截至|截止)[:：]?(19|20)\d\d[年./-]\d{1,2}([月./-]\d{1,2}[日号]?)?")


@dataclass
class Places:
    """The texts a sheet is known by, most specific first."""

    sheet: str
    title: str
    file: str  # file name without its extension
    folders: str  # the folders under input/, joined

    def ordered(self) -> list[tuple[str, str]]:
        return list(zip(PLACES, (self.sheet, self.title, self.file, self.folders)))


def places(rel: str, sheet_name: str, title: str) -> Places:
    path = PurePosixPath(rel.replace("\\", "/"))
    return Places(normalize_text(sheet_name), normalize_text(title), normalize_text(path.stem),
                  normalize_text("/".join(path.parts[:-1])))


def first_named(where: Places, choices: list[str]) -> tuple[str, str] | None:
    """(choice, place) for the most specific place naming exactly one of `choices` (longest names win overlaps)."""
    norm = sorted(((normalize_text(c), c) for c in choices if c), key=lambda x: -len(x[0]))
    for place, text in where.ordered():
        hits, rest = set(), text
        for n, c in norm:
            if n and n in rest:
                hits.add(c)
                rest = rest.replace(n, "\0")
        if len(hits) == 1:
            return hits.pop(), place
        if len(hits) > 1:
            return None  # this place names two: it decides nothing, and a less specific place must not either
    return None


def kind_by_name(where: Places, scheme: Scheme) -> tuple[str, str] | None:
    """(register kind, place) named by the sheet name, title, file name or folders; None when none (or two) is."""
    words = {k: list(v) for k, v in KIND_WORDS.items()}
    words["adjustments"] += [a.name for a in scheme.adjustments]
    for kind, extra in scheme.ingest.kinds.items():
        words.setdefault(kind, []).extend(extra)
    for place, text in where.ordered():
        named = {k for k, ws in words.items() if any(normalize_text(w) in text for w in ws if w)}
        if len(named) == 1:
            return named.pop(), place
        if len(named) > 1:
            # 弄虚作假 and 否决 registers are often titled together with 加减分 (…加减分及一票否决登记表): the columns decide
            return None
    return None


def _years(text: str, bare: bool) -> set[int]:
    text = _FILED.sub("", _FULL_DATE.sub("", text))
    pattern = r"(?<!\d)((?:19|20)\d\d)(?!\d)" if bare else r"(?<!\d)((?:19|20)\d\d)\s*年"
    return {int(y) for y in re.findall(pattern, text)}


def sheet_year(where: Places, year: int) -> tuple[int, str] | None:
    """(the year a sheet's figures are for, the place that says so); None when nothing names exactly one year.

    A sheet named 2024年 or 上年, a title 2024年度…, a file 2024年…: last year's figures. Filing dates (填报日期：
    2026年1月10日) and other full dates name no year.
    """
    for place, text in where.ordered():
        if place == "工作表名" and any(w in text for w in LAST_YEAR_WORDS):
            return year - 1, place
        found = _years(text, bare=place == "工作表名")
        if len(found) == 1:
            return found.pop(), place
    return None


_QUARTER = re.compile(r"第?([一二三四1-4])季度?")
_QUARTER_NAMES = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def period_spellings(name: str) -> list[str]:
    """The ways a clerk writes a period: 第一季度 is also 一季度, 第1季度, 1季度, 一季, 第一季; other names as declared."""
    m = _QUARTER.fullmatch(normalize_text(name))
    if not m:
        return [name]
    q = _QUARTER_NAMES[m[1]]
    cn = "一二三四"[q - 1]
    return list(dict.fromkeys([name, f"第{cn}季度", f"{cn}季度", f"第{q}季度", f"{q}季度", f"第{cn}季", f"{cn}季"]))


def sheet_period(where: Places, periods: list[str]) -> tuple[str, str] | list[str] | None:
    """(the periodic check a sheet holds, the place that says so); None when no place names one; the periods named
    when the most specific place naming any names several (the sheet cannot be placed: never guessed)."""
    spelled = sorted(((normalize_text(w), p) for p in periods for w in period_spellings(p)), key=lambda x: -len(x[0]))
    for place, text in where.ordered():
        hits, rest = [], text
        for word, period in spelled:  # longest first: 第一季度 before its part 一季度
            if word and word in rest:
                hits.append(period)
                rest = rest.replace(word, "\0")
        hits = list(dict.fromkeys(hits))
        if len(hits) == 1:
            return hits[0], place
        if hits:
            return hits
    return None


def results_year(where: Places, year: int) -> tuple[int, str] | None:
    """The year a 上年考核结果 sheet's results are for, as `sheet_year`, except that a sheet named 上年… whose own
    title names another year is that year: the title's 2023年度 outweighs the relative word (a file or folder name
    describes the workbook, e.g. 2025年度考核办登记表, and does not)."""
    if any(w in where.sheet for w in LAST_YEAR_WORDS) and not _years(where.sheet, bare=True):
        titled = _years(where.title, bare=False)
        if len(titled) == 1 and (found := titled.pop()) != year - 1:
            return found, "标题"
        return year - 1, "工作表名"
    return sheet_year(where, year)


@dataclass
class Teaching:
    """What the scheme's `[ingest]` rules say about one sheet."""

    kind: str | None = None
    headers: dict[str, list[str]] = field(default_factory=dict)
    context: dict[str, str] = field(default_factory=dict)  # round / category / adjustment
    year: int | None = None
    period: str | None = None
    rules: list[int] = field(default_factory=list)  # which [[ingest.files]] matched (1-based), for the map


def _matches(rule: FileRule, rel: str, sheet: str) -> bool:
    return fnmatch.fnmatchcase(rel, rule.file) and fnmatch.fnmatchcase(sheet, rule.sheet)


def teaching(scheme: Scheme, rel: str, sheet_name: str) -> Teaching:
    """The scheme's global header words plus every matching `[[ingest.files]]` rule (the first to set a thing wins)."""
    rel = rel.replace("\\", "/")
    out = Teaching(headers={k: list(v) for k, v in scheme.ingest.headers.items()})
    for k, rule in enumerate(scheme.ingest.files, 1):
        if not _matches(rule, rel, sheet_name):
            continue
        out.rules.append(k)
        out.kind = out.kind or rule.kind
        out.year = out.year or rule.year
        out.period = out.period or rule.period
        for role, words in rule.headers.items():
            out.headers.setdefault(role, []).extend(words)
        for key in ("round", "category", "adjustment"):
            if getattr(rule, key) and key not in out.context:
                out.context[key] = getattr(rule, key)
    return out
