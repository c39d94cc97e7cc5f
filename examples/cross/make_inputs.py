"""Write the filled-in returns of the 交叉考核 (cross-check) example into examples/cross/input/.

Usage::

    python examples/cross/make_inputs.py [FOLDER]      # default: the folder of this script

Scheme: 云岭县 assesses 9 county departments (县直部门) in 3 groups of 3 (经济管理类, 社会事业类, 党群政法类) —
交叉考核 60 % (each department scores the other two of its group on 100 points; a rating of itself is left out)
+ 民主测评 40 % (服务对象 and 干部职工 rate each department 好/较好/一般/较差/不了解, scored as the share of 好+较好);
grades 优秀/良好/合格/不合格 with "群众满意率低于60% 视为不合格", 一票否决 (党风廉政建设, 安全生产), 一票否优 (信访稳定),
2 先进单位 by rank; see config.toml.

The returns look like what a county assessment office receives:

* input/交叉考核/云岭县2025年度县直部门交叉考核评分表（<组>）.xlsx   one workbook per group, one sheet per rating
                                                                  department: 序号 | 被考核单位 | 评分单位 | 得分 | 备注
* input/民主测评/云岭县2025年度县直部门民主测评情况统计表.xlsx         per department, 测评群体 and 测评内容 the tallies
                                                                  好 | 较好 | 一般 | 较差 | 不了解 | 参评人数, a 合计 row
* input/考核办/云岭县2025年度一票否决（否优）事项登记表.xlsx           one 一票否优 (信访稳定), one 一票否决 (安全生产)

with title rows, 考核组别/评分单位/统计单位 lines, merged cells (a department over its six tally rows, a group over
its three, group heading rows 一、经济管理类), a 合计 row, notes and signature lines, and a little realistic mess that
must still read cleanly (``MESS`` below): official full names (aliases) as rated and as rating unit, a stray space,
scores stored as text (one with 分), full-width digits, a count stored as text — and one slip the scheme handles:
县民政局 scored itself on its own sheet (98), which is left out of its 交叉考核 (self_rating = "exclude").

Every value is fixed here; workbook properties and zip timestamps are pinned, so running the script twice writes
byte-identical files (with the same openpyxl/zlib).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from functools import partial
from pathlib import Path

from openpyxl.styles import Font

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/, for xlsx_kit
import xlsx_kit  # noqa: E402
from xlsx_kit import BORDER, CENTER, HEAD_FONT, LEFT, RIGHT, TITLE_FONT, fullwidth, line, put, widths  # noqa: E402

HERE = Path(__file__).resolve().parent
YEAR = 2025
COUNTY = "云岭县"
OFFICE = "云岭县绩效考核委员会办公室"
FIXED_TIME = dt.datetime(2026, 1, 12, 9, 30, 0)

GROUPS = {
    "经济管理类": ["县发展改革委", "县财政局", "县工信局"],
    "社会事业类": ["县教育局", "县卫健委", "县民政局"],
    "党群政法类": ["县委宣传部", "县司法局", "县总工会"],
}
UNITS = [u for members in GROUPS.values() for u in members]
NUMERALS = "一二三"

# ------------------------------------------------------------------------------------------------ the data

# 交叉考核: rating department -> [(rated department, score, 备注)], in the order of its sheet. Every department
# scores the two others of its group; 县民政局 also scored itself (a slip: left out by the scheme).
CROSS = {
    "县发展改革委": [("县财政局", "95", "预算绩效管理改革走在全市前列"), ("县工信局", "92", "工业技改项目储备不足")],
    "县财政局": [("县发展改革委", "88", "重点项目前期工作滞后"), ("县工信局", "93", None)],
    "县工信局": [("县发展改革委", "86.5", "部分重点项目开工率偏低"), ("县财政局", "94.5", None)],
    "县教育局": [("县卫健委", "87", "基层医疗机构服务能力不足"), ("县民政局", "84", "养老服务设施建设进度慢")],
    "县卫健委": [("县教育局", "92.5", None), ("县民政局", "85.5", "困难群众救助审批时限偏长")],
    "县民政局": [("县教育局", "91", None), ("县卫健委", "88.5", "群众就医满意度不高"), ("县民政局", "98", None)],
    "县委宣传部": [("县司法局", "86", "公共法律服务平台建设滞后"), ("县总工会", "82", "职工服务阵地作用发挥不够")],
    "县司法局": [("县委宣传部", "90", None), ("县总工会", "83.5", "困难职工帮扶台账不规范")],
    "县总工会": [("县委宣传部", "89", None), ("县司法局", "87.5", None)],
}
RATING_DATE = {"经济管理类": "2026年1月7日", "社会事业类": "2026年1月8日", "党群政法类": "2026年1月8日"}

# 民主测评: department -> 测评群体 -> per 测评内容 (好, 较好, 一般, 较差, 不了解). Within a group every question has
# the same number of respondents (参评人数).
CHOICES = ["好", "较好", "一般", "较差", "不了解"]
QUESTIONS = ["履职尽责情况", "工作作风和服务质量", "廉洁自律情况"]
SURVEY = {
    "县发展改革委": {
        "服务对象": [(20, 15, 5, 2, 1), (20, 16, 5, 2, 0), (22, 13, 5, 3, 0)],
        "干部职工": [(15, 7, 2, 1, 1), (15, 9, 2, 0, 0), (14, 10, 1, 1, 0)],
    },
    "县财政局": {
        "服务对象": [(23, 10, 2, 2, 2), (22, 11, 3, 2, 1), (23, 12, 3, 1, 0)],
        "干部职工": [(18, 7, 1, 1, 1), (19, 8, 1, 0, 0), (18, 7, 1, 1, 1)],
    },
    "县工信局": {
        "服务对象": [(22, 13, 5, 2, 0), (23, 14, 3, 1, 1), (25, 12, 4, 1, 0)],
        "干部职工": [(15, 7, 1, 0, 1), (12, 9, 1, 1, 1), (14, 7, 2, 1, 0)],
    },
    "县教育局": {
        "服务对象": [(27, 10, 4, 2, 2), (24, 11, 5, 2, 3), (22, 16, 4, 2, 1)],
        "干部职工": [(13, 8, 2, 1, 1), (17, 6, 1, 1, 0), (16, 7, 1, 0, 1)],
    },
    "县卫健委": {
        "服务对象": [(10, 7, 16, 7, 1), (13, 6, 14, 8, 0), (12, 6, 16, 7, 0)],
        "干部职工": [(10, 6, 6, 2, 0), (12, 4, 6, 2, 0), (9, 6, 5, 3, 1)],
    },
    "县民政局": {
        "服务对象": [(26, 9, 6, 3, 0), (20, 16, 4, 4, 0), (27, 9, 5, 2, 1)],
        "干部职工": [(12, 8, 1, 1, 0), (12, 7, 1, 1, 1), (12, 7, 1, 1, 1)],
    },
    "县委宣传部": {
        "服务对象": [(19, 12, 4, 3, 1), (19, 13, 5, 1, 1), (20, 10, 4, 3, 2)],
        "干部职工": [(17, 6, 1, 1, 1), (17, 6, 1, 1, 1), (16, 7, 2, 1, 0)],
    },
    "县司法局": {
        "服务对象": [(24, 10, 4, 2, 1), (21, 11, 6, 2, 1), (23, 12, 4, 2, 0)],
        "干部职工": [(16, 6, 2, 1, 1), (12, 9, 3, 1, 1), (14, 7, 3, 1, 1)],
    },
    "县总工会": {
        "服务对象": [(15, 10, 7, 3, 3), (19, 8, 8, 3, 0), (16, 9, 7, 3, 3)],
        "干部职工": [(11, 5, 3, 2, 1), (10, 7, 3, 2, 0), (10, 7, 3, 1, 1)],
    },
}

# The register: (unit as written, item, certifying department, reason, date).
VETOES = [
    ("云岭县财政局", "信访稳定", "县信访局",
     "因拖欠政府投资项目工程款，引发群体性越级上访2批次，经县信访工作联席会议认定", dt.datetime(2025, 9, 16)),
    ("县工业和信息化局", "安全生产", "县应急管理局",
     "分管行业领域企业发生较大生产安全事故（7·21鑫达化工闪爆事故），造成3人死亡", "2025年7月23日"),
]

# Messy-but-valid cells: (return, unit, what) -> how the cell is written. Each must read as the office meant.
MESS = {
    ("交叉考核", "县工信局", "rated:县发展改革委"): "县发展和改革委员会",    # official full name (alias) as rated unit
    ("交叉考核", "县工信局", "score:县发展改革委"): "text",                # score stored as text: "86.5"
    ("交叉考核", "县卫健委", "rater"): "县卫生健康委员会",                 # full name (alias) as the rating unit
    ("交叉考核", "县卫健委", "score:县教育局"): "fullwidth",              # "９２．５"
    ("交叉考核", "县民政局", "score:县卫健委"): "unit_word",              # "88.5分"
    ("交叉考核", "县总工会", "rated:县司法局"): "县司法局 ",              # stray trailing space
    ("民主测评", "县卫健委", "name"): "县卫生健康委员会",                  # full name (alias)
    ("民主测评", "县财政局", "干部职工/2/好"): "text",                    # a count stored as text: "19"
    ("民主测评", "县司法局", "服务对象/1/好"): "fullwidth",               # "２４"
}


def number(text: str):
    """The clean cell value of a figure given as text here: an int or a float, as an office types it."""
    return int(text) if re.fullmatch(r"\d+", text) else float(text)


def messy(key: tuple, value):
    """The cell as written: the clean value, or its messy form from MESS."""
    how = MESS.get(key)
    if how == "text":
        return str(value)
    if how == "fullwidth":
        return fullwidth(value)
    if how == "unit_word":
        return f"{value}分"
    return value if how is None else how


# ------------------------------------------------------------------------------------------------ writing

new_workbook = partial(xlsx_kit.new_workbook, creator=OFFICE, when=FIXED_TIME)
save = partial(xlsx_kit.save, when=FIXED_TIME)

GROUP_FONT = Font(name="黑体", size=11, bold=True)


def print_setup(ws, landscape: bool = False) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"


def write_cross(folder: Path, group: str) -> Path:
    """One group's 交叉考核评分表: a sheet per rating department (its name on the tab), as each one signed it."""
    headers = ["序号", "被考核单位", "评分单位", "得分（满分100分）", "备注"]
    wb = ws = None
    for rater in GROUPS[group]:
        if wb is None:
            wb, ws = new_workbook(rater)
        else:
            ws = wb.create_sheet(rater)
        line(ws, 1, f"{COUNTY}{YEAR}年度县直部门交叉考核评分表", len(headers), font=TITLE_FONT, align=CENTER,
             height=34)
        line(ws, 2, f"考核组别：{group}        评分单位：{rater}（盖章）        评分日期：{RATING_DATE[group]}",
             len(headers), height=22)
        for c, text in enumerate(headers, start=1):
            put(ws, 3, c, text, HEAD_FONT)
        ws.row_dimensions[3].height = 30
        rater_cell = messy(("交叉考核", rater, "rater"), rater)
        row = 4
        for k, (rated, score, remark) in enumerate(CROSS[rater], start=1):
            put(ws, row, 1, k)
            put(ws, row, 2, messy(("交叉考核", rater, f"rated:{rated}"), rated))
            put(ws, row, 3, rater_cell)
            put(ws, row, 4, messy(("交叉考核", rater, f"score:{rated}"), number(score)), fmt="0.0")
            put(ws, row, 5, remark, align=LEFT)
            row += 1
        line(ws, row, "说明：对照《云岭县2025年度县直部门绩效考核实施方案》考核细则，按百分制对同组其他单位评分。",
             len(headers), height=30)
        line(ws, row + 1, "评分单位主要负责人（签字）：                经办人：", len(headers), height=28)
        widths(ws, [6, 20, 20, 14, 34])
        ws.freeze_panes = "A4"
        print_setup(ws)
    path = folder / "input" / "交叉考核" / f"{COUNTY}{YEAR}年度县直部门交叉考核评分表（{group}）.xlsx"
    save(wb, path)
    return path


def write_survey(folder: Path) -> Path:
    wb, ws = new_workbook("民主测评")
    headers = ["序号", "被测评单位", "测评群体", "测评内容", *CHOICES, "参评人数"]
    n_cols = len(headers)
    line(ws, 1, f"{COUNTY}{YEAR}年度县直部门民主测评情况统计表", n_cols, font=TITLE_FONT, align=CENTER, height=34)
    line(ws, 2, f"统计单位：县绩效考核委员会办公室（县委组织部、县纪委监委派员监督）        统计时间：{YEAR + 1}年1月6日",
         n_cols, height=22)
    for c, text in enumerate(headers, start=1):
        put(ws, 3, c, text, HEAD_FONT)
    ws.row_dimensions[3].height = 30
    row, k = 4, 0
    totals = [0] * (len(CHOICES) + 1)
    for g, (group, members) in enumerate(GROUPS.items()):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=n_cols)
        put(ws, row, 1, f"{NUMERALS[g]}、{group}", GROUP_FONT, LEFT)
        for c in range(2, n_cols + 1):
            ws.cell(row=row, column=c).border = BORDER
        row += 1
        for unit in members:
            k += 1
            first = row
            for cat, tallies in SURVEY[unit].items():
                cat_first = row
                for q, (question, counts) in enumerate(zip(QUESTIONS, tallies), start=1):
                    put(ws, row, 1, k if row == first else None)
                    put(ws, row, 2, messy(("民主测评", unit, "name"), unit) if row == first else None)
                    put(ws, row, 3, cat if row == cat_first else None)
                    put(ws, row, 4, question, align=LEFT)
                    for j, (choice, n) in enumerate(zip(CHOICES, counts)):
                        put(ws, row, 5 + j, messy(("民主测评", unit, f"{cat}/{q}/{choice}"), n), fmt="0")
                        totals[j] += n
                    put(ws, row, n_cols, sum(counts), fmt="0")
                    totals[-1] += sum(counts)
                    row += 1
                ws.merge_cells(start_row=cat_first, start_column=3, end_row=row - 1, end_column=3)
            for col in (1, 2):
                ws.merge_cells(start_row=first, start_column=col, end_row=row - 1, end_column=col)
    put(ws, row, 1, None)
    put(ws, row, 2, "合计")
    for col in (3, 4):
        put(ws, row, col, None)
    for j, n in enumerate(totals):
        put(ws, row, 5 + j, n, fmt="0")
    line(ws, row + 1, "注：1.测评采取无记名方式，服务对象由各单位服务对象名录中随机抽取，干部职工为本单位在编在岗人员；"
                      "2.“好”“较好”人数之和占作出评价人数（不含“不了解”）的比例为满意率。", n_cols, height=32)
    line(ws, row + 2, "统计人：何晓燕        监票人：马俊峰        审核人：林国栋", n_cols)
    widths(ws, [6, 18, 10, 22, 6, 6, 6, 6, 8, 10])
    ws.freeze_panes = "A4"
    print_setup(ws, landscape=True)
    path = folder / "input" / "民主测评" / f"{COUNTY}{YEAR}年度县直部门民主测评情况统计表.xlsx"
    save(wb, path)
    return path


def write_vetoes(folder: Path) -> Path:
    wb, ws = new_workbook("一票否决")
    headers = ["序号", "被考核单位", "否决事项", "认定部门", "否决原因", "认定日期"]
    line(ws, 1, f"{COUNTY}{YEAR}年度县直部门绩效考核一票否决（否优）事项登记表", len(headers), font=TITLE_FONT,
         align=CENTER, height=34)
    line(ws, 2, f"登记单位：县绩效考核委员会办公室        登记日期：{YEAR + 1}年1月9日", len(headers))
    for c, text in enumerate(headers, start=1):
        put(ws, 3, c, text, HEAD_FONT)
    for k, rec in enumerate(VETOES, start=1):
        for c, value in enumerate((k, *rec), start=1):
            date_fmt = 'yyyy"年"m"月"d"日"' if isinstance(value, dt.datetime) else None
            put(ws, 3 + k, c, value, align=LEFT if c == 5 else None, fmt=date_fmt)
    line(ws, 4 + len(VETOES), "说明：党风廉政建设、安全生产实行一票否决（取消评先评优资格）；信访稳定实行一票否优"
                              "（不得评为优秀等次）。", len(headers), height=30)
    line(ws, 5 + len(VETOES), "登记人：郑丽华        审核人：林国栋", len(headers))
    widths(ws, [6, 18, 12, 14, 50, 16])
    path = folder / "input" / "考核办" / f"{COUNTY}{YEAR}年度一票否决（否优）事项登记表.xlsx"
    save(wb, path)
    return path


def generate(folder: Path = HERE) -> list[Path]:
    folder = Path(folder)
    return [*(write_cross(folder, g) for g in GROUPS), write_survey(folder), write_vetoes(folder)]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for p in generate(target):
        print(p.relative_to(target))
