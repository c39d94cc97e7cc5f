"""Generate realistic, filled-in departmental returns for a kaohe scheme.

Usage::

    python bench/make_returns.py FOLDER [--seed N] [--units N] [--no-mess]

Reads FOLDER/config.toml (tomllib) and writes FOLDER/input/:

* input/<dept>/<year>年度乡镇考核指标数据（<dept>）.xlsx   one per source department
* input/公众评议/<year>年度乡镇公众评议统计表.xlsx            public evaluation tallies
* input/考核办/<year>年度加减分登记表.xlsx                    adjustment register
* input/考核办/<year>年度一票否决登记表.xlsx                  veto register
* input/上年结果/<year-1>年度乡镇考核结果.xlsx                last year's results

With ``--units N`` the ``[[units]]`` tables of the config are first replaced by N
synthetic townships ("第0001乡镇" ...) in a copy written to FOLDER/config.toml
(taken from the repository's config.toml when FOLDER has none). This is refused
for the repository root, so the bundled scheme is never rewritten.

Everything is drawn from ``random.Random(seed)``: the same seed and config give
identical cell values. Workbook properties and zip member timestamps are pinned,
so the files are byte-identical as well (with the same openpyxl/zlib).

``MESS`` lists the deliberately "messy" but valid cells (alias names, numbers
stored as text, "88.5%" strings, full-width digits, stray spaces). At import it
describes the bundled example (repository config, default seed); every call of
``generate`` refreshes it in place to describe the files just written.
"""

from __future__ import annotations

import argparse
import copy
import datetime as _dt
import io
import random
import re
import sys
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEED = 2025

# Fixed metadata so that output is reproducible.
CREATOR = "XX县目标管理绩效考核办公室"
FIXED_TIME = _dt.datetime(2026, 1, 10, 9, 0, 0)
_ZIP_TIME = (2026, 1, 10, 9, 0, 0)

# Which department returns get the "real world" layout quirks.
SHUFFLED_DEPT = "卫健局"      # unit rows in a different order
REORDERED_DEPT = "财政局"     # indicator columns not in scheme order (direct scores first)
VETO_DEPT = "应急管理局"      # department that certifies the veto of the strongest unit

SURVEY_QUESTIONS = [
    "对本乡镇班子工作作风的评价",
    "对本乡镇经济社会发展成效的评价",
    "对本乡镇为民办实事成效的评价",
]
SURVEY_COLUMNS = ["满意", "基本满意", "不满意", "不了解"]

BONUS_REASONS = [
    ("承办全省现场观摩会", "县委督查室"),
    ("重点项目建设专项督查获全市通报表扬", "县政府督查室"),
    ("防汛救灾工作受到省政府通报表彰", "县考核办"),
    ("乡村振兴示范村创建通过省级验收", "县委督查室"),
    ("招商引资专项督查排名全县第一", "县政府督查室"),
    ("农村人居环境整治专项督查获市级表扬", "县考核办"),
    ("营商环境专项督查获全市通报表扬", "县政府督查室"),
]
DEDUCTION_REASONS = [
    ("察访发现环境整治问题未整改", "县考核办"),
    ("察访发现安全隐患整改不到位", "县委督查室"),
    ("察访核验发现统计数据填报不实", "县考核办"),
    ("察访发现信访积案化解不力", "县委督查室"),
    ("察访发现秸秆禁烧工作落实不到位", "县考核办"),
]

MESS: list[dict[str, Any]] = []

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "宋体"
_TITLE_FONT = Font(name=_FONT, size=16, bold=True)
_HEAD_FONT = Font(name=_FONT, size=11, bold=True)
_BODY_FONT = Font(name=_FONT, size=11)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center")
_RIGHT = Alignment(horizontal="right", vertical="center")


# ----------------------------------------------------------------------------- helpers

def _clamp(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return lo if x < lo else hi if x > hi else x


def _fullwidth(s: str) -> str:
    """'7.2' -> '７．２' (digits, point, minus and percent sign)."""
    table = {c: chr(ord(c) + 0xFEE0) for c in "0123456789.-%"}
    return "".join(table.get(c, c) for c in s)


def _int_if_whole(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def _depts(indicators: list[dict]) -> list[str]:
    out: list[str] = []
    for ind in indicators:
        if ind["source"] not in out:
            out.append(ind["source"])
    return out


def _grade(total: float, grades: list[dict]) -> str:
    for g in sorted(grades, key=lambda g: g["min"], reverse=True):
        if total >= g["min"]:
            return g["name"]
    return grades[-1]["name"] if grades else ""


# ----------------------------------------------------------------------------- config copy with synthetic units

_UNITS_HEADER = re.compile(r"^\s*\[\[\s*units\s*\]\]")
_ANY_HEADER = re.compile(r"^\s*\[")


def synthetic_units(config: dict, n: int) -> list[dict]:
    """N synthetic township names, alternating the scheme's groups."""
    groups: list[str] = []
    for u in config.get("units", []):
        g = u.get("group")
        if g and g not in groups:
            groups.append(g)
    width = max(4, len(str(n)))
    units = []
    for k in range(n):
        u = {"name": f"第{k + 1:0{width}d}乡镇"}
        if groups:
            u["group"] = groups[k % len(groups)]
        units.append(u)
    return units


def rewrite_units(text: str, units: list[dict]) -> str:
    """Replace every ``[[units]]`` table of a config text by ``units``.

    Comments and all other tables are kept verbatim; the new tables go where
    the first ``[[units]]`` table was. The result is verified with tomllib.
    """
    block = []
    for u in units:
        block.append("[[units]]\n")
        block.append(f'name = "{u["name"]}"\n')
        if "group" in u:
            block.append(f'group = "{u["group"]}"\n')
        block.append("\n")
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    inserted = False
    i = 0
    while i < len(lines):
        if not _UNITS_HEADER.match(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not _ANY_HEADER.match(lines[j]):
            j += 1
        # trailing blank/comment lines introduce the next section: keep them
        k = j
        while k > i + 1 and (not lines[k - 1].strip() or lines[k - 1].lstrip().startswith("#")):
            k -= 1
        if not inserted:
            out.extend(block)
            inserted = True
        if not (j < len(lines) and _UNITS_HEADER.match(lines[j])):
            out.extend(lines[k:j])
        i = j
    if not inserted:
        out.append("\n")
        out.extend(block)
    new = "".join(out)
    old_cfg, new_cfg = tomllib.loads(text), tomllib.loads(new)
    old_cfg.pop("units", None)
    got = new_cfg.pop("units", None)
    if new_cfg != old_cfg or [u["name"] for u in got or []] != [u["name"] for u in units]:
        raise ValueError("could not rewrite [[units]] in config.toml safely")
    return new


# ----------------------------------------------------------------------------- the plan (all values, no I/O)

@dataclass
class Plan:
    config: dict
    year: int
    units: list[dict]
    indicators: list[dict]
    depts: list[str]
    star: str                      # strongest unit, vetoed
    second: str                    # second strongest
    values: dict[tuple[str, str], dict] = field(default_factory=dict)   # (unit, id) -> {actual, target}
    remarks: dict[tuple[str, str], str] = field(default_factory=dict)   # (dept, unit) -> 备注
    row_order: dict[str, list[str]] = field(default_factory=dict)       # dept -> unit names in row order
    col_order: dict[str, list[dict]] = field(default_factory=dict)      # dept -> indicators in column order
    survey: list[tuple] = field(default_factory=list)  # (unit, round, category, question, 满意, 基本满意, 不满意, 不了解)
    adjustments: list[tuple] = field(default_factory=list)  # (unit, kind, points, reason, department)
    vetoes: list[tuple] = field(default_factory=list)       # (unit, item, department, reason)
    last_year: list[tuple] = field(default_factory=list)    # (rank, unit, total, grade)
    overrides: dict[tuple, Any] = field(default_factory=dict)  # (dept, unit, colkey) -> stored cell value
    mess: list[dict] = field(default_factory=list)


def dept_file(year: int, dept: str) -> str:
    return f"input/{dept}/{year}年度乡镇考核指标数据（{dept}）.xlsx"


def survey_file(year: int) -> str:
    return f"input/公众评议/{year}年度乡镇公众评议统计表.xlsx"


def adjustment_file(year: int) -> str:
    return f"input/考核办/{year}年度加减分登记表.xlsx"


def veto_file(year: int) -> str:
    return f"input/考核办/{year}年度一票否决登记表.xlsx"


def last_year_file(year: int) -> str:
    return f"input/上年结果/{year - 1}年度乡镇考核结果.xlsx"


def _target_range(ind: dict, size: float) -> float:
    """A realistic target for a `target = "column"` completion indicator."""
    unit, name = ind.get("unit", ""), ind.get("name", "")
    if unit == "万元" and "投资" in name:
        lo, hi, step = 20000, 120000, 100
    elif unit == "万元":
        lo, hi, step = 3000, 20000, 10
    elif unit == "亩":
        lo, hi, step = 30000, 90000, 100
    else:
        lo, hi, step = 100, 1000, 1
    return float(round((lo + (hi - lo) * size) / step) * step)


def _value(ind: dict, q: float, rng: random.Random) -> float | int:
    """The reported value of one indicator for a unit of quality q in [0, 1]."""
    method = ind.get("method")
    if method == "efficacy":
        if "x_s" in ind and "x_u" in ind:
            lo, hi = float(ind["x_u"]) - 1.5, float(ind["x_s"]) + 1.0   # 3.5 .. 16.0 for A2
        else:
            lo, hi = 3.0, 12.0
        if ind.get("direction") == "lower":
            q = 1 - q
        return round(lo + (hi - lo) * q, 1)
    if method == "step":
        t = float(ind["target"])
        lo = t - (5 if t >= 80 else 6)
        hi = min(100.0, max(t + 10, t + 0.5 * (100 - t)))
        return round(lo + (hi - lo) * q, 1)
    if method == "direct":
        pts = float(ind["points"])
        return min(pts, round(pts * (0.6 + 0.4 * q), 1))
    if method == "completion":  # numeric target (the column case is handled by the caller)
        t = float(ind["target"])
        nd = 2 if ind.get("unit") == "‰" else 1
        if ind.get("direction") == "lower":
            return round((t + 2.5) - 7.0 * q, nd)       # 9.5 .. 16.5 for target 14
        return round((t - 2.5) + 7.0 * q, nd)
    if method == "count_deduct":
        p0 = 0.68 + 0.3 * q
        r = rng.random()
        return 0 if r < p0 else 1 if r < p0 + (1 - p0) * 0.7 else 2
    return round(60 + 40 * q, 1)


def dept_columns(plan: Plan, dept: str) -> dict[tuple[str, str], int]:
    """(indicator id, "actual"|"target") -> 1-based column in a department return."""
    cols: dict[tuple[str, str], int] = {}
    col = 3
    for ind in plan.col_order[dept]:
        cols[(ind["id"], "actual")] = col
        col += 1
        if ind.get("target") == "column":
            cols[(ind["id"], "target")] = col
            col += 1
    return cols


def _pick_ind(plan: Plan, pred, prefer: str | None, exclude: set[str]) -> dict | None:
    cands = [i for i in plan.indicators if pred(i) and i["source"] not in exclude]
    for i in cands:
        if i["source"] == prefer:
            return i
    return cands[0] if cands else None


def _plan_mess(plan: Plan) -> None:
    """Place the messy-but-valid cells (positions depend only on the config)."""
    n = len(plan.units)
    names = [u["name"] for u in plan.units]
    exclude = {SHUFFLED_DEPT}
    data_row = {name: 5 + k for k, name in enumerate(names)}  # non-shuffled departments

    def col_of(dept: str, ind_id: str, part: str) -> int:
        return dept_columns(plan, dept)[(ind_id, part)]

    def add(dept, unit, colkey, stored, what, means, ind_id=None):
        col = 2 if colkey == "name" else col_of(dept, ind_id, colkey)
        plan.overrides[(dept, unit, colkey if colkey == "name" else (ind_id, colkey))] = stored
        plan.mess.append({
            "file": dept_file(plan.year, dept),
            "sheet": "指标数据",
            "cell": f"{get_column_letter(col)}{data_row[unit]}",
            "what": what,
            "unit": unit,
            "indicator": ind_id,
            "part": None if colkey == "name" else colkey,   # 完成值 "actual" / 目标值 "target"
            "value": stored,
            "means": means,
        })

    def mess_dept(prefer: str) -> str | None:
        avail = [d for d in plan.depts if d not in exclude]
        return prefer if prefer in avail else (avail[0] if avail else None)

    # 1. a unit written by its alias
    aliased = next((u for u in plan.units if u.get("aliases")), None)
    d = mess_dept("农业农村局")
    if aliased and d:
        add(d, aliased["name"], "name", aliased["aliases"][0], "单位名称写作简称（别名）", aliased["name"])
    # 2. a unit name with a stray trailing space
    d = mess_dept("应急管理局")
    if d and n:
        u = names[3 % n]
        add(d, u, "name", u + " ", "单位名称末尾多一个空格", u)
    # 3. numbers stored as text in 万元 columns
    wan = lambda i: i.get("unit") == "万元" and i.get("target") == "column"  # noqa: E731
    ind = _pick_ind(plan, wan, REORDERED_DEPT, exclude)
    if ind and n:
        u = names[5 % n]
        v = plan.values[(u, ind["id"])]["actual"]
        add(ind["source"], u, "actual", f"{v:,.1f}", "数值以文本存储且带千位分隔符", v, ind["id"])
    ind2 = _pick_ind(plan, lambda i: wan(i) and (ind is None or i["source"] != ind["source"]), "统计局", exclude)
    if ind2 and n:
        u = names[2 % n]
        v = plan.values[(u, ind2["id"])]["target"]
        add(ind2["source"], u, "target", f"{v:.0f}", "数值以文本存储", v, ind2["id"])
    # 4. a percentage string in a % column
    ind = _pick_ind(plan, lambda i: i.get("unit") == "%" and i.get("method") == "step", "信访局", exclude)
    if ind and n:
        u = names[6 % n]
        v = plan.values[(u, ind["id"])]["actual"]
        add(ind["source"], u, "actual", f"{v:.1f}%", "百分数写成带%的文本", v, ind["id"])
    # 5. full-width digits in a % column
    ind = _pick_ind(plan, lambda i: i.get("unit") == "%" and i.get("method") == "efficacy", "统计局", exclude)
    if ind and n:
        u = names[12 % n]
        v = plan.values[(u, ind["id"])]["actual"]
        add(ind["source"], u, "actual", _fullwidth(f"{v:.1f}"), "全角数字文本", v, ind["id"])


def build_plan(config: dict, seed: int = DEFAULT_SEED, mess: bool = True) -> Plan:
    """Compute every value that will be written (deterministic in seed)."""
    master = random.Random(seed)
    r_unit, r_val, r_survey, r_adj, r_last, r_layout = (
        random.Random(master.getrandbits(64)) for _ in range(6))

    units = [dict(u) for u in config.get("units", [])]
    if not units:
        raise ValueError("config has no [[units]]")
    indicators = list(config.get("indicators", []))
    names = [u["name"] for u in units]
    star = "东关镇" if "东关镇" in names else names[min(1, len(names) - 1)]
    second = "城关镇" if "城关镇" in names and star != "城关镇" else names[0]
    if second == star and len(names) > 1:
        second = names[1] if names[0] == star else names[0]
    plan = Plan(config=config, year=int(config.get("assessment", {}).get("year", 2025)),
                units=units, indicators=indicators, depts=_depts(indicators),
                star=star, second=second)

    # latent strength per unit
    strength: dict[str, float] = {}
    for u in units:
        s = r_unit.uniform(0.05, 0.75)
        strength[u["name"]] = 0.97 if u["name"] == star else 0.88 if u["name"] == second else s
    # size per unit (drives targets): plain townships are bigger
    groups = []
    for u in units:
        if u.get("group") and u["group"] not in groups:
            groups.append(u["group"])
    size: dict[str, float] = {}
    for u in units:
        small = len(groups) > 1 and u.get("group") == groups[-1]
        sz = r_unit.uniform(0.0, 0.5) if small else r_unit.uniform(0.4, 1.0)
        if u["name"] in (star, second):
            sz = r_unit.uniform(0.8, 1.0)
        size[u["name"]] = sz

    # indicator values
    quality: dict[str, list[float]] = {n: [] for n in names}
    for u in units:
        name = u["name"]
        for ind in indicators:
            if name == star and ind["source"] == VETO_DEPT and ind.get("method") != "count_deduct":
                q = r_val.uniform(0.3, 0.5)   # the department that had the accident scores it lower
            elif name == star:
                q = r_val.uniform(0.92, 1.0)
            elif name == second:
                q = r_val.uniform(0.62, 0.86)
            else:
                q = _clamp(0.6 * strength[name] + 0.4 * r_val.random())
            quality[name].append(q)
            if ind.get("method") == "completion" and ind.get("target") == "column":
                sz = size[name] if ind.get("unit") != "亩" else _clamp(size[name] + r_val.uniform(-0.2, 0.2))
                target = _target_range(ind, sz)
                ratio = _clamp(0.82 + 0.43 * q + r_val.uniform(-0.02, 0.02), 0.82, 1.25)
                actual = target * ratio
                actual = round(actual) if ind.get("unit") == "亩" else round(actual, 1)
                plan.values[(name, ind["id"])] = {"actual": _int_if_whole(actual), "target": int(target)}
            else:
                plan.values[(name, ind["id"])] = {"actual": _value(ind, q, r_val), "target": None}

    # count indicators: the vetoed unit had its accident; one weak unit has 3
    counts = [i for i in indicators if i.get("method") == "count_deduct"]
    acc = next((i for i in counts if i["source"] == VETO_DEPT), counts[0] if counts else None)
    if acc is not None:
        plan.values[(star, acc["id"])]["actual"] = max(1, plan.values[(star, acc["id"])]["actual"])
        plan.remarks[(acc["source"], star)] = "发生较大生产安全事故1起"
    if counts and len(names) > 2:
        weak = sorted((n for n in names if n not in (star, second)), key=lambda n: strength[n])[0]
        plan.values[(weak, counts[-1]["id"])]["actual"] = 3

    # layout per department
    for dept in plan.depts:
        inds = [i for i in indicators if i["source"] == dept]
        if dept == REORDERED_DEPT:
            inds = sorted(inds, key=lambda i: 0 if i.get("method") == "direct" else 1)
        plan.col_order[dept] = inds
        order = list(names)
        if dept == SHUFFLED_DEPT:
            r_layout.shuffle(order)
        plan.row_order[dept] = order

    # survey tallies
    survey = config.get("survey", {})
    rounds = list(survey.get("rounds", {}) or {"年终": 1.0})
    cats = list(survey.get("categories", []) or ["群众"])
    for u in units:
        name = u["name"]
        if name == star:
            qs = r_survey.uniform(0.93, 0.99)
        elif name == second:
            qs = r_survey.uniform(0.74, 0.86)
        else:
            qs = _clamp(0.5 * strength[name] + 0.5 * r_survey.random())
        quality[name].append(qs)
        for rnd in rounds:
            for cat in cats:
                for question in SURVEY_QUESTIONS:
                    plan.survey.append((name, rnd, cat, question, *_tally(qs, r_survey)))

    # adjustments
    kinds = config.get("adjustments", [])
    bonus = next((k["name"] for k in kinds if k.get("sign") == "bonus"), None)
    deduct = next((k["name"] for k in kinds if k.get("sign") == "deduction"), None)
    if bonus:
        plan.adjustments.append((second, bonus, 2, BONUS_REASONS[0][0], BONUS_REASONS[0][1]))
        plan.adjustments.append((second, bonus, 2, BONUS_REASONS[-1][0], BONUS_REASONS[-1][1]))
        plan.adjustments.append((star, bonus, 2, BONUS_REASONS[4][0], BONUS_REASONS[4][1]))
    others = [n for n in names if n not in (star, second)]
    picked = r_adj.sample(others, min(8, len(others)))
    bonus_pool = [r for r in BONUS_REASONS[1:-1] if r != BONUS_REASONS[4]]
    deduct_pool = list(DEDUCTION_REASONS)
    r_adj.shuffle(bonus_pool)
    r_adj.shuffle(deduct_pool)
    for k, name in enumerate(picked):
        use_bonus = (k % 2 == 0 and bonus) or not deduct
        kind = bonus if use_bonus else deduct
        if kind is None:
            break
        pool = bonus_pool if use_bonus else deduct_pool
        reason, dept = pool[k // 2 % len(pool)]
        pts = r_adj.choice([0.5, 1, 1.5, 2])
        plan.adjustments.append((name, kind, pts, reason, dept))

    # veto
    plan.vetoes.append((star, "安全生产", VETO_DEPT, "发生较大生产安全事故，造成3人死亡"))

    # last year's results: correlated with this year's strength, some units lower then
    proxy = {n: 0.6 * sum(quality[n][:-1]) / max(1, len(quality[n]) - 1) + 0.4 * quality[n][-1]
             for n in names}
    this_rank = {n: k for k, n in enumerate(sorted(names, key=lambda n: -proxy[n]), start=1)}
    movable = [n for n in names if 4 <= this_rank[n] < len(names)]
    movers = set(r_last.sample(movable, min(len(movable), max(3, len(names) // 5))))
    key = {n: this_rank[n] + r_last.uniform(-1.2, 1.2) + (r_last.uniform(3, 6) if n in movers else 0)
           for n in names}
    order = sorted(names, key=lambda n: (key[n], names.index(n)))
    n = len(order)
    hi, lo = 93.1, 70.2
    totals: list[float] = []
    for k in range(n):
        base = hi - (hi - lo) * k / max(1, n - 1)
        jitter = r_last.uniform(-0.3, 0.3) if 0 < k < n - 1 else 0.0
        t = round(base + jitter, 2)
        if totals and t >= totals[-1]:
            t = round(totals[-1] - 0.01, 2)
        totals.append(t)
    grades = config.get("grades", [])
    plan.last_year = [(k + 1, name, totals[k], _grade(totals[k], grades)) for k, name in enumerate(order)]

    if mess:
        _plan_mess(plan)
    return plan


def _tally(q: float, rng: random.Random) -> tuple[int, int, int, int]:
    """满意/基本满意/不满意/不了解 counts for one (category, question)."""
    n = rng.randint(20, 60)
    for _ in range(200):
        sat_p = 0.50 + 0.30 * _clamp(q + rng.gauss(0, 0.08))
        unk_p = rng.uniform(0, 0.08)
        dis_p = rng.uniform(0, 0.10) * (1.2 - q) / 1.2
        sat, unk, dis = round(n * sat_p), int(n * unk_p), int(n * dis_p)
        basic = n - sat - unk - dis
        if 0.5 * n <= sat <= 0.8 * n and 0.10 * n <= basic <= 0.35 * n:
            return sat, basic, dis, unk
    sat = round(n * 0.65)
    return sat, n - sat, 0, 0


# ----------------------------------------------------------------------------- writing

def _new_workbook(title: str) -> tuple[Workbook, Any]:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    p = wb.properties
    p.creator = CREATOR
    p.lastModifiedBy = CREATOR
    p.created = FIXED_TIME
    p.modified = FIXED_TIME
    return wb, ws


def _save(wb: Workbook, path: Path) -> None:
    """Save with pinned core-properties dates and zip timestamps (reproducible bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)


def _title(ws, text: str, last_col: int, row: int = 1) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    c = ws.cell(row=row, column=1, value=text)
    c.font = _TITLE_FONT
    c.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[row].height = 32


def _header_row(ws, row: int, headers: list[str]) -> None:
    for k, h in enumerate(headers, start=1):
        c = ws.cell(row=row, column=k, value=h)
        c.font = _HEAD_FONT
        c.alignment = _CENTER
        c.border = _BORDER


def _body(ws, row: int, values: list, formats: list[str | None] | None = None) -> None:
    # Styling every cell through the descriptors is slow for big sheets: style the first
    # cell of each kind normally and copy its StyleArray to the others.
    cache = ws.__dict__.setdefault("_body_styles", {})
    for k, v in enumerate(values, start=1):
        c = ws.cell(row=row, column=k, value=v)
        align = _CENTER if k == 1 or isinstance(v, str) else _RIGHT
        fmt = formats[k - 1] if formats and not isinstance(v, str) else None
        key = (align.horizontal, fmt)
        if key in cache:
            c._style = copy.copy(cache[key])
            continue
        c.font = _BODY_FONT
        c.border = _BORDER
        c.alignment = align
        if fmt:
            c.number_format = fmt
        cache[key] = copy.copy(c._style)


def _widths(ws, widths: list[float]) -> None:
    for k, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = w


def _fmt(ind: dict, part: str) -> str:
    unit = ind.get("unit")
    if ind.get("method") == "count_deduct" or unit == "亩" or part == "target":
        return "0"
    if unit == "‰":
        return "0.00"
    if unit == "万元":
        return "#,##0.0"
    return "0.0"


def write_dept(plan: Plan, dept: str, folder: Path) -> Path:
    wb, ws = _new_workbook("指标数据")
    inds = plan.col_order[dept]
    cols: list[tuple[dict, str]] = []
    for ind in inds:
        cols.append((ind, "actual"))
        if ind.get("target") == "column":
            cols.append((ind, "target"))
    last = 2 + len(cols) + 1
    year = plan.year
    _title(ws, f"XX县{year}年度乡镇目标管理考核指标数据报表（{dept}）", last)

    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=3)
    ws.cell(row=2, column=1, value=f"填报单位：{dept}（盖章）").font = _BODY_FONT
    ws.cell(row=2, column=1).alignment = _LEFT
    dcol = max(4, last - 1)
    if dcol < last:
        ws.merge_cells(start_row=2, start_column=dcol, end_row=2, end_column=last)
    c = ws.cell(row=2, column=dcol, value=f"填报日期：{year + 1}年1月10日")
    c.font = _BODY_FONT
    c.alignment = _RIGHT

    # two-row header
    for r in (3, 4):
        for k in range(1, last + 1):
            cell = ws.cell(row=r, column=k)
            cell.border = _BORDER
            cell.font = _HEAD_FONT
            cell.alignment = _CENTER
    for col, text in ((1, "序号"), (2, "乡镇名称"), (last, "备注")):
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        ws.cell(row=3, column=col, value=text)
    col = 3
    for ind in inds:
        label = f"{ind['name']}（{ind['unit']}）"
        ws.cell(row=3, column=col, value=label)
        ws.cell(row=4, column=col, value="完成值")
        if ind.get("target") == "column":
            ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + 1)
            ws.cell(row=4, column=col + 1, value="目标值")
            col += 2
        else:
            col += 1
    ws.row_dimensions[3].height = 45
    ws.row_dimensions[4].height = 20

    formats = [None, None] + [_fmt(ind, part) for ind, part in cols] + [None]
    order = plan.row_order[dept]
    for k, name in enumerate(order, start=1):
        row = [k, plan.overrides.get((dept, name, "name"), name)]
        for ind, part in cols:
            raw = plan.values[(name, ind["id"])][part]
            row.append(plan.overrides.get((dept, name, (ind["id"], part)), raw))
        row.append(plan.remarks.get((dept, name)))
        _body(ws, 4 + k, row, formats)

    first, end = 5, 4 + len(order)
    total_row = end + 1
    row = [None, "合计"]
    for j in range(len(cols)):
        L = get_column_letter(3 + j)
        row.append(f"=SUM({L}{first}:{L}{end})")
    row.append(None)
    _body(ws, total_row, row, formats)

    notes = total_row + 1
    ws.merge_cells(start_row=notes, start_column=1, end_row=notes, end_column=last)
    c = ws.cell(row=notes, column=1, value=f"备注：1.数据截至{year}年12月31日；2.增长率按可比价计算。")
    c.font = _BODY_FONT
    c.alignment = _LEFT
    foot = notes + 1
    ws.merge_cells(start_row=foot, start_column=1, end_row=foot, end_column=last)
    c = ws.cell(row=foot, column=1,
                value="填表人：张敏        审核人：刘建国        联系电话：0371-62381516")
    c.font = _BODY_FONT
    c.alignment = _LEFT

    widths = [6, 12]
    for ind, part in cols:
        widths.append(12 if ind.get("target") == "column" else 15)
    widths.append(16)
    _widths(ws, widths)
    ws.freeze_panes = "C5"
    path = folder / dept_file(year, dept)
    _save(wb, path)
    return path


def write_survey(plan: Plan, folder: Path) -> Path:
    wb, ws = _new_workbook("评议统计")
    headers = ["序号", "乡镇名称", "评议轮次", "评议群体", "评议题目", *SURVEY_COLUMNS]
    _title(ws, f"XX县{plan.year}年度乡镇公众评议结果统计表", len(headers))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    c = ws.cell(row=2, column=1, value=f"统计单位：县考核办   统计时间：{plan.year + 1}年1月12日")
    c.font = _BODY_FONT
    c.alignment = _LEFT
    _header_row(ws, 3, headers)
    for k, rec in enumerate(plan.survey, start=1):
        _body(ws, 3 + k, [k, *rec])
    _widths(ws, [7, 12, 10, 11, 32, 8, 10, 8, 8])
    ws.freeze_panes = "A4"
    path = folder / survey_file(plan.year)
    _save(wb, path)
    return path


def write_adjustments(plan: Plan, folder: Path) -> Path:
    wb, ws = _new_workbook("加减分登记")
    headers = ["序号", "乡镇名称", "加减分类别", "分值", "事由", "认定部门"]
    _title(ws, f"XX县{plan.year}年度乡镇目标管理考核加减分登记表", len(headers))
    _header_row(ws, 2, headers)
    for k, (unit, kind, pts, reason, dept) in enumerate(plan.adjustments, start=1):
        _body(ws, 2 + k, [k, unit, kind, pts, reason, dept], [None, None, None, "0.0", None, None])
    _widths(ws, [7, 12, 14, 8, 38, 14])
    path = folder / adjustment_file(plan.year)
    _save(wb, path)
    return path


def write_vetoes(plan: Plan, folder: Path) -> Path:
    wb, ws = _new_workbook("一票否决")
    headers = ["序号", "乡镇名称", "否决事项", "认定部门", "否决原因"]
    _title(ws, f"XX县{plan.year}年度乡镇目标管理考核一票否决事项登记表", len(headers))
    _header_row(ws, 2, headers)
    for k, rec in enumerate(plan.vetoes, start=1):
        _body(ws, 2 + k, [k, *rec])
    _widths(ws, [7, 12, 12, 14, 40])
    path = folder / veto_file(plan.year)
    _save(wb, path)
    return path


def write_last_year(plan: Plan, folder: Path) -> Path:
    wb, ws = _new_workbook(f"{plan.year - 1}年度结果")
    headers = ["名次", "乡镇名称", "总分", "等次"]
    _title(ws, f"XX县{plan.year - 1}年度乡镇目标管理绩效考核结果", len(headers))
    _header_row(ws, 2, headers)
    for k, rec in enumerate(plan.last_year, start=1):
        _body(ws, 2 + k, list(rec), [None, None, "0.00", None])
    _widths(ws, [8, 14, 10, 8])
    path = folder / last_year_file(plan.year)
    _save(wb, path)
    return path


# ----------------------------------------------------------------------------- entry points

def growth_file(year: int, dept: str) -> str:
    return f"{dept}/{year}年度乡镇综合指数基础数据（{dept}）.xlsx"


def write_growth(plan: Plan, seed: int, folder: Path) -> list[Path]:
    """综合指数 base data: per item this year's and last year's values (a return per source department).

    Drawn from its own random stream so that adding a composite index leaves every other value unchanged.
    """
    items = [it for c in plan.config.get("components", []) if c.get("kind") == "growth_index"
             for it in c.get("items", [])]
    rng = random.Random(seed * 7919 + 17)
    paths = []
    for dept in dict.fromkeys(it["source"] for it in items):
        mine = [it for it in items if it["source"] == dept]
        wb, ws = _new_workbook("综合指数")
        last = 2 + 2 * len(mine)
        _title(ws, f"XX县{plan.year}年度乡镇综合指数基础数据（{dept}）", last)
        ws.cell(row=2, column=1, value=f"填报单位：{dept}（盖章）").font = _BODY_FONT
        for col, text in ((1, "序号"), (2, "乡镇名称")):
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
            ws.cell(row=3, column=col, value=text)
        for k, it in enumerate(mine):
            col = 3 + 2 * k
            ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + 1)
            ws.cell(row=3, column=col, value=f"{it['name']}（{it.get('unit', '')}）")
            ws.cell(row=4, column=col, value="本年值")
            ws.cell(row=4, column=col + 1, value="上年值")
        for r in (3, 4):
            for k in range(1, last + 1):
                c = ws.cell(row=r, column=k)
                c.border, c.font, c.alignment = _BORDER, _HEAD_FONT, _CENTER
        for n, u in enumerate(plan.units, start=1):
            row = [n, u["name"]]
            for it in mine:
                if it.get("direction") == "lower":  # e.g. energy per GDP: 0.35–0.90, change −10% … +3%
                    before = round(rng.uniform(0.35, 0.90), 3)
                    now = round(before * rng.uniform(0.90, 1.03), 3)
                else:  # e.g. GDP in 亿元: 15–80, growth 1% … 12%
                    before = round(rng.uniform(15, 80), 2)
                    now = round(before * rng.uniform(1.01, 1.12), 2)
                row += [now, before]
            _body(ws, 4 + n, row, [None, None] + ["0.000" if it.get("direction") == "lower" else "0.00"
                                                  for it in mine for _ in (0, 1)])
        foot = 5 + len(plan.units)
        ws.cell(row=foot, column=1, value="填表人：张敏        审核人：刘建国").font = _BODY_FONT
        _widths(ws, [6, 12] + [14] * (2 * len(mine)))
        path = folder / growth_file(plan.year, dept)
        _save(wb, path)
        paths.append(path)
    return paths


def _is_repo_root(folder: Path) -> bool:
    return folder.resolve() == REPO_ROOT or (folder / ".git").exists()


def generate(folder: Path, seed: int = DEFAULT_SEED, mess: bool = True,
             n_units: int | None = None) -> None:
    """Write FOLDER/input/ from FOLDER/config.toml (see module docstring)."""
    folder = Path(folder).resolve()
    cfg_path = folder / "config.toml"
    if n_units is not None:
        if n_units < 1:
            raise ValueError("--units must be at least 1")
        if _is_repo_root(folder):
            raise ValueError(f"refusing to rewrite the repository's config.toml ({cfg_path}); "
                             "use --units with another folder")
        src = cfg_path if cfg_path.exists() else REPO_ROOT / "config.toml"
        text = src.read_text(encoding="utf-8")
        new = rewrite_units(text, synthetic_units(tomllib.loads(text), n_units))
        folder.mkdir(parents=True, exist_ok=True)
        cfg_path.write_text(new, encoding="utf-8")
    with cfg_path.open("rb") as fh:
        config = tomllib.load(fh)
    plan = build_plan(config, seed=seed, mess=mess)
    for dept in plan.depts:
        write_dept(plan, dept, folder)
    write_survey(plan, folder)
    write_adjustments(plan, folder)
    write_vetoes(plan, folder)
    write_last_year(plan, folder)
    write_growth(plan, seed, folder / "input")
    MESS[:] = plan.mess


def _init_mess() -> None:
    try:
        with (REPO_ROOT / "config.toml").open("rb") as fh:
            MESS[:] = build_plan(tomllib.load(fh), DEFAULT_SEED, True).mess
    except Exception:  # noqa: BLE001 - the constant is a convenience only
        MESS[:] = []


_init_mess()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write realistic departmental returns into FOLDER/input/.")
    ap.add_argument("folder", type=Path, help="folder holding config.toml")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--units", type=int, default=None, help="replace the units by N synthetic townships")
    ap.add_argument("--no-mess", action="store_true", help="do not plant messy-but-valid cells")
    args = ap.parse_args(argv)
    try:
        generate(args.folder, seed=args.seed, mess=not args.no_mess, n_units=args.units)
    except (ValueError, FileNotFoundError) as exc:
        print(f"make_returns: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.folder / 'input'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
