"""What each kind, sign and grade means to a reader — Chinese labels, signs and colours, decided once.

Why one module: the workbook, the report and the score cards each used to decide for themselves, and the copies
disagreed (a rank-based adjustment of +2 that the engine added was printed as "−2.00 扣分" in the report; grade
colours were picked from two different palettes in two different orders). Renderers ask here; they never
re-derive a meaning from a scheme key.
"""

from __future__ import annotations

from collections.abc import Iterable

# -- components ---------------------------------------------------------------------------------------------------
KIND_LABELS = {
    "indicators": "按指标计分",
    "periods": "定期考核（按指标分期计分）",
    "survey": "满意度测评",
    "ratings": "评分",
    "leadership": "评分",
    "growth_index": "综合指数",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS[kind]


# -- adjustments --------------------------------------------------------------------------------------------------
SIGN_LABELS = {"bonus": "加分", "deduction": "扣分", "rank": "按名次加减分"}


def sign_label(sign: str) -> str:
    return SIGN_LABELS[sign]


def adjustment_effect(sign: str, value: float | None) -> float | None:
    """The adjustment's effect on the total, as the engine applies it: a deduction's capped size is subtracted, a
    bonus added, and a rank-based kind's points are already signed by its rank rules (+2 or −3)."""
    if value is None:
        return None
    return -value if sign == "deduction" and value else value


def signed_text(effect: float | None, number: str) -> str:
    """"+2.00" or "−2.00" (a true minus sign) for a non-zero effect whose size is printed as `number`; else ""."""
    if not effect:
        return ""
    return ("+" if effect > 0 else "−") + number


def register_value(sign: str, value: float) -> float | str:
    """A register entry's value as read: points for bonus and deduction kinds, a place ("第19名") for a rank kind,
    whose points come from its rank rules (never "19 分")."""
    return f"第{int(value)}名" if sign == "rank" else value


def cap_text(sign: str, cap: str | None) -> str:
    """How the kind is capped, in words (`cap` already formatted, or None)."""
    if cap is None:
        return "不设上限"
    return {"bonus": f"最高加{cap}分", "deduction": f"最多扣{cap}分", "rank": f"加减分均不超过{cap}分"}[sign]


# -- grades -------------------------------------------------------------------------------------------------------
GRADE_PALETTE = ("#2E7D32", "#1565C0", "#F9A825", "#EF6C00", "#6D4C41", "#546E7A")  # best first
LAST_GRADE_COLOUR = "#C62828"  # the lowest grade is always red
NO_GRADE_COLOUR = "#9E9E9E"


def grade_order(grades: Iterable[tuple[str, float]], seen: Iterable[str] = ()) -> list[str]:
    """The scheme's grades (name, lower bound) from best to worst, then any other grade a unit carries."""
    order: list[str] = []
    for name, _ in sorted(grades, key=lambda g: -g[1]):
        if name not in order:
            order.append(name)
    for name in seen:
        if name and name not in order:
            order.append(name)
    return order


def grade_colours(order: list[str]) -> dict[str, str]:
    """Grade name -> colour: the palette from the best grade down, the lowest grade red (一票否决 too)."""
    colours = {}
    grades = [g for g in order if g != VETO]
    for i, name in enumerate(grades):
        last = i == len(grades) - 1 and len(grades) > 1
        colours[name] = LAST_GRADE_COLOUR if last else GRADE_PALETTE[i % len(GRADE_PALETTE)]
    if VETO in order:
        colours[VETO] = LAST_GRADE_COLOUR
    return colours


# -- a vetoed unit, as every table, the report and the console show it ----------------------------------------------
# SPEC: a vetoed unit keeps its score and rank; by default (effect no_award) it loses every award and 评先评优 — so its
# grade is not shown as a grade a leader would read as 评优 (第1名 · 优秀 beside 一票否决 reads as a contradiction): the
# grade cell says 一票否决 and the item. With effect lowest_grade the grade is the lowest one, and says why.
VETO = "一票否决"


def veto_items(u) -> str:
    return "、".join(dict.fromkeys(v.item for v in u.veto if v.item))


def grade_shown(u, effect: str) -> str:
    """The grade cell of a unit: its grade, or for a vetoed unit what the veto made of it."""
    if not u.vetoed or not u.grade:  # a scheme without grades: the veto shows in its own column
        return u.grade
    items = veto_items(u)
    if effect == "lowest_grade":
        return f"{u.grade}（{VETO}：{items}）" if items else f"{u.grade}（{VETO}）"
    return f"{VETO}（{items}）" if items else VETO


def grade_class(u, effect: str) -> str:
    """The grade a unit is counted under in a distribution: 一票否决 for a vetoed unit whose grade is not shown."""
    return VETO if u.vetoed and u.grade and effect != "lowest_grade" else u.grade


def awards_shown(u) -> str | None:
    """The awards cell: the awards, or for a vetoed unit that it may receive none."""
    if u.vetoed:
        return "取消评奖资格"
    return "、".join(u.awards) or None


def target_verdict(met: bool | None) -> str:
    """A declared target's verdict as every output words it."""
    return "无法判断" if met is None else "完成" if met else "未完成"


def target_text(t) -> str:
    """One target in a sentence: 进入前3名（第3名，完成，正好达到）."""
    margin = f"，{t.margin_text}" if t.margin_text else ""
    return f"{t.name}（{t.achieved}，{target_verdict(t.met)}{margin}）"


# -- objective weights (the scheme's `weighting`) -----------------------------------------------------------------
# A run's results are 试算 until the office marks them (kaohe publish --as 公示|定稿); every output says which
STATUS_MARKS = {"试算": "（试算稿）", "公示": "（公示稿）", "定稿": ""}  # after the title; a 定稿 reads as the document
STATUS_LABELS = {"试算": "试算（未经审定，不得作为正式结果报送或公示）", "公示": "公示稿（公示期内可申诉）", "定稿": "定稿"}


def status_mark(status: str) -> str:
    return STATUS_MARKS[status]


WEIGHTING_LABELS = {"entropy": "熵权法", "critic": "CRITIC 法"}


def weighting_label(method: str) -> str:
    return WEIGHTING_LABELS[method]
