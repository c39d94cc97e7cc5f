"""Run the reading of one return in a child process with a wall-clock budget and a memory limit.

Why: the reader's own bounds (zip sizes, cells, merged area, sheets, strings, formula work) refuse the hostile files
we know of with a precise reason, but a reader library can still be made to loop, to allocate without bound, or to
abort the whole process (calamine panics in Rust and exits with 134). Reading each file in a forked child bounds
all of that at once: the child gets an address-space limit (RLIMIT_AS), the parent waits at most `seconds`, and a
child that is killed, aborts or runs out of memory becomes one `BoundExceeded` naming what happened, while the
other returns are still read. Where `fork` does not exist (Windows) the work runs in-process with the reader's own
bounds only (docs/decisions.md).
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import time
from typing import Callable, TypeVar

T = TypeVar("T")

FILE_SECONDS = 8.0  # default wall-clock budget per return (`[ingest] file_seconds`; SPEC §9: refused in < 10 s)
MAX_SECONDS = 120.0  # the budget grows with the file's size (`budget`), up to this


def budget(base: float, size: int) -> float:
    """A return's time budget: `base` for a return of ordinary size, and `base` more per MB of file, so a genuine
    20,000-row return is read while a few-KB hostile file is still refused within `base` seconds."""
    return min(MAX_SECONDS, base * (1 + size / (1 << 20)))
FILE_MEMORY = 1 << 30  # address space a child may add to what it inherits (SPEC §9: < 1 GB)


class BoundExceeded(Exception):
    """The child ran out of time or memory, or died; `reason` is Chinese."""

    def __init__(self, reason: str, code: str = "file-too-large"):
        super().__init__(reason)
        self.reason, self.code = reason, code


def _address_space() -> int:
    """This process's current virtual size in bytes (0 when unknown)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with(parent: int) -> None:
    """The child never outlives the run: killed with it (Linux), and gone if the parent is already gone."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(70)


def _child(work: Callable[[], T], write_fd: int, memory: int, seconds: float, parent: int) -> None:
    """In the forked child: limits, run, send ("ok", result) or ("error", exception) pickled, exit without cleanup.

    The parent enforces the wall-clock budget; if the parent is killed (kill -9) nobody would, so the child also dies
    with its parent and has a CPU-time limit of its own (SIGXCPU) a little above the budget."""
    status = 0
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):  # the parent decides; an interrupt kills the child from there
            signal.signal(sig, signal.SIG_IGN)
        _die_with(parent)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)  # a library's panic message or warning never reaches the user's console
        import faulthandler

        faulthandler.disable()  # it writes to its own copy of stderr (pytest enables it)
        try:
            import resource

            base = _address_space()
            if base and memory:
                resource.setrlimit(resource.RLIMIT_AS, (base + memory, base + memory))
            cpu = int(seconds) + 2
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        except (ImportError, ValueError, OSError):
            pass
        try:
            payload = ("ok", work())
        except MemoryError:
            payload = ("memory", None)
        except Exception as exc:  # noqa: BLE001 - sent to the parent, which raises it there
            payload = ("error", exc)
        try:
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory", None))
        except Exception as exc:  # noqa: BLE001 - an unpicklable exception: its text is enough
            data = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        view = memoryview(data)
        while view:
            n = os.write(write_fd, view[:1 << 20])
            view = view[n:]
    except BaseException:  # noqa: BLE001 - nothing may escape a forked child into the parent's code
        status = 70
    finally:
        os._exit(status)


def call(work: Callable[[], T], seconds: float = FILE_SECONDS, memory: int = FILE_MEMORY) -> T:
    """`work()` in a forked child, bounded; its result, or its exception re-raised here, or BoundExceeded."""
    (outcome,) = run_all([work], seconds, memory, parallel=1)
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


class _Job:
    """One forked child: its pid, the pipe it answers on, what it sent so far, and its deadline."""

    def __init__(self, work: Callable, seconds: float, memory: int):
        read_fd, write_fd = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            os.close(read_fd)
            _child(work, write_fd, memory, seconds, parent)
        os.close(write_fd)
        self.pid, self.fd, self.chunks = pid, read_fd, []
        self.deadline = time.monotonic() + seconds
        self.seconds, self.memory = seconds, memory

    def stop(self) -> None:
        """Kill (if still running) and reap the child; close the pipe."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
            _kill(self.pid)
        os.waitpid(self.pid, 0)

    def outcome(self, finished: bool, status: int):
        if not finished:
            return BoundExceeded(f"读取超过 {self.seconds:.3g} 秒仍未完成，已停止读取（文件可能被恶意构造，或内容异常庞大）")
        try:
            kind, value = pickle.loads(b"".join(self.chunks))
        except Exception:  # noqa: BLE001 - the child died before sending a whole answer
            return BoundExceeded(_death(status), "unreadable-file")
        if kind == "memory":
            return BoundExceeded(f"读取所需内存超过上限（{self.memory >> 20} MB），已停止读取（文件可能被恶意构造，或内容异常庞大）")
        return value


def run_all(works: list[Callable], seconds: float | list[float] = FILE_SECONDS, memory: int = FILE_MEMORY,
            parallel: int = 2, started: Callable[[int], None] | None = None) -> list:
    """Each work in its own bounded child, up to `parallel` at a time; per work, in order, its result or the
    exception it raised or a BoundExceeded. `seconds` is one budget for all, or one per work. An interrupt here
    kills and reaps every child before propagating."""
    budgets = list(seconds) if isinstance(seconds, (list, tuple)) else [seconds] * len(works)
    if not hasattr(os, "fork") or min(budgets, default=1) <= 0:
        out = []
        for i, work in enumerate(works):
            if started:
                started(i)
            try:
                out.append(work())
            except Exception as exc:  # noqa: BLE001 - returned like the forked path does
                out.append(exc)
        return out
    results: list = [None] * len(works)
    pending = list(enumerate(works))
    running: dict[int, tuple[int, _Job]] = {}  # fd -> (index, job)
    try:
        while pending or running:
            while pending and len(running) < max(1, parallel):
                i, work = pending.pop(0)
                if started:
                    started(i)
                job = _Job(work, budgets[i], memory)
                running[job.fd] = (i, job)
            now = time.monotonic()
            wait = max(0.0, min(job.deadline for _, job in running.values()) - now)
            ready, _, _ = select.select(list(running), [], [], wait)
            for fd in ready:
                chunk = os.read(fd, 1 << 20)
                i, job = running[fd]
                if chunk:
                    job.chunks.append(chunk)
                    continue
                del running[fd]
                os.close(fd)
                job.fd = None
                _, status = os.waitpid(job.pid, 0)
                results[i] = job.outcome(True, status)
            now = time.monotonic()
            for fd, (i, job) in list(running.items()):
                if now >= job.deadline:
                    del running[fd]
                    job.stop()
                    results[i] = job.outcome(False, 0)
    finally:
        for _, job in running.values():
            job.stop()
    return results


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _death(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == getattr(signal, "SIGXCPU", None):
            return "读取所用时间超过上限，已停止读取（文件可能被恶意构造，或内容异常庞大）"
        if sig == signal.SIGABRT:
            return "读取组件异常终止（文件结构异常，可能已损坏或被恶意构造），请用 Excel 或 WPS 打开后另存为 .xlsx 再报送"
        return f"读取进程被系统终止（信号 {sig}，可能是内存不足），文件内容可能异常庞大或被恶意构造"
    return f"读取组件异常退出（退出码 {os.WEXITSTATUS(status)}），文件可能已损坏或被恶意构造，请另存为 .xlsx 再报送"
