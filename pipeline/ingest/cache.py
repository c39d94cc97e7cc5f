"""Reading results kept between runs: a return whose bytes, place under input/, scheme and kaohe code are all
unchanged is not parsed again (nightly reruns while the last returns trickle in).

Why a pickle with a fixed table of types (docs/decisions.md 85, superseding 75's tagged JSON): the cache lives in the
assessment folder (`.kaohe/cache/`), and an ordinary unpickler builds whatever a planted file names — any callable
of any module — so nothing a folder holds may be loaded by one. `_Unpickler.find_class` returns only this package's
reading dataclasses and the value types they hold (Decimal, datetime's), as the JSON decoder's table did; every
other global refuses the file, which is then read afresh. What a pickle can do beyond naming globals is build
containers and call the classes it was given with arguments — the same power the JSON decoder gave a file. The gain
is the time: a 48,000-row survey reading took 5 s to encode as JSON and 5 s to decode; pickling it takes a tenth.

The key covers everything a reading depends on: the file's SHA-256 and its path under input/ (folder and file names
are evidence, ingest/evidence.py), the scheme's hash, and a fingerprint of kaohe's own source, so any change of the
reader or the scheme reads every file afresh. A cache file that fails to load is ignored (the return is read), so
the cache can only ever save time, never change a result; tests compare a cached rerun's outputs byte for byte.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import pickle
import os
from decimal import Decimal
from pathlib import Path

from ..issues import Issue
from .bounded import collector_paused
from .readmap import ColumnReading, SheetReading

CACHE_DIR = Path(".kaohe") / "cache" / "readings"
FORMAT = 3  # 3: a pickle of the reading types only (1: tagged JSON)


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 over kaohe's own source files: a reader changed in any way invalidates every cached reading."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode("utf-8"))
        h.update(path.read_bytes())
    return h.hexdigest()


def cache_key(digest: str, rel: str, scheme_fingerprint: str) -> str:
    text = "\0".join((str(FORMAT), digest, rel.replace("\\", "/"), scheme_fingerprint, code_fingerprint()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _types() -> dict[tuple[str, str], type]:
    from . import FileReading, HeaderCell, RawCell, Row, TotalRow

    classes = (FileReading, HeaderCell, RawCell, Row, TotalRow, SheetReading, ColumnReading, Issue,
               Decimal, dt.datetime, dt.date, dt.time, dt.timedelta)
    return {(t.__module__, t.__qualname__): t for t in classes}


class _Unpickler(pickle.Unpickler):
    """Builds only the types of `_types()`: any other global (os.system, builtins.eval, …) refuses the file."""

    allowed: dict[tuple[str, str], type] = {}

    def find_class(self, module: str, name: str):
        found = self.allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not a reading type")
        return found


def load(folder: Path, key: str):
    """The cached reading for `key`, or None (absent, unreadable, or of another format: read the file instead)."""
    from . import FileReading

    path = Path(folder) / CACHE_DIR / f"{key}.pickle"
    try:
        with path.open("rb") as fh:
            unpickler = _Unpickler(fh)
            unpickler.allowed = _types()
            with collector_paused():
                reading = unpickler.load()
    except (OSError, EOFError, MemoryError, RecursionError, pickle.UnpicklingError, ValueError, TypeError, KeyError,
            AttributeError, IndexError, ImportError, UnicodeDecodeError):
        return None
    return reading if type(reading) is FileReading else None


def stage(folder: Path, key: str, reading) -> None:
    """Write a reading beside its place, not yet in it (best effort: a cache that cannot be written only costs the
    next run time). Called in the reader that made the reading, so the pickling runs in parallel with the other
    reads; `commit` puts it in place once the parent has the reading within its bounds."""
    directory = Path(folder) / CACHE_DIR
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _staged(directory, key).write_bytes(pickle.dumps(reading, protocol=5))
    except (OSError, pickle.PicklingError, TypeError, ValueError, AttributeError, RecursionError, MemoryError):
        pass


def commit(folder: Path, key: str) -> None:
    """The staged reading of `key` becomes the cached one (nothing when none was staged)."""
    directory = Path(folder) / CACHE_DIR
    try:
        os.replace(_staged(directory, key), directory / f"{key}.pickle")
    except OSError:
        pass


def store(folder: Path, key: str, reading) -> None:
    """Keep a reading: stage and commit in one."""
    stage(folder, key, reading)
    commit(folder, key)


def _staged(directory: Path, key: str) -> Path:
    return directory / f".{key}.tmp"


def prune(folder: Path, keep: set[str]) -> None:
    """Drop the readings of files no longer in input/ (or since changed): the cache holds the current inputs only."""
    directory = Path(folder) / CACHE_DIR
    if not directory.is_dir():
        return
    for path in directory.iterdir():
        staged = path.suffix == ".tmp"  # a reading staged by a reader that was stopped (over its bounds) or killed
        if staged or path.suffix in (".pickle", ".json") and path.stem not in keep:  # .json: FORMAT 1's files
            try:
                path.unlink()
            except OSError:
                pass
