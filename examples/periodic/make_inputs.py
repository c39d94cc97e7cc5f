"""Write the filled-in returns of the 定期考核 (periodic checks) example into examples/periodic/input/.

Usage::

    python examples/periodic/make_inputs.py [FOLDER]      # default: the folder of this script

Scheme: 桐溪县 assesses its 8 townships — 季度考核 40 % (the mean of four quarterly checks, each scored from that
quarter's returns by the indicators' own methods, each quarter's cohort apart) + 年终考评 60 % (the same 7
indicators on the full year's returns); see config.toml.

Three data departments file one return per quarter and one for the year, the same indicators each time:

* 统计局       A1 地区生产总值增速 %, A2 固定资产投资完成额 万元 (目标任务 / 完成值; 年度目标 at the year-end),
               A3 社会消费品零售总额增速 %; two-row merged header, a typed 合计 row (the two 万元 columns)
* 农业农村局   B1 农村人居环境整治达标率 % (every one stored as a fraction in a 0.0% cell), B2 新增新型农业经营主体 个;
               a typed 合计 row (B2)
* 信访局       C1 越级信访件数 件, C2 重复信访率 %; a 合计 row of =SUM formulas (C1)

Each quarter's returns say which quarter they hold the way offices do (kaohe reads the sheet name, the title, the
file name and the folders, in that order; 方案编写指南 §5.6, §13.3):

* 第一季度 — the file name:   input/<部门>/2025年第一季度乡镇考核指标数据（<部门>）.xlsx
* 第二季度 — the sheet name:  input/<部门>/2025年乡镇考核指标季报（<部门>）.xlsx, sheet “二季度”
* 第三季度 — the folder:      input/第三季度/乡镇考核指标数据（<部门>）.xlsx
* 第四季度 — the title:       input/<部门>/2025年10—12月乡镇考核指标数据（<部门>）.xlsx, titled “桐溪县2025年第4季度……”
* 年终 — no quarter anywhere: input/<部门>/2025年度乡镇考核指标数据（<部门>）.xlsx

with title rows, 填报单位/日期 lines, 说明 (the 统计期) and signature lines, and a little realistic mess that must
still read cleanly (``MESS`` below): short and official full names (aliases), a stray space, numbers stored as text
(“99,650”, “-0.8”, “6个”, “5件”, “3.9%”), full-width digits, rates stored as fractions in percentage cells.

Every value is fixed here; workbook properties and zip timestamps are pinned, so running the script twice writes
byte-identical files (with the same openpyxl/zlib).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/, for xlsx_kit
import xlsx_kit  # noqa: E402
from xlsx_kit import CENTER, HEAD_FONT, LEFT, RIGHT, TITLE_FONT, fullwidth, line, put, widths  # noqa: E402

HERE = Path(__file__).resolve().parent
YEAR = 2025
COUNTY = "桐溪县"

UNITS = ["桐溪镇", "白沙镇", "青龙镇", "石桥镇", "桃源乡", "柳河镇", "金山乡", "凤鸣镇"]
QUARTERS = ["第一季度", "第二季度", "第三季度", "第四季度"]
ANNUAL = "年度"
PERIODS = QUARTERS + [ANNUAL]

# When each period's returns were filed: the workbooks' created/modified times and zip timestamps.
FILED = {
    "第一季度": dt.datetime(2025, 4, 8, 9, 0, 0),
    "第二季度": dt.datetime(2025, 7, 8, 9, 0, 0),
    "第三季度": dt.datetime(2025, 10, 10, 9, 0, 0),
    "第四季度": dt.datetime(2026, 1, 7, 9, 0, 0),
    "年度": dt.datetime(2026, 1, 9, 9, 0, 0),
}
SPAN = {"第一季度": "1月1日至3月31日", "第二季度": "4月1日至6月30日", "第三季度": "7月1日至9月30日",
        "第四季度": "10月1日至12月31日", "年度": "1月1日至12月31日"}

# ------------------------------------------------------------------------------------------------ the data
# Per period, per township. Quarterly figures are the quarter's own (当季); the year-end's counts and amounts are
# the sums of the four quarters, its rates the year's.

# 统计局: (A1 地区生产总值增速 %, A2 固定资产投资 (目标, 完成) 万元, A3 社会消费品零售总额增速 %)
STATS = {
    "第一季度": {
        "桐溪镇": ("6.8", (19200, 20350), "7.2"), "白沙镇": ("6.2", (12400, 12900), "6.5"),
        "青龙镇": ("5.4", (10800, 9800), "5.1"), "石桥镇": ("4.8", (9600, 8700), "4.6"),
        "桃源乡": ("3.9", (6000, 6300), "3.2"), "柳河镇": ("5.9", (9000, 9400), "6.1"),
        "金山乡": ("-0.8", (5200, 2300), "1.6"), "凤鸣镇": ("4.4", (8000, 7600), "4.0"),
    },
    "第二季度": {
        "桐溪镇": ("7.1", (24000, 24800), "7.5"), "白沙镇": ("6.5", (15500, 15200), "6.8"),
        "青龙镇": ("5.9", (13500, 13400), "5.6"), "石桥镇": ("5.2", (12000, 11600), "4.9"),
        "桃源乡": ("4.6", (7500, 7900), "4.1"), "柳河镇": ("6.3", (11250, 11700), "6.4"),
        "金山乡": ("2.1", (6500, 5100), "2.8"), "凤鸣镇": ("4.9", (10000, 9900), "4.7"),
    },
    "第三季度": {
        "桐溪镇": ("7.4", (28800, 29600), "7.8"), "白沙镇": ("6.6", (18600, 18950), "6.9"),
        "青龙镇": ("6.1", (16200, 16500), "5.9"), "石桥镇": ("5.0", (14400, 13900), "5.2"),
        "桃源乡": ("5.3", (9000, 9300), "4.8"), "柳河镇": ("6.0", (13500, 13600), "6.2"),
        "金山乡": ("3.5", (7800, 7600), "3.9"), "凤鸣镇": ("5.5", (12000, 12300), "5.3"),
    },
    "第四季度": {
        "桐溪镇": ("7.2", (24000, 24900), "8.1"), "白沙镇": ("6.9", (15500, 14800), "7.0"),
        "青龙镇": ("6.4", (13500, 14200), "6.3"), "石桥镇": ("5.6", (12000, 12500), "5.5"),
        "桃源乡": ("5.8", (7500, 7800), "5.2"), "柳河镇": ("6.2", (11250, 10400), "6.6"),
        "金山乡": ("4.2", (6500, 6800), "4.5"), "凤鸣镇": ("6.0", (10000, 10600), "5.9"),
    },
    "年度": {
        "桐溪镇": ("7.3", (96000, 99650), "7.7"), "白沙镇": ("6.6", (62000, 61850), "6.8"),
        "青龙镇": ("6.0", (54000, 53900), "5.8"), "石桥镇": ("5.2", (48000, 46700), "5.1"),
        "桃源乡": ("4.9", (30000, 31300), "4.4"), "柳河镇": ("6.1", (45000, 45100), "6.3"),
        "金山乡": ("2.4", (26000, 21800), "3.2"), "凤鸣镇": ("5.2", (40000, 40400), "5.0"),
    },
}
STATS_REMARKS = {
    ("第一季度", "金山乡"): "金山工业园标准化厂房项目受征地影响延期开工",
    ("第四季度", "柳河镇"): "柳河大桥项目冬季停工",
}

# 农业农村局: (B1 农村人居环境整治达标率 %, B2 新增新型农业经营主体 个)
AGRI = {
    "第一季度": {"桐溪镇": ("91.5", 5), "白沙镇": ("90.2", 4), "青龙镇": ("88.6", 6), "石桥镇": ("87.3", 3),
                 "桃源乡": ("85.8", 2), "柳河镇": ("89.9", 4), "金山乡": ("84.2", 1), "凤鸣镇": ("88.0", 3)},
    "第二季度": {"桐溪镇": ("92.0", 6), "白沙镇": ("91.0", 5), "青龙镇": ("89.5", 4), "石桥镇": ("88.1", 4),
                 "桃源乡": ("87.4", 3), "柳河镇": ("90.6", 5), "金山乡": ("86.0", 2), "凤鸣镇": ("88.8", 3)},
    "第三季度": {"桐溪镇": ("93.2", 4), "白沙镇": ("92.4", 6), "青龙镇": ("90.3", 5), "石桥镇": ("89.4", 3),
                 "桃源乡": ("88.2", 4), "柳河镇": ("90.1", 4), "金山乡": ("87.5", 2), "凤鸣镇": ("89.9", 4)},
    "第四季度": {"桐溪镇": ("94.0", 5), "白沙镇": ("92.8", 4), "青龙镇": ("91.2", 6), "石桥镇": ("90.0", 5),
                 "桃源乡": ("89.6", 3), "柳河镇": ("91.5", 4), "金山乡": ("88.4", 3), "凤鸣镇": ("90.5", 4)},
    "年度": {"桐溪镇": ("93.6", 20), "白沙镇": ("92.1", 19), "青龙镇": ("90.4", 21), "石桥镇": ("89.1", 15),
             "桃源乡": ("88.5", 12), "柳河镇": ("90.8", 17), "金山乡": ("86.9", 8), "凤鸣镇": ("89.7", 14)},
}

# 信访局: (C1 越级信访件数 件, C2 重复信访率 %)
PETITIONS = {
    "第一季度": {"桐溪镇": (1, "6.5"), "白沙镇": (0, "4.8"), "青龙镇": (2, "8.2"), "石桥镇": (0, "5.5"),
                 "桃源乡": (0, "3.6"), "柳河镇": (1, "7.1"), "金山乡": (3, "9.4"), "凤鸣镇": (0, "5.0")},
    "第二季度": {"桐溪镇": (0, "5.8"), "白沙镇": (0, "4.5"), "青龙镇": (1, "7.4"), "石桥镇": (1, "5.9"),
                 "桃源乡": (0, "3.9"), "柳河镇": (2, "7.8"), "金山乡": (2, "8.7"), "凤鸣镇": (1, "5.3")},
    "第三季度": {"桐溪镇": (1, "6.1"), "白沙镇": (0, "4.2"), "青龙镇": (0, "6.9"), "石桥镇": (0, "5.1"),
                 "桃源乡": (1, "4.4"), "柳河镇": (1, "6.6"), "金山乡": (2, "8.1"), "凤鸣镇": (0, "4.7")},
    "第四季度": {"桐溪镇": (0, "5.2"), "白沙镇": (1, "4.6"), "青龙镇": (1, "6.3"), "石桥镇": (0, "4.9"),
                 "桃源乡": (0, "3.8"), "柳河镇": (1, "6.8"), "金山乡": (1, "7.5"), "凤鸣镇": (0, "4.4")},
    "年度": {"桐溪镇": (2, "5.9"), "白沙镇": (1, "4.5"), "青龙镇": (4, "7.2"), "石桥镇": (1, "5.4"),
             "桃源乡": (1, "3.9"), "柳河镇": (5, "7.1"), "金山乡": (8, "8.4"), "凤鸣镇": (1, "4.9")},
}
PETITION_REMARKS = {
    ("第一季度", "金山乡"): "征地补偿群体访3件",
    ("年度", "柳河镇"): "涉及柳河大桥征迁",
}

# Messy-but-valid cells: (department, period or "*", township, what) -> how the cell is written.
MESS = {
    ("统计局", "*", "桃源乡", "name"): "桃源",                      # short name (alias), every 统计局 return
    ("统计局", "第一季度", "金山乡", "A1"): "-0.8",                  # a negative rate stored as text
    ("统计局", "第三季度", "石桥镇", "A3"): fullwidth("5.2"),        # full-width digits “５．２”
    ("统计局", "年度", "桐溪镇", "A2"): "99,650",                    # number as text with a thousands separator
    ("农业农村局", "*", "凤鸣镇", "name"): "桐溪县凤鸣镇",           # official full name (alias)
    ("农业农村局", "*", "*", "B1"): "percent",                       # every 达标率 stored as 0.915 in a 0.0% cell
    ("农业农村局", "第二季度", "柳河镇", "B2"): "5个",               # count as text with its unit word
    ("信访局", "*", "桐溪镇", "name"): "桐溪",                      # short name (alias)
    ("信访局", "第二季度", "桃源乡", "C2"): "3.9%",                  # percentage as text
    ("信访局", "第三季度", "金山乡", "C2"): fullwidth("8.1"),        # full-width digits “８．１”
    ("信访局", "第四季度", "白沙镇", "name"): "白沙镇 ",             # stray trailing space
    ("信访局", "年度", "柳河镇", "C1"): "5件",                       # count as text with its unit word
}


def number(text):
    """The clean cell value of a figure given as text here: an int or a float, as an office types it."""
    if not isinstance(text, str):
        return text
    return int(text) if re.fullmatch(r"-?\d+", text) else float(text)


def stored(dept: str, period: str, unit: str, what: str, value):
    """The cell as written: the clean value, or its messy form from MESS."""
    for key in ((dept, period, unit, what), (dept, "*", unit, what)):
        if key in MESS:
            return MESS[key]
    return value


# ------------------------------------------------------------------------------------------------ writing
DEPARTMENTS = {  # department -> (sheet name, topic of the title, unit column header, filer, signer)
    "统计局": ("经济指标", "主要经济指标完成情况表", "乡镇",
               "填表人：刘晓红        审核人：陈建国        联系电话：0571-6602318"),
    "农业农村局": ("农业农村", "农业农村工作指标完成情况表", "乡镇名称",
                   "填表人：王丽娟        审核人：张德明        联系电话：0571-6602457"),
    "信访局": ("信访工作", "信访工作指标情况表", "单位",
               "填表人：赵敏        审核人：孙卫国        联系电话：0571-6602533"),
}


def where(dept: str, period: str) -> tuple[str, str, str]:
    """(path under input/, sheet name, title) of a department's return for a period: the quarter is named in the
    file name (第一季度), the sheet name (第二季度), the folder (第三季度) or the title (第四季度); never at the
    year-end."""
    sheet, topic, _, _ = DEPARTMENTS[dept]
    plain = f"{COUNTY}乡镇{topic}"
    if period == "第一季度":
        return f"{dept}/{YEAR}年第一季度乡镇考核指标数据（{dept}）.xlsx", sheet, plain
    if period == "第二季度":
        return f"{dept}/{YEAR}年乡镇考核指标季报（{dept}）.xlsx", "二季度", plain
    if period == "第三季度":
        return f"第三季度/乡镇考核指标数据（{dept}）.xlsx", sheet, plain
    if period == "第四季度":
        return f"{dept}/{YEAR}年10—12月乡镇考核指标数据（{dept}）.xlsx", sheet, f"{COUNTY}{YEAR}年第4季度乡镇{topic}"
    return f"{dept}/{YEAR}年度乡镇考核指标数据（{dept}）.xlsx", sheet, f"{COUNTY}{YEAR}年度乡镇{topic}"


def filed_on(period: str) -> str:
    when = FILED[period]
    return f"{when.year}年{when.month}月{when.day}日"


def header_block(ws, columns: list[tuple[str, list[str] | None]], unit_header: str) -> int:
    """Rows 3–4: 序号 | unit header | indicators (a label over its sub-labels, or spanning both rows) | 备注.
    Returns the number of columns."""
    n_cols = 2 + sum(len(subs) if subs else 1 for _, subs in columns) + 1
    for r in (3, 4):
        for c in range(1, n_cols + 1):
            put(ws, r, c, None, HEAD_FONT)
    for col, text in ((1, "序号"), (2, unit_header), (n_cols, "备注")):
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        put(ws, 3, col, text, HEAD_FONT)
    col = 3
    for label, subs in columns:
        put(ws, 3, col, label, HEAD_FONT)
        if not subs:
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
            col += 1
            continue
        ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + len(subs) - 1)
        for k, sub in enumerate(subs):
            put(ws, 4, col + k, sub, HEAD_FONT)
        col += len(subs)
    ws.row_dimensions[3].height = 36
    ws.row_dimensions[4].height = 22
    return n_cols


def write_return(folder: Path, dept: str, period: str, columns, cells, total, widths_: list[float],
                 notes: str) -> Path:
    """One department's return for one period: title, 填报单位/日期, a two-row header, one row per township,
    a 合计 row (`total(first_row, last_row)` gives its cells from column 3 on), 说明 and signatures."""
    rel, sheet, title = where(dept, period)
    _, _, unit_header, signer = DEPARTMENTS[dept]
    when = FILED[period]
    wb, ws = xlsx_kit.new_workbook(sheet, creator=f"{COUNTY}{dept}", when=when)
    n_cols = 2 + sum(len(subs) if subs else 1 for _, subs in columns) + 1
    line(ws, 1, title, n_cols, font=TITLE_FONT, align=CENTER, height=34)
    line(ws, 2, f"填报单位：{COUNTY}{dept}（盖章）", 3)
    line(ws, 2, f"填报日期：{filed_on(period)}", n_cols, first_col=4, align=RIGHT)
    header_block(ws, columns, unit_header)
    row = 5
    for k, unit in enumerate(UNITS, start=1):
        put(ws, row, 1, k)
        put(ws, row, 2, stored(dept, period, unit, "name", unit))
        values, remark = cells(unit)
        for j, (value, fmt) in enumerate(values):
            put(ws, row, 3 + j, value, fmt=fmt)
        put(ws, row, n_cols, remark, align=LEFT)
        row += 1
    put(ws, row, 1, None)
    put(ws, row, 2, "合计")
    for j, (value, fmt) in enumerate(total(5, row - 1)):
        put(ws, row, 3 + j, value, fmt=fmt)
    put(ws, row, n_cols, None)
    line(ws, row + 1, f"说明：统计期为{YEAR}年{SPAN[period]}。{notes}", n_cols, height=32)
    line(ws, row + 2, signer, n_cols)
    widths(ws, widths_)
    ws.freeze_panes = "C5"
    path = folder / "input" / rel
    xlsx_kit.save(wb, path, when=when)
    return path


def write_stats(folder: Path, period: str) -> Path:
    dept = "统计局"
    target = "年度目标" if period == ANNUAL else "目标任务"
    columns = [("地区生产总值增速（%）", None), ("固定资产投资完成额（万元）", [target, "完成值"]),
               ("社会消费品零售总额增速（%）", None)]
    data = STATS[period]

    def cells(unit):
        a1, (a2_target, a2), a3 = data[unit]
        return [
            (stored(dept, period, unit, "A1", number(a1)), "0.0"),
            (a2_target, "#,##0"), (stored(dept, period, unit, "A2", a2), "#,##0"),
            (stored(dept, period, unit, "A3", number(a3)), "0.0"),
        ], STATS_REMARKS.get((period, unit))

    def total(first, last):  # the two 万元 columns summed (typed in, as the office computed them); no rate totals
        return [("—", None), (sum(data[u][1][0] for u in UNITS), "#,##0"),
                (sum(data[u][1][1] for u in UNITS), "#,##0"), ("—", None)]

    return write_return(folder, dept, period, columns, cells, total, [6, 12, 14, 12, 12, 14, 30],
                        "地区生产总值增速、社会消费品零售总额增速为可比价同比增速；固定资产投资为统计期内完成的500万元以上项目投资。")


def write_agri(folder: Path, period: str) -> Path:
    dept = "农业农村局"
    columns = [("农村人居环境整治达标率（%）", None), ("新增新型农业经营主体（个）", None)]
    data = AGRI[period]

    def cells(unit):
        b1, b2 = data[unit]
        return [
            (float(Decimal(b1) / 100), "0.0%"),  # MESS: stored as a fraction (0.915) in a percentage cell
            (stored(dept, period, unit, "B2", b2), "0"),
        ], None

    def total(first, last):
        return [("—", None), (sum(data[u][1] for u in UNITS), "0")]

    return write_return(folder, dept, period, columns, cells, total, [6, 16, 18, 18, 24],
                        "新型农业经营主体含家庭农场、农民合作社，以县农业农村局名录为准。")


def write_petitions(folder: Path, period: str) -> Path:
    dept = "信访局"
    columns = [("越级信访件数（件）", None), ("重复信访率（%）", None)]
    data = PETITIONS[period]

    def cells(unit):
        c1, c2 = data[unit]
        return [
            (stored(dept, period, unit, "C1", c1), "0"),
            (stored(dept, period, unit, "C2", number(c2)), "0.0"),
        ], PETITION_REMARKS.get((period, unit))

    def total(first, last):  # left as a formula, as offices leave it (never recalculated here)
        return [(f"=SUM(C{first}:C{last})", "0"), ("—", None)]

    return write_return(folder, dept, period, columns, cells, total, [6, 14, 16, 16, 24],
                        "越级信访件数以省、市信访信息系统登记为准；重复信访率 = 重复信访件数 ÷ 信访总件数 × 100%。")


def generate(folder: Path = HERE) -> list[Path]:
    folder = Path(folder)
    return [write(folder, period) for period in PERIODS for write in (write_stats, write_agri, write_petitions)]


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for p in generate(out):
        print(p.relative_to(out))
