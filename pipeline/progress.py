"""How far a run has got, on the console: a bar on a terminal, a few plain lines in a log, nothing with --quiet.

Why: a run over hundreds of returns takes minutes (reading, then writing one score card and one filled table per
unit), and a clerk watching a silent window, or a scheduler's log with 600 lines of file names, learns nothing
useful. The stages report what they do to a `Progress`; which kind the console gets is decided once, by the CLI:
`Bar` (tqdm, the field's standard progress meter, with Chinese labels) when standard error is a terminal, `Lines`
(the start, every tenth, the end with its time) when it is a file or a pipe, `Silent` for --quiet.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

BAR_FORMAT = "{desc}：{percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}（已用 {elapsed}，还需约 {remaining}）"


class Progress:
    """What a stage reports: it starts with its name and number of steps, then each step names what it did."""

    def start(self, stage: str, total: int) -> None:
        pass

    def step(self, label: str = "") -> None:
        pass

    def finish(self) -> None:
        """The stage is over (also when it stopped early)."""


Silent = Progress


class Lines(Progress):
    """Plain lines for a log: the stage's start, about every tenth of it, and its end with the time it took."""

    def __init__(self, stream: TextIO):
        self.stream, self.stage, self.total, self.done, self.began = stream, "", 0, 0, 0.0

    def _say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def start(self, stage: str, total: int) -> None:
        self.finish()
        self.stage, self.total, self.done, self.began = stage, total, 0, time.perf_counter()
        self._say(f"{stage}：共 {total} 个")

    def step(self, label: str = "") -> None:
        self.done += 1
        tenth = self.done * 10 // max(self.total, 1)
        if tenth > (self.done - 1) * 10 // max(self.total, 1) and self.done < self.total:
            self._say(f"{self.stage}：{self.done}/{self.total}" + (f"（{label}）" if label else ""))

    def finish(self) -> None:
        if self.stage:
            self._say(f"{self.stage}：完成 {self.done} 个，用时 {time.perf_counter() - self.began:.1f} 秒")
        self.stage = ""


class Bar(Progress):
    """A tqdm bar on the terminal, redrawn in place and cleared when the stage ends."""

    def __init__(self, stream: TextIO):
        self.stream, self.bar = stream, None

    def start(self, stage: str, total: int) -> None:
        from tqdm import tqdm

        self.finish()
        try:
            known = min(os.get_terminal_size(self.stream.fileno())) > 0
        except (OSError, ValueError, AttributeError):
            known = False
        # a terminal that reports no size (0 × 0) would get no bar at all from tqdm
        size = {"dynamic_ncols": True} if known else {"ncols": 100, "nrows": 24}
        self.bar = tqdm(total=total, desc=stage, file=self.stream, bar_format=BAR_FORMAT, leave=False,
                        mininterval=0.2, **size)

    def step(self, label: str = "") -> None:
        if self.bar is not None:
            self.bar.update(1)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def for_console(quiet: bool, stream: TextIO | None = None) -> Progress:
    stream = stream or sys.stderr
    if quiet:
        return Silent()
    return Bar(stream) if stream.isatty() else Lines(stream)


__all__ = ["Progress", "Silent", "Lines", "Bar", "for_console"]
