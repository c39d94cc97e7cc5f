"""Ingest stage: find the returns in `input/`, read them, and lift their tables into raw rows.

Nothing here interprets values (numbers, unit names): that is normalize's job, which knows the scheme's
aliases and rules. Ingest only says where each cell came from. Files are read, never written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

from ..issues import Issue
from ..numbers import control_chars
from ..scheme import Scheme
from .formulas import evaluate
from .layout import Table, data_rows, locate_table, suggest
from .reader import ReadError, Sheet, cell_name, read_workbook
from .scorecard import ScoreCard, locate_scorecard
from .templated import match_template

SUPPORTED = {".xlsx", ".xlsm", ".xls", ".ods"}


@dataclass(frozen=True)
class RawCell:
    file: str
    sheet: str
    row: int
    col: int
    value: object
    percent: bool = False
    formula: str | None = None
    computed: Decimal | None = None  # a formula cached as empty or 0: its value recomputed from the sheet, if simple

    @property
    def cell(self) -> str:
        return cell_name(self.row, self.col)

    @property
    def source(self) -> str:
        return f"{self.file} › {self.sheet}!{self.cell}"

    def where(self) -> dict:
        """Position fields for an Issue."""
        return {"file": self.file, "sheet": self.sheet, "cell": self.cell}


@dataclass
class Row:
    """One data row of a return: the unit as written and its cells by role."""

    kind: str
    unit: RawCell
    fields: dict[str, RawCell]
    component: str = ""  # ratings rows: the component they rate ("" when the sheet does not say)
    title: str = ""  # the text above the table (title, 填报单位 lines): context such as a survey round


@dataclass
class InputFile:
    path: str  # relative to input/
    sha256: str
    kinds: list[str] = field(default_factory=list)


@dataclass
class IngestResult:
    files: list[InputFile] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def discover(input_dir: Path) -> tuple[list[Path], list[Path]]:
    """(returns to read, files ignored) under input/, recursively, in a stable order.

    Office lock files (~$x.xlsx) and hidden files/folders are skipped silently: they are never returns.
    """
    wanted, ignored = [], []
    for path in sorted(input_dir.rglob("*")):
        rel = path.relative_to(input_dir)
        if any(part.startswith((".", "~$")) for part in rel.parts):
            continue
        if not path.is_file():
            continue
        (wanted if path.suffix.lower() in SUPPORTED else ignored).append(path)
    return wanted, ignored


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# Longer than any name, number or reason a return holds: 32,767-character cells come from other programs or
# hostile files, and are reported (messages quote only their start, see Issue.message).
MAX_CELL_TEXT = 1000


def _raw(sheet: Sheet, rel: str, r: int, c: int) -> RawCell:
    value, formula = sheet.value(r, c), sheet.formulas.get((r, c))
    computed = None
    if formula is not None and (value is None or value == 0):
        computed = evaluate(formula, sheet.cells, sheet.formulas, (r, c))
    return RawCell(rel, sheet.name, r, c, value, (r, c) in sheet.percent, formula, computed)


def text_issues(cell: RawCell) -> list[Issue]:
    """Warnings for text no person typed into a return: invisible control characters, absurd lengths."""
    value = cell.value
    if not isinstance(value, str):
        return []
    out = []
    if chars := control_chars(value):
        out.append(Issue("control-characters", params={"chars": "、".join(chars[:5])}, **cell.where()))
    if len(value) > MAX_CELL_TEXT:
        out.append(Issue("overlong-text", params={"length": len(value)}, **cell.where()))
    return out


def extract(sheet: Sheet, table: Table, rel: str) -> tuple[list[Row], list[Issue]]:
    rows, issues = [], []
    for r, _ in data_rows(sheet, table):
        fields = {role: _raw(sheet, rel, r, c) for c, role in table.columns.items()}
        unit = _raw(sheet, rel, r, table.unit_col)
        for cell in (unit, *fields.values()):
            issues.extend(text_issues(cell))
        rows.append(Row(table.kind, unit, fields, table.component, table.title))
    return rows, issues


def scorecard_rows(card: ScoreCard, sheet: Sheet, rel: str) -> list[Row]:
    """A per-unit score sheet as indicator rows: one row per item, all naming the sheet's unit."""
    r0, c0 = card.unit_cell
    unit = RawCell(rel, sheet.name, r0, c0, card.unit_text)
    return [Row("indicators", unit, {ind_id: _raw(sheet, rel, r, c)}) for ind_id, (r, c) in card.scores]


def ingest(folder: Path, scheme: Scheme, progress: Callable[[str], None] | None = None) -> IngestResult:
    input_dir = Path(folder) / "input"
    result = IngestResult()
    if not input_dir.is_dir():
        return result
    paths, ignored = discover(input_dir)
    for path in ignored:
        result.issues.append(Issue("ignored-file", file=str(path.relative_to(input_dir))))
    seen_hashes: dict[str, str] = {}
    indicator_names = [i.name for i in scheme.measures]
    for path in paths:
        rel = str(path.relative_to(input_dir))
        if progress:
            progress(rel)
        digest = _sha256(path)
        if digest in seen_hashes:
            result.issues.append(Issue("duplicate-file", file=rel, params={"other": seen_hashes[digest]}))
            continue
        seen_hashes[digest] = rel
        info = InputFile(rel, digest)
        result.files.append(info)
        try:
            sheets = read_workbook(path)
        except ReadError as exc:
            result.issues.append(Issue(exc.code, file=rel, params={"reason": exc.reason}))
            continue
        template = match_template(sheets, scheme, rel)  # a generated template maps its cells exactly
        result.issues.extend(template.issues)
        for sheet in sheets:
            if sheet.name in template.skip:
                continue
            table = template.tables.get(sheet.name) or locate_table(sheet, scheme)
            card = locate_scorecard(sheet, scheme) if table is None else None
            if card is not None:
                info.kinds.append("scorecard")
                result.rows.extend(scorecard_rows(card, sheet, rel))
                for text, (r, c) in card.unknown:
                    result.issues.append(Issue("unknown-item", file=rel, sheet=sheet.name, cell=cell_name(r, c),
                                               params={"name": text, "hint": suggest(text.split("/")[-1], indicator_names)}))
                continue
            if table is None:
                if sheet.cells:
                    code = "unrecognised-file" if len(sheets) == 1 else "unrecognised-sheet"
                    result.issues.append(Issue(code, file=rel, sheet=sheet.name))
                continue
            info.kinds.append(table.kind)
            for col, text in table.unknown_columns.items():
                result.issues.append(
                    Issue("unknown-column", file=rel, sheet=sheet.name, cell=cell_name(table.header_rows[0], col),
                          params={"name": text, "hint": suggest(text.split("/")[0], indicator_names)})
                )
            header_row = table.header_rows[0]
            for col, other in table.duplicate_columns.items():
                result.issues.append(
                    Issue("duplicate-column", file=rel, sheet=sheet.name, cell=cell_name(header_row, col),
                          params={"other": cell_name(header_row, other)})
                )
            rows, issues = extract(sheet, table, rel)
            result.rows.extend(rows)
            result.issues.extend(issues)
    return result
