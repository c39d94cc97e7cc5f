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
from .reader import Sheet

UNIT_HEADER = re.compile(r"^(被考核|参评|考核)?(乡镇|乡镇街道|乡镇\(街道\)|单位|村|村居|村\(社区\)|部门|街道|乡镇名称|单位名称|村名)(名称)?$")
HEADER_SCAN_ROWS = 20
SKIP_WORDS = (r"合计|小计|总计|平均|全县|全区|全市|全镇|全乡|全街道|备注|注[:：]|说明|填表|审核|制表|联系|负责人|单位负责人|考核组|签字|签名"
              r"|考核人员|登记人|数据来源|资料来源|其中[:：]")
SKIP_NOTE = re.compile(rf"^({SKIP_WORDS})")  # totals, notes and signature lines: never a unit or an item
SKIP_ROW = re.compile(  # in a unit column, section headings (一、经济发展类 / （二）…) are not units either
    rf"^({SKIP_WORDS}|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）])|.*(小计|合计|总计)$"  # 平原乡镇小计
)
BRACKETS = re.compile(r"[（(][^（）()]*[)）]")

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
               "月份", "考核月份"),
    "total": ("总分", "得分", "综合得分"),
    "grade": ("等次", "等级"),
    "date": ("日期", "认定日期", "发生日期", "登记日期", "否决日期", "加减分日期", "认定时间", "发生时间", "时间"),
}
TARGET_LABELS = {"目标值", "目标", "计划值", "计划", "任务数", "目标任务", "年度目标", "目标数", "计划数", "本年目标",
                 "本年计划", "年度计划", "目标任务数"}
LAST_YEAR_LABELS = {"上年值", "上年", "上年数", "去年", "去年值", "上年同期", "上年完成值", "基期值"}
VALUE_LABELS = {"完成值", "实际值", "本年值", "本年", "当年值", "完成数", "实际完成", "本年完成值"}
SUB_LABELS = VALUE_LABELS | TARGET_LABELS | LAST_YEAR_LABELS
IGNORED_HEADERS = ("序号", "备注", "说明", "编号", "分组", "组别", "类别", "单位类别", "单位类型", "填报日期", "日期",
                   "填报时间")


@dataclass
class Table:
    """A located table: where its header is and what each column holds."""

    kind: str  # indicators | survey | adjustments | veto | history
    header_rows: tuple[int, int]
    unit_col: int
    columns: dict[int, str] = field(default_factory=dict)  # col -> role ("A1", "A1:target", "round", "满意", ...)
    unknown_columns: dict[int, str] = field(default_factory=dict)  # col -> header text we could not map
    duplicate_columns: dict[int, int] = field(default_factory=dict)  # col -> earlier col with the same role
    title: str = ""
    component: str = ""  # ratings: which ratings component the sheet belongs to
    last_row: int | None = None  # a generated template says exactly where its data rows end


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


def find_header(sheet: Sheet) -> tuple[int, int, int] | None:
    """(first header row, last header row, unit column) or None."""
    merged_height = {(r0, c0): r1 for r0, c0, r1, _ in sheet.merged}
    for r in range(1, min(sheet.max_row, HEADER_SCAN_ROWS) + 1):
        for c in range(1, sheet.max_col + 1):
            v = sheet.value(r, c)
            if isinstance(v, str) and UNIT_HEADER.match(clean_header(v)):
                last = merged_height.get((r, c), r)
                # An unmerged unit header may still sit over a two-row header (sub-labels in the next row).
                if last == r and sheet.value(r + 1, c) in (None, "") and any(
                    isinstance(sheet.value(r + 1, cc), str) and clean_header(sheet.value(r + 1, cc)) in SUB_LABELS
                    for cc in range(1, sheet.max_col + 1)
                ):
                    last = r + 1
                return r, last, c
    return None


def _title(sheet: Sheet, header_row: int) -> str:
    texts = [str(sheet.value(r, c)) for r in range(1, header_row) for c in range(1, sheet.max_col + 1) if sheet.value(r, c)]
    return " ".join(texts)


def _match_role(parts: list[str]) -> str | None:
    cleaned = [clean_header(p) for p in parts]
    for role, names in ROLE_HEADERS.items():
        if any(p in names for p in cleaned):
            return role
    return None


def _indicator_names(scheme: Scheme) -> list[tuple[str, str]]:
    """(normalised name, indicator id), longest first so the most specific name wins."""
    names = []
    for ind in scheme.measures:
        for n in (ind.name, f"{ind.id}{ind.name}", ind.id, *ind.aliases):
            names.append((normalize_text(n), ind.id))
    return sorted(names, key=lambda x: -len(x[0]))


def match_indicator(parts: list[str], names: list[tuple[str, str]]) -> str | None:
    cleaned = [clean_header(p) for p in parts]
    for name, ind_id in names:  # exact first
        if name in cleaned:
            return ind_id
    for name, ind_id in names:  # then containment, for headers like "1.地区生产总值增长率" or "A1.地区…"
        if len(name) >= 4 and any(name in p for p in cleaned):
            return ind_id
    return None


def suggest(text: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(text, candidates, n=1, cutoff=0.5)
    return f"，是否为“{close[0]}”？" if close else ""


def locate_table(sheet: Sheet, scheme: Scheme) -> Table | None:
    found = find_header(sheet)
    if found is None:
        return None
    first, last, unit_col = found
    filled = sheet.filled()
    labels = inherit_group_labels(column_labels(filled, first, last))
    title = _title(sheet, first)
    all_text = " ".join(p for parts in labels.values() for p in parts)
    choices = set(scheme.survey.choices) | {scheme.survey.unknown} if scheme.survey else set()
    names = _indicator_names(scheme)
    ratings = [c for c in scheme.components if c.is_ratings]
    items = {normalize_text(i): i for c in ratings for i in c.item_weights}

    columns: dict[int, str] = {}
    unknown: dict[int, str] = {}
    if "弄虚作假" in all_text or "弄虚作假" in title:
        kind = "falsified"
    elif "否决" in all_text or "否决" in title:
        kind = "veto"
    elif "加减分" in all_text or "加减分" in title:
        kind = "adjustments"
    elif choices and sum(1 for parts in labels.values() if clean_header(parts[-1]) in choices) >= 2:
        kind = "survey"
    else:
        kind = "indicators"
    for col, parts in sorted(labels.items()):
        if col == unit_col:
            continue
        if kind == "survey" and clean_header(parts[-1]) in choices:
            columns[col] = clean_header(parts[-1])
            continue
        if kind == "indicators":
            ind_id = match_indicator(parts, names)
            if ind_id:
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
                    columns[col] = f"{ind_id}:cum_target" if is_plan else f"{ind_id}:cum"
                elif labels & TARGET_LABELS:
                    columns[col] = f"{ind_id}:target"
                elif labels & LAST_YEAR_LABELS or any(re.fullmatch(r"(19|20)\d\d年?", p) and int(p[:4]) < scheme.assessment.year for p in labels):
                    columns[col] = f"{ind_id}:last"
                else:
                    columns[col] = ind_id
                continue
        item = next((items[clean_header(p)] for p in parts if clean_header(p) in items), None)
        if item is not None and kind == "indicators" and not any(match_indicator([p], names) for p in parts):
            columns[col] = f"item:{item}"
            continue
        role = _match_role(parts)
        if role and not (kind == "indicators" and role not in ("rank", "total", "grade", "member")):
            columns[col] = role
        elif not any(clean_header(p) in IGNORED_HEADERS for p in parts):
            unknown[col] = "/".join(parts)
    if kind == "indicators" and not any(":" not in r and r not in ROLE_HEADERS for r in columns.values()):
        if "member" in columns.values() or any(r.startswith("item:") for r in columns.values()):
            kind = "ratings"
        elif "rank" in columns.values():
            kind = "history"
            unknown = {}
        else:
            return None
    if kind == "indicators":
        columns = {c: r for c, r in columns.items() if r not in ROLE_HEADERS}
        if last_year_return(title + " " + sheet.name, scheme.assessment.year):
            # last year's return filed again (e.g. 2024年度…报表): its values are x_{t-1} for composite indices;
            # its own targets and 上年值 are last year's targets and x_{t-2}, never this year's data
            columns = {c: f"{r}:last" for c, r in columns.items() if ":" not in r}
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
        named = [c.name for c in ratings if c.name in title or c.name in sheet.name]
        component = named[0] if named else (ratings[0].name if len(ratings) == 1 else "")
    return Table(kind, (first, last), unit_col, columns, unknown, duplicates, title, component)


def last_year_return(text: str, year: int) -> bool:
    """A title that names only the year before the assessment year ("2024年度…数据") marks last year's return."""
    text = re.sub(r"(日期|时间):?(19|20)\d\d年\d{1,2}月(\d{1,2}[日号])?", "", normalize_text(text))  # when it was filed
    years = {int(y) for y in re.findall(r"((?:19|20)\d\d)\s*年", text)}
    return years == {year - 1}


def data_rows(sheet: Sheet, table: Table):
    """Yield (row, unit text) for rows that hold a unit below the header."""
    for r in range(table.header_rows[1] + 1, (table.last_row or sheet.max_row) + 1):
        v = sheet.value(r, table.unit_col)
        if v is None:
            continue
        text = normalize_text(v)
        if not text or SKIP_ROW.match(text):
            continue
        yield r, str(v)
