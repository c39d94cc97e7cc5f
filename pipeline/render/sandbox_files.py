"""File confinement for the template sandbox: what a template (or its loader) may read.

Its own module because it is about the file system, not about rendering: paths shown to the user, a folder or file
refused when it is (or links) outside its root or is not a regular file, a reading that a swap for a FIFO or a link
cannot redirect, the zip-bomb check of .docx / .xlsx templates, and the two Jinja loaders built on these rules.
"""

from __future__ import annotations

import functools
import os
import stat
import zipfile
from pathlib import Path

from jinja2 import BaseLoader, TemplateNotFound

from .sandbox_limits import MAX_PACKAGE_BYTES, MAX_PACKAGE_UNZIPPED, MAX_TEMPLATE_BYTES, TemplateRefused

# ------------------------------------------------------------------------------------------ display


def display(path: Path) -> str:
    """A path as the user should see it: relative to the working folder when inside it."""
    p = Path(os.path.abspath(path))  # lexical: a refused link is shown as itself, not as its target
    try:
        cwds = [Path(os.getcwd()), Path.cwd().resolve()]
    except OSError:  # the working folder was removed
        cwds = []
    for cwd in cwds:
        try:
            return p.relative_to(cwd).as_posix()
        except ValueError:
            continue
    return p.as_posix()


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


# --------------------------------------------------------------------------------------------- files


def confined_folder(folder: Path, parent: Path, what: str = "模板文件夹") -> Path:
    """`folder` resolved, refused when it is (or passes through) a link leading outside `parent` — templates/
    out of the assessment folder."""
    folder = Path(folder)
    try:
        real, real_parent = folder.resolve(), Path(parent).resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise TemplateRefused(f"{what} {display(folder)} 无法打开（链接无效：{type(exc).__name__}）", folder) from None
    if not _inside(real, real_parent):
        raise TemplateRefused(f"{what} {display(folder)} 是指向考核文件夹以外的链接（{real}），已拒绝读取", folder)
    return real


def confined_file(path: Path, root: Path, what: str = "模板", max_bytes: int = MAX_PACKAGE_BYTES,
                  root_label: str = "模板文件夹") -> Path:
    """`path` resolved, when it is a regular file inside `root` of at most `max_bytes`; else TemplateRefused.

    A symlink inside `root` to another file inside `root` is followed; one leading outside (or dangling, or
    looping) is refused, as is a FIFO, a device or a folder — a FIFO is never opened (it would block).
    """
    path = Path(path)
    shown = display(path)
    try:
        real_root = Path(root).resolve()
        real = path.resolve(strict=True)
    except FileNotFoundError:
        if os.path.islink(path):
            raise TemplateRefused(f"{what} {shown} 是无效的链接（指向的文件不存在：{os.readlink(path)}）", path) from None
        raise TemplateNotFound(shown) from None
    except (OSError, RuntimeError) as exc:
        raise TemplateRefused(f"{what} {shown} 无法打开（{type(exc).__name__}，可能是循环链接）", path) from None
    if not _inside(real, real_root):
        raise TemplateRefused(f"{what} {shown} 是指向{root_label}以外的链接（{real}），已拒绝读取；"
                              f"请把{what}文件本身放进{root_label}", path)
    try:
        st = os.stat(real)
    except OSError as exc:
        raise TemplateRefused(f"{what} {shown} 无法读取（{exc.strerror or type(exc).__name__}）", path) from None
    if not stat.S_ISREG(st.st_mode):
        kind = "文件夹" if stat.S_ISDIR(st.st_mode) else "命名管道" if stat.S_ISFIFO(st.st_mode) else "设备或特殊文件"
        raise TemplateRefused(f"{what} {shown} 不是普通文件（是{kind}），已拒绝读取", path)
    if st.st_size > max_bytes:
        raise TemplateRefused(f"{what} {shown} 过大（{st.st_size / 1e6:.1f} MB，上限 {max_bytes / 1e6:g} MB）", path)
    return real


def read_regular(real: Path, max_bytes: int, shown: str) -> bytes:
    """The bytes of a file already checked to be regular, opened so that a swap for a FIFO or a link in between
    cannot block or redirect the read (O_NONBLOCK, O_NOFOLLOW, then fstat)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise TemplateRefused(f"{shown} 无法读取（{exc.strerror or type(exc).__name__}）", Path(real)) from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise TemplateRefused(f"{shown} 不是普通文件，已拒绝读取", Path(real))
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TemplateRefused(f"{shown} 过大（上限 {max_bytes / 1e6:g} MB）", Path(real))
    return data


@functools.lru_cache(maxsize=64)
def _package_size(real: str, mtime_ns: int, size: int) -> tuple[str, int] | None:
    """(part, bytes) of the first part whose decompressed bytes pass the limit; None when all is within."""
    total = 0
    try:
        with zipfile.ZipFile(real) as zf:
            for info in zf.infolist():
                with zf.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        total += len(chunk)
                        if total > MAX_PACKAGE_UNZIPPED:
                            return info.filename, total
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, RuntimeError):  # encrypted…
        return None  # not a readable zip: the reader's own "cannot open" message says so
    return None


def check_package(path: Path, what: str = "模板") -> None:
    """Refuse an Office template whose parts decompress beyond MAX_PACKAGE_UNZIPPED (a zip bomb)."""
    real = Path(path)
    st = real.stat()
    over = _package_size(str(real), st.st_mtime_ns, st.st_size)
    if over is not None:
        raise TemplateRefused(f"{what} {display(path)} 解压后超过 {MAX_PACKAGE_UNZIPPED / 1e6:g} MB"
                              f"（在 {over[0]} 处），不像正常的模板文件，已拒绝读取", Path(path))


class FolderLoader(BaseLoader):
    """Serves regular files inside one folder; refuses everything else with a Chinese message."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def get_source(self, environment, template: str):
        pieces = []
        for piece in template.replace("\\", "/").split("/"):
            if piece == "..":
                raise TemplateRefused(f"模板 {template} 的路径含“..”，只能引用模板文件夹 {display(self.root)} 中的文件",
                                      self.root / template)
            if piece and piece != ".":
                pieces.append(piece)
        if not pieces or os.path.isabs(template):
            raise TemplateRefused(f"模板 {template} 的路径无效，只能引用模板文件夹 {display(self.root)} 中的文件")
        path = self.root.joinpath(*pieces)
        if not os.path.lexists(path):
            raise TemplateNotFound(template)
        real = confined_file(path, self.root, "模板", MAX_TEMPLATE_BYTES)
        data = read_regular(real, MAX_TEMPLATE_BYTES, f"模板 {display(path)}")
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            raise TemplateRefused(f"模板 {display(path)} 不是 UTF-8 编码的文本文件", path) from None
        mtime = os.stat(real).st_mtime_ns

        def uptodate() -> bool:
            try:
                return os.stat(real).st_mtime_ns == mtime
            except OSError:
                return False

        return source, str(path), uptodate


class NoFilesLoader(BaseLoader):
    """The Word report and 表样 cells are one file each: include/import/extends of another file is refused."""

    def __init__(self, what: str):
        self.what = what

    def get_source(self, environment, template: str):
        raise TemplateRefused(f"{self.what}中不能用 include、import 或 extends 引用其他文件（“{template}”）")

