"""The Jinja context of the report templates (report.html.j2 and the .docx), from the typed `Results`.

Why a fixed context: offices write their own report templates against these names (templates/README.md,
docs/方案编写指南.md §16), so the keys and their meaning stay as they are. Nothing here computes a score or a
statistic: the figures come from the results and pipeline.analysis; this module only words and formats them
(scores at the scheme's precision, half up) and lays out the charts (charts.py).
"""

from __future__ import annotations

from ... import labels
from ...analysis import (EPS, Analysis, IndicatorPlace, Mover, analyse, issues_text, join, percent_text,
                         score_text, separating_count)
from ...results import Results, UnitResult
from .charts import grade_bar, totals_chart
from .text import date_zh, money, num, rank_change_text


def report_context(results: Results, found: Analysis | None = None) -> dict:
    """Everything the report templates need, worded from the results and their analysis (`found`: analyse(results)
    already computed, so the .html and the .docx of one run share it)."""
    a = results.assessment
    precision = a.precision

    def f(x: float | None) -> str:
        return score_text(x, precision)

    found = analyse(results) if found is None else found
    method = _method(results)
    rows = _unit_rows(results, found, f)
    row_of = {r["unit"]: r for r in rows}
    grades = [{"name": g.name, "count": g.count, "share": g.share, "share_pct": percent_text(g.share),
               "colour": g.colour, "units": g.units, "units_text": join(g.units)} for g in found.grades]
    awards, award_groups, award_summary = _awards(results)
    vetoes = [{"unit": v.unit, "item": v.item, "department": v.department, "reason": v.reason,
               "grade": row_of[v.unit]["grade"] if v.unit in row_of else "",
               "rank": row_of[v.unit]["rank"] if v.unit in row_of else ""} for v in results.vetoes]
    names = {i.id: i.name for i in results.indicators}
    top_grade_vetoes = [{"unit": v.unit, "item": v.item, "department": v.department, "reason": v.reason}
                        for v in results.top_grade_vetoes]
    counts = found.issues
    issues = {"total": sum(counts.values()), "by_severity": [{"severity": s, "n": n} for s, n in counts.items()],
              "errors": counts["错误"], "warnings": counts["警告"], "hints": counts["提示"], "text": issues_text(counts)}
    thresholds = [{"name": g.name, "min": float(g.min)} for g in results.grades if g.min > 0]
    return {
        "report_title": f"{a.title}情况分析报告{labels.status_mark(results.run.status)}",
        "meta": {"title": a.title, "status": results.run.status, "year": a.year, "full_score": num(a.full_score), "organizer": a.organizer,
                 "precision": precision, "report_date": date_zh(results.run.generated_at),
                 "generated_at": results.run.generated_at, "version": results.run.version},
        "method": method,
        "stats": _stats(found, row_of, f),
        "component_names": [c.name for c in results.components],
        "adjustment_names": [k.name for k in results.adjustment_kinds],
        "units": rows,
        "grades": grades,
        "grades_text": join([f"{d['name']}{d['count']}个（占{d['share_pct']}）" for d in grades if d["count"]], "，"),
        "grade_legend": [{"name": d["name"], "colour": d["colour"]} for d in grades],
        "awards": awards,
        "award_groups": award_groups,
        "award_summary": award_summary,
        "progress": _progress(found, row_of, f),
        "standings": _standings(found, f),
        "unit_standings": _unit_standings(results, found),
        "separating_indicators": separating_count(results),
        "majority_lost_text": _majority_lost(found),
        "trends": _trends(results, f),
        "categories": [_category(c, f) for c in found.categories],
        "weak_indicators": [_weak(w) for w in found.weak],
        "vetoes": vetoes,
        "vetoed_units_text": join(found.vetoed_units),
        "top_grade_vetoes": top_grade_vetoes,
        "corrections": [{"unit": c.unit, "indicator": names.get(c.indicator, c.indicator), "original": num(c.original),
                         "corrected": num(c.corrected), "reason": c.reason, "approver": c.approver}
                        for c in results.corrections],
        "grade_changes": [{"unit": u.unit, "grade": u.grade, "grade_by_total": u.grade_by_total, "note": u.grade_note}
                          for u in results.units if u.grade_note],
        "survey_units": _survey_units(results, f),
        "periods": [{"component": c.name, "names": list(c.periods),
                     "rows": [{"unit": u.unit, "scores": [f(p.score) for p in u.periods[c.name]],
                               "combined": f(u.components[c.name])} for u in results.units]}
                    for c in results.components if c.kind == "periods"],
        "targets": [{"unit": u.unit, "n": len(u.targets), "n_met": sum(1 for t in u.targets if t.met),
                     "items_text": join([labels.target_text(t) for t in u.targets], "；")}
                    for u in results.units if u.targets],
        "benchmarks": [_benchmark(row_of[u.unit], u, f) for u in results.units if u.benchmark is not None],
        "adjustment_entries": _adjustment_entries(results, f),
        "issues": issues,
        "suggestions": found.suggestions,
        "grade_lines_text": join([f"{t['name']}{num(t['min'])}分" for t in thresholds]),
        "chart": totals_chart(rows, a.full_score, thresholds),
        "grade_bar": grade_bar(grades),
    }


def _method(results: Results) -> dict:
    """考核方法: components, adjustments, categories and scoring methods, as counts and sentences."""
    units = results.units
    comp_rows = [{"name": c.name, "kind": c.kind, "weight": c.weight, "weight_pct": percent_text(c.weight, 0),
                  "full": num(c.full)} for c in results.components]
    adj_rows = []
    for k in results.adjustment_kinds:
        cap = num(k.cap) if k.cap is not None else None
        adj_rows.append({"name": k.name, "sign": k.sign, "sign_label": labels.sign_label(k.sign),
                         "cap": cap or "", "cap_text": labels.cap_text(k.sign, cap)})
    categories = [{"name": c.name, "path": join(c.path, "／"), "points": num(c.points),
                   "n_indicators": len(c.indicators)} for c in results.categories]
    method_counts: dict[str, int] = {}
    for i in results.indicators:
        label = i.method_label or i.method
        method_counts[label] = method_counts.get(label, 0) + 1
    groups = results.groups
    group_counts = {g: sum(1 for u in units if u.group == g) for g in groups}
    # weight 1 means "add the component as it is" (district form 60 + 40): no "×100%" in the formula
    formula = " + ".join(c["name"] if c["weight_pct"] == "100%" else f"{c['name']}×{c['weight_pct']}"
                         for c in comp_rows)
    for k in adj_rows:
        formula += {"bonus": " + ", "deduction": " − ", "rank": " ± "}[k["sign"]] + k["name"]
    return {
        "n_units": len(units),
        "n_groups": len(groups),
        "groups": [{"name": g, "n": group_counts[g]} for g in groups],
        "groups_text": join([f"{g}{group_counts[g]}个" for g in groups]),
        "components": comp_rows,
        "components_text": join([f"{c['name']}（满分{c['full']}分"
                                 + ("" if c["weight_pct"] == "100%" else f"，权重{c['weight_pct']}") + "）"
                                 for c in comp_rows]),
        "formula": ("总分 = " + formula) if formula else "",
        "combine_word": "相加" if all(c["weight_pct"] == "100%" for c in comp_rows) else "加权合成",
        "adjustments": adj_rows,
        "adjustments_text": join([f"{k['name']}（{k['cap_text']}）" for k in adj_rows]),
        "n_indicators": len(results.indicators),
        "n_categories": len(categories),
        "categories": categories,
        "categories_text": join([f"{c['name']}{c['n_indicators']}项{c['points']}分" for c in categories]),
        "methods": [{"label": k, "n": v} for k, v in method_counts.items()],
        "methods_text": join([f"{k}{v}项" for k, v in method_counts.items()]),
        "weights_text": _weights_text(results),
        "rules_text": join([f"{g.describe()}的，等次不高于“{g.grade}”" for g in results.grade_rules], "；"),
    }


def _weights_text(results: Results) -> str:
    """客观赋权 in a sentence: 经济发展按熵权法确定权重（E1 地区生产总值 0.4011、…）."""
    names = {i.id: i.name for i in results.indicators}
    by_node: dict[tuple[str, str], list[str]] = {}
    for w in results.derived_weights:
        by_node.setdefault((w.category, w.method), []).append(f"{names[w.indicator]} {w.weight:.4f}")
    return join([f"{key}按{labels.weighting_label(method)}由本年数据确定指标权重（{join(ws)}）"
                 for (key, method), ws in by_node.items()], "；")


def _trends(results: Results, f) -> dict | None:
    """历年考核情况: each unit's rank and total in the earlier years the run history holds (定稿), then this year."""
    if not results.years:
        return None
    years = sorted({y.year for y in results.years})
    got = {(y.year, y.unit): y for y in results.years}
    rows = []
    for u in results.units:
        cells = [f"第{got[(y, u.unit)].rank}名（{f(got[(y, u.unit)].total)}）" if (y, u.unit) in got else "—"
                 for y in years]
        rows.append({"unit": u.unit, "cells": cells, "now": f"第{u.rank}名（{f(u.total)}）"})
    return {"years": years, "this_year": results.assessment.year, "rows": rows}


def _survey_units(results: Results, f) -> list[dict]:
    """Each unit's public evaluation (公众评议 / 民主测评): answers per choice, satisfaction rate, score."""
    return [{"unit": u.unit, "counts_text": join([f"{ch}{n}人次" for ch, n in u.survey.counts.items()]),
             "satisfied_text": "+".join(u.survey.satisfied), "rate_pct": percent_text(u.survey.satisfaction_rate, 2),
             "score": f(u.survey.score)}
            for u in results.units if u.survey is not None]


def _effect_text(sign: str, value: float | None, f) -> str:
    """A unit's adjustment as its signed effect on the total ("+2.00", "−0.50"), "" when it has none."""
    effect = labels.adjustment_effect(sign, value)
    return labels.signed_text(effect, f(abs(effect))) if effect is not None and abs(effect) > EPS else ""


def _unit_rows(results: Results, found: Analysis, f) -> list[dict]:
    colours = {g.name: g.colour for g in found.grades}
    rows = []
    for u in results.units:
        grade = labels.grade_shown(u, results.veto.effect) or "—"
        rows.append({
            "rank": u.rank,
            "unit": u.unit,
            "group": u.group,
            "group_rank": u.group_rank,
            "total": f(u.total),
            "total_value": u.total,
            "grade": grade,
            "colour": colours.get(labels.grade_class(u, results.veto.effect), labels.NO_GRADE_COLOUR),
            "vetoed": u.vetoed,
            "veto_items": join([v.item for v in u.veto]),
            "awards": list(u.awards),
            "awards_text": join(u.awards),
            "component_scores": [f(u.components[c.name]) for c in results.components],
            "adjustment_scores": [_effect_text(k.sign, u.adjustments[k.name], f) for k in results.adjustment_kinds],
            "last_rank": u.last_rank if u.last_rank is not None else "",
            "rank_change": u.rank_change,
            "rank_change_text": rank_change_text(u.rank_change),
            "note_text": _note_text(u, grade),
        })
    return rows


def _note_text(u: UnitResult, grade: str) -> str:
    """备注 of the results table: the veto, unless the grade cell already says it, then the awards."""
    veto = ""
    if u.vetoed and labels.VETO not in grade:
        items = join([v.item for v in u.veto])
        veto = labels.VETO + (f"（{items}）" if items else "")
    return join([veto, join(u.awards)], "；")


def _stats(found: Analysis, row_of: dict[str, dict], f) -> dict:
    t = found.totals
    return {
        "n_units": t.all.n,
        "mean": f(t.all.mean),
        "max": f(t.all.max),
        "min": f(t.all.min),
        "spread": f(t.all.max - t.all.min) if t.all.n else "—",
        "top": row_of[t.top.unit] if t.top else None,
        "bottom": row_of[t.bottom.unit] if t.bottom else None,
        "groups": [{"name": g, "n": s.n, "mean": f(s.mean), "mean_value": s.mean, "max": f(s.max), "min": f(s.min)}
                   for g, s in t.groups.items()],
    }


def _awards(results: Results) -> tuple[list[dict], list[dict], dict]:
    awards = [{"award": w.award, "unit": w.unit, "amount": w.amount,
               "amount_text": money(w.amount) if w.amount else "", "note": w.note} for w in results.awards]
    groups: dict[str, dict] = {}
    for w in awards:
        groups.setdefault(w["award"], {"award": w["award"], "units": [], "amount_text": w["amount_text"]})
        groups[w["award"]]["units"].append(w["unit"])
    for g in groups.values():
        g["units_text"] = join(g["units"])
        g["n"] = len(g["units"])
    amount = sum(w["amount"] for w in awards)
    summary = {"n_awards": len(awards), "n_units": len(dict.fromkeys(w["unit"] for w in awards)),
               "total_amount_text": money(amount) if awards and amount > 0 else ""}
    return awards, list(groups.values()), summary


def _progress(found: Analysis, row_of: dict[str, dict], f) -> dict:
    p = found.progress
    up, down = found.movers.up, found.movers.down

    def entry(m: Mover) -> dict:
        u = m.unit
        r = row_of[u.unit]
        return {"unit": u.unit, "group": u.group, "rank": u.rank, "last_rank": r["last_rank"],
                "change": abs(u.rank_change), "grade": r["grade"], "total": r["total"], "why_text": _why(m, f)}

    return {"has_history": bool(p.compared), "n_compared": len(p.compared), "n_up": len(p.up),
            "n_down": len(p.down), "n_same": p.n_same,
            "up": [entry(m) for m in up], "down": [entry(m) for m in down]}


def _why(m: Mover, f) -> str:
    """总分由85.20分升至93.75分，主要是经济发展增加4.20分、平安建设增加2.10分 — from last year's 定稿 run."""
    if m.last_total is None:
        return ""
    moved = "升至" if m.total_change > EPS else "降至" if m.total_change < -EPS else "持平于"
    text = f"总分由上年{f(m.last_total)}分{moved}{f(m.unit.total)}分"
    if m.reasons:
        text += "，主要是" + join([f"{c.name}{'增加' if c.change > 0 else '减少'}{f(abs(c.change))}分"
                                  for c in m.reasons])
    return text


def _units_text(units: list[UnitResult], f) -> str:
    return join([f"{u.unit}（{f(u.total)}分）" for u in units])


def _standings(found: Analysis, f) -> list[dict]:
    """Per ranking group (or the whole field): who leads and who lags, overall and in each category (a category all
    of whose units scored the same names nobody)."""
    out = []
    for group, g in found.group_leaders.items():
        cats = [c for c in found.group_categories[group] if c.best_score - c.weakest_score > EPS]
        out.append({
            "name": group, "label": group or "各单位中", "n": g.n_units,
            "leaders_text": _units_text(g.leaders, f), "laggards_text": _units_text(g.laggards, f),
            "categories": [{"name": c.name, "best_text": f"{join(c.best)}（{f(c.best_score)}分）",
                            "weakest_text": f"{join(c.weakest)}（{f(c.weakest_score)}分）"} for c in cats],
        })
    return out


def _unit_standings(results: Results, found: Analysis) -> list[dict]:
    """Each unit's strongest and weakest indicators against the other units, in rank order."""

    def text(places: list[IndicatorPlace]) -> str:
        return join([f"{p.info.name}（第{p.rank}/{p.n_scored}位）" for p in places])

    rows = []
    for u in results.units:
        s = found.strengths[u.unit]
        if s.strong or s.weak:
            rows.append({"unit": u.unit, "strong_text": text(s.strong) or "—", "weak_text": text(s.weak) or "—"})
    return rows


def _category(c, f) -> dict:
    return {"name": c.name, "points": num(c.points), "avg": f(c.mean), "avg_rate": c.rate,
            "avg_rate_pct": percent_text(c.rate),
            "best": {"unit": join(c.best), "score": f(c.best_score)},
            "weakest": {"unit": join(c.weakest), "score": f(c.weakest_score)}}


def _majority_lost(found: Analysis) -> str:
    """多数单位失分的指标共12项，除上述外还有“…”、“…” — every such indicator, not only the five listed."""
    if not found.majority_lost:
        return ""
    shown = {w.info.id for w in found.weak}
    extra = [f"“{w.info.name}”" for w in found.majority_lost if w.info.id not in shown]
    return f"多数单位失分的指标共{len(found.majority_lost)}项" + (f"，除上述外还有{join(extra)}" if extra else "")


def _weak(w) -> dict:
    i = w.info
    lost = f"{w.n_scored}个单位全部失分" if w.n_lost == w.n_scored else f"{w.n_scored}个单位中{w.n_lost}个失分"
    return {"id": i.id, "name": i.name, "category": join(i.category, "／"), "source": i.source,
            "points": num(i.points), "n_lost": w.n_lost, "n_scored": w.n_scored, "lost_text": lost,
            "lost_share_pct": percent_text(w.lost_share), "majority": w.majority,
            "avg_loss_rate": w.avg_loss_rate, "avg_loss_rate_pct": percent_text(w.avg_loss_rate)}


def _benchmark(row: dict, u: UnitResult, f) -> dict:
    """追赶超越: the gaps the engine published, in words."""
    b = u.benchmark
    gap, rank_gap = b.gap, b.rank_gap
    behind = sorted(((k, v) for k, v in b.categories.items() if v < -EPS), key=lambda kv: kv[1])
    return {"unit": u.unit, "benchmark": b.unit, "benchmark_score": f(b.total), "total": row["total"],
            "gap": f(gap), "gap_value": gap,
            "gap_text": ("高于" if gap > EPS else "低于" if gap < -EPS else "持平") + (f(abs(gap)) + "分" if abs(gap) > EPS else ""),
            "rank_gap_text": (f"落后{rank_gap}个名次" if rank_gap > 0 else
                              f"领先{-rank_gap}个名次" if rank_gap < 0 else "名次相同"),
            "weakest_text": join([f"{k}差{f(-v)}分" for k, v in behind[:3]])}


def _adjustment_entries(results: Results, f) -> list[dict]:
    """加减分情况: each unit's non-zero adjustments (rank order, then the scheme's kinds), with their signed effect
    on the total and the register's reasons."""
    reasons: dict[tuple[str, str], list[str]] = {}
    for e in results.adjustments:
        reasons.setdefault((e.unit, e.kind), []).append(e.reason)
    out = []
    for u in results.units:
        for k in results.adjustment_kinds:
            text = _effect_text(k.sign, u.adjustments[k.name], f)
            if text:
                out.append({"unit": u.unit, "kind": k.name, "sign_label": labels.sign_label(k.sign),
                            "points": text, "reason": join(list(dict.fromkeys(reasons.get((u.unit, k.name), []))),
                                                           "；")})
    return out
