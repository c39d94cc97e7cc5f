"""Publishing a run's outputs as one generation, switched into place by one rename (SPEC §9).

Why: replacing files one by one lets a crash, a signal or a full disk leave new results.json beside old
workbooks. Instead every run writes its whole set into a staging folder, and publishing is:

1. every file written and fsynced in `归档/.tmp-…/`, with a manifest (`.kaohe-manifest.json`: names, sizes, sha256);
2. the journal `.kaohe/pending-output` names the generation about to be committed;
3. the staging folder is renamed to `归档/<seq>-<stamp>[-检查]` (an archived run is always whole);
4. a new symlink `output → 归档/<seq>-…` replaces the old one with `os.replace` — the commit point;
5. the journal is removed.

`recover()`, run under the folder's lock before anything else, rolls an interrupted publish back: a generation the
journal names that `output` does not point to is removed, stale staging folders and links are deleted. So a reader,
and the next run, sees the whole previous set or the whole new one, never a mix. `describe()` checks the current
set against its manifest, so every message about the previous outputs is true because it was checked.

The same mechanism publishes `kaohe templates` into `填报模板` (only its newest generation is kept).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
import signal
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

STATE_DIR = ".kaohe"  # lock, journal, logs, templates' generations: the program's own, hidden from the office
ARCHIVE_DIR = "归档"
OUTPUT_LINK = "output"
TEMPLATES_LINK = "填报模板"
MANIFEST = ".kaohe-manifest.json"
STAGING_PREFIX = ".tmp-"
MIGRATING_PREFIX = ".moving-"  # an old output/ folder on its way into the archive (recover() puts it back)
_GENERATION = re.compile(r"^(\d{4,})-\d{8}-\d{6}")

# Fault injection for the publishing window (tests kill the process at each step): called with the step's name.
FAULT_HOOK: Callable[[str], None] | None = None


class PublishError(Exception):
    """The outputs could not be published; the message is Chinese and says what happened to the previous set."""


def _step(name: str) -> None:
    if FAULT_HOOK is not None:
        FAULT_HOOK(name)


NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def is_no_space(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in NO_SPACE


def fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in `path` durable (no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def signals_deferred():
    """SIGINT/SIGTERM wait until the block is done: the commit's renames happen both or not at all."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    wanted = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, wanted)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@dataclass(frozen=True)
class Generation:
    """One published set: `归档/<name>`."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def seq(self) -> int:
        m = _GENERATION.match(self.name)
        return int(m.group(1)) if m else 0

    def label(self) -> str:
        """第 7 次运行（2026-12-01 23:15:00）."""
        m = re.match(r"^(\d+)-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})", self.name)
        if not m:
            return self.name
        seq, y, mo, d, h, mi, s = m.groups()
        return f"第 {int(seq)} 次运行（{y}-{mo}-{d} {h}:{mi}:{s}）"


@dataclass(frozen=True)
class Store:
    """Where a kind of output set lives: the link readers open, and the folder of its generations."""

    folder: Path
    link_name: str = OUTPUT_LINK
    store_dir: str = ARCHIVE_DIR
    keep_all: bool = True  # the run archive keeps every whole run; the templates keep only the newest

    @property
    def link(self) -> Path:
        return self.folder / self.link_name

    @property
    def generations(self) -> Path:
        return self.folder / self.store_dir

    @property
    def journal(self) -> Path:
        return self.folder / STATE_DIR / f"pending-{self.link_name}"

    def current(self) -> Generation | None:
        """The generation the link points to, if it is one of ours and exists."""
        if not self.link.is_symlink():
            return None
        target = (self.link.parent / os.readlink(self.link)).resolve()
        if target.parent != self.generations.resolve() or not target.is_dir():
            return None
        return Generation(self.generations / target.name)

    def all(self) -> list[Generation]:
        if not self.generations.is_dir():
            return []
        gens = [Generation(p) for p in self.generations.iterdir() if _GENERATION.match(p.name) and p.is_dir()]
        return sorted(gens, key=lambda g: (g.seq, g.name))

    # -- recovery -------------------------------------------------------------------------------------------------
    def recover(self) -> list[str]:
        """Roll back an interrupted publish and clean stale staging; what was done (Chinese), for the log."""
        done = []
        pending = self.journal.read_text("utf-8").strip() if self.journal.is_file() else ""
        if pending:
            current = self.current()
            gen = self.generations / pending
            if (current is None or current.name != pending) and gen.is_dir():
                self._discard(gen)
                done.append(f"上次运行在发布结果时中断，已撤销其未发布完成的结果 {self.store_dir}/{pending}")
            self.journal.unlink(missing_ok=True)
        if self.generations.is_dir():
            for p in self.generations.iterdir():
                if p.name.startswith(MIGRATING_PREFIX) and not self.link.exists() and not self.link.is_symlink():
                    os.rename(p, self.link)  # an interrupted migration: the old folder goes back, to move again
                    done.append(f"上次运行在移动原有的 {self.link_name}/ 文件夹时中断，已将其放回原处")
                elif p.name.startswith(STAGING_PREFIX):
                    shutil.rmtree(p, ignore_errors=True)
                    done.append(f"已清理上次中断运行留下的临时文件夹 {self.store_dir}/{p.name}")
        for p in self.folder.glob(f".{self.link_name}{STAGING_PREFIX}*"):
            if p.is_symlink():
                p.unlink()
        if self.link.exists() and not self.link.is_symlink():
            if not self.link.is_dir():
                raise PublishError(f"考核文件夹中的“{self.link_name}”不是文件夹，无法发布结果；请将其改名或移走后重新运行")
            self._migrate()
            done.append(f"原有的 {self.link_name}/ 文件夹已整体移入 {self.store_dir}/（新版按整次运行发布结果）")
        return done

    def _migrate(self) -> None:
        """An `output/` folder of an older kaohe (or made by hand) moves whole into the archive: nothing is lost.

        It is moved under a staging name, given its manifest there, and only then named as a generation, so an
        interruption leaves it either in place, or in staging (which the next recovery moves back), never as an
        archived generation without a manifest."""
        self.generations.mkdir(parents=True, exist_ok=True)
        moving = self.generations / f"{MIGRATING_PREFIX}{uuid.uuid4().hex[:12]}"
        os.rename(self.link, moving)
        fsync_dir(self.folder)
        files = [p for p in moving.rglob("*") if p.is_file() and not p.is_symlink()  # as found: kept, not judged
                 and p != moving / MANIFEST]  # (one left by an interrupted migration is rewritten)
        _write_manifest(moving, {str(p.relative_to(moving)): p for p in files})
        os.rename(moving, self.generations / f"{self._next_seq():04d}-{_stamp()}-旧版输出")
        fsync_dir(self.generations)

    def _discard(self, path: Path) -> None:
        """Remove a generation: first renamed to a staging name (one atomic step), then deleted, so an interruption
        never leaves a half-deleted folder that looks like an archived run (the next recovery finishes the job)."""
        doomed = self.generations / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        os.rename(path, doomed)
        fsync_dir(self.generations)
        _step("discarding")
        shutil.rmtree(doomed, ignore_errors=True)

    # -- publishing -----------------------------------------------------------------------------------------------
    def _next_seq(self) -> int:
        return max((g.seq for g in self.all()), default=0) + 1

    @contextmanager
    def staging(self):
        """A fresh staging folder for one run's set; removed if the run ends without committing it."""
        self.generations.mkdir(parents=True, exist_ok=True)
        path = self.generations / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        path.mkdir()
        try:
            yield path
        finally:
            if path.exists():
                shutil.rmtree(path, ignore_errors=True)

    def commit(self, staging: Path, names: list[str], suffix: str = "") -> Generation:
        """Publish the staged `names` as one generation (see the module docstring for the steps)."""
        for name in names:
            with open(staging / name, "rb") as fh:
                os.fsync(fh.fileno())
        for sub in {(staging / n).parent for n in names}:
            fsync_dir(sub)
        _step("staged")
        _write_manifest(staging, {name: staging / name for name in names})
        _step("manifest")
        name = f"{self._next_seq():04d}-{_stamp()}{suffix}"
        gen = self.generations / name
        link_tmp = self.folder / f".{self.link_name}{STAGING_PREFIX}{uuid.uuid4().hex[:8]}"
        with signals_deferred():
            _write_durable(self.journal, name)
            _step("journal")
            os.rename(staging, gen)
            fsync_dir(self.generations)
            _step("renamed")
            os.symlink(os.path.join(self.store_dir, name), link_tmp, target_is_directory=True)
            _step("linked")
            os.replace(link_tmp, self.link)
            fsync_dir(self.folder)
            _step("switched")
            self.journal.unlink(missing_ok=True)
        if not self.keep_all:
            for old in self.all():
                if old.name != name:
                    self._discard(old.path)
        return Generation(gen)

    def describe(self) -> str:
        """What readers of the link see now, checked file by file against the manifest (Chinese)."""
        current = self.current()
        if current is None:
            return f"{self.link_name}/ 中尚无已发布的结果"
        problems = verify(current)
        if problems:
            return f"{self.link_name}/ 为{current.label()}的结果，但核对发现问题：{'；'.join(problems[:3])}"
        return f"{self.link_name}/ 现为{current.label()}的完整结果（已逐个文件核对）"


def verify(gen: Generation) -> list[str]:
    """Differences between a generation and its manifest (Chinese; empty when whole)."""
    try:
        files = json.loads((gen.path / MANIFEST).read_text("utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return ["缺少或无法读取文件清单"]
    out = []
    for name, meta in files.items():
        path = gen.path / name
        if not path.is_file():
            out.append(f"缺少 {name}")
        elif path.stat().st_size != meta.get("bytes") or _sha256(path) != meta.get("sha256"):
            out.append(f"{name} 已被改动")
    return out


def _write_manifest(gen: Path, files: dict[str, Path]) -> None:
    """The generation's manifest: each file's size and sha256, fsynced with its folder."""
    listed = {name: {"bytes": p.stat().st_size, "sha256": _sha256(p)} for name, p in files.items()}
    manifest = gen / MANIFEST
    manifest.write_text(json.dumps({"files": listed}, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    with open(manifest, "rb") as fh:
        os.fsync(fh.fileno())
    fsync_dir(gen)


def _write_durable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + STAGING_PREFIX + uuid.uuid4().hex[:8])
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def outputs(folder: Path) -> Store:
    return Store(Path(folder))


def templates(folder: Path) -> Store:
    return Store(Path(folder), TEMPLATES_LINK, f"{STATE_DIR}/{TEMPLATES_LINK}", keep_all=False)


def publish_set(store: Store, write: Callable[[Path], list[str]], suffix: str = "") -> list[Path]:
    """Stage the files `write` produces and publish them as one generation; the published paths (via the link).

    A full disk or an unwritable folder becomes a PublishError whose message says what readers see now, checked.
    """
    try:
        with store.staging() as staging:
            names = write(staging)
            gen = store.commit(staging, names, suffix)
    except OSError as exc:
        why = "磁盘空间不足（或文件大小受限）" if is_no_space(exc) else f"写入结果时出错（{exc.strerror or exc}）"
        raise PublishError(f"{why}，本次结果未发布；{store.describe()}") from None
    return [store.link / name for name in names if (gen.path / name).is_file()]
