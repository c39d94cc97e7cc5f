"""Returns filled in on a template kaohe generated: map every cell from its hidden metadata, or say why not.

The metadata (pipeline/template_meta.py) is trusted only when it still describes the sheet and the scheme:
its signature equals the one the current scheme gives for that department, the header and unit cells read
what the template wrote, and no unit row was added below the table. Otherwise the return is read by its
headers like any hand-made file, with a warning that says which check failed, so nothing is lost silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..issues import Issue
from ..numbers import normalize_text
from ..scheme import Scheme
from ..template_meta import META_SHEET, MetaError, TemplateLayout, current_layout, from_cells
from .layout import SKIP_ROW, Table
from .reader import Sheet, cell_name

GUIDE_SHEETS = {"填报说明"}  # the template's own instructions sheet: never data


@dataclass
class TemplateMatch:
    """What a workbook's own metadata says (a template's, or the mark of kaohe's outputs): tables by sheet name,
    sheets to skip with the reason, issues, and the evidence the reading map shows for the tables."""

    tables: dict[str, Table] = field(default_factory=dict)
    skip: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    evidence: str = "填报模板的隐藏信息"


def _changes(old: TemplateLayout, new: TemplateLayout | None, scheme: Scheme) -> str:
    if new is None:
        return f"方案中已没有“{old.sheet if old.blank_rows else old.source}”"
    labels = {m.id: m.label for m in scheme.measures}
    old_ids = list(dict.fromkeys(c.role.partition(":")[0] for c in old.columns))
    new_ids = list(dict.fromkeys(c.role.partition(":")[0] for c in new.columns))
    parts = []
    if added := [labels.get(i, i) for i in new_ids if i not in old_ids]:
        parts.append("方案新增指标：" + "、".join(added))
    if removed := [i for i in old_ids if i not in new_ids]:
        parts.append("模板中的指标已不在方案中：" + "、".join(removed))
    if old.units != new.units:
        parts.append("单位名单有变化")
    return "；".join(parts) or "指标名称、计量单位或填报列有变化"


def _check_cells(sheet: Sheet, layout: TemplateLayout) -> tuple[int, int] | None:
    """The first cell that no longer reads what the template wrote, or None when the sheet is as generated."""
    filled = sheet.filled()
    h0, h1 = layout.header_rows
    group_start = {}
    for c in layout.columns:
        group_start.setdefault(c.group, c.col)
        for r, expected in ((h0, c.group), (h1, c.label)) if h1 > h0 else ((h0, c.group),):
            seen = normalize_text(filled.value(r, c.col) or "")
            if r == h0 and not seen and c.col != group_start[c.group]:
                continue  # a merged group header read back without its merge (.ods through calamine)
            if seen != normalize_text(expected):
                return r, c.col
    for n, unit in enumerate([] if layout.blank_rows else layout.units):  # pre-filled units are locked
        r = layout.first_row + n
        if normalize_text(sheet.value(r, layout.unit_col) or "") != normalize_text(unit):
            return r, layout.unit_col
    for r in range(layout.last_row + 1, sheet.max_row + 1):  # a unit row added below the table
        v = sheet.value(r, layout.unit_col)
        if v is not None and normalize_text(v) and not SKIP_ROW.match(normalize_text(v)):
            return r, layout.unit_col
    return None


def match_template(sheets: list[Sheet], scheme: Scheme, rel: str) -> TemplateMatch:
    match = TemplateMatch()
    meta = next((s for s in sheets if s.name == META_SHEET), None)
    if meta is None:
        return match
    match.skip = {s.name: "填报模板的说明页" for s in sheets if s.name == META_SHEET or s.name in GUIDE_SHEETS}
    try:
        layout = from_cells(meta.cells)
    except MetaError:
        match.issues.append(Issue("template-damaged", file=rel, sheet=META_SHEET))
        return match
    if layout.year == scheme.assessment.year - 1:
        return match  # last year's return on last year's template: its title says so, headers are read as such
    current = current_layout(scheme, layout.template_id)
    if layout.year != scheme.assessment.year or current is None or current.signature != layout.signature:
        detail = (f"模板为 {layout.year} 年度方案生成" if layout.year != scheme.assessment.year
                  else _changes(layout, current, scheme))
        match.issues.append(Issue("template-stale", file=rel, sheet=layout.sheet, params={"detail": detail}))
        return match
    sheet = next((s for s in sheets if s.name == layout.sheet), None)
    bad = (1, 1) if sheet is None else _check_cells(sheet, layout)
    if bad is not None:
        match.issues.append(Issue("template-altered", file=rel, sheet=layout.sheet,
                                  cell=cell_name(*bad) if sheet is not None else ""))
        return match
    match.tables[layout.sheet] = Table(layout.kind, layout.header_rows, layout.unit_col,
                                       {c.col: c.role for c in layout.columns}, title=layout.template_id,
                                       last_row=layout.last_row)
    return match
