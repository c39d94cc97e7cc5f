"""One run = one output set (SPEC §9), with real processes: kill -9 at random moments and at every step of the
publishing window (fault injection), SIGINT/SIGTERM through the real CLI, a size-limited disk, an unwritable folder.

The folder is a tiny real assessment (3 units, one real .xlsx return) so that a hundred runs fit the suite's budget;
the runs are forked from this process (the pipeline already imported), each a real process killed with SIGKILL.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

import pytest
import xlsxwriter

from pipeline import publish
from pipeline import run as run_module
from pipeline.ingest import bounded
from pipeline.run import run_assessment

from conftest import kaohe

CONFIG = """
[assessment]
title = "测试县2025年度乡镇考核"
year = 2025
organizer = "测试县考核办"

[[components]]
name = "指标考核"
kind = "indicators"
weight = 1
full = 100

[[indicators]]
id = "A1"
name = "重点工作完成情况评分"
category = ["重点工作"]
source = "县考核办"
points = 100
method = "direct"

[[units]]
name = "城关镇"

[[units]]
name = "东关镇"

[[units]]
name = "西湖镇"
"""
STEPS = ["staged", "manifest", "journal", "renamed", "linked", "switched"]


def tiny_folder(base: Path, scores=(91.5, 88, 79.25)) -> Path:
    folder = base / "测试县考核"
    (folder / "input").mkdir(parents=True)
    (folder / "config.toml").write_text(CONFIG, "utf-8")
    write_return(folder, scores)
    return folder


def write_return(folder: Path, scores) -> None:
    wb = xlsxwriter.Workbook(folder / "input" / "县考核办.xlsx")
    ws = wb.add_worksheet("评分")
    ws.write_row(0, 0, ["单位", "重点工作完成情况评分"])
    for i, (unit, value) in enumerate(zip(["城关镇", "东关镇", "西湖镇"], scores)):
        ws.write_row(i + 1, 0, [unit, value])
    wb.close()


def forked_run(folder: Path, fault_step: str | None = None) -> int:
    """A real process running `run_assessment(folder)`; with `fault_step` it SIGKILLs itself at that step."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
            if fault_step:
                publish.FAULT_HOOK = lambda step: os.kill(os.getpid(), signal.SIGKILL) if step == fault_step else None
            code = run_assessment(folder).exit_code
        except BaseException:  # noqa: BLE001 - kept for the assertion that sees exit 99
            (folder.parent / "forked-error.txt").write_text(traceback.format_exc(), "utf-8")
            code = 99
        os._exit(code)
    return pid


def _forked_error(folder: Path) -> str:
    path = folder.parent / "forked-error.txt"
    return path.read_text("utf-8") if path.is_file() else "(no traceback)"


def assert_whole(folder: Path) -> Path | None:
    """Readers see one whole run: output is absent or links to a generation matching its manifest, and every
    archived generation is whole. The generation output shows, if any."""
    store = publish.outputs(folder)
    link = folder / "output"
    gens = store.all()
    for gen in gens:
        assert publish.verify(gen) == [], f"partial archive {gen.name}"
    if not os.path.lexists(link):
        return None
    assert link.is_symlink(), "output must be the generation link"
    current = store.current()
    assert current is not None and publish.verify(current) == [], "output shows a mixed or partial set"
    names = set(json.loads((current.path / publish.MANIFEST).read_text("utf-8"))["files"])
    on_disk = {str(p.relative_to(current.path)) for p in current.path.rglob("*") if p.is_file()} - {publish.MANIFEST}
    assert on_disk == names, "files beside the manifest's set"
    return current.path


def test_kill_9_at_100_random_moments_never_leaves_a_mixed_set_or_a_partial_archive(tmp_path):
    folder = tiny_folder(tmp_path)
    assert run_assessment(folder).exit_code == 0
    durations = []
    for _ in range(2):  # a forked run, as the ones killed below; the faster one bounds the random moments
        start = time.monotonic()
        _, status = os.waitpid(forked_run(folder), 0)
        durations.append(time.monotonic() - start)
        assert os.waitstatus_to_exitcode(status) == 0, _forked_error(folder)
    duration = min(durations)
    rng = random.Random(20261201)
    outcomes = {"killed": 0, "finished": 0}
    by_step = dict.fromkeys(STEPS, 0)
    k = 0
    while outcomes["killed"] < 100:  # 100 kills; a run that finished first is counted apart and checked as well
        assert k < 200, outcomes
        write_return(folder, (rng.uniform(60, 100), 88, 79.25))  # each run's results differ from the last
        step = rng.choice(STEPS) if k % 3 == 0 else None
        k += 1
        start = time.monotonic()
        pid = forked_run(folder, step)
        if step is None:
            time.sleep(rng.uniform(0, duration * 0.9))
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if step is not None:
            assert os.WIFSIGNALED(status), f"fault at {step} not reached: {_forked_error(folder)}"
            by_step[step] += 1
        if os.WIFSIGNALED(status):
            outcomes["killed"] += 1
        else:
            outcomes["finished"] += 1
            duration = min(duration, time.monotonic() - start)
        assert_whole(folder)
    assert all(by_step.values()), (outcomes, by_step)
    outcome = run_assessment(folder)  # the next run recovers and succeeds
    assert outcome.exit_code == 0
    shown = assert_whole(folder)
    assert shown is not None and json.loads((shown / "results.json").read_text("utf-8"))["units"]
    assert not list((folder / publish.ARCHIVE_DIR).glob(".tmp-*"))
    assert not (folder / publish.STATE_DIR / "pending-output").exists()


def _running(pid: int) -> bool:
    """The process exists and is not a zombie (an orphan's zombie may wait for a reaper that never comes)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="需要 Linux 的 /proc 来查看进程状态")
def test_kill_9_while_a_reader_is_busy_leaves_no_reader_and_no_lock(tmp_path):
    """A run killed with kill -9 while its bounded reader works: the reader dies with it (it used to run on to its
    budget, or forever if the file made it loop, holding the folder's lock, so every next run was refused as
    "another kaohe is running")."""
    folder = tiny_folder(tmp_path)
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the run: holds the folder's lock, reads one "return" that takes a minute
        try:
            with run_module.folder_lock(folder):
                bounded.run_all([lambda: (os.write(ready_w, f"{os.getpid()}\n".encode()), time.sleep(60))], 120)
        finally:
            os._exit(0)
    os.close(ready_w)
    reader = int(os.read(ready_r, 64).split()[0])  # the reader has started
    os.close(ready_r)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    deadline = time.monotonic() + 5
    while _running(reader) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _running(reader), "the reader of the killed run is still running"
    res = kaohe("check", folder)  # the folder is free at once
    assert res.returncode == 0 and "另一个 kaohe 正在处理" not in res.stderr, res.stdout + res.stderr


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_inside_publishing_is_rolled_back_or_forward_whole(tmp_path, step):
    """At each step of the commit the reader sees the old set or the new one; the next run cleans up."""
    folder = tiny_folder(tmp_path)
    assert run_assessment(folder).exit_code == 0
    before = publish.outputs(folder).current()
    write_return(folder, (60, 61, 62))
    _, status = os.waitpid(forked_run(folder, step), 0)
    assert os.WIFSIGNALED(status)
    shown = assert_whole(folder)
    new = step == "switched"  # the link was replaced: the new set is committed
    assert (shown == before.path) != new
    assert run_assessment(folder).exit_code == 0
    gens = publish.outputs(folder).all()
    assert [publish.verify(g) for g in gens] == [[]] * len(gens)
    assert len(gens) == (3 if new else 2)  # an uncommitted generation was rolled back, never archived
    assert not list((folder / publish.ARCHIVE_DIR).glob(".tmp-*"))


def test_a_kill_while_rolling_back_leaves_no_half_deleted_generation(tmp_path):
    """Recovery removes an uncommitted generation by renaming it to a staging name first: killed while deleting, the
    archive never shows a generation without its manifest, and the next run finishes the clean-up."""
    folder = tiny_folder(tmp_path)
    assert run_assessment(folder).exit_code == 0
    before = publish.outputs(folder).current()
    write_return(folder, (60, 61, 62))
    _, status = os.waitpid(forked_run(folder, "renamed"), 0)  # a generation on disk, named by the journal, not shown
    assert os.WIFSIGNALED(status) and len(publish.outputs(folder).all()) == 2
    _, status = os.waitpid(forked_run(folder, "discarding"), 0)  # the next run is killed while rolling it back
    assert os.WIFSIGNALED(status), _forked_error(folder)
    assert assert_whole(folder) == before.path
    assert [g.name for g in publish.outputs(folder).all()] == [before.name]
    assert run_assessment(folder).exit_code == 0
    assert not list((folder / publish.ARCHIVE_DIR).glob(".tmp-*"))
    assert len(publish.outputs(folder).all()) == 2


def _cli(folder: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(folder)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", **kw)


@pytest.fixture(scope="module")
def entry_ready() -> float:
    """How long a fresh interpreter takes here and now to reach kaohe's entry point (which installs the handlers);
    a signal before that meets Python's own start-up, which no program's code can handle."""
    best = float("inf")
    for _ in range(2):
        t = time.monotonic()
        subprocess.run([sys.executable, "-c", "import pipeline.entry"], check=True)
        best = min(best, time.monotonic() - t)
    return best


@pytest.mark.parametrize("sig,code,offsets", [(signal.SIGINT, 130, (0.05, 0.35, 0.9)),
                                              (signal.SIGTERM, 143, (0.2, 0.6, 1.3))])
def test_ctrl_c_or_sigterm_at_any_moment_is_a_clean_chinese_exit(tmp_path, entry_ready, sig, code, offsets):
    """From kaohe's entry point on (measured in this run), through the heavy imports, reading and publishing."""
    folder = tiny_folder(tmp_path)
    ready = 1.5 * entry_ready
    delays = [ready + x for x in offsets]
    seen = set()
    for delay in delays:
        proc = _cli(folder)
        time.sleep(delay)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
        assert "Traceback" not in out + err, (delay, err)
        assert proc.returncode in (code, 0), (delay, proc.returncode, err)
        if proc.returncode == code:
            seen.add(delay)
            assert "已中断" in err, err
            state = assert_whole(folder)
            # the message about the outputs is true: it names the generation readers now see, or says there is none
            # (or, interrupted while starting, that no command ran)
            assert ("未运行任何命令" in err or (state is None and "尚无已发布的结果" in err)
                    or (state is not None and "已逐个文件核对" in err)), err
    assert seen, "no run was interrupted: the delays are too long for this machine"
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stderr  # the lock was released
    assert_whole(folder)


START_UP_SIGNAL = """
import atexit, importlib.abc, os, signal, sys

class SignalOnImport(importlib.abc.MetaPathFinder):  # the signal arrives while the CLI's modules are being imported
    def find_spec(self, name, path, target=None):
        if name == "pipeline.methods.base":
            os.kill(os.getpid(), signal.SIGTERM)
        return None

sys.meta_path.insert(0, SignalOnImport())
atexit.register(lambda: print("CLI imported whole:", getattr(sys.modules.get("pipeline.cli"), "main", None) is not None))
sys.argv = ["kaohe", "run", sys.argv[1]]
from pipeline.entry import main
main()
"""


def test_a_signal_during_the_start_up_imports_waits_for_them_and_is_then_a_clean_exit(tmp_path):
    """An exception raised inside an import can come out as another one (a RuntimeError from a class body) and leaves
    half-built modules: the signal is recorded, the imports finish, then the run stops with the Chinese message."""
    folder = tiny_folder(tmp_path)
    res = subprocess.run([sys.executable, "-c", START_UP_SIGNAL, str(folder)], capture_output=True, text=True,
                         encoding="utf-8", timeout=120)
    assert res.returncode == 143 and "Traceback" not in res.stdout + res.stderr, res.stderr
    assert "已中断（收到终止信号（SIGTERM））" in res.stderr and "未运行任何命令" in res.stderr
    assert "CLI imported whole: True" in res.stdout
    assert not os.path.lexists(folder / "output")


def test_an_interrupt_that_library_code_wrapped_is_still_an_interrupt(tmp_path, capsys):
    """Python turns an exception raised in `__set_name__` into a RuntimeError; the guard finds the interrupt along the
    exception chain and reports it as one (exit 143), not as an internal error with a crash log."""
    from pipeline import cli
    from pipeline.entry import Interrupted, interrupted_by

    def wrapped():
        try:
            class Owner:  # noqa: F841 - the class body is what runs __set_name__
                attr = type("Descriptor", (), {"__set_name__": lambda self, owner, name: (_ for _ in ()).throw(
                    Interrupted(signal.SIGTERM))})()
        except RuntimeError as exc:
            assert interrupted_by(exc) is not None and interrupted_by(exc).signum == signal.SIGTERM
            raise
        raise AssertionError("Python no longer wraps errors from __set_name__")

    folder = tiny_folder(tmp_path)
    with pytest.raises(SystemExit) as stop:
        cli._guard(folder, wrapped)
    assert stop.value.code == 143
    err = capsys.readouterr().err
    assert "已中断（收到终止信号（SIGTERM））" in err and "内部错误" not in err
    assert not (folder / publish.STATE_DIR / "logs").exists()
    assert interrupted_by(ValueError("plain")) is None


def test_a_full_disk_publishes_nothing_and_says_what_readers_see(tmp_path):
    """A real file-size limit (RLIMIT_FSIZE, as a full disk or quota does) stops the writing of the outputs: the
    previous set stays whole and current, the message says so because it checked, nothing half-written remains."""
    folder = tiny_folder(tmp_path)
    assert run_assessment(folder).exit_code == 0
    before = publish.outputs(folder).current()

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    write_return(folder, (60, 61, 62))
    proc = _cli(folder, preexec_fn=limit)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 3 and "Traceback" not in out + err
    assert "磁盘空间不足" in err and "本次结果未发布" in err and "已逐个文件核对" in err and before.label() in err
    assert publish.outputs(folder).current() == before and assert_whole(folder) == before.path
    assert len(publish.outputs(folder).all()) == 1 and not list((folder / publish.ARCHIVE_DIR).glob(".tmp-*"))


def _without_root_powers() -> list[str]:
    """A command prefix under which file permissions apply: none for a normal user; for root, setpriv dropping the
    capabilities that override them (root keeps its files, the venv stays usable)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("以 root 运行且没有 setpriv（util-linux），无法让文件权限对本进程生效")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps", "-dac_override,-dac_read_search"]


def test_an_unwritable_folder_is_a_clear_message_not_a_log_that_was_never_written(tmp_path):
    folder = tiny_folder(tmp_path)
    os.chmod(folder, 0o555)  # readable, not writable: no lock, no output, no archive can be made
    try:
        res = subprocess.run([*_without_root_powers(), sys.executable, "-m", "pipeline", "run", str(folder)],
                             capture_output=True, text=True, encoding="utf-8", timeout=120)
    finally:
        os.chmod(folder, 0o755)
    assert res.returncode == 2, res.stderr
    assert "考核文件夹" in res.stderr and "不可写" in res.stderr and "Traceback" not in res.stdout + res.stderr
    assert "日志" not in res.stderr  # no pointer to a log that could not be written
    assert not os.path.lexists(folder / "output")


def test_an_output_folder_of_an_older_kaohe_is_archived_whole_not_lost(tmp_path):
    folder = tiny_folder(tmp_path)
    old = folder / "output"
    (old / "归档" / "20250101-000000").mkdir(parents=True)
    (old / "考核结果汇总表.xlsx").write_bytes(b"old results")
    assert run_assessment(folder).exit_code == 0
    moved = [g for g in (folder / publish.ARCHIVE_DIR).iterdir() if g.name.endswith("旧版输出")]
    assert len(moved) == 1 and (moved[0] / "考核结果汇总表.xlsx").read_bytes() == b"old results"
    assert (folder / "output").is_symlink() and assert_whole(folder) is not None


def test_check_publishes_its_own_set_and_keeps_the_scored_run_in_the_archive(tmp_path):
    folder = tiny_folder(tmp_path)
    assert run_assessment(folder).exit_code == 0
    scored = publish.outputs(folder).current()
    outcome = run_assessment(folder, check_only=True)
    assert outcome.exit_code == 0
    now = publish.outputs(folder).current()
    assert now.name.endswith("-检查") and now.seq == scored.seq + 1
    assert sorted(p.name for p in now.path.iterdir()) == [publish.MANIFEST, "数据问题.csv", "数据问题.xlsx", "运行状态.txt"]
    assert (scored.path / "results.json").is_file() and publish.verify(scored) == []
    # where a clerk looks first: output/ says it holds no results, and where the last complete ones are
    status = (folder / "output" / "运行状态.txt").read_text(encoding="utf-8")
    assert "本次只检查报表（kaohe check），未计分" in status and "没有考核结果表，请勿把它当作考核结果报送" in status
    assert f"最近一次完整的考核结果是{scored.label()}的结果，在 归档/{scored.name}/ 中" in status


def test_a_run_stopped_by_data_errors_says_where_the_last_results_are(example):
    from conftest import kaohe

    assert kaohe("run", example).returncode == 0
    scored = publish.outputs(example).current()
    (example / "input" / "统计局").rename(example / "统计局（暂存）")
    res = kaohe("run", example)
    assert res.returncode == 1
    assert f"output/ 现在只有数据问题清单；最近一次完整的考核结果是{scored.label()}的结果，在 归档/{scored.name}/ 中" in res.stderr
    status = (example / "output" / "运行状态.txt").read_text(encoding="utf-8")
    assert "本次运行因报表数据有错误，未计分" in status and scored.name in status


def test_results_json_is_strict_json_and_a_non_finite_number_is_never_written(tmp_path):
    folder = tiny_folder(tmp_path)
    outcome = run_assessment(folder)
    assert outcome.exit_code == 0

    def refuse(name):
        raise AssertionError(f"{name} is not JSON")

    doc = json.loads((folder / "output" / "results.json").read_text("utf-8"), parse_constant=refuse)
    assert [u["unit"] for u in doc["units"]] == ["城关镇", "东关镇", "西湖镇"]
    outcome.results.units[0].total = float("inf")  # should a bug ever make one, the run fails instead of writing it
    with pytest.raises(ValueError):
        outcome.results.file_bytes()
