"""The names an office's own table template (表样) may use, in Chinese, built from the typed results.

They mirror results.json (docs/results-model.md) with the Chinese words an office writes in its tables; the
whole results in their plain form (`Results.to_dict()`) are also there as `结果` for anything not named here.
Documented in docs/方案编写指南.md (“表样”一节); tests/test_docs_reference.py keeps that list and this module in step.
"""

from __future__ import annotations

import re

from ..results import DetailRow, IndicatorInfo, Results
from .xlsx_base import date_label


def _detail_rows(rows: list[DetailRow], inds: dict[str, IndicatorInfo]) -> list[dict]:
    out = []
    for d in rows:
        ind = inds[d.indicator]
        out.append({
            "编号": d.indicator, "名称": d.indicator_name, "类别": "/".join(ind.category),
            "分值": ind.points, "计分方法": d.method_label, "计量单位": ind.unit,
            "原始值": d.value, "目标值": d.target, "得分": d.score,
            "来源": d.source, "说明": d.note,
        })
    return out


UNIT_NAMES = ("名次", "单位", "分组", "分组名次", "总分", "等次", "一票否决", "否决事项", "获奖", "上年名次", "名次变化",
              "组成部分", "分类", "指标", "加减分", "明细")
TOP_NAMES = ("考核名称", "考核年度", "制表单位", "制表日期", "结果状态", "满分", "公布精度", "单位", "指标", "组成部分", "奖项",
             "一票否决", "等次分布", "结果", "本单位", "序号")


def template_names(results: Results) -> dict:
    """The context of a table template: top-level names, and `单位` as a list of units in rank order."""
    a = results.assessment
    inds = {i.id: i for i in results.indicators}
    details: dict[str, list[DetailRow]] = {}
    for d in results.detail:
        details.setdefault(d.unit, []).append(d)
    units = []
    for u in sorted(results.units, key=lambda u: u.rank):
        units.append({
            "名次": u.rank, "单位": u.unit, "分组": u.group, "分组名次": u.group_rank,
            "总分": u.total, "等次": u.grade, "一票否决": "是" if u.vetoed else "否",
            "否决事项": "、".join(v.item for v in u.veto),
            "获奖": "、".join(u.awards), "上年名次": u.last_rank, "名次变化": u.rank_change,
            "组成部分": dict(u.components), "分类": dict(u.categories),
            "指标": dict(u.indicators), "加减分": dict(u.adjustments),
            "明细": _detail_rows(details.get(u.unit, []), inds),
        })
    grades: dict[str, int] = {}
    for u in units:
        grades[u["等次"]] = grades.get(u["等次"], 0) + 1
    return {
        "考核名称": a.title, "考核年度": a.year, "制表单位": a.organizer,
        "制表日期": date_label(results.run.generated_at), "结果状态": results.run.status, "满分": a.full_score,
        "公布精度": a.precision,
        "单位": units,
        "指标": [{"编号": i.id, "名称": i.name, "类别": "/".join(i.category),
                 "分值": i.points, "计分方法": i.method_label, "计量单位": i.unit}
                for i in results.indicators],
        "组成部分": [{"名称": c.name, "权重": c.weight, "满分": c.full} for c in results.components],
        "奖项": [{"奖项": w.award, "单位": w.unit, "奖金": w.amount, "说明": w.note} for w in results.awards],
        "一票否决": [{"单位": u["单位"], "事项": u["否决事项"]} for u in units if u["一票否决"] == "是"],
        "等次分布": grades,
        "结果": results.to_dict(),
    }


def safe_file_stem(name: str) -> str:
    """A unit name as a file name on any system: no separators, no reserved device names, no leading dots."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", str(name)).strip(" .") or "单位"
    if stem.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                                      *(f"LPT{i}" for i in range(1, 10))}:
        stem = "_" + stem
    return stem[:80]
