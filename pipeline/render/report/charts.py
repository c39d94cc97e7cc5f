"""Geometry of the report's inline SVG charts (drawing coordinates only; the values shown are published ones)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .text import num


def coord(x: float, places: int = 2) -> float:
    """SVG geometry rounded for compact output (drawing coordinates, never a published score)."""
    return float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def totals_chart(rows: list[dict], full_score: float, thresholds: list[dict]) -> dict:
    """A horizontal bar chart of totals (one bar per unit row of the context, in rank order), with the grade
    thresholds (name, min) as vertical lines."""
    label_w, value_w, bar_area = 110, 70, 560
    row_h, bar_h, top, axis_h = 24, 16, 12, 28
    width = label_w + bar_area + value_w
    totals = [r["total_value"] for r in rows]
    top_value = max([full_score] + totals) if totals else full_score
    scale_max = float(top_value) if top_value > 0 else 100.0
    if scale_max > full_score:  # bonuses may push totals above the full score: round up to 10
        scale_max = float(-(-scale_max // 10) * 10)
    bars = []
    for i, r in enumerate(rows):
        w = max(0.0, min(bar_area, bar_area * r["total_value"] / scale_max))
        y = top + i * row_h
        bars.append({
            "unit": r["unit"],
            "value": r["total"],
            "grade": r["grade"],
            "colour": r["colour"],
            "x": label_w,
            "y": y + (row_h - bar_h) / 2,
            "w": coord(w, 2),
            "h": bar_h,
            "label_x": label_w - 8,
            "text_y": y + row_h / 2 + 4.5,
            "value_x": coord(label_w + w + 6, 2),
            "vetoed": r["vetoed"],
        })
    plot_bottom = top + len(rows) * row_h
    step = scale_max / 5
    ticks = [{"x": coord(label_w + bar_area * v / scale_max, 2), "label": num(coord(v, 2))}
             for v in (step * k for k in range(6))]
    lines = [{"x": coord(label_w + bar_area * t["min"] / scale_max, 2), "label": f"{t['name']}≥{num(t['min'])}"}
             for t in thresholds if 0 < t["min"] < scale_max]
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


def grade_bar(dist: list[dict]) -> dict:
    """A single stacked bar of the grade distribution (the context's `grades`)."""
    width, height = 720, 34
    total = sum(g["count"] for g in dist)
    segs = []
    x = 0.0
    for g in dist:
        if not g["count"] or not total:
            continue
        w = width * g["count"] / total
        segs.append({"name": g["name"], "count": g["count"], "share": g["share"], "colour": g["colour"],
                     "x": coord(x, 2), "w": coord(w, 2), "text_x": coord(x + w / 2, 2),
                     "show_label": w >= 56})
        x += w
    return {"width": width, "height": height, "text_y": height / 2 + 5, "segments": segs}
