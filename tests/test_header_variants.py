"""Returns laid out the way offices really type them: real .xlsx files written by openpyxl, read by the real stages.

统计局's indicator return from the bundled example (A1, A2 and A3 with its 目标值 column) is rewritten in the layouts
offices send: header text with spaces, full-width or half-width brackets and unit suffixes, full-width characters,
id prefixes, reordered and extra columns, one- and two-row headers, title and 填报单位/填报日期 lines, blank rows, notes,
totals and section headings among the units; unit names with stray spaces, compatibility characters or an alias; and
workbooks with several sheets (a 填报说明 page, a chart-data 汇总 sheet, an empty sheet, a hidden copy of last year's
table). Each must give exactly the long table (unit, indicator, period, value, target) read from the unmodified
example, from the cells the rewrite put the values in, with no error-severity issue.

The stages run in-process (scheme → ingest → normalize, as `kaohe run` does); one case goes through `kaohe check`.
"""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter

from conftest import ROOT, kaohe, with_file_replaced
from pipeline.ingest import IngestResult, ingest
from pipeline.issues import ERROR, INFO, WARNING
from pipeline.normalize import normalize
from pipeline.numbers import normalize_text
from pipeline.scheme import load_scheme

SCHEME = load_scheme(ROOT)
STATS = next((ROOT / "input" / "统计局").glob("*考核指标数据*.xlsx")).relative_to(ROOT / "input")
INDEX = next((ROOT / "input" / "统计局").glob("*综合指数*.xlsx")).relative_to(ROOT / "input")
SHEET = "指标数据"
ROLES = ("A1", "A2", "A3", "A3:target")  # what 统计局's indicator return carries
TITLE = "XX县2025年度乡镇目标管理考核指标数据报表（统计局）"
FILED = "填报日期：2026年1月10日"


# ----------------------------------------------------------------------------------- the unmodified example
_BASE: dict = {}


def _bundled() -> IngestResult:
    """The bundled returns, ingested once (like tests/test_fuzz.py: each case re-reads only the return it rewrote)."""
    if not _BASE:
        _BASE["ingested"] = ingest(ROOT, SCHEME)
    return _BASE["ingested"]


def _stages(folder, changed=STATS):
    """ingest + normalize of the example copy `folder`, as `kaohe run` does.

    Only the rewritten return is read afresh (ingest reads each file on its own); the other returns are the bundled
    ones, identical to their copies in `folder`, so their rows are taken from the one reading of the bundled example,
    in the same file order as a full ingest.
    """
    alone = folder.parent / "alone"
    shutil.rmtree(alone, ignore_errors=True)  # a test may read several rewrites of the same return
    (alone / "input" / changed).parent.mkdir(parents=True)
    shutil.copy2(folder / "input" / changed, alone / "input" / changed)
    fresh, base = ingest(alone, SCHEME), _bundled()
    assert str(changed) in [f.path for f in base.files] and [f.path for f in fresh.files] == [str(changed)]
    merged = with_file_replaced(base, fresh, changed)
    return normalize(SCHEME, merged)


def _long(data) -> list[tuple]:
    return sorted(data.values[["unit", "indicator", "period", "value", "target"]].itertuples(index=False, name=None),
                  key=lambda t: (t[0], t[1], t[2]))


def baseline() -> list[tuple]:
    """The long table read from the bundled, unmodified example (read once)."""
    if "long" not in _BASE:
        data = normalize(SCHEME, _bundled())
        assert [i.text() for i in data.issues] == []  # the example itself is clean
        _BASE["long"] = _long(data)
    return _BASE["long"]


def _raw_rows(rel, first_row: int, columns: dict[str, str]) -> list[dict]:
    """The bundled return's data cells exactly as filed (floats, "５．７", "86400"…), one dict per unit row."""
    ws = openpyxl.load_workbook(ROOT / "input" / rel).worksheets[0]
    rows = []
    for r in range(first_row, first_row + len(SCHEME.unit_names)):
        rows.append({key: ws[f"{col}{r}"].value for key, col in columns.items()})
    assert [row["unit"] for row in rows] == SCHEME.unit_names  # the example's layout has not moved
    return rows


STATS_ROWS = _raw_rows(STATS, 5, {"unit": "B", "A1": "C", "A2": "D", "A3": "E", "A3:target": "F"})
INDEX_ROWS = _raw_rows(INDEX, 5, {"unit": "B", "G1": "C", "G1:last": "D", "G2": "E", "G2:last": "F"})


# ----------------------------------------------------------------------------------- writing a return
STANDARD = [  # (key, header text, sub-label): the bundled layout
    ("seq", "序号", None), ("unit", "乡镇名称", None),
    ("A1", "地区生产总值增长率（%）", "完成值"), ("A2", "规模以上工业增加值增长率（%）", "完成值"),
    ("A3", "固定资产投资完成额（万元）", "完成值"), ("A3:target", "固定资产投资完成额（万元）", "目标值"),
    ("note", "备注", None),
]
ABOVE = [[TITLE], ["填报单位：统计局（盖章）", None, None, None, None, FILED]]
UNITS = list(range(len(SCHEME.unit_names)))
SUM = object()  # in a literal row: a =SUM() over the column above, as offices write totals


def total(label: str) -> dict:
    """A totals row: the label in the unit column and a SUM under every value column."""
    return {"unit": label, **{key: SUM for key in ROLES}}


BELOW = [total("合计"), "备注：1.数据截至2025年12月31日；2.增长率按可比价计算。", "填表人：张敏        审核人：刘建国"]


def write_table(ws, cols, *, rows=STATS_ROWS, above=ABOVE, two_rows=True, merged=True, body=None, names=None,
                extra=None) -> dict:
    """Write one table into `ws`; returns where it put things: header row, column of each key, and each value's cell.

    cols: (key, header, sub-label) per column. Consecutive columns with the same header and a sub-label share a merged
    group header; other columns span both header rows (merged unless merged=False). body: a row index of `rows`, None
    for a blank row, a str (a line of text merged across the table), or a dict key -> value (a literal row: totals,
    notes or headings in the unit column).
    names: unit name -> name as written. extra: key -> value for columns that are not in `rows` (e.g. 受理件数).
    """
    body = UNITS + BELOW if body is None else body
    names = names or {}
    r = 1
    for line in above:
        for c, text in enumerate(line, 1):
            if text is not None:
                ws.cell(r, c, text)
        r += 1
    header = r
    col_of = {key: c for c, (key, _, _) in enumerate(cols, 1)}
    c = 1
    while c <= len(cols):
        key, head, sub = cols[c - 1]
        assert two_rows or sub is None, "a one-row header has no sub-labels"
        end = c  # a group: the following columns with the same header and a sub-label
        while sub is not None and end < len(cols) and cols[end][1] == head and cols[end][2] is not None:
            end += 1
        ws.cell(header, c, head)
        if two_rows and sub is not None:
            for cc in range(c, end + 1):
                ws.cell(header + 1, cc, cols[cc - 1][2])
            if merged and end > c:
                ws.merge_cells(start_row=header, start_column=c, end_row=header, end_column=end)
        elif two_rows and merged:
            ws.merge_cells(start_row=header, start_column=c, end_row=header + 1, end_column=c)
        c = end + 1
    r = first_data = header + (2 if two_rows else 1)
    cells: dict[tuple[str, str], str] = {}
    seq = 0
    for entry in body:
        if isinstance(entry, int):
            row = rows[entry]
            seq += 1
            for key, c in col_of.items():
                if key == "unit":
                    ws.cell(r, c, names.get(row["unit"], row["unit"]))
                elif key == "seq":
                    ws.cell(r, c, seq)
                elif key in row:
                    ws.cell(r, c, row[key])
                    cells[(row["unit"], key)] = ws.cell(r, c).coordinate
                elif extra and key in extra:
                    ws.cell(r, c, extra[key] + entry)
        elif isinstance(entry, str):
            ws.cell(r, 1, entry)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(cols))
        elif isinstance(entry, dict):
            for key, value in entry.items():
                if key in col_of:
                    letter = get_column_letter(col_of[key])
                    ws.cell(r, col_of[key], f"=SUM({letter}{first_data}:{letter}{r - 1})" if value is SUM else value)
        r += 1
    return {"header": header, "col_of": col_of, "cells": cells}


def rewrite_stats(folder, cols, **kwargs) -> dict:
    """Replace the example's 统计局 indicator return by a one-sheet workbook with this layout."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    written = write_table(ws, cols, **kwargs)
    wb.save(folder / "input" / STATS)
    return written


def assert_reads_as_baseline(data, written: dict, sheet: str = SHEET, rel=STATS, roles=ROLES):
    """Same long table as the example, no error, and every value of the rewritten return from the cell we wrote."""
    errors = [i.text() for i in data.issues if i.severity == ERROR]
    assert errors == []
    assert _long(data) == baseline()
    got = {}
    for row in data.values.itertuples(index=False):
        for key in roles:
            ind, _, part = key.partition(":")
            if row.indicator == ind and row.period == str(SCHEME.assessment.year - (part == "last")):
                got[(row.unit, key)] = row.target_source if part == "target" else row.source
    want = {k: f"{rel} › {sheet}!{cell}" for k, cell in written["cells"].items()}
    assert got == want


def _not_errors(data) -> list[tuple]:
    return [(i.severity, i.code, i.file, i.sheet, i.cell, i.params.get("name", "")) for i in data.issues
            if i.severity != ERROR]


# ----------------------------------------------------------------------------------- 1. header layouts
def _renamed(**heads) -> list:
    """STANDARD with some headers replaced: key -> header text (or (header, sub-label))."""
    out = []
    for key, head, sub in STANDARD:
        new = heads.get(key.replace(":", "_"), head)
        out.append((key, *new) if isinstance(new, tuple) else (key, new, sub))
    return out


def _ordered(cols, keys) -> list:
    by_key = {c[0]: c for c in cols}
    return [by_key[k] for k in keys]


SUBTOTALS = [*UNITS[:10], total("小计"), *UNITS[10:], total("小　计"), total("合  计"), total("全县平均")]
SECTIONS = [{"unit": "一、平原乡镇"}, *UNITS[:10], {"unit": "（二）山区乡镇"}, *UNITS[10:]]

# id -> write_table arguments (and "warn": the key of the one column that must be reported as unknown).
VARIANTS = {
    "as-bundled": {},
    "spaces-inside-headers": {"cols": _renamed(
        unit="乡 镇 名 称", A1=("地区生产总值 增长率（%）", "完 成 值"), A2="规模以上　工业增加值增长率 （%）",
        A3=(" 固定资产投资 完成额（万元）", "完成值 "), A3_target=(" 固定资产投资 完成额（万元）", "目 标 值"))},
    "half-width-brackets": {"cols": _renamed(
        unit="乡镇(街道)", A1="地区生产总值增长率(%)", A2="规模以上工业增加值增长率(%)",
        A3=("固定资产投资完成额(万元)", "完成值(万元)"), A3_target=("固定资产投资完成额(万元)", "目标值(万元)"))},
    "full-width-brackets-and-units": {"cols": _renamed(
        unit="乡镇（街道）", A1="地区生产总值增长率（％）", A2="规模以上工业增加值增长率（单位：％）",
        A3=("固定资产投资完成额（万元）", "完成值（万元）"), A3_target=("固定资产投资完成额（万元）", "目标值（万元）"))},
    "no-unit-suffix": {"cols": _renamed(
        A1="地区生产总值增长率", A2="规模以上工业增加值增长率", A3=("固定资产投资完成额", "完成值"),
        A3_target=("固定资产投资完成额", "目标值"))},
    "full-width-characters": {"cols": _renamed(
        A1="Ａ１．地区生产总值增长率（％）", A2="Ａ２",  # a bare id typed in full-width mode
        A3=("Ａ３．固定资产投资完成额（万元）", "完成值"), A3_target=("Ａ３．固定资产投资完成额（万元）", "目标值")),
        "above": [["ＸＸ县２０２５年度乡镇目标管理考核指标数据报表（统计局）"], ["填报单位：统计局", None, None, None, None,
                                                        "填报日期：２０２６年１月１０日"]]},
    "id-prefix-letter": {"cols": _renamed(
        A1="A1.地区生产总值增长率（%）", A2="A2 规模以上工业增加值增长率（%）",
        A3=("A3、固定资产投资完成额（万元）", "完成值"), A3_target=("A3、固定资产投资完成额（万元）", "目标值"))},
    "id-prefix-number": {"cols": _renamed(
        A1="1、地区生产总值增长率（%）", A2="2.规模以上工业增加值增长率（%）",
        A3=("3．固定资产投资完成额（万元）", "完成值"), A3_target=("3．固定资产投资完成额（万元）", "目标值"))},
    "id-only": {"cols": _renamed(A1="A1", A2="A2", A3=("A3", "完成值"), A3_target=("A3", "目标值"))},
    "columns-reordered": {"cols": _ordered(STANDARD, ["note", "A2", "unit", "A3:target", "A3", "seq", "A1"])},
    "extra-columns": {
        "cols": [STANDARD[0], STANDARD[1], ("受理件数", "受理件数", None), *STANDARD[2:6], ("说明", "说明", None),
                 STANDARD[6]],
        "extra": {"受理件数": 40}, "warn": "受理件数"},
    "single-row-header": {"two_rows": False, "cols": [
        ("seq", "序号", None), ("unit", "乡镇名称", None), ("A1", "地区生产总值增长率（%）", None),
        ("A2", "规模以上工业增加值增长率（%）", None), ("A3", "固定资产投资完成额（万元）", None),
        ("A3:target", "固定资产投资完成额目标值（万元）", None), ("note", "备注", None)]},
    "single-row-header-no-title": {"two_rows": False, "above": [], "body": UNITS, "cols": [
        ("unit", "乡镇", None), ("A1", "地区生产总值增长率", None), ("A2", "规模以上工业增加值增长率", None),
        ("A3", "固定资产投资完成额", None), ("A3:target", "固定资产投资完成额目标", None)]},
    "two-row-header-unmerged": {"merged": False},
    "three-title-lines": {"above": [
        ["XX县2025年度乡镇目标管理考核"], ["指标数据报表（统计局）"], [],
        ["填报单位：统计局（盖章）", None, None, "单位：%、万元", None, FILED]]},
    "blank-rows": {"above": [[TITLE], [], ["填报单位：统计局（盖章）", None, None, None, None, FILED], []],
                   "body": [None, *UNITS[:5], None, *UNITS[5:12], None, None, *UNITS[12:], None, *BELOW]},
    "totals-and-notes-among-units": {"body": [*SUBTOTALS, "注：1.数据截至2025年12月31日。", {"unit": "注:增长率按可比价计算"},
                                              {"unit": "备注：无"}, {"unit": "填表人：张敏"}, {"unit": "审核人：刘建国"}]},
    "section-headings": {"body": [*SECTIONS, total("全县合计"), {"unit": "说明：本表由县统计局填报。"}]},
    "group-subtotals-and-sources": {"body": [{"unit": "其中：平原乡镇"}, *UNITS[:10], total("平原乡镇小计"),
                                             {"unit": "其中：山区乡镇"}, *UNITS[10:], total("山区乡镇小计"),
                                             {"unit": "数据来源：县统计局"}, {"unit": "资料来源：统计年报"}]},
    "single-row-header-bracketed-sub-label": {"two_rows": False, "cols": [
        ("seq", "序号", None), ("unit", "乡镇名称", None), ("A1", "地区生产总值增长率（%）", None),
        ("A2", "规模以上工业增加值增长率（%）", None), ("A3", "固定资产投资完成额（万元）", None),
        ("A3:target", "固定资产投资完成额（目标值）", None), ("note", "备注", None)]},
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_header_layout_reads_as_the_example(example, variant):
    spec = dict(VARIANTS[variant])
    warn = spec.pop("warn", None)
    written = rewrite_stats(example, spec.pop("cols", STANDARD), **spec)
    data = _stages(example)
    assert_reads_as_baseline(data, written)
    expected = []
    if warn:  # the unknown column: one warning naming its header cell, nothing else
        cell = f"{get_column_letter(written['col_of'][warn])}{written['header']}"
        expected = [(WARNING, "unknown-column", str(STATS), SHEET, cell, warn)]
    assert _not_errors(data) == expected


# ----------------------------------------------------------------------------------- 2. unit names
UNIT_NAMES = {
    "stray-spaces": {"城关镇": "城关镇 ", "东关镇": " 东关镇", "西湖镇": "西 湖 镇", "南河镇": "南河镇\u3000",
                     "北岗镇": "北岗\n镇", "高峰乡": "\t高峰乡"},
    # full-width spaces, and the look-alike Kangxi radicals that copying from a PDF gives (⾼ for 高, ⽯ for 石…)
    "full-width-characters": {"龙潭乡": "龙\u3000潭\u3000乡", "高峰乡": "\u2fbc峰乡", "石门乡": "\u2f6f门乡",
                              "白云乡": "\u2f69云乡", "青山乡": "青\u2f2d乡"},
    "alias": {"城关镇": "城关"},
    "alias-with-spaces": {"城关镇": " 城 关 "},
}


@pytest.mark.parametrize("kind", list(UNIT_NAMES))
def test_unit_names_as_typed_resolve_to_the_scheme_units(example, kind):
    written = rewrite_stats(example, STANDARD, names=UNIT_NAMES[kind])
    data = _stages(example)
    assert_reads_as_baseline(data, written)
    assert _not_errors(data) == []


# ----------------------------------------------------------------------------------- 3. workbooks with several sheets
def _instructions(wb, index=None):
    ws = wb.create_sheet("填报说明", index)
    for line in ["填报说明", "一、本表由县统计局填报，数据截至2025年12月31日。", "二、增长率按可比价计算，单位为%；金额单位为万元。",
                 "三、乡镇名称请按全称填写，不得合并单元格。", "四、请于2026年1月15日前报送县考核办。"]:
        ws.append([line])
    ws.merge_cells("A1:F1")


def _chart_data(wb):
    ws = wb.create_sheet("汇总")
    ws.append(["指标名称", "全县平均", "最高值", "最低值"])
    ws.append(["地区生产总值增长率（%）", 7.3, 11.7, 4.0])
    ws.append(["规模以上工业增加值增长率（%）", 10.2, 15.9, 5.3])
    chart = BarChart()
    chart.title = "主要指标全县平均"
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=3))
    ws.add_chart(chart, "F2")


def test_only_the_data_sheet_of_a_workbook_is_read(example):
    wb = openpyxl.Workbook()
    _instructions(wb, 0)
    ws = wb.worksheets[1]
    ws.title = SHEET
    written = write_table(ws, STANDARD)
    _chart_data(wb)
    wb.create_sheet("Sheet3")  # an empty sheet: nothing to say about it
    wb.save(example / "input" / STATS)
    assert openpyxl.load_workbook(example / "input" / STATS).sheetnames == ["填报说明", SHEET, "汇总", "Sheet3"]

    data = _stages(example)
    assert_reads_as_baseline(data, written)
    assert _not_errors(data) == [(INFO, "unrecognised-sheet", str(STATS), "填报说明", "", ""),
                                 (INFO, "unrecognised-sheet", str(STATS), "汇总", "", "")]


def _last_years(rows, scale: float, target_scale: float) -> list[dict]:
    """Last year's figures: different numbers in the same layout (targets too)."""
    out = []
    for row in rows:
        new = dict(row)
        for key in ("A1", "A2", "A3"):
            new[key] = round(float(normalize_text(row[key])) * scale, 1)
        new["A3:target"] = round(float(row["A3:target"]) * target_scale)
        out.append(new)
    return out


@pytest.mark.parametrize("filed_line", [False, True], ids=["title-only", "with-filed-date"])
def test_hidden_copy_of_last_years_table_is_last_years_values(example, filed_line):
    """A hidden sheet titled 2024年度… is last year's return (layout.last_year_return): its values are x_{t-1},
    never this year's values or targets, so the assessment reads exactly as without it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    written = write_table(ws, STANDARD)
    old = wb.create_sheet("2024年")
    above = [[TITLE.replace("2025", "2024")]]
    if filed_line:  # last year's return was filed early this year: its 填报日期 names the assessment year
        above.append(["填报单位：统计局（盖章）", None, None, None, None, "填报日期：2025年1月8日"])
    write_table(old, STANDARD, rows=_last_years(STATS_ROWS, 0.9, 0.95), above=above)
    old.sheet_state = "hidden"
    wb.save(example / "input" / STATS)

    ingested = ingest(example, SCHEME)
    from_old = [r for r in ingested.rows if r.unit.sheet == "2024年"]
    assert len(from_old) == len(SCHEME.unit_names)  # the hidden sheet is read…
    assert {role for r in from_old for role in r.fields} == {"A1:last", "A2:last", "A3:last"}  # …as last year's
    data = normalize(SCHEME, ingested)
    assert_reads_as_baseline(data, written)
    assert _not_errors(data) == []


@pytest.mark.parametrize("filed_line", [False, True], ids=["title-only", "with-filed-date"])
def test_composite_index_history_from_a_hidden_copy_of_last_years_table(example, filed_line):
    """The composite index's x_{t-1} come from the hidden 2024年度 copy when this year's table has no 上年值 columns."""
    cols = [("seq", "序号", None), ("unit", "乡镇名称", None), ("G1", "地区生产总值（亿元）", None),
            ("G2", "单位地区生产总值能耗（吨标准煤/万元）", None)]
    this_year = [{"unit": r["unit"], "G1": r["G1"], "G2": r["G2"]} for r in INDEX_ROWS]
    last_year = [{"unit": r["unit"], "G1:last": r["G1:last"], "G2:last": r["G2:last"]} for r in INDEX_ROWS]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "综合指数"
    written = write_table(ws, cols, rows=this_year, two_rows=False, body=UNITS,
                          above=[["XX县2025年度乡镇综合指数基础数据（统计局）"]])
    old = wb.create_sheet("上年")
    above = [["XX县2024年度乡镇综合指数基础数据（统计局）"]]
    if filed_line:
        above.append(["填报单位：统计局（盖章）", None, None, "填报日期：2025年1月8日"])
    old_cols = [("seq", "序号", None), ("unit", "乡镇名称", None), ("G1:last", "地区生产总值（亿元）", None),
                ("G2:last", "单位地区生产总值能耗（吨标准煤/万元）", None)]
    written_old = write_table(old, old_cols, rows=last_year, two_rows=False, body=UNITS, above=above)
    old.sheet_state = "hidden"
    wb.save(example / "input" / INDEX)

    data = _stages(example, INDEX)
    assert_reads_as_baseline(data, written, sheet="综合指数", rel=INDEX, roles=("G1", "G2"))
    assert_reads_as_baseline(data, written_old, sheet="上年", rel=INDEX, roles=("G1:last", "G2:last"))
    assert _not_errors(data) == []


# ----------------------------------------------------------------------------------- the CLI, once
def test_everything_at_once_through_kaohe_check(example):
    """All of it in one return, as a user runs it: exit 0, the one warning shown at its cell, no error."""
    cols = [("unknown", "受理件数", None), ("unit", "乡 镇 名 称", None), ("A3:target", "A3.固定资产投资完成额(万元)", "目标值"),
            ("A3", "A3.固定资产投资完成额(万元)", "完 成 值"), ("seq", "序号", None),
            ("A1", "1、地区生产总值 增长率（％）", "完成值"), ("A2", "规模以上工业增加值增长率", "完成值"), ("note", "备注", None)]
    wb = openpyxl.Workbook()
    _instructions(wb, 0)
    ws = wb.worksheets[1]
    ws.title = SHEET
    names = {**UNIT_NAMES["stray-spaces"], **UNIT_NAMES["full-width-characters"], **UNIT_NAMES["alias"]}
    write_table(ws, cols, names=names, extra={"unknown": 7},
                above=[[TITLE], [], ["填报单位：统计局", None, None, None, FILED]],
                body=[None, {"unit": "一、平原乡镇"}, *UNITS[:10], total("小计"), None, {"unit": "（二）山区乡镇"},
                      *UNITS[10:], total("小计"), total("全县合计"), "注：增长率按可比价计算。", "填表人：张敏"])
    wb.create_sheet("Sheet2")
    wb.save(example / "input" / STATS)
    res = kaohe("check", example)
    assert res.returncode == 0, res.stdout + res.stderr
    counts = next(line for line in res.stdout.splitlines() if line.startswith("数据检查："))  # 提示 1 条，警告 1 条
    assert "错误" not in counts and "警告 1 条" in counts and "提示 1 条" in counts, res.stdout
    assert f"[警告] {STATS} › {SHEET}!A4：无法识别的列“受理件数”，已忽略" in res.stdout
    assert f"[提示] {STATS} › 填报说明：工作表未包含考核数据，已跳过" in res.stdout
    assert "检查完成：报表可以计分" in res.stdout
