"""Ingest stage: find the returns in `input/`, read them, and lift their tables into raw rows.

Nothing here interprets values (numbers, unit names): that is normalize's job, which knows the scheme's
aliases and rules. Ingest only says where each cell came from. Files are read, never written.
"""

from __future__ import annotations

import hashlib
import operator
import os
import stat
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from decimal import Decimal
from pathlib import Path

from ..issues import Issue
from ..numbers import control_chars
from ..progress import Progress
from ..scheme import Scheme
from . import bounded
from . import cache as reading_cache
from .parts import MAX_FILE_BYTES
from .formulas import evaluate
from ..units import UnitResolver
from .layout import TEXT_ROLES, Table, data_rows, locate_table, suggest, total_rows
from .readmap import KIND_LABELS, ROLE_LABELS, ColumnReading, SheetReading, role_label
from .reader import ReadError, Sheet, cell_name, read_workbook
from .scorecard import ScoreCard, locate_scorecard
from .own_output import match_own_output
from .properties import custom_properties
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

    def __reduce__(self):  # every cell read crosses the reader's pipe: a tuple pickles in a third of the time
        return (RawCell, _raw_cell_state(self))


_raw_cell_state = operator.attrgetter(*(f.name for f in dataclass_fields(RawCell)))  # every field, in __init__'s order


@dataclass
class Row:
    """One data row of a return: the unit as written and its cells by role."""

    kind: str
    unit: RawCell
    fields: dict[str, RawCell]
    component: str = ""  # ratings rows: the component they rate ("" when the sheet does not say)
    title: str = ""  # the text above the table (title, 填报单位 lines): context such as a survey round
    headers: dict[str, str] = field(default_factory=dict)  # role -> the column's header text as written
    context: dict[str, str] = field(default_factory=dict)  # role -> value the sheet gives for all rows (a kind, a round)


@dataclass
class TotalRow:
    """A 合计 / 小计 line of a return, with the unit rows it sums: checked against them in normalize."""

    kind: str
    label: RawCell
    fields: dict[str, RawCell]  # role -> the total's cell
    parts: list[Row]  # the unit rows above it that it covers


@dataclass(frozen=True)
class HeaderCell:
    """A mapped column's header as written, where it is: what it says (e.g. 党建工作（20分）) is checked against
    the scheme."""

    file: str
    sheet: str
    cell: str
    kind: str
    role: str
    text: str


@dataclass
class InputFile:
    path: str  # relative to input/
    sha256: str
    kinds: list[str] = field(default_factory=list)
    mtime: float = 0.0  # modification time (seconds since the epoch): which of two resubmitted returns is newer
    size: int = 0  # bytes: the file's reading budget grows with it (bounded.budget)


@dataclass
class IngestResult:
    files: list[InputFile] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    readings: list[SheetReading] = field(default_factory=list)  # how each file › sheet was read (the reading map)
    totals: list[TotalRow] = field(default_factory=list)  # 合计 / 小计 lines, to check against their parts
    headers: list[HeaderCell] = field(default_factory=list)  # every mapped column's header
    cached: list[str] = field(default_factory=list)  # returns unchanged since the last run: readings reused


@dataclass
class Discovered:
    returns: list[Path] = field(default_factory=list)  # regular files with a workbook suffix, to read
    issues: list[Issue] = field(default_factory=list)  # what was skipped or refused, and why


def discover(input_dir: Path, folder: Path | None = None) -> Discovered:
    """The returns under input/, recursively, in a stable order, without leaving the assessment folder.

    Office lock files (~$x.xlsx) and hidden files/folders are skipped silently: they are never returns. A link is
    followed only when it resolves inside the assessment folder (`folder`, default input/'s parent); one leading
    outside is refused by name, never opened. FIFOs, devices and sockets are skipped with a message (opening a FIFO
    would wait forever), and so is a folder named like a workbook. Other files are listed as ignored.
    """
    input_dir = Path(input_dir)
    root = Path(folder or input_dir.parent).resolve()
    found = Discovered()
    seen: set[Path] = set()

    def walk(directory: Path) -> None:
        real = directory.resolve()
        if real in seen:  # a link back to a folder already walked
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            found.issues.append(Issue("unreadable-file", file=_rel(directory), params={"reason": f"无法列出文件夹内容（{exc.strerror}）"}))
            return
        for entry in entries:
            if entry.name.startswith((".", "~$")):
                continue
            path = Path(entry.path)
            rel = _rel(path)
            if entry.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root):
                    found.issues.append(Issue("link-outside", file=rel, params={"target": str(target)}))
                    continue
            try:
                st = path.stat()
            except OSError:  # a dangling link, or a file removed meanwhile
                found.issues.append(Issue("unreadable-file", file=rel, params={"reason": "文件不存在（可能是失效的快捷方式或链接）"}))
                continue
            workbook = path.suffix.lower() in SUPPORTED
            if stat.S_ISDIR(st.st_mode):
                if workbook:
                    found.issues.append(Issue("not-a-file", file=rel, params={"what": "文件夹"}))
                else:
                    walk(path)
            elif not stat.S_ISREG(st.st_mode):
                found.issues.append(Issue("not-a-file", file=rel, params={"what": _special_kind(st.st_mode)}))
            elif workbook:
                found.returns.append(path)
            else:
                found.issues.append(Issue("ignored-file", file=rel))

    def _rel(path: Path) -> str:
        return str(path.relative_to(input_dir))

    if not input_dir.resolve().is_relative_to(root):
        found.issues.append(Issue("link-outside", file=".", params={"target": str(input_dir.resolve())}))
        return found
    walk(input_dir)
    return found


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "命名管道"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"


# MAX_FILE_BYTES (parts.py): larger than any return (a 20,000-unit workbook is a few MB); beyond it a file is
# refused before it is hashed.


def _checked_file(path: Path) -> tuple[str, float, int]:
    """(sha256, mtime, size) of a regular file no larger than MAX_FILE_BYTES, read through one descriptor (no race with
    a file swapped for a FIFO or a link between the check and the read)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ReadError(f"无法打开文件（{exc.strerror}）") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ReadError("不是普通文件", "not-a-file")
        if st.st_size > MAX_FILE_BYTES:
            raise ReadError(f"文件大小 {st.st_size / (1 << 20):.0f} MB，超过上限 {MAX_FILE_BYTES >> 20} MB", "file-too-large")
        h = hashlib.sha256()
        budget = MAX_FILE_BYTES + 1
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            budget -= len(chunk)
            if budget < 0:  # grew while being read
                raise ReadError(f"文件大小超过上限 {MAX_FILE_BYTES >> 20} MB", "file-too-large")
            h.update(chunk)
        return h.hexdigest(), st.st_mtime, st.st_size


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


def _merge_origin(sheet: Sheet, r: int, c: int) -> tuple[int, int]:
    """The top-left cell of the merged range holding (r, c), or (r, c) itself (indexed: `Sheet.merge_origin`)."""
    return sheet.merge_origin(r, c)


def extract(sheet: Sheet, table: Table, rel: str, view: Sheet | None = None,
            totals: list[TotalRow] | None = None) -> tuple[list[Row], list[Issue]]:
    """The table's data rows as Rows of RawCells at their real positions in `sheet`.

    `view` is the sheet the table was located in (the transposed sheet when the units run across the top). A text
    cell merged down several rows (a survey's category over its questions) is read in each of them; numbers never
    are (a merged number would be counted twice).
    """
    view = view or sheet
    swap = table.transposed

    def raw(r: int, c: int) -> RawCell:
        return _raw(sheet, rel, c, r) if swap else _raw(sheet, rel, r, c)

    rows, issues = [], []
    headers = {role: table.headers.get(c, "") for c, role in table.columns.items()}
    for r, _ in data_rows(view, table):
        fields = {}
        for c, role in table.columns.items():
            cell = raw(r, c)
            if cell.value is None and role in TEXT_ROLES:
                cell = raw(*_merge_origin(view, r, c))
            fields[role] = cell
        unit = raw(r, table.unit_col)
        if unit.value is None:
            unit = raw(*_merge_origin(view, r, table.unit_col))
        for cell in (unit, *fields.values()):
            issues.extend(text_issues(cell))
        rows.append(Row(table.kind, unit, fields, table.component, table.title, headers, dict(table.context)))
    if totals is not None:
        totals.extend(totals_of(view, table, rows, raw))
    return rows, issues


def totals_of(view: Sheet, table: Table, rows: list[Row], raw) -> list[TotalRow]:
    """The table's 合计 lines (all unit rows above) and 小计 lines (the unit rows since the last 小计 or section
    heading), each with its cells by role."""
    if table.kind not in ("indicators", "survey"):
        return []
    position = (lambda row: row.unit.col) if table.transposed else (lambda row: row.unit.row)
    out, group_start = [], 0
    for r, what, _ in total_rows(view, table):
        if what == "section":
            group_start = r
            continue
        parts = [row for row in rows if position(row) < r and (what == "total" or position(row) > group_start)]
        if what == "subtotal":
            group_start = r
        if parts:
            out.append(TotalRow(table.kind, raw(r, table.unit_col), {role: raw(r, c) for c, role in table.columns.items()},
                                parts))
    return out


def scorecard_rows(card: ScoreCard, sheet: Sheet, rel: str) -> list[Row]:
    """A per-unit score sheet as indicator rows: one row per item, all naming the sheet's unit."""
    r0, c0 = card.unit_cell
    unit = RawCell(rel, sheet.name, r0, c0, card.unit_text)
    return [Row("indicators", unit, {ind_id: _raw(sheet, rel, r, c)}) for ind_id, (r, c) in card.scores]


def _describe(reading: SheetReading, table: Table, at, labels: dict[str, str], rows: int) -> None:
    """Fill the reading map entry of a sheet that was taken."""
    first, last = table.header_rows
    reading.kind = KIND_LABELS.get(table.kind, table.kind)
    reading.evidence = reading.evidence or table.evidence
    reading.axis, reading.units, reading.rows = table.axis, table.units_found, rows
    if not table.transposed:
        reading.header = f"第 {first} 行" if first == last else f"第 {first}–{last} 行"
    else:
        reading.header = "列 " + (at(first, 1).rstrip("0123456789") if first == last else
                                 f"{at(first, 1).rstrip('0123456789')}–{at(last, 1).rstrip('0123456789')}")
    reading.context = "；".join(f"{ROLE_LABELS.get(k, k)}：{v}" for k, v in table.context.items())
    cols = {**{c: r for c, r in table.columns.items()}, **{c: "" for c in table.unknown_columns},
            **{c: "" for c in table.ambiguous}, **{c: "" for c in table.duplicate_columns}}
    for col in sorted(cols):
        role = cols[col]
        if col in table.ambiguous:
            how = "表头可对应多个指标，未采用"
        elif col in table.duplicate_columns:
            how = f"与 {at(first, table.duplicate_columns[col])} 重复，未采用"
        elif not role:
            how = "未识别，已忽略"
        else:
            how = table.confidence.get(col, "填报模板的隐藏信息")
        reading.columns.append(ColumnReading(at(first, col), table.headers.get(col, ""),
                                             role_label(role, labels) if role else "", how))


def ingest(folder: Path, scheme: Scheme, progress: Progress | None = None) -> IngestResult:
    """Every return under input/, each read in a bounded child process (`bounded.call`), in a stable order; each
    return is a step of `progress` (pipeline/progress.py)."""
    progress = progress or Progress()
    input_dir = Path(folder) / "input"
    result = IngestResult()
    if not input_dir.is_dir():
        return result
    found = discover(input_dir, Path(folder))
    paths = found.returns
    result.issues.extend(found.issues)
    seen_hashes: dict[str, str] = {}
    context = _ReadContext(scheme)
    todo: list[tuple[Path, str, InputFile]] = []
    for path in paths:
        rel = str(path.relative_to(input_dir))
        try:
            digest, mtime, size = _checked_file(path)
        except ReadError as exc:
            result.issues.append(Issue(exc.code, file=rel, params={"reason": exc.reason}))
            continue
        if digest in seen_hashes:
            result.issues.append(Issue("duplicate-file", file=rel, params={"other": seen_hashes[digest]}))
            continue
        seen_hashes[digest] = rel
        info = InputFile(rel, digest, mtime=mtime, size=size)
        result.files.append(info)
        todo.append((path, rel, info))

    # a return unchanged since the last run (bytes, place, scheme, kaohe) is not parsed again (ingest/cache.py)
    fingerprint = hashlib.sha256(scheme.model_dump_json().encode("utf-8")).hexdigest()
    keys = [reading_cache.cache_key(t[2].sha256, t[1], fingerprint) for t in todo]

    def job(path: Path, rel: str, key: str):
        def read_and_stage():
            got = read_return(path, rel, context)
            reading_cache.stage(folder, key, got)  # pickled in the reader, beside the other reads; committed below
            return got
        return read_and_stage

    cached = [reading_cache.load(folder, k) for k in keys]
    fresh = [k for k, c in enumerate(cached) if c is None]
    if fresh:
        _preload_readers()
    budgets = [bounded.budget(context.seconds, todo[k][2].size) for k in fresh]
    progress.start("读取报表", len(todo))
    result.cached = [todo[k][1] for k, c in enumerate(cached) if c is not None]
    for rel in result.cached:
        progress.step(rel)
    try:
        got_fresh = bounded.run_all([job(*todo[k][:2], keys[k]) for k in fresh], budgets, parallel=READERS,
                                    started=lambda i: progress.step(todo[fresh[i]][1]))
    finally:
        progress.finish()
    readings = list(cached)
    for k, got in zip(fresh, got_fresh):
        readings[k] = got
        if isinstance(got, FileReading):
            reading_cache.commit(folder, keys[k])
    reading_cache.prune(folder, set(keys))
    for (path, rel, info), got in zip(todo, readings):
        if isinstance(got, bounded.BoundExceeded):
            result.issues.append(Issue(got.code, file=rel, params={"reason": got.reason}))
            result.readings.append(SheetReading(rel, "", reason="未能读取"))
            continue
        if isinstance(got, BaseException):
            raise got
        info.kinds.extend(got.kinds)
        for name in ("rows", "issues", "readings", "totals", "headers"):
            getattr(result, name).extend(getattr(got, name))
    return result


# The reader libraries, imported in the parent before the children are forked: each child then inherits them
# instead of importing them again (a third of a second per file).
READER_MODULES = ("openpyxl", "openpyxl.reader.excel", "openpyxl.worksheet._reader", "python_calamine", "xlrd",
                  "xlrd.compdoc", "defusedxml.ElementTree")


def _preload_readers() -> None:
    import importlib

    for name in READER_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


# Returns read at once, each in its own bounded child: the machines this runs on have two cores or more.
READERS = 2


@dataclass
class _ReadContext:
    """What reading one return needs from the scheme, built once per run (and inherited by each child)."""

    scheme: Scheme
    indicator_names: list[str] = field(init=False)
    labels: dict[str, str] = field(init=False)
    units: UnitResolver = field(init=False)
    seconds: float = field(init=False)

    def __post_init__(self):
        self.indicator_names = [i.name for i in self.scheme.measures]
        self.labels = {i.id: i.label for i in self.scheme.measures}
        self.units = UnitResolver(self.scheme)
        self.seconds = self.scheme.ingest.file_seconds


@dataclass
class FileReading:
    """What one return gave: the kinds of table it held, its rows, issues, reading map, totals and headers."""

    kinds: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    readings: list[SheetReading] = field(default_factory=list)
    totals: list[TotalRow] = field(default_factory=list)
    headers: list[HeaderCell] = field(default_factory=list)


def read_return(path: Path, rel: str, context: _ReadContext) -> FileReading:
    """Read one return and lift its tables into rows (pure: runs in the bounded child)."""
    scheme, units, labels, indicator_names = context.scheme, context.units, context.labels, context.indicator_names
    got = FileReading()
    try:
        sheets = read_workbook(path)
    except ReadError as exc:
        got.issues.append(Issue(exc.code, file=rel, params={"reason": exc.reason}))
        return got
    # a generated template maps its cells exactly; one of kaohe's own outputs is read as what it is, or skipped
    template = (match_own_output(sheets, custom_properties(path), scheme, rel)
                or match_template(sheets, scheme, rel))
    got.issues.extend(template.issues)
    for sheet in sheets:
        reading = SheetReading(rel, sheet.name)
        got.readings.append(reading)
        if sheet.name in template.skip:
            reading.reason = template.skip[sheet.name]
            continue
        table, view, located = template.tables.get(sheet.name), sheet, None
        if table is not None:
            reading.evidence = template.evidence
        else:
            located = locate_table(sheet, scheme, rel, units)
            table = located.table
            if table is not None and table.transposed:
                view = sheet.transposed()
        card = locate_scorecard(sheet, scheme) if table is None and not located.ignored else None
        if card is not None:
            got.kinds.append("scorecard")
            got.rows.extend(scorecard_rows(card, sheet, rel))
            reading.kind, reading.rows = KIND_LABELS["scorecard"], len(card.scores)
            reading.context = f"被考核单位：{card.unit_text}"
            for text, (r, c) in card.unknown:
                got.issues.append(Issue("unknown-item", file=rel, sheet=sheet.name, cell=cell_name(r, c),
                                        params={"name": text, "hint": suggest(text.split("/")[-1], indicator_names)}))
            continue
        if table is None:
            reading.reason, reading.units = located.reason, located.units
            if located.results_year is not None:
                got.issues.append(Issue("history-other-year", file=rel, sheet=sheet.name,
                                        params={"reason": located.reason}))
            elif located.other_year is not None:
                got.issues.append(Issue("other-year-sheet", file=rel, sheet=sheet.name,
                                        params={"year": located.other_year, "this": scheme.assessment.year}))
            elif located.units:
                got.issues.append(Issue("unused-sheet", file=rel, sheet=sheet.name,
                                        params={"units": located.units, "reason": located.reason}))
            elif sheet.cells:
                code = "unrecognised-file" if len(sheets) == 1 else "unrecognised-sheet"
                got.issues.append(Issue(code, file=rel, sheet=sheet.name))
            continue
        got.kinds.append(table.kind)

        def at(r: int, c: int) -> str:
            return cell_name(c, r) if table.transposed else cell_name(r, c)

        header_row = table.header_rows[0]
        for col, text in table.unknown_columns.items():
            got.issues.append(
                Issue("unknown-column", file=rel, sheet=sheet.name, cell=at(header_row, col),
                      params={"name": text, "hint": suggest(text.split("/")[0], indicator_names)})
            )
        for col, other in table.duplicate_columns.items():
            got.issues.append(
                Issue("duplicate-column", file=rel, sheet=sheet.name, cell=at(header_row, col),
                      params={"other": at(header_row, other)})
            )
        for col, ids in table.ambiguous.items():
            got.issues.append(
                Issue("ambiguous-column", file=rel, sheet=sheet.name, cell=at(header_row, col),
                      params={"name": table.headers.get(col, ""), "candidates": "、".join(labels[i] for i in ids)})
            )
        got.headers.extend(HeaderCell(rel, sheet.name, at(header_row, c), table.kind, role, table.headers.get(c, ""))
                           for c, role in sorted(table.columns.items()))
        rows, issues = extract(sheet, table, rel, view, got.totals)
        got.rows.extend(rows)
        got.issues.extend(issues)
        _describe(reading, table, at, labels, len(rows))
    return got
