"""The assessment folder's lock: one run at a time per folder (SPEC §9).

A POSIX record lock (`lockf`) on `.kaohe/lock`, taken without waiting and held for the run's lifetime. It belongs to
the process: the OS drops it when the process dies however it dies (kill -9 leaves no stale lock), and forked
children never hold it — an flock, or the filelock package built on it, is shared with forked children, so the bounded
readers of a killed run kept the folder locked (docs/decisions.md 56). On Windows, msvcrt's byte-range lock.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from .publish import STATE_DIR


class LockedError(Exception):
    """Another run holds the folder's lock."""


def _try_lock(fh) -> bool:
    """Non-blocking exclusive lock held by this process (a record lock, never inherited: see the module docstring)."""
    try:
        import fcntl

        fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    except (BlockingIOError, PermissionError):  # EAGAIN or EACCES: held by another process
        return False


class FolderNotWritable(Exception):
    """The assessment folder (or its 归档/, .kaohe/) cannot be written: the message is Chinese."""


@contextmanager
def folder_lock(folder: Path):
    """Stop two runs on one folder at once: a lock on .kaohe/lock for the run's lifetime (released by the OS when
    the process dies, so a killed run leaves no stale lock)."""
    state = Path(folder) / STATE_DIR
    try:
        state.mkdir(parents=True, exist_ok=True)
        fh = open(state / "lock", "w")
    except OSError as exc:
        raise FolderNotWritable(f"考核文件夹（{folder}）不可写，无法运行：{exc.strerror or exc}。"
                                "请确认对该文件夹有写入权限（结果写入其中的 output、归档 和 .kaohe）") from None
    try:
        if not _try_lock(fh):
            raise LockedError(f"另一个 kaohe 正在处理该考核文件夹（{folder}），请等其结束后再运行")
        yield
    finally:
        fh.close()
