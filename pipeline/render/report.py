"""Narrative report 考核情况分析报告 (.html and .docx) rendered from Jinja templates.

Rendering never computes scores. `report_context` only derives *presentational* summaries from the
results dict (see docs/results-model.md): counts per grade, sorting, top/bottom lists, averages of
published values for narrative sentences, and the geometry of the inline SVG charts.

Templates:
- ``report.html.j2``       rendered with a sandboxed, autoescaping, strict-undefined Jinja environment;
- ``考核情况分析报告.docx``  a Word document with docxtpl tags (``{{ }}``, ``{%p %}``, ``{%tr %}``).

A user template in the template folder overrides the package default shipped in
``pipeline/render/default_templates/``. Nothing is ever written into the user's template folder.
"""

from __future__ import annotations

import os
import re
import tempfile
import traceback
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from . import sandbox

__all__ = [
    "ReportTemplateError",
    "report_context",
    "render_html",
    "render_docx",
    "build_docx_template",
    "render_report",
    "DEFAULT_TEMPLATE_DIR",
    "HTML_TEMPLATE_NAME",
    "DOCX_TEMPLATE_NAME",
    "HTML_OUTPUT_NAME",
    "DOCX_OUTPUT_NAME",
]

DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parent / "default_templates"
HTML_TEMPLATE_NAME = "report.html.j2"
DOCX_TEMPLATE_NAME = "考核情况分析报告.docx"
HTML_OUTPUT_NAME = "考核情况分析报告.html"
DOCX_OUTPUT_NAME = "考核情况分析报告.docx"

# Grade colours by position in the grade order (best first); the last grade is always red.
_GRADE_PALETTE = ["#2e7d32", "#1565c0", "#f9a825", "#ef6c00", "#6d4c41", "#546e7a"]
_LAST_GRADE_COLOUR = "#c62828"
_NO_GRADE_COLOUR = "#9e9e9e"

_SEVERITY_ORDER = ["错误", "警告", "提示"]
_TOP_UP = 5
_TOP_DOWN = 3
_TOP_WEAK = 5
_EPS = 1e-9


class ReportTemplateError(Exception):
    """A report template could not be read or rendered; the message is Chinese and user-facing."""

    def __init__(self, message: str, *, template: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.template = template
        self.line = line


# ----------------------------------------------------------------------------------- formatting

def _coord(x: float, places: int = 2) -> float:
    """SVG geometry rounded for compact output (drawing coordinates, never a published score)."""
    return float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))



def _dec(x: Any) -> Decimal | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        d = Decimal(str(x))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return d if d.is_finite() else None


def _fmt(x: Any, precision: int) -> str:
    """A score at fixed precision, half-up (values in results are already published)."""
    d = _dec(x)
    if d is None:
        return "—"
    q = Decimal(1).scaleb(-precision) if precision > 0 else Decimal(1)
    s = format(d.quantize(q, rounding=ROUND_HALF_UP), "f")
    return "0" + s[2:] if s.startswith("-0") and Decimal(s) == 0 else s


def _num(x: Any) -> str:
    """A configured quantity (points, caps, weights) without trailing zeros: 10.0 -> '10', 2.5 -> '2.5'."""
    d = _dec(x)
    if d is None:
        return "—"
    s = format(d.normalize(), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


def _pct(ratio: Any, digits: int = 1) -> str:
    d = _dec(ratio)
    if d is None:
        return "—"
    return _num(_fmt(d * 100, digits)) + "%" if digits == 0 else _fmt(d * 100, digits) + "%"


def _money(amount: Any) -> str:
    d = _dec(amount)
    if d is None:
        return "—"
    if d != 0 and d % 10000 == 0:
        return f"{_num(d / 10000)}万元"
    return f"{_num(d)}元"


def _date_zh(generated_at: Any) -> str:
    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", str(generated_at or ""))
    if not m:
        return ""
    return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"


def _join(items: list[str], sep: str = "、") -> str:
    return sep.join(str(i) for i in items if i not in (None, ""))


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


# ------------------------------------------------------------------------------------- context


def _grade_order(results: dict, units: list[dict]) -> list[str]:
    order: list[str] = []
    for g in results.get("grades") or []:
        name = g.get("name") if isinstance(g, dict) else g
        if name not in (None, "") and name not in order:
            order.append(str(name))
    for u in units:
        g = u.get("grade")
        if g not in (None, "") and g not in order:
            order.append(str(g))
    return order


def _grade_colours(order: list[str]) -> dict[str, str]:
    colours: dict[str, str] = {}
    for i, name in enumerate(order):
        if i == len(order) - 1 and len(order) > 1:
            colours[name] = _LAST_GRADE_COLOUR
        else:
            colours[name] = _GRADE_PALETTE[i % len(_GRADE_PALETTE)]
    return colours


def _grade_thresholds(results: dict) -> list[dict]:
    out = []
    for g in results.get("grades") or []:
        if isinstance(g, dict) and _is_num(g.get("min")) and g.get("min") > 0:
            out.append({"name": str(g.get("name", "")), "min": float(g["min"])})
    return out


def _rank_change_text(rc: Any) -> str:
    if rc is None:
        return "—"
    if rc > 0:
        return f"↑{rc}"
    if rc < 0:
        return f"↓{-rc}"
    return "持平"


def _chart(rows: list[dict], full_score: float, thresholds: list[dict], precision: int) -> dict:
    """Geometry of a horizontal bar chart of totals (one bar per unit, in rank order)."""
    label_w, value_w, bar_area = 110, 70, 560
    row_h, bar_h, top, axis_h = 24, 16, 12, 28
    width = label_w + bar_area + value_w
    totals = [r["total_value"] for r in rows if _is_num(r["total_value"])]
    top_value = max([full_score] + totals) if totals else full_score
    scale_max = float(top_value) if top_value > 0 else 100.0
    if scale_max > full_score:  # bonuses may push totals above the full score: round up to 10
        scale_max = float(-(-scale_max // 10) * 10)
    bars = []
    for i, r in enumerate(rows):
        v = r["total_value"] if _is_num(r["total_value"]) else 0.0
        w = max(0.0, min(bar_area, bar_area * v / scale_max))
        y = top + i * row_h
        bars.append({
            "unit": r["unit"],
            "value": r["total"],
            "grade": r["grade"],
            "colour": r["colour"],
            "x": label_w,
            "y": y + (row_h - bar_h) / 2,
            "w": _coord(w, 2),
            "h": bar_h,
            "label_x": label_w - 8,
            "text_y": y + row_h / 2 + 4.5,
            "value_x": _coord(label_w + w + 6, 2),
            "vetoed": r["vetoed"],
        })
    plot_bottom = top + len(rows) * row_h
    step = scale_max / 5
    ticks = []
    for k in range(6):
        v = step * k
        ticks.append({"x": _coord(label_w + bar_area * v / scale_max, 2), "label": _num(_coord(v, 2))})
    lines = []
    for t in thresholds:
        if 0 < t["min"] < scale_max:
            lines.append({"x": _coord(label_w + bar_area * t["min"] / scale_max, 2),
                          "label": f"{t['name']}≥{_num(t['min'])}"})
    return {
        "width": width,
        "height": plot_bottom + axis_h,
        "plot_top": top,
        "plot_bottom": plot_bottom,
        "axis_y": plot_bottom,
        "tick_label_y": plot_bottom + 16,
        "x0": label_w,
        "x1": label_w + bar_area,
        "bars": bars,
        "ticks": ticks,
        "thresholds": lines,
    }


def _grade_bar(dist: list[dict]) -> dict:
    """Geometry of a single stacked bar of the grade distribution."""
    width, height = 720, 34
    total = sum(g["count"] for g in dist)
    segs = []
    x = 0.0
    for g in dist:
        if not g["count"] or not total:
            continue
        w = width * g["count"] / total
        segs.append({"name": g["name"], "count": g["count"], "share": g["share"], "colour": g["colour"],
                     "x": _coord(x, 2), "w": _coord(w, 2), "text_x": _coord(x + w / 2, 2),
                     "show_label": w >= 56})
        x += w
    return {"width": width, "height": height, "text_y": height / 2 + 5, "segments": segs}


def report_context(results: dict) -> dict:
    """Everything the report templates need, derived (presentationally) from the results dict."""
    a = results.get("assessment") or {}
    precision = int(a.get("precision", 2) if a.get("precision") is not None else 2)
    full_score = float(a.get("full_score") or 100)
    title = str(a.get("title") or "考核")
    run = results.get("run") or {}

    def f(x: Any) -> str:
        return _fmt(x, precision)

    units_in = list(results.get("units") or [])
    n_units = len(units_in)
    components = list(results.get("components") or [])
    adj_kinds = list(results.get("adjustment_kinds") or [])
    categories_in = list(results.get("categories") or [])
    indicators_in = list(results.get("indicators") or [])
    groups = [str(g) for g in (results.get("groups") or [])]
    for u in units_in:
        if u.get("group") not in (None, "") and str(u["group"]) not in groups:
            groups.append(str(u["group"]))

    grade_order = _grade_order(results, units_in)
    colours = _grade_colours(grade_order)

    # ---- meta
    meta = {
        "title": title,
        "year": a.get("year", ""),
        "full_score": _num(full_score),
        "organizer": str(a.get("organizer") or ""),
        "precision": precision,
        "report_date": _date_zh(run.get("generated_at")),
        "generated_at": str(run.get("generated_at") or ""),
        "version": str(run.get("version") or ""),
    }

    # ---- method summary
    comp_rows = []
    for c in components:
        comp_rows.append({
            "name": str(c.get("name", "")),
            "kind": str(c.get("kind", "")),
            "weight": c.get("weight"),
            "weight_pct": _pct(c.get("weight"), 0) if c.get("weight") is not None else "—",
            "full": _num(c.get("full")),
        })
    adj_rows = []
    for k in adj_kinds:
        bonus = k.get("sign") == "bonus"
        cap = k.get("cap")
        if cap is None:
            cap_text = "不设上限"
        else:
            cap_text = f"最高加{_num(cap)}分" if bonus else f"最多扣{_num(cap)}分"
        adj_rows.append({"name": str(k.get("name", "")), "sign": k.get("sign", ""),
                         "sign_label": "加分" if bonus else "扣分", "cap": _num(cap) if cap is not None else "",
                         "cap_text": cap_text})
    cat_method = []
    for c in categories_in:
        inds = c.get("indicators")
        if inds is None:
            path = list(c.get("path") or [c.get("name")])
            inds = [i.get("id") for i in indicators_in if list(i.get("category") or [])[: len(path)] == path]
        cat_method.append({"name": str(c.get("name", "")), "path": _join(c.get("path") or [c.get("name")], "／"),
                           "points": _num(c.get("points")), "n_indicators": len(inds or [])})
    method_counts: dict[str, int] = {}
    for i in indicators_in:
        label = str(i.get("method_label") or i.get("method") or "")
        if label:
            method_counts[label] = method_counts.get(label, 0) + 1
    group_counts = {g: sum(1 for u in units_in if u.get("group") == g) for g in groups}
    # weight 1 means "add the component as it is" (district form 60 + 40): no "×100%" in the formula
    formula_parts = [c["name"] if c["weight_pct"] == "100%" else f"{c['name']}×{c['weight_pct']}" for c in comp_rows]
    formula = " + ".join(formula_parts)
    for k in adj_rows:
        formula += (" + " if k["sign"] == "bonus" else " − ") + k["name"]
    method = {
        "n_units": n_units,
        "n_groups": len(groups),
        "groups": [{"name": g, "n": group_counts[g]} for g in groups],
        "groups_text": _join([f"{g}{group_counts[g]}个" for g in groups]),
        "components": comp_rows,
        "components_text": _join([f"{c['name']}（满分{c['full']}分"
                                  + ("" if c["weight_pct"] == "100%" else f"，权重{c['weight_pct']}") + "）"
                                  for c in comp_rows]),
        "formula": ("总分 = " + formula) if formula else "",
        "combine_word": "相加" if all(c["weight_pct"] == "100%" for c in comp_rows) else "加权合成",
        "adjustments": adj_rows,
        "adjustments_text": _join([f"{k['name']}（{k['cap_text']}）" for k in adj_rows]),
        "n_indicators": len(indicators_in),
        "n_categories": len(cat_method),
        "categories": cat_method,
        "categories_text": _join([f"{c['name']}{c['n_indicators']}项{c['points']}分" for c in cat_method]),
        "methods": [{"label": k, "n": v} for k, v in method_counts.items()],
        "methods_text": _join([f"{k}{v}项" for k, v in method_counts.items()]),
    }

    # ---- result rows
    comp_names = [c["name"] for c in comp_rows]
    adj_names = [k["name"] for k in adj_rows]
    adj_sign = {k["name"]: k["sign"] for k in adj_rows}
    rows = []
    for u in units_in:
        comps = u.get("components") or {}
        adjs = u.get("adjustments") or {}
        adj_cells = []
        for n in adj_names:
            v = adjs.get(n)
            if _is_num(v) and abs(v) > _EPS:
                adj_cells.append(("+" if adj_sign.get(n) == "bonus" else "−") + f(v))
            else:
                adj_cells.append("")
        grade = u.get("grade")
        rc = u.get("rank_change")
        rows.append({
            "rank": u.get("rank", ""),
            "unit": str(u.get("unit", "")),
            "group": str(u.get("group") or ""),
            "group_rank": u.get("group_rank", ""),
            "total": f(u.get("total")),
            "total_value": u.get("total") if _is_num(u.get("total")) else None,
            "grade": str(grade) if grade not in (None, "") else "—",
            "colour": colours.get(grade, _NO_GRADE_COLOUR),
            "vetoed": bool(u.get("vetoed")),
            "veto_items": _join([v.get("item", "") for v in (u.get("veto") or [])]),
            "awards": list(u.get("awards") or []),
            "awards_text": _join(list(u.get("awards") or [])),
            "component_scores": [f(comps.get(n)) if comps.get(n) is not None else "—" for n in comp_names],
            "adjustment_scores": adj_cells,
            "last_rank": u.get("last_rank") if u.get("last_rank") is not None else "",
            "rank_change": rc,
            "rank_change_text": _rank_change_text(rc),
        })

    # ---- overall statistics
    totals = [r["total_value"] for r in rows if r["total_value"] is not None]
    group_stats = []
    for g in groups:
        gt = [r["total_value"] for r in rows if r["group"] == g and r["total_value"] is not None]
        group_stats.append({"name": g, "n": len(gt), "mean": f(_mean(gt)) if gt else "—",
                            "mean_value": _mean(gt),
                            "max": f(max(gt)) if gt else "—", "min": f(min(gt)) if gt else "—"})
    stats = {
        "n_units": n_units,
        "mean": f(_mean(totals)) if totals else "—",
        "max": f(max(totals)) if totals else "—",
        "min": f(min(totals)) if totals else "—",
        "spread": f(max(totals) - min(totals)) if totals else "—",
        "top": rows[0] if rows else None,
        "bottom": rows[-1] if rows else None,
        "groups": group_stats,
    }

    # ---- grade distribution
    dist = []
    for g in grade_order:
        members = [r["unit"] for r in rows if r["grade"] == g]
        share = len(members) / n_units if n_units else 0.0
        dist.append({"name": g, "count": len(members), "share": share, "share_pct": _pct(share),
                     "colour": colours[g], "units": members, "units_text": _join(members)})
    grades_text = _join([f"{d['name']}{d['count']}个（占{d['share_pct']}）" for d in dist if d["count"]], "，")

    # ---- awards
    awards = []
    for w in results.get("awards") or []:
        awards.append({"award": str(w.get("award", "")), "unit": str(w.get("unit", "")),
                       "amount": w.get("amount"), "amount_text": _money(w.get("amount")) if w.get("amount") else "",
                       "note": str(w.get("note") or "")})
    award_groups: list[dict] = []
    for w in awards:
        grp = next((g for g in award_groups if g["award"] == w["award"]), None)
        if grp is None:
            grp = {"award": w["award"], "units": [], "amount_text": w["amount_text"]}
            award_groups.append(grp)
        grp["units"].append(w["unit"])
    for grp in award_groups:
        grp["units_text"] = _join(grp["units"])
        grp["n"] = len(grp["units"])
    award_amounts = [w["amount"] for w in awards if _is_num(w["amount"])]
    award_units = list(dict.fromkeys(w["unit"] for w in awards))
    award_summary = {
        "n_awards": len(awards),
        "n_units": len(award_units),
        "total_amount_text": _money(sum(award_amounts)) if award_amounts and sum(award_amounts) > 0 else "",
    }

    # ---- progress vs last year
    with_hist = [r for r in rows if _is_num(r["rank_change"])]
    ups = sorted((r for r in with_hist if r["rank_change"] > 0), key=lambda r: (-r["rank_change"], _rank_key(r)))
    downs = sorted((r for r in with_hist if r["rank_change"] < 0), key=lambda r: (r["rank_change"], _rank_key(r)))

    def prog(r: dict) -> dict:
        return {"unit": r["unit"], "group": r["group"], "rank": r["rank"], "last_rank": r["last_rank"],
                "change": abs(r["rank_change"]), "grade": r["grade"], "total": r["total"]}

    progress = {
        "has_history": bool(with_hist),
        "n_compared": len(with_hist),
        "n_up": len(ups),
        "n_down": len(downs),
        "n_same": sum(1 for r in with_hist if r["rank_change"] == 0),
        "up": [prog(r) for r in ups[:_TOP_UP]],
        "down": [prog(r) for r in downs[:_TOP_DOWN]],
    }

    # ---- categories: best / weakest unit, average score rate
    cat_rows = []
    for c in categories_in:
        name = str(c.get("name", ""))
        points = c.get("points")
        scored = [(r, u["categories"][name]) for r, u in zip(rows, units_in)
                  if _is_num((u.get("categories") or {}).get(name))]
        if not scored:
            continue
        best_v = max(v for _, v in scored)
        worst_v = min(v for _, v in scored)
        best = [r["unit"] for r, v in scored if abs(v - best_v) <= _EPS]
        worst = [r["unit"] for r, v in scored if abs(v - worst_v) <= _EPS]
        avg = _mean([v for _, v in scored])
        rate = avg / points if _is_num(points) and points else None
        cat_rows.append({
            "name": name,
            "points": _num(points),
            "avg": f(avg),
            "avg_rate": rate,
            "avg_rate_pct": _pct(rate) if rate is not None else "—",
            "best": {"unit": _join(best), "score": f(best_v)},
            "weakest": {"unit": _join(worst), "score": f(worst_v)},
        })

    # ---- weak indicators: where most units lost points
    weak = []
    for order, i in enumerate(indicators_in):
        iid, points = i.get("id"), i.get("points")
        if not _is_num(points) or points <= 0:
            continue
        scores = [(u.get("indicators") or {}).get(iid) for u in units_in]
        scores = [s for s in scores if _is_num(s)]
        if not scores:
            continue
        lost = [s for s in scores if s < points - _EPS]
        if not lost:
            continue
        loss_rate = _mean([max(0.0, (points - s) / points) for s in scores])
        weak.append({
            "id": str(iid),
            "name": str(i.get("name", "")),
            "category": _join(i.get("category") or [], "／"),
            "source": str(i.get("source") or ""),
            "points": _num(points),
            "n_lost": len(lost),
            "n_scored": len(scores),
            "lost_share_pct": _pct(len(lost) / len(scores)),
            "majority": len(lost) * 2 > len(scores),
            "avg_loss_rate": loss_rate,
            "avg_loss_rate_pct": _pct(loss_rate),
            "_order": order,
        })
    weak.sort(key=lambda w: (-w["n_lost"], -w["avg_loss_rate"], w["_order"]))
    weak = weak[:_TOP_WEAK]
    for w in weak:
        del w["_order"]

    # ---- vetoes
    vetoes = []
    source_vetoes = results.get("vetoes")
    if source_vetoes is None:
        source_vetoes = [dict(v, unit=u.get("unit")) for u in units_in for v in (u.get("veto") or [])]
    grade_of = {r["unit"]: r["grade"] for r in rows}
    rank_of = {r["unit"]: r["rank"] for r in rows}
    for v in source_vetoes:
        unit = str(v.get("unit", ""))
        vetoes.append({"unit": unit, "item": str(v.get("item") or ""), "department": str(v.get("department") or ""),
                       "reason": str(v.get("reason") or ""), "grade": grade_of.get(unit, ""),
                       "rank": rank_of.get(unit, "")})
    vetoed_units = list(dict.fromkeys(v["unit"] for v in vetoes))

    # ---- benchmark gaps (optional per-unit key "benchmark")
    benchmarks = []
    for r, u in zip(rows, units_in):
        b = u.get("benchmark")
        if b is None:
            continue
        label, value = "", None
        if _is_num(b):
            value = b
        elif isinstance(b, dict):
            label = str(b.get("name") or b.get("label") or b.get("unit") or "")
            value = next((b[k] for k in ("total", "score", "value") if _is_num(b.get(k))), None)
        if value is None or r["total_value"] is None:
            continue
        # the engine publishes the gaps (results model); only older results lack them
        gap = b["gap"] if isinstance(b, dict) and _is_num(b.get("gap")) else r["total_value"] - value
        rank_gap = b.get("rank_gap") if isinstance(b, dict) else None
        cats = b.get("categories") if isinstance(b, dict) else None
        behind = sorted(((k, v) for k, v in (cats or {}).items() if _is_num(v) and v < -_EPS), key=lambda kv: kv[1])
        benchmarks.append({"unit": r["unit"], "benchmark": label, "benchmark_score": f(value),
                           "total": r["total"], "gap": f(gap), "gap_value": gap,
                           "gap_text": ("高于" if gap > _EPS else "低于" if gap < -_EPS else "持平")
                           + (f(abs(gap)) + "分" if abs(gap) > _EPS else ""),
                           "rank_gap_text": ("" if not _is_num(rank_gap) else
                                             f"落后{rank_gap}个名次" if rank_gap > 0 else
                                             f"领先{-rank_gap}个名次" if rank_gap < 0 else "名次相同"),
                           "weakest_text": _join([f"{k}差{f(-v)}分" for k, v in behind[:3]])})

    # ---- data issues
    sev_counts: dict[str, int] = {s: 0 for s in _SEVERITY_ORDER}
    for iss in results.get("issues") or []:
        s = str(iss.get("severity") or "提示")
        sev_counts[s] = sev_counts.get(s, 0) + 1
    issues = {
        "total": sum(sev_counts.values()),
        "by_severity": [{"severity": s, "n": n} for s, n in sev_counts.items()],
        "errors": sev_counts.get("错误", 0),
        "warnings": sev_counts.get("警告", 0),
        "hints": sev_counts.get("提示", 0),
        "text": _join([f"{s}{n}条" for s, n in sev_counts.items() if n]),
    }

    # ---- data-driven suggestions
    suggestions = _suggestions(cat_rows, weak, vetoed_units, dist, rows, stats, issues, progress)

    chart = _chart(rows, full_score, _grade_thresholds(results), precision)
    legend = [{"name": d["name"], "colour": d["colour"]} for d in dist]

    return {
        "report_title": f"{title}情况分析报告",
        "meta": meta,
        "method": method,
        "stats": stats,
        "component_names": comp_names,
        "adjustment_names": adj_names,
        "units": rows,
        "grades": dist,
        "grades_text": grades_text,
        "grade_legend": legend,
        "awards": awards,
        "award_groups": award_groups,
        "award_summary": award_summary,
        "progress": progress,
        "categories": cat_rows,
        "weak_indicators": weak,
        "vetoes": vetoes,
        "vetoed_units_text": _join(vetoed_units),
        "benchmarks": benchmarks,
        "issues": issues,
        "suggestions": suggestions,
        "chart": chart,
        "grade_bar": _grade_bar(dist),
    }


def _rank_key(r: dict) -> tuple:
    return (r["rank"] if _is_num(r["rank"]) else 10**9,)


def _suggestions(cat_rows, weak, vetoed_units, dist, rows, stats, issues, progress) -> list[str]:
    out: list[str] = []
    rated = sorted((c for c in cat_rows if c["avg_rate"] is not None), key=lambda c: c["avg_rate"])
    if rated:
        low = rated[: 2 if len(rated) > 2 else 1]
        names = _join([f"{c['name']}（平均得分率{c['avg_rate_pct']}）" for c in low])
        out.append(f"补齐短板领域。{names}是本年度平均得分率最低的指标类别，"
                   f"建议相关牵头部门深入分析失分原因，加强业务指导和过程督导，推动整体水平提升。")
    if weak:
        top = weak[:3]
        names = _join([f"“{w['name']}”（{w['n_lost']}个单位失分）" for w in top])
        out.append(f"聚焦薄弱指标。{names}失分面较广，建议责任部门逐项制定提升措施，"
                   f"对失分较多的单位开展针对性帮扶。")
    if len(stats["groups"]) > 1:
        gs = [g for g in stats["groups"] if g["mean_value"] is not None]
        if len(gs) > 1:
            hi = max(gs, key=lambda g: g["mean_value"])
            lo = min(gs, key=lambda g: g["mean_value"])
            if hi["mean_value"] - lo["mean_value"] > _EPS:
                out.append(f"促进分类协调发展。{lo['name']}平均分（{lo['mean']}分）低于{hi['name']}"
                           f"（{hi['mean']}分），建议在政策、资金、项目上加大对{lo['name']}的倾斜支持。")
    if vetoed_units:
        out.append(f"压紧压实底线责任。{_join(vetoed_units)}本年度被一票否决，"
                   f"建议督促其认真整改，举一反三，防止同类问题再次发生。")
    if dist and len(dist) > 1 and dist[-1]["count"]:
        out.append(f"加强结果运用。对考核等次为“{dist[-1]['name']}”的{_join(dist[-1]['units'])}，"
                   f"建议由分管领导进行约谈提醒，督促制定整改措施、限期提升。")
    elif len(rows) >= 3:
        tail = [r["unit"] for r in rows[-3:]]
        out.append(f"加强结果运用。对综合排名靠后的{_join(tail)}，建议进行提醒谈话，督促查找差距、迎头赶上。")
    if progress["n_down"]:
        out.append(f"关注名次变化。本年度有{progress['n_down']}个单位名次较上年下降，建议相关单位认真对照分析，查找原因。")
    if issues["errors"] or issues["warnings"]:
        out.append(f"规范数据报送。数据审核中发现{issues['text']}，建议各数据报送部门严格按照模板和时限报送，"
                   f"落实数据审核把关责任，确保考核数据真实准确。")
    return out


# ------------------------------------------------------------------------------ error handling


def _display(path: Path) -> str:
    return sandbox.display(path)  # relative to the working folder; a link is shown as itself, not its target


def _error_kind(exc: BaseException) -> str:
    from jinja2 import exceptions as jx
    from jinja2.sandbox import SecurityError

    if isinstance(exc, jx.TemplateSyntaxError):
        return "语法错误"
    if isinstance(exc, jx.UndefinedError):
        return "变量错误"
    if isinstance(exc, sandbox.LimitExceeded):
        return "超出模板资源限制"
    if isinstance(exc, sandbox.TemplateRefused):
        return "引用了不允许读取的文件"
    if isinstance(exc, SecurityError):
        return "模板中不允许的操作"
    if isinstance(exc, jx.TemplateNotFound):
        return "找不到引用的模板"
    if isinstance(exc, jx.TemplateError):
        return "模板错误"
    return "渲染出错"


def _runtime_lineno(exc: BaseException, filename: str | None) -> int | None:
    """The template line of a runtime error, from the (jinja-rewritten) traceback."""
    line = None
    for fs in traceback.extract_tb(exc.__traceback__):
        if filename is not None:
            try:
                same = os.path.samefile(fs.filename, filename)
            except OSError:
                same = fs.filename == filename
            if same:
                line = fs.lineno
        elif fs.filename == "<template>":
            line = fs.lineno
    return line


def _exc_text(exc: BaseException) -> str:
    msg = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
    m = re.fullmatch(r"'(.+)' is undefined", str(msg).strip())
    if m:
        return f"变量“{m.group(1)}”不存在"
    m = re.fullmatch(r"'(.+)' has no attribute '(.+)'", str(msg).strip())
    if m:
        return f"没有名为“{m.group(2)}”的项"
    return str(msg).strip().splitlines()[0] if str(msg).strip() else exc.__class__.__name__


# ------------------------------------------------------------------------------------ html


def _html_env(template_dir: Path):
    # files only from template_dir, loops/size/time/recursion bounded (pipeline/render/sandbox.py)
    return sandbox.report_env(template_dir)


def render_html(results: dict, template_dir: Path, path: Path,
                template_name: str = HTML_TEMPLATE_NAME) -> None:
    """Render ``template_dir/report.html.j2`` into ``path`` (a standalone offline HTML page)."""
    from jinja2 import TemplateError, TemplateSyntaxError

    template_dir = Path(template_dir)
    tpl_path = template_dir / template_name
    shown = _display(tpl_path)
    context = report_context(results)
    env = _html_env(template_dir)
    try:
        template = env.get_template(template_name)
        html = template.render(**context)
    except sandbox.TemplateRefused as exc:  # a file the loader will not read: name it (and who included it)
        line = _runtime_lineno(exc, str(tpl_path))
        main = exc.path is not None and Path(exc.path) == tpl_path
        by = "" if main else f"（由报告模板 {shown}{f' 第{line}行' if line else ''}引用）"
        raise ReportTemplateError(f"{exc.message}{by}", template=shown, line=line) from exc
    except TemplateSyntaxError as exc:
        name = _display(Path(exc.filename)) if exc.filename else shown
        raise ReportTemplateError(
            f"报告模板 {name} 第{exc.lineno}行：语法错误（{_exc_text(exc)}）", template=name, line=exc.lineno
        ) from exc
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as exc:
        if type(exc).__name__ == "TemplateNotFound" and getattr(exc, "name", None) == template_name:
            raise ReportTemplateError(f"报告模板 {shown} 不存在", template=shown) from exc
        line = _runtime_lineno(exc, str(tpl_path))
        where = f"第{line}行：" if line else "："
        raise ReportTemplateError(
            f"报告模板 {shown} {where}{_error_kind(exc)}（{_exc_text(exc)}）".replace(" ：", "："),
            template=shown, line=line,
        ) from exc
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


# ------------------------------------------------------------------------------------ docx


def _docx_locate(tpl, line: int | None) -> tuple[str, int | None, str]:
    """(part label, paragraph number, paragraph text) of an error line in the XML docxtpl rendered.

    docxtpl renders each part's XML with one paragraph per line (paragraph-level tags such as
    ``{%p for %}`` are folded into the line before), so the line is roughly the paragraph number;
    the paragraph text, shown to the user, is what really locates the error.
    """
    if not line:
        return "", None, ""
    try:
        part = getattr(tpl, "current_rendering_part", None)
        main = tpl.docx._part
        is_main = part is None or part is main
        if is_main:
            label, xml = "", tpl.get_xml()
        else:
            label = "页眉" if "header" in str(part.partname) else "页脚" if "footer" in str(part.partname) else ""
            xml = tpl.get_part_xml(part)
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))
        lines = xml.splitlines()
        if not 0 < line <= len(lines):
            return label, None, ""
        text = re.sub(r"<[^>]+>", "", lines[line - 1])
        text = re.sub(r"\s+", " ", text).strip()
        tags = re.findall(r"\{[{%#].*?[}%#]\}|\{[{%].*$", text)
        snippet = " ".join(tags) if tags else text
        # the exact paragraph number: the first paragraph at or after `line - 1` holding the snippet
        number = None
        root = tpl.docx.element.body if is_main else _parse_xml_part(tpl, part)
        key = re.sub(r"\s+", "", tags[0] if tags else text)
        if key:
            for n, p in enumerate(root.iter(_qn_w("p")), start=1):
                ptext = re.sub(r"\s+", "", "".join(t.text or "" for t in p.iter(_qn_w("t"))))
                ptext = ptext.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
                if n >= line - 1 and key in ptext:
                    number = n
                    break
        return label, number, (snippet[:77] + "…") if len(snippet) > 78 else snippet
    except Exception:  # noqa: BLE001 - locating is best-effort only
        return "", None, ""


def _qn_w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


def _parse_xml_part(tpl, part):
    from docx.oxml import parse_xml

    return parse_xml(part.blob)


def _docx_error(exc: BaseException, tpl, shown: str) -> ReportTemplateError:
    """Map a Jinja error raised while docxtpl renders the Word XML to a Chinese message."""
    from jinja2 import TemplateSyntaxError

    line = exc.lineno if isinstance(exc, TemplateSyntaxError) else _runtime_lineno(exc, None)
    label, number, snippet = _docx_locate(tpl, line)
    para_no = number or (max(1, line - 1) if line else None)  # line 1 holds the <w:body> start
    where = label
    if number:
        where += f"第{number}段"
    elif para_no:
        where += f"约第{para_no}段"
    if snippet:
        where += f"（“{snippet}”）"
    text = f"报告模板 {shown} {where}：{_error_kind(exc)}（{_exc_text(exc)}）".replace(" ：", "：")
    return ReportTemplateError(text, template=shown, line=para_no)


def render_docx(results: dict, template_path: Path, path: Path) -> None:
    """Render the Word template (docxtpl tags) into ``path``."""
    from jinja2 import TemplateError

    template_path = Path(template_path)
    shown = _display(template_path)
    context = report_context(results)
    if not os.path.lexists(template_path):
        raise ReportTemplateError(f"报告模板 {shown} 不存在", template=shown)
    try:  # a regular file inside its folder, not a link out of it, a FIFO or a zip bomb (sandbox.py)
        real = sandbox.confined_file(template_path, template_path.parent, "报告模板")
        sandbox.check_package(real, "报告模板")
    except sandbox.TemplateRefused as exc:
        raise ReportTemplateError(exc.message, template=shown) from exc
    except TemplateError as exc:  # TemplateNotFound: gone since it was listed
        raise ReportTemplateError(f"报告模板 {shown} 不存在", template=shown) from exc
    try:
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(str(real))
        tpl.get_docx()  # opens the package: fail early on a file that is not a Word document
    except Exception as exc:  # noqa: BLE001 - any failure to open is a template problem
        raise ReportTemplateError(f"报告模板 {shown} 无法打开（不是有效的Word文档：{_exc_text(exc)}）",
                                  template=shown) from exc
    env = sandbox.docx_env()
    try:
        with sandbox.budget():  # one allowance of steps and time for all parts (body, headers, footers…)
            tpl.render(context, jinja_env=env, autoescape=True)
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as exc:
        raise _docx_error(exc, tpl, shown) from exc
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tpl.save(str(path))


# ------------------------------------------------------------------ docx template (GB/T 9704)

_TITLE_FONT = "方正小标宋简体"
_BODY_FONT = "仿宋_GB2312"
_H1_FONT = "黑体"
_H2_FONT = "楷体_GB2312"
_PAGE_FONT = "宋体"
_LINE_PT = 28.95  # 22 lines per page on the GB/T 9704 type area


def _set_fonts(rpr_parent, font: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    """Set ascii/hAnsi/eastAsia fonts on a run or style (python-docx object with .font and ._element)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    rpr_parent.font.name = font
    if size_pt is not None:
        rpr_parent.font.size = Pt(size_pt)
    if bold is not None:
        rpr_parent.font.bold = bold
    rpr = rpr_parent._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)


def _page_number_paragraph(footer, align, indent_left_pt: float = 0, indent_right_pt: float = 0) -> None:
    """“— PAGE —” with a PAGE field, 4号 (14pt) 宋体."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = align
    pf = p.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.left_indent = Pt(indent_left_pt)
    pf.right_indent = Pt(indent_right_pt)
    pf.line_spacing = 1.0
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)

    def run(text: str | None = None):
        r = p.add_run(text) if text is not None else p.add_run()
        _set_fonts(r, _PAGE_FONT, 14)
        return r

    run("— ")
    r = run()
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), "begin")
    r._element.append(fc)
    r = run()
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = " PAGE "
    r._element.append(it)
    r = run()
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), "separate")
    r._element.append(fc)
    run("1")
    r = run()
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), "end")
    r._element.append(fc)
    run(" —")


def build_docx_template(path: Path) -> None:
    """Generate the default Jinja-tagged Word template (official style, GB/T 9704) at ``path``."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()

    # ---- page: A4, GB/T 9704 margins, 22 lines per page
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(25)
    sectpr = sec._sectPr
    grid = sectpr.find(qn("w:docGrid"))
    if grid is None:
        grid = sectpr.makeelement(qn("w:docGrid"), {})
        sectpr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(_coord(_LINE_PT * 20, 0))))  # twips

    # ---- styles
    normal = doc.styles["Normal"]
    _set_fonts(normal, _BODY_FONT, 16)
    npf = normal.paragraph_format
    npf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    npf.line_spacing = Pt(_LINE_PT)
    npf.space_before = Pt(0)
    npf.space_after = Pt(0)
    npf.first_line_indent = Pt(32)  # two characters
    npf.widow_control = True

    def para(text: str = "", *, font: str = _BODY_FONT, size: float = 16, bold: bool = False,
             align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True):
        p = doc.add_paragraph()
        p.alignment = align
        if not indent:
            p.paragraph_format.first_line_indent = Pt(0)
        if text:
            r = p.add_run(text)
            _set_fonts(r, font, size, bold or None)
        return p

    def tag(text: str):
        """A paragraph holding only a docxtpl paragraph-level tag ({%p ... %}); removed on render."""
        return para(text, indent=False)

    def h1(text: str):
        return para(text, font=_H1_FONT)

    def h2(text: str):
        return para(text, font=_H2_FONT)

    # ---- document properties (rendered by docxtpl too)
    doc.core_properties.title = "{{ report_title }}"
    doc.core_properties.author = "{{ meta.organizer }}"
    doc.core_properties.subject = "考核情况分析报告"
    doc.core_properties.comments = ""

    # ---- title
    para("{{ report_title }}", font=_TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para("", indent=False)

    para("根据考核办法，现将{{ meta.title }}结果及有关情况分析报告如下。")

    # 一
    h1("一、考核基本情况")
    h2("（一）考核范围")
    para("本次考核共对{{ method.n_units }}个单位进行考核"
         "{% if method.n_groups > 1 %}，按{{ method.groups_text }}分{{ method.n_groups }}组排名{% endif %}。")
    h2("（二）考核方法")
    para("考核满分{{ meta.full_score }}分，由{{ method.components_text }}{{ method.combine_word }}"
         "{% if method.adjustments %}，另设{{ method.adjustments_text }}{% endif %}"
         "{% if method.formula %}，即{{ method.formula }}{% endif %}。")
    para("指标考核共设{{ method.n_categories }}类{{ method.n_indicators }}项指标"
         "{% if method.categories_text %}（{{ method.categories_text }}）{% endif %}"
         "{% if method.methods_text %}，分别采用{{ method.methods_text }}计分{% endif %}。"
         "所有分数按四舍五入保留{{ meta.precision }}位小数。")

    # 二
    h1("二、考核结果及等次分布")
    h2("（一）总体情况")
    para("{% if stats.top %}参评单位平均得分{{ stats.mean }}分，最高分为{{ stats.top.unit }}{{ stats.top.total }}分，"
         "最低分为{{ stats.bottom.unit }}{{ stats.bottom.total }}分，分差{{ stats.spread }}分。{% endif %}"
         "{% for g in stats.groups %}{{ g.name }}{{ g.n }}个单位平均得分{{ g.mean }}分"
         "{% if loop.last %}。{% else %}；{% endif %}{% endfor %}")
    para("按照等次评定标准，{{ grades_text }}。")
    h2("（二）考核结果")
    para("各单位考核得分及等次见下表。")

    table = doc.add_table(rows=4, cols=5)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Mm(18), Mm(50), Mm(38), Mm(26), Mm(24)]
    header = ["名次", "单位", "组别", "总分", "等次"]
    cells = ["{{ u.rank }}", "{{ u.unit }}", "{{ u.group }}", "{{ u.total }}", "{{ u.grade }}"]
    rows_text = [header, ["{%tr for u in units %}", "", "", "", ""], cells, ["{%tr endfor %}", "", "", "", ""]]
    for ri, texts in enumerate(rows_text):
        row = table.rows[ri]
        for ci, text in enumerate(texts):
            cell = row.cells[ci]
            cell.width = widths[ci]
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            pf = p.paragraph_format
            pf.first_line_indent = Pt(0)
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
            if text:
                r = p.add_run(text)
                _set_fonts(r, _H1_FONT if ri == 0 else _BODY_FONT, 12)
    # repeat the header row on every page
    trpr = table.rows[0]._tr.get_or_add_trPr()
    hdr = trpr.makeelement(qn("w:tblHeader"), {})
    trpr.append(hdr)
    para("", indent=False)

    h2("（三）分类指标得分情况")
    tag("{%p for c in categories %}")
    para("{{ c.name }}（{{ c.points }}分）：平均得分{{ c.avg }}分，平均得分率{{ c.avg_rate_pct }}；"
         "得分最高的是{{ c.best.unit }}（{{ c.best.score }}分），最低的是{{ c.weakest.unit }}（{{ c.weakest.score }}分）。")
    tag("{%p endfor %}")

    # 三
    h1("三、评奖情况")
    tag("{%p if awards %}")
    para("根据考核结果和评奖办法，共有{{ award_summary.n_units }}个单位获奖"
         "{% if award_summary.total_amount_text %}，奖金合计{{ award_summary.total_amount_text }}{% endif %}。")
    tag("{%p for g in award_groups %}")
    para("{{ g.award }}（{{ g.n }}个）：{{ g.units_text }}{% if g.amount_text %}，每个单位奖励{{ g.amount_text }}{% endif %}。")
    tag("{%p endfor %}")
    tag("{%p else %}")
    para("本年度无单位获奖。")
    tag("{%p endif %}")
    tag("{%p if vetoes %}")
    para("{{ vetoed_units_text }}因被一票否决，按规定取消评奖资格。")
    tag("{%p endif %}")

    # 四
    h1("四、进步与变化")
    tag("{%p if progress.has_history %}")
    para("与上年相比，名次上升的单位{{ progress.n_up }}个，下降的{{ progress.n_down }}个，持平的{{ progress.n_same }}个。")
    tag("{%p if progress.up %}")
    h2("（一）进步较大的单位")
    tag("{%p for p in progress.up %}")
    para("{{ p.unit }}：由上年第{{ p.last_rank }}名上升至第{{ p.rank }}名，前进{{ p.change }}位。")
    tag("{%p endfor %}")
    tag("{%p endif %}")
    tag("{%p if progress.down %}")
    h2("（{% if progress.up %}二{% else %}一{% endif %}）名次下降的单位")
    tag("{%p for p in progress.down %}")
    para("{{ p.unit }}：由上年第{{ p.last_rank }}名下降至第{{ p.rank }}名，后退{{ p.change }}位。")
    tag("{%p endfor %}")
    tag("{%p endif %}")
    tag("{%p else %}")
    para("本年度无上年名次可比。")
    tag("{%p endif %}")
    tag("{%p if benchmarks %}")
    para("追赶超越对标情况："
         "{% for b in benchmarks %}{{ b.unit }}{% if b.benchmark %}对标{{ b.benchmark }}，{% endif %}总分{{ b.gap_text }}"
         "{% if b.rank_gap_text %}，{{ b.rank_gap_text }}{% endif %}"
         "{% if b.weakest_text %}，主要差距在{{ b.weakest_text }}{% endif %}"
         "{% if loop.last %}。{% else %}；{% endif %}{% endfor %}")
    tag("{%p endif %}")

    # 五
    h1("五、薄弱指标与一票否决")
    h2("（一）薄弱指标")
    tag("{%p if weak_indicators %}")
    para("从各项指标失分情况看，失分面较大的指标如下：")
    tag("{%p for w in weak_indicators %}")
    para("{{ loop.index }}．{{ w.name }}（{{ w.category }}，{{ w.points }}分）：{{ w.n_lost }}个单位失分，"
         "占{{ w.lost_share_pct }}，平均失分率{{ w.avg_loss_rate_pct }}。")
    tag("{%p endfor %}")
    tag("{%p else %}")
    para("各单位各项指标均得满分。")
    tag("{%p endif %}")
    h2("（二）一票否决")
    tag("{%p if vetoes %}")
    tag("{%p for v in vetoes %}")
    para("{{ v.unit }}：{{ v.item }}{% if v.department %}（{{ v.department }}认定）{% endif %}"
         "{% if v.reason %}，{{ v.reason }}{% endif %}。")
    tag("{%p endfor %}")
    tag("{%p else %}")
    para("本年度无单位被一票否决。")
    tag("{%p endif %}")
    h2("（三）数据审核情况")
    para("{% if issues.total %}数据采集审核中共发现问题{{ issues.total }}条，其中{{ issues.text }}，"
         "详见数据问题清单。{% else %}数据采集审核中未发现问题。{% endif %}")

    # 六
    h1("六、下一步工作建议")
    tag("{%p for s in suggestions %}")
    para("{{ loop.index }}．{{ s }}")
    tag("{%p endfor %}")

    # 落款
    para("", indent=False)
    para("{{ meta.organizer }}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False).paragraph_format.right_indent = Pt(64)
    para("{{ meta.report_date }}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False).paragraph_format.right_indent = Pt(64)

    # ---- footers: page number, odd pages right / even pages left, one character from the edge
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number_paragraph(sec.footer, WD_ALIGN_PARAGRAPH.RIGHT, indent_right_pt=14)
    _page_number_paragraph(sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, indent_left_pt=14)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


# ---------------------------------------------------------------------------------- entry point


def render_report(results: dict, template_dir: Path, out_dir: Path) -> list[Path]:
    """Write 考核情况分析报告.html and .docx into ``out_dir``; return their paths.

    ``template_dir/report.html.j2`` and ``template_dir/考核情况分析报告.docx`` override the package
    defaults; the template folder itself is only read.
    """
    template_dir = Path(template_dir) if template_dir is not None else DEFAULT_TEMPLATE_DIR
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    if template_dir != DEFAULT_TEMPLATE_DIR and os.path.lexists(template_dir):
        try:  # templates/ itself must not be a link out of the assessment folder
            sandbox.confined_folder(template_dir, template_dir.parent)
        except sandbox.TemplateRefused as exc:
            raise ReportTemplateError(exc.message, template=_display(template_dir)) from exc
    # any entry named like a template is the office's: a link, FIFO or folder is refused, never silently skipped
    html_dir = template_dir if os.path.lexists(template_dir / HTML_TEMPLATE_NAME) else DEFAULT_TEMPLATE_DIR
    html_path = out_dir / HTML_OUTPUT_NAME
    render_html(results, html_dir, html_path)

    docx_path = out_dir / DOCX_OUTPUT_NAME
    user_docx = template_dir / DOCX_TEMPLATE_NAME
    default_docx = DEFAULT_TEMPLATE_DIR / DOCX_TEMPLATE_NAME
    if os.path.lexists(user_docx):
        render_docx(results, user_docx, docx_path)
    elif default_docx.is_file():
        render_docx(results, default_docx, docx_path)
    else:  # package data missing (e.g. a source tree without the generated file): build a temporary one
        with tempfile.TemporaryDirectory(prefix="kaohe-report-") as tmp:
            tmp_tpl = Path(tmp) / DOCX_TEMPLATE_NAME
            build_docx_template(tmp_tpl)
            render_docx(results, tmp_tpl, docx_path)
    return [html_path, docx_path]
