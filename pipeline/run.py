"""One run over an assessment folder: lock, load the scheme, ingest, normalize, score, render, publish.

The runner owns the guarantees of SPEC §9: inputs are only read; every output is first written into a
temporary folder inside `output/` and then moved into place with `os.replace` (atomic on one file system),
so a crash leaves the previous outputs whole; each successful run is also archived under a timestamp; a
lock file stops two runs on one folder at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__
from .ingest import ingest
from .issues import ERROR, Issue, has_errors
from .normalize import normalize
from .scheme import Scheme, load_scheme, scheme_hash
from .score import score

EXIT_OK, EXIT_DATA, EXIT_SCHEME, EXIT_INTERNAL = 0, 1, 2, 3

SUMMARY_XLSX = "考核结果汇总表.xlsx"
RESULTS_JSON = "results.json"
ISSUES_CSV = "数据问题.csv"
ISSUES_XLSX = "数据问题.xlsx"
REPORT_STEM = "考核情况分析报告"
TEMPLATES_DIR = "填报模板"


class LockedError(Exception):
    """Another run holds the folder's lock."""


@dataclass
class RunOutcome:
    exit_code: int
    scheme: Scheme | None = None
    results: dict | None = None
    issues: list[Issue] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    message: str = ""
    readings: list = field(default_factory=list)  # the reading map: how each file › sheet was read


def _try_lock(fh) -> bool:
    """Non-blocking exclusive lock held by the open file; the OS drops it when the process dies."""
    try:
        import fcntl

        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    except BlockingIOError:
        return False


@contextmanager
def folder_lock(output_dir: Path):
    """Stop two runs on one folder at once: a lock on output/.kaohe.lock for the run's lifetime."""
    output_dir.mkdir(parents=True, exist_ok=True)
    fh = open(output_dir / ".kaohe.lock", "w")
    try:
        if not _try_lock(fh):
            raise LockedError(f"另一个 kaohe 正在处理该考核文件夹（{output_dir.parent}），请等其结束后再运行")
        yield
    finally:
        fh.close()


def results_json_bytes(results: dict) -> bytes:
    """results.json: everything but the run's time, so the same inputs give byte-identical files."""
    run = {k: v for k, v in results["run"].items() if k != "generated_at"}
    doc = {
        "assessment": results["assessment"],
        "components": results["components"],
        "indicators": results["indicators"],
        "units": results["units"],
        "awards": results["awards"],
        "issues": results["issues"],
        "run": run,
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_issues_csv(issues: list[Issue], path: Path) -> None:
    cols = ["级别", "代码", "文件", "工作表", "单元格", "单位", "指标", "说明"]
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for i in issues:
            w.writerow([_safe_text(x) for x in (i.severity, i.code, i.file, i.sheet, i.cell, i.unit, i.indicator,
                                                i.message)])


def _safe_text(text: str) -> str:
    """CSV opened in Excel evaluates leading = + - @: prefix an apostrophe so it stays text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def publish_outputs(staging: Path, output_dir: Path, names: list[str]) -> list[Path]:
    """Move each staged file into output/ atomically, then archive this run's set under output/归档/."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    archive = output_dir / "归档" / stamp
    archive.mkdir(parents=True, exist_ok=True)
    out = []
    for name in names:  # a name may sit in one sub-folder ("单位评分表/城关镇.xlsx")
        (archive / name).parent.mkdir(parents=True, exist_ok=True)
        (output_dir / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(staging / name, archive / name)
        os.replace(staging / name, output_dir / name)
        out.append(output_dir / name)
    return out


def _render(results: dict, issues: list[Issue], folder: Path, staging: Path, scheme: Scheme) -> list[str]:
    from .render.publicity import PUBLICITY_XLSX, write_publicity_workbook
    from .render.report import render_report
    from .render.scorecards import SCORECARDS_XLSX, write_scorecards
    from .render.workbook import write_summary_workbook

    (staging / RESULTS_JSON).write_bytes(results_json_bytes(results))
    write_summary_workbook(results, staging / SUMMARY_XLSX)
    write_publicity_workbook(results, staging / PUBLICITY_XLSX)
    write_scorecards(results, staging / SCORECARDS_XLSX)
    render_report(results, folder / "templates", staging)
    write_issues_csv(issues, staging / ISSUES_CSV)
    filled = fill_table_templates(results, scheme.table_templates, folder, staging)
    return [RESULTS_JSON, SUMMARY_XLSX, PUBLICITY_XLSX, SCORECARDS_XLSX, f"{REPORT_STEM}.html", f"{REPORT_STEM}.docx",
            ISSUES_CSV, *filled]


def fill_table_templates(results: dict, specs: list, folder: Path, staging: Path) -> list[str]:
    """The office's own mandated tables (scheme `table_templates`), filled into staging; their names.

    Any template error (FillError) propagates before anything is published, so no output changes.
    """
    from .render.fill_names import safe_file_stem, template_names
    from .render.xlsx_fill import FillError, fill_template

    names = []
    context = template_names(results)
    for spec in specs:
        template = folder / spec.file
        if not template.is_file():
            raise FillError(f"表样文件 {spec.file} 不存在（方案 table_templates 中的 file）")
        if not spec.per_unit:
            fill_template(template, context, staging / spec.output)
            names.append(spec.output)
            continue
        used: set[str] = set()
        for unit in context["单位"]:
            stem = safe_file_stem(unit["单位"])
            while stem in used:
                stem += "_"
            used.add(stem)
            name = spec.output.replace("{单位}", stem)
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            fill_template(template, {**context, "本单位": unit}, staging / name)
            names.append(name)
    return names


def run_assessment(folder: Path, check_only: bool = False, progress: Callable[[str], None] | None = None) -> RunOutcome:
    folder = Path(folder).resolve()
    output_dir = folder / "output"
    timings: dict[str, float] = {}
    t = time.perf_counter()
    scheme = load_scheme(folder)  # SchemeError propagates to the CLI (exit 2)
    with folder_lock(output_dir):
        timings["scheme"] = time.perf_counter() - t
        t = time.perf_counter()
        ingested = ingest(folder, scheme, progress)
        timings["ingest"] = time.perf_counter() - t
        t = time.perf_counter()
        data = normalize(scheme, ingested)
        timings["normalize"] = time.perf_counter() - t
        issues = data.issues
        outcome = RunOutcome(EXIT_OK, scheme, issues=issues, timings=timings, readings=ingested.readings)
        if check_only or has_errors(issues):
            from .render.workbook import write_issues_workbook

            with tempfile.TemporaryDirectory(dir=output_dir, prefix=".tmp-") as tmp:
                write_issues_csv(issues, Path(tmp) / ISSUES_CSV)
                write_issues_workbook(scheme.assessment.model_dump(), [i.to_dict() for i in issues],
                                      Path(tmp) / ISSUES_XLSX, ingested.readings)
                outcome.outputs = publish_outputs(Path(tmp), output_dir, [ISSUES_CSV, ISSUES_XLSX])
            outcome.exit_code = EXIT_DATA if has_errors(issues) else EXIT_OK
            return outcome
        t = time.perf_counter()
        results = score(scheme, data)
        timings["score"] = time.perf_counter() - t
        results["issues"] = [i.to_dict() for i in issues]
        results["run"] = {
            "version": __version__,
            "scheme_hash": scheme_hash(folder),
            "inputs": [{"file": f.path, "sha256": f.sha256} for f in data.files],
            "generated_at": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
        }
        t = time.perf_counter()
        with tempfile.TemporaryDirectory(dir=output_dir, prefix=".tmp-") as tmp:
            names = _render(results, issues, folder, Path(tmp), scheme)
            outcome.outputs = publish_outputs(Path(tmp), output_dir, names)
        timings["render"] = time.perf_counter() - t
        outcome.results = results
        return outcome


def write_blank_templates(folder: Path) -> list[Path]:
    """`kaohe templates`: one blank return per source department into output/填报模板/, each replaced atomically.

    Templates of departments no longer in the scheme are removed, so the folder always matches the scheme.
    """
    from .render.blanks import write_templates

    folder = Path(folder).resolve()
    scheme = load_scheme(folder)
    output_dir = folder / "output"
    with folder_lock(output_dir):
        target = output_dir / TEMPLATES_DIR
        with tempfile.TemporaryDirectory(dir=output_dir, prefix=".tmp-") as tmp:
            names = write_templates(scheme, Path(tmp), scheme_hash(folder))
            target.mkdir(exist_ok=True)
            for old in target.glob("*.xlsx"):
                if old.name not in names:
                    old.unlink()
            for name in names:
                os.replace(Path(tmp) / name, target / name)
    return [target / name for name in names]


def count_by_severity(issues: list[Issue]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in issues:
        out[i.severity] = out.get(i.severity, 0) + 1
    return out


__all__ = ["run_assessment", "RunOutcome", "LockedError", "ERROR", "EXIT_OK", "EXIT_DATA", "EXIT_SCHEME"]
