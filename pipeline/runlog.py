"""The run log: a few lines per run in `.kaohe/logs/运行日志.txt`, rotated by size, for whoever asks "what ran when".

Why: the run history (考核运行记录.sqlite) holds each scored run whole, but not how long its stages took, nor the
checks, the stamps of `kaohe publish`, or runs that stopped on data errors in a form one can read with a text
editor over a remote session. A log that grows forever fills a county server's disk in a few years of nightly
runs, so it is the standard library's RotatingFileHandler (1 MB, five old files kept). It lives in `.kaohe/`, not in
`output/`: `output/` is one published set switched by a rename, and writing into it would change a set that is
archived and checked file by file. Writing the log never stops a run: a log that cannot be written is skipped.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_DIR = Path(".kaohe") / "logs"
LOG_NAME = "运行日志.txt"
MAX_BYTES = 1024 * 1024
BACKUPS = 5


class _Handler(logging.handlers.RotatingFileHandler):
    def handleError(self, record) -> None:  # a failed write (disk full) is skipped, never printed as a traceback
        pass


def log_path(folder: Path) -> Path:
    return Path(folder) / LOG_DIR / LOG_NAME


def write(folder: Path, when: str, lines: list[str], max_bytes: int = MAX_BYTES) -> None:
    """Append one run's lines (its time first) to the folder's run log, rotating it when it is full."""
    try:
        path = log_path(folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = _Handler(path, maxBytes=max_bytes, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        return
    logger = logging.Logger("kaohe.runlog")  # not registered: nothing else's handlers see it
    logger.addHandler(handler)
    try:
        logger.info("\n".join([f"== {when}", *(f"   {line}" for line in lines)]))
    finally:
        handler.close()


__all__ = ["write", "log_path", "LOG_NAME", "MAX_BYTES", "BACKUPS"]
