"""A corpus of department-made return layouts, all holding one ground truth (kaohe issue 10, point 9).

Why: kaohe must read returns that departments laid out themselves — units down the rows or across the top, a sheet
per respondent category or per year, registers split by kind, unlisted header wordings, numbers typed as text — or
stop with an error naming file › sheet › cell. A silent wrong score is the worst outcome, so every layout here holds
exactly the same data: any two layouts that kaohe scores must score identically.

This module knows nothing of pipeline/ (it is built independently of the detection code it tests):
- `SCHEME_TOML`: a small county scheme of its own (6 units in 2 groups, 6 indicators from 3 departments, a composite
  index, a two-round survey, two adjustment kinds, veto, last year's ranks, grades and prizes);
- `make_truth()`: the ground truth, seeded and deterministic, with realistic magnitudes;
- `LAYOUTS` / `VARIANTS`: how each variant lays that truth out (a `Layout` of options), each with a short id and
  whether the issue requires it to score without teaching (`must_score`);
- `build(truth, layout)`: the workbooks of a variant as plain cell grids (`Book`/`Grid`), written by openpyxl or
  xlsxwriter, or written by openpyxl and converted by LibreOffice headless to .xls/.ods (`write_variant` queues those,
  `convert` runs one soffice call per format for the whole corpus).

`python tests/layout_corpus.py OUTDIR` writes every variant (config.toml + input/) under OUTDIR for inspection.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from openpyxl.utils import get_column_letter

YEAR = 2025
SEED = 20251
COUNTY = "示范县"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

SCHEME_TOML = """\
# 版式语料用的考核方案：示范县2025年度乡镇目标管理绩效考核（县级形式）
# 总分 = 指标考核 × 50% + 发展指数 × 10% + 公众评议 × 40% + 专项督查加分（最多 3 分）− 察访核验扣分

[assessment]
title = "示范县2025年度乡镇目标管理绩效考核"
year = 2025
organizer = "示范县目标管理绩效考核办公室"
full_score = 100
precision = 2                    # 公布分数保留 2 位小数（四舍五入）

[[grades]]
name = "优秀"
min = 90

[[grades]]
name = "良好"
min = 80

[[grades]]
name = "一般"
min = 70

[[grades]]
name = "较差"
min = 0

[veto]
effect = "no_award"              # 一票否决：取消评奖资格，保留得分和名次

[awards]
eligibility_ratio = 0.7          # 总分达到满分的 70% 方可获奖

[[awards.prizes]]
name = "综合考核一等奖"
places = 1
amount = 50000

[[awards.prizes]]
name = "综合考核二等奖"
places = 1
amount = 30000

[awards.progress]
name = "进步奖"
min_places = 2                   # 名次比上年前进 2 位及以上
exclude_top = 3
amount = 10000

# ---------------------------------------------------------------- 组成部分
[[components]]
name = "指标考核"
kind = "indicators"
weight = 0.5
full = 100

[[components]]
name = "发展指数"                # 综合指数：自己与自己比 60% + 与全县平均比 40%，再按功效系数折算
kind = "growth_index"
weight = 0.1
full = 100
self_weight = 0.6
base = 0.6

[[components.items]]
id = "G1"
name = "地区生产总值"
source = "统计局"
unit = "亿元"
weight = 0.5

[[components.items]]
id = "G2"
name = "单位地区生产总值能耗"
source = "统计局"
unit = "吨标准煤/万元"
weight = 0.5
direction = "lower"

[[components]]
name = "公众评议"
kind = "survey"
weight = 0.4
full = 100

# ---------------------------------------------------------------- 加减分
[[adjustments]]
name = "专项督查加分"
sign = "bonus"
cap = 3

[[adjustments]]
name = "察访核验扣分"
sign = "deduction"

# ---------------------------------------------------------------- 公众评议
[survey]
form = "county"
categories = ["代表委员", "企业", "城乡居民"]
rounds = { "中期" = 0.3, "年终" = 0.7 }
choices = { "满意" = 5, "基本满意" = 3, "不满意" = 0 }
unknown = "不了解"

# ---------------------------------------------------------------- 被考核单位
[[units]]
name = "城关镇"
group = "平原乡镇"
aliases = ["城关"]

[[units]]
name = "河口镇"
group = "平原乡镇"

[[units]]
name = "新安镇"
group = "平原乡镇"

[[units]]
name = "石门乡"
group = "山区乡镇"

[[units]]
name = "青龙乡"
group = "山区乡镇"
aliases = ["青龙"]

[[units]]
name = "白沙乡"
group = "山区乡镇"

# ---------------------------------------------------------------- 指标（合计 100 分）
[[indicators]]
id = "A1"
name = "地区生产总值增长率"
category = ["经济发展"]
source = "统计局"
unit = "%"
points = 25
method = "efficacy"              # 满意值、不允许值取参评单位最好、最差值
aliases = ["GDP增速"]

[[indicators]]
id = "A2"
name = "固定资产投资完成额"
category = ["经济发展"]
source = "统计局"
unit = "万元"
points = 25
method = "completion"
target = "column"                # 目标值取报表中“目标值”列

[[indicators]]
id = "B1"
name = "财政管理工作评分"
category = ["财政管理"]
source = "财政局"
unit = "分"
points = 15
method = "direct"

[[indicators]]
id = "B2"
name = "财经纪律违规次数"
category = ["财政管理"]
source = "财政局"
unit = "次"
points = 10
method = "count_deduct"
per_event = 3                    # 每次扣 3 分

[[indicators]]
id = "C1"
name = "城镇调查失业率"
category = ["民生保障"]
source = "人社局"
unit = "%"
points = 15
method = "efficacy"
direction = "lower"              # 越低越好

[[indicators]]
id = "C2"
name = "城乡居民养老保险参保率"
category = ["民生保障"]
source = "人社局"
unit = "%"
points = 10
method = "efficacy"
x_s = 98                         # 满意值
x_u = 80                         # 不允许值
clamp_low = true
"""


# ====================================================================================== the ground truth
@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    source: str
    unit: str
    decimals: int
    category: str


MEASURES = {m.id: m for m in [
    Measure("A1", "地区生产总值增长率", "统计局", "%", 1, "经济发展"),
    Measure("A2", "固定资产投资完成额", "统计局", "万元", 1, "经济发展"),
    Measure("B1", "财政管理工作评分", "财政局", "分", 1, "财政管理"),
    Measure("B2", "财经纪律违规次数", "财政局", "次", 0, "财政管理"),
    Measure("C1", "城镇调查失业率", "人社局", "%", 1, "民生保障"),
    Measure("C2", "城乡居民养老保险参保率", "人社局", "%", 1, "民生保障"),
    Measure("G1", "地区生产总值", "统计局", "亿元", 2, "发展指数"),
    Measure("G2", "单位地区生产总值能耗", "统计局", "吨标准煤/万元", 3, "发展指数"),
]}
TARGET_DECIMALS = 0  # A2's targets are whole 万元
# (name, group, strength): strength drives the seeded data, so the ranking is known in outline
UNITS = [("城关镇", "平原乡镇", 0.93), ("河口镇", "平原乡镇", 0.82), ("新安镇", "平原乡镇", 0.52),
         ("石门乡", "山区乡镇", 0.66), ("青龙乡", "山区乡镇", 0.36), ("白沙乡", "山区乡镇", 0.16)]
UNIT_NAMES = [u for u, _, _ in UNITS]
GROUP_OF = {u: g for u, g, _ in UNITS}
GROUPS = ["平原乡镇", "山区乡镇"]
ROUNDS = {"中期": Decimal("0.3"), "年终": Decimal("0.7")}
CATEGORIES = ["代表委员", "企业", "城乡居民"]
QUESTIONS = ["对本乡镇班子工作作风的评价", "对本乡镇经济社会发展成效的评价"]
CHOICES = {"满意": 5, "基本满意": 3, "不满意": 0}
UNKNOWN = "不了解"
BONUS, DEDUCTION = "专项督查加分", "察访核验扣分"


@dataclass
class Truth:
    values: dict[str, dict[str, Decimal]]  # measure id -> unit -> this year's value
    targets: dict[str, Decimal]  # A2's target per unit
    past: dict[int, dict[str, dict[str, Decimal]]]  # 2024 / 2023 -> measure id (and "A2:target") -> unit -> value
    tallies: dict[tuple[str, str, str, str], tuple[int, int, int, int]]  # (unit, round, category, question) ->
    #                                                                      满意, 基本满意, 不满意, 不了解
    adjustments: list[tuple[str, str, Decimal, str, str]]  # unit, kind, points, reason, department
    vetoes: list[tuple[str, str, str, str]]  # unit, item, department, reason
    last_year: dict[str, tuple[int, Decimal, str]]  # unit -> last year's rank, total, grade


def _dec(x: float, places: int) -> Decimal:
    """A generated figure as the decimal a department would type (data generation only, never scoring)."""
    return Decimal(f"{x:.{places}f}")


def make_truth(seed: int = SEED) -> Truth:
    rng = random.Random(seed)
    u = rng.uniform
    values: dict[str, dict[str, Decimal]] = {m: {} for m in MEASURES}
    targets: dict[str, Decimal] = {}
    past: dict[int, dict[str, dict[str, Decimal]]] = {y: {m: {} for m in [*MEASURES, "A2:target"]}
                                                      for y in (2024, 2023)}
    for unit, _, s in UNITS:
        values["A1"][unit] = _dec(5.0 + 4.6 * s + u(-0.3, 0.3), 1)
        targets[unit] = Decimal(rng.randrange(800, 1500) * 100)
        values["A2"][unit] = _dec(float(targets[unit]) * (0.86 + 0.18 * s + u(-0.02, 0.02)), 1)
        values["B1"][unit] = _dec(min(14.9, 11.2 + 3.6 * s + u(-0.3, 0.3)), 1)
        values["B2"][unit] = Decimal(0 if s > 0.7 else rng.choice([0, 1]) if s > 0.4 else rng.choice([1, 2]))
        values["C1"][unit] = _dec(5.8 - 2.6 * s + u(-0.2, 0.2), 1)
        values["C2"][unit] = _dec(81.5 + 17 * s + u(-0.8, 0.8), 1)
        g1_last, g2_last = u(28, 95), u(0.35, 0.85)
        values["G1"][unit] = _dec(g1_last * (1.03 + 0.07 * s + u(-0.01, 0.01)), 2)
        values["G2"][unit] = _dec(g2_last * (1.02 - 0.07 * s + u(-0.01, 0.01)), 3)
        older = (g1_last / (1.04 + u(0, 0.04)), g2_last * (1.03 + u(0, 0.03)))  # 2023: must never be read as data
        for year, g1, g2 in ((2024, g1_last, g2_last), (2023, *older)):
            p = past[year]
            p["G1"][unit], p["G2"][unit] = _dec(g1, 2), _dec(g2, 3)
            p["A1"][unit] = _dec(u(4.5, 9.5), 1)
            p["A2:target"][unit] = Decimal(rng.randrange(700, 1400) * 100)
            p["A2"][unit] = _dec(float(p["A2:target"][unit]) * u(0.85, 1.05), 1)
            p["B1"][unit], p["B2"][unit] = _dec(u(11, 14.8), 1), Decimal(rng.choice([0, 0, 1, 2]))
            p["C1"][unit], p["C2"][unit] = _dec(u(3.2, 5.8), 1), _dec(u(80, 97), 1)
    tallies = {}
    for unit, _, s in UNITS:
        for rnd in ROUNDS:
            for cat in CATEGORIES:
                for q in QUESTIONS:
                    n, unknown = rng.randint(28, 60), rng.randint(0, 4)
                    known = n - unknown
                    p = min(0.97, 0.5 + 0.42 * s + u(-0.05, 0.05) - (0.03 if rnd == "中期" else 0))
                    sat = int(known * p)
                    basic = int((known - sat) * 0.75)
                    tallies[(unit, rnd, cat, q)] = (sat, basic, known - sat - basic, unknown)
    adjustments = [
        ("城关镇", BONUS, Decimal("2"), "承办全省乡村振兴现场观摩会", "县委督查室"),
        ("城关镇", BONUS, Decimal("1.5"), "营商环境专项督查获全市通报表扬", "县政府督查室"),
        ("青龙乡", BONUS, Decimal("1"), "防汛救灾工作受到市政府通报表彰", "县考核办"),
        ("石门乡", DEDUCTION, Decimal("1"), "察访核验发现统计数据填报不实", "县考核办"),
        ("白沙乡", DEDUCTION, Decimal("0.5"), "察访发现安全隐患整改不到位", "县委督查室"),
        ("白沙乡", BONUS, Decimal("0.5"), "重点项目建设专项督查获全县通报表扬", "县政府督查室"),
    ]
    vetoes = [("河口镇", "安全生产", "应急管理局", "发生较大生产安全事故，造成2人死亡")]
    last_year = {"城关镇": (1, Decimal("92.36"), "优秀"), "石门乡": (2, Decimal("89.12"), "良好"),
                 "河口镇": (3, Decimal("87.45"), "良好"), "青龙乡": (4, Decimal("84.03"), "良好"),
                 "白沙乡": (5, Decimal("80.77"), "良好"), "新安镇": (6, Decimal("78.40"), "一般")}
    return Truth(values, targets, past, tallies, adjustments, vetoes, last_year)


# ====================================================================================== workbooks as cell grids
@dataclass
class Grid:
    """One sheet as a person laid it out: values (a str starting with = is a formula), number formats, merges."""

    name: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def put(self, r: int, c: int, value, fmt: str | None = None) -> None:
        if value is None or value == "":
            return
        self.cells[(r, c)] = value
        if fmt:
            self.formats[(r, c)] = fmt

    def merge(self, r0: int, c0: int, r1: int, c1: int) -> None:
        if (r1, c1) != (r0, c0):
            self.merges.append((r0, c0, r1, c1))

    def line(self, r: int, text: str, width: int) -> None:
        self.put(r, 1, text)
        self.merge(r, 1, r, max(width, 1))


@dataclass
class Book:
    path: str  # under input/, with the final extension
    sheets: list[Grid]
    writer: str = "openpyxl"  # openpyxl | xlsxwriter | xls | ods (the last two: LibreOffice from openpyxl's .xlsx)


def save_openpyxl(book: Book, path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for g in book.sheets:
        ws = wb.create_sheet(g.name)
        for (r, c), v in sorted(g.cells.items()):
            cell = ws.cell(r, c, v)
            if (r, c) in g.formats:
                cell.number_format = g.formats[(r, c)]
        for r0, c0, r1, c1 in g.merges:
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def save_xlsxwriter(book: Book, path: Path) -> None:
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    formats: dict[str, object] = {}

    def fmt(code):
        if code is None:
            return None
        if code not in formats:
            formats[code] = wb.add_format({"num_format": code})
        return formats[code]

    def write(ws, r, c, v, f):
        if isinstance(v, str) and v.startswith("="):
            ws.write_formula(r - 1, c - 1, v, f)  # cached value 0, as xlsxwriter always writes
        elif isinstance(v, str):
            ws.write_string(r - 1, c - 1, v, f)
        else:
            ws.write_number(r - 1, c - 1, v, f)

    for g in book.sheets:
        ws = wb.add_worksheet(g.name)
        covered = set()
        for r0, c0, r1, c1 in g.merges:
            covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
            v = g.cells.get((r0, c0), "")
            ws.merge_range(r0 - 1, c0 - 1, r1 - 1, c1 - 1, "", fmt(g.formats.get((r0, c0))))
            if v != "":
                write(ws, r0, c0, v, fmt(g.formats.get((r0, c0))))
        for (r, c), v in sorted(g.cells.items()):
            if (r, c) not in covered:
                write(ws, r, c, v, fmt(g.formats.get((r, c))))
    wb.close()


# ====================================================================================== layouts
@dataclass(frozen=True)
class Layout:
    """How a variant lays the truth out. The defaults are the clean layout (the bundled example's style)."""

    folders: str = "dept"  # dept: 统计局/…, 考核办/…; flat: everything in input/
    names: str = "plain"  # plain: 2025年度乡镇考核指标数据（统计局）.xlsx…; neutral: 附件1.xlsx…
    writer: str = "openpyxl"  # every file: openpyxl | xlsxwriter | xls | ods
    writers: tuple[tuple[str, str], ...] = ()  # (file key, writer) overrides: 统计局, 综合指数, 财政局, 人社局, 公众评议, 登记
    axis: str = "rows"  # indicator returns: rows (units down) | across (units across the top, indicators down)
    growth_axis: str = "rows"  # the composite-index return, likewise
    unit_header: str = "乡镇名称"  # the unit column's header ("" = none)
    headers: str = "plain"  # plain | bracketed (（%）（万元）) | reworded | fullwidth | unknown (an unlisted wording)
    header_rows: str = "merged"  # merged two-row | unmerged two-row | one | three (a category band on top)
    body: str = "plain"  # plain | sections (一、平原乡镇 + 小计/合计/全县平均) | notes | shuffled | aliases
    numbers: str = "plain"  # plain | text (12.5万元, ３次, 84.5%) | spaces (128 450.6) | fullwidth (１２．５)
    percent: str = "points"  # % indicators: points (84.5) | fraction (0.845 in 0.0%) | quoted (0.0"%") | backslash
    survey: str = "long"  # long | round_sheets | per_category_title | per_category_filename | round_nowhere
    #                       | category_title (sheets Sheet1…, category only in the title)
    question_header: str = "评议题目"
    survey_merged: bool = False  # unit (and round, category) cells merged down their rows
    adjustments: str = "one"  # one | per_kind_sheet | per_kind_title | no_word | absent
    history: str = "own"  # own | absent
    registers: str = "apart"  # apart | one_workbook (加减分 + 一票否决 + 上年结果 in one 考核办 workbook)
    stats: str = "apart"  # apart | one_workbook | years | years_sheetnames | last_year_file
    split: str = "none"  # indicator returns: none | groups (a sheet per group) | side_by_side (two blocks in one sheet)
    everything: bool = False  # every return a sheet of one workbook


@dataclass(frozen=True)
class Variant:
    id: str
    layout: Layout
    must_score: bool
    reason: str = ""  # why a variant need not score (must_score=False): one line


FILED = "填报日期：2026年1月8日"
REWORDED = {"A1": "全年地区生产总值增长率", "A2": "固定资产投资完成额", "B1": "财政管理工作评分情况",
            "B2": "财经纪律违规次数统计", "C1": "城镇调查失业率（年均）", "C2": "城乡居民养老保险参保率完成情况",
            "G1": "地区生产总值", "G2": "单位地区生产总值能耗"}
SUB = {"plain": {"value": "完成值", "target": "目标值", "this": "本年值", "last": "上年值"},
       "reworded": {"value": "实际完成", "target": "年度目标", "this": "本年", "last": "上年同期"}}
PERCENT_FORMATS = {"fraction": "0.0%", "quoted": '0.0"%"', "backslash": "0.0\\%"}
TEXT_SUFFIX = {"万元": "万元", "次": "次", "%": "%", "分": "分", "亿元": "亿元"}


def fullwidth(text: str) -> str:
    """ASCII letters, digits and punctuation as their full-width forms (what a Chinese IME in full-width mode types)."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in str(text))


def header_name(m: Measure, lay: Layout) -> str:
    if lay.headers == "bracketed":
        return f"{m.name}（{m.unit}）"
    if lay.headers == "reworded":
        return REWORDED[m.id]
    if lay.headers == "fullwidth":
        return fullwidth(f"{m.id}.{m.name}({m.unit})")
    if lay.headers == "unknown" and m.id == "A1":
        return "GDP增长率"  # neither the name, nor the id, nor an alias
    return m.name


def sub_label(part: str, lay: Layout) -> str:
    return SUB["reworded" if lay.headers == "reworded" else "plain"][part]


def encode(x: Decimal, m: Measure, lay: Layout, k: int, target: bool = False):
    """(cell value, number format) for one figure, as this layout's department types it; k varies the style by row."""
    places = TARGET_DECIMALS if target else m.decimals
    plain_fmt = "#,##0.0" if m.unit == "万元" and places else "0" if places == 0 else "0." + "0" * places
    if m.unit == "%" and lay.percent in PERCENT_FORMATS:
        if lay.percent == "fraction":
            return float(x / 100), PERCENT_FORMATS["fraction"]
        return float(x), PERCENT_FORMATS[lay.percent]
    text = f"{x:f}"
    if lay.numbers == "text":
        suffix = TEXT_SUFFIX.get(m.unit, "")
        if m.unit == "次":
            return fullwidth(text) + suffix, None  # "３次"
        if suffix and k % 2 == 0:
            return text + suffix, None  # "12.5万元", "84.5%"
        return text, None  # a number stored as text
    if lay.numbers == "spaces" and abs(x) >= 1000:
        whole, _, frac = text.partition(".")
        groups = []
        while whole:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        sep = " " if k % 2 == 0 else "\u00a0"
        return sep.join(groups) + ("." + frac if frac else ""), None  # "128 450.6"
    if lay.numbers == "fullwidth" and k % 2 == 0:
        return fullwidth(text), None  # "１２．５"
    return (int(x) if places == 0 else float(x)), plain_fmt


def unit_label(unit: str, lay: Layout) -> str:
    if lay.body == "aliases":
        return {"城关镇": "城关", "青龙乡": " 青 龙 ", "新安镇": "新安镇 ", "白沙乡": "白沙乡\u3000"}.get(unit, unit)
    return unit


def unit_order(lay: Layout, salt: str) -> list[str]:
    if lay.body == "shuffled":
        order = list(UNIT_NAMES)
        random.Random(f"{SEED}-{salt}").shuffle(order)
        return order
    return list(UNIT_NAMES)


# Columns of an indicator return: (measure id, part) with part value | target | this | last
Cols = list[tuple[str, str]]


def _title_block(g: Grid, title: str, filer: str | None, width: int, filed: str | None = FILED) -> int:
    """Title and 填报单位 lines; returns the first free row."""
    g.line(1, title, width)
    r = 2
    if filer:
        g.put(2, 1, f"填报单位：{filer}（盖章）")
        g.merge(2, 1, 2, max(1, width // 2))
        if filed:
            g.put(2, width - 1 if width > 2 else width, filed)
        r = 3
    return r


def rows_table(g: Grid, lay: Layout, cols: Cols, data, units: list[str], top: int, left: int = 1,
               seq: bool = True, note: bool = True) -> int:
    """An indicator table with units down the rows, from (top, left); returns the row after it.

    data(mid, part, unit) -> Decimal. Headers per lay.header_rows; body per lay.body.
    """
    c = left
    heads: list[tuple[str, int]] = []  # fixed columns: (header, col)
    if seq:
        heads.append(("序号", c))
        c += 1
    unit_col = c
    heads.append((lay.unit_header, c))
    c += 1
    first_data_col = c
    col_of = {}
    for mid, part in cols:
        col_of[(mid, part)] = c
        c += 1
    if note:
        heads.append(("备注", c))
        c += 1
    last_col = c - 1
    depth = {"one": 1, "three": 3}.get(lay.header_rows, 2)
    for text, col in heads:
        g.put(top, col, text)
        if lay.header_rows != "unmerged":
            g.merge(top, col, top + depth - 1, col)
    name_row = top + (1 if depth == 3 else 0)
    if depth == 3:  # a category band over the indicator names
        bands: dict[str, list[int]] = {}
        for (mid, part), col in col_of.items():
            bands.setdefault(MEASURES[mid].category, []).append(col)
        for cat, cs in bands.items():
            g.put(top, min(cs), cat)
            g.merge(top, min(cs), top, max(cs))
    groups: dict[str, list[tuple[str, int]]] = {}
    for (mid, part), col in col_of.items():
        groups.setdefault(mid, []).append((part, col))
    for mid, parts in groups.items():
        m = MEASURES[mid]
        c0, c1 = parts[0][1], parts[-1][1]
        if depth == 1:
            for part, col in parts:
                extra = {"target": "目标值", "last": "上年值"}.get(part, "")
                g.put(top, col, header_name(m, lay) + extra)
            continue
        g.put(name_row, c0, header_name(m, lay))
        if lay.header_rows != "unmerged":
            g.merge(name_row, c0, name_row, c1)
        for part, col in parts:
            g.put(name_row + 1, col, sub_label(part, lay))
    r = top + depth
    k = 0

    def unit_row(unit):
        nonlocal r, k
        k += 1
        if seq:
            g.put(r, left, k)
        g.put(r, unit_col, unit_label(unit, lay))
        for (mid, part), col in col_of.items():
            value, fmt = encode(data(mid, part, unit), MEASURES[mid], lay, k + col, target=part == "target")
            g.put(r, col, value, fmt)
        r += 1

    def formula_row(label, fn, start):
        nonlocal r
        g.put(r, unit_col, label)
        for col in col_of.values():
            letter = get_column_letter(col)
            g.put(r, col, f"={fn}({letter}{start}:{letter}{r - 1})")
        r += 1

    if lay.body == "sections":
        subtotals = []
        for n, grp in enumerate(GROUPS):
            g.put(r, unit_col if seq else left, f"{'一二'[n]}、{grp}")
            r += 1
            start = r
            for unit in [u for u in units if GROUP_OF[u] == grp]:
                unit_row(unit)
            subtotals.append((start, r - 1))
            formula_row("小计", "SUM", start)
        g.put(r, unit_col, "合计")
        for col in col_of.values():
            letter = get_column_letter(col)
            g.put(r, col, "=" + "+".join(f"SUM({letter}{a}:{letter}{b})" for a, b in subtotals))
        r += 1
        g.put(r, unit_col, "全县平均")
        for col in col_of.values():
            letter = get_column_letter(col)
            g.put(r, col, "=AVERAGE(" + ",".join(f"{letter}{a}:{letter}{b}" for a, b in subtotals) + ")")
        r += 1
    elif lay.body == "notes":
        for n, unit in enumerate(units):
            if n in (2, 4):
                r += 1  # a blank row
            unit_row(unit)
        r += 1
        g.line(r, "注：1.数据截至2025年12月31日；2.增长率按可比价计算。", last_col)
        r += 1
        g.put(r, unit_col, "填表人：张敏")
        g.put(r, first_data_col + 1 if first_data_col < last_col else first_data_col, "审核人：刘建国")
        r += 1
    else:
        for unit in units:
            unit_row(unit)
    if note and lay.body != "notes":
        g.line(r, "注：数据截至2025年12月31日。", last_col)
        r += 1
    return r


def across_table(g: Grid, lay: Layout, cols: Cols, data, units: list[str], top: int) -> int:
    """An indicator table with units across the top and indicators down the side (a statistics bureau's layout)."""
    g.put(top, 1, "序号")
    g.put(top, 2, "指标名称")
    g.put(top, 3, "项目")
    g.put(top, 4, "计量单位")
    first_unit_col = 5
    two = lay.header_rows != "one"
    if two:  # a band over the townships, their names below
        for c in range(1, 5):
            g.merge(top, c, top + 1, c)
        g.put(top, first_unit_col, lay.unit_header or "乡镇")
        g.merge(top, first_unit_col, top, first_unit_col + len(units) - 1)
    name_row = top + 1 if two else top
    for j, unit in enumerate(units):
        g.put(name_row, first_unit_col + j, unit_label(unit, lay))
    r = name_row + 1
    groups: dict[str, list[str]] = {}
    for mid, part in cols:
        groups.setdefault(mid, []).append(part)
    for n, (mid, parts) in enumerate(groups.items(), 1):
        m = MEASURES[mid]
        g.put(r, 1, n)
        g.put(r, 2, header_name(m, lay))
        g.put(r, 4, m.unit)
        g.merge(r, 1, r + len(parts) - 1, 1)
        g.merge(r, 2, r + len(parts) - 1, 2)
        g.merge(r, 4, r + len(parts) - 1, 4)
        for part in parts:
            g.put(r, 3, sub_label(part, lay))
            for j, unit in enumerate(units):
                value, fmt = encode(data(mid, part, unit), m, lay, r + j, target=part == "target")
                g.put(r, first_unit_col + j, value, fmt)
            r += 1
    g.line(r, "注：数据截至2025年12月31日。", first_unit_col + len(units) - 1)
    return r + 1


# ====================================================================================== the returns
STAT_COLS: Cols = [("A1", "value"), ("A2", "value"), ("A2", "target")]
FIN_COLS: Cols = [("B1", "value"), ("B2", "value")]
HR_COLS: Cols = [("C1", "value"), ("C2", "value")]
GROWTH_COLS: Cols = [("G1", "this"), ("G1", "last"), ("G2", "this"), ("G2", "last")]


def data_of(t: Truth, year: int = YEAR):
    def get(mid: str, part: str, unit: str) -> Decimal:
        if year == YEAR:
            if part == "target":
                return t.targets[unit]
            if part == "last":
                return t.past[YEAR - 1][mid][unit]
            return t.values[mid][unit]
        return t.past[year]["A2:target" if part == "target" else mid][unit]
    return get


def indicator_sheet(t: Truth, lay: Layout, name: str, title: str, filer: str, cols: Cols, year: int = YEAR,
                    axis: str | None = None) -> list[Grid]:
    axis = axis or lay.axis
    data = data_of(t, year)
    width = len(cols) + 3
    if axis == "across":
        g = Grid(name)
        top = _title_block(g, title, filer, len(UNIT_NAMES) + 4)
        across_table(g, lay, cols, data, unit_order(lay, name), top)
        return [g]
    if lay.split == "groups":
        out = []
        for grp in GROUPS:
            g = Grid(grp)
            top = _title_block(g, f"{title}（{grp}）", filer, width)
            rows_table(g, replace(lay, body="plain" if lay.body == "sections" else lay.body), cols, data,
                       [u for u in unit_order(lay, name) if GROUP_OF[u] == grp], top)
            out.append(g)
        return out
    g = Grid(name)
    top = _title_block(g, title, filer, width)
    if lay.split == "side_by_side":
        for n, grp in enumerate(GROUPS):
            members = [u for u in unit_order(lay, name) if GROUP_OF[u] == grp]
            rows_table(g, replace(lay, body="plain"), cols, data, members, top, left=1 + n * (width + 1), note=False)
        return [g]
    rows_table(g, lay, cols, data, unit_order(lay, name), top)
    return [g]


def _title(what: str, year: int = YEAR) -> str:
    return f"{COUNTY}{year}年度乡镇目标管理考核{what}"


def stats_books(t: Truth, lay: Layout) -> list[tuple[str, str, list[Grid]]]:
    """(file key, file stem, sheets) for 统计局: its indicator return and its composite-index data."""
    ind = indicator_sheet(t, lay, "指标数据", _title("指标数据报表（统计局）"), "统计局", STAT_COLS)
    growth_cols = GROWTH_COLS
    if lay.stats in ("years", "years_sheetnames"):
        sheets = []
        for year in (2023, 2024, 2025):
            cols = [*STAT_COLS, ("G1", "value"), ("G2", "value")]
            if lay.stats == "years":
                name, title = f"{year}年", _title("指标数据报表（统计局）", year)
            else:
                name, title = str(year), "乡镇考核指标数据报表（统计局）"
            filed = FILED if year == YEAR else f"填报日期：{year + 1}年1月9日"
            g = Grid(name)
            top = _title_block(g, title, "统计局", len(cols) + 3, filed)
            rows_table(g, lay, cols, data_of(t, year), unit_order(lay, name), top)
            sheets.append(g)
        return [("统计局", "乡镇考核指标数据（统计局，2023—2025年）", sheets)]
    if lay.stats == "last_year_file":
        growth_cols = [("G1", "value"), ("G2", "value")]
    growth = indicator_sheet(t, lay, "综合指数", f"{COUNTY}{YEAR}年度乡镇综合指数基础数据（统计局）", "统计局",
                             growth_cols, axis=lay.growth_axis)
    out = [("统计局", "2025年度乡镇考核指标数据（统计局）", ind)]
    if lay.stats == "one_workbook":
        return [("统计局", "2025年度乡镇考核指标数据（统计局）", ind + growth)]
    out.append(("综合指数", "2025年度乡镇综合指数基础数据（统计局）", growth))
    if lay.stats == "last_year_file":
        old = indicator_sheet(t, lay, "综合指数", f"{COUNTY}2024年度乡镇综合指数基础数据（统计局）", "统计局",
                              [("G1", "value"), ("G2", "value")], year=2024, axis=lay.growth_axis)
        out.append(("综合指数", "2024年度乡镇综合指数基础数据（统计局）", old))
    return out


SURVEY_TITLE = f"{COUNTY}{YEAR}年度乡镇公众评议结果统计表"


def survey_sheet(t: Truth, lay: Layout, name: str, title: str, rnd: str | None = None, cat: str | None = None,
                 lines: tuple[str, ...] = ()) -> Grid:
    """A tally table: a row per unit × round × category × question. `rnd`/`cat` given: the sheet holds only that
    round/category and has no column for it (the sheet name, title or file name says it)."""
    g = Grid(name)
    heads = ["序号", lay.unit_header, *(["评议轮次"] if rnd is None else []), *(["评议群体"] if cat is None else []),
             lay.question_header, *CHOICES, UNKNOWN]
    g.line(1, title, len(heads))
    r = 2
    for text in lines:
        g.line(r, text, len(heads))
        r += 1
    for c, h in enumerate(heads, 1):
        g.put(r, c, h)
    r += 1
    rounds, cats = [rnd] if rnd else list(ROUNDS), [cat] if cat else CATEGORIES
    merged = lay.survey_merged
    round_col, cat_col = (3 if rnd is None else None), (3 + (rnd is None) if cat is None else None)
    seq = 0
    for unit in unit_order(lay, name):
        u0 = r
        for rd in rounds:
            r0 = r
            for ct in cats:
                c0 = r
                for q in QUESTIONS:
                    row = [None, unit_label(unit, lay), *([rd] if rnd is None else []), *([ct] if cat is None else []),
                           q, *t.tallies[(unit, rd, ct, q)]]
                    if not merged or r == u0:
                        seq += 1
                        row[0] = seq
                    block_start = {1: u0, 2: u0, round_col: r0, cat_col: c0}
                    for c, v in enumerate(row, 1):
                        if merged and c in block_start and r != block_start[c]:
                            continue  # inside a merged block: only its first row holds the text
                        g.put(r, c, v)
                    r += 1
                if merged and cat_col:
                    g.merge(c0, cat_col, r - 1, cat_col)
            if merged and round_col:
                g.merge(r0, round_col, r - 1, round_col)
        if merged:
            g.merge(u0, 1, r - 1, 1)
            g.merge(u0, 2, r - 1, 2)
    g.line(r, "注：不了解人数不计分，只计入样本量。", len(heads))
    return g


def survey_books(t: Truth, lay: Layout) -> list[tuple[str, str, list[Grid]]]:
    if lay.survey == "long":
        return [("公众评议", "2025年度乡镇公众评议统计表",
                 [survey_sheet(t, lay, "评议统计", SURVEY_TITLE, lines=("统计单位：县考核办　统计时间：2026年1月12日",))])]
    if lay.survey == "round_sheets":
        return [("公众评议", "2025年度乡镇公众评议统计表",
                 [survey_sheet(t, lay, f"{rnd}评议", SURVEY_TITLE, rnd=rnd) for rnd in ROUNDS])]
    out = []
    for n, rnd in enumerate(ROUNDS):
        sheets = []
        for k, cat in enumerate(CATEGORIES):
            if lay.survey == "per_category_title":
                name, title = cat, f"{COUNTY}{YEAR}年度乡镇公众评议（{rnd}评议）统计表——{cat}"
            elif lay.survey == "category_title":
                name, title = f"Sheet{k + 1}", f"{COUNTY}{YEAR}年度乡镇公众评议（{rnd}评议）统计表——{cat}"
            else:  # per_category_filename, round_nowhere: the sheet names the category, nothing in it the round
                name, title = cat, f"{COUNTY}{YEAR}年度乡镇公众评议统计表（{cat}）"
            sheets.append(survey_sheet(t, lay, name, title, rnd=rnd, cat=cat))
        stem = (f"2025年度{rnd}评议统计表" if lay.survey == "per_category_filename"
                else f"2025年度乡镇公众评议统计表（{'一二'[n]}）")
        out.append(("公众评议", stem, sheets))
    return out


REG_TITLE = _title("加减分登记表")


def register_books(t: Truth, lay: Layout) -> list[tuple[str, str, list[Grid]]]:
    adj: list[Grid] = []
    if lay.adjustments == "one":
        adj = [_register(REG_TITLE, "加减分登记", ["序号", lay.unit_header, "加减分类别", "分值", "事由", "认定部门"],
                         [(u, k, v, why, dept) for u, k, v, why, dept in t.adjustments])]
    elif lay.adjustments == "no_word":
        adj = [_register(f"{COUNTY}{YEAR}年度专项督查及察访核验登记", "登记", ["序号", lay.unit_header, "类别", "分值", "事由", "认定部门"],
                         [(u, k, v, why, dept) for u, k, v, why, dept in t.adjustments])]
    elif lay.adjustments in ("per_kind_sheet", "per_kind_title"):
        for n, kind in enumerate((BONUS, DEDUCTION)):
            rows = [(u, v, why, dept) for u, k, v, why, dept in t.adjustments if k == kind]
            if lay.adjustments == "per_kind_sheet":
                name, title = kind, REG_TITLE
            else:
                name, title = f"Sheet{n + 1}", _title(f"{kind}登记表")
            adj.append(_register(title, name, ["序号", lay.unit_header, "分值", "事由", "认定部门"], rows))
    veto = _register(_title("一票否决事项登记表"), "一票否决", ["序号", lay.unit_header, "否决事项", "认定部门", "否决原因"],
                     list(t.vetoes))
    history = Grid("2024年度结果")
    history.line(1, f"{COUNTY}2024年度乡镇目标管理绩效考核结果", 4)
    for c, h in enumerate(["名次", lay.unit_header, "总分", "等次"], 1):
        history.put(2, c, h)
    for r, (unit, (rank, total, grade)) in enumerate(sorted(t.last_year.items(), key=lambda x: x[1][0]), 3):
        history.put(r, 1, rank)
        history.put(r, 2, unit_label(unit, lay))
        history.put(r, 3, float(total), "0.00")
        history.put(r, 4, grade)
    books = []
    if lay.registers == "one_workbook":
        books.append(("登记", "2025年度考核办登记表（加减分、一票否决、上年结果）",
                      adj + [veto] + ([history] if lay.history == "own" else [])))
        return books
    if adj:
        books.append(("登记", "2025年度加减分登记表", adj))
    books.append(("登记", "2025年度一票否决登记表", [veto]))
    if lay.history == "own":
        books.append(("上年结果", "2024年度乡镇考核结果", [history]))
    return books


def _register(title: str, name: str, heads: list[str], rows: list[tuple]) -> Grid:
    g = Grid(name)
    g.line(1, title, len(heads))
    for c, h in enumerate(heads, 1):
        g.put(2, c, h)
    for r, row in enumerate(rows, 3):
        g.put(r, 1, r - 2)
        for c, v in enumerate(row, 2):
            g.put(r, c, float(v) if isinstance(v, Decimal) else v, "0.0" if isinstance(v, Decimal) else None)
    return g


FOLDER = {"统计局": "统计局", "综合指数": "统计局", "财政局": "财政局", "人社局": "人社局", "公众评议": "公众评议",
          "登记": "考核办", "上年结果": "上年结果"}


def build(t: Truth, lay: Layout) -> list[Book]:
    """Every workbook of a variant: its input/ folder as Books."""
    parts: list[tuple[str, str, list[Grid]]] = [
        *stats_books(t, lay),
        ("财政局", "2025年度乡镇考核指标数据（财政局）",
         indicator_sheet(t, lay, "指标数据", _title("指标数据报表（财政局）"), "财政局", FIN_COLS)),
        ("人社局", "2025年度乡镇考核指标数据（人社局）",
         indicator_sheet(t, lay, "指标数据", _title("指标数据报表（人社局）"), "人社局", HR_COLS)),
        *survey_books(t, lay),
        *register_books(t, lay),
    ]
    writers = dict(lay.writers)
    if lay.everything:  # one workbook, a sheet per return: 统计局指标数据, 统计局综合指数, 财政局指标数据, 评议统计…
        prefix = {"统计局": "统计局", "综合指数": "统计局", "财政局": "财政局", "人社局": "人社局"}
        sheets = [replace(g, name=prefix.get(key, "") + g.name) for key, _, grids in parts for g in grids]
        assert len({g.name for g in sheets}) == len(sheets)
        return [Book("2025年度乡镇目标管理考核数据汇总.xlsx", sheets, lay.writer)]
    books = []
    for n, (key, stem, grids) in enumerate(parts, 1):
        writer = writers.get(key, lay.writer)
        ext = {"xls": ".xls", "ods": ".ods"}.get(writer, ".xlsx")
        name = (f"附件{n}" if lay.names == "neutral" else stem) + ext
        path = name if lay.folders == "flat" else f"{FOLDER[key]}/{name}"
        books.append(Book(path, grids, writer))
    return books


# ====================================================================================== the variants
L = Layout()
VARIANTS: list[Variant] = [
    Variant("clean 标准版式", L, True),
    # -- writers and formats
    Variant("xlsxwriter 全部由xlsxwriter写", replace(L, writer="xlsxwriter"), True),
    Variant("xls 全部转为xls", replace(L, writer="xls"), True),
    Variant("ods 全部转为ods", replace(L, writer="ods"), True),
    Variant("mixed-writers 各部门不同软件", replace(L, writers=(("统计局", "xls"), ("财政局", "ods"), ("人社局", "xlsxwriter"),
                                                              ("公众评议", "xlsxwriter"))), True),
    # -- folders and file names
    Variant("flat 全部放在一个文件夹", replace(L, folders="flat"), True),
    Variant("neutral-names 文件名无含义(附件N)", replace(L, folders="flat", names="neutral"), True),
    # -- axis
    Variant("units-across 乡镇横排", replace(L, axis="across"), True),
    Variant("units-across-one-row 乡镇横排单行表头", replace(L, axis="across", header_rows="one"), True),
    Variant("units-across-xls 乡镇横排xls", replace(L, axis="across", writers=(("统计局", "xls"), ("财政局", "xls"),
                                                                        ("人社局", "xls"))), True),
    Variant("growth-across 综合指数横排", replace(L, growth_axis="across"), True),
    # -- survey
    Variant("survey-round-sheets 每轮一张表", replace(L, survey="round_sheets"), True),
    Variant("survey-category-sheets-round-in-title 每群体一表轮次在标题", replace(L, survey="per_category_title"), True),
    Variant("survey-category-sheets-round-in-filename 每群体一表轮次在文件名", replace(L, survey="per_category_filename"), True),
    Variant("survey-question-测评内容", replace(L, question_header="测评内容"), True),
    Variant("survey-question-测评项目", replace(L, question_header="测评项目"), True),
    Variant("survey-question-评价事项", replace(L, question_header="评价事项"), True),
    Variant("survey-merged-units 评议表单位跨行合并", replace(L, survey_merged=True), True),
    Variant("survey-merged-units-ods 评议表单位跨行合并ods", replace(L, survey_merged=True, writers=(("公众评议", "ods"),)), True),
    Variant("survey-category-sheets-merged-xls 每群体一表合并单元格xls",
            replace(L, survey="per_category_title", survey_merged=True, question_header="测评项目",
                    writers=(("公众评议", "xls"),)), True),
    Variant("survey-category-in-title-only 群体只在标题", replace(L, survey="category_title"), False,
            "category only in the title, sheets named Sheet1…: expected to score, not required by the issue"),
    Variant("survey-round-nowhere 轮次无处可见", replace(L, survey="round_nowhere"), False,
            "two rounds, none named in sheet, title or file name: must stop (missing input)"),
    # -- registers
    Variant("adjustments-sheet-per-kind 加减分按类别分表", replace(L, adjustments="per_kind_sheet"), True),
    Variant("adjustments-title-without-加减分 专项督查及察访核验登记", replace(L, adjustments="no_word"), True),
    Variant("adjustments-kind-in-title 类别只在标题", replace(L, adjustments="per_kind_title"), False,
            "kind only in each sheet's title (sheets Sheet1/Sheet2): expected to score, not required by the issue"),
    Variant("registers-one-workbook 登记表同一工作簿", replace(L, registers="one_workbook"), True),
    Variant("no-adjustments-register 缺加减分登记表", replace(L, adjustments="absent"), False,
            "the register is missing: must stop naming it"),
    Variant("no-history 缺上年考核结果", replace(L, history="absent"), False,
            "last year's results (progress award) are missing: must stop naming them"),
    # -- years
    Variant("years-sheets 统计局按年分表(2023/2024/2025)", replace(L, stats="years"), True),
    Variant("years-sheetnames-only 年份只在工作表名", replace(L, stats="years_sheetnames"), True),
    Variant("years-sheets-xls 按年分表xls", replace(L, stats="years", writers=(("统计局", "xls"),)), True),
    Variant("last-year-own-file 上年综合指数单独一个文件", replace(L, stats="last_year_file"), True),
    Variant("stats-one-workbook 统计局两表同一工作簿", replace(L, stats="one_workbook"), True),
    # -- unit column headers
    Variant("unit-header-乡镇（街道）", replace(L, unit_header="乡镇（街道）"), True),
    Variant("unit-header-镇别", replace(L, unit_header="镇别"), True),
    Variant("unit-header-单位 (盖章)", replace(L, unit_header="单位 (盖章)"), True),
    Variant("unit-header-empty 单位列无表头", replace(L, unit_header=""), True),
    # -- headers
    Variant("headers-bracketed 表头带（%）（万元）", replace(L, headers="bracketed"), True),
    Variant("headers-reworded 表头改写", replace(L, headers="reworded"), True),
    Variant("headers-fullwidth 全角表头和数字", replace(L, headers="fullwidth", numbers="fullwidth"), True),
    Variant("headers-one-row 单行表头", replace(L, header_rows="one", headers="bracketed"), True),
    Variant("headers-unmerged 两行表头未合并", replace(L, header_rows="unmerged"), True),
    Variant("headers-three-rows 类别三行表头", replace(L, header_rows="three"), False,
            "a category band above the names (three header rows): expected to score, not in the issue's list"),
    Variant("headers-unknown-wording 未列出的指标写法", replace(L, headers="unknown"), False,
            "a header that is neither name, id nor alias (GDP增长率) cannot be read without teaching: must stop"),
    # -- bodies
    Variant("sections-and-subtotals 分组标题与小计合计全县行", replace(L, body="sections"), True),
    Variant("sections-xlsxwriter 分组小计(公式缓存0)", replace(L, body="sections", writer="xlsxwriter"), True),
    Variant("notes-and-blank-rows 空行和备注", replace(L, body="notes"), True),
    Variant("rows-shuffled 单位顺序打乱", replace(L, body="shuffled"), True),
    Variant("unit-aliases 单位简称和空格", replace(L, body="aliases"), True),
    Variant("split-by-group 每组一张表", replace(L, split="groups"), False,
            "one sheet per group: expected to score, not in the issue's list"),
    Variant("side-by-side 两组并排", replace(L, split="side_by_side"), False,
            "rare: two unit blocks side by side in one sheet"),
    # -- numbers
    Variant("numbers-as-text 数字为带单位文本", replace(L, numbers="text"), True),
    Variant("space-thousands 空格千分位", replace(L, numbers="spaces"), True),
    Variant("percent-fraction 百分比格式小数", replace(L, percent="fraction"), True),
    Variant("percent-fraction-xls 百分比格式小数xls", replace(L, percent="fraction", writers=(("人社局", "xls"),)), True),
    Variant("percent-fraction-ods 百分比格式小数ods", replace(L, percent="fraction", writers=(("人社局", "ods"),)), True),
    Variant("percent-literal-quoted 0.0\"%\"格式", replace(L, percent="quoted"), True),
    Variant("percent-literal-backslash 0.0\\%格式", replace(L, percent="backslash"), True),
    Variant("percent-literal-xls 字面%格式xls", replace(L, percent="quoted", writers=(("人社局", "xls"),)), True),
    # -- workbooks
    Variant("everything-one-workbook 全部报表同一工作簿", replace(L, everything=True), True),
    # -- combinations of common ones
    Variant("combo-across-text-flat 横排(含综合指数)+文本数字+单文件夹",
            replace(L, axis="across", growth_axis="across", numbers="text", folders="flat", writer="xlsxwriter"), True),
    Variant("combo-sections-bracketed-percent 分组小计+带单位表头+百分比",
            replace(L, body="sections", headers="bracketed", percent="fraction", unit_header="乡镇（街道）"), True),
    Variant("combo-empty-header-years-literal 无单位表头+按年分表+字面%",
            replace(L, unit_header="", stats="years", percent="backslash"), True),
    Variant("combo-survey-filename-registers-split 轮次在文件名+登记表分表+镇别",
            replace(L, survey="per_category_filename", question_header="评价事项", adjustments="per_kind_sheet",
                    registers="one_workbook", unit_header="镇别"), True),
    Variant("combo-reworded-spaces-shuffled-ods 改写表头+空格千分位+乱序ods",
            replace(L, headers="reworded", numbers="spaces", body="shuffled", writer="xlsxwriter",
                    writers=(("统计局", "ods"), ("公众评议", "ods"))), True),
]
CLEAN = VARIANTS[0].id


def variant(vid: str) -> Variant:
    return next(v for v in VARIANTS if v.id == vid)


def slug(vid: str) -> str:
    """A folder name for a variant (its id without characters file systems dislike)."""
    return "".join("_" if ch in '/\\:*?"<>|%() ' else ch for ch in vid)


def _content_key(book: Book) -> str:
    """Books with equal keys are the same file (variants share most returns): written or converted once, copied."""
    return book.writer + repr([(g.name, sorted(g.cells.items()), sorted(g.formats.items()), g.merges)
                               for g in book.sheets])


def write_variant(t: Truth, v: Variant, folder: Path, pending: list[tuple[Path, str, Path]],
                  written: dict[str, Path] | None = None) -> None:
    """config.toml and input/ for one variant; .xls/.ods books are queued in `pending` (xlsx, format, destination).

    `written` (content key -> a file already written) lets a corpus write each distinct workbook once.
    """
    written = {} if written is None else written
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(SCHEME_TOML, encoding="utf-8")
    staging = folder.parent / ".lo-staging"
    for book in build(t, v.layout):
        dest = folder / "input" / book.path
        key = _content_key(book)
        if key in written:
            if book.writer in ("xls", "ods"):
                pending.append((written[key], book.writer, dest))  # the same conversion, copied once it exists
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(written[key], dest)
            continue
        if book.writer == "xlsxwriter":
            save_xlsxwriter(book, dest)
            written[key] = dest
        elif book.writer in ("xls", "ods"):
            src = staging / f"{len(written):04d}.xlsx"
            save_openpyxl(book, src)
            pending.append((src, book.writer, dest))
            written[key] = src
        else:
            save_openpyxl(book, dest)
            written[key] = dest


def convert(pending: list[tuple[Path, str, Path]], profile: Path) -> None:
    """One LibreOffice headless call per target format for every distinct queued workbook, then copy each into place."""
    for fmt in ("xls", "ods"):
        jobs = [(src, dest) for src, f, dest in pending if f == fmt]
        sources = list(dict.fromkeys(src for src, _ in jobs))
        if not sources:
            continue
        outdir = sources[0].parent / f"out-{fmt}"
        subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                        "--convert-to", fmt, "--outdir", str(outdir), *map(str, sources)],
                       check=True, capture_output=True, timeout=600)
        for src, dest in jobs:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(outdir / f"{src.stem}.{fmt}", dest)


def write_corpus(root: Path, variants: list[Variant] = VARIANTS) -> tuple[dict[str, Path], bool]:
    """Every variant under root/<slug>/; returns (id -> folder, whether the LibreOffice ones were converted)."""
    t = make_truth()
    pending: list[tuple[Path, str, Path]] = []
    folders: dict[str, Path] = {}
    written: dict[str, Path] = {}
    for v in variants:
        folders[v.id] = root / slug(v.id)
        write_variant(t, v, folders[v.id], pending, written)
    converted = bool(SOFFICE) and bool(pending)
    if converted:
        convert(pending, (root / ".lo-profile").resolve())
    shutil.rmtree(root / ".lo-staging", ignore_errors=True)
    return folders, converted or not pending


def needs_soffice(v: Variant) -> bool:
    return any(b.writer in ("xls", "ods") for b in build(make_truth(), v.layout))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("用法：python tests/layout_corpus.py 输出文件夹")
    out = Path(sys.argv[1]).resolve()
    written, ok = write_corpus(out)
    for vid, path in written.items():
        print(f"{vid}\t{path}")
    if not ok:
        print("未找到 LibreOffice（soffice），.xls/.ods 版式未生成", file=sys.stderr)
