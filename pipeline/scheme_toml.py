"""tomllib's syntax errors in config.toml as one Chinese line: where, what tomllib found, the line itself and a hint.

County clerks edit the scheme in Notepad or WPS, where Chinese punctuation, full-width characters and unquoted
Chinese text slip in; tomllib's English ("Invalid value (at line 2, column 9)") tells them neither what is wrong
nor how to fix it. Every message tomllib's parser raises is translated; an unknown one still reads in Chinese.
"""

from __future__ import annotations

import ast
import re
import tomllib
from decimal import Decimal, InvalidOperation

_LINE_WIDTH = 60  # characters of the offending line shown

_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY_LINE = re.compile(rf"^\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*=")
_KEYS_BEFORE = re.compile(rf"({_KEY}(?:\s*\.\s*{_KEY})*)\s*=")
_HEADER_LINE = re.compile(r"^\s*(\[\[?)\s*([^\[\]】］\s#]*)")

_CURLY_QUOTES = "“”‘’「」『』＂＇"
_INVISIBLE = frozenset("\ufeff\u200b\u200c\u200d\u2060\u00a0\u180e") | frozenset(
    chr(i) for i in [*range(32), *range(127, 160)] if chr(i) != "\t"
)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
_CONTROL_NAMES = {"\r": "单独的回车符", "\x00": "空字符", "\x7f": "删除控制符"}

# tomllib's messages (Python 3.11 `tomllib._parser`, every string passed to `suffixed_err`) → a kind.
# `{arg}` groups carry the key or character the message names.
_MESSAGES = [
    (re.compile(r"Invalid statement"), "statement"),
    (re.compile(r"Expected newline or end of document after a statement"), "trailing"),
    (re.compile(r"""Expected "'''\""""), "literal_multiline_open"),
    (re.compile(r"""Expected "'\""""), "literal_open"),
    (re.compile(r"Found invalid character (?P<arg>.+)"), "found_char"),
    (re.compile(r"Cannot declare (?P<arg>.+) twice"), "table_twice"),
    (re.compile(r"Cannot overwrite a value"), "overwrite"),
    (re.compile(r"Expected '\]' at the end of a table declaration"), "header_open"),
    (re.compile(r"Cannot mutate immutable namespace (?P<arg>.+)"), "frozen"),
    (re.compile(r"Expected '\]\]' at the end of an array declaration"), "array_header_open"),
    (re.compile(r"Cannot redefine namespace (?P<arg>.+)"), "redefine"),
    (re.compile(r"Expected '=' after a key in a key/value pair"), "equals"),
    (re.compile(r"Invalid initial character for a key part"), "key"),
    (re.compile(r"Unclosed array"), "array_open"),
    (re.compile(r"Duplicate inline table key (?P<arg>.+)"), "inline_twice"),
    (re.compile(r"Unclosed inline table"), "inline_open"),
    (re.compile(r"Unescaped '\\' in a string"), "backslash"),
    (re.compile(r"Invalid hex value"), "hex"),
    (re.compile(r"Escaped character is not a Unicode scalar value"), "scalar"),
    (re.compile(r"Unterminated string"), "unterminated"),
    (re.compile(r"Illegal character (?P<arg>.+)"), "illegal_char"),
    (re.compile(r"Invalid date or datetime"), "date"),
    (re.compile(r"Invalid value"), "value"),
]


class _Spot:
    """The error's place: its line (raw), the 0-based index of its column in that line, the character there
    ("" past the end) and the line's code outside quotes and comment. At the end of the document the line is
    the last one with text (an unclosed string or array starts there); with no position known there is none."""

    def __init__(self, lines: list[str], lineno: int | None, colno: int | None, at_end: bool):
        self.lines, self.at_end = lines, at_end
        if at_end:
            self.row = max((i for i, text in enumerate(lines) if text.strip()), default=-1)
            self.index = len(lines[self.row]) if self.row >= 0 else 0
        else:
            self.row = lineno - 1 if lineno is not None and 0 < lineno <= len(lines) else -1
            self.index = (colno or 1) - 1
        self.line = lines[self.row] if self.row >= 0 else ""
        self.char = self.line[self.index:self.index + 1]
        self.code = _outside_quotes(self.line)


def toml_error_text(exc: tomllib.TOMLDecodeError, text: str) -> str:
    """`第 N 行第 M 列：<what tomllib found>——<the line>；提示：<how to fix>` (or `文件末尾：…`), all in Chinese,
    so a clerk can find and fix the mistake without reading tomllib's English."""
    message = str(exc)
    found = _POSITION.search(message)
    bare = getattr(exc, "msg", None) or (message[:found.start()] if found else message)
    lineno, colno = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    at_end = bool(found) and found.group(1) is None
    if lineno is None and found and found.group(1):
        lineno, colno = int(found.group(1)), int(found.group(2))
    doc, pos = getattr(exc, "doc", None), getattr(exc, "pos", None)
    if isinstance(doc, str) and isinstance(pos, int):
        at_end = pos >= len(doc)

    spot = _Spot(text.replace("\r\n", "\n").split("\n"), lineno, colno, at_end)
    kind, arg = _kind(bare)
    if at_end:
        where = "文件末尾："
    elif lineno is not None:
        where = f"第 {lineno} 行第 {colno or 1} 列："
    else:
        where = "位置不明："
    shown = _clip(spot.line, spot.index)
    hint = _hint(kind, arg, spot)
    return (where + _describe(kind, arg, spot) + (f"——{shown}" if shown else "")
            + (f"；提示：{hint}" if hint else ""))


def _kind(bare: str) -> tuple[str, str]:
    """The kind of a bare tomllib message and the key or character it names; ("unknown", "") if none fits."""
    for pattern, kind in _MESSAGES:
        match = pattern.fullmatch(bare.strip())
        if match:
            return kind, match.groupdict().get("arg") or ""
    return "unknown", ""


def _describe(kind: str, arg: str, spot: _Spot) -> str:
    """What tomllib found, in Chinese."""
    key = _show_key(arg)
    if kind == "statement":
        return "无法识别这一行（每行应是 键 = 值、[表名]，或以 # 开头的注释）"
    if kind == "trailing":
        return "值的后面多出了内容（一行只能写一项）"
    if kind == "literal_open":
        return "单引号文字缺少结尾的单引号 '"
    if kind == "literal_multiline_open":
        return "多行文字缺少结尾的 '''"
    if kind in ("found_char", "illegal_char"):
        char = _literal(arg)
        quote = "单引号 '" if kind == "found_char" else '双引号 "'
        if char == "\n":
            return f"文字没有在本行内结束（缺少结尾的{quote}）"
        return f"这里有不允许的{_CONTROL_NAMES.get(char, '控制字符（看不见的字符）')}"
    if kind == "table_twice":
        return f"表 [{key}] 写了两次" if key else "同一个表写了两次"
    if kind == "overwrite":
        name = _statement_key(spot)
        if spot.line.lstrip().startswith("["):
            return f"表头 [{name}] 与前面已写的键重名" if name else "表头与前面已写的键重名"
        return f"键 {name} 重复：前面已经写过" if name else "这个键与前面已写的内容重复"
    if kind == "header_open":
        return "表头缺少结尾的 ]"
    if kind == "frozen":
        return f"{key or '这一项'} 已经用 {{…}} 或 […] 一次写完，不能再往里添加内容"
    if kind == "array_header_open":
        return "数组表头缺少结尾的 ]]"
    if kind == "redefine":
        return f"表 [{key}] 已经单独写过，不能再用带点号的键往里添加内容" if key else "不能再用带点号的键往已写过的表里添加内容"
    if kind == "equals":
        return "键的后面缺少等号 ="
    if kind == "key":
        return "这里应是键名，但写法不正确"
    if kind == "array_open":
        return "数组没有正确结束（各项之间用半角逗号 , 分隔，最后以 ] 结尾）"
    if kind == "inline_twice":
        return f"{{…}} 中的键 {key} 写了两次" if key else "{…} 中有键写了两次"
    if kind == "inline_open":
        return "内联表 {…} 没有正确结束（各项之间用半角逗号 , 分隔，最后以 } 结尾，且须写在同一行）"
    if kind == "backslash":
        return "双引号文字中的反斜杠 \\ 用法不正确"
    if kind == "hex":
        escape = spot.line[max(spot.index - 2, 0):spot.index]
        if escape in ("\\u", "\\U"):
            return f"转义 {escape} 后面应为 {4 if escape.endswith('u') else 8} 位十六进制数字"
        return "转义字符后面的十六进制数字不正确"
    if kind == "scalar":
        return "转义字符表示的字符编号无效"
    if kind == "unterminated":
        if _opens_multiline(spot):
            return '多行文字缺少结尾的 """'
        return '文字缺少结尾的双引号 "'
    if kind == "date":
        return "日期或时间不存在（请检查年、月、日和时刻）"
    if kind == "value":
        return "等号后面缺少值" if not spot.line[spot.index:].strip() else "值的写法不正确"
    return "格式不正确"


def _hint(kind: str, arg: str, spot: _Spot) -> str | None:
    """How to fix it, judged from the offending line and the character at the column; None when no rule fits.
    Mistakes of typing (invisible, full-width, Chinese characters) come first: they cause most other errors."""
    for rule in (_hint_invisible, _hint_quotes, _hint_fullwidth, _hint_comma, _hint_digits, _hint_date,
                 _hint_percent, _hint_chinese, _hint_unit, _hint_repeated, _hint_header, _hint_unterminated,
                 _hint_structure):
        hint = rule(kind, arg, spot)
        if hint:
            return hint
    return None


def _hint_invisible(kind: str, arg: str, spot: _Spot) -> str | None:
    """A byte-order mark (Notepad's "UTF-8 with BOM") or a zero-width / control character pasted from the web."""
    if spot.row == 0 and spot.line.startswith("\ufeff") and spot.index == 0:
        return "文件开头有一个看不见的 BOM 标记：请在记事本“另存为”时把编码选为“UTF-8”（不要选“带有 BOM 的 UTF-8”）"
    if spot.char == "\r":
        return "行尾多了一个看不见的回车符，请删掉这一行末尾的空白后重新回车"
    if spot.char in _INVISIBLE or _INVISIBLE.intersection(spot.code):
        return "这里有看不见的特殊字符（常见于从网页、微信或文档中复制的文字），请删掉这一处后重新输入"
    return None


def _hint_quotes(kind: str, arg: str, spot: _Spot) -> str | None:
    """Chinese quotation marks where TOML needs ASCII ones."""
    found = [c for c in _CURLY_QUOTES if c == spot.char or c in spot.code]
    if found:
        return f'引号要用英文半角的 "…"，不能用中文引号 {" ".join(found)}'
    return None


def _hint_fullwidth(kind: str, arg: str, spot: _Spot) -> str | None:
    """Full-width ＝, a colon, full-width brackets or a full-width space, typed with the Chinese input method on."""
    if "＝" in spot.char + spot.code:
        return "等号要用半角的 =，不能用全角的 ＝"
    if "：" in spot.char + spot.code or (kind == "equals" and spot.char == ":"):
        return "键和值之间要用半角等号 = 连接，不能用冒号"
    if set("【】［］").intersection(spot.code):
        return "方括号要用半角的 [ ]，不能用 【 】 或 ［ ］"
    if spot.char == "\u3000" or spot.code.startswith("\u3000"):
        return "这里有全角空格，请删掉或改为半角空格"
    return None


def _hint_comma(kind: str, arg: str, spot: _Spot) -> str | None:
    """A Chinese comma or enumeration comma between the items of an array or inline table."""
    if not set("，、").intersection(spot.char + spot.code):
        return None
    if kind in ("array_open", "inline_open") or set("[{").intersection(spot.code):
        return "各项之间要用半角逗号 , 分隔，不能用中文的 ， 或 、"
    return "这里不能用中文的 ， 或 、，请删掉"


def _hint_digits(kind: str, arg: str, spot: _Spot) -> str | None:
    """Full-width digits (１２) typed with the Chinese input method on."""
    match = re.search(r"[０-９][０-９．]*", spot.code)
    if match:
        return f"数字要用半角：{match.group()} 写成 {match.group().translate(_FULLWIDTH_DIGITS)}"
    return None


def _hint_date(kind: str, arg: str, spot: _Spot) -> str | None:
    """A date written the Chinese way (2026/1/15, 2026年1月15日, 2026-1-15), which TOML reads as no date."""
    for match in re.finditer(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", spot.code):
        canonical = f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"
        if match.group() != canonical:
            return f"日期写成 {canonical}（或加引号写成 \"{canonical}\"）"
    return None


def _hint_percent(kind: str, arg: str, spot: _Spot) -> str | None:
    """A value with %: TOML numbers carry no %, the scheme takes 0.4 (or "40%" as text where the guide allows)."""
    match = re.search(r"([-+]?\d+(?:\.\d+)?)\s*[%％]", spot.code)
    if not match:
        return None
    try:
        fraction = format(Decimal(match.group(1)).scaleb(-2).normalize(), "f")
    except InvalidOperation:
        return None
    return f"数值不要带 %，{match.group(1)}% 写成 {fraction}（指南允许写文字的项，也可加引号写成 \"{match.group(1)}%\"）"


def _hint_chinese(kind: str, arg: str, spot: _Spot) -> str | None:
    """Chinese text without quotes: as a value (name = 城关镇), as a key, or as a line of its own."""
    if kind == "value" and _CJK.match(spot.char):
        value = re.match(r"[^,\]}#]*", spot.line[spot.index:]).group().strip()
        keys = _KEYS_BEFORE.findall(spot.line[:spot.index])
        return f'文字要加英文双引号：{keys[-1] + " = " if keys else ""}"{value}"'
    if kind in ("statement", "key", "equals") and _CJK.match(spot.char):
        if spot.line.lstrip().startswith("["):
            return "表名只能用英文字母、数字、- 和 _（照方案编写指南填写），不能用中文"
        if "=" in spot.code:
            return "键名只能用英文字母、数字、- 和 _（照方案编写指南填写），不能用中文"
        return '说明文字请在行首加 # 作为注释；如果是取值，请写成 键 = "文字"'
    return None


def _hint_unit(kind: str, arg: str, spot: _Spot) -> str | None:
    """A number followed by a unit or a word (weight = 10分, year = 2026年)."""
    if kind != "trailing" or not _CJK.match(spot.char):
        return None
    match = re.search(r"[-+]?\d[\d_.]*$", spot.line[:spot.index].rstrip())
    if match:
        return f"数字后面不要带单位或文字，写成 {match.group()}"
    return None


def _hint_repeated(kind: str, arg: str, spot: _Spot) -> str | None:
    """A key or table written twice; in an [[…]] entry often a forgotten [[…]] line before a new item."""
    if kind == "overwrite":
        name = _statement_key(spot)
        if not name:
            return None
        if spot.line.lstrip().startswith("["):
            return f"{name} 在前面已经作为键写过，请给表换个名字或删掉前面的键"
        array = _array_header(spot)
        new_item = f"（如果这是新的一项，前面漏写了 [[{array}]]）" if array else ""
        return f"键 {name} 写了两次，请删掉多余的一处{new_item}"
    if kind == "table_twice" and _show_key(arg):
        return f"表头 [{_show_key(arg)}] 只能出现一次，请把两处的内容合并到一处"
    if kind == "inline_twice" and _show_key(arg):
        return f"键 {_show_key(arg)} 写了两次，请删掉多余的一处"
    return None


def _hint_header(kind: str, arg: str, spot: _Spot) -> str | None:
    """A table header missing its closing ] or ]]."""
    if kind not in ("header_open", "array_header_open"):
        return None
    match = _HEADER_LINE.match(spot.line)
    if not match or not match.group(2):
        return None
    close = "]]" if kind == "array_header_open" else "]"
    return f"表头要写成 {match.group(1)}{match.group(2)}{close}（用半角方括号，结尾的 {close} 不能少）"


def _hint_unterminated(kind: str, arg: str, spot: _Spot) -> str | None:
    """A string missing its closing quote: show the line with the quote added."""
    if kind in ("found_char", "illegal_char") and _literal(arg) != "\n":
        return None
    if kind not in ("found_char", "illegal_char", "unterminated", "literal_open", "literal_multiline_open"):
        return None
    if kind == "literal_multiline_open" or (kind == "unterminated" and _opens_multiline(spot)):
        return "在多行文字的末尾补上结尾的三个引号"
    quote = "'" if kind in ("found_char", "literal_open") else '"'
    return f"在文字末尾补上引号：{_clip(spot.line.rstrip() + quote, len(spot.line))}"


def _hint_structure(kind: str, arg: str, spot: _Spot) -> str | None:
    """Arrays and inline tables that do not close, keys without =, tables already closed, backslashes in paths,
    True/False."""
    rest = spot.line[spot.index:].strip()
    if kind == "array_open" and not spot.at_end and spot.index == len(spot.line) - len(spot.line.lstrip()):
        return "上一行的末尾可能缺少逗号 , 或数组结尾的 ]"
    if kind == "array_open" and spot.at_end:
        return "数组缺少结尾的 ]"
    if kind == "inline_open" and not rest:
        return "内联表 {…} 必须写在同一行内，请把 } 写在本行末尾"
    if kind == "key" and spot.char == "}":
        return "{…} 中最后一项的后面不要加逗号"
    if kind == "key" and not rest and "{" in spot.code:
        return "内联表 {…} 必须写在同一行内"
    if kind == "equals" and not rest:
        return '键的后面要写 = 和值，如 键 = "文字"'
    if kind == "equals" and spot.line[spot.index - 1:spot.index] == " " and _BARE_KEY.match(spot.char):
        return "键名中间不能有空格（可用 _ 连接）"
    if kind == "frozen":
        return "要补充的内容请直接写进原来那一处的 {…} 或 […] 里"
    if kind == "redefine" and _show_key(arg):
        return f"请把这一项写到表头 [{_show_key(arg)}] 的下面"
    if kind == "backslash":
        return "文字里的反斜杠 \\ 要写成两个 \\\\，或把整段文字改用单引号 '…' 括起（文件路径常见）"
    if kind == "value" and re.match(r"(True|False|TRUE|FALSE)\b", rest):
        return "真假值要写成小写的 true 或 false"
    return None


def _outside_quotes(line: str) -> str:
    """The line without its quoted strings and comment: where a full-width or Chinese character is a mistake.
    A quote that does not close on the line leaves the rest in, since the string is broken anyway."""
    out, i = [], 0
    while i < len(line):
        ch = line[i]
        if ch == "#":
            break
        if ch in "\"'":
            end = i + 1
            while end < len(line) and line[end] != ch:
                end += 2 if ch == '"' and line[end] == "\\" else 1
            if end >= len(line):
                out.append(line[i + 1:])
                break
            i = end + 1
            out.append(" ")
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _statement_key(spot: _Spot) -> str:
    """The key the error names: inside an inline table (more follows on the line) the last key before the
    column; else the line's own `key =` or [header], or the nearest line above starting with one (the error
    of a value spanning lines sits on its last line)."""
    keys = _KEYS_BEFORE.findall(spot.line[:spot.index])
    if keys and _outside_quotes(spot.line[spot.index:]).strip():
        return re.sub(r"\s*\.\s*", ".", keys[-1])
    for row in range(spot.row, -1, -1):
        line = spot.lines[row]
        header = _HEADER_LINE.match(line)
        if header:
            return header.group(2) if row == spot.row else ""
        match = _KEY_LINE.match(line)
        if match:
            return re.sub(r"\s*\.\s*", ".", match.group(1))
    return ""


def _array_header(spot: _Spot) -> str:
    """The name of the [[…]] entry the error lies in; "" when it lies in a plain table or at the top."""
    for line in reversed(spot.lines[:spot.row]):
        header = _HEADER_LINE.match(line)
        if header:
            return header.group(2) if header.group(1) == "[[" else ""
    return ""


def _opens_multiline(spot: _Spot) -> bool:
    """Whether an unterminated string is a multi-line one: an odd count of \"\"\" in the text."""
    return sum(line.count('"""') for line in spot.lines) % 2 == 1


def _literal(arg: str):
    """A repr tomllib put in its message (a key tuple, a key, a character) back as a value; None if unreadable."""
    try:
        return ast.literal_eval(arg)
    except (ValueError, SyntaxError):
        return None


def _show_key(arg: str) -> str:
    """A key tomllib named as a tuple or string repr, as the TOML file writes it: a.b, or "城关镇".x."""
    value = _literal(arg) if arg else None
    parts = (value,) if isinstance(value, str) else value if isinstance(value, tuple) else ()
    return ".".join(p if _BARE_KEY.fullmatch(p) else f'"{p}"' for p in parts if isinstance(p, str))


def _clip(line: str, index: int) -> str:
    """The line stripped, invisible characters shown as �, at most _LINE_WIDTH characters around the column,
    cut with … — a long description line still shows the place of the error."""
    lead = len(line) - len(line.lstrip())
    shown = "".join("�" if c in _INVISIBLE else c for c in line.strip())
    if len(shown) <= _LINE_WIDTH:
        return shown
    start = min(max(index - lead - _LINE_WIDTH // 2, 0), len(shown) - _LINE_WIDTH)
    return ("…" if start else "") + shown[start:start + _LINE_WIDTH] + ("…" if start + _LINE_WIDTH < len(shown) else "")
