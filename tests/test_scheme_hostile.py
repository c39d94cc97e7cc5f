"""A hostile config.toml: every value out of bounds is a SchemeError naming its key (exit 2), never a crash (exit 3).

Most cases call `pipeline.scheme.load_scheme` / `parse_scheme` on the bundled example's real scheme with one
value changed (fast); a few run the real CLI and check exit 2, the key in stderr and no traceback.
The sweeps change *every* number and every text of the real scheme in turn, so a key added later is covered too.
"""

from __future__ import annotations

import copy
import math
import os
import re
import shutil
import time
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT, kaohe
from pipeline import scheme as S
from pipeline.scheme import SchemeError, load_scheme, parse_scheme

BASE = (ROOT / "config.toml").read_text(encoding="utf-8")
RAW = tomllib.loads(BASE)


def folder_with(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "考核"
    folder.mkdir(exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")
    return folder


def refused(tmp_path: Path, text: str) -> str:
    with pytest.raises(SchemeError) as err:
        load_scheme(folder_with(tmp_path, text))
    return str(err.value)


def replace_line(pattern: str, new: str) -> str:
    text, n = re.subn(pattern, lambda m: new, BASE, count=1, flags=re.M)
    assert n == 1, pattern
    return text


def leaves(node, path=()):
    """(path, value) of every scalar in the raw scheme, lists and tables walked."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, (*path, i))
    else:
        yield path, node


def with_leaf(path, value) -> dict:
    raw = copy.deepcopy(RAW)
    node = raw
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return raw


def shown_key(path) -> tuple[str, str]:
    """What the message must contain: the top-level key and the value's own key (or the table's)."""
    named = [p for p in path if isinstance(p, str)]
    return named[0], named[-1]


NUMBERS = [(p, v) for p, v in leaves(RAW) if isinstance(v, (int, float)) and not isinstance(v, bool)]
TEXTS = [(p, v) for p, v in leaves(RAW) if isinstance(v, str)]


def test_the_sweeps_cover_the_real_scheme():
    assert len(NUMBERS) > 60 and len(TEXTS) > 100
    parse_scheme(copy.deepcopy(RAW))  # the unchanged scheme is valid


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_every_number_nan_or_infinite_is_refused_naming_its_key(bad):
    """Before: `amount = inf` was accepted and results.json then held `Infinity`; `min = nan` exited 3."""
    for path, _ in NUMBERS:
        with pytest.raises(SchemeError) as err:
            parse_scheme(with_leaf(path, bad))
        msg = str(err.value)
        top, key = shown_key(path)
        assert top in msg and key in msg, (path, msg)
        assert "有限数值" in msg or "应为整数" in msg, (path, msg)


def test_every_number_far_too_large_is_refused_naming_its_key():
    for path, value in NUMBERS:
        with pytest.raises(SchemeError) as err:
            parse_scheme(with_leaf(path, 10**30 if isinstance(value, int) else 1e30))
        top, key = shown_key(path)
        assert top in str(err.value) and key in str(err.value), (path, str(err.value))


@pytest.mark.parametrize("suffix, expected", [("\x07", "控制字符 U+0007"), ("\x1b[31m", "控制字符 U+001B"),
                                              ("长" * 2001, "文本过长")], ids=["bell", "escape", "long"])
def test_every_text_with_a_control_character_or_too_long_is_refused_naming_its_key(suffix, expected):
    """Before: a control character in organizer crashed the .docx render (blamed on the template)."""
    for path, value in TEXTS:
        with pytest.raises(SchemeError) as err:
            parse_scheme(with_leaf(path, value + suffix))
        msg = str(err.value)
        top, key = shown_key(path)
        assert top in msg and key in msg, (path, msg)
        assert "\x07" not in msg and "\x1b" not in msg  # the hostile text is shown escaped, never raw
        if key not in ("method", "kind", "sign", "direction", "missing", "compare", "aggregation", "form",
                       "effect", "rounding", "basis", "resubmission", "target", "required", "optional", "measure"):  # choices
            assert expected in msg, (path, msg)


def test_free_text_may_hold_line_breaks_but_names_may_not():
    ok = with_leaf(("indicators", 0, "note"), "第一行\n第二行\t附注")
    assert parse_scheme(ok).indicators[0].note == "第一行\n第二行\t附注"
    with pytest.raises(SchemeError, match=r"assessment\.title：含控制字符 U\+000A"):
        parse_scheme(with_leaf(("assessment", "title"), "考核\n名称"))


@pytest.mark.parametrize("line, new, expected", [
    (r"^year = 2025", "year = 99999999999999999999", "assessment.year：取值 一个 20 位的数 超出允许范围 1949–2200"),
    (r"^year = 2025", "year = -5", "assessment.year：取值 -5 超出允许范围 1949–2200"),
    (r"^year = 2025", "year = 1948", "1949–2200"),
    (r"^precision = \d+", "precision = 100000000000000000000", "assessment.precision"),
    (r"^places = \d+", "places = 1000000000000000000000000000000", ".places：取值 一个 31 位的数 过大（上限 1,000,000）"),
    (r"^min = 90", "min = nan", "grades[1]（优秀）.min：应为有限数值"),
    (r"^amount = \d+", "amount = inf", "awards.prizes[1]（综合考核一等奖）.amount：应为有限数值"),
    (r'^organizer = "', 'organizer = "\\u0001', "assessment.organizer：含控制字符 U+0001"),
])
def test_single_hostile_values(tmp_path, line, new, expected):
    assert expected in refused(tmp_path, replace_line(line, new))


def test_two_million_character_strings_are_named_by_key(tmp_path):
    for ch in ("x", "长"):  # 2 MB and 6 MB of UTF-8: both under the file limit, so the key is what is named
        msg = refused(tmp_path, replace_line(r'^organizer = "', 'organizer = "' + ch * 2_000_000))
        assert "assessment.organizer：文本过长（2,0" in msg and "上限 200" in msg
        assert len(msg) < 3000  # the string itself is never echoed


def test_integer_of_thousands_of_digits_is_named_by_line(tmp_path):
    """Python refuses int() of more than 4300 digits with a ValueError tomllib lets through."""
    msg = refused(tmp_path, replace_line(r"^year = 2025", "year = 1" + "0" * 5000))
    line = BASE.splitlines().index("year = 2025") + 1
    assert f"第 {line} 行（year）：数字的位数过多" in msg


def test_deep_nesting_is_refused_naming_line_and_key(tmp_path):
    t = time.perf_counter()
    msg = refused(tmp_path, BASE.replace("[assessment]", "zz = " + "[" * 10_000 + "]" * 10_000 + "\n[assessment]", 1))
    assert time.perf_counter() - t < 5
    line = BASE.splitlines().index("[assessment]") + 1
    assert f"第 {line} 行（zz）：数组或内联表嵌套过深" in msg


def test_too_many_items_and_groups_are_refused_quickly():
    raw = copy.deepcopy(RAW)
    unit = raw["units"][0]
    raw["units"] = [{**unit, "name": f"单位{i}", "aliases": []} for i in range(60_000)]
    t = time.perf_counter()
    with pytest.raises(SchemeError, match=r"units：项数过多（60,000 项，上限 50,000）"):
        parse_scheme(raw)
    raw["units"] = [{"name": f"单位{i}", "group": f"组{i}"} for i in range(150)]
    with pytest.raises(SchemeError, match=r"单位分组（group）有 150 个，上限 100"):
        parse_scheme(raw)
    assert time.perf_counter() - t < 5


# ---------------------------------------------------------------------------------------------- the file


def test_config_symlink_out_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere.toml"
    outside.write_text(BASE, encoding="utf-8")
    folder = tmp_path / "考核"
    folder.mkdir()
    os.symlink(outside, folder / "config.toml")
    with pytest.raises(SchemeError, match="是指向考核文件夹以外的链接") as err:
        load_scheme(folder)
    assert "elsewhere.toml" in str(err.value)
    (folder / "config.toml").unlink()
    shutil.copy2(outside, folder / "real.toml")
    os.symlink("real.toml", folder / "config.toml")  # a link inside the folder is fine
    assert load_scheme(folder).assessment.year == 2025


@pytest.mark.parametrize("kind, expected", [("fifo", "不是普通文件（是命名管道）"), ("folder", "不是普通文件（是文件夹）"),
                                            ("dangling", "是无效的链接"), ("huge", "过大（9.0 MB，上限 8 MB）"),
                                            ("latin1", "不是 UTF-8")])
def test_config_that_is_not_a_plain_small_text_file_is_refused(tmp_path, kind, expected):
    folder = tmp_path / "考核"
    folder.mkdir()
    path = folder / "config.toml"
    if kind == "fifo":
        os.mkfifo(path)  # never opened: a read would block forever
    elif kind == "folder":
        path.mkdir()
    elif kind == "dangling":
        os.symlink(tmp_path / "gone.toml", path)
    elif kind == "huge":
        path.write_bytes(BASE.encode() + b"#" + b"x" * (9_000_000 - len(BASE.encode()) - 2) + b"\n")
    else:
        path.write_bytes(BASE.replace("XX县", "\u00e9").encode("latin-1", errors="replace"))
    t = time.perf_counter()
    with pytest.raises(SchemeError) as err:
        load_scheme(folder)
    assert time.perf_counter() - t < 5
    assert expected in str(err.value) and "config.toml" in str(err.value)


def test_the_guide_states_the_limits():
    text = (ROOT / "docs" / "方案编写指南.md").read_text(encoding="utf-8")
    section = text[text.index("**方案文件本身的限制**"):text.index("## 2. 被考核单位")]
    for figure in (f"{S.MAX_SCHEME_BYTES // 1_000_000} MB", "1e15", f"{S.INT_LIMIT:,}", "1949–2200", "1–365",
                   f"{S.TEXT_LIMIT} 个字符", f"{S.LONG_TEXT_LIMIT:,} 个字符", f"{S.LIST_LIMITS['units']:,} 个",
                   f"{S.LIST_LIMITS['indicators']:,} 个", f"{S.LIST_LIMIT:,} 项", f"{S.MAX_GROUPS} 个"):
        assert figure in section, figure
    assert S.INT_RANGES == {"year": (1949, 2200), "publicity_days": (1, 365)}


# ----------------------------------------------------------------------------------------- the real CLI


@pytest.mark.parametrize("line, new, key", [
    (r"^min = 90", "min = nan", "grades[1]（优秀）.min"),
    (r"^amount = \d+", "amount = inf", "awards.prizes[1]（综合考核一等奖）.amount"),
    (r'^organizer = "', 'organizer = "\\u0001', "assessment.organizer"),
])
def test_cli_exits_2_naming_the_key(example, line, new, key):
    (example / "config.toml").write_text(re.sub(line, lambda m: new, BASE, count=1, flags=re.M), encoding="utf-8")
    res = kaohe("check", example)
    assert res.returncode == 2, res.stdout + res.stderr
    assert key in res.stderr and "Traceback" not in res.stderr + res.stdout
