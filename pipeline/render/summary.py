"""Official summary workbook (考核结果汇总表.xlsx), written with xlsxwriter over the shared base (xlsx_base.py).

Input is the typed `Results` (pipeline/results.py). This module only formats: it never computes or re-rounds a
score; signs, labels and grade colours come from pipeline/labels.py. Every sheet is written by one small function.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass

from .. import labels
from ..output_mark import RESULTS_BOOK
from ..results import Results
from ..score.weights import describe as describe_weighting
from .issues_book import sheet_issues
from .xlsx_base import (
    close_workbook,
    Col,
    Getter,
    Sheet,
    Styles,
    add_adjustment_columns,
    adjustment_header,
    category_label,
    component_head,
    grade_colours,
    header_depth,
    merge,
    new_sheet,
    open_workbook,
    print_a4,
    print_table,
    wide_row,
    section,
    signed_adjustment,
    title_block,
    trim_number,
    write_table,
)

__all__ = ["write_summary_workbook", "SHEET_NAMES"]

SHEET_NAMES = (
    "汇总表", "指标得分", "明细", "公众评议", "加减分", "奖项", "数据问题", "方法说明", "运行信息", "图表",
)

SIGNATURE = "考核组长：__________    审核人：__________    制表人：__________"


# --------------------------------------------------------------------------------------------- 汇总表
@dataclass
class _SummaryLayout:
    first_row: int          # first unit row (0-based)
    last_row: int           # last unit row
    unit_col: int
    total_col: int
    label_row: int          # header row holding the category labels
    cat_cols: tuple[int, int] | None  # first/last category column, if any


def _summary_columns(results: Results) -> tuple[list[Col], list[Getter]]:
    """Columns of the official table plus, per column, a getter unit -> displayed value."""
    cols: list[Col] = [Col("名次", "int", cap=6), Col("单位", "center", cap=24), Col("分组", "center", cap=14)]
    getters: list[Getter] = [lambda u: u.rank, lambda u: u.unit, lambda u: u.group]
    categories_done = False
    for comp in results.components:
        head = component_head(comp)
        if comp.kind == "indicators" and not categories_done:
            categories_done = True
            for cat in results.categories:
                cols.append(Col(category_label(cat), "score", head, cap=14))
                getters.append(lambda u, k=cat.name: u.categories[k])
            cols.append(Col("小计", "score", head, cap=14))
        else:
            cols.append(Col(head, "score", cap=14))
        getters.append(lambda u, k=comp.name: u.components[k])
    add_adjustment_columns(results, cols, getters)
    cols += [Col("总分", "score", cap=12), Col("分组名次", "int", cap=8), Col("等次", "wrap_center", cap=12),
             Col("一票否决", "center", cap=8), Col("获奖情况", "wrap", cap=30)]
    effect = results.veto.effect
    getters += [lambda u: u.total, lambda u: u.group_rank, lambda u: labels.grade_shown(u, effect),
                lambda u: labels.veto_items(u) or "是" if u.vetoed else "否", labels.awards_shown]
    return cols, getters


def _veto_note(results: Results) -> str:
    parts = []
    for u in results.units:
        if not u.vetoed:
            continue
        items = "；".join("、".join(x for x in (v.item, v.reason) if x) for v in u.veto)
        parts.append(f"{u.unit}（{items}）" if items else u.unit)
    return "注：红色字体为一票否决单位：" + "；".join(parts) + "。" if parts else ""


def _gap_note(results: Results) -> str:
    """Units whose total includes indicators scored without data, as the scheme's `missing` allows."""
    parts = [f"{u.unit}（" + "；".join(f"{g.indicator} {g.policy}" for g in u.gaps) + "）"
             for u in results.units if u.gaps]
    return "注：下列单位有指标缺数据，已按考核方案处理：" + "；".join(parts) + "。" if parts else ""


def _grade_note(results: Results) -> str:
    """Units whose grade is not the one their total alone gives: grade rules, 一票否优, veto, quota."""
    parts = [f"{u.unit}（按总分为“{u.grade_by_total}”；{u.grade_note}）" for u in results.units if u.grade_note]
    return "注：下列单位的等次不只由总分决定：" + "；".join(parts) + "。" if parts else ""


def _sheet_summary(wb, st: Styles, results: Results) -> _SummaryLayout:
    sheet = new_sheet(wb, st, "汇总表")
    ws = sheet.ws
    columns, getters = _summary_columns(results)
    units = results.units

    title_block(sheet, results, "结果汇总表")
    ws.set_row(2, 30)
    ws.set_row(3, 30)
    rows = [[g(u) for g in getters] for u in units]
    first, end = write_table(sheet, 2, columns, rows, red=[u.vetoed for u in units], empty_text="无考核结果")

    r = end
    for note in (_veto_note(results), _grade_note(results), _gap_note(results)):
        if note:
            ws.set_row(r, 30)
            wide_row(sheet, r, (note, st.note))
            r += 1
    r += 1
    wide_row(sheet, r, (SIGNATURE, st.plain_left))

    ws.freeze_panes(first, 2)
    ws.repeat_rows(2, first - 1)
    print_table(sheet, f"{results.assessment.title}结果汇总表")

    heads = [c.label for c in columns]
    cat_cols = None
    n_cats = len(results.categories)
    if n_cats and "小计" in heads:
        sub = heads.index("小计")
        cat_cols = (sub - n_cats, sub - 1)
    return _SummaryLayout(first_row=first, last_row=first + len(units) - 1, unit_col=1,
                          total_col=heads.index("总分"), label_row=first - 1, cat_cols=cat_cols)


# --------------------------------------------------------------------------------------------- 指标得分
def _indicator_headings(results: Results) -> dict[str, tuple[str, ...]]:
    """Indicator id -> the labels of its category path, top level first (一级 › 二级 › …), each with its points,
    from `category_tree` (every node of the scheme's tree)."""
    nodes = {tuple(node.path): node for node in results.category_tree}
    return {ind.id: tuple(category_label(nodes[tuple(ind.category[:k])]) for k in range(1, len(ind.category) + 1))
            for ind in results.indicators}


def _sheet_indicator_scores(wb, st: Styles, results: Results) -> None:
    sheet = new_sheet(wb, st, "指标得分")
    headings = _indicator_headings(results)
    indicators = results.indicators
    columns = [Col("名次", "int", cap=6), Col("单位", "center", cap=24), Col("分组", "center", cap=14)]
    for ind in indicators:
        label = f"{ind.id} {ind.name}（{trim_number(ind.points)}分）"
        columns.append(Col(label, "score", headings[ind.id], cap=16))
    units = results.units
    rows = [[u.rank, u.unit, u.group] + [u.indicators[ind.id] for ind in indicators] for u in units]
    sheet.ws.set_row(header_depth(columns) - 1, 45)  # the indicator label row
    first, _ = write_table(sheet, 0, columns, rows, red=[u.vetoed for u in units], empty_text="无考核结果")
    sheet.ws.freeze_panes(first, 2)
    print_table(sheet, f"{results.assessment.title}·{sheet.ws.name}")


# --------------------------------------------------------------------------------------------- 明细
def _sheet_detail(wb, st: Styles, results: Results) -> None:
    sheet = new_sheet(wb, st, "明细")
    periods = any(d.period for d in results.detail)  # 定期考核: a column saying which check a row is for
    columns = [Col("单位", cap=20), *([Col("考核期", "center", cap=10)] if periods else []),
               Col("指标编号", "center", cap=10), Col("指标名称", cap=30),
               Col("计分方法", "center", cap=14), Col("原始值", "num", cap=16), Col("目标值", "num", cap=16),
               Col("得分", "score", cap=10), Col("计算过程", "wrap", cap=60),
               Col("数据来源（文件 › 工作表!单元格）", cap=50), Col("说明", "wrap", cap=50)]
    rows = [[d.unit, *([d.period or "年终"] if periods else []), d.indicator, d.indicator_name, d.method_label,
             d.value, d.target, d.score, d.calc or None, d.source, d.note] for d in results.detail]
    first, end = write_table(sheet, 0, columns, rows)
    sheet.ws.freeze_panes(first, 0)
    sheet.ws.autofilter(0, 0, max(end - 1, first), len(columns) - 1)
    print_table(sheet, f"{results.assessment.title}·{sheet.ws.name}")


# --------------------------------------------------------------------------------------------- 公众评议
def _sheet_survey(wb, st: Styles, results: Results) -> None:
    sheet = new_sheet(wb, st, "公众评议")
    survey = results.survey
    r = section(sheet, 0, "一、各评议群体得分")
    columns = [Col("单位", cap=20), Col("轮次", "center", cap=10), Col("评议群体", "center", cap=16),
               Col("样本量", "int", cap=10), Col("得分", "score", cap=10), Col("满意率", "pct", cap=10)]
    rows = [[c.unit, c.round, c.category, c.sample, c.score, c.satisfaction_rate] for c in survey.categories]
    _, r = write_table(sheet, r, columns, rows)

    r = section(sheet, r + 1, "二、各题目统计")
    choices: list[str] = []   # choice names are scheme-defined; keep their first-seen order
    for q in survey.rows:
        choices += [k for k in q.counts if k not in choices]
    columns = ([Col("单位", cap=20), Col("轮次", "center", cap=10), Col("评议群体", "center", cap=16),
                Col("题目", "wrap", cap=40)] + [Col(ch, "num", cap=10) for ch in choices]
               + [Col("得分（5分制）", "q4", cap=12), Col("满意率", "pct", cap=10),
                  Col("数据来源（文件 › 工作表!单元格）", cap=50)])
    rows = [[q.unit, q.round, q.category, q.question] + [q.counts[ch] for ch in choices]
            + [q.score, q.satisfaction_rate, q.source] for q in survey.rows]
    _, r = write_table(sheet, r, columns, rows)

    r = section(sheet, r + 1, "三、各单位评议结果（各轮、各群体、各题合计）")
    summaries = [(u.unit, u.survey) for u in results.units if u.survey is not None]
    counted = list(summaries[0][1].counts) if summaries else []
    satisfied = "+".join(summaries[0][1].satisfied) if summaries else ""
    columns = ([Col("单位", cap=20)] + [Col(f"{ch}（人次）", "int", cap=10) for ch in counted]
               + [Col("已知回答（人次）", "int", cap=12), Col(f"满意率（{satisfied}）", "pct", cap=14),
                  Col("评议得分", "score", cap=12)])
    rows = [[unit, *(s.counts[ch] for ch in counted), s.answered, s.satisfaction_rate, s.score]
            for unit, s in summaries]
    write_table(sheet, r, columns, rows)
    print_table(sheet, f"{results.assessment.title}·{sheet.ws.name}")


# --------------------------------------------------------------------------------------------- 数据更正
def _sheet_corrections(wb, st: Styles, results: Results) -> None:
    """更正/申诉: every approved correction applied on top of the returns, original → corrected, why, who approved."""
    if not results.corrections:
        return
    sheet = new_sheet(wb, st, "数据更正")
    names = {i.id: i.name for i in results.indicators}
    columns = [Col("单位", cap=20), Col("指标", cap=30), Col("原数值", "num", cap=12), Col("更正后数值", "num", cap=12),
               Col("事由", "wrap", cap=40), Col("审批人", "center", cap=12), Col("审批日期", "center", cap=12),
               Col("原数值所在单元格", cap=40), Col("更正登记（文件 › 工作表!单元格）", cap=40)]
    rows = [[c.unit, f"{c.indicator} {names.get(c.indicator, '')}", c.original, c.corrected, c.reason, c.approver,
             c.date or None, c.value_source, c.source] for c in results.corrections]
    write_table(sheet, 0, columns, rows)
    print_table(sheet, f"{results.assessment.title}·{sheet.ws.name}")


# --------------------------------------------------------------------------------------------- 综合指数
def _sheet_growth(wb, st: Styles, results: Results) -> None:
    """综合指数: every item's this-year and last-year values with their cells, the two indices, each unit's index
    and score, so a unit can follow its composite index to the cells it came from."""
    comps = [c for c in results.components if c.kind == "growth_index"]
    if not comps:
        return
    sheet = new_sheet(wb, st, "综合指数")
    r = section(sheet, 0, "一、各项指标（本年值、上年值及来源）")
    columns = [Col("单位", cap=20), Col("组成部分", "center", cap=14), Col("指标", cap=24), Col("权重", "q4", cap=8),
               Col("本年值", "num", cap=14), Col("本年值来源", cap=40), Col("上年值", "num", cap=14),
               Col("上年值来源", cap=40), Col("本年平均值", "q4", cap=14), Col("自比指数 s", "q4", cap=12),
               Col("均比指数 a", "q4", cap=12)]
    rows = [[u.unit, c.name, f"{g.item} {g.name}", g.weight, g.value, g.value_source, g.last, g.last_source, g.mean,
             g.self_index, g.mean_index] for u in results.units for c in comps for g in u.growth[c.name].items]
    _, r = write_table(sheet, r, columns, rows)
    r = section(sheet, r + 1, "二、综合指数及得分")
    columns = [Col("单位", cap=20), Col("组成部分", "center", cap=14), Col("综合指数", "q4", cap=12),
               Col("最好指数", "q4", cap=12), Col("最差指数", "q4", cap=12), Col("得分", "score", cap=10)]
    rows = [[u.unit, c.name, t.index, t.best, t.worst, t.score] for u in results.units for c in comps
            for t in [u.growth[c.name]]]
    _, r = write_table(sheet, r, columns, rows)
    for c in comps:
        merge(sheet, r, 0, len(columns) - 1,
              f"注：{c.name}综合指数 = 100 × Σ 权重 ×（{trim_number(c.self_weight)} × s + {trim_number(1 - c.self_weight)} × a），"
              f"s = 本年值 ÷ 上年值，a = 本年值 ÷ 本年平均值（越低越好的指标取倒数）；得分按功效系数法：满分{trim_number(c.full)} ×"
              f"（{trim_number(c.base)} + {trim_number(1 - c.base)} ×（指数 − 最差指数）÷（最好指数 − 最差指数））。", st.note)
        sheet.ws.set_row(r, 45)
        r += 1
    print_table(sheet, f"{results.assessment.title}·{sheet.ws.name}")


# --------------------------------------------------------------------------------------------- 定期考核
def _sheet_periods(wb, st: Styles, results: Results) -> None:
    """定期考核: each unit's score in every periodic check and the combined score (the 动态考核档案); the
    indicator scores of each period are on the 明细 sheet (考核期 column)."""
    comps = [c for c in results.components if c.kind == "periods"]
    if not comps:
        return
    sheet = new_sheet(wb, st, "定期考核")
    periods = list(dict.fromkeys(p for c in comps for p in c.periods))
    columns = ([Col("单位", cap=20), Col("组成部分", "center", cap=16)]
               + [Col(p, "score", cap=12) for p in periods] + [Col("合计", "score", cap=12)])
    rows = []
    for u in results.units:
        for c in comps:
            got = {p.period: p.score for p in u.periods[c.name]}
            rows.append([u.unit, c.name, *(got.get(p) for p in periods), u.components[c.name]])
    _, r = write_table(sheet, 0, columns, rows)
    for c in comps:
        weights = "、".join(f"{p} {w:.0%}" if (w * 100) % 1 == 0 else f"{p} {w:.2%}"
                            for p, w in c.weights_of_periods.items())  # the scheme's weights, not a unit's copy
        merge(sheet, r, 0, len(columns) - 1, f"注：{c.name}合计 = 各期得分按权重合计（{weights}）；各期得分按各指标的计分方法"
              f"以当期数据计算，满分{trim_number(c.full)}分。", st.note)
        sheet.ws.set_row(r, 30)
        r += 1
    print_table(sheet, f"{results.assessment.title}·{sheet.ws.name}")


# --------------------------------------------------------------------------------------------- 目标完成
def _sheet_targets(wb, st: Styles, results: Results) -> None:
    """追赶超越: every declared target, what was achieved, whether it was met and by how much."""
    if not any(u.targets for u in results.units):
        return
    sheet = new_sheet(wb, st, "目标完成")
    columns = [Col("单位", cap=20), Col("目标", "wrap", cap=30), Col("申报", "center", cap=14),
               Col("实际", "center", cap=14), Col("是否完成", "center", cap=10), Col("差距", "center", cap=16)]
    rows = [[u.unit, t.name, t.declared, t.achieved, labels.target_verdict(t.met), t.margin_text or None]
            for u in results.units for t in u.targets]
    write_table(sheet, 0, columns, rows, red=[t.met is False for u in results.units for t in u.targets])
    print_table(sheet, f"{results.assessment.title}·{sheet.ws.name}")


# --------------------------------------------------------------------------------------------- 评分
def _sheet_ratings(wb, st: Styles, results: Results) -> None:
    """Every rating of every ratings component (班子成员, 季度, 交叉考核), whether it counted, and where it came from."""
    if not any(c.is_ratings for c in results.components):
        return
    sheet = new_sheet(wb, st, "评分")
    columns = [Col("单位", cap=20), Col("组成部分", "center", cap=16), Col("评分人", "center", cap=16),
               Col("评分（百分制）", "q4", cap=12), Col("是否计入", "center", cap=18),
               Col("数据来源（文件 › 工作表!单元格）", cap=50)]
    rows = [[u.unit, name, r.rater, r.score, r.note or "计入", r.source]
            for u in results.units for name, trace in u.ratings.items() for r in trace.ratings]
    first, end = write_table(sheet, 0, columns, rows)
    r = section(sheet, end + 1, "各单位评分平均（去掉不计入的评分后）")
    names = [c.name for c in results.components if c.is_ratings]
    columns = [Col("单位", cap=20)]
    for n in names:
        columns += [Col(f"{n}·计入评分数", "int", cap=14), Col(f"{n}·平均分", "score", cap=14)]
    write_table(sheet, r, columns, [[u.unit, *(x for n in names for x in (u.ratings[n].counted, u.ratings[n].mean))]
                                     for u in results.units])
    sheet.ws.freeze_panes(first, 0)
    print_table(sheet, f"{results.assessment.title}·{sheet.ws.name}")


# --------------------------------------------------------------------------------------------- 加减分
def _sheet_adjustments(wb, st: Styles, results: Results) -> None:
    sheet = new_sheet(wb, st, "加减分")
    r = section(sheet, 0, "一、加减分登记（封顶前）")
    kinds = results.adjustment_kinds
    sign = {k.name: k.sign for k in kinds}
    value = "分值（名次）" if "rank" in sign.values() else "分值"  # a rank kind's register gives places
    columns = [Col("单位", cap=20), Col("项目", "center", cap=20), Col(value, "num", cap=10),
               Col("事由", "wrap", cap=50), Col("日期", "center", cap=12), Col("来源", cap=40)]
    rows = [[a.unit, a.kind, labels.register_value(sign[a.kind], a.value), a.reason, a.date, a.source]
            for a in results.adjustments]
    _, r = write_table(sheet, r, columns, rows)

    r = section(sheet, r + 1, "二、核定加减分（按上限封顶，扣分以负数表示）")
    columns = [Col("单位", cap=20)] + [Col(adjustment_header(k), "score", cap=16) for k in kinds]
    rows = [[u.unit] + [signed_adjustment(k, u.adjustments[k.name]) for k in kinds] for u in results.units]
    write_table(sheet, r, columns, rows)
    print_table(sheet, f"{results.assessment.title}·{sheet.ws.name}")


# --------------------------------------------------------------------------------------------- 奖项
def _sheet_awards(wb, st: Styles, results: Results) -> None:
    sheet = new_sheet(wb, st, "奖项")
    r = section(sheet, 0, "一、奖项")
    columns = [Col("奖项", cap=20), Col("单位", cap=20), Col("奖金（元）", "money", cap=14),
               Col("说明", "wrap", cap=50)]
    rows = [[a.award, a.unit, a.amount, a.note] for a in results.awards]
    _, r = write_table(sheet, r, columns, rows)

    r = section(sheet, r + 1, "二、一票否决")
    columns = [Col("单位", cap=20), Col("否决事项", "wrap", cap=30), Col("认定部门", cap=20),
               Col("原因", "wrap", cap=50), Col("日期", "center", cap=12), Col("来源", cap=40)]
    rows = [[v.unit, v.item, v.department, v.reason, v.date, v.source] for v in results.vetoes]
    _, r = write_table(sheet, r, columns, rows, red=[True] * len(rows))

    if results.top_grade_vetoes:  # 一票否优: no veto, no top grade (veto.top_grade_items)
        r = section(sheet, r + 1, "三、一票否优（不取消评奖资格，不得评为最高等次）")
        columns[1] = Col("否优事项", "wrap", cap=30)
        rows = [[v.unit, v.item, v.department, v.reason, v.date, v.source] for v in results.top_grade_vetoes]
        write_table(sheet, r, columns, rows)
    print_table(sheet, f"{results.assessment.title}·{sheet.ws.name}")


# --------------------------------------------------------------------------------------------- 方法说明
def _sheet_method(wb, st: Styles, results: Results) -> None:
    sheet = new_sheet(wb, st, "方法说明")
    a = results.assessment
    r = section(sheet, 0, "一、基本参数")
    rows = [["考核名称", a.title], ["考核年度", a.year], ["满分", a.full_score],
            ["公布分数保留小数位（四舍五入）", a.precision]]
    _, r = write_table(sheet, r, [Col("项目", cap=30), Col("内容", "text", cap=60)], rows)

    r = section(sheet, r + 1, "二、考核指标")
    columns = [Col("编号", "center", cap=8), Col("类别", cap=20), Col("指标", cap=30),
               Col("计量单位", "center", cap=10), Col("分值", "num", cap=8), Col("计分方法", "center", cap=14),
               Col("规则", "wrap", cap=60), Col("数据来源部门", "center", cap=16)]
    rows = [[i.id, "/".join(i.category), i.name, i.unit, i.points, i.method_label, i.rule, i.source]
            for i in results.indicators]
    _, r = write_table(sheet, r, columns, rows)

    r = section(sheet, r + 1, "三、组成部分及权重")
    comps = results.components
    whole = all(float(c.weight * 100).is_integer() for c in comps)
    columns = [Col("组成部分", cap=20), Col("类型", "center", cap=12),
               Col("权重", "pct0" if whole else "pct", cap=10), Col("满分", "num", cap=8)]
    rows = [[c.name, labels.kind_label(c.kind), c.weight, c.full] for c in comps]
    _, r = write_table(sheet, r, columns, rows)

    r = section(sheet, r + 1, "四、加减分项目")
    columns = [Col("项目", cap=20), Col("类型", "center", cap=8), Col("上限（分）", "num", cap=12)]
    rows = [[k.name, labels.sign_label(k.sign), k.cap if k.cap is not None else "不设上限"]
            for k in results.adjustment_kinds]
    _, r = write_table(sheet, r, columns, rows)

    numbers = iter("五六七八九")
    if results.derived_weights:
        r = section(sheet, r + 1, f"{next(numbers)}、客观赋权（按本年各单位数据计算的指标权重）")
        names = {i.id: i.name for i in results.indicators}
        columns = [Col("指标类别", cap=24), Col("赋权方法", "center", cap=12), Col("指标编号", "center", cap=8),
                   Col("指标", cap=30), Col("权重", "q4", cap=10)]
        rows = [[w.category, labels.weighting_label(w.method), w.indicator, names[w.indicator], w.weight]
                for w in results.derived_weights]
        _, r = write_table(sheet, r, columns, rows)
        for method in dict.fromkeys(w.method for w in results.derived_weights):
            merge(sheet, r, 0, len(columns) - 1, describe_weighting(method) + "。表中权重保留4位小数，计分用完整精度。",
                  st.note)
            sheet.ws.set_row(r, 30)
            r += 1
    if results.grades:
        r = section(sheet, r + 1, f"{next(numbers)}、等次划分")
        rows = [[g.name, g.min] for g in sorted(results.grades, key=lambda g: -g.min)]
        _, r = write_table(sheet, r, [Col("等次", "center", cap=10), Col("总分不低于（分）", "num", cap=18)], rows)
    if results.grade_rules or results.veto.top_grade_items:
        r = section(sheet, r + 1, f"{next(numbers)}、等次规则（满足条件的单位，等次不高于所列等次）")
        rows = [[g.name, g.describe(), g.grade] for g in results.grade_rules]
        if results.veto.top_grade_items and len(results.grades) > 1:
            rows.append(["一票否优", "登记了一票否优事项：" + "、".join(results.veto.top_grade_items),
                         results.grades[1].name])
        write_table(sheet, r, [Col("规则", cap=24), Col("条件", "wrap", cap=50), Col("至多评为", "center", cap=10)],
                    rows)
    print_table(sheet, f"{results.assessment.title}·{sheet.ws.name}")


# --------------------------------------------------------------------------------------------- 运行信息
def _sheet_run(wb, st: Styles, results: Results) -> None:
    sheet = new_sheet(wb, st, "运行信息")
    run, a = results.run, results.assessment
    rows = [["考核名称", a.title], ["制表单位", a.organizer], ["程序版本", run.version],
            ["考核方案哈希（SHA-256）", run.scheme_hash], ["制表日期", run.generated_at],
            ["结果状态", labels.STATUS_LABELS[run.status]]]
    if run.date_basis:
        rows.append(["制表日期依据", run.date_basis])
    _, r = write_table(sheet, 0, [Col("项目", cap=30), Col("内容", cap=70)], rows)
    r = section(sheet, r + 1, "输入文件")
    rows = [[f.file, f.sha256] for f in run.inputs]
    write_table(sheet, r, [Col("文件", cap=60), Col("SHA-256", cap=70)], rows)
    print_table(sheet, f"{results.assessment.title}·{sheet.ws.name}")


# --------------------------------------------------------------------------------------------- 图表
CHART_WIDTH_PX = 1000  # a landscape A4 page's printable width at 100 % (784 pt) is 1045 px
CHART_PAGE_PX = 640  # and its printable height (≈ 500 pt) 667 px
ROW_PX = 20  # xlsxwriter's default row height


def _chart_height(results: Results) -> int:
    return max(320, 22 * len(results.units) + 110)


def _total_chart(wb, results: Results, layout: _SummaryLayout, score_format: str, height: int):
    colours = grade_colours(results)
    chart = wb.add_chart({"type": "bar"})
    chart.add_series({
        "name": "总分",
        "categories": ["汇总表", layout.first_row, layout.unit_col, layout.last_row, layout.unit_col],
        "values": ["汇总表", layout.first_row, layout.total_col, layout.last_row, layout.total_col],
        "points": [{"fill": {"color": colours.get(labels.grade_class(u, results.veto.effect), labels.NO_GRADE_COLOUR)}}
                   for u in results.units],
        "data_labels": {"value": True, "num_format": score_format},
        "gap": 40,
    })
    chart.set_title({"name": "各单位总分（按等次着色）"})
    chart.set_legend({"none": True})
    # Bar chart: y is the category axis. Rank 1 on top; value axis kept at the bottom.
    chart.set_y_axis({"reverse": True, "crossing": "max"})
    chart.set_x_axis({"min": 0, "num_format": "0", "major_gridlines": {"visible": True}})
    chart.set_size({"width": CHART_WIDTH_PX, "height": height})
    return chart


def _category_chart(wb, results: Results, layout: _SummaryLayout):
    first_col, last_col = layout.cat_cols
    n = len(results.units)
    top = list(range(min(3, n)))
    picked = top + [i for i in range(max(0, n - 3), n) if i not in top]
    chart = wb.add_chart({"type": "column"})
    for i in picked:
        row = layout.first_row + i
        chart.add_series({
            "name": ["汇总表", row, layout.unit_col],
            "categories": ["汇总表", layout.label_row, first_col, layout.label_row, last_col],
            "values": ["汇总表", row, first_col, row, last_col],
        })
    chart.set_title({"name": "前三名与后三名单位分类得分对比"})
    chart.set_legend({"position": "bottom"})
    chart.set_y_axis({"min": 0, "major_gridlines": {"visible": True}})
    chart.set_size({"width": CHART_WIDTH_PX, "height": CHART_PAGE_PX - ROW_PX})
    return chart


def _sheet_charts(wb, st: Styles, results: Results, layout: _SummaryLayout) -> None:
    sheet: Sheet = new_sheet(wb, st, "图表")
    r = section(sheet, 0, "等次图例")
    for name, colour in grade_colours(results).items():
        sheet.ws.write_string(r, 0, name, st.fill(colour))
        sheet.widths.see(0, name)
        r += 1
    sheet.widths.apply(sheet.ws, minimum=10)
    # each chart on its own landscape A4 page, at full size (never shrunk below legibility, never cut in half)
    print_a4(sheet.ws, landscape=True, fit=False)
    sheet.ws.set_header(f"&C{results.assessment.title}·图表")
    if not results.units:
        sheet.ws.write_string(r + 1, 0, "无考核结果，未生成图表。", st.plain_left)
        return
    top = r + 1
    height = min(_chart_height(results), CHART_PAGE_PX - ROW_PX * top)
    sheet.ws.insert_chart(top, 0, _total_chart(wb, results, layout, st.score_format, height))
    if layout.cat_cols is not None:
        second = top + -(-height // ROW_PX) + 1
        sheet.ws.set_h_pagebreaks([second])
        sheet.ws.insert_chart(second, 0, _category_chart(wb, results, layout))


# --------------------------------------------------------------------------------------------- entry point
def write_summary_workbook(results: Results, path: pathlib.Path) -> None:
    """Write the official summary workbook to `path` (the caller handles atomic replace)."""
    wb, st = open_workbook(results.assessment, results.run.generated_at, path, "结果汇总表")
    layout = _sheet_summary(wb, st, results)
    _sheet_indicator_scores(wb, st, results)
    _sheet_detail(wb, st, results)
    _sheet_survey(wb, st, results)
    _sheet_corrections(wb, st, results)
    _sheet_growth(wb, st, results)
    _sheet_periods(wb, st, results)
    _sheet_ratings(wb, st, results)
    _sheet_targets(wb, st, results)
    _sheet_adjustments(wb, st, results)
    _sheet_awards(wb, st, results)
    sheet_issues(wb, st, results.issues, results.assessment.title)
    _sheet_method(wb, st, results)
    _sheet_run(wb, st, results)
    _sheet_charts(wb, st, results, layout)
    close_workbook(wb, results.assessment, RESULTS_BOOK)
