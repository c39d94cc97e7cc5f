"""Golden files of the official tables: every workbook kaohe writes, described as readable JSON, and their regeneration.

In the spirit of XlsxWriter's golden-file tests, each example folder's outputs are compared with committed golden
files — but as a normalized JSON description (cell values and number formats, merged ranges, column widths, row
heights, freeze panes, print setup) read by openpyxl, an independent reader, so that a change to a table shows up as
a reviewable diff and not as changed zip bytes.

    python -m tests.golden            # run kaohe on every example, rewrite tests/golden/
    python -m tests.golden district   # only some examples

Each example is copied to a temporary folder (its input/ is never written), every file's modification time is pinned
to FIXED_MTIME (the 制表日期 is the newest input's mtime when the scheme sets no date, and a fresh clone's mtimes are
the clone's time), and the real CLI runs on the copy. tests/test_golden.py compares a fresh run with these files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
BUNDLED = "bundled"  # the repo root's example: config.toml, input/, templates/
RESULTS_JSON = "results.json"
REGENERATE = "python -m tests.golden"
# 2026-01-15 09:00 in Asia/Shanghai: every copied file gets this mtime, so the 制表日期 is 2026-01-15 on any clone.
FIXED_MTIME = dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp()
MAX_SHOWN = 20  # differences listed in a failure message


def examples() -> dict[str, Path]:
    """Every example with golden files: the bundled one and each examples/*/ folder that holds a scheme."""
    found = {BUNDLED: ROOT}
    for folder in sorted((ROOT / "examples").iterdir()):
        if folder.is_dir() and (folder / "config.toml").is_file():
            found[folder.name] = folder
    return found


def folder_name(example: str) -> str:
    """The copy's folder name (what a user would call it)."""
    return "县乡镇考核" if example == BUNDLED else example


def prepare(example: str, parent: Path) -> Path:
    """A copy of `example` (config.toml, input/, templates/) under `parent`, every mtime pinned; the folder."""
    source = examples()[example]
    folder = Path(parent) / folder_name(example)
    folder.mkdir(parents=True)
    shutil.copy2(source / "config.toml", folder / "config.toml")
    for sub in ("input", "templates"):
        if (source / sub).is_dir():
            shutil.copytree(source / sub, folder / sub)
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            os.utime(path, (FIXED_MTIME, FIXED_MTIME))
    return folder


def outputs(folder: Path) -> dict[str, Path]:
    """The compared outputs of a run: every .xlsx under output/ and results.json, by path relative to output/."""
    out = Path(folder) / "output"
    found = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and (path.suffix.lower() == ".xlsx" or rel == RESULTS_JSON):
            found[rel] = path
    return found


def golden_name(rel: str) -> str:
    """The golden file of output `rel`: 考核结果汇总表.xlsx -> 考核结果汇总表.json; results.json stays."""
    return rel if rel == RESULTS_JSON else rel[: -len(".xlsx")] + ".json"


def output_name(golden_rel: str) -> str:
    return golden_rel if golden_rel == RESULTS_JSON else golden_rel[: -len(".json")] + ".xlsx"


# ----------------------------------------------------------------------------------------------- description
def describe(path: Path) -> Any:
    """The normalized description of one output: a workbook's sheets, or results.json as parsed."""
    path = Path(path)
    if path.name == RESULTS_JSON:
        return json.loads(path.read_text(encoding="utf-8"))
    return describe_workbook(path)


def describe_workbook(path: Path) -> dict:
    """What a reader sees and prints of a workbook, sheet by sheet, as JSON-ready data (read with openpyxl)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)  # formulas as written (not cached values), styles kept
    return {"sheet_order": wb.sheetnames, "sheets": {ws.title: _sheet(ws) for ws in wb.worksheets}}


def _sheet(ws) -> dict:
    cells = [[c.coordinate, _value(c.value), c.number_format]
             for row in ws.iter_rows() for c in row if c.value is not None]
    merged = sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col, r.max_row, r.max_col))
    columns = []
    for key, dim in sorted(ws.column_dimensions.items(), key=lambda kv: (kv[1].min or 0, kv[0])):
        if dim.customWidth or dim.hidden:
            span = key if (dim.max or dim.min) == dim.min else f"{key}:{_letter(dim.max)}"
            columns.append([span, dim.width] + (["hidden"] if dim.hidden else []))
    rows = [[r, dim.ht] + (["hidden"] if dim.hidden else [])
            for r, dim in sorted(ws.row_dimensions.items()) if dim.ht is not None or dim.hidden]
    return {
        "state": ws.sheet_state,
        "freeze_panes": ws.freeze_panes,
        "merged": [str(r) for r in merged],
        "columns": columns,
        "rows": rows,
        "autofilter": ws.auto_filter.ref or None,
        "print": _print_setup(ws),
        "cells": cells,
    }


def _print_setup(ws) -> dict:
    ps, pm, po = ws.page_setup, ws.page_margins, ws.print_options
    pr = ws.sheet_properties.pageSetUpPr
    hf = ws.HeaderFooter
    setup = {
        "orientation": ps.orientation,
        "paper_size": _int(ps.paperSize),
        "fit_to_page": bool(pr.fitToPage) if pr is not None else False,
        "fit_to_width": _int(ps.fitToWidth),
        "fit_to_height": _int(ps.fitToHeight),
        "scale": _int(ps.scale),
        "title_rows": ws.print_title_rows or None,
        "title_cols": ws.print_title_cols or None,
        "area": ws.print_area or None,
        "margins": {k: getattr(pm, k) for k in ("left", "right", "top", "bottom", "header", "footer")},
        "center_horizontally": bool(po.horizontalCentered),
        "center_vertically": bool(po.verticalCentered),
        "row_breaks": [b.id for b in ws.row_breaks.brk],
        "col_breaks": [b.id for b in ws.col_breaks.brk],
    }
    for name in ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"):
        item = getattr(hf, name)
        parts = {side: getattr(item, side).text for side in ("left", "center", "right")
                 if getattr(item, side).text}
        if parts or name.startswith("odd"):
            setup[name] = parts
    if hf.differentFirst or hf.differentOddEven:
        setup["different_first"], setup["different_odd_even"] = bool(hf.differentFirst), bool(hf.differentOddEven)
    return setup


def _value(value: Any) -> Any:
    """A cell value as JSON: numbers, text and booleans as they are; dates and times tagged with their type."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return {type(value).__name__: value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"timedelta": value.total_seconds()}
    text = getattr(value, "text", None)  # ArrayFormula, DataTableFormula
    return {type(value).__name__: text if isinstance(text, str) else str(value)}


def _int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


# ----------------------------------------------------------------------------------------------- JSON text
def dumps(data: Any) -> str:
    """Readable, stable JSON: sorted keys, UTF-8 text, and one line per cell (a list of scalars stays on one line)."""
    return _dumps(data, 0) + "\n"


def _dumps(data: Any, depth: int) -> str:
    pad, inner = " " * depth, " " * (depth + 1)
    if isinstance(data, dict) and data:
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_dumps(data[k], depth + 1)}" for k in sorted(data)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(data, list) and data and not all(_flat(x) for x in data):
        return "[\n" + ",\n".join(inner + _dumps(x, depth + 1) for x in data) + "\n" + pad + "]"
    return json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False)


def _flat(x: Any) -> bool:
    """A scalar, or a small dict of scalars (a tagged date): written on one line."""
    if isinstance(x, dict):
        return len(x) <= 1 and all(not isinstance(v, (dict, list)) for v in x.values())
    return not isinstance(x, list)


def load(path: Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def as_json(data: Any) -> Any:
    """`data` as a golden file holds it (through JSON text: tuples become lists, as `dumps` writes them)."""
    return json.loads(json.dumps(data, ensure_ascii=False, allow_nan=False))


# ----------------------------------------------------------------------------------------------- comparison
def differences(name: str, golden: Any, actual: Any) -> list[str]:
    """Every difference between a golden description and a fresh one, as "workbook › sheet › cell: ..." lines."""
    golden, actual = as_json(golden), as_json(actual)
    if not (isinstance(golden, dict) and "sheets" in golden and isinstance(actual, dict)):
        return _diff(name, "", golden, actual)  # results.json
    out = []
    g_sheets, a_sheets = golden["sheets"], actual.get("sheets", {})
    if golden.get("sheet_order") != actual.get("sheet_order"):
        out.append(f"{name}: sheets golden {golden.get('sheet_order')}, now {actual.get('sheet_order')}")
    for title in [t for t in golden.get("sheet_order", []) if t in g_sheets and t in a_sheets]:
        g, a = g_sheets[title], a_sheets[title]
        where = f"{name} › {title}"
        for key in sorted((g.keys() | a.keys()) - {"cells"}):
            out += _diff(where, key, g.get(key), a.get(key))
        g_cells = {c[0]: c[1:] for c in g.get("cells", [])}
        a_cells = {c[0]: c[1:] for c in a.get("cells", [])}
        for coord in _cell_order(g_cells.keys() | a_cells.keys()):
            gv, av = g_cells.get(coord), a_cells.get(coord)
            if gv is None:
                out.append(f"{where} › {coord}: golden empty, now {_show(av[0])} (format {av[1]!r})")
            elif av is None:
                out.append(f"{where} › {coord}: golden {_show(gv[0])} (format {gv[1]!r}), now empty")
            else:
                if gv[0] != av[0] or type(gv[0]) is not type(av[0]):
                    out.append(f"{where} › {coord}: value golden {_show(gv[0])}, now {_show(av[0])}")
                if gv[1] != av[1]:
                    out.append(f"{where} › {coord}: number format golden {gv[1]!r}, now {av[1]!r}")
    return out


def _diff(where: str, path: str, golden: Any, actual: Any) -> list[str]:
    """A recursive comparison of JSON data: each differing leaf as "where › path: golden …, now …"."""
    label = f"{where} › {path}" if path else where
    if isinstance(golden, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(golden.keys() | actual.keys()):
            sub = f"{path}.{key}" if path else str(key)
            if key not in actual:
                out.append(f"{where} › {sub}: golden {_show(golden[key])}, now absent")
            elif key not in golden:
                out.append(f"{where} › {sub}: golden absent, now {_show(actual[key])}")
            else:
                out += _diff(where, sub, golden[key], actual[key])
        return out
    if isinstance(golden, list) and isinstance(actual, list) and any(
            isinstance(x, (dict, list)) for x in golden + actual):
        key = _list_key(golden, actual)
        if key:  # units, indicators, ...: matched by name, not by position
            g, a = {x[key]: x for x in golden}, {x[key]: x for x in actual}
            out = [] if list(g) == list(a) else [f"{label}: golden {key}s {_show(list(g))}, now {_show(list(a))}"]
            for name in [n for n in g if n in a]:
                out += _diff(where, f"{path}[{key}={name}]", g[name], a[name])
            return out
        out = [] if len(golden) == len(actual) else [f"{label}: golden {len(golden)} items, now {len(actual)}"]
        for k in range(min(len(golden), len(actual))):
            out += _diff(where, f"{path}[{k}]", golden[k], actual[k])
        return out
    if golden != actual or type(golden) is not type(actual):
        return [f"{label}: golden {_show(golden)}, now {_show(actual)}"]
    return []


def _list_key(*lists: list) -> str | None:
    """The field naming each item of lists of records ("unit", "id", ...), when every item has a distinct one."""
    for key in ("unit", "id", "code", "name"):
        if all(isinstance(x, dict) and isinstance(x.get(key), (str, int)) for items in lists for x in items) and all(
                len({x[key] for x in items}) == len(items) for items in lists):
            return key
    return None


def _cell_order(coords: Iterable[str]) -> list[str]:
    from openpyxl.utils.cell import coordinate_to_tuple

    return sorted(coords, key=coordinate_to_tuple)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."


def compare(example: str, folder: Path) -> dict[str, list[str]]:
    """The differences between a run's outputs in `folder` and the goldens of `example`, by output file (only
    files that differ; an output without a golden and a golden without an output are differences too)."""
    base = GOLDEN / example
    produced = {golden_name(rel): path for rel, path in outputs(folder).items()}
    goldens = {p.relative_to(base).as_posix(): p for p in sorted(base.rglob("*.json"))} if base.is_dir() else {}
    out: dict[str, list[str]] = {}
    for rel in sorted(goldens.keys() | produced.keys(), key=_file_order):
        name = output_name(rel)
        if rel not in goldens:
            found = [f"{name}: written by the run but has no golden file tests/golden/{example}/{rel}"]
        elif rel not in produced:
            found = [f"{name}: has a golden file tests/golden/{example}/{rel} but the run wrote no such output"]
        else:
            found = differences(name, load(goldens[rel]), describe(produced[rel]))
        if found:
            out[name] = found
    return out


def _file_order(rel: str) -> tuple:
    """results.json first (a changed result explains changed tables), then the main tables, then the rest."""
    main = [RESULTS_JSON, "考核结果汇总表.json", "考核结果公示表.json"]
    return (main.index(rel) if rel in main else len(main), rel)


def report(example: str, diffs: dict[str, list[str]]) -> str:
    """The failure message: differences per file, the first MAX_SHOWN of them, and how to regenerate."""
    every = [d for found in diffs.values() for d in found]
    counts = ", ".join(f"{name} {len(found)}" for name, found in diffs.items())
    shown = "\n".join(f"  {d}" for d in every[:MAX_SHOWN])
    more = f"\n  ... and {len(every) - MAX_SHOWN} more" if len(every) > MAX_SHOWN else ""
    places = "place" if len(every) == 1 else "places"
    return (f"outputs of example {example!r} differ from tests/golden/{example}/ in {len(every)} {places} "
            f"({counts}):\n{shown}{more}\n"
            f"If the change is intended, regenerate with `{REGENERATE} {example}` and review the diff of tests/golden/ "
            "before committing it.")


# ----------------------------------------------------------------------------------------------- regeneration
def run_kaohe(folder: Path) -> subprocess.CompletedProcess:
    """`python -m pipeline run FOLDER`: the real CLI in its own interpreter."""
    return subprocess.run([sys.executable, "-m", "pipeline", "run", str(folder)], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=600)


def write_goldens(example: str, folder: Path) -> list[str]:
    """Rewrite tests/golden/<example>/ from the outputs of a finished run in `folder`; the files written."""
    base = GOLDEN / example
    if base.exists():
        shutil.rmtree(base)
    written = []
    for rel, path in outputs(folder).items():
        target = base / golden_name(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dumps(describe(path)), encoding="utf-8", newline="\n")
        written.append(target.relative_to(GOLDEN).as_posix())
    return written


def regenerate(names: list[str] | None = None) -> int:
    known = examples()
    unknown = [n for n in names or [] if n not in known]
    if unknown:
        print(f"unknown examples {unknown}; known: {list(known)}", file=sys.stderr)
        return 2
    if not names and GOLDEN.is_dir():  # a full regeneration drops the goldens of an example that no longer exists
        for stale in sorted(p for p in GOLDEN.iterdir() if p.is_dir() and p.name not in known):
            shutil.rmtree(stale)
            print(f"removed tests/golden/{stale.name}/")
    for example in names or list(known):
        with tempfile.TemporaryDirectory(prefix="kaohe-golden-") as tmp:
            folder = prepare(example, Path(tmp))
            res = run_kaohe(folder)
            if res.returncode != 0:
                print(f"kaohe run on {example} exited {res.returncode}:\n{res.stdout}{res.stderr}", file=sys.stderr)
                return 1
            written = write_goldens(example, folder)
        print(f"tests/golden/{example}/: {len(written)} files")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate(sys.argv[1:]))
