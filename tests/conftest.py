"""Shared fixtures: a fresh copy of the bundled example folder, and a way to run the real CLI on it."""

from __future__ import annotations

import faulthandler
import functools
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORACLES = ROOT.parent / "shared" / "oracles"


def copy_bundled(parent: Path) -> Path:
    """A copy of the bundled county example (config.toml, input/, templates/) in `parent`/县乡镇考核."""
    folder = parent / "县乡镇考核"
    folder.mkdir()
    shutil.copy2(ROOT / "config.toml", folder / "config.toml")
    shutil.copytree(ROOT / "input", folder / "input")
    shutil.copytree(ROOT / "templates", folder / "templates")
    return folder


@pytest.fixture
def example(tmp_path) -> Path:
    """A copy of the bundled county example to run and to damage."""
    return copy_bundled(tmp_path)


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One real `kaohe run` of the bundled example, shared by the tests that only read its outputs (never modify it)."""
    folder = copy_bundled(tmp_path_factory.mktemp("bundled"))
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    return folder, res


def kaohe(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `kaohe ARGS` as a user would, capturing its Chinese output, exit code and anything that escapes it.

    The command runs in a forked copy of this test process (which has already imported kaohe's dependencies), through
    the same entry point as `python -m pipeline`: its own stdin, stdout and stderr, working folder, signal handlers and
    exit code. Only the interpreter's start-up (about 1.5 s of imports, paid ~150 times by the suite) is skipped, and,
    as in a process that has run before, the modules a run imports lazily and its template caches are loaded
    (`_warm_up`, another 1.5 s a run); the tests of start-up itself (Ctrl-C while importing, the crash log of a real
    subprocess) and the reruns of tests/test_reproducible.py start a real interpreter, which does all of it cold.
    """
    _warm_up()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child reports through its exit code and output files
            code = 1
            try:
                code = _child_main(args, cwd or ROOT, out.fileno(), err.fileno())
            finally:
                os._exit(code)
        deadline = time.monotonic() + timeout
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise subprocess.TimeoutExpired(["kaohe", *map(str, args)], timeout)
            time.sleep(0.01)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(["kaohe", *map(str, args)], os.waitstatus_to_exitcode(status),
                                           out.read().decode("utf-8"), err.read().decode("utf-8"))


@functools.cache
def _warm_up() -> None:
    """Once per test process: one in-process run of the bundled example, so every forked `kaohe` inherits kaohe's
    lazily imported modules (the renderers and their libraries) and filled template caches."""
    from pipeline.run import run_assessment

    with tempfile.TemporaryDirectory() as d:
        assert run_assessment(copy_bundled(Path(d))).exit_code == 0


def _child_main(args, cwd: Path, out_fd: int, err_fd: int) -> int:
    """In the forked child: the process state `python -m pipeline ARGS` would start with, then its entry point."""
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    os.chdir(cwd)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGALRM):
        signal.signal(sig, signal.SIG_IGN if sig == signal.SIGPIPE else signal.SIG_DFL)
    if faulthandler.is_enabled():
        faulthandler.disable()
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace",
                                  write_through=True)
    sys.argv = [str(ROOT / "pipeline" / "__main__.py"), *map(str, args)]
    from pipeline.entry import main

    try:
        main()
        return 0
    except SystemExit as exc:  # as the interpreter turns sys.exit's argument into the exit status
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except BaseException:  # what would reach the user: the interpreter's traceback on stderr, exit 1
        traceback.print_exc()
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


@pytest.fixture
def oracles() -> Path:
    if not ORACLES.is_dir():
        pytest.skip(f"独立参考结果目录 {ORACLES} 不存在（用户的新克隆中没有 ../shared/oracles/）")
    return ORACLES


def header_text(value):
    """A header cell as read: kaohe breaks a long header before its bracket (发展指数\n（权重10%）); the words are
    the same."""
    return value.replace("\n", "") if isinstance(value, str) else value


def assert_official_print(ws, orientation: str, title_rows: str, freeze: str) -> None:
    """What render.xlsx_base.print_table promises every official table: A4, page-number footer, the title and header
    rows on every page, and either one page wide or — when that would print below 9 pt — column groups at ≥ 82 %
    repeating the columns that name the row."""
    assert ws.page_setup.orientation == orientation
    assert int(ws.page_setup.paperSize) == 9
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        assert ws.page_setup.fitToWidth in (None, 1, "1")  # OOXML default is 1; xlsxwriter omits the default
        assert int(ws.page_setup.fitToHeight) == 0
    else:
        assert int(ws.page_setup.scale) >= 82
        if ws.col_breaks.brk:  # in column groups, each repeating the columns that name the row
            assert ws.print_title_cols and "按列分页打印" in ws.oddHeader.center.text
    assert ws.print_title_rows.replace("$", "") == title_rows
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    assert ws.freeze_panes == freeze


def load_module(path: Path, name: str):
    """Import a script (an example's make_inputs.py) by path, as its tests do."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def workbook_cells(path: Path) -> dict:
    """Every sheet's non-empty cells (value and number format) and merged ranges: what a person sees."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return {ws.title: ({c.coordinate: (c.value, c.number_format) for row in ws.iter_rows() for c in row
                        if c.value is not None}, sorted(str(r) for r in ws.merged_cells.ranges))
            for ws in wb.worksheets}


def with_file_replaced(base, fresh, rel):
    """`base` (an IngestResult of the bundled example) with file `rel` as `fresh` read it: every part of the result
    (files, rows, issues, reading map, totals, headers), in the file order of a full ingest.

    Tests that rewrite one return read only that file afresh and reuse one reading of the others.
    """
    from pipeline.ingest import IngestResult

    rel = str(rel)
    order = {f.path: k for k, f in enumerate(base.files)}
    new = {f.path: f for f in fresh.files}
    return IngestResult(
        files=[new.get(f.path, f) for f in base.files if f.path != rel or f.path in new],
        rows=sorted([r for r in base.rows if r.unit.file != rel] + fresh.rows,
                    key=lambda r: order.get(r.unit.file, len(order))),  # stable: rows keep their order in a file
        issues=[i for i in base.issues if i.file != rel] + fresh.issues,
        readings=[r for r in base.readings if r.file != rel] + fresh.readings,
        totals=[t for t in base.totals if t.label.file != rel] + fresh.totals,
        headers=[h for h in base.headers if h.file != rel] + fresh.headers,
    )


# The files that take longest, started first: with `--dist loadfile` each file runs on one worker, so a long file
# scheduled last leaves the other worker idle at the end (23 s of a 285 s run before this ordering).
LONGEST_FIRST = ["test_publish.py", "test_fuzz.py", "test_layout_corpus.py", "test_real_clients.py",
                 "test_reproducible.py", "test_guarantees.py", "test_formats.py", "test_properties.py",
                 "test_number_formats.py", "test_templates.py", "test_detection.py", "test_fuzz_structural.py",
                 "test_cli_errors.py", "test_hostile_files.py"]


def pytest_collection_modifyitems(session, config, items):
    rank = {name: k for k, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: order within a file is kept
