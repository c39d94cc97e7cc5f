"""Run the reading of the returns in forked reader processes, each return with a wall-clock budget and a memory limit.

Why: the reader's own bounds (zip sizes, cells, merged area, sheets, strings, formula work) refuse the hostile files
we know of with a precise reason, but a reader library can still be made to loop, to allocate without bound, or to
abort the whole process (calamine panics in Rust and exits with 134). Reading in a forked child bounds all of that
at once: for each return the child gets an address-space allowance (RLIMIT_AS) and a CPU-time limit, the parent
waits at most the return's budget, and a child that is killed, aborts or runs out of memory becomes one
`BoundExceeded` naming the one return it was reading, while the others are still read (by a fresh child). A child
reads one return at a time and then the next it is given: a fork per return cost more than reading a small one
(docs/decisions.md 62). Where `fork` does not exist (Windows) the work runs in-process with the reader's own bounds
only (docs/decisions.md 49).
"""

from __future__ import annotations

import contextlib
import gc
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


def _limit(kind: int, allowance: int) -> None:
    """Set the soft limit `kind` to `allowance`, never above the hard limit this process inherited (which stays,
    so the next file can be given its own allowance)."""
    import resource

    _, hard = resource.getrlimit(kind)
    resource.setrlimit(kind, (allowance if hard == resource.RLIM_INFINITY else min(allowance, hard), hard))


def _allow(memory: int, seconds: float) -> None:
    """One file's allowance, on top of what this process already uses: `memory` more bytes of address space and the
    CPU time of its budget (the parent's wall clock is the real guard; this one holds if the parent is gone)."""
    try:
        import resource

        base = _address_space()
        if base and memory:
            _limit(resource.RLIMIT_AS, base + memory)
        used = resource.getrusage(resource.RUSAGE_SELF)
        _limit(resource.RLIMIT_CPU, int(used.ru_utime + used.ru_stime + seconds) + 2)
    except (ImportError, ValueError, OSError):
        pass


def _answer(index: int, work: Callable) -> bytes:
    """One work's outcome, framed: 8 bytes of length, then (index, kind, value) pickled."""
    try:
        payload = (index, "ok", work())
    except MemoryError:
        payload = (index, "memory", None)
    except Exception as exc:  # noqa: BLE001 - sent to the parent, which raises it there
        payload = (index, "error", exc)
    try:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps((index, "memory", None))
    except Exception as exc:  # noqa: BLE001 - an unpicklable exception: its text is enough
        data = pickle.dumps((index, "error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    return len(data).to_bytes(8, "little") + data


@contextlib.contextmanager
def collector_paused():
    """The cyclic garbage collector paused while a reading's objects are built: a reading is hundreds of thousands
    of new objects and no cycles, and each collection they trigger walks everything the process holds (a second
    run in one process read 25 % slower)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _child(works: list[Callable], budgets: list[float], orders: int, answers: int, memory: int, parent: int) -> None:
    """In a forked reader: read work numbers from `orders`, run each within its own allowance, send each outcome to
    `answers`; exit without cleanup at end of orders (the parent kills a reader that ran out of memory).

    The parent enforces each work's wall-clock budget; if the parent is killed (kill -9) nobody would, so the reader
    also dies with its parent and has a CPU-time limit of its own (SIGXCPU) a little above the budget."""
    status = 0
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):  # the parent decides; an interrupt kills the child from there
            signal.signal(sig, signal.SIG_IGN)
        _die_with(parent)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)  # a library's panic message or warning never reaches the user's console
        import faulthandler

        faulthandler.disable()  # it writes to its own copy of stderr (pytest enables it)
        while True:
            order = _read_exactly(orders, 4)
            if len(order) < 4:
                break
            index = int.from_bytes(order, "little")
            _allow(memory, budgets[index])
            data = memoryview(_answer(index, works[index]))
            while data:
                n = os.write(answers, data[:1 << 20])
                data = data[n:]
    except BaseException:  # noqa: BLE001 - nothing may escape a forked child into the parent's code
        status = 70
    finally:
        os._exit(status)


def _read_exactly(fd: int, n: int) -> bytes:
    out = b""
    while len(out) < n:
        chunk = os.read(fd, n - len(out))
        if not chunk:
            break
        out += chunk
    return out


def call(work: Callable[[], T], seconds: float = FILE_SECONDS, memory: int = FILE_MEMORY) -> T:
    """`work()` in a forked child, bounded; its result, or its exception re-raised here, or BoundExceeded."""
    (outcome,) = run_all([work], seconds, memory, parallel=1)
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


class _Reader:
    """One forked reader: its pid, the pipe it takes work numbers on and the one it answers on, the work it is on
    (None when idle), that work's deadline, and the bytes of the answer received so far."""

    def __init__(self, works: list[Callable], budgets: list[float], memory: int):
        orders_r, self.orders = os.pipe()
        self.answers, answers_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            os.close(self.orders)
            os.close(self.answers)
            _child(works, budgets, orders_r, answers_w, memory, parent)
        os.close(orders_r)
        os.close(answers_w)
        self.pid, self.memory = pid, memory
        self.index: int | None = None
        self.deadline = 0.0
        self.seconds = 0.0
        self.received = bytearray()

    def start(self, index: int, seconds: float) -> None:
        self.index, self.seconds = index, seconds
        self.deadline = time.monotonic() + seconds
        os.write(self.orders, index.to_bytes(4, "little"))

    def answer(self):
        """The (index, kind, value) answer, once all of it has arrived; None before that."""
        if len(self.received) < 8:
            return None
        size = int.from_bytes(self.received[:8], "little")
        if len(self.received) < 8 + size:
            return None
        with collector_paused():
            out = pickle.loads(bytes(self.received[8:8 + size]))
        del self.received[:8 + size]
        return out

    def outcome(self, kind: str, value):
        if kind == "memory":
            return BoundExceeded(f"读取所需内存超过上限（{self.memory >> 20} MB），已停止读取（文件可能被恶意构造，或内容异常庞大）")
        return value

    def timed_out(self):
        return BoundExceeded(f"读取超过 {self.seconds:.3g} 秒仍未完成，已停止读取（文件可能被恶意构造，或内容异常庞大）")

    def stop(self, kill: bool = True) -> int:
        """End the reader (killed, unless it is known to be dead already) and reap it; its exit status."""
        for fd in (self.orders, self.answers):
            if fd is not None:
                os.close(fd)
        self.orders = self.answers = None
        if kill:
            _kill(self.pid)
        _, status = os.waitpid(self.pid, 0)
        return status


def run_all(works: list[Callable], seconds: float | list[float] = FILE_SECONDS, memory: int = FILE_MEMORY,
            parallel: int = 2, started: Callable[[int], None] | None = None) -> list:
    """Each work run in a bounded forked reader, up to `parallel` readers at once; per work, in order, its result or
    the exception it raised or a BoundExceeded. `seconds` is one budget for all, or one per work.

    A reader runs one work at a time, each within its own allowance (its wall-clock budget from when it is handed
    over, `memory` more address space than the reader has then, a CPU-time limit), and takes the next when it has
    answered: forking once per work cost more than reading a small return. A reader that overruns, runs out of
    memory or dies is replaced by a fresh one, and what happened is the outcome of the one work it was on. An
    interrupt here kills and reaps every reader before propagating."""
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
    pending = list(range(len(works)))
    readers: list[_Reader] = []
    try:
        while pending or any(r.index is not None for r in readers):
            for reader in readers:  # hand out work to idle readers, then start new ones up to `parallel`
                if reader.index is None and pending:
                    _hand_out(reader, pending, budgets, started)
            while pending and len(readers) < max(1, parallel):
                readers.append(_Reader(works, budgets, memory))
                _hand_out(readers[-1], pending, budgets, started)
            busy = [r for r in readers if r.index is not None]
            wait = max(0.0, min(r.deadline for r in busy) - time.monotonic())
            ready, _, _ = select.select([r.answers for r in busy], [], [], wait)
            for reader in [r for r in busy if r.answers in ready]:
                chunk = os.read(reader.answers, 1 << 20)
                if not chunk:  # the reader died on its work
                    i = reader.index
                    readers.remove(reader)
                    results[i] = BoundExceeded(_death(reader.stop(kill=False)), "unreadable-file")
                    continue
                reader.received += chunk
                if (answer := reader.answer()) is not None:
                    i, kind, value = answer
                    results[i] = reader.outcome(kind, value)
                    reader.index = None
                    if kind == "memory":  # its heap may be spent: a fresh reader takes the rest
                        readers.remove(reader)
                        reader.stop()
            now = time.monotonic()
            for reader in [r for r in readers if r.index is not None and now >= r.deadline]:
                readers.remove(reader)
                reader.stop()
                results[reader.index] = reader.timed_out()
    finally:
        for reader in readers:
            reader.stop()
    return results


def _hand_out(reader: _Reader, pending: list[int], budgets: list[float], started) -> None:
    i = pending.pop(0)
    if started:
        started(i)
    reader.start(i, budgets[i])


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
