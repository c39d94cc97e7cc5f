"""Reading results kept between runs: a return whose bytes, place under input/, scheme and kaohe code are all
unchanged is not parsed again (nightly reruns while the last returns trickle in).

Why JSON, not pickle: the cache lives in the assessment folder (`.kaohe/cache/`), and loading a pickle runs code;
nothing a folder holds may do that (the report templates are sandboxed for the same reason). Every type a reading
holds is a dataclass of this package or a plain value, encoded with a tag and rebuilt by a fixed table of types.

The key covers everything a reading depends on: the file's SHA-256 and its path under input/ (folder and file names
are evidence, ingest/evidence.py), the scheme's hash, and a fingerprint of kaohe's own source, so any change of the
reader or the scheme reads every file afresh. A cache file that fails to decode is ignored (the return is read), so
the cache can only ever save time, never change a result; tests compare a cached rerun's outputs byte for byte.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
from decimal import Decimal
from pathlib import Path

from ..issues import Issue
from .readmap import ColumnReading, SheetReading

CACHE_DIR = Path(".kaohe") / "cache" / "readings"
FORMAT = 2  # 2: dataclass fields positional


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


def _types() -> dict[str, type]:
    from . import FileReading, HeaderCell, RawCell, Row, TotalRow

    return {t.__name__: t for t in (FileReading, HeaderCell, RawCell, Row, TotalRow, SheetReading, ColumnReading,
                                    Issue)}


_PLAIN = (str, int, bool, type(None))


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _encode(x):
    """A JSON value for `x`: plain values as they are, every other type tagged; a dataclass as its type's name and
    its fields in order (positional: a reading holds hundreds of thousands of cells, and the names would be most
    of the file and of the time)."""
    t = type(x)
    if t in _PLAIN:
        return x
    if t is list:
        return [v if type(v) in _PLAIN else _encode(v) for v in x]
    if t is float:
        return {"f": repr(x)}  # repr round-trips every float, -0.0 and inf included
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {"c": t.__name__, "a": [_encode(getattr(x, name)) for name in _field_names(t)]}
    if t is dict:
        return {"m": [[_encode(k), _encode(v)] for k, v in x.items()]}
    if t is tuple:
        return {"t": [_encode(v) for v in x]}
    if isinstance(x, Decimal):
        return {"d": str(x)}
    if isinstance(x, dt.datetime):
        return {"dt": x.isoformat()}
    if isinstance(x, dt.date):
        return {"date": x.isoformat()}
    if isinstance(x, dt.time):
        return {"time": x.isoformat()}
    if isinstance(x, dt.timedelta):
        return {"td": [x.days, x.seconds, x.microseconds]}
    raise TypeError(f"cannot cache a {t.__name__}")


def _decode(x, types):
    t = type(x)
    if t is list:
        return [v if type(v) in _PLAIN else _decode(v, types) for v in x]
    if t is not dict:
        return x
    (tag, value), *rest = x.items()
    if tag == "c":
        cls = types[value]
        args = x["a"]
        if len(rest) != 1 or type(args) is not list or len(args) != len(_field_names(cls)):
            raise ValueError("bad cache entry")
        return cls(*[v if type(v) in _PLAIN else _decode(v, types) for v in args])
    if rest:
        raise ValueError("bad cache entry")
    if tag == "f":
        return float(value)
    if tag == "d":
        return Decimal(value)
    if tag == "dt":
        return dt.datetime.fromisoformat(value)
    if tag == "date":
        return dt.date.fromisoformat(value)
    if tag == "time":
        return dt.time.fromisoformat(value)
    if tag == "td":
        return dt.timedelta(*value)
    if tag == "t":
        return tuple(_decode(v, types) for v in value)
    if tag == "m":
        return {_decode(k, types): _decode(v, types) for k, v in value}
    raise ValueError(f"bad cache tag {tag!r}")


def load(folder: Path, key: str):
    """The cached reading for `key`, or None (absent, unreadable, or of another format: read the file instead)."""
    path = Path(folder) / CACHE_DIR / f"{key}.json"
    try:
        return _decode(json.loads(path.read_text(encoding="utf-8")), _types())
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def store(folder: Path, key: str, reading) -> None:
    """Keep a reading (best effort: a cache that cannot be written only costs the next run time)."""
    directory = Path(folder) / CACHE_DIR
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f".{key}.tmp"
        tmp.write_text(json.dumps(_encode(reading), ensure_ascii=False, allow_nan=False), encoding="utf-8")
        os.replace(tmp, directory / f"{key}.json")
    except (OSError, TypeError, ValueError):
        pass


def prune(folder: Path, keep: set[str]) -> None:
    """Drop the readings of files no longer in input/ (or since changed): the cache holds the current inputs only."""
    directory = Path(folder) / CACHE_DIR
    if not directory.is_dir():
        return
    for path in directory.iterdir():
        if path.suffix == ".json" and path.stem not in keep:
            try:
                path.unlink()
            except OSError:
                pass
