"""Write the filled-in returns of the village example into examples/village/input/.

Usage::

    python examples/village/make_inputs.py [FOLDER]      # default: the folder of this script

Scheme: XX镇 assesses its 8 villages (行政村) on a 千分制 — 考核组评分 (15 items × 100 = 1500 raw points → 1000) × 90%
+ 班子成员评分 (5 members each score every village on the 15 items, weighted 20/10/5/…; trimmed mean, 100 → 1000) × 10%;
民主评议 tallies are reported, not scored. See config.toml.

The returns look like what a township's assessment office receives:

* input/考核组评分/<村>2025年度村级综合目标考核评分表.xlsx          东庄村 西庄村 南岗村 北岗村, one workbook each
* input/考核组评分/第二考核组评分表（杨湾村、李楼村、王集村、张营村）.xlsx  one sheet per village
* input/班子成员评分/2025年度村级综合目标考核班子成员评分汇总表.xlsx       one sheet per member
* input/民主评议/2025年度村级民主评议情况统计表.xlsx                      tallies 好/较好/一般/较差/不了解

Score sheets: a title row, a "被考核单位：东庄村  考核日期：2026年1月8日" line, the header 序号 | 考核项目 |
考核内容 | 分值 | 得分 | 扣分原因, each item cell (and its 序号) merged over its sub-item rows, a 合计 row with a
formula, and a 考核组成员签字 line. A little realistic mess must still read cleanly (``MESS`` below): full-width
digits, numbers stored as text (one with a 分 suffix), a full-width space in the unit line, a short village name
(alias), a stray space after an item name.

Every value is fixed here or drawn from ``random.Random(SEED)``; workbook properties and zip timestamps are pinned,
so running the script twice writes byte-identical files (with the same openpyxl/zlib).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/, for xlsx_kit
import xlsx_kit  # noqa: E402
from xlsx_kit import CENTER, HEAD_FONT, LEFT, TITLE_FONT, fullwidth, line, put, widths  # noqa: E402

HERE = Path(__file__).resolve().parent
YEAR = 2025
SEED = 2025
TOWN = "XX镇"
OFFICE = "XX镇党政综合办公室"
FIXED_TIME = dt.datetime(2026, 1, 12, 9, 0, 0)

VILLAGES = ["东庄村", "西庄村", "南岗村", "北岗村", "杨湾村", "李楼村", "王集村", "张营村"]
SEPARATE = VILLAGES[:4]   # 第一考核组: one workbook per village
COMBINED = VILLAGES[4:]   # 第二考核组: one workbook, one sheet per village

# 15 考核项目 × their 考核内容 (sub-item, points); each item's sub-items sum to 100 (the same tree as config.toml).
ITEMS = [
    ("党建工作", [("基层组织建设", 40), ("党员教育管理", 30), ("阵地建设", 30)]),
    ("党风廉政建设", [("主体责任落实", 40), ("村务监督", 30), ("干部作风建设", 30)]),
    ("精神文明建设", [("文明村创建", 40), ("移风易俗", 30), ("志愿服务", 30)]),
    ("社会治安综合治理", [("矛盾纠纷排查化解", 40), ("信访稳定", 30), ("平安村建设", 30)]),
    ("精准扶贫帮扶", [("帮扶责任落实", 50), ("结对帮扶走访", 50)]),
    ("精准扶贫", [("脱贫人口增收", 30), ("防返贫动态监测", 30), ("产业帮扶项目", 20), ("扶贫档案管理", 20)]),
    ("农业经济", [("粮食生产", 40), ("特色产业发展", 30), ("村集体经济收入", 30)]),
    ("社会保险", [("城乡居民养老保险参保", 50), ("城乡居民医疗保险参保", 50)]),
    ("民政工作", [("低保五保管理", 40), ("残疾人服务", 30), ("养老服务", 30)]),
    ("安全生产", [("安全隐患排查整治", 40), ("消防安全", 30), ("道路交通安全", 30)]),
    ("村级财务", [("财务公开", 40), ("资产资源管理", 30), ("债权债务管理", 30)]),
    ("林业管理", [("森林防火", 50), ("植树造林", 30), ("林地保护", 20)]),
    ("电子商务", [("电商服务站运营", 60), ("农产品网销", 40)]),
    ("劳务输转", [("劳动力转移就业", 60), ("职业技能培训", 40)]),
    ("食品药品安全", [("食品安全监管", 50), ("药品安全宣传", 50)]),
]
# 班子成员评分: item weights (Σ = 100), as in config.toml.
ITEM_WEIGHTS = [20, 10, 5, 10, 5, 15, 10, 5, 5, 5, 4, 1, 1, 2, 2]

# How well each village did (drives the deductions and the members' scores).
QUALITY = {"东庄村": 0.85, "西庄村": 0.60, "南岗村": 0.75, "北岗村": 0.45,
           "杨湾村": 0.80, "李楼村": 0.55, "王集村": 0.70, "张营村": 0.35}

# 镇领导班子成员 and how strictly each one scores (added to every item score).
MEMBERS = [("王建国", "党委书记", -2), ("刘志明", "镇长", 0), ("陈红梅", "党委副书记", 2),
           ("赵德胜", "人大主席", 3), ("孙丽", "纪委书记", -4)]

REASONS = ["台账资料不完整", "工作进度滞后", "群众反映问题整改不及时", "档案归档不规范", "会议记录不全",
           "宣传氛围不浓", "未按时报送材料", "现场检查发现问题"]

SURVEY_GROUPS = {"党员代表": (15, 30), "村民代表": (25, 45), "镇机关干部": (10, 18)}  # respondents per question
SURVEY_QUESTIONS = ["对村“两委”班子团结协作的评价", "对村务公开和民主管理的评价", "对为民办实事成效的评价"]
CHOICES = ["好", "较好", "一般", "较差", "不了解"]

# Messy-but-valid cells: (file key, village, what) -> how the cell is written. Each must read as the office meant.
MESS = {
    ("考核组", "东庄村", "V01.1"): "fullwidth",          # 得分 typed in full-width digits: "３６．５"
    ("考核组", "东庄村", "V07.1"): "text",               # number stored as text: "39"
    ("考核组", "东庄村", "unit_line"): "fullwidth_space",  # "被考核单位：东庄村　　考核日期：…"
    ("考核组", "杨湾村", "V06.3"): "unit_word",          # number as text with a unit word: "19分"
    ("考核组", "杨湾村", "V10.1"): "fullwidth",          # "３４"
    ("考核组", "张营村", "unit_line"): "alias",          # "被考核单位：张营"
    ("考核组", "西庄村", "item:农业经济"): "trailing_space",  # "农业经济 "
    ("班子成员", "东庄村", "刘志明/党建工作"): "fullwidth",  # "８７"
    ("班子成员", "杨湾村", "赵德胜/精准扶贫"): "text",       # "92"
    ("民主评议", "南岗村", "村民代表/1/好"): "text",        # a count stored as text
}


def plain(value) -> str:
    """38.0 -> "38", 38.5 -> "38.5"."""
    return f"{value:g}"


def messy(key: tuple, value):
    how = MESS.get(key)
    if how == "fullwidth":
        return fullwidth(plain(value))
    if how == "text":
        return plain(value)
    if how == "unit_word":
        return plain(value) + "分"
    return value


# ------------------------------------------------------------------------------------------------ the data

def exam_scores() -> dict[str, list[list[float]]]:
    """village -> per item, per sub-item 得分 (half points), fixed by SEED."""
    rng = random.Random(SEED)
    out = {}
    for v in VILLAGES:
        q = QUALITY[v]
        per_item = []
        for _, subs in ITEMS:
            row = []
            for _, points in subs:
                loss = rng.random() * (1.05 - q) * 0.8 * points
                row.append(max(0.0, points - round(loss * 2) / 2))
            per_item.append(row)
        out[v] = per_item
    return out


def member_scores() -> dict[str, dict[str, list[int]]]:
    """member -> village -> 15 item scores (0–100), fixed by SEED."""
    rng = random.Random(SEED + 1)
    out = {}
    for name, _, bias in MEMBERS:
        out[name] = {}
        for v in VILLAGES:
            base = 62 + 36 * QUALITY[v] + bias
            out[name][v] = [max(0, min(100, round(base + rng.uniform(-7, 7)))) for _ in ITEMS]
    return out


def survey_rows() -> list[tuple]:
    """(village, group, question number, question, 好, 较好, 一般, 较差, 不了解), fixed by SEED."""
    rng = random.Random(SEED + 2)
    rows = []
    for v in VILLAGES:
        q = QUALITY[v]
        for group, (lo, hi) in SURVEY_GROUPS.items():
            for k, question in enumerate(SURVEY_QUESTIONS, start=1):
                n = rng.randint(lo, hi)
                good = round(n * min(0.85, max(0.15, 0.15 + 0.6 * q + rng.uniform(-0.08, 0.08))))
                unknown = int(n * rng.uniform(0.0, 0.08))
                poor = int(n * rng.uniform(0.0, 0.15) * (1.2 - q))
                fair = int((n - good - unknown - poor) * rng.uniform(0.25, 0.5) * (1.3 - q))
                rather = max(0, n - good - unknown - poor - fair)
                rows.append((v, group, k, question, good, rather, fair, poor, unknown))
    return rows


# ------------------------------------------------------------------------------------------------ writing

new_workbook = partial(xlsx_kit.new_workbook, creator=OFFICE, when=FIXED_TIME)
save = partial(xlsx_kit.save, when=FIXED_TIME)


def print_setup(ws, landscape: bool = False) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_score_sheet(ws, village: str, scores: list[list[float]], rng: random.Random) -> None:
    """One village's 考核评分表 (the assessment group's per-village score sheet)."""
    line(ws, 1, f"{TOWN}{YEAR}年度村级综合目标考核评分表", 6, font=TITLE_FONT, align=CENTER, height=36)
    how = MESS.get(("考核组", village, "unit_line"))
    name = "张营" if how == "alias" else village
    gap = "\u3000\u3000" if how == "fullwidth_space" else "    "
    line(ws, 2, f"被考核单位：{name}{gap}考核日期：{YEAR + 1}年1月8日", 6, height=22)
    for c, text in enumerate(("序号", "考核项目", "考核内容", "分值", "得分", "扣分原因"), start=1):
        put(ws, 3, c, text, HEAD_FONT)
    ws.row_dimensions[3].height = 24
    r = 4
    for k, ((item, subs), item_scores) in enumerate(zip(ITEMS, scores), start=1):
        first = r
        for j, ((sub, points), score) in enumerate(zip(subs, item_scores), start=1):
            ind_id = f"V{k:02d}.{j}"
            if j == 1:
                put(ws, r, 1, k)
                shown = item + " " if MESS.get(("考核组", village, f"item:{item}")) == "trailing_space" else item
                put(ws, r, 2, shown)
            else:
                put(ws, r, 1, None)
                put(ws, r, 2, None)
            put(ws, r, 3, sub, align=LEFT)
            put(ws, r, 4, points, fmt="0")
            put(ws, r, 5, messy(("考核组", village, ind_id), score), fmt="0.0")
            put(ws, r, 6, rng.choice(REASONS) if score < points else None, align=LEFT)
            r += 1
        ws.merge_cells(start_row=first, start_column=1, end_row=r - 1, end_column=1)
        ws.merge_cells(start_row=first, start_column=2, end_row=r - 1, end_column=2)
    # 合计 row (skipped by ingest): 合计 merged over 考核项目 and 考核内容, the 得分 as a formula
    put(ws, r, 1, None)
    put(ws, r, 2, "合计")
    put(ws, r, 3, None)
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
    put(ws, r, 4, f"=SUM(D4:D{r - 1})", fmt="0")
    put(ws, r, 5, f"=SUM(E4:E{r - 1})", fmt="0.0")
    put(ws, r, 6, None)
    r += 1
    # The signature line sits in the 序号 column and runs across the empty cells to its right (not merged:
    # a merged signature line would fill the 考核项目 column too, see README).
    put(ws, r + 1, 1, "考核组成员签字：                                被考核村负责人签字：", align=LEFT, border=False)
    ws.row_dimensions[r + 1].height = 30
    widths(ws, [6, 18, 26, 8, 8, 30])
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    print_setup(ws)


def write_exam(folder: Path) -> list[Path]:
    scores = exam_scores()
    rng = random.Random(SEED + 3)  # the 扣分原因 texts
    paths = []
    for v in SEPARATE:
        wb, ws = new_workbook("评分表")
        write_score_sheet(ws, v, scores[v], rng)
        path = folder / "input" / "考核组评分" / f"{v}{YEAR}年度村级综合目标考核评分表.xlsx"
        save(wb, path)
        paths.append(path)
    wb, ws = new_workbook(COMBINED[0])
    for k, v in enumerate(COMBINED):
        if k:
            ws = wb.create_sheet(v)
        write_score_sheet(ws, v, scores[v], rng)
    path = folder / "input" / "考核组评分" / f"第二考核组评分表（{'、'.join(COMBINED)}）.xlsx"
    save(wb, path)
    paths.append(path)
    return paths


def write_leadership(folder: Path) -> Path:
    scores = member_scores()
    wb, ws = new_workbook(MEMBERS[0][0])
    n_cols = 2 + len(ITEMS) + 1
    for k, (name, title, _) in enumerate(MEMBERS):
        if k:
            ws = wb.create_sheet(name)
        line(ws, 1, f"{TOWN}{YEAR}年度村级综合目标考核班子成员评分汇总表", n_cols, font=TITLE_FONT, align=CENTER,
             height=36)
        line(ws, 2, f"评分人：{name}（{title}）        评分日期：{YEAR + 1}年1月9日        "
                    "说明：每项按百分制评分，加权计算由考核办完成。", n_cols, height=22)
        put(ws, 3, 1, "序号", HEAD_FONT)
        put(ws, 3, 2, "村名", HEAD_FONT)
        for j, ((item, _), w) in enumerate(zip(ITEMS, ITEM_WEIGHTS), start=3):
            put(ws, 3, j, f"{item}（{w}%）", HEAD_FONT)
        put(ws, 3, n_cols, "备注", HEAD_FONT)
        ws.row_dimensions[3].height = 48
        for i, v in enumerate(VILLAGES, start=1):
            put(ws, 3 + i, 1, i)
            put(ws, 3 + i, 2, v)
            for j, ((item, _), s) in enumerate(zip(ITEMS, scores[name][v]), start=3):
                put(ws, 3 + i, j, messy(("班子成员", v, f"{name}/{item}"), s), fmt="0")
            put(ws, 3 + i, n_cols, None)
        line(ws, 4 + len(VILLAGES), "评分人签字：", n_cols, height=28)
        widths(ws, [6, 10] + [9] * len(ITEMS) + [10])
        ws.freeze_panes = "C4"
        print_setup(ws, landscape=True)
    path = folder / "input" / "班子成员评分" / f"{YEAR}年度村级综合目标考核班子成员评分汇总表.xlsx"
    save(wb, path)
    return path


def write_survey(folder: Path) -> Path:
    wb, ws = new_workbook("民主评议")
    headers = ["序号", "被考核村", "评议轮次", "评议群体", "评议题目", *CHOICES]
    line(ws, 1, f"{TOWN}{YEAR}年度村级民主评议情况统计表", len(headers), font=TITLE_FONT, align=CENTER, height=36)
    line(ws, 2, f"统计单位：{TOWN}纪委、组织办        统计时间：{YEAR + 1}年1月6日", len(headers))
    for c, text in enumerate(headers, start=1):
        put(ws, 3, c, text, HEAD_FONT)
    r = 4
    for k, (v, group, qn, question, *counts) in enumerate(survey_rows(), start=1):
        put(ws, r, 1, k)
        put(ws, r, 2, v)
        put(ws, r, 3, "年终")
        put(ws, r, 4, group)
        put(ws, r, 5, question, align=LEFT)
        for j, (choice, n) in enumerate(zip(CHOICES, counts)):
            put(ws, r, 6 + j, messy(("民主评议", v, f"{group}/{qn}/{choice}"), n), fmt="0")
        r += 1
    line(ws, r, "注：评价分好、较好、一般、较差四档，“不了解”不计入统计；民主评议结果只作通报，不计入考核总分。",
         len(headers), height=30)
    widths(ws, [6, 10, 9, 12, 32, 6, 6, 6, 6, 8])
    ws.freeze_panes = "A4"
    print_setup(ws, landscape=True)
    path = folder / "input" / "民主评议" / f"{YEAR}年度村级民主评议情况统计表.xlsx"
    save(wb, path)
    return path


def write_veto_register(folder: Path) -> Path:
    """No veto this year: the office files its register with the header only (see xlsx_kit)."""
    path = folder / "input" / "镇考核办" / f"{YEAR}年度村级一票否决事项登记表.xlsx"
    return xlsx_kit.write_empty_veto_register(new_workbook("一票否决"), path,
                                              f"XX镇{YEAR}年度村级目标管理考核一票否决事项登记表", FIXED_TIME)


def generate(folder: Path = HERE) -> list[Path]:
    folder = Path(folder)
    return [*write_exam(folder), write_leadership(folder), write_survey(folder), write_veto_register(folder)]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for p in generate(target):
        print(p.relative_to(target))
