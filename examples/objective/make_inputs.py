"""Write the filled-in returns of the objective-weighting example into examples/objective/input/.

Usage::

    python examples/objective/make_inputs.py [FOLDER]      # default: the folder of this script

Scheme: 云岭县 rates its 12 townships (平原乡镇 6, 山区乡镇 6) on 6 indicators, each scored by efficacy coefficient
(100 × (0.6 + 0.4 × d), the sample's best and worst over all 12); 经济发展 (E1 E2 E3) is their weighted mean with
熵权法 weights, 社会民生 (S1 S2 S3) with CRITIC weights, both weights derived from this year's values; the total is
the mean of the two categories. S2 每千人卫生技术人员数 has `missing = "group_mean"`: 松岭乡 left it blank, so it
takes the mean of the other 山区乡镇; see config.toml.

The returns look like what a county statistics bureau and an assessment office receive:

* input/统计局/2025年度分乡镇主要经济社会指标统计表（统计局）.xlsx    E1 E2 E3 S1, two-row header (经济发展 merged
                                                                    over its three columns), a typed 全县 row
* input/卫健局教育局/2025年度分乡镇社会民生指标统计表（卫健局 教育局）.xlsx  S2 (filled by 县卫健局) and S3 (by
                                                                    县教育局), two-row header, 山区乡镇 listed
                                                                    first, a 全县 row of formulas

with title rows, 填报单位/日期 lines, merged group heading rows (一、平原乡镇 / 二、山区乡镇), notes and signature
lines, and a little realistic mess that must still read cleanly (``MESS`` below): short names (aliases), a stray
space, numbers stored as text (a thousands separator, the unit word 元), full-width digits, the 义务教育巩固率 stored
as fractions in cells formatted as percentages, the alias 规上工业增加值增速 as a header, and 松岭乡's blank
每千人卫生技术人员数 with a 备注 saying why.

Every value is fixed here; workbook properties and zip timestamps are pinned, so running the script twice writes
byte-identical files (with the same openpyxl/zlib).
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from functools import partial
from pathlib import Path

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/, for xlsx_kit
import xlsx_kit  # noqa: E402
from xlsx_kit import BORDER, CENTER, HEAD_FONT, LEFT, RIGHT, TITLE_FONT, fullwidth, line, put, widths  # noqa: E402

HERE = Path(__file__).resolve().parent
YEAR = 2025
COUNTY = "云岭县"
FIXED_TIME = dt.datetime(2026, 1, 9, 9, 0, 0)

PLAIN = ["城关镇", "河西镇", "柳营镇", "新集镇", "王店镇", "东湖镇"]
MOUNTAIN = ["青山乡", "石门乡", "白云乡", "龙潭镇", "松岭乡", "马岭乡"]
UNITS = PLAIN + MOUNTAIN

# ------------------------------------------------------------------------------------------------ the data

# 统计局: E1 人均地区生产总值 元, E2 规模以上工业增加值增速 %, E3 农村居民人均可支配收入 元, S1 城镇登记失业率 %,
# 备注. Figures as text, as the bureau's 统计年报 gives them.
STATS = {
    "城关镇": ("86420", "9.6", "23860", "3.6", "县城所在地"),
    "河西镇": ("72350", "11.8", "22140", "2.8", None),
    "柳营镇": ("65180", "7.2", "21570", "3.1", None),
    "新集镇": ("58760", "4.5", "20930", "2.5", None),
    "王店镇": ("61240", "-1.6", "19880", "3.4", "重点企业停产技改"),
    "东湖镇": ("69930", "6.3", "22680", "2.2", None),
    "青山乡": ("41260", "8.9", "17650", "2.9", None),
    "石门乡": ("33580", "3.2", "15920", "3.8", None),
    "白云乡": ("29740", "-2.4", "15130", "3.3", "矿山整治关停"),
    "龙潭镇": ("47810", "10.5", "18460", "2.6", None),
    "松岭乡": ("36920", "5.7", "16780", "4.3", None),
    "马岭乡": ("31450", "1.4", "15460", "3.5", None),
}
# The bureau's county-wide figures on its 全县 line (not a sum of the townships: every figure is a rate or per head).
STATS_COUNTY = ("56830", "6.1", "19620", "3.1")

# 卫健局: S2 每千人卫生技术人员数 人 (松岭乡 blank); 教育局: S3 义务教育巩固率 %; 备注.
SOCIAL = {
    "城关镇": ("8.4", "99.2", None),
    "河西镇": ("6.9", "98.6", None),
    "柳营镇": ("6.2", "98.9", None),
    "新集镇": ("5.8", "97.8", None),
    "王店镇": ("5.1", "98.1", None),
    "东湖镇": ("7.3", "99.5", None),
    "青山乡": ("5.4", "96.9", None),
    "石门乡": ("4.6", "95.4", None),
    "白云乡": ("4.9", "94.7", None),
    "龙潭镇": ("6.1", "97.6", None),
    "松岭乡": (None, "96.2", "乡卫生院改扩建，人员划转中，卫生技术人员数暂缺"),
    "马岭乡": ("4.3", "93.8", "含易地扶贫搬迁安置点学校"),
}

# Messy-but-valid cells: (return, unit, what) -> how the cell is written. Each must read as the office meant.
MESS = {
    ("统计局", "城关镇", "name"): "城关",                        # short name (alias)
    ("统计局", "河西镇", "E1"): "72,350",                        # number as text with a thousands separator
    ("统计局", "松岭乡", "E3"): "16780元",                       # number as text with its unit word
    ("统计局", "石门乡", "S1"): "fullwidth",                     # "３．８"
    ("统计局", "马岭乡", "name"): "马岭乡 ",                     # stray trailing space
    ("统计局", "*", "E2"): "text",                               # every 增速 stored as text ("-1.6")
    ("社会", "龙潭镇", "name"): "龙潭",                          # short name (alias)
    ("社会", "龙潭镇", "S2"): "fullwidth",                       # "６．１"
    ("社会", "*", "S3"): "percent",                              # every 巩固率 stored as 0.992 in a 0.0% cell
    ("社会", "*", "order"): "mountain first",                    # 山区乡镇 listed before 平原乡镇
}


def number(text: str):
    """The clean cell value of a figure given as text here: an int or a float, as an office types it."""
    return int(text) if text.lstrip("-").isdigit() else float(text)


def stored(ret: str, unit: str, what: str, text: str | None):
    """The cell as written: the clean number, or its messy form from MESS (None stays an empty cell)."""
    if text is None:
        return None
    how = MESS.get((ret, unit, what), MESS.get((ret, "*", what)))
    if how == "fullwidth":
        return fullwidth(text)
    if how == "text":
        return text
    if how == "percent":
        return float(Decimal(text) / 100)
    return how if how is not None else number(text)


# ------------------------------------------------------------------------------------------------ writing

new_workbook = partial(xlsx_kit.new_workbook, creator="云岭县统计局", when=FIXED_TIME)
save = partial(xlsx_kit.save, when=FIXED_TIME)

GROUP_FONT = Font(name="黑体", size=11, bold=True)


def group_heading(ws, row: int, text: str, last_col: int) -> None:
    """A bordered heading row (一、平原乡镇) merged across the whole table: the text sits in column A only."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    put(ws, row, 1, text, GROUP_FONT, LEFT)
    for c in range(2, last_col + 1):
        ws.cell(row=row, column=c).border = BORDER


def head(ws, title: str, dept: str, date: str, n_cols: int) -> None:
    line(ws, 1, title, n_cols, font=TITLE_FONT, align=CENTER, height=34)
    line(ws, 2, f"填报单位：{dept}（盖章）", 3)
    line(ws, 2, f"填报日期：{date}", n_cols, first_col=n_cols - 1, align=RIGHT)


def header_block(ws, groups: list[tuple[str, list[str]]], unit_header: str) -> int:
    """Rows 3–4: 序号 | unit header | a group label merged over its columns' headers | 备注. Returns the column count."""
    n_cols = 2 + sum(len(cols) for _, cols in groups) + 1
    for r in (3, 4):
        for c in range(1, n_cols + 1):
            put(ws, r, c, None, HEAD_FONT)
    for col, text in ((1, "序号"), (2, unit_header), (n_cols, "备注")):
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        put(ws, 3, col, text, HEAD_FONT)
    col = 3
    for label, cols in groups:
        if len(cols) > 1:
            ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + len(cols) - 1)
        put(ws, 3, col, label, HEAD_FONT)
        for k, text in enumerate(cols):
            put(ws, 4, col + k, text, HEAD_FONT)
        col += len(cols)
    ws.row_dimensions[3].height = 24
    ws.row_dimensions[4].height = 42
    return n_cols


def body(ws, first_row: int, ret: str, cells, n_cols: int, groups) -> int:
    """Group heading rows and one row per unit; `cells(unit)` gives ([(value, number format), ...], 备注) for
    columns 3…. Returns the next free row."""
    row, k = first_row, 0
    for heading, members in groups:
        group_heading(ws, row, heading, n_cols)
        row += 1
        for unit in members:
            k += 1
            put(ws, row, 1, k)
            put(ws, row, 2, MESS.get((ret, unit, "name"), unit))
            values, remark = cells(unit)
            for j, (value, fmt) in enumerate(values):
                put(ws, row, 3 + j, value, fmt=fmt)
            put(ws, row, n_cols, remark, align=LEFT)
            row += 1
    return row


def write_stats(folder: Path) -> Path:
    ret = "统计局"
    wb, ws = new_workbook("分乡镇指标")
    n_cols = header_block(ws, [("经济发展", ["人均地区生产总值（元）", "规上工业增加值增速（%）",
                                            "农村居民人均可支配收入（元）"]),
                               ("社会民生", ["城镇登记失业率（%）"])], "乡镇名称")
    head(ws, f"{COUNTY}{YEAR}年分乡镇主要经济社会指标统计表", "县统计局", f"{YEAR + 1}年1月8日", n_cols)
    formats = ("#,##0", "0.0", "#,##0", "0.0")

    def cells(unit):
        *values, remark = STATS[unit]
        return [(stored(ret, unit, what, v), fmt) for what, v, fmt in zip(("E1", "E2", "E3", "S1"), values, formats)], \
            remark

    row = body(ws, 5, ret, cells, n_cols, [("一、平原乡镇", PLAIN), ("二、山区乡镇", MOUNTAIN)])
    put(ws, row, 1, None)
    put(ws, row, 2, "全县")  # the county's own figures, typed: rates and per-head values are not sums
    for j, (v, fmt) in enumerate(zip(STATS_COUNTY, formats)):
        put(ws, row, 3 + j, number(v), fmt=fmt)
    put(ws, row, n_cols, "全县数据按县级核算口径", align=LEFT)
    line(ws, row + 1, "说明：1.人均地区生产总值按常住人口计算，增速按可比价格计算；2.农村居民人均可支配收入来自"
                      "住户收支与生活状况调查；3.城镇登记失业率由县人社局提供。", n_cols, height=32)
    line(ws, row + 2, "单位负责人：周立新        统计负责人：韩雪        填表人：马文静        联系电话：0871-6231045",
         n_cols)
    widths(ws, [6, 14, 16, 16, 18, 14, 22])
    ws.freeze_panes = "C5"
    path = folder / "input" / "统计局" / f"{YEAR}年度分乡镇主要经济社会指标统计表（统计局）.xlsx"
    save(wb, path)
    return path


def write_social(folder: Path) -> Path:
    ret = "社会"
    wb, ws = new_workbook("社会民生")
    wb.properties.creator = wb.properties.lastModifiedBy = "云岭县卫生健康局"
    n_cols = header_block(ws, [("县卫健局填报", ["每千人卫生技术人员数（人）"]),
                               ("县教育局填报", ["义务教育巩固率（%）"])], "乡镇")
    head(ws, f"{COUNTY}{YEAR}年度分乡镇社会民生指标统计表", "县卫健局、县教育局", f"{YEAR + 1}年1月7日", n_cols)

    def cells(unit):
        s2, s3, remark = SOCIAL[unit]
        return [(stored(ret, unit, "S2", s2), "0.0"), (stored(ret, unit, "S3", s3), "0.0%")], remark

    # MESS: this return lists the mountain townships first
    row = body(ws, 5, ret, cells, n_cols, [("一、山区乡镇", MOUNTAIN), ("二、平原乡镇", PLAIN)])
    put(ws, row, 1, None)
    put(ws, row, 2, "全县")  # formulas the clerk left (never recalculated here)
    for c, fmt in ((3, "0.0"), (4, "0.0%")):
        L = get_column_letter(c)
        put(ws, row, c, f"=ROUND(AVERAGE({L}6:{L}11,{L}13:{L}18),3)", fmt=fmt)
    put(ws, row, n_cols, "各乡镇简单平均", align=LEFT)
    line(ws, row + 1, "说明：1.每千人卫生技术人员数 = 卫生技术人员数 ÷ 常住人口 × 1000，含乡镇卫生院、村卫生室和民营"
                      "医疗机构；2.义务教育巩固率 = 初中毕业班学生数 ÷ 该年级入小学一年级时学生数 × 100%。", n_cols,
         height=44)
    line(ws, row + 2, "县卫健局填表人：杨海燕  联系电话：0871-6232217        县教育局填表人：刘建军  联系电话：0871-6235580",
         n_cols)
    widths(ws, [6, 12, 20, 18, 36])
    ws.freeze_panes = "C5"
    path = folder / "input" / "卫健局教育局" / f"{YEAR}年度分乡镇社会民生指标统计表（卫健局 教育局）.xlsx"
    save(wb, path)
    return path


def generate(folder: Path = HERE) -> list[Path]:
    folder = Path(folder)
    return [write_stats(folder), write_social(folder)]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for p in generate(target):
        print(p.relative_to(target))
