"""One run over an assessment folder: lock, recover, load the scheme, ingest, normalize, score, render, publish.

The runner owns the guarantees of SPEC §9: inputs are only read; the outputs of a run are written into a staging
folder and published as one generation (`pipeline.publish`: `output` is switched to the new set by one rename, and
every set stays whole under `归档/`); a lock file stops two runs on one folder at once.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, history, publish, runlog
from .ingest import ingest
from .issues import ERROR, Issue, has_errors
from .lock import FolderNotWritable, LockedError, folder_lock
from .normalize import normalize
from .progress import Progress
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
    cached: list[str] = field(default_factory=list)  # returns unchanged since the last run (readings reused)
    recovered: list[str] = field(default_factory=list)  # what recovery did to an interrupted earlier publish
    run_id: int | None = None  # its number in the run history (考核运行记录.sqlite)
    last_full: object = None  # a run without results: the newest generation that has them (publish.Generation)
    replaced: int | None = None  # kaohe publish --as 定稿 --replace: the 定稿 run it replaced (now 公示)
    final: "history.RunRecord | None" = None  # a run after the year's 定稿: that 定稿 run (this one is a trial)


def _render(typed: Results, issues: list[Issue], folder: Path, staging: Path, scheme: Scheme,
            progress: Progress) -> list[str]:
    from .render.publicity import PUBLICITY_XLSX, write_publicity_workbook
    from .render.report import render_report
    from .render.scorecards import SCORECARDS_XLSX, write_scorecards
    from .render.summary import write_summary_workbook

    per_unit = sum(len(typed.units) if spec.per_unit else 1 for spec in scheme.table_templates)
    progress.start("生成结果", 6 + per_unit)
    try:
        for name, write in [
            (RESULTS_JSON, lambda: (staging / RESULTS_JSON).write_bytes(typed.file_bytes())),
            (SUMMARY_XLSX, lambda: write_summary_workbook(typed, staging / SUMMARY_XLSX)),
            (PUBLICITY_XLSX, lambda: write_publicity_workbook(typed, staging / PUBLICITY_XLSX)),
            (SCORECARDS_XLSX, lambda: write_scorecards(typed, staging / SCORECARDS_XLSX)),
            (REPORT_STEM, lambda: render_report(typed, folder / "templates", staging)),
            (ISSUES_CSV, lambda: write_issues_csv(issues, staging / ISSUES_CSV)),
        ]:
            write()
            progress.step(name)
        filled = fill_table_templates(typed, scheme.table_templates, folder, staging, progress)
    finally:
        progress.finish()
    moment = reproducible.results_moment(typed.run.generated_at, typed.assessment.timezone)
    reproducible.fix_folder(staging, moment)  # fixed zip layout and core.xml times
    return [RESULTS_JSON, SUMMARY_XLSX, PUBLICITY_XLSX, SCORECARDS_XLSX, f"{REPORT_STEM}.html", f"{REPORT_STEM}.docx",
            ISSUES_CSV, *filled]


def fill_table_templates(results: Results, specs: list, folder: Path, staging: Path,
                         progress: Progress | None = None) -> list[str]:
    """The office's own mandated tables (scheme `table_templates`), filled into staging; their names.

    Any template error (FillError) propagates before anything is published, so no output changes.
    """
    from .render.fill_names import safe_file_stem, template_names
    from .render.xlsx_fill import FillError, fill_template

    names = []
    progress = progress or Progress()
    context = template_names(results)
    for spec in specs:
        template = folder / spec.file
        if not (template.is_file() or template.is_symlink() or template.exists()):  # links, FIFOs: fill_template refuses
            raise FillError(f"表样文件 {spec.file} 不存在（方案 table_templates 中的 file）")
        if not spec.per_unit:
            fill_template(template, context, staging / spec.output, root=folder)
            names.append(spec.output)
            progress.step(spec.output)
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
            progress.step(name)
    return names


class StampError(Exception):
    """`kaohe publish` cannot give a run's outputs their status: the returns or the scheme changed since (Chinese)."""


@dataclass(frozen=True)
class Stamp:
    """`kaohe publish`: the recorded run whose outputs are generated again, carrying `status` (公示 | 定稿).

    The outputs are published again rather than edited: the run is scored anew from the same returns and scheme
    and must give exactly the recorded results, so a 公示稿 or 定稿 always shows what that run computed."""

    record: history.RunRecord
    status: str


def _stamp_inputs(stamp: Stamp, scheme_hash_now: str, files) -> None:
    """StampError unless the returns and the scheme are those the recorded run read."""
    run, now = stamp.record, {f.path: f.sha256 for f in files}
    reasons = ["方案 config.toml 已修改"] if scheme_hash_now != run.scheme_hash else []
    changed = sorted(f for f in set(now) | set(run.inputs) if now.get(f) != run.inputs.get(f))
    if changed:
        shown = "、".join(changed[:5]) + (f" 等 {len(changed)} 个文件" if len(changed) > 5 else "")
        reasons.append(f"报表有变化：{shown}")
    if reasons:
        raise StampError(f"第 {run.id} 次运行之后{'；'.join(reasons)}，无法生成第 {run.id} 次运行的“{stamp.status}”结果；"
                         f"请先运行 kaohe run，核对结果后再标记（kaohe publish --as {stamp.status}）")


def _stamp_results(stamp: Stamp, results: Results) -> None:
    """StampError unless scoring again gave the recorded results (only the status may differ)."""
    def plain(d: dict) -> dict:
        return {**d, "run": {k: v for k, v in d["run"].items() if k != "status"}}

    if plain(json.loads(results.file_bytes())) != plain(stamp.record.results):
        raise StampError(f"按第 {stamp.record.id} 次运行的报表和方案重新计算，结果与运行记录不同（可能是 kaohe 版本已更新），"
                         f"未标记；请先运行 kaohe run，核对结果后再标记")


def run_assessment(folder: Path, check_only: bool = False, progress: Progress | None = None,
                   stamp: Stamp | None = None) -> RunOutcome:
    """One run: `check_only` reads and checks without scoring; `stamp` generates a recorded run's outputs again
    with its new status (kaohe publish) instead of recording a new run."""
    folder = Path(folder).resolve()
    progress = progress or Progress()
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
        if stamp is not None:
            _stamp_inputs(stamp, scheme_hash(folder), ingested.files)
        t = time.perf_counter()
        data = normalize(scheme, ingested, _finals(folder, scheme))
        timings["normalize"] = time.perf_counter() - t
        issues = data.issues
        outcome = RunOutcome(EXIT_OK, scheme, issues=issues, timings=timings, readings=ingested.readings,
                             recovered=recovered, cached=ingested.cached)
        if stamp is not None and has_errors(issues):
            raise StampError(f"第 {stamp.record.id} 次运行的报表现在有数据错误，未标记；请先运行 kaohe run 查看")
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
                outcome.run_id, _ = _record(folder, scheme, store, issues, None, data.files)
            _log(folder, scheme, store, outcome, "kaohe check" if check_only else "kaohe run")
            return outcome
        t = time.perf_counter()
        run_info = RunInfo(version=__version__, scheme_hash=scheme_hash(folder),
                           inputs=[InputRecord(file=f.path, sha256=f.sha256) for f in data.files],
                           **reproducible.run_date(scheme.assessment, folder, data.files).fields())
        results = score(scheme, data, run_info)
        timings["score"] = time.perf_counter() - t
        if stamp is not None:
            results.run.status = stamp.status
            _stamp_results(stamp, results)
        t = time.perf_counter()
        outcome.outputs = publish_set(store, lambda tmp: _render(results, issues, folder, tmp, scheme, progress),
                                      f"-{stamp.status}" if stamp is not None else "")
        timings["render"] = time.perf_counter() - t
        outcome.results = results
        if stamp is not None:
            with history.History(folder) as h:
                outcome.replaced = h.publish(stamp.record.id, stamp.status, history.now_text(scheme.assessment.timezone),
                                             store.current().name)
            outcome.run_id = stamp.record.id
            _log(folder, scheme, store, outcome, f"kaohe publish --as {stamp.status}")
            return outcome
        outcome.run_id, outcome.final = _record(folder, scheme, store, issues, results, data.files)
        _log(folder, scheme, store, outcome, "kaohe run")
        return outcome


def _log(folder: Path, scheme: Scheme, store, outcome: RunOutcome, command: str) -> None:
    """A few lines on the run into the folder's run log (pipeline/runlog.py)."""
    counts = count_by_severity(outcome.issues)
    current = store.current()
    done = (f"{len(outcome.results.units)} 个单位已计分" if outcome.results is not None
            else "报表有错误，未计分" if outcome.exit_code == EXIT_DATA else "只检查报表，未计分")
    runlog.write(folder, history.now_text(scheme.assessment.timezone), [
        f"{command}：{done}" + (f"（运行记录第 {outcome.run_id} 次）" if outcome.run_id else ""),
        f"读取报表 {len({r.file for r in outcome.readings})} 个，其中 {len(outcome.cached)} 个沿用上次的读取结果",
        "数据问题：" + ("，".join(f"{k} {v} 条" for k, v in counts.items()) or "无"),
        "用时：" + "，".join(f"{STAGE_LABELS.get(k, k)} {v:.1f} 秒" for k, v in outcome.timings.items()),
        f"输出：{publish.ARCHIVE_DIR}/{current.name}/" if current else "输出：无",
    ])


STAGE_LABELS = {"scheme": "读取方案", "ingest": "读取报表", "normalize": "规整", "score": "计分", "render": "生成结果"}


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


def _finals(folder: Path, scheme: Scheme) -> dict:
    """Earlier years' 定稿 runs from the folder's run history, by year (none before the first run is recorded)."""
    if not history.history_path(folder).exists():
        return {}
    with history.History(folder) as h:
        return h.finals_before(scheme.assessment.year)


def _record(folder: Path, scheme: Scheme, store, issues: list[Issue], results: Results | None,
            files) -> tuple[int, history.RunRecord | None]:
    """The run into the folder's history (pipeline/history.py): what it read, what it found, what it published.
    Returns its number and the year's 定稿 run, if there is one (a run after it is a trial)."""
    current = store.current()
    with history.History(folder) as h:
        run_id = h.record(
            finished_at=history.now_text(scheme.assessment.timezone), kind="run", scheme_hash=scheme_hash(folder),
            title=scheme.assessment.title, year=scheme.assessment.year, units=len(scheme.units),
            counts=count_by_severity(issues), generation=current.name if current else "",
            # results.json exactly as published (read back, not serialised a second time)
            results=None if results is None else (current.path / RESULTS_JSON).read_bytes(),
            issues=[i.to_dict() for i in issues],
            inputs=[(f.path, f.sha256) for f in files])
        return run_id, h.final_of_year(scheme.assessment.year)


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
