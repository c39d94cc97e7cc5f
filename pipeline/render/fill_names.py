"""The names an office's own table template (表样) may use, in Chinese, built from the results dict.

They mirror results.json (docs/results-model.md) with the Chinese words an office writes in its tables; the
whole results dict is also there as `结果` for anything not named here. Documented in docs/方案编写指南.md
(“表样”一节); tests/test_docs_reference.py keeps that list and this module in step.
"""

from __future__ import annotations

import datetime as dt
import re


def _date_label(generated_at) -> str:
    try:
        d = dt.date.fromisoformat(str(generated_at or "").split(" ")[0])
    except ValueError:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


def _detail_rows(rows: list[dict], inds: dict[str, dict]) -> list[dict]:
    out = []
    for d in rows:
        ind = inds.get(d.get("indicator"), {})
        out.append({
            "编号": d.get("indicator"), "名称": d.get("indicator_name"), "类别": "/".join(ind.get("category") or []),
            "分值": ind.get("points"), "计分方法": d.get("method_label"), "计量单位": ind.get("unit", ""),
            "原始值": d.get("value"), "目标值": d.get("target"), "得分": d.get("score"),
            "来源": d.get("source"), "说明": d.get("note") or "",
        })
    return out


UNIT_NAMES = ("名次", "单位", "分组", "分组名次", "总分", "等次", "一票否决", "否决事项", "获奖", "上年名次", "名次变化",
              "组成部分", "分类", "指标", "加减分", "明细")
TOP_NAMES = ("考核名称", "考核年度", "制表单位", "制表日期", "满分", "公布精度", "单位", "指标", "组成部分", "奖项",
             "一票否决", "等次分布", "结果", "本单位", "序号")


def template_names(results: dict) -> dict:
    """The context of a table template: top-level names, and `单位` as a list of units in rank order."""
    a = results.get("assessment") or {}
    inds = {i["id"]: i for i in results.get("indicators") or []}
    details: dict[str, list[dict]] = {}
    for d in results.get("detail") or []:
        details.setdefault(d.get("unit"), []).append(d)
    units = []
    for u in sorted(results.get("units") or [], key=lambda u: (u.get("rank") or 0)):
        units.append({
            "名次": u.get("rank"), "单位": u.get("unit"), "分组": u.get("group") or "", "分组名次": u.get("group_rank"),
            "总分": u.get("total"), "等次": u.get("grade") or "", "一票否决": "是" if u.get("vetoed") else "否",
            "否决事项": "、".join(str(v.get("item") or "") for v in u.get("veto") or []),
            "获奖": "、".join(u.get("awards") or []), "上年名次": u.get("last_rank"), "名次变化": u.get("rank_change"),
            "组成部分": dict(u.get("components") or {}), "分类": dict(u.get("categories") or {}),
            "指标": dict(u.get("indicators") or {}), "加减分": dict(u.get("adjustments") or {}),
            "明细": _detail_rows(details.get(u.get("unit"), []), inds),
        })
    grades: dict[str, int] = {}
    for u in units:
        grades[u["等次"]] = grades.get(u["等次"], 0) + 1
    return {
        "考核名称": a.get("title", ""), "考核年度": a.get("year"), "制表单位": a.get("organizer", ""),
        "制表日期": _date_label((results.get("run") or {}).get("generated_at")), "满分": a.get("full_score"),
        "公布精度": a.get("precision"),
        "单位": units,
        "指标": [{"编号": i["id"], "名称": i.get("name"), "类别": "/".join(i.get("category") or []),
                 "分值": i.get("points"), "计分方法": i.get("method_label"), "计量单位": i.get("unit", "")}
                for i in results.get("indicators") or []],
        "组成部分": [{"名称": c.get("name"), "权重": c.get("weight"), "满分": c.get("full")}
                 for c in results.get("components") or []],
        "奖项": [{"奖项": w.get("award"), "单位": w.get("unit"), "奖金": w.get("amount"), "说明": w.get("note") or ""}
               for w in results.get("awards") or []],
        "一票否决": [{"单位": u["单位"], "事项": u["否决事项"]} for u in units if u["一票否决"] == "是"],
        "等次分布": grades,
        "结果": results,
    }


def safe_file_stem(name: str) -> str:
    """A unit name as a file name on any system: no separators, no reserved device names, no leading dots."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", str(name)).strip(" .") or "单位"
    if stem.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                                      *(f"LPT{i}" for i in range(1, 10))}:
        stem = "_" + stem
    return stem[:80]
