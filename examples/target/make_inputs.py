"""Write the filled-in returns of the 争先进位 target example into examples/target/input/.

Usage::

    python examples/target/make_inputs.py [FOLDER]      # default: the folder of this script

Scheme: 青石镇 assesses its 6 villages (行政村) and 4 organ units (机关站所: 农业服务中心, 财政所, 派出所, 卫生院) —
季度考核 40 % (mean of the four quarters' 100-point scores) + 年终考核 60 % (annual targets, 100 points); one
综合先进 per group, single-item awards per top-level category, 一票否决 on 党风廉政建设 / 社会治安综合治理 /
计划生育 / 安全生产; see config.toml.

The returns look like what a township assessment office receives:

* input/计生办/2025年度人口和计划生育目标考核数据（计生办）.xlsx   R1 R2 R3, one-row header
* input/经发办/2025年度经济发展目标考核数据（经发办）.xlsx         J1 (目标值/完成值), J2, J3 (本年目标/本年完成/
                                                                 累计目标/累计完成), two-row merged header, 合计 row
* input/安监站/2025年度安全生产目标考核数据（安监站）.xlsx         S1
* input/综治中心/2025年度信访工作目标考核数据（综治中心）.xlsx     S2
* input/党建办/2025年度党建工作考评得分表（党建办）.xlsx           D1
* input/考核办/2025年度季度考核得分汇总表.xlsx                   单位 | 季度 | 得分, one row per unit and quarter
* input/考核办/2025年度一票否决事项登记表.xlsx                   单位 | 否决事项 | 认定部门 | 否决原因
* input/考核办/~$2025年度季度考核得分汇总表.xlsx                 an Office lock file left behind (ignored)

with title rows, 填报单位/日期 lines, merged group heading rows (一、行政村 / 二、机关站所) spanning the table,
合计 rows with formulas, notes and signature lines, and a little realistic mess that must still read cleanly
(``MESS`` below): short names and official full names (aliases), a stray space, numbers stored as text (a
thousands separator, unit words 人次/起/分/‰, “59.0%”), full-width digits, rates stored as fractions in cells
formatted as percentages, the organ units listed before the villages in one return, and “—” / “/” in the cells of
the two indicators the organ units are not assessed on (R3 社会抚养费征收率, J1 山药种植面积: villages only).

Every value is fixed here; workbook properties and zip timestamps are pinned, so running the script twice writes
byte-identical files (with the same openpyxl/zlib).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from decimal import Decimal
from functools import partial
from pathlib import Path

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/, for xlsx_kit
import xlsx_kit  # noqa: E402
from xlsx_kit import BORDER, CENTER, HEAD_FONT, LEFT, RIGHT, TITLE_FONT, line, put, widths  # noqa: E402

HERE = Path(__file__).resolve().parent
YEAR = 2025
TOWN = "青石镇"
OFFICE = "青石镇目标管理考核办公室"
FIXED_TIME = dt.datetime(2026, 1, 9, 9, 0, 0)

VILLAGES = ["东岗村", "西岗村", "南湾村", "北坡村", "河口村", "柳树村"]
ORGANS = ["农业服务中心", "财政所", "派出所", "卫生院"]
UNITS = VILLAGES + ORGANS
GROUPS = [("一、行政村", VILLAGES), ("二、机关站所", ORGANS)]

# ------------------------------------------------------------------------------------------------ the data

# 计生办: R1 人口出生率 ‰, R2 计划生育率 %, R3 社会抚养费征收率 % (villages only: “—” for organ units), 备注.
FAMILY = {
    "东岗村": ("11.62", "93.6", "62.5", None),
    "西岗村": ("12.35", "91.2", "59.0", None),
    "南湾村": ("14.80", "86.5", "47.5", "出生率超过控制目标"),
    "北坡村": ("15.60", "83.6", "38.0", "政策外生育2例"),
    "河口村": ("13.10", "88.9", "52.3", None),
    "柳树村": ("12.96", "84.3", "44.0", None),
    "农业服务中心": ("10.50", "96.0", None, "包联东岗村、西岗村"),
    "财政所": ("9.80", "100", None, "包联南湾村"),
    "派出所": ("11.20", "97.5", None, "包联北坡村"),
    "卫生院": ("12.40", "95.2", None, "包联河口村、柳树村"),
}

# 经发办: J1 山药种植面积 亩 (目标值, 完成值; villages only: “/” for organ units); J2 劳动力培训 人次;
# J3 千万元以上项目投资 万元
# (本年目标, 本年完成, 累计目标, 累计完成 — 连续考核 scores 累计完成 against 累计目标).
ECONOMY = {
    "东岗村": ((1200, 1286), 260, (1300, 1450, 2500, 2680)),
    "西岗村": ((1000, 1050), 236, (1000, 960, 2000, 1820)),
    "南湾村": ((1000, 912), 180, (800, 820, 1500, 1530)),
    "北坡村": ((800, 640), 150, (600, 410, 1200, 930)),
    "河口村": ((1000, 1000), 210, (1000, 1100, 2000, 2065)),
    "柳树村": ((800, 736), 172, (600, 600, 1200, 1080)),
    "农业服务中心": (None, 236, (800, 900, 1500, 1620)),
    "财政所": (None, 205, (500, 520, 1000, 1000)),
    "派出所": (None, 160, (500, 480, 1000, 870)),
    "卫生院": (None, 215, (500, 630, 1000, 1150)),
}

# 安监站: S1 伤亡事故起数, 备注.
SAFETY = {
    "东岗村": (0, None),
    "西岗村": (0, None),
    "南湾村": (1, "3月18日建筑工地高处坠落，1人受伤"),
    "北坡村": (0, None),
    "河口村": (0, None),
    "柳树村": (2, "5月、9月农用车辆侧翻各1起，共2人受伤"),
    "农业服务中心": (1, "6月12日农机作业事故1起，1人受伤"),
    "财政所": (0, None),
    "派出所": (0, None),
    "卫生院": (0, None),
}

# 综治中心: S2 信访事项按期办结率 %.
PETITIONS = {
    "东岗村": "98.0", "西岗村": "96.5", "南湾村": "92.0", "北坡村": "90.5", "河口村": "97.0", "柳树村": "93.5",
    "农业服务中心": "95.0", "财政所": "100", "派出所": "92.0", "卫生院": "97.0",
}

# 党建办: D1 党建工作考评得分 (15 points).
PARTY = {
    "东岗村": "14.2", "西岗村": "13.8", "南湾村": "13.0", "北坡村": "12.1", "河口村": "13.5", "柳树村": "12.6",
    "农业服务中心": "13.6", "财政所": "14.0", "派出所": "13.2", "卫生院": "13.4",
}

# 考核办: the four quarters' 100-point scores.
QUARTERS = ["第一季度", "第二季度", "第三季度", "第四季度"]
QUARTERLY = {
    "东岗村": ("92", "94", "93.5", "95"),
    "西岗村": ("90", "91.5", "92", "93"),
    "南湾村": ("85", "86", "88.5", "87"),
    "北坡村": ("78", "80.5", "79", "82"),
    "河口村": ("88", "89", "90.5", "91"),
    "柳树村": ("82", "81", "84", "85.5"),
    "农业服务中心": ("91", "92", "93", "94"),
    "财政所": ("90.5", "92", "91", "93.5"),
    "派出所": ("86", "87.5", "88", "89"),
    "卫生院": ("88", "88.5", "90", "91"),
}

# The veto register: (unit, item, certifying department, reason).
VETOES = [
    ("东岗村", "党风廉政建设", "镇纪委", "村党支部书记违规套取产业扶持项目资金，被县纪委监委立案审查"),
]

# Messy-but-valid cells: (return, unit, what) -> how the cell is written. Each must read as the office meant.
MESS = {
    ("计生办", "东岗村", "name"): "东岗",                      # short name (alias)
    ("计生办", "西岗村", "R1"): "12.35‰",                      # number stored as text with the ‰ sign
    ("计生办", "西岗村", "R3"): "59.0%",                       # percentage as text
    ("计生办", "*", "R2"): "percent",                          # every 计划生育率 stored as 0.936 in a 0.0% cell
    ("经发办", "农业服务中心", "name"): "镇农业服务中心",      # official full name (alias)
    ("经发办", "东岗村", "J1"): "1,286",                       # number as text with a thousands separator
    ("经发办", "西岗村", "J2"): "236人次",                     # number as text with its unit word
    ("经发办", "*", "order"): "organs first",                  # 机关站所 listed before 行政村
    ("安监站", "派出所", "name"): "派出所 ",                   # stray trailing space
    ("安监站", "柳树村", "S1"): "2起",                         # count as text with its unit word
    ("综治中心", "西岗村", "S2"): "９６．５",                  # full-width digits
    ("综治中心", "卫生院", "name"): "青石镇卫生院",            # official full name (alias)
    ("党建办", "东岗村", "D1"): "14.2分",                      # score as text with 分
    ("考核办", "西岗村", "第二季度"): "９１．５",              # full-width digits
    ("考核办", "北坡村", "第四季度"): "82分",                  # score as text with 分
    ("考核办", "财政所", "name"): "镇财政所",                  # alias
}


def number(text: str):
    """The clean cell value of a figure given as text here: an int or a float, as an office types it."""
    return int(text) if re.fullmatch(r"\d+", text) else float(text)


def stored(ret: str, unit: str, what: str, value):
    """The cell as written: the clean value, or its messy form from MESS."""
    return MESS.get((ret, unit, what), value)


# ------------------------------------------------------------------------------------------------ writing

new_workbook = partial(xlsx_kit.new_workbook, creator=OFFICE, when=FIXED_TIME)
save = partial(xlsx_kit.save, when=FIXED_TIME)

GROUP_FONT = Font(name="黑体", size=11, bold=True)


def group_heading(ws, row: int, text: str, last_col: int) -> None:
    """A bordered heading row (一、行政村) merged across the whole table: the text sits in column A only."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    put(ws, row, 1, text, GROUP_FONT, LEFT)
    for c in range(2, last_col + 1):
        ws.cell(row=row, column=c).border = BORDER


def head(ws, title: str, dept: str, date: str, n_cols: int) -> None:
    line(ws, 1, title, n_cols, font=TITLE_FONT, align=CENTER, height=34)
    line(ws, 2, f"填报单位：{dept}（盖章）", 3)
    line(ws, 2, f"填报日期：{date}", n_cols, first_col=max(4, n_cols - 1), align=RIGHT)


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
        if len(subs) > 1:
            ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + len(subs) - 1)
        for k, sub in enumerate(subs):
            put(ws, 4, col + k, sub, HEAD_FONT)
        col += len(subs)
    ws.row_dimensions[3].height = 36
    ws.row_dimensions[4].height = 22
    return n_cols


def body(ws, first_row: int, ret: str, cells, n_cols: int, groups=GROUPS) -> int:
    """Group heading rows and one row per unit; `cells(unit)` gives [(value, number format), ...] for columns 3…
    and the 备注. Returns the next free row."""
    row, k = first_row, 0
    for heading, members in groups:
        group_heading(ws, row, heading, n_cols)
        row += 1
        for unit in members:
            k += 1
            put(ws, row, 1, k)
            put(ws, row, 2, stored(ret, unit, "name", unit))
            values, remark = cells(unit)
            for j, (value, fmt) in enumerate(values):
                put(ws, row, 3 + j, value, fmt=fmt)
            put(ws, row, n_cols, remark, align=LEFT)
            row += 1
    return row


def footer(ws, row: int, notes: str, n_cols: int, signer: str) -> None:
    line(ws, row, notes, n_cols, height=32)
    line(ws, row + 1, signer, n_cols)


def write_family(folder: Path) -> Path:
    ret = "计生办"
    wb, ws = new_workbook("计生目标")
    head(ws, f"{TOWN}{YEAR}年度人口和计划生育目标责任考核数据表", "镇计生办", f"{YEAR + 1}年1月6日", 6)
    n_cols = header_block(ws, [("人口出生率（‰）", None), ("计划生育率（%）", None), ("社会抚养费征收率（%）", None)],
                          "村（站所）名称")

    def cells(unit):
        r1, r2, r3, remark = FAMILY[unit]
        return [
            (stored(ret, unit, "R1", number(r1)), "0.00"),
            (float(Decimal(r2) / 100), "0.0%"),  # MESS: stored as a fraction (0.936) in a percentage cell
            (stored(ret, unit, "R3", number(r3)) if r3 is not None else "—", "0.0"),  # 不考核
        ], remark

    row = body(ws, 5, ret, cells, n_cols)
    footer(ws, row, "说明：1.人口出生率、计划生育率按县卫健委全员人口信息系统统计，截至2025年12月31日；"
                    "2.机关站所按包联村及本单位职工情况考核。", n_cols,
           "填表人：李春梅        审核人：赵国强        联系电话：0396-7821035")
    widths(ws, [6, 16, 14, 14, 16, 24])
    ws.freeze_panes = "C5"
    path = folder / "input" / "计生办" / f"{YEAR}年度人口和计划生育目标考核数据（计生办）.xlsx"
    save(wb, path)
    return path


def write_economy(folder: Path) -> Path:
    ret = "经发办"
    wb, ws = new_workbook("经济发展")
    head(ws, f"{TOWN}{YEAR}年度经济发展目标完成情况统计表", "镇经发办", f"{YEAR + 1}年1月7日", 10)
    n_cols = header_block(ws, [("山药种植面积（亩）", ["目标值", "完成值"]), ("劳动力培训（人次）", None),
                               ("千万元以上项目投资（万元）", ["本年目标", "本年完成", "累计目标", "累计完成"])],
                          "村（站所）名称")

    def cells(unit):
        j1, j2, j3 = ECONOMY[unit]
        j1_target, j1 = j1 or ("/", "/")  # 不考核
        return [
            (j1_target, "0"), (stored(ret, unit, "J1", j1), "#,##0"),
            (stored(ret, unit, "J2", j2), "0"),
            *((v, "#,##0") for v in j3),
        ], None

    # MESS: this office lists the organ units first
    row = body(ws, 5, ret, cells, n_cols, groups=[("一、机关站所", ORGANS), ("二、行政村", VILLAGES)])
    put(ws, row, 2, "合计")  # a 合计 row with formulas, as offices leave them (never recalculated here)
    for c in range(3, n_cols):
        L = get_column_letter(c)
        put(ws, row, c, f"=SUM({L}5:{L}{row - 1})", fmt="#,##0")
    put(ws, row, n_cols, None)
    footer(ws, row + 1, "说明：1.千万元以上项目实行连续考核，累计数自2024年1月1日起计算；2.劳动力培训以镇人社所"
                        "培训台账为准；3.机关站所山药种植为包联任务。", n_cols,
           "填表人：孙立伟        审核人：周建华        联系电话：0396-7821062")
    widths(ws, [6, 16, 10, 10, 12, 10, 10, 10, 10, 14])
    ws.freeze_panes = "C5"
    path = folder / "input" / "经发办" / f"{YEAR}年度经济发展目标考核数据（经发办）.xlsx"
    save(wb, path)
    return path


def write_single(folder: Path, ret: str, dept: str, sheet: str, title: str, label: str, data: dict, fmt: str,
                 notes: str, signer: str, filename: str, unit_header: str = "单位名称") -> Path:
    """A one-indicator return (one-row header): 序号 | 单位名称 | the indicator | 备注."""
    wb, ws = new_workbook(sheet)
    head(ws, title, dept, f"{YEAR + 1}年1月6日", 4)
    n_cols = header_block(ws, [(label, None)], unit_header)

    def cells(unit):
        value, remark = data[unit] if isinstance(data[unit], tuple) else (number(data[unit]), None)
        return [(stored(ret, unit, ret_key(ret), value), fmt)], remark

    row = body(ws, 5, ret, cells, n_cols)
    footer(ws, row, notes, n_cols, signer)
    widths(ws, [6, 16, 20, 36])
    ws.freeze_panes = "C5"
    path = folder / "input" / ret / filename
    save(wb, path)
    return path


def ret_key(ret: str) -> str:
    return {"安监站": "S1", "综治中心": "S2", "党建办": "D1"}[ret]


def write_safety(folder: Path) -> Path:
    return write_single(
        folder, "安监站", "镇安监站", "安全生产", f"{TOWN}{YEAR}年度安全生产目标考核情况表",
        "安全事故零伤亡（伤亡事故起数）", SAFETY, "0",
        "说明：伤亡事故以县应急管理局事故快报和镇安监站台账为准，统计期为2025年1月1日至12月31日。",
        "填表人：吴志刚        审核人：郑宏伟        联系电话：0396-7821077",
        f"{YEAR}年度安全生产目标考核数据（安监站）.xlsx")


def write_petitions(folder: Path) -> Path:
    return write_single(
        folder, "综治中心", "镇综治中心", "信访", f"{TOWN}{YEAR}年度信访工作目标考核情况表",
        "信访事项按期办结率（%）", PETITIONS, "0.0",
        "说明：按期办结率 = 按期办结件数 ÷ 受理件数 × 100%，以信访信息系统为准。",
        "填表人：钱丽        审核人：冯志远        联系电话：0396-7821090",
        f"{YEAR}年度信访工作目标考核数据（综治中心）.xlsx")


def write_party(folder: Path) -> Path:
    return write_single(
        folder, "党建办", "镇党建办", "党建考评", f"{TOWN}{YEAR}年度基层党建工作考评得分表",
        "党建工作考评得分（满分15分）", PARTY, "0.0",
        "说明：依据《青石镇2025年度基层党建工作考评细则》，由镇党委组织考评组实地考评后折算。",
        "考评组组长：陈卫东        记录人：杨帆", f"{YEAR}年度党建工作考评得分表（党建办）.xlsx")


def write_quarterly(folder: Path) -> Path:
    ret = "考核办"
    wb, ws = new_workbook("季度考核")
    headers = ["序号", "单位", "季度", "得分", "备注"]
    line(ws, 1, f"{TOWN}{YEAR}年度村（站所）季度考核得分汇总表", len(headers), font=TITLE_FONT, align=CENTER, height=34)
    line(ws, 2, "填报单位：镇目标管理考核办公室        单位：分（百分制）", len(headers))
    for c, text in enumerate(headers, start=1):
        put(ws, 3, c, text, HEAD_FONT)
    row, k = 4, 0
    for q, quarter in enumerate(QUARTERS):
        group_heading(ws, row, f"{quarter}（{YEAR}年{3 * q + 1}—{3 * q + 3}月）", len(headers))
        row += 1
        for unit in UNITS:
            k += 1
            score = stored(ret, unit, quarter, number(QUARTERLY[unit][q]))
            for c, value in enumerate((k, stored(ret, unit, "name", unit), quarter, score, None), start=1):
                put(ws, row, c, value, fmt="0.0" if c == 4 else None)
            row += 1
    footer(ws, row, "说明：季度考核由镇考核办会同各分管领导按百分制考评，年终取四个季度平均分，按40%计入综合得分。",
           len(headers), "制表：镇目标管理考核办公室        审核：王振华")
    widths(ws, [6, 16, 12, 10, 20])
    ws.freeze_panes = "A4"
    path = folder / "input" / "考核办" / f"{YEAR}年度季度考核得分汇总表.xlsx"
    save(wb, path)
    return path


def write_vetoes(folder: Path) -> Path:
    wb, ws = new_workbook("一票否决")
    headers = ["序号", "被考核单位", "否决事项", "认定部门", "否决原因"]
    line(ws, 1, f"{TOWN}{YEAR}年度目标管理考核一票否决事项登记表", len(headers), font=TITLE_FONT, align=CENTER, height=34)
    line(ws, 2, f"登记单位：镇目标管理考核办公室        登记日期：{YEAR + 1}年1月8日", len(headers))
    for c, text in enumerate(headers, start=1):
        put(ws, 3, c, text, HEAD_FONT)
    for k, rec in enumerate(VETOES, start=1):
        for c, value in enumerate((k, *rec), start=1):
            put(ws, 3 + k, c, value, align=LEFT if c == 5 else None)
    line(ws, 4 + len(VETOES), "说明：一票否决事项为党风廉政建设、社会治安综合治理、计划生育、安全生产。",
         len(headers))
    widths(ws, [6, 14, 14, 12, 52])
    path = folder / "input" / "考核办" / f"{YEAR}年度一票否决事项登记表.xlsx"
    save(wb, path)
    return path


def write_lock_file(folder: Path) -> Path:
    """The owner file Excel leaves beside an open workbook (~$name): never a return, skipped by ingest."""
    path = folder / "input" / "考核办" / f"~${YEAR}年度季度考核得分汇总表.xlsx"
    owner = "kaohe-ban".encode("ascii")
    path.write_bytes(bytes([len(owner)]) + owner + b"\x00" * (54 - len(owner)) + "考核办".encode("utf-16-le")
                     + b"\x00" * 100)
    return path


def generate(folder: Path = HERE) -> list[Path]:
    folder = Path(folder)
    return [write_family(folder), write_economy(folder), write_safety(folder), write_petitions(folder),
            write_party(folder), write_quarterly(folder), write_vetoes(folder), write_lock_file(folder)]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for p in generate(target):
        print(p.relative_to(target))
