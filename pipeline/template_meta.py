"""The contract between the blank return templates kaohe generates and ingest, which reads them back filled.

A generated template carries a very hidden sheet (`_kaohe_meta`) saying which sheet holds the table, its header
rows, unit column, data rows, and for every column the role it holds ("A1", "A1:target", "G1:last"…) and the
header text written over it. Ingest then maps every cell exactly instead of guessing from headers. The layout's
*signature* (a hash of exactly what mapping depends on) tells a template made from an older scheme: its
signature no longer matches the one the current scheme gives, and ingest says so and falls back to headers.

This module is pure: it builds layouts from a scheme and converts them to and from the metadata rows.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from .scheme import Scheme

META_SHEET = "_kaohe_meta"
MARKER = "kaohe-template"
FORMAT_VERSION = 1
DATA_SHEET = "指标数据"
HEADER_ROWS = (3, 4)  # 1-based: title in row 1, 填报单位/截止时间 in row 2, then a two-row header
UNIT_COL = 2  # A: 序号, B: 单位名称, then the measures' columns
FIRST_ROW = HEADER_ROWS[1] + 1


@dataclass(frozen=True)
class TemplateColumn:
    col: int  # 1-based
    role: str  # an ingest column role: "A1", "A1:target", "A1:cum", "A1:cum_target", "G1:last"
    group: str  # header over the column ("地区生产总值增长率（%）")
    label: str  # sub-label under it ("完成值", "目标值", "上年值"…)


@dataclass
class TemplateLayout:
    template_id: str  # "indicators/统计局"
    source: str
    title: str
    units: list[str]
    columns: list[TemplateColumn]
    sheet: str = DATA_SHEET
    header_rows: tuple[int, int] = HEADER_ROWS
    unit_col: int = UNIT_COL
    scheme_hash: str = ""
    year: int = 0
    applies: dict[str, set[str]] = field(default_factory=dict)  # indicator id -> units it assesses
    kind: str = "indicators"  # what ingest reads the sheet as (layout.Table.kind): indicators | adjustments | veto…
    blank_rows: int = 0  # registers: empty rows the office types entries into (units are then chosen, not pre-filled)

    @property
    def first_row(self) -> int:
        return self.header_rows[1] + 1

    @property
    def last_row(self) -> int:
        return self.first_row + (self.blank_rows or len(self.units)) - 1

    @property
    def signature(self) -> str:
        """What the cell mapping depends on; equal signatures map every cell the same way."""
        spec = [self.template_id, self.kind, self.blank_rows, self.sheet, list(self.header_rows), self.unit_col,
                self.units, [[c.col, c.role, c.group, c.label] for c in self.columns]]
        return hashlib.sha256(json.dumps(spec, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def measure_columns(measure) -> list[tuple[str, str]]:
    """(role suffix, sub-label) of the columns a measure needs, in the order a department fills them."""
    if measure.method == "growth":
        return [("", "本年值"), (":last", "上年值")]
    if measure.cumulative:
        return [(":cum", "累计完成"), (":cum_target", "累计目标")]
    if measure.target_column:
        return [("", "完成值"), (":target", "目标值")]
    return [("", "完成值")]


def measure_header(measure) -> str:
    return f"{measure.name}（{measure.unit}）" if measure.unit else measure.name


def layout_for(scheme: Scheme, source: str, scheme_hash: str = "") -> TemplateLayout:
    """The indicator-return template of one source department under this scheme."""
    group_of = {u.name: u.group for u in scheme.units}
    columns, applies = [], {}
    col = UNIT_COL + 1
    for m in (m for m in scheme.measures if m.source == source):
        applies[m.id] = {u for u in scheme.unit_names if m.applies_to(group_of[u])}
        for suffix, label in measure_columns(m):
            columns.append(TemplateColumn(col, m.id + suffix, measure_header(m), label))
            col += 1
    return TemplateLayout(f"indicators/{source}", source, scheme.assessment.title, scheme.unit_names, columns,
                          scheme_hash=scheme_hash, year=scheme.assessment.year, applies=applies)


# Registers the office keeps (kaohe templates writes them too): kind -> (file/sheet name, [(role, header)]).
# Headers are ones layout.py's header matching also reads, so a register copied into a new file still works.
REGISTERS = {
    "adjustments": ("加减分登记表", [("kind", "加减分类别"), ("value", "分值"), ("reason", "事由"),
                                   ("department", "认定部门"), ("date", "认定日期")]),
    "veto": ("一票否决登记表", [("item", "否决事项"), ("department", "认定部门"), ("reason", "否决原因"),
                              ("date", "认定日期")]),
    "corrections": ("更正申诉登记表", [("indicator", "涉及指标"), ("original", "原数值"), ("corrected", "更正后数值"),
                                    ("reason", "事由"), ("approver", "审批人"), ("date", "审批日期")]),
    "falsified": ("弄虚作假认定登记表", [("indicator", "涉及指标"), ("department", "认定部门"), ("reason", "情况说明"),
                                       ("date", "认定日期")]),
}
REGISTER_ROWS = 50
REGISTER_HEADER = (3, 3)


def register_layout(scheme: Scheme, kind: str, scheme_hash: str = "") -> TemplateLayout:
    """The office's own register (加减分 / 一票否决 / 弄虚作假): one header row, REGISTER_ROWS rows to fill."""
    name, roles = REGISTERS[kind]
    columns = [TemplateColumn(UNIT_COL + 1 + i, role, header, "") for i, (role, header) in enumerate(roles)]
    return TemplateLayout(f"register/{kind}", scheme.assessment.organizer or "考核办", scheme.assessment.title,
                          scheme.unit_names, columns, sheet=name, header_rows=REGISTER_HEADER, scheme_hash=scheme_hash,
                          year=scheme.assessment.year, kind=kind, blank_rows=REGISTER_ROWS)


def registers_for(scheme: Scheme) -> list[str]:
    """The registers this scheme uses: adjustments only when it has kinds of them; veto and 弄虚作假 always."""
    return [k for k in REGISTERS if k != "adjustments" or scheme.adjustments]


def current_layout(scheme: Scheme, template_id: str) -> TemplateLayout | None:
    """What `kaohe templates` would write today for this template id (None: the scheme no longer has it)."""
    family, _, name = template_id.partition("/")
    if family == "indicators" and name in scheme.sources:
        return layout_for(scheme, name)
    if family == "register" and name in registers_for(scheme):
        return register_layout(scheme, name)
    return None


def to_rows(layout: TemplateLayout) -> list[list]:
    """The metadata sheet's rows: key/value lines, then one line per column."""
    rows = [
        [MARKER, FORMAT_VERSION],
        ["template_id", layout.template_id],
        ["signature", layout.signature],
        ["scheme_hash", layout.scheme_hash],
        ["year", layout.year],
        ["source", layout.source],
        ["sheet", layout.sheet],
        ["header_rows", f"{layout.header_rows[0]}-{layout.header_rows[1]}"],
        ["unit_col", layout.unit_col],
        ["units", json.dumps(layout.units, ensure_ascii=False)],
        ["kind", layout.kind],
        ["blank_rows", layout.blank_rows],
        ["columns", len(layout.columns)],
    ]
    rows += [[c.col, c.role, c.group, c.label] for c in layout.columns]
    return rows


class MetaError(ValueError):
    """The metadata sheet is present but damaged (edited, truncated): ingest falls back to headers."""


def from_cells(cells: dict[tuple[int, int], object]) -> TemplateLayout:
    """Parse the metadata sheet's cells ((row, col) -> value) back into a layout; MetaError if damaged."""
    def at(r: int, c: int):
        return cells.get((r, c))

    if at(1, 1) != MARKER:
        raise MetaError("marker")
    values: dict[str, object] = {}
    r = 2
    while at(r, 1) is not None and at(r, 1) != "columns":
        values[str(at(r, 1))] = at(r, 2)
        r += 1
    try:
        n = int(at(r, 2))
        columns = [TemplateColumn(int(at(r + 1 + i, 1)), str(at(r + 1 + i, 2)), str(at(r + 1 + i, 3) or ""),
                                  str(at(r + 1 + i, 4) or "")) for i in range(n)]  # "" is stored as a blank cell
        first, last = (int(x) for x in re.fullmatch(r"(\d+)-(\d+)", str(values["header_rows"])).groups())
        layout = TemplateLayout(str(values["template_id"]), str(values["source"]), "", list(json.loads(
            str(values["units"]))), columns, str(values["sheet"]), (first, last), int(values["unit_col"]),
            str(values.get("scheme_hash") or ""), int(values.get("year") or 0), kind=str(values.get("kind") or "indicators"),
            blank_rows=int(values.get("blank_rows") or 0))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MetaError(type(exc).__name__) from None
    if layout.signature != values.get("signature"):
        raise MetaError("signature")  # edited by hand: trust nothing in it
    return layout
