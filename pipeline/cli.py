"""The `kaohe` command: Chinese help and messages, exit codes 0 / 1 (data) / 2 (scheme) / 3 (internal).

No Python traceback reaches the user: unexpected errors are written to .kaohe/logs/ and summarised; interrupts
(pipeline.entry) end with a Chinese message and exit 130/143. Every message about the previous outputs comes from
`publish.Store.describe`, which checks them.
"""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from pathlib import Path
from typing import Callable, NoReturn, TypeVar

import click

from . import __version__, labels, publish
from .entry import Interrupted, interrupted_by, quiet_signals
from .issues import ERROR, INFO, WARNING
from .run import (EXIT_DATA, EXIT_INTERNAL, EXIT_OK, EXIT_SCHEME, ISSUES_CSV, ISSUES_XLSX, FolderNotWritable, LockedError,
                  RunOutcome, StampError, count_by_severity, run_assessment, write_blank_templates)
from .render.report import ReportTemplateError
from .render.xlsx_fill import FillError
from .history import HistoryError
from .scheme import SchemeError

T = TypeVar("T")

# click's own words, in Chinese (it has no zh locale of its own).
_CLICK_WORDS = {
    "Usage:": "用法：",
    "Options:": "选项：",
    "Commands:": "命令：",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "[OPTIONS]": "[选项]",
    "COMMAND [ARGS]...": "命令 [参数]...",
}


def _zh(text: str) -> str:
    for en, zh in _CLICK_WORDS.items():
        text = text.replace(en, zh)
    return text


class ZhCommand(click.Command):
    def get_help(self, ctx):
        return _zh(super().get_help(ctx))

    def get_usage(self, ctx):
        return _zh(super().get_usage(ctx))


class ZhGroup(click.Group):
    command_class = ZhCommand

    def get_help(self, ctx):
        return _zh(super().get_help(ctx))

    def get_usage(self, ctx):
        return _zh(super().get_usage(ctx))


def _echo(text: str = "", err: bool = False) -> None:
    click.echo(text, err=err)


@click.group(cls=ZhGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", message="kaohe %(version)s")
def cli():
    """kaohe 考核：把各部门报送的报表算成考核结果。

    \b
    常用命令：
      kaohe run [文件夹]     读取报表、计分、排名、评奖，生成汇总表和分析报告
      kaohe check [文件夹]   只检查报表数据，不计分
      kaohe templates [文件夹]  按考核方案生成各部门的空白填报模板
      kaohe init 文件夹 --from 方案样式  按随附方案新建考核文件夹
      kaohe history [文件夹]  列出各次运行；kaohe diff 对比两次运行；kaohe publish 标为公示、定稿
    文件夹默认为当前目录，须包含 config.toml（考核方案）和 input/（报表）。
    结果发布在 output/（每次运行的完整结果另存于 归档/）。
    退出码：0 成功，1 数据有错误，2 考核方案或考核文件夹有错误，3 程序内部错误或磁盘已满，
    130 被 Ctrl-C 中断，143 被终止信号中断。
    """


# The folder and output store of the command being run: an interrupt after its work (while printing) still reports
# the state of that folder's outputs.
_ACTIVE: dict = {}


def _folder(folder: str, store=publish.outputs) -> Path:
    path = Path(folder)
    if not path.is_dir():
        _echo(f"错误：考核文件夹“{folder}”不存在", err=True)
        sys.exit(EXIT_SCHEME)
    _ACTIVE.update(path=path, store=store)
    return path


# Issues listed on the console per severity; the rest are counted (all of them are in 数据问题.xlsx/.csv). Errors
# come first and have their own limit, so warnings can never push an error off the screen.
CONSOLE_LIMITS = {ERROR: 50, WARNING: 20, INFO: 5}
NO_FILE = "（全部报表）"


def _issues_file(outcome: RunOutcome) -> str:
    """Where the full list was written: 数据问题.xlsx (check, or a run refused over errors), else 数据问题.csv."""
    for name in (ISSUES_XLSX, ISSUES_CSV):
        found = next((p for p in outcome.outputs if Path(p).name == name), None)
        if found is not None:
            return str(found)
    return f"output/{ISSUES_CSV}"


def _print_issues(outcome: RunOutcome) -> None:
    """Errors first, grouped by file, then warnings, then a few infos; ends with the counts and the full list's path."""
    if not outcome.issues:
        _echo("数据检查：未发现问题。")
        return
    counts = count_by_severity(outcome.issues)
    summary = "，".join(f"{k} {counts[k]} 条" for k in (ERROR, WARNING, INFO) if k in counts)
    _echo(f"数据检查：{summary}")
    for severity, limit in CONSOLE_LIMITS.items():
        items = [i for i in outcome.issues if i.severity == severity]
        if not items:
            continue
        _echo(f"{severity}（{len(items)} 条）：")
        by_file: dict[str, list] = {}
        for issue in items:
            by_file.setdefault(issue.file or NO_FILE, []).append(issue)
        shown = 0
        for file, group in by_file.items():
            if shown >= limit:
                break
            _echo(f"  {file}")
            for issue in group[:limit - shown]:
                _echo(f"    {issue.text()}")
            shown += min(len(group), limit - shown)
        if len(items) > shown:
            _echo(f"  ……另有 {len(items) - shown} 条{severity}")
    _echo(f"共 {summary}。问题清单：{_issues_file(outcome)}")


TOP, BOTTOM = 5, 3  # units the console's summary shows from each end of the ranking


def _unit_summary(u, results) -> str:
    shown = labels.grade_shown(u, results.veto.effect)
    tail = "，取消评奖和评优资格" if u.vetoed else (f"  {'、'.join(u.awards)}" if u.awards else "")
    return f"  第{u.rank}名  {u.unit}  {u.total:.{max(results.assessment.precision, 0)}f}  {shown}{tail}"


def _print_summary(outcome: RunOutcome, verbose: bool = False) -> None:
    """The result screen: counts, the grades, the top and bottom units, the prizes and where the outputs are — not
    a line per output file (a 600-unit run writes 600 filled tables; --verbose lists them)."""
    from .analysis import grade_distribution

    results = outcome.results
    counts = count_by_severity(outcome.issues)
    tally = "、".join(f"{k} {counts[k]} 条" for k in (ERROR, WARNING, INFO) if k in counts)
    status = labels.STATUS_LABELS[results.run.status].split("（")[0]
    _echo(f"\n{results.assessment.title}：{len(results.units)} 个单位已完成计分（{status}；"
          f"{'数据问题：' + tally if tally else '未发现数据问题'}）。")
    grades = [f"{g.name} {len(g.units)} 个" for g in grade_distribution(results) if g.units]
    if grades:
        _echo("等次：" + "，".join(grades))
    units = results.units
    shown = units if len(units) <= TOP + BOTTOM else units[:TOP]
    _echo(f"{'名次' if shown is units else f'前 {TOP} 名'}：")
    for u in shown:
        _echo(_unit_summary(u, results))
    if shown is not units:
        _echo(f"末 {BOTTOM} 名：")
        for u in units[-BOTTOM:]:
            _echo(_unit_summary(u, results))
    prizes: dict[str, list[str]] = {}
    for a in results.awards:
        prizes.setdefault(a.award, []).append(a.unit)
    if prizes:
        _echo("奖项：" + "；".join(f"{k} {'、'.join(v)}" for k, v in prizes.items()))
    if verbose:
        _echo("\n输出文件：")
        for path in outcome.outputs:
            _echo(f"  {path}")
    else:
        names = [p.name for p in outcome.outputs if p.parent.name == "output"]
        main = [n for n in names if n.endswith((".xlsx", ".docx", ".html"))][:6]
        _echo(f"\n结果在 {outcome.outputs[0].parent if outcome.outputs else 'output/'}：{'、'.join(main)} 等 "
              f"{len(outcome.outputs)} 个文件（kaohe run --verbose 列出全部）")
    if note := _final_note(outcome):
        _echo(f"\n{note}")


def _final_note(outcome: RunOutcome) -> str:
    """After the year's 定稿, a later run is a trial: say so, and where the approved results are."""
    final = outcome.final
    if final is None:
        return ""
    return (f"注意：本年度已于第 {final.id} 次运行定稿（定稿结果在 {publish.ARCHIVE_DIR}/{final.generation}/），本次结果为试算，"
            f"不替换定稿；与定稿的差异可运行 kaohe diff 查看。")


def _previous(path: Path, store=publish.outputs) -> str:
    """What readers of output/ (or 填报模板/) see now, checked against the manifest; never raises."""
    try:
        return store(path).describe()
    except Exception:  # noqa: BLE001 - a message must still be shown
        return "无法核对原有结果的状态"


def _interrupted(stop: Interrupted, path: Path, store) -> NoReturn:
    quiet_signals()
    _echo(f"已中断（收到{stop.what}），本次运行未完成；{_previous(path, store)}。", err=True)
    sys.exit(stop.exit_code)


def _guard(path: Path, work: Callable[[], T], store=publish.outputs) -> T:
    """Run one command's work; every failure becomes a Chinese message and an exit code, never a traceback."""
    try:
        return work()
    except (SchemeError, LockedError, FolderNotWritable, HistoryError, StampError) as exc:
        _echo(f"错误：{exc}", err=True)
        sys.exit(EXIT_SCHEME)
    except (ReportTemplateError, FillError) as exc:  # the office's own template: a configuration problem
        _echo(f"错误：{exc}。本次结果未发布；{_previous(path, store)}。", err=True)
        sys.exit(EXIT_SCHEME)
    except publish.PublishError as exc:  # a full disk or a failed write: the message says what readers see now
        _echo(f"错误：{exc}。", err=True)
        sys.exit(EXIT_INTERNAL)
    except Interrupted as exc:
        _interrupted(exc, path, store)
    except Exception as exc:  # noqa: BLE001 - the last guard: log it, never show a traceback
        if (stop := interrupted_by(exc)) is not None:  # an interrupt that library code wrapped into another error
            _interrupted(stop, path, store)
        log = _log_crash(path)
        where = f"详细信息已记录到 {log}，请将该文件发送给技术支持" if log else "且无法写入错误日志（考核文件夹和临时目录均不可写）"
        _echo(f"错误：程序内部错误，运行已中止，本次结果未发布；{_previous(path, store)}。{where}。", err=True)
        sys.exit(EXIT_INTERNAL)


def _print_reading_map(outcome: RunOutcome) -> None:
    """How every file › sheet was read (kind, units, header rows, each column's role), before the issues."""
    from .ingest.readmap import format_map

    _echo("读取情况：")
    for line in format_map(outcome.readings) or ["input/ 中没有可读取的报表"]:
        _echo(f"  {line}")
    _echo()


def _progress(quiet: bool):
    from .progress import for_console

    return for_console(quiet)


def _guarded(folder: str, check_only: bool, quiet: bool = False, verbose: bool = False) -> None:
    path = _folder(folder)
    progress = _progress(quiet)
    outcome = _guard(path, lambda: run_assessment(path, check_only=check_only, progress=progress))
    if outcome.cached and not quiet:
        _echo(f"读取报表：其中 {len(outcome.cached)} 个自上次运行以来未改动，沿用上次的读取结果", err=True)
    if quiet:  # for schedulers: one line, errors in full, the exit code says the rest
        _print_quiet(outcome, check_only)
        return
    if check_only:
        _print_reading_map(outcome)
    _print_issues(outcome)
    if outcome.exit_code == EXIT_DATA:
        last = outcome.last_full
        where = (f"output/ 现在只有数据问题清单；最近一次完整的考核结果是{last.label()}的结果，在 归档/{last.name}/ 中。"
                 if last is not None else "output/ 现在只有数据问题清单，考核文件夹中还没有完整的考核结果。")
        _echo(f"\n报表中有{ERROR}，未进行计分。请按上面的提示修改报表后重新运行。问题清单：{_issues_file(outcome)}\n{where}",
              err=True)
        sys.exit(EXIT_DATA)
    if check_only:
        _echo("\n检查完成：报表可以计分。")
        return
    _print_summary(outcome, verbose)


def _print_quiet(outcome: RunOutcome, check_only: bool) -> None:
    """--quiet: the errors (each with its cell) and one summary line; nothing when all is well but that line."""
    counts = count_by_severity(outcome.issues)
    for issue in (i for i in outcome.issues if i.severity == ERROR):
        _echo(issue.text(), err=True)
    tally = "，".join(f"{k} {counts[k]} 条" for k in (ERROR, WARNING, INFO) if k in counts) or "数据无问题"
    if outcome.exit_code == EXIT_DATA:
        _echo(f"kaohe：报表有错误，未计分（{tally}）；问题清单：{_issues_file(outcome)}", err=True)
        sys.exit(EXIT_DATA)
    if check_only:
        _echo(f"kaohe：检查完成（{tally}）")
        return
    run = f"第 {outcome.run_id} 次运行" if outcome.run_id else "本次运行"
    _echo(f"kaohe：{run}完成，{len(outcome.results.units)} 个单位已计分（{tally}）；结果在 output/")
    if note := _final_note(outcome):
        _echo(note)


def _log_crash(folder: Path) -> Path | None:
    """The traceback, into .kaohe/logs/ of the assessment folder, else the system's temporary folder; None if
    neither can be written (the message then says so instead of naming a file that does not exist)."""
    import tempfile

    name = f"error-{dt.datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.log"
    for logs in (folder / publish.STATE_DIR / "logs", Path(tempfile.gettempdir()) / "kaohe-logs"):
        try:
            logs.mkdir(parents=True, exist_ok=True)
            log = logs / name
            log.write_text(traceback.format_exc(), encoding="utf-8")
            return log
        except OSError:
            continue
    return None


QUIET = click.option("--quiet", "-q", is_flag=True,
                     help="安静模式（定时任务用）：只输出错误和一行结果，退出码照常")


@cli.command("run")
@click.argument("folder", default=".", metavar="[文件夹]")
@QUIET
@click.option("--verbose", "-v", is_flag=True, help="列出生成的全部文件")
def run_cmd(folder, quiet, verbose):
    """读取报表、计分、排名、评奖，生成汇总表、分析报告和 results.json。"""
    _guarded(folder, check_only=False, quiet=quiet, verbose=verbose)


@cli.command("check")
@click.argument("folder", default=".", metavar="[文件夹]")
@QUIET
def check_cmd(folder, quiet):
    """只检查报表数据（单位名称、数值、缺报等），不计分。问题清单写入 output/数据问题.csv。"""
    _guarded(folder, check_only=True, quiet=quiet)


@cli.command("templates")
@click.argument("folder", default=".", metavar="[文件夹]")
def templates_cmd(folder):
    """按考核方案生成各部门的空白填报模板和考核办的加减分、一票否决、弄虚作假登记表，写入考核文件夹中的 填报模板/。"""
    path = _folder(folder, publish.templates)
    written = _guard(path, lambda: write_blank_templates(path), publish.templates)
    _echo(f"已生成 {len(written)} 份填报模板（各部门指标数据填报表和考核办的登记表），填好后放入 input/：")
    for p in written:
        _echo(f"  {p}")


@cli.command("init")
@click.argument("folder", default=".", metavar="[文件夹]")
@click.option("--from", "form", required=True, metavar="方案样式",
              type=click.Choice(["县级乡镇绩效评估", "区直部门绩效评估", "村级综合考核", "争先进位目标管理", "县直部门交叉考核",
                                 "定期考核与年终考评", "发展水平综合评价"]),
              help="从哪种随附方案开始")
def init_cmd(folder, form):
    """新建一个考核文件夹：按随附的方案样式写出 config.toml（带中文注释）、空的 input/ 和 templates/（分析报告模板）。
    改好 config.toml 中的单位、指标后运行 kaohe templates 生成各部门的填报模板。"""
    import shutil

    from .forms import form_text
    from .render.report import DEFAULT_TEMPLATE_DIR

    path = Path(folder)
    if (path / "config.toml").exists():
        _echo(f"错误：“{path}”中已有 config.toml，不会覆盖。请换一个新文件夹，或先把原方案移走。", err=True)
        sys.exit(EXIT_SCHEME)

    def create():
        path.mkdir(parents=True, exist_ok=True)
        (path / "input").mkdir(exist_ok=True)
        (path / "templates").mkdir(exist_ok=True)
        for name in ("report.html.j2", "考核情况分析报告.docx"):
            if not (path / "templates" / name).exists():
                shutil.copy2(DEFAULT_TEMPLATE_DIR / name, path / "templates" / name)
        tmp = path / ".config.toml.tmp"
        tmp.write_text(form_text(form), encoding="utf-8")
        tmp.replace(path / "config.toml")

    try:
        create()
    except OSError as exc:
        _echo(f"错误：无法在“{path}”中新建考核文件夹（{exc.strerror or exc}）。", err=True)
        sys.exit(EXIT_SCHEME)
    _echo(f"已按“{form}”新建考核文件夹 {path}：")
    _echo("  config.toml   考核方案（请按本地实际修改单位、指标、分值和权重，写法见《方案编写指南》）")
    _echo("  input/        各部门报送的报表放在这里")
    _echo("  templates/    分析报告模板（可按需修改）")
    _echo(f"下一步：kaohe templates {folder}  生成各部门的空白填报模板；报表收齐后 kaohe run {folder}。")


# -- the run history (考核运行记录.sqlite): history, diff, publish ------------------------------------------------
def _history_runs(path: Path):
    from .history import History, history_path

    if not (path / "config.toml").is_file():
        raise SchemeError(f"“{path}”中没有 config.toml，不是考核文件夹")
    if not history_path(path).exists():
        return []
    with History(path) as h:
        return h.runs()


def _pick(runs, number: int | None, what: str):
    found = next((r for r in runs if r.id == number), None)
    if found is None:
        _echo(f"错误：运行记录中没有第 {number} 次运行（{what}）。运行 kaohe history 查看各次运行。", err=True)
        sys.exit(EXIT_SCHEME)
    if not found.scored:
        _echo(f"错误：第 {number} 次运行因报表数据有误未计分，无法对比。", err=True)
        sys.exit(EXIT_SCHEME)
    return found


@cli.command("history")
@click.argument("folder", default=".", metavar="[文件夹]")
def history_cmd(folder):
    """列出考核文件夹的各次运行（最新的在前）：时间、状态（试算/公示/定稿/数据有误）、单位数、错误数、与上次相比的变化。"""
    from .history_diff import since_previous

    path = _folder(folder)
    runs = _guard(path, lambda: _history_runs(path))
    if not runs:
        _echo("还没有运行记录：运行 kaohe run 后，每次运行都记入考核运行记录.sqlite。")
        return
    _echo(f"{runs[0].title}：共 {len(runs)} 次运行（最新的在前）")
    _echo("  序号  时间              状态    单位  错误  与上次相比")
    for r in runs:
        _echo(f"  {r.id:>4}  {r.finished_at[:16].replace('T', ' ')}  {r.status:<4}  {r.units:>4}  {r.errors:>4}  "
              f"{since_previous(runs, r)}")


@cli.command("diff")
@click.argument("folder", default=".", metavar="[文件夹]")
@click.argument("old", required=False, type=int, metavar="[原运行序号]")
@click.argument("new", required=False, type=int, metavar="[新运行序号]")
def diff_cmd(folder, old, new):
    """对比两次运行：各单位原、新总分、名次、等次、奖项，以及原因（哪些报表单元格变了，哪些指标得分因此变化，
    包括因其他单位数据变化而变化的）。默认对比最近一次运行与已公示/定稿的运行（没有则与上一次）。
    同时写出 运行对比/第A次与第B次运行对比.xlsx。"""
    from .history_diff import compare, default_pair

    path = _folder(folder)
    runs = _guard(path, lambda: _history_runs(path))
    if old is not None and new is None:
        _echo("错误：请同时给出两次运行的序号（如 kaohe diff . 3 4），或都不给（默认对比）。", err=True)
        sys.exit(EXIT_SCHEME)
    if old is None:
        pair = default_pair(runs)
        if pair is None:
            _echo("运行记录中已计分的运行不足两次，无可对比。")
            return
        a, b = pair
    else:
        a, b = _pick(runs, old, "原运行"), _pick(runs, new, "新运行")
    diff = compare(a, b)
    _print_diff(diff)
    out = _guard(path, lambda: _write_diff(path, diff))
    _echo(f"\n对比表：{out}")


def _write_diff(path: Path, diff) -> Path:
    import os

    from .render.diff_book import write_diff_workbook

    folder = path / "运行对比"
    folder.mkdir(exist_ok=True)
    target = folder / f"第{diff.old.id}次与第{diff.new.id}次运行对比.xlsx"
    tmp = folder / f".{target.name}.tmp"
    write_diff_workbook(diff, tmp)
    os.replace(tmp, target)
    return target


def _print_diff(diff) -> None:
    from .render.diff_book import run_label

    _echo(f"{run_label(diff.old)} → {run_label(diff.new)}")
    if diff.scheme_changed:
        _echo("注意：两次运行的考核方案不同（config.toml 已修改）。")
    if diff.files:
        _echo("报表变化：" + "；".join(f"{f}（{how}）" for f, how in diff.files))
    changed = diff.changed_units
    if not changed:
        _echo("两次运行的结果相同。")
        return
    _echo(f"{len(changed)} 个单位的结果有变化：")
    for u in changed:
        parts = [f"总分 {_num(u.old_total)} → {_num(u.new_total)}"]
        if u.old_rank != u.new_rank:
            parts.append(f"名次 {u.old_rank} → {u.new_rank}")
        if u.old_grade != u.new_grade:
            parts.append(f"等次 {u.old_grade or '—'} → {u.new_grade or '—'}")
        if u.old_awards != u.new_awards:
            parts.append(f"奖项 {'、'.join(u.old_awards) or '无'} → {'、'.join(u.new_awards) or '无'}")
        _echo(f"  {u.unit}：{'，'.join(parts)}")
        for c in u.cells:
            period = f"（{c.period}）" if c.period else ""
            how = f"，{c.correction}" if c.correction else ""
            _echo(f"    数据：{c.source}：{c.indicator} {c.name}{period} {_num(c.old)} → {_num(c.new)}{how}")
        for s in u.scores:
            why = "本单位数据变化" if s.own_data_changed else s.why
            _echo(f"    得分：{s.indicator} {s.name} {_num(s.old)} → {_num(s.new)}（{why}）")


def _num(x) -> str:
    if x is None:
        return "—"
    return f"{x:g}" if isinstance(x, float) else str(x)


@cli.command("publish")
@click.argument("folder", default=".", metavar="[文件夹]")
@click.option("--as", "status", required=True, type=click.Choice(["公示", "定稿"]), help="标为公示或定稿")
@click.option("--replace", is_flag=True, help="已有定稿时，用最近一次运行替换它（原定稿改记为公示）")
def publish_cmd(folder, status, replace):
    """把最近一次已计分的运行标为“公示”或“定稿”，并重新生成该次运行的结果（各表标题标明“公示稿”；定稿为正式结果）。
    已有定稿时不会被悄悄替换：须加 --replace。"""
    from .history import FINAL
    from .run import Stamp

    path = _folder(folder)
    runs = _guard(path, lambda: _history_runs(path))
    latest = next((r for r in runs if r.scored), None)
    if latest is None:
        _echo("错误：运行记录中还没有已计分的运行，请先运行 kaohe run。", err=True)
        sys.exit(EXIT_SCHEME)
    final = next((r for r in runs if r.status == FINAL and r.year == latest.year and r.id != latest.id), None)
    if status == FINAL and final is not None and not replace:
        _echo(f"错误：第 {final.id} 次运行已定稿。如确需以第 {latest.id} 次运行替换，请加 --replace"
              f"（先用 kaohe diff . {final.id} {latest.id} 核对变化）。", err=True)
        sys.exit(EXIT_SCHEME)
    outcome = _guard(path, lambda: run_assessment(path, progress=_progress(False), stamp=Stamp(latest, status)))
    _echo(f"第 {latest.id} 次运行（{latest.finished_at[:16].replace('T', ' ')}）已标为“{status}”，output/ 中的结果已按该次运行"
          f"重新生成{'，各表标题标明“公示稿”' if status != FINAL else '，为正式结果'}。"
          + (f"原定稿第 {outcome.replaced} 次运行改记为“公示”。" if outcome.replaced else ""))


def main() -> None:
    from .cli_messages import usage_text

    try:
        cli.main(standalone_mode=False, prog_name="kaohe")
    except click.exceptions.NoArgsIsHelpError as exc:  # `kaohe` alone: the help, as --help shows it
        _echo(exc.ctx.get_help() if exc.ctx is not None else usage_text(exc))
        sys.exit(EXIT_OK)
    except click.exceptions.UsageError as exc:
        _echo(f"错误：{usage_text(exc)}", err=True)
        sys.exit(EXIT_SCHEME)
    except click.exceptions.Abort:
        _echo("已取消。", err=True)
        sys.exit(EXIT_INTERNAL)
    except Exception as exc:  # noqa: BLE001 - only an interrupt that library code wrapped is handled here
        if (stop := interrupted_by(exc)) is None:
            raise
        _interrupted_after(stop)
    except Interrupted as exc:  # after a command's work, while its results are being printed
        _interrupted_after(exc)


def _interrupted_after(stop: Interrupted) -> NoReturn:
    quiet_signals()
    state = f"；{_previous(_ACTIVE['path'], _ACTIVE['store'])}" if _ACTIVE else ""
    _echo(f"已中断（收到{stop.what}）{state}。", err=True)
    sys.exit(stop.exit_code)


if __name__ == "__main__":
    main()
