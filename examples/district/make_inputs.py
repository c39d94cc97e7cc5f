"""Write the filled-in returns of the district example into examples/district/input/.

Usage::

    python examples/district/make_inputs.py [FOLDER]      # default: the folder of this script

Scheme: XX区 assesses its 12 departments (区直部门) — 指标考核 60 (单位自评 10 + 组织考评 50), 公众评议 40
(4 groups × 10, 中期 30% / 年终 70%), 改革创新 +1 per item (at most 3), 察访核验 (at most −5); see config.toml.

The returns look like what a district assessment office receives:

* input/单位自评/<单位>2025年度目标管理绩效考核单位自评表.xlsx   one per department (a one-row table)
* input/区考核办/2025年度区直部门组织考评指标数据（区考核办）.xlsx  Z1 Z3 G1 G3 G4, two-row merged header
* input/区统计局/2025年度区直部门组织考评指标数据（区统计局）.xlsx  Z2 G2
* input/公众评议/2025年度区直部门公众评议统计表.xlsx               tallies, one sheet per round
* input/区考核办/2025年度区直部门加减分登记表.xlsx                 改革创新 / 察访核验 register

with title rows, 填报单位/日期 lines, 合计 rows, notes and signature lines, and a little realistic mess that must
still read cleanly (``MESS`` below): official full names instead of the short names (aliases), a stray space, numbers
stored as text (with a thousands separator, with a 分 suffix), full-width digits, a percentage-formatted 0.975,
deductions written as negative numbers.

Every value is fixed here or drawn from ``random.Random(SEED)``; workbook properties and zip timestamps are pinned,
so running the script twice writes byte-identical files (with the same openpyxl/zlib).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from functools import partial
from pathlib import Path

from openpyxl.utils import get_column_letter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/, for xlsx_kit
import xlsx_kit  # noqa: E402
from xlsx_kit import CENTER, HEAD_FONT, LEFT, RIGHT, TITLE_FONT, fullwidth, line, put, widths  # noqa: E402

HERE = Path(__file__).resolve().parent
YEAR = 2025
SEED = 2025
OFFICE = "XX区目标管理绩效考核办公室"
FIXED_TIME = dt.datetime(2026, 1, 12, 9, 0, 0)

ECONOMIC = ["区发改局", "区财政局", "区住建局", "区交通局", "区农业农村局", "区商务局"]
SOCIAL = ["区教育局", "区卫健局", "区文旅局", "区民政局", "区人社局", "区生态环境分局"]
UNITS = ECONOMIC + SOCIAL

# ------------------------------------------------------------------------------------------------ the data

# 单位自评得分 (10 points), as each department reports it.
SELF = {
    "区发改局": 9.6, "区财政局": 9.5, "区住建局": 9.2, "区交通局": 9.3, "区农业农村局": 9.4, "区商务局": 9.0,
    "区教育局": 9.5, "区卫健局": 9.4, "区文旅局": 9.1, "区民政局": 9.3, "区人社局": 9.2, "区生态环境分局": 8.8,
}

# 区考核办: Z1 年度重点工作任务完成数 (完成, 目标), Z3 职能工作专项评价得分, G1 督查督办事项按期办结率 %,
# G3 被区委区政府通报批评次数, G4 依法行政考评得分.
OFFICE_DATA = {
    #               Z1        Z3    G1     G3  G4
    "区发改局":     ((26, 26), 4.8, 98.5, 0, 3.8),
    "区财政局":     ((18, 19), 4.6, 96.2, 0, 3.9),
    "区住建局":     ((21, 24), 4.3, 93.5, 1, 3.5),
    "区交通局":     ((15, 16), 4.5, 93.8, 1, 3.6),
    "区农业农村局": ((22, 22), 4.6, 97.1, 0, 3.7),
    "区商务局":     ((12, 15), 4.1, 90.8, 2, 3.4),
    "区教育局":     ((20, 21), 4.7, 97.4, 0, 3.8),
    "区卫健局":     ((17, 18), 4.5, 96.0, 0, 3.7),
    "区文旅局":     ((14, 16), 4.2, 94.2, 0, 3.5),
    "区民政局":     ((16, 17), 4.4, 95.3, 0, 3.6),
    "区人社局":     ((15, 16), 4.4, 92.5, 0, 3.6),
    "区生态环境分局": ((12, 16), 3.9, 90.6, 2, 3.2),
}

# 区统计局: Z2 牵头重点项目投资完成额 万元 (完成, 目标), G2 统计报表按时报送率 %.
STATS_DATA = {
    "区发改局":     ((48650.5, 45000), 100),
    "区财政局":     ((3120.0, 3000), 100),
    "区住建局":     ((62380.0, 68000), 97.5),
    "区交通局":     ((38760.3, 40000), 99.2),
    "区农业农村局": ((15230.8, 14500), 98.6),
    "区商务局":     ((9860.0, 12000), 96.0),
    "区教育局":     ((21450.0, 22000), 99.0),
    "区卫健局":     ((16820.6, 18000), 98.0),
    "区文旅局":     ((7350.0, 8000), 97.9),
    "区民政局":     ((2680.0, 3000), 97.0),
    "区人社局":     ((1960.5, 2000), 98.3),
    "区生态环境分局": ((4120.0, 9000), 95.5),
}

# Register rows: (unit, kind, points as written, reason, certifying department).
ADJUSTMENTS = [
    ("区发改局", "改革创新加分", 1, "“一件事一次办”投资项目审批改革获省级推广", "区委改革办"),
    ("区发改局", "改革创新加分", 1, "社会信用体系建设创新做法获国家发改委通报表扬", "区委改革办"),
    ("区发改局", "改革创新加分", 1, "重大项目“承诺制+标准地”改革入选全省典型案例", "区委改革办"),
    ("区发改局", "改革创新加分", 1, "营商环境评价改革经验在全市推广", "区委改革办"),
    ("区财政局", "改革创新加分", 1, "预算绩效管理改革获省财政厅通报表扬", "区委改革办"),
    ("区财政局", "改革创新加分", 1, "政府采购“全流程电子化”改革入选全市典型案例", "区委改革办"),
    ("区农业农村局", "改革创新加分", 1, "农村集体经营性建设用地入市改革试点通过验收", "区委改革办"),
    ("区教育局", "改革创新加分", 1, "集团化办学改革经验获省教育厅推广", "区委改革办"),
    ("区卫健局", "改革创新加分", 1, "紧密型医共体建设改革入选全省典型案例", "区委改革办"),
    ("区教育局", "察访核验扣分", -1, "察访发现校园周边安全隐患整改不到位", "区考核办"),
    ("区商务局", "察访核验扣分", -1, "察访核验发现外贸进出口台账数据不实", "区考核办"),
    ("区生态环境分局", "察访核验扣分", -2, "察访发现中央环保督察反馈问题整改滞后", "区考核办"),
    ("区生态环境分局", "察访核验扣分", -2, "察访发现重点河段入河排污口整治未按期完成", "区委督查室"),
    ("区生态环境分局", "察访核验扣分", -1.5, "察访核验发现大气污染防治台账与实际不符", "区考核办"),
]

SURVEY_GROUPS = {  # group -> respondents per question (range)
    "网上评议": (100, 160),
    "人大代表政协委员": (18, 30),
    "城乡居民": (40, 70),
    "企业": (25, 45),
}
SURVEY_QUESTIONS = [
    "对本部门工作作风的评价",
    "对本部门履职尽责成效的评价",
    "对本部门服务质量和办事效率的评价",
]
ROUNDS = ["中期", "年终"]
# How well each department is seen by the public (drives the survey tallies).
QUALITY = {
    "区发改局": 0.80, "区财政局": 0.70, "区住建局": 0.45, "区交通局": 0.55, "区农业农村局": 0.75, "区商务局": 0.40,
    "区教育局": 0.65, "区卫健局": 0.60, "区文旅局": 0.70, "区民政局": 0.55, "区人社局": 0.50, "区生态环境分局": 0.25,
}

# Messy-but-valid cells: (file key, unit, what) -> stored value. Each must read as the office meant.
MESS = {
    ("区统计局", "区发改局", "name"): "区发展和改革局",          # official full name (alias)
    ("区统计局", "区发改局", "Z2"): "48,650.5",                  # number stored as text, thousands separator
    ("区统计局", "区住建局", "G2"): "percent",                   # 0.975 in a cell formatted as a percentage (97.5%)
    ("区考核办", "区住建局", "name"): "区住建局 ",               # stray trailing space
    ("区考核办", "区生态环境分局", "G1"): "９０．６",            # full-width digits
    ("单位自评", "区人社局", "name"): "区人力资源和社会保障局",  # official full name (alias)
    ("单位自评", "区卫健局", "S1"): "9.4分",                     # number as text with a unit word
    ("公众评议", "区发改局", "年终/企业/1/满意"): "fullwidth",   # the count typed in full-width digits
}


def tally(rng: random.Random, q: float, lo: int, hi: int) -> tuple[int, int, int, int]:
    """满意/基本满意/不满意/不了解 counts for one question of one group."""
    n = rng.randint(lo, hi)
    jitter = rng.uniform(-0.08, 0.08)
    sat = round(n * min(0.9, max(0.3, 0.42 + 0.45 * q + jitter)))
    unknown = int(n * rng.uniform(0.0, 0.06))
    dis = int(n * rng.uniform(0.0, 0.12) * (1.1 - q))
    basic = max(0, n - sat - unknown - dis)
    return sat, basic, dis, unknown


def survey_rows() -> list[tuple]:
    """(unit, round, group, question number, question, 满意, 基本满意, 不满意, 不了解), fixed by SEED."""
    rng = random.Random(SEED)
    rows = []
    for rnd in ROUNDS:
        for unit in UNITS:
            q = QUALITY[unit] + (0.03 if rnd == "年终" else 0.0)
            for group, (lo, hi) in SURVEY_GROUPS.items():
                for k, question in enumerate(SURVEY_QUESTIONS, start=1):
                    rows.append((unit, rnd, group, k, question, *tally(rng, q, lo, hi)))
    return rows


# ------------------------------------------------------------------------------------------------ writing

new_workbook = partial(xlsx_kit.new_workbook, creator=OFFICE, when=FIXED_TIME)
save = partial(xlsx_kit.save, when=FIXED_TIME)


def stored(key: tuple, value):
    """The cell as written: the clean value, or its messy form from MESS."""
    messy = MESS.get(key, value)
    return fullwidth(value) if messy == "fullwidth" else messy


def write_indicator_return(folder: Path, dept: str, columns: list[tuple], data: dict, notes: str) -> Path:
    """A departmental return: rows = departments, a two-row header (indicator over 完成值/目标值).

    columns: (header text, sub-labels, per-unit getter for each sub-label, number formats, mess keys).
    """
    wb, ws = new_workbook("指标数据")
    n_cols = 2 + sum(len(sub) for _, sub, _, _, _ in columns) + 1
    line(ws, 1, f"XX区{YEAR}年度区直部门目标管理绩效考核组织考评指标数据表", n_cols, font=TITLE_FONT, align=CENTER,
         height=34)
    line(ws, 2, f"填报单位：{dept}（盖章）", 3)
    line(ws, 2, f"填报日期：{YEAR + 1}年1月8日", n_cols, first_col=n_cols - 2, align=RIGHT)
    for r in (3, 4):
        for c in range(1, n_cols + 1):
            put(ws, r, c, None, HEAD_FONT)
    for col, text in ((1, "序号"), (2, "被考核单位"), (n_cols, "备注")):
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        put(ws, 3, col, text, HEAD_FONT)
    col = 3
    for header, subs, _, _, _ in columns:
        put(ws, 3, col, header, HEAD_FONT)
        if subs == [None]:  # a single-value column: the label spans both header rows
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        else:
            if len(subs) > 1:
                ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + len(subs) - 1)
            for k, sub in enumerate(subs):
                put(ws, 4, col + k, sub, HEAD_FONT)
        col += len(subs)
    ws.row_dimensions[3].height = 42
    row = 5
    for k, unit in enumerate(UNITS, start=1):
        put(ws, row, 1, k)
        put(ws, row, 2, stored((dept, unit, "name"), unit))
        col = 3
        for _, subs, getters, fmts, key in columns:
            for j, get in enumerate(getters):
                value, fmt = get(data[unit]), fmts[j]
                if j == 0 and key and MESS.get((dept, unit, key)) == "percent":
                    value, fmt = value / 100, "0.0%"
                elif j == 0 and key:
                    value = stored((dept, unit, key), value)
                put(ws, row, col, value, fmt=fmt)
                col += 1
        put(ws, row, n_cols, None)
        row += 1
    # 合计 row (skipped by ingest) with formulas, as offices leave them
    put(ws, row, 2, "合计")
    for c in range(3, n_cols):
        L = get_column_letter(c)
        put(ws, row, c, f"=SUM({L}5:{L}{row - 1})")
    row += 1
    line(ws, row, notes, n_cols, height=32)
    line(ws, row + 1, "填表人：王晓燕        审核人：陈志强        联系电话：0371-65321088", n_cols)
    widths(ws, [6, 16] + [13] * (n_cols - 3) + [14])
    ws.freeze_panes = "C5"
    path = folder / "input" / dept / f"{YEAR}年度区直部门组织考评指标数据（{dept}）.xlsx"
    save(wb, path)
    return path


def write_office(folder: Path) -> Path:
    columns = [
        ("年度重点工作任务完成数（项）", ["完成值", "目标值"], [lambda d: d[0][0], lambda d: d[0][1]], ["0", "0"], "Z1"),
        ("职能工作专项评价得分（5分）", [None], [lambda d: d[1]], ["0.0"], "Z3"),
        ("督查督办事项按期办结率（%）", [None], [lambda d: d[2]], ["0.0"], "G1"),
        ("被区委区政府通报批评次数（次）", [None], [lambda d: d[3]], ["0"], "G3"),
        ("依法行政考评得分（4分）", [None], [lambda d: d[4]], ["0.0"], "G4"),
    ]
    notes = ("说明：1.重点工作任务以区委、区政府下达的年度目标任务书为准；2.通报批评次数以区委办、区政府办"
             "正式通报文件为准；3.依法行政考评得分由区司法局提供。")
    return write_indicator_return(folder, "区考核办", columns, OFFICE_DATA, notes)


def write_stats(folder: Path) -> Path:
    columns = [
        ("牵头重点项目投资完成额（万元）", ["完成值", "目标值"], [lambda d: d[0][0], lambda d: d[0][1]],
         ["#,##0.0", "#,##0"], "Z2"),
        ("统计报表按时报送率（%）", [None], [lambda d: d[1]], ["0.0"], "G2"),
    ]
    notes = "说明：1.投资数据截至2025年12月31日，以统计联网直报平台数据为准；2.报送率按全年应报报表计算。"
    return write_indicator_return(folder, "区统计局", columns, STATS_DATA, notes)


def write_self_evaluations(folder: Path) -> list[Path]:
    paths = []
    for unit in UNITS:
        wb, ws = new_workbook("自评表")
        line(ws, 1, f"{unit}{YEAR}年度目标管理绩效考核单位自评表", 4, font=TITLE_FONT, align=CENTER, height=34)
        line(ws, 2, f"填报单位：{unit}（盖章）        填报日期：{YEAR + 1}年1月6日", 4)
        for c, text in enumerate(("序号", "单位名称", "单位自评得分（满分10分）", "备注"), start=1):
            put(ws, 3, c, text, HEAD_FONT)
        ws.row_dimensions[3].height = 32
        put(ws, 4, 1, 1)
        put(ws, 4, 2, stored(("单位自评", unit, "name"), unit))
        put(ws, 4, 3, stored(("单位自评", unit, "S1"), SELF[unit]), fmt="0.0")
        put(ws, 4, 4, "自评材料已报区考核办")
        line(ws, 5, "说明：按《XX区2025年度区直部门目标管理绩效考核自评细则》逐项自评，折合为10分制。", 4, height=30)
        line(ws, 6, "单位负责人：            填表人：            联系电话：", 4)
        widths(ws, [6, 22, 16, 22])
        path = folder / "input" / "单位自评" / f"{unit}{YEAR}年度目标管理绩效考核单位自评表.xlsx"
        save(wb, path)
        paths.append(path)
    return paths


def write_survey(folder: Path) -> Path:
    wb, first = new_workbook("中期评议")
    headers = ["序号", "被考核单位", "评议轮次", "评议群体", "评议题目", "满意", "基本满意", "不满意", "不了解"]
    rows = survey_rows()
    for rnd in ROUNDS:
        ws = first if rnd == "中期" else wb.create_sheet(f"{rnd}评议")
        line(ws, 1, f"XX区{YEAR}年度区直部门{rnd}公众评议结果统计表", len(headers), font=TITLE_FONT, align=CENTER,
             height=34)
        line(ws, 2, f"统计单位：区考核办、区统计局城调队    统计时间：{YEAR if rnd == '中期' else YEAR + 1}年"
                    f"{'7月15日' if rnd == '中期' else '1月10日'}", len(headers))
        for c, text in enumerate(headers, start=1):
            put(ws, 3, c, text, HEAD_FONT)
        r = 4
        for k, (unit, rr, group, qn, question, *counts) in enumerate((x for x in rows if x[1] == rnd), start=1):
            put(ws, r, 1, k)
            put(ws, r, 2, unit)
            put(ws, r, 3, rr)
            put(ws, r, 4, group)
            put(ws, r, 5, question, align=LEFT)
            for j, (choice, n) in enumerate(zip(("满意", "基本满意", "不满意", "不了解"), counts)):
                put(ws, r, 6 + j, stored(("公众评议", unit, f"{rr}/{group}/{qn}/{choice}"), n), fmt="0")
            r += 1
        line(ws, r, "注：网上评议通过区政府门户网站开展；“不了解”不计入得分。", len(headers))
        widths(ws, [6, 16, 9, 16, 34, 8, 10, 8, 8])
        ws.freeze_panes = "A4"
    path = folder / "input" / "公众评议" / f"{YEAR}年度区直部门公众评议统计表.xlsx"
    save(wb, path)
    return path


def write_adjustments(folder: Path) -> Path:
    wb, ws = new_workbook("加减分登记")
    headers = ["序号", "被考核单位", "加减分类别", "分值", "事由", "认定部门"]
    line(ws, 1, f"XX区{YEAR}年度区直部门目标管理绩效考核加减分登记表", len(headers), font=TITLE_FONT, align=CENTER,
         height=34)
    line(ws, 2, "说明：改革创新每项加1分，最多加3分；察访核验扣分合计最多扣5分（扣分以负数登记）。", len(headers))
    for c, text in enumerate(headers, start=1):
        put(ws, 3, c, text, HEAD_FONT)
    for k, (unit, kind, points, reason, dept) in enumerate(ADJUSTMENTS, start=1):
        for c, value in enumerate((k, unit, kind, points, reason, dept), start=1):
            put(ws, 3 + k, c, value, align=LEFT if c == 5 else None, fmt="0.0" if c == 4 else None)
    widths(ws, [6, 16, 14, 8, 46, 14])
    path = folder / "input" / "区考核办" / f"{YEAR}年度区直部门加减分登记表.xlsx"
    save(wb, path)
    return path


def write_veto_register(folder: Path) -> Path:
    """No veto this year: the office files its register with the header only (see xlsx_kit)."""
    path = folder / "input" / "区考核办" / f"{YEAR}年度区直部门一票否决事项登记表.xlsx"
    return xlsx_kit.write_empty_veto_register(new_workbook("一票否决"), path,
                                              f"XX区{YEAR}年度区直部门目标管理考核一票否决事项登记表", FIXED_TIME)


def generate(folder: Path = HERE) -> list[Path]:
    folder = Path(folder)
    return [write_office(folder), write_stats(folder), *write_self_evaluations(folder), write_survey(folder),
            write_adjustments(folder), write_veto_register(folder)]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for p in generate(target):
        print(p.relative_to(target))
