"""The `kaohe` program's entry point: interrupts become a Chinese message and exit 130/143, never a traceback.

The handlers are installed before anything heavy is imported (the CLI pulls in pandas and openpyxl, which takes a
noticeable part of a second), so Ctrl-C or SIGTERM at any moment is handled the same way. While those imports run a
signal is only recorded and acted on once they finish: an exception raised inside an import can surface as another
exception (Python wraps one raised in a class body's `__set_name__` into a RuntimeError) and leaves half-initialised
modules behind. After that the signal is turned into `Interrupted`, a BaseException so no `except Exception` on the
way swallows it: every `finally` on the way runs (staging removed, lock released) and publishing defers signals around
its commit (`publish.signals_deferred`). Library code may still wrap it (a lazy import, a `__set_name__`), so the
guards look for it along the exception chain (`interrupted_by`).
"""

from __future__ import annotations

import signal
import sys

EXIT_INTERRUPTED = {signal.SIGINT: 130, signal.SIGTERM: 143}
SIGNAL_NAMES = {signal.SIGINT: "Ctrl-C（SIGINT）", signal.SIGTERM: "终止信号（SIGTERM）"}


class Interrupted(BaseException):
    """The run was interrupted by a signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return EXIT_INTERRUPTED.get(self.signum, 130)

    @property
    def what(self) -> str:
        return SIGNAL_NAMES.get(self.signum, f"信号 {self.signum}")


def _raise(signum, _frame):
    raise Interrupted(signum)


def interrupted_by(exc: BaseException | None) -> Interrupted | None:
    """The interrupt this exception is, or was raised because of (following `raise … from` and implicit context)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, Interrupted):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def quiet_signals() -> None:
    """Once an interrupt is being reported, further ones are ignored: the message and the exit code stay whole."""
    for sig in EXIT_INTERRUPTED:
        signal.signal(sig, signal.SIG_IGN)


def install() -> None:
    for sig in EXIT_INTERRUPTED:
        signal.signal(sig, _raise)


def _import_cli():
    """Import the CLI with signals recorded, not raised; a signal that came meanwhile is raised once it is done."""
    pending: list[int] = []
    for sig in EXIT_INTERRUPTED:
        signal.signal(sig, lambda signum, _frame: pending.append(signum))
    try:
        from .cli import main as cli_main
    finally:
        install()
    if pending:
        raise Interrupted(pending[0])
    return cli_main


def main() -> None:
    try:
        _import_cli()()
        quiet_signals()  # returned normally (see SystemExit below)
    except BrokenPipeError:  # the console was closed or piped into `head`: nothing more can be shown
        try:
            sys.stderr.close()
        finally:
            sys.exit(3)
    except SystemExit:  # a command's own exit, whose message is already shown
        # the work is done: a signal from here on changes nothing, and must not meet the interpreter's shutdown,
        # which puts Python-handled signals back to their default (kill) but leaves ignored ones ignored
        quiet_signals()
        raise
    except BaseException as exc:  # outside a command's own guard (while starting, or parsing the command line)
        stop = interrupted_by(exc)
        if stop is None:
            raise
        quiet_signals()
        print(f"已中断（收到{stop.what}），未运行任何命令，原有结果未改动。", file=sys.stderr)
        sys.exit(stop.exit_code)


if __name__ == "__main__":
    main()
