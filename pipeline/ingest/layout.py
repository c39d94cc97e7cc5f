"""Find the table inside a returned sheet and say what kind of return it is.

Real returns carry title rows, 填报单位/日期 lines, merged multi-row headers, notes and signature rows. We find
the header row by its unit column (乡镇名称, 单位, …), take the header block down to the end of that cell's
merged range, join each column's header texts ("地区生产总值增长率（%）/完成值"), and classify the sheet by
what its columns say. Data rows are the rows below whose unit cell holds text that is not a total or a note.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ..numbers import normalize_text
from ..scheme import Scheme
from ..units import UnitResolver
from .axis import SECTION, Axis, find_axis, header_block
from .evidence import first_named, kind_by_name, places, results_year, sheet_period, sheet_year, teaching
from .reader import Sheet, cell_name

UNIT_HEADER = re.compile(r"^(被考核|参评|考核)?(乡镇|乡镇街道|乡镇\(街道\)|单位|村|村居|村\(社区\)|部门|街道|乡镇名称|单位名称|村名)(名称)?$")
HEADER_SCAN_ROWS = 20
SKIP_WORDS = (r"合计|小计|总计|平均|全县|全区|全市|全镇|全乡|全街道|备注|注[:：]|说明|填表|审核|制表|联系|负责人|单位负责人|考核组|签字|签名"
              r"|考核人员|登记人|数据来源|资料来源|其中[:：]")
SKIP_NOTE = re.compile(rf"^({SKIP_WORDS})")  # totals, notes and signature lines: never a unit or an item
SKIP_ROW = re.compile(  # in a unit column, section headings (一、经济发展类 / （二）…) are not units either
    rf"^({SKIP_WORDS}|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）])|.*(小计|合计|总计)$"  # 平原乡镇小计
)
BRACKETS = re.compile(r"[（(][^（）()]*[)）]")
GRAND_TOTAL = re.compile(r"^(合计|总计|全(县|区|市|镇|乡|街道)(合计|总计)?)$")
SUBTOTAL = re.compile(r".+(小计|合计|总计)$|^小计$")

# Column roles for the non-indicator returns: role -> accepted header texts (normalised, brackets removed).
ROLE_HEADERS = {
    "round": ("评议轮次", "轮次", "评议阶段", "阶段"),
    "category": ("评议群体", "群体", "评议对象类别", "参评群体", "评议类别"),
    "question": ("评议题目", "题目", "评议内容", "评议项目", "问题"),
    "kind": ("加减分类别", "加减分项目", "类别", "项目", "加减分类型"),
    "value": ("分值", "加减分值", "分数", "加减分"),
    "reason": ("事由", "加减分事由", "否决原因", "原因", "情况说明"),
    "department": ("认定部门", "部门", "认定单位", "责任部门"),
    "item": ("否决事项", "事项", "否决项目", "弄虚作假事项"),
    "rank": ("名次", "排名", "总名次", "综合排名"),
    "indicator": ("指标", "涉及指标", "指标名称", "指标编号", "考核指标"),
    "member": ("评分人", "打分人", "班子成员", "评分领导", "考核人", "评分人员", "季度", "考核季度", "考核期", "期次",
               "月份", "考核月份", "评分单位", "打分单位", "评价单位", "测评单位"),
    "total": ("总分", "得分", "综合得分"),
    "grade": ("等次", "等级"),
    "sum": ("合计", "小计", "总计", "合计人数", "人数合计", "总人数", "参评人数", "有效票数"),  # checked, never scored
    "date": ("日期", "认定日期", "发生日期", "登记日期", "否决日期", "加减分日期", "认定时间", "发生时间", "时间",
             "审批日期", "更正日期"),
    # 更正/申诉登记表: the value a return gave, the approved value, who approved it
    "original": ("原数值", "原值", "更正前数值", "原报数值", "更正前", "原填报数值"),
    "corrected": ("更正后数值", "更正值", "更正后", "核定值", "更正后的值", "更正数值"),
    "approver": ("审批人", "批准人", "审批", "批准", "审核批准人"),
}
TARGET_LABELS = {"目标值", "目标", "计划值", "计划", "任务数", "目标任务", "年度目标", "目标数", "计划数", "本年目标",
                 "本年计划", "年度计划", "目标任务数"}
LAST_YEAR_LABELS = {"上年值", "上年", "上年数", "去年", "去年值", "上年同期", "上年完成值", "基期值"}
VALUE_LABELS = {"完成值", "实际值", "本年值", "本年", "当年值", "完成数", "实际完成", "本年完成值"}
SUB_LABELS = VALUE_LABELS | TARGET_LABELS | LAST_YEAR_LABELS
IGNORED_HEADERS = ("序号", "备注", "说明", "编号", "分组", "组别", "类别", "单位类别", "单位类型", "填报日期", "日期",
                   "填报时间")


CONFIDENCE_EXACT = "表头与指标名称一致"
CONFIDENCE_CONTAINS = "表头包含指标名称"
CONFIDENCE_TAUGHT = "方案 [ingest] 指定的表头"
CONFIDENCE_CONTENT = "按单元格内容识别"
CONFIDENCE_HEADER = "按表头识别"
TEXT_ROLES = ("round", "category", "question", "kind", "reason", "department", "item", "indicator", "member", "grade",
              "approver")


@dataclass
class Table:
    """A located table: where its header is and what each column holds.

    Positions are in the sheet's own orientation, or — when `transposed` (units across the top) — in the transposed
    view, where the units run down `unit_col`; ingest maps every cell back to its real position.
    """

    kind: str  # indicators | survey | adjustments | veto | falsified | ratings | history
    header_rows: tuple[int, int]
    unit_col: int
    columns: dict[int, str] = field(default_factory=dict)  # col -> role ("A1", "A1:target", "round", "满意", ...)
    unknown_columns: dict[int, str] = field(default_factory=dict)  # col -> header text we could not map
    duplicate_columns: dict[int, int] = field(default_factory=dict)  # col -> earlier col with the same role
    title: str = ""
    component: str = ""  # ratings: which ratings component the sheet belongs to
    last_row: int | None = None  # a generated template says exactly where its data rows end
    transposed: bool = False
    context: dict[str, str] = field(default_factory=dict)  # role -> value for every row (kind from the sheet name…)
    headers: dict[int, str] = field(default_factory=dict)  # col -> header text as written
    confidence: dict[int, str] = field(default_factory=dict)  # col -> how its role was decided (reading map)
    ambiguous: dict[int, list[str]] = field(default_factory=dict)  # col -> the indicators its header could be
    evidence: str = ""  # how the kind was decided, for the reading map
    axis: str = ""  # where the units are, for the reading map ("列 B", "第 3 行（单位横排）")
    units_found: int = 0


def clean_header(text) -> str:
    return BRACKETS.sub("", normalize_text(text)) if text is not None else ""


def column_labels(sheet: Sheet, first: int, last: int) -> dict[int, list[str]]:
    """Distinct header texts per column over the header block (merged cells already filled)."""
    labels: dict[int, list[str]] = {}
    for (r, c), v in sorted(sheet.cells.items()):
        if first <= r <= last and v is not None and str(v).strip():
            parts = labels.setdefault(c, [])
            t = normalize_text(v)
            if t not in parts:
                parts.append(t)
    return labels


def inherit_group_labels(labels: dict[int, list[str]]) -> dict[int, list[str]]:
    """A column headed only by a sub-label (目标值, 上年值…) belongs to the group header on its left.

    Merged group headers ("固定资产投资完成额" over 完成值 | 目标值) lose their merge in some formats and
    writers (.ods through calamine, hand-made tables that only centre across): the group label then sits in the
    first column alone.
    """
    out = dict(labels)
    previous: list[str] | None = None
    for col in sorted(labels):
        parts = labels[col]
        if len(parts) == 1 and clean_header(parts[0]) in SUB_LABELS and previous and len(previous) > 1:
            out[col] = [previous[0], parts[0]]
        previous = out[col]
    return out


def find_header(sheet: Sheet, unit_words: list[str] = ()) -> tuple[int, int, int] | None:
    """(first header row, last header row, unit column) found by the unit column's header word, or None.

    The fallback when no column names two known units: an empty register, or one with a single entry.
    """
    merged_height = {(r0, c0): r1 for r0, c0, r1, _ in sheet.merged}
    extra = {clean_header(w) for w in unit_words}
    max_col = sheet.max_col
    for r in range(1, min(sheet.max_row, HEADER_SCAN_ROWS) + 1):
        for c in range(1, max_col + 1):
            v = sheet.value(r, c)
            if isinstance(v, str) and (UNIT_HEADER.match(clean_header(v)) or clean_header(v) in extra):
                last = merged_height.get((r, c), r)
                # An unmerged unit header may still sit over a two-row header (sub-labels in the next row).
                if last == r and sheet.value(r + 1, c) in (None, "") and any(
                    isinstance(sheet.value(r + 1, cc), str) and clean_header(sheet.value(r + 1, cc)) in SUB_LABELS
                    for cc in range(1, max_col + 1)
                ):
                    last = r + 1
                return r, last, c
    return None


def _text_above(sheet: Sheet, first_row: int) -> str:
    cells = sorted((rc, v) for rc, v in sheet.cells.items() if rc[0] < first_row and v is not None and str(v).strip())
    return " ".join(str(v) for _, v in cells)


def _match_role(parts: list[str], extra: dict[str, list[str]]) -> tuple[str, str] | None:
    """(role, confidence) from a column's header texts: the built-in words, or the scheme's own for the role."""
    cleaned = [clean_header(p) for p in parts]
    for role, names in ROLE_HEADERS.items():
        if any(p in names for p in cleaned):
            return role, CONFIDENCE_HEADER
    for role, words in extra.items():
        if role in ROLE_HEADERS and any(p in {clean_header(w) for w in words} for p in cleaned):
            return role, CONFIDENCE_TAUGHT
    return None


def _indicator_names(scheme: Scheme, extra: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(normalised name, indicator id), longest first so the most specific name wins."""
    names = []
    for ind in scheme.measures:
        for n in (ind.name, f"{ind.id}{ind.name}", ind.id, *ind.aliases, *extra.get(ind.id, [])):
            names.append((normalize_text(n), ind.id))
    return sorted(names, key=lambda x: -len(x[0]))


def match_indicator(parts: list[str], names: list[tuple[str, str]],
                    taught: frozenset[str] = frozenset()) -> tuple[str | None, str, list[str]]:
    """(indicator id or None, confidence, every id the header could be when it is ambiguous).

    Exact names first; then a name contained in a header ("1.地区生产总值增长率（%）"). A contained name that is
    itself part of a longer contained name of another indicator (地区生产总值 in 地区生产总值增长率) does not count;
    two names that remain, of different indicators, make the header ambiguous: never guessed.
    """
    cleaned = [clean_header(p) for p in parts]
    for name, ind_id in names:  # exact first
        if name in cleaned:
            return ind_id, CONFIDENCE_TAUGHT if name in taught else CONFIDENCE_EXACT, []
    hits = [(name, ind_id) for name, ind_id in names if len(name) >= 4 and any(name in p for p in cleaned)]
    hits = [(n, i) for n, i in hits if not any(n != m and n in m and i != j for m, j in hits)]
    ids = list(dict.fromkeys(i for _, i in hits))
    if len(ids) > 1:
        return None, "", ids
    return (ids[0], CONFIDENCE_CONTAINS, []) if ids else (None, "", [])


def suggest(text: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(text, candidates, n=1, cutoff=0.5)
    return f"，是否为“{close[0]}”？" if close else ""


class OtherYearResults(str):
    """Why a 上年考核结果 sheet was not taken: its results are for `year`, not last year's (the text is the reason)."""

    year: int

    def __new__(cls, reason: str, year: int):
        made = super().__new__(cls, reason)
        made.year = year
        return made


@dataclass
class Located:
    """What locating a table in one sheet found: the table, or why there is none (for the reading map)."""

    table: Table | None
    reason: str = ""  # why the sheet was not taken
    units: int = 0  # distinct known units the sheet names (a sheet naming units is never dropped quietly)
    other_year: int | None = None  # the sheet holds a year the scheme does not use (skipped on purpose)
    ignored: bool = False  # the scheme's [ingest] rules say to skip it
    results_year: int | None = None  # a 上年考核结果 sheet of another year (not taken; an error if no other is)


def locate_table(sheet: Sheet, scheme: Scheme, rel: str = "", units: UnitResolver | None = None) -> Located:
    """Find the sheet's table by its content and say what kind of return it is, or why it is none."""
    units = units or UnitResolver(scheme)
    teach = teaching(scheme, rel, sheet.name)
    axis = find_axis(sheet, units)
    named = axis.units if axis else 0
    if teach.kind == "ignore":
        return Located(None, "方案 [ingest] 规则指定忽略该工作表", named, ignored=True)
    if teach.kind == "scorecard":
        return Located(None, "方案 [ingest] 规则指定按单位评分表读取", named)
    view, header, unit_col = sheet, None, 0
    if axis is not None and axis.units >= 2:
        view = sheet.transposed() if axis.transposed else sheet
        header = header_block(view, axis.first, axis.index)
        unit_col = axis.index
    elif axis is not None and not axis.transposed:
        # one unit: a register with a single entry (a score sheet names its one unit too, so the header must show
        # register columns — 否决事项, 认定部门, 分值 — or the sheet's names must say it is a register)
        header = header_block(sheet, axis.first, axis.index)
        if header is not None and not _register_like(sheet, header, axis.index, rel, scheme):
            header = None
        unit_col = axis.index
    if header is None:
        found = find_header(sheet, teach.headers.get("unit", []))
        if found is not None:
            view, header, unit_col = sheet, found[:2], found[2]
            axis = Axis(False, unit_col, named, found[1] + 1)
    if header is None:
        if axis is None:
            return Located(None, "表中没有方案中的单位名称，也没有“乡镇名称”“单位”之类的单位列表头", 0)
        where = axis.label(cell_name)
        return Located(None, f"在{where}找到 {axis.units} 个单位名称，但其上方没有可识别的表头行"
                             "（表头应紧接在第一个单位之上，可为一至五行）", named)
    first, last = header
    top = min(first, axis.first) if axis.transposed else first
    title = _text_above(sheet, axis.index if axis.transposed else top)
    table = _classify(view, sheet.name, rel, scheme, teach, (first, last), unit_col, title, axis.transposed)
    if isinstance(table, int):
        return Located(None, f"工作表为 {table} 年的数据，本方案只使用 {scheme.assessment.year} 年和上年的数据", named, table)
    if isinstance(table, OtherYearResults):
        return Located(None, str(table), named, results_year=table.year)
    if isinstance(table, str):
        return Located(None, table, named)
    table.transposed = axis.transposed
    table.axis = axis.label(cell_name)
    table.units_found = axis.units
    return Located(table, "", named)


REGISTER_ROLES = ("kind", "value", "reason", "department", "item", "date", "indicator")


def _register_like(sheet: Sheet, header: tuple[int, int], unit_col: int, rel: str, scheme: Scheme) -> bool:
    """A one-unit table that is a register: two register columns (否决事项, 认定部门…) or a name that says so."""
    labels = column_labels(sheet.filled(), *header)
    roles = {role for c, parts in labels.items() if c != unit_col and (role := _match_role(parts, {}))
             and role[0] in REGISTER_ROLES}
    title = _text_above(sheet, header[0])
    return len(roles) >= 2 or kind_by_name(places(rel, sheet.name, title), scheme) is not None


def _data_values(view: Sheet, header_last: int, unit_col: int, col: int) -> list:
    return [view.value(r, col) for r, _ in data_rows(view, Table("", (header_last, header_last), unit_col))
            if view.value(r, col) is not None and str(view.value(r, col)).strip()]


def _mostly_in(values: list, allowed: set[str]) -> bool:
    """Most (≥ 60%, at least one) of a column's data cells name one of `allowed`."""
    text = [normalize_text(v) for v in values if isinstance(v, str)]
    hits = sum(1 for t in text if t in allowed)
    return hits >= 1 and hits >= 0.6 * len(values)


def _content_roles(kind: str, view: Sheet, last: int, unit_col: int, labels: dict, columns: dict, unknown: dict,
                   confidence: dict, scheme: Scheme) -> None:
    """Roles a register's or survey's columns show by their cells, whatever their headers say."""
    taken = set(columns.values())
    vocab: dict[str, set[str]] = {}
    if kind == "survey" and scheme.survey:
        vocab = {"category": {normalize_text(c) for c in scheme.survey.categories},
                 "round": {normalize_text(r) for r in scheme.survey.rounds}}
    elif kind == "adjustments":
        vocab = {"kind": {normalize_text(a.name) for a in scheme.adjustments}}
    elif kind == "veto" and scheme.veto.items:
        vocab = {"item": {normalize_text(i) for i in scheme.veto.items}}
    elif kind == "falsified":
        vocab = {"indicator": {normalize_text(n) for i in scheme.indicators for n in (i.id, i.name, *i.aliases)}}
    for role, allowed in vocab.items():
        if role in taken:
            continue
        for col in sorted(unknown):
            if _mostly_in(_data_values(view, last, unit_col, col), allowed):
                columns[col] = role
                confidence[col] = CONFIDENCE_CONTENT
                del unknown[col]
                break
    if kind == "survey" and "question" not in columns.values():
        # the question column, whatever its wording (测评内容, 评价事项…): the one text column left
        texts = [c for c in sorted(unknown) if (vals := _data_values(view, last, unit_col, c))
                 and all(isinstance(v, str) for v in vals)]
        if len(texts) == 1:
            columns[texts[0]] = "question"
            confidence[texts[0]] = CONFIDENCE_CONTENT
            del unknown[texts[0]]
    if kind == "adjustments" and "value" not in columns.values() and "rank" not in columns.values():
        numeric = [c for c in sorted(unknown) if (vals := _data_values(view, last, unit_col, c))
                   and all(_looks_numeric(v) for v in vals)]
        if len(numeric) == 1:
            columns[numeric[0]] = "value"
            confidence[numeric[0]] = CONFIDENCE_CONTENT
            del unknown[numeric[0]]


def _kind_by_cells(view: Sheet, last: int, unit_col: int, labels: dict, scheme: Scheme) -> str | None:
    """A register known by what its cells say: a column of adjustment kind names, or of veto items."""
    vocab = {"adjustments": {normalize_text(a.name) for a in scheme.adjustments},
             "veto": {normalize_text(i) for i in scheme.veto.items}}
    found = {kind for kind, allowed in vocab.items() if allowed
             for col in labels if col != unit_col and _mostly_in(_data_values(view, last, unit_col, col), allowed)}
    return found.pop() if len(found) == 1 else None


def _looks_numeric(value) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    return bool(re.fullmatch(r"[+-]?\d+(\.\d+)?分?", normalize_text(value)))


def _classify(view: Sheet, sheet_name: str, rel: str, scheme: Scheme, teach, header: tuple[int, int], unit_col: int,
              title: str, transposed: bool = False) -> Table | str | int:
    """The table's kind and its columns' roles; or why the sheet is not a return of this scheme (a str), or the
    year it holds when that is a year the scheme does not use (an int)."""
    first, last = header
    labels = inherit_group_labels(column_labels(view.filled(), first, last))
    all_text = " ".join(p for parts in labels.values() for p in parts)
    choices = set(scheme.survey.choices) | {scheme.survey.unknown} if scheme.survey else set()
    names = _indicator_names(scheme, teach.headers)
    taught = frozenset(normalize_text(w) for key, words in teach.headers.items() for w in words)
    ratings = [c for c in scheme.components if c.is_ratings]
    items = {normalize_text(i): i for c in ratings for i in c.rated_items}
    where = places(rel, sheet_name, title)

    kind, evidence = teach.kind, "方案 [ingest] 规则" if teach.kind else ""
    if kind is None:
        header_kind = next((k for k, w in (("falsified", "弄虚作假"), ("veto", "否决"), ("adjustments", "加减分"))
                            if w in all_text), None)
        if any(clean_header(p) in ROLE_HEADERS["corrected"] for parts in labels.values() for p in parts):
            header_kind = "corrections"  # an approved value beside the original: a corrections register
        by_name = kind_by_name(where, scheme)
        if header_kind:
            kind, evidence = header_kind, "列标题"
        elif choices and sum(1 for parts in labels.values() if clean_header(parts[-1]) in choices) >= 2:
            kind, evidence = "survey", "列标题（评议选项）"
        elif by_name:
            kind, evidence = by_name[0], by_name[1]
        elif not any(match_indicator(p, names)[0] for p in labels.values()) and (
                by_cells := _kind_by_cells(view, last, unit_col, labels, scheme)):
            kind, evidence = by_cells, "单元格内容（加减分类别、否决事项）"
        else:
            kind, evidence = "indicators", ""

    columns: dict[int, str] = {}
    unknown: dict[int, str] = {}
    confidence: dict[int, str] = {}
    ambiguous: dict[int, list[str]] = {}
    for col, parts in sorted(labels.items()):
        if col == unit_col or transposed and (col < unit_col or not _data_values(view, last, unit_col, col)):
            continue  # units across the top: the lines above the units' row and those without data are titles, notes
        if kind == "survey" and clean_header(parts[-1]) in choices:
            columns[col] = clean_header(parts[-1])
            confidence[col] = CONFIDENCE_HEADER
            continue
        if kind in ("indicators", "ratings", "history"):
            ind_id, how, could_be = match_indicator(parts, names, taught)
            if could_be:
                ambiguous[col] = could_be
                continue
            if ind_id:
                columns[col] = _indicator_part(ind_id, parts, names, scheme.assessment.year)
                confidence[col] = how
                continue
        item = next((items[clean_header(p)] for p in parts if clean_header(p) in items), None)
        if item is not None and kind in ("indicators", "ratings") and not any(match_indicator([p], names)[0] for p in parts):
            columns[col] = f"item:{item}"
            confidence[col] = CONFIDENCE_HEADER
            continue
        role = _match_role(parts, teach.headers)
        if role and not (kind == "indicators" and role[0] not in ("rank", "total", "grade", "member", "sum")):
            columns[col], confidence[col] = role
        elif not any(clean_header(p) in IGNORED_HEADERS for p in parts):
            unknown[col] = "/".join(parts)
    if kind == "indicators" and not any(":" not in r and r not in ROLE_HEADERS for r in columns.values()):
        if "member" in columns.values() or any(r.startswith("item:") for r in columns.values()):
            kind = "ratings"
        elif "rank" in columns.values():
            kind = "history"
            unknown = {}
        elif ambiguous:
            pass  # reported, column by column
        else:
            return ("找到单位列，但没有一列的表头与方案中的指标、评议选项或登记表的列对应"
                    + (f"（表头：{_header_summary(labels, unit_col)}）" if labels else ""))
    context: dict[str, str] = {}
    if kind == "indicators":
        unknown.update({c: "/".join(labels[c]) for c, r in columns.items() if r == "sum"})  # a 合计 column: not data
        columns = {c: r for c, r in columns.items() if r not in ROLE_HEADERS}
        year = teach.year
        said = sheet_year(where, scheme.assessment.year) if year is None else (year, "方案 [ingest] 规则")
        if said and said[0] == scheme.assessment.year - 1:
            # last year's return filed again (a sheet 2024年, a title 2024年度…): its values are x_{t-1} for composite
            # indices; its own targets and 上年值 are last year's targets and x_{t-2}, never this year's data
            columns = {c: f"{r}:last" for c, r in columns.items() if ":" not in r}
            evidence = f"{said[1]}：{said[0]} 年（上年）数据"
        elif said and said[0] != scheme.assessment.year:
            return said[0]
        if scheme.period_names:  # 定期考核: a periodic check's return (第一季度…), else the year-end's
            period = (teach.period, "方案 [ingest] 规则") if teach.period else sheet_period(where, scheme.period_names)
            if isinstance(period, list):
                return (f"工作表名、标题或文件名同时写了几个考核期（{'、'.join(period)}），无法确定这张表是哪一期的数据；"
                        "请每期分开报送，或在方案 [[ingest.files]] 中用 period 指定")
            if period:
                context["period"] = period[0]
                evidence = "；".join(x for x in (evidence, f"{period[1]}：{period[0]}") if x)
    if kind == "history":  # last year's results must be last year's: another year's ranks are never taken
        said = (teach.year, "方案 [ingest] 规则") if teach.year else results_year(where, scheme.assessment.year)
        if said and said[0] != scheme.assessment.year - 1:
            return OtherYearResults(f"{said[1]}写的是 {said[0]} 年的考核结果，本次考核为 {scheme.assessment.year} 年，"
                                    f"上年考核结果应为 {scheme.assessment.year - 1} 年，未采用", said[0])
    _content_roles(kind, view, last, unit_col, labels, columns, unknown, confidence, scheme)
    if kind == "adjustments" and "kind" not in columns.values():
        named = teach.context.get("adjustment") or (first_named(where, [a.name for a in scheme.adjustments]) or [None])[0]
        if named is None and len(scheme.adjustments) == 1:
            named = scheme.adjustments[0].name
        if named:
            context["kind"] = named
    if kind == "survey" and scheme.survey:
        for role, options in (("round", list(scheme.survey.rounds)), ("category", scheme.survey.categories)):
            if role not in columns.values():
                said = teach.context.get(role) or (first_named(where, options) or [None])[0]
                if said is None and len(options) == 1:
                    said = options[0]
                if said:
                    context[role] = said
    first_col: dict[str, int] = {}
    duplicates: dict[int, int] = {}
    for col, role in sorted(columns.items()):
        if role in first_col:
            duplicates[col] = first_col[role]
        else:
            first_col[role] = col
    columns = {c: r for c, r in columns.items() if c not in duplicates}
    component = ""
    if kind == "ratings":
        named = [c.name for c in ratings if c.name in title or c.name in sheet_name]
        component = named[0] if named else (ratings[0].name if len(ratings) == 1 else "")
    return Table(kind, (first, last), unit_col, columns, unknown, duplicates, title, component,
                 context=context, headers={c: "/".join(p) for c, p in labels.items()}, confidence=confidence,
                 ambiguous=ambiguous, evidence=evidence)


def _header_summary(labels: dict[int, list[str]], unit_col: int, most: int = 6) -> str:
    shown = ["“" + "/".join(p) + "”" for c, p in sorted(labels.items()) if c != unit_col][:most]
    return "、".join(shown) + ("……" if len(labels) - 1 > most else "")


def _indicator_part(ind_id: str, parts: list[str], names: list[tuple[str, str]], year: int) -> str:
    """Which of an indicator's figures a column holds: this year's value, the target, last year's, cumulative."""
    labels = {clean_header(p) for p in parts}
    for p in parts:  # a sub-label in brackets: "固定资产投资完成额（目标值）"
        labels.update(x for x in re.findall(r"[(（]([^（）()]*)[)）]", normalize_text(p))
                      if x in SUB_LABELS or x.startswith("累计"))
    for p in list(labels):  # a one-row header says it after the name: "…完成额目标值", "…能耗上年值"
        name = next((n for n, i in names if i == ind_id and n and n in p), "")
        if name and p.partition(name)[2]:
            labels.add(p.partition(name)[2])
    cumulative = [p for p in labels if p.startswith("累计")]
    if cumulative:
        is_plan = any(w in p for p in cumulative for w in ("目标", "计划", "任务"))
        return f"{ind_id}:cum_target" if is_plan else f"{ind_id}:cum"
    if labels & TARGET_LABELS:
        return f"{ind_id}:target"
    if labels & LAST_YEAR_LABELS or any(re.fullmatch(r"(19|20)\d\d年?", p) and int(p[:4]) < year for p in labels):
        return f"{ind_id}:last"
    return ind_id


def data_rows(sheet: Sheet, table: Table):
    """Yield (row, unit text) for rows that hold a unit below the header (a unit merged down several rows names
    each of them)."""
    merged = {}
    for r0, c0, r1, c1 in sheet.merged:
        if c0 <= table.unit_col <= c1 and r1 > r0:
            for r in range(r0 + 1, r1 + 1):
                merged[r] = (r0, c0)
    for r in range(table.header_rows[1] + 1, (table.last_row or sheet.max_row) + 1):
        v = sheet.value(r, table.unit_col)
        if v is None and r in merged:
            v = sheet.value(*merged[r])
        if v is None:
            continue
        text = normalize_text(v)
        if not text or SKIP_ROW.match(text):
            continue
        yield r, str(v)


def total_rows(sheet: Sheet, table: Table):
    """Yield (row, "total" | "subtotal", label) for the 合计 and 小计 lines among the unit rows, and
    (row, "section", label) for the section headings that start a group a 小计 sums (一、平原乡镇 / 其中：山区乡镇)."""
    rows = {r for r, c in sheet.cells if c == table.unit_col and r > table.header_rows[1]}
    for r in sorted(x for x in rows if table.last_row is None or x <= table.last_row):
        v = sheet.value(r, table.unit_col)
        text = normalize_text(v)
        if not text or not ("计" in text or "全" in text or SECTION.match(text)):
            continue  # a unit's name (the common case): no pattern to try
        if GRAND_TOTAL.match(text):
            yield r, "total", str(v).strip()
        elif SUBTOTAL.match(text):
            yield r, "subtotal", str(v).strip()
        elif SECTION.match(text):
            yield r, "section", str(v).strip()
