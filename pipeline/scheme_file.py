"""Reading an assessment folder's config.toml: a bounded, regular file inside the folder, parsed as TOML and
validated into a Scheme; and the scheme's hash recorded with every run.

Its own module so the scheme's models (scheme.py) stay about what a scheme says, not how the file is found and read.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tomllib
from pathlib import Path

from .scheme import MAX_SCHEME_BYTES, NESTING_LIMIT, Scheme, SchemeError, parse_scheme
from .scheme_toml import toml_error_text


def _too_deep(text: str) -> str | None:
    """`第 N 行（a）` of the first array / inline table nested deeper than NESTING_LIMIT, outside strings
    and comments; None when none is. Run only when tomllib ran out of stack, to name the key."""
    depth, line, key, quote, i, n, line_start = 0, 1, "", "", 0, len(text), 0
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\" and quote in ('"', '"""'):
                i += 2
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
            if ch == "\n":
                line += 1
        elif ch == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif ch in "\"'":
            quote = text[i:i + 3] if text.startswith(ch * 3, i) else ch
            i += len(quote)
            continue
        elif ch in "[{":
            if depth == 0 and ch == "[" and not text[line_start:i].strip():  # a [table] / [[array]] header
                while i < n and text[i] != "\n":
                    i += 1
                continue
            if depth == 0:
                key = text[line_start:i].split("=")[0].strip()
            depth += 1
            if depth > NESTING_LIMIT:
                return f"第 {line} 行" + (f"（{key}）" if key else "")
        elif ch in "]}":
            depth = max(depth - 1, 0)
        elif ch == "\n":
            line += 1
            line_start = i + 1
        i += 1
    return None


def _read_scheme_file(folder: Path) -> tuple[Path, str]:
    """config.toml's text: a regular UTF-8 file inside the folder, of at most MAX_SCHEME_BYTES."""
    path = Path(folder) / "config.toml"
    if not os.path.lexists(path):
        raise SchemeError(f"未找到考核方案文件 {path}（每个考核文件夹须有 config.toml）")
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        raise SchemeError(f"考核方案 {path} 是无效的链接（指向的文件不存在：{os.readlink(path)}）") from None
    except (OSError, RuntimeError):
        raise SchemeError(f"考核方案 {path} 无法打开（可能是循环链接）") from None
    try:
        real.relative_to(Path(folder).resolve())
    except ValueError:
        raise SchemeError(f"考核方案 {path} 是指向考核文件夹以外的链接（{real}），已拒绝读取；"
                          "请把方案文件本身放进考核文件夹") from None
    try:
        st = os.stat(real)
    except OSError as exc:
        raise SchemeError(f"考核方案 {path} 无法读取（{exc.strerror or type(exc).__name__}）") from None
    if not stat.S_ISREG(st.st_mode):
        kind = "文件夹" if stat.S_ISDIR(st.st_mode) else "命名管道" if stat.S_ISFIFO(st.st_mode) else "设备或特殊文件"
        raise SchemeError(f"考核方案 {path} 不是普通文件（是{kind}），已拒绝读取")
    if st.st_size > MAX_SCHEME_BYTES:
        raise SchemeError(f"考核方案 {path} 过大（{st.st_size / 1e6:.1f} MB，上限 {MAX_SCHEME_BYTES / 1e6:g} MB），"
                          "不像正常的方案文件")
    try:  # O_NONBLOCK / O_NOFOLLOW + fstat: a swap for a FIFO or a link after the checks above cannot block
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise SchemeError(f"考核方案 {path} 不是普通文件，已拒绝读取")
            data = fh.read(MAX_SCHEME_BYTES + 1)
    except OSError as exc:
        raise SchemeError(f"考核方案 {path} 无法读取（{exc.strerror or type(exc).__name__}）") from None
    if len(data) > MAX_SCHEME_BYTES:
        raise SchemeError(f"考核方案 {path} 过大（上限 {MAX_SCHEME_BYTES / 1e6:g} MB）")
    try:
        return path, data.decode("utf-8")
    except UnicodeDecodeError:
        raise SchemeError(f"考核方案 {path} 不是 UTF-8 编码的文本文件") from None


def load_scheme(folder: Path) -> Scheme:
    path, text = _read_scheme_file(folder)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"考核方案 {path} 格式错误：{toml_error_text(exc, text)}") from None
    except RecursionError:  # tomllib recurses once per level: `a = [[[[…]]]]` thousands deep
        where = _too_deep(text)
        raise SchemeError(f"考核方案 {path} 格式错误：{where + '：' if where else ''}"
                          f"数组或内联表嵌套过深（超过 {NESTING_LIMIT} 层）") from None
    except ValueError:  # an integer of more than 4300 digits: Python's own limit on int() of a text
        m = re.search(r"[0-9_]{4000,}", text)
        where = ""
        if m:
            start = text.rfind("\n", 0, m.start()) + 1
            key = text[start:m.start()].split("=")[0].strip()
            where = f"第 {text.count(chr(10), 0, m.start()) + 1} 行" + (f"（{key}）" if key else "") + "："
        raise SchemeError(f"考核方案 {path} 格式错误：{where}数字的位数过多（数千位），不是有效的取值") from None
    return parse_scheme(raw, str(path.name))


def scheme_hash(folder: Path) -> str:
    return hashlib.sha256((Path(folder) / "config.toml").read_bytes()).hexdigest()
