"""Benchmark: generate a corpus of departmental returns and time each pipeline stage.

Usage::

    python bench/run_bench.py [--units 19 2000] [--repeat 1] [--out bench/out] [--seed 2025]

For every N in ``--units`` a folder OUT/units-N/ is (re)built:

* N equal to the number of units of the repository's config.toml (19): the bundled
  example is copied (config.toml + input/), so that row is the real example;
* any other N: ``bench/make_returns.generate(folder, seed, n_units=N)`` writes a copy
  of the scheme with N synthetic townships and realistic returns (timed: 生成).

The repository's templates/ folder is copied in, then

(a) ``pipeline.run.run_assessment(folder)`` is timed in-process (per-stage seconds from
    ``outcome.timings``; 合计 is the wall clock of the whole call), and
(b) ``python -m pipeline run FOLDER`` is timed as a subprocess (wall clock of the whole
    command, interpreter start-up included), with the peak RSS of that child process.

Right after each in-process run (c) the I/O floor of the same work is measured:

* 下限：读取 – python-calamine reading every cell of every sheet of every workbook under
  FOLDER/input (``CalamineWorkbook.from_path``, ``sheet.to_python()``);
* 下限：写出 – xlsxwriter (``constant_memory``) writing the non-empty cells of every .xlsx kaohe
  wrote under FOLDER/output/ (read back with python-calamine, untimed) into one new .xlsx each:
  same sheets, same positions, strings as strings, numbers as numbers;
* 读写单元格 – the non-empty cells read / written; 倍数 = 合计(进程内) ÷ (读取 + 写出).

With ``--repeat R`` (a), (b) and (c) run R times and the median is reported (peak RSS:
the maximum). A Markdown table with machine facts is printed and written to
OUT/results.md. The exit status is 1 if any run did not exit with code 0 (or the floor
could not read a file). Nothing has a timeout: a 20,000-unit run takes as long as it takes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine
import xlsxwriter
import xlsxwriter.exceptions

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:          # `python bench/run_bench.py` puts bench/ first, not the repo
    sys.path.insert(0, str(REPO))

from pipeline.ingest import SUPPORTED as WORKBOOK_SUFFIXES  # noqa: E402  (.xlsx .xlsm .xls .ods: what kaohe reads)
from pipeline.run import run_assessment  # noqa: E402

STAGES = ["ingest", "normalize", "score", "render"]
COLUMNS = ["单位数", "文件数", "输入大小", "生成", "读取 ingest", "规整 normalize", "计分 score",
           "输出 render", "合计(进程内)", "CLI 全程", "峰值内存", "重跑：读取", "重跑：合计",
           "下限：读取", "下限：写出", "读写单元格", "倍数"]
CACHE = Path(".kaohe") / "cache"  # the readings kept between runs (pipeline/ingest/cache.py)


def _load_make_returns():
    name = "bench_run_make_returns"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / "make_returns.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module          # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def _warm_imports() -> None:
    """Import what run_assessment imports lazily, so the first timed run does not pay for it.

    (The CLI column still includes every import: it is a fresh interpreter.)
    """
    import openpyxl  # noqa: F401
    import pipeline.render.report  # noqa: F401
    import pipeline.render.summary  # noqa: F401


def bundled_unit_count() -> int:
    with (REPO / "config.toml").open("rb") as fh:
        return len(tomllib.load(fh).get("units", []))


@dataclass
class Row:
    units: int
    example: bool = False
    files: int = 0
    size: int = 0
    generate: float | None = None
    stages: dict[str, float] = field(default_factory=dict)
    total: float | None = None
    cli: float | None = None
    peak_kib: int | None = None
    rerun_ingest: float | None = None  # a rerun with no return changed: every reading taken from the cache
    rerun_total: float | None = None
    floor_read: float | None = None    # the I/O floor (see measure_floor), median over the repeats
    floor_write: float | None = None
    cells_read: int | None = None
    cells_written: int | None = None
    failures: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        """合计(进程内) ÷ (floor read + floor write): how many times the bare I/O kaohe takes."""
        if self.total is None or self.floor_read is None or self.floor_write is None:
            return None
        floor = self.floor_read + self.floor_write
        return self.total / floor if floor > 0 else None


# ----------------------------------------------------------------------------- one N

def prepare(folder: Path, n: int, seed: int, example: bool) -> float | None:
    """(Re)build the assessment folder; the seconds spent generating (None for the copied example)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    if example:
        shutil.copy2(REPO / "config.toml", folder / "config.toml")
        shutil.copytree(REPO / "input", folder / "input")
        seconds = None
    else:
        mr = _load_make_returns()
        t = time.perf_counter()
        mr.generate(folder, seed=seed, n_units=n)
        seconds = time.perf_counter() - t
    shutil.copytree(REPO / "templates", folder / "templates")
    return seconds


def input_stats(folder: Path) -> tuple[int, int]:
    files = [p for p in (folder / "input").rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def run_in_process(folder: Path) -> tuple[int, dict[str, float], float, str]:
    t = time.perf_counter()
    try:
        outcome = run_assessment(folder)
    except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not crash
        return 3, {}, time.perf_counter() - t, f"{type(exc).__name__}: {exc}"
    return outcome.exit_code, dict(outcome.timings), time.perf_counter() - t, outcome.message


def _maxrss_kib(ru_maxrss: int) -> int:
    return ru_maxrss // 1024 if sys.platform == "darwin" else ru_maxrss   # bytes on macOS, KiB on Linux


def run_cli(folder: Path) -> tuple[int, float, int | None, str]:
    """`python -m pipeline run FOLDER`: exit code, wall seconds, peak RSS (KiB) of that child, stderr tail."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    cmd = [sys.executable, "-m", "pipeline", "run", str(folder)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=err)
        if hasattr(os, "wait4"):
            # Per-child rusage: the same ru_maxrss that getrusage(RUSAGE_CHILDREN) reports, but
            # for this child alone (RUSAGE_CHILDREN is the maximum over every child ever reaped).
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - t
            proc.returncode = os.waitstatus_to_exitcode(status)
            peak = _maxrss_kib(usage.ru_maxrss)
        else:  # Windows: no rusage at all
            proc.wait()
            seconds = time.perf_counter() - t
            peak = None
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-5:]
    return proc.returncode, seconds, peak, "\n".join(tail)


# ----------------------------------------------------------------------------- the I/O floor

class FloorWorkbook(xlsxwriter.Workbook):
    """xlsxwriter.Workbook for the write floor, kept linear in the number of sheets (单位评分卡.xlsx has one per unit).

    * Sheet names: xlsxwriter's ``add_worksheet`` -> ``_check_sheetname`` (xlsxwriter/workbook.py) compares the new
      name with every existing sheet's (``for worksheet in self.worksheets(): if sheetname.lower() == ...``), which is
      quadratic: at 20,000 sheets the floor would be dominated by that loop. Here the same case-insensitive
      duplicate check is a set lookup; xlsxwriter's other checks (length, characters, apostrophes, default names)
      still run, with its own loop given no sheets to scan. (pipeline/render/xlsx_base.Workbook does the same.)
    * Open files: with ``constant_memory`` every worksheet keeps its row-data temp file open until ``close()`` -
      20,000 sheets would be 20,000 open descriptors (more than a usual ``ulimit -n``). ``finish_sheet`` closes a
      sheet's temp file once its rows are written (``Worksheet._opt_close``, what ``close()`` does for every sheet);
      xlsxwriter's packager reopens it when it assembles the file (``_opt_reopen``), as it always does.
    """

    def __init__(self, filename, options=None):
        self._floor_taken: set[str] = set()
        super().__init__(filename, options)

    def _check_sheetname(self, sheetname, is_chartsheet=False):
        sheets, self.worksheets_objs = self.worksheets_objs, []  # xlsxwriter's own duplicate loop scans nothing
        try:
            name = super()._check_sheetname(sheetname, is_chartsheet)
        finally:
            self.worksheets_objs = sheets
        key = name.lower()
        if key in self._floor_taken:
            raise xlsxwriter.exceptions.DuplicateWorksheetName(
                f"Sheetname '{name}', with case ignored, is already in use.")
        self._floor_taken.add(key)
        return name

    @staticmethod
    def finish_sheet(worksheet) -> None:
        if worksheet.constant_memory:
            worksheet._opt_close()


@dataclass
class Floor:
    read: float = 0.0          # seconds
    write: float = 0.0
    cells_read: int = 0        # non-empty cells
    cells_written: int = 0
    files_read: int = 0
    files_written: int = 0
    failures: list[str] = field(default_factory=list)


def _visible(path: Path, root: Path) -> bool:
    """Not a hidden or Office lock file/folder (".*", "~$*"): kaohe's ingest skips those too."""
    return not any(part.startswith((".", "~$")) for part in path.relative_to(root).parts)


def floor_inputs(folder: Path) -> list[Path]:
    root = folder / "input"
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*")
                  if p.suffix.lower() in WORKBOOK_SUFFIXES and p.is_file() and _visible(p, root))


def floor_outputs(folder: Path) -> list[Path]:
    """Every .xlsx under FOLDER/output/ (a link to the run's 归档/ folder), the per-unit folders included."""
    root = (folder / "output").resolve()
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.suffix.lower() == ".xlsx" and p.is_file())


def _non_empty(rows: list[list]) -> int:
    return sum(1 for row in rows for v in row if not (v is None or v == ""))


def _close(book) -> None:
    close = getattr(book, "close", None)
    if close is not None:
        close()


def _floor_read(folder: Path, fl: Floor) -> None:
    """Seconds for python-calamine to open every input workbook and turn every sheet into Python values."""
    for path in floor_inputs(folder):
        try:
            t = time.perf_counter()
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            names = book.sheet_names
            fl.read += time.perf_counter() - t
            for index in range(len(names)):
                t = time.perf_counter()
                rows = book.get_sheet_by_index(index).to_python()
                fl.read += time.perf_counter() - t
                fl.cells_read += _non_empty(rows)          # counted outside the timed part
                del rows
            t = time.perf_counter()
            _close(book)
            fl.read += time.perf_counter() - t
        except Exception as exc:  # noqa: BLE001 - reported under the table, the bench goes on
            fl.failures.append(f"下限读取失败 {path.relative_to(folder)}：{type(exc).__name__}: {exc}")
        fl.files_read += 1


def _write_sheet(ws, start: tuple[int, int] | None, rows: list[list]) -> None:
    """The non-empty cells at their own positions (``to_python`` trims the empty rows/columns before ``start``),
    row by row as constant_memory requires; the type decides the xlsxwriter call, so nothing is converted."""
    if not rows:
        return
    r0, c0 = start or (0, 0)
    write_string, write_number, write_boolean, write_datetime = (
        ws.write_string, ws.write_number, ws.write_boolean, ws.write_datetime)
    for i, row in enumerate(rows):
        r = r0 + i
        for j, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, str):
                write_string(r, c0 + j, v)
            elif isinstance(v, bool):
                write_boolean(r, c0 + j, v)
            elif isinstance(v, (int, float)):
                write_number(r, c0 + j, v)
            elif isinstance(v, (dt.datetime, dt.date, dt.time, dt.timedelta)):
                write_datetime(r, c0 + j, v)
            else:
                write_string(r, c0 + j, str(v))


def _floor_write(folder: Path, scratch: Path, fl: Floor) -> None:
    """Seconds for xlsxwriter (constant_memory) to write the cells kaohe wrote, one new workbook per kaohe workbook.

    Each kaohe .xlsx is read back with python-calamine sheet by sheet, untimed; creating the workbook, adding the
    sheets, writing the cells and closing (packaging) it are timed."""
    for k, path in enumerate(floor_outputs(folder)):
        try:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            names = book.sheet_names
            t = time.perf_counter()
            wb = FloorWorkbook(str(scratch / f"{k:05d}.xlsx"), {"constant_memory": True, "tmpdir": str(scratch)})
            fl.write += time.perf_counter() - t
            for index, name in enumerate(names):
                sheet = book.get_sheet_by_index(index)
                rows, start = sheet.to_python(), sheet.start   # untimed: this is reading kaohe's output
                fl.cells_written += _non_empty(rows)
                t = time.perf_counter()
                ws = wb.add_worksheet(name)
                _write_sheet(ws, start, rows)
                wb.finish_sheet(ws)
                fl.write += time.perf_counter() - t
                del rows
            _close(book)
            t = time.perf_counter()
            wb.close()
            fl.write += time.perf_counter() - t
        except Exception as exc:  # noqa: BLE001
            fl.failures.append(f"下限写出失败 {path.name}：{type(exc).__name__}: {exc}")
        fl.files_written += 1


def measure_floor(folder: Path) -> Floor:
    """The physical floor of one run's work: read every input cell, write every output cell (no timeout)."""
    fl = Floor()
    _floor_read(folder, fl)
    with tempfile.TemporaryDirectory(prefix=f".floor-{folder.name}-", dir=folder.parent) as scratch:
        _floor_write(folder, Path(scratch), fl)           # next to FOLDER: the same file system kaohe wrote to
    return fl


# ----------------------------------------------------------------------------- one N

def bench_one(n: int, out: Path, repeat: int, seed: int, example_units: int) -> Row:
    example = n == example_units
    row = Row(units=n, example=example)
    folder = out / f"units-{n}"
    _say(f"units-{n}: {'复制自带示例' if example else '生成报表'} …")
    row.generate = prepare(folder, n, seed, example)
    row.files, row.size = input_stats(folder)

    stage_runs: dict[str, list[float]] = {}
    totals, clis, peaks, rerun_ingest, rerun_total = [], [], [], [], []
    floor_reads, floor_writes = [], []
    for k in range(repeat):
        _say(f"units-{n}: 进程内运行 {k + 1}/{repeat} …")
        shutil.rmtree(folder / CACHE, ignore_errors=True)  # a full run reads every return
        code, timings, total, msg = run_in_process(folder)
        if code != 0:
            row.failures.append(f"units-{n} 进程内运行退出码 {code}" + (f"：{msg}" if msg else ""))
        for stage, sec in timings.items():
            stage_runs.setdefault(stage, []).append(sec)
        totals.append(total)
        _say(f"units-{n}: 读写下限（calamine 读取 + xlsxwriter 写出）{k + 1}/{repeat} …")
        fl = measure_floor(folder)        # right after the run: the same outputs, the same machine noise
        floor_reads.append(fl.read)
        floor_writes.append(fl.write)
        row.cells_read, row.cells_written = fl.cells_read, fl.cells_written
        row.failures += [f for f in fl.failures if f not in row.failures]
        _say(f"units-{n}: 重跑（报表均未改动）{k + 1}/{repeat} …")
        code, timings, total, msg = run_in_process(folder)
        if code != 0:
            row.failures.append(f"units-{n} 重跑退出码 {code}" + (f"：{msg}" if msg else ""))
        rerun_ingest.append(timings.get("ingest", 0.0))
        rerun_total.append(total)
    for k in range(repeat):
        _say(f"units-{n}: CLI 运行 {k + 1}/{repeat} …")
        shutil.rmtree(folder / CACHE, ignore_errors=True)
        code, sec, peak, tail = run_cli(folder)
        if code != 0:
            row.failures.append(f"units-{n} CLI 退出码 {code}" + (f"：{tail}" if tail else ""))
        clis.append(sec)
        if peak is not None:
            peaks.append(peak)
    row.stages = {s: statistics.median(v) for s, v in stage_runs.items()}
    row.total = statistics.median(totals)
    row.cli = statistics.median(clis)
    row.peak_kib = max(peaks) if peaks else None
    row.rerun_ingest = statistics.median(rerun_ingest)
    row.rerun_total = statistics.median(rerun_total)
    row.floor_read = statistics.median(floor_reads)
    row.floor_write = statistics.median(floor_writes)
    return row


# ----------------------------------------------------------------------------- report

def _sec(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.3f} s" if x < 1 else f"{x:.2f} s" if x < 100 else f"{x:.1f} s"


def _bytes(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 ** 2:
        return f"{n / 1024:.0f} KiB"
    return f"{n / 1024 ** 2:.1f} MiB"


def _kib(k: int | None) -> str:
    return "—" if k is None else f"{k / 1024:.0f} MiB"


def _cells(read: int | None, written: int | None) -> str:
    """Exact counts with thousands separators: "512,345/1,454,321" (read/written)."""
    return "—" if read is None or written is None else f"{read:,}/{written:,}"


def _times(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}×"


def machine_facts() -> list[str]:
    facts = [
        f"CPU：{os.cpu_count()} 个逻辑核（os.cpu_count()）",
        f"Python：{platform.python_version()}（{platform.python_implementation()}）",
        f"平台：{platform.platform()}",
    ]
    try:
        from importlib.metadata import version

        libs = []
        for dist in ("openpyxl", "python-calamine", "pandas", "xlsxwriter", "docxtpl"):
            try:
                libs.append(f"{dist} {version(dist)}")
            except Exception:  # noqa: BLE001
                pass
        if libs:
            facts.append("库：" + "，".join(libs))
    except ImportError:
        pass
    return facts


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---:" for _ in COLUMNS) + "|"]
    for r in rows:
        cells = [
            f"{r.units}（示例）" if r.example else str(r.units),
            str(r.files),
            _bytes(r.size),
            _sec(r.generate),
            *(_sec(r.stages.get(s)) for s in STAGES),
            _sec(r.total),
            _sec(r.cli),
            _kib(r.peak_kib),
            _sec(r.rerun_ingest),
            _sec(r.rerun_total),
            _sec(r.floor_read),
            _sec(r.floor_write),
            _cells(r.cells_read, r.cells_written),
            _times(r.ratio),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(rows: list[Row], repeat: int, seed: int) -> str:
    parts = [f"# kaohe 基准测试（{dt.datetime.now():%Y-%m-%d %H:%M}）", ""]
    parts += [f"- {f}" for f in machine_facts()]
    parts += [f"- 每项运行 {repeat} 次，取中位数（峰值内存取最大值）；生成种子 {seed}", "", table(rows), ""]
    if any(r.example for r in rows):
        parts.append("“示例”行为仓库自带的示例（复制 config.toml 与 input/，不生成，故“生成”为 —）。")
    parts.append("合计(进程内) 为 run_assessment 整体耗时（含方案加载与发布输出）；"
                 "CLI 全程为 `python -m pipeline run` 子进程的墙钟时间（含解释器启动与导入）；"
                 "“重跑”为报表均未改动时再运行一次（各报表的读取结果取自上次运行的缓存，结果与全量读取逐字节相同）。")
    parts.append("“下限”在每次进程内运行之后立即测量，为同样工作量的纯读写耗时："
                 "下限：读取 = python-calamine 读出 input/ 下全部工作簿每个工作表的全部单元格；"
                 "下限：写出 = xlsxwriter（constant_memory）把 kaohe 写出的各 .xlsx（含各单位文件夹）的非空单元格"
                 "按原工作表、原位置写入新的 .xlsx（每个 kaohe 工作簿一个）；"
                 "读写单元格 = 读取/写出的非空单元格数；倍数 = 合计(进程内) ÷（下限：读取 + 下限：写出）。")
    failures = [f for r in rows for f in r.failures]
    if failures:
        parts += ["", "**失败：**", *(f"- {f}" for f in failures)]
    return "\n".join(parts) + "\n"


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate corpora of N units and time the kaohe pipeline stages.")
    ap.add_argument("--units", type=int, nargs="+", default=[19, 2000], metavar="N",
                    help="unit counts to benchmark (default: 19 2000; 19 = the bundled example)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per N, median reported (default 1)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out",
                    help="work folder; OUT/units-N/ is rebuilt, OUT/results.md written (default bench/out)")
    ap.add_argument("--seed", type=int, default=2025, help="generator seed (default 2025)")
    args = ap.parse_args(argv)
    if args.repeat < 1 or any(n < 1 for n in args.units):
        ap.error("--units and --repeat must be at least 1")

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    _warm_imports()
    example_units = bundled_unit_count()
    rows = [bench_one(n, out, args.repeat, args.seed, example_units) for n in args.units]

    text = report(rows, args.repeat, args.seed)
    (out / "results.md").write_text(text, encoding="utf-8")
    print(text, end="")
    failed = any(r.failures for r in rows)
    if failed:
        _say("有运行未以退出码 0 结束，见上表下方的失败列表。")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
