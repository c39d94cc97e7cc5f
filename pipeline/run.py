"""One run over an assessment folder: lock, recover, load the scheme, ingest, normalize, score, render, publish.

The runner owns the guarantees of SPEC §9: inputs are only read; the outputs of a run are written into a staging
folder and published as one generation (`pipeline.publish`: `output` is switched to the new set by one rename, and
every set stays whole under `归档/`); a lock file stops two runs on one folder at once.
"""

from __future__ import annotations

import time
from decimal import Decimal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__, history, publish
from .ingest import ingest
from .issues import ERROR, Issue, has_errors
from .lock import FolderNotWritable, LockedError, folder_lock
from .normalize import normalize
from .publish import publish_set
from .results import InputRecord, IssueRecord, Results, RunInfo
from .render import reproducible
from .render.issues_csv import write_issues_csv
from .scheme import Scheme, load_scheme, scheme_hash
from .score import score

EXIT_OK, EXIT_DATA, EXIT_SCHEME, EXIT_INTERNAL = 0, 1, 2, 3

SUMMARY_XLSX = "考核结果汇总表.xlsx"
RESULTS_JSON = "results.json"
ISSUES_CSV = "数据问题.csv"
ISSUES_XLSX = "数据问题.xlsx"
STATUS_TXT = "运行状态.txt"  # in an output set without results: says so, and where the last complete results are
REPORT_STEM = "考核情况分析报告"
TEMPLATES_DIR = publish.TEMPLATES_LINK  # in the assessment folder, beside input/


@dataclass
class RunOutcome:
    exit_code: int
    scheme: Scheme | None = None
    results: Results | None = None
    issues: list[Issue] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    message: str = ""
    readings: list = field(default_factory=list)  # the reading map: how each file › sheet was read
    recovered: list[str] = field(default_factory=list)  # what recovery did to an interrupted earlier publish
    run_id: int | None = None  # its number in the run history (考核运行记录.sqlite)
    last_full: object = None  # a run without results: the newest generation that has them (publish.Generation)


def _render(typed: Results, issues: list[Issue], folder: Path, staging: Path, scheme: Scheme) -> list[str]:
    from .render.publicity import PUBLICITY_XLSX, write_publicity_workbook
    from .render.report import render_report
    from .render.scorecards import SCORECARDS_XLSX, write_scorecards
    from .render.summary import write_summary_workbook

    (staging / RESULTS_JSON).write_bytes(typed.file_bytes())
    write_summary_workbook(typed, staging / SUMMARY_XLSX)
    write_publicity_workbook(typed, staging / PUBLICITY_XLSX)
    write_scorecards(typed, staging / SCORECARDS_XLSX)
    render_report(typed, folder / "templates", staging)
    write_issues_csv(issues, staging / ISSUES_CSV)
    filled = fill_table_templates(typed, scheme.table_templates, folder, staging)
    moment = reproducible.results_moment(typed.run.generated_at, typed.assessment.timezone)
    reproducible.fix_folder(staging, moment)  # fixed zip layout and core.xml times
    return [RESULTS_JSON, SUMMARY_XLSX, PUBLICITY_XLSX, SCORECARDS_XLSX, f"{REPORT_STEM}.html", f"{REPORT_STEM}.docx",
            ISSUES_CSV, *filled]


def fill_table_templates(results: Results, specs: list, folder: Path, staging: Path) -> list[str]:
    """The office's own mandated tables (scheme `table_templates`), filled into staging; their names.

    Any template error (FillError) propagates before anything is published, so no output changes.
    """
    from .render.fill_names import safe_file_stem, template_names
    from .render.xlsx_fill import FillError, fill_template

    names = []
    context = template_names(results)
    for spec in specs:
        template = folder / spec.file
        if not (template.is_file() or template.is_symlink() or template.exists()):  # links, FIFOs: fill_template refuses
            raise FillError(f"表样文件 {spec.file} 不存在（方案 table_templates 中的 file）")
        if not spec.per_unit:
            fill_template(template, context, staging / spec.output, root=folder)
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
            fill_template(template, {**context, "本单位": unit}, staging / name, root=folder)
            names.append(name)
    return names


def run_assessment(folder: Path, check_only: bool = False, progress: Callable[[str], None] | None = None) -> RunOutcome:
    folder = Path(folder).resolve()
    store = publish.outputs(folder)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    scheme = load_scheme(folder)  # SchemeError propagates to the CLI (exit 2)
    with folder_lock(folder):
        if not check_only:
            history.check_readable(folder)  # a damaged run history stops the run before it publishes anything
        recovered = store.recover()
        timings["scheme"] = time.perf_counter() - t
        t = time.perf_counter()
        ingested = ingest(folder, scheme, progress)
        timings["ingest"] = time.perf_counter() - t
        t = time.perf_counter()
        data = normalize(scheme, ingested)
        if not check_only:
            _last_year_from_history(folder, scheme, data)
        timings["normalize"] = time.perf_counter() - t
        issues = data.issues
        outcome = RunOutcome(EXIT_OK, scheme, issues=issues, timings=timings, readings=ingested.readings,
                             recovered=recovered)
        if check_only or has_errors(issues):
            from .render.issues_book import write_issues_workbook

            outcome.last_full = last_full_results(store)

            def write_issue_lists(tmp: Path) -> list[str]:
                write_issues_csv(issues, tmp / ISSUES_CSV)
                write_issues_workbook(scheme.assessment, [IssueRecord(**i.to_dict()) for i in issues],
                                      tmp / ISSUES_XLSX, ingested.readings)
                reproducible.fix_zip(tmp / ISSUES_XLSX, reproducible.run_date(scheme.assessment, folder, data.files).moment)
                (tmp / STATUS_TXT).write_text(status_text(check_only, has_errors(issues), outcome.last_full),
                                              encoding="utf-8")
                return [STATUS_TXT, ISSUES_CSV, ISSUES_XLSX]

            suffix = "-检查" if check_only else "-数据有误"
            outcome.outputs = publish_set(store, write_issue_lists, suffix)
            outcome.exit_code = EXIT_DATA if has_errors(issues) else EXIT_OK
            if not check_only:
                _record(folder, scheme, store, issues, None, data.files)
            return outcome
        t = time.perf_counter()
        run_info = RunInfo(version=__version__, scheme_hash=scheme_hash(folder),
                           inputs=[InputRecord(file=f.path, sha256=f.sha256) for f in data.files],
                           **reproducible.run_date(scheme.assessment, folder, data.files).fields())
        results = score(scheme, data, run_info)
        timings["score"] = time.perf_counter() - t
        t = time.perf_counter()
        outcome.outputs = publish_set(store, lambda tmp: _render(results, issues, folder, tmp, scheme))
        timings["render"] = time.perf_counter() - t
        outcome.results = results
        outcome.run_id = _record(folder, scheme, store, issues, results, data.files)
        return outcome


def last_full_results(store) -> "publish.Generation | None":
    """The newest whole run that scored (not a check, not a run stopped by data errors), checked file by file."""
    return next((g for g in reversed(store.all()) if not g.name.endswith(("-检查", "-数据有误"))
                 and not publish.verify(g)), None)


def status_text(check_only: bool, errors: bool, last_full) -> str:
    """运行状态.txt: what this output/ holds and where the last complete results are, for the clerk who opens it."""
    what = ("本次只检查报表（kaohe check），未计分" if check_only else
            "本次运行因报表数据有错误，未计分" if errors else "本次运行未计分")
    where = (f"最近一次完整的考核结果是{last_full.label()}的结果，在 {publish.ARCHIVE_DIR}/{last_full.name}/ 中。"
             if last_full is not None else "考核文件夹中还没有完整的考核结果。")
    return (f"运行状态\n\n{what}：本文件夹（output/）中只有数据问题清单"
            f"（{ISSUES_XLSX}、{ISSUES_CSV}），没有考核结果表，请勿把它当作考核结果报送。\n{where}\n"
            "按数据问题清单修改报表后重新运行 kaohe run，output/ 就会换成新的完整结果。\n")


def _last_year_from_history(folder: Path, scheme: Scheme, data) -> None:
    """Last year's ranks and totals from last year's 定稿 run in the folder's history, when no return gives them
    (a 上年考核结果 return always wins). Said as a notice, so the office knows where the ranks came from."""
    names = set(scheme.unit_names)
    with history.History(folder) as h:
        finals = h.finals_before(scheme.assessment.year)
    data.years = {y: {u["unit"]: (u["rank"], u["total"]) for u in r.results["units"] if u["unit"] in names}
                  for y, r in finals.items()}  # the report's trends over the years the history holds
    final = finals.get(scheme.assessment.year - 1)
    if data.history or final is None:
        return
    where = f"{history.HISTORY_FILE} › 第{final.id}次运行（{scheme.assessment.year - 1}年定稿）"
    data.history.update({u["unit"]: {"rank": u["rank"], "total": Decimal(str(u["total"])), "source": where}
                         for u in final.results["units"] if u["unit"] in names})
    data.issues[:] = [i for i in data.issues  # the record stands in for the 上年考核结果 register
                      if not (i.code in ("missing-register", "optional-register") and i.params.get("key") == "history")]
    data.issues.append(Issue("history-from-record", params={
        "where": where, "count": len(data.history), "missing": "、".join(n for n in scheme.unit_names
                                                                        if n not in data.history) or "无"}))


def _record(folder: Path, scheme: Scheme, store, issues: list[Issue], results: Results | None, files) -> int:
    """The run into the folder's history (pipeline/history.py): what it read, what it found, what it published."""
    current = store.current()
    with history.History(folder) as h:
        return h.record(
            finished_at=history.now_text(scheme.assessment.timezone), kind="run", scheme_hash=scheme_hash(folder),
            title=scheme.assessment.title, year=scheme.assessment.year, units=len(scheme.units),
            counts=count_by_severity(issues), generation=current.name if current else "",
            # results.json exactly as published (read back, not serialised a second time)
            results=None if results is None else (current.path / RESULTS_JSON).read_bytes(),
            issues=[i.to_dict() for i in issues],
            inputs=[(f.path, f.sha256) for f in files])


def write_blank_templates(folder: Path) -> list[Path]:
    """`kaohe templates`: one blank return per source department into 填报模板/, published as one set like the
    outputs (only the newest set is kept), so the folder always matches the scheme."""
    from .render.blanks import write_templates

    folder = Path(folder).resolve()
    scheme = load_scheme(folder)
    store = publish.templates(folder)
    with folder_lock(folder):
        store.recover()
        return publish_set(store, lambda tmp: write_templates(scheme, tmp, scheme_hash(folder)))


def count_by_severity(issues: list[Issue]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in issues:
        out[i.severity] = out.get(i.severity, 0) + 1
    return out


__all__ = ["run_assessment", "RunOutcome", "LockedError", "ERROR", "EXIT_OK", "EXIT_DATA", "EXIT_SCHEME"]
