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

With ``--repeat R`` both (a) and (b) run R times and the median is reported (peak RSS:
the maximum). A Markdown table with machine facts is printed and written to
OUT/results.md. The exit status is 1 if any run did not exit with code 0.
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

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:          # `python bench/run_bench.py` puts bench/ first, not the repo
    sys.path.insert(0, str(REPO))

from pipeline.run import run_assessment  # noqa: E402

STAGES = ["ingest", "normalize", "score", "render"]
COLUMNS = ["单位数", "文件数", "输入大小", "生成", "读取 ingest", "规整 normalize", "计分 score",
           "输出 render", "合计(进程内)", "CLI 全程", "峰值内存", "重跑：读取", "重跑：合计"]
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
    failures: list[str] = field(default_factory=list)


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


def bench_one(n: int, out: Path, repeat: int, seed: int, example_units: int) -> Row:
    example = n == example_units
    row = Row(units=n, example=example)
    folder = out / f"units-{n}"
    _say(f"units-{n}: {'复制自带示例' if example else '生成报表'} …")
    row.generate = prepare(folder, n, seed, example)
    row.files, row.size = input_stats(folder)

    stage_runs: dict[str, list[float]] = {}
    totals, clis, peaks, rerun_ingest, rerun_total = [], [], [], [], []
    for k in range(repeat):
        _say(f"units-{n}: 进程内运行 {k + 1}/{repeat} …")
        shutil.rmtree(folder / CACHE, ignore_errors=True)  # a full run reads every return
        code, timings, total, msg = run_in_process(folder)
        if code != 0:
            row.failures.append(f"units-{n} 进程内运行退出码 {code}" + (f"：{msg}" if msg else ""))
        for stage, sec in timings.items():
            stage_runs.setdefault(stage, []).append(sec)
        totals.append(total)
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
