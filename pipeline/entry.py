"""The `kaohe` program's entry point: interrupts become a Chinese message and exit 130/143, never a traceback.

The handlers are installed before anything heavy is imported (the CLI pulls in pandas and openpyxl, which takes a
noticeable part of a second), so Ctrl-C or SIGTERM at any moment is handled the same way. The signal is turned into
`Interrupted`, a BaseException so no `except Exception` on the way swallows it: every `finally` on the way runs (staging
removed, lock released) and publishing defers signals around its commit (`publish.signals_deferred`).
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


def quiet_signals() -> None:
    """Once an interrupt is being reported, further ones are ignored: the message and the exit code stay whole."""
    for sig in EXIT_INTERRUPTED:
        signal.signal(sig, signal.SIG_IGN)


def install() -> None:
    for sig in EXIT_INTERRUPTED:
        signal.signal(sig, _raise)


def main() -> None:
    install()
    try:
        from .cli import main as cli_main

        cli_main()
    except Interrupted as exc:  # outside a command's own guard (while starting, or parsing the command line)
        quiet_signals()
        print(f"已中断（收到{exc.what}），未运行任何命令，原有结果未改动。", file=sys.stderr)
        sys.exit(exc.exit_code)
    except BrokenPipeError:  # the console was closed or piped into `head`: nothing more can be shown
        try:
            sys.stderr.close()
        finally:
            sys.exit(3)


if __name__ == "__main__":
    main()
