"""tomllib's syntax errors in config.toml read as Chinese: line and column, what is wrong, the line, a hint."""

from __future__ import annotations

import ast
import inspect
import re
import tomllib

import pytest

from pipeline.scheme_toml import toml_error_text


def _error(text: str) -> tomllib.TOMLDecodeError:
    with pytest.raises(tomllib.TOMLDecodeError) as info:
        tomllib.loads(text)
    return info.value


def _text(text: str) -> str:
    return toml_error_text(_error(text), text)


def _hint(text: str) -> str | None:
    out = _text(text)
    return out.split("；提示：", 1)[1] if "；提示：" in out else None


def _parser_messages() -> set[str]:
    """Every message tomllib's parser passes to suffixed_err, f-string fields as {}."""
    tree = ast.parse(inspect.getsource(tomllib._parser))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "suffixed_err":
            msg = node.args[2]
            if isinstance(msg, ast.Constant):
                found.add(msg.value)
            else:
                found.add("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in msg.values))
    return found


# One TOML text per message tomllib can raise (the message as in the parser's source, fields as {}).
TRIGGERS = {
    "Invalid statement": '名称 = "城关镇"\n',
    "Expected newline or end of document after a statement": "a = 1 2\n",
    "Expected {}": "a = 'abc",
    "Found invalid character {}": "# 注释\x01\n",
    "Cannot declare {} twice": "[a]\n[a]\n",
    "Cannot overwrite a value": "a = 1\na = 2\n",
    "Expected ']' at the end of a table declaration": "[a\n",
    "Cannot mutate immutable namespace {}": "a = [1]\n[[a]]\n",
    "Expected ']]' at the end of an array declaration": "[[a]\n",
    "Cannot redefine namespace {}": "[b.b]\n[b]\nb.c = 1\n",
    "Expected '=' after a key in a key/value pair": "a ＝ 1\n",
    "Invalid initial character for a key part": "[城关镇]\n",
    "Unclosed array": "a = [1 2]\n",
    "Duplicate inline table key {}": "a = {b = 1, b = 2}\n",
    "Unclosed inline table": "a = {b = 1 c = 2}\n",
    "Unescaped '\\' in a string": 'a = "\\d"\n',
    "Invalid hex value": 'a = "\\u12"\n',
    "Escaped character is not a Unicode scalar value": 'a = "\\uD800"\n',
    "Unterminated string": 'a = "abc',
    "Illegal character {}": 'a = "abc\n',
    "Invalid date or datetime": "a = 2026-02-30\n",
    "Invalid value": "a = 城关镇\n",
}
# Further texts for the same messages, raised with another field or in another place.
MORE_TRIGGERS = [
    ("Expected {}", "a = '''abc"),
    ("Found invalid character {}", "a = 'abc\nb = 'x'\n"),
    ("Illegal character {}", 'a = "a\x01"\n'),
    ("Cannot overwrite a value", "a = 1\n[a]\n"),
    ("Cannot overwrite a value", "a = {b = 1, b.c = 2}\n"),
    ("Cannot mutate immutable namespace {}", "a = {b = 1}\na.c = 2\n"),
    ("Invalid hex value", 'a = "\\U1234"\n'),
    ("Unterminated string", 'a = """abc\n'),
    ("Unclosed array", "a = [1, 2"),
    ("Invalid value", "a = \n"),
]


def _shown_line(out: str) -> str:
    """The offending line as the output quotes it (between —— and the hint)."""
    return out.split("——", 1)[1].split("；提示：", 1)[0] if "——" in out else ""


def test_triggers_cover_every_parser_message():
    assert set(TRIGGERS) == _parser_messages()


@pytest.mark.parametrize("template, text", [*TRIGGERS.items(), *MORE_TRIGGERS])
def test_every_message_reads_in_chinese(template, text):
    exc = _error(text)
    bare = re.sub(r" \(at (line \d+, column \d+|end of document)\)$", "", str(exc))
    assert re.fullmatch(".+".join(map(re.escape, template.split("{}"))), bare), "the text raises another message"
    out = toml_error_text(exc, text)
    assert re.match(r"(第 \d+ 行第 \d+ 列|文件末尾)：", out)
    assert "格式不正确" not in out, "a known message fell through to the generic text"
    line = _shown_line(out)
    for word in re.findall(r"[A-Za-z]+", out):
        assert word in line, f"English {word!r} outside the quoted line: {out}"


def test_unknown_message_still_reads_in_chinese():
    try:
        exc = tomllib.TOMLDecodeError("Something new (at line 1, column 1)")
    except TypeError:
        pytest.skip("this Python's TOMLDecodeError cannot be built from a message alone")
    assert toml_error_text(exc, "a = 1\n") == "第 1 行第 1 列：格式不正确——a = 1"


def test_unknown_message_without_position():
    try:
        exc = tomllib.TOMLDecodeError("Something new")
    except TypeError:
        pytest.skip("this Python's TOMLDecodeError cannot be built from a message alone")
    assert toml_error_text(exc, "a = 1\n") == "位置不明：格式不正确"


def test_position_attributes_used_when_present():
    """Python 3.14's TOMLDecodeError carries msg, doc, pos, lineno and colno; the message then needs no parsing."""
    text = "[assessment]\nname = 城关镇\n"
    exc = tomllib.TOMLDecodeError("Invalid value")
    exc.msg, exc.doc, exc.pos, exc.lineno, exc.colno = "Invalid value", text, 20, 2, 8
    assert toml_error_text(exc, text) == '第 2 行第 8 列：值的写法不正确——name = 城关镇；提示：文字要加英文双引号：name = "城关镇"'


def test_full_text_of_a_percent():
    assert _text("[assessment]\nyear = 40%\n") == (
        '第 2 行第 10 列：值的后面多出了内容（一行只能写一项）——year = 40%；'
        '提示：数值不要带 %，40% 写成 0.4（指南允许写文字的项，也可加引号写成 "40%"）')


@pytest.mark.parametrize("value, fraction", [("40%", "0.4"), ("12.5%", "0.125"), ("150 %", "1.5"), ("40％", "0.4")])
def test_percent_hint(value, fraction):
    number = value.rstrip("%％ ")
    assert _hint(f"rate = {value}\n").startswith(f"数值不要带 %，{number}% 写成 {fraction}")


@pytest.mark.parametrize("text, marks", [
    ("name = “城关镇”\n", "“ ”"),
    ("name = ‘城关镇’\n", "‘ ’"),
    ("name = 「城关镇」\n", "「 」"),
    ('name = "城关镇”\n', "”"),
])
def test_chinese_quotes_hint(text, marks):
    assert _hint(text) == f'引号要用英文半角的 "…"，不能用中文引号 {marks}'


def test_chinese_quotes_inside_a_string_are_no_mistake():
    assert _hint('name = "关于“三农”" 1\n') is None


def test_fullwidth_equals_hint():
    out = _text('name ＝ "城关镇"\n')
    assert out.startswith("第 1 行第 6 列：键的后面缺少等号 =——name ＝ \"城关镇\"")
    assert out.endswith("提示：等号要用半角的 =，不能用全角的 ＝")


@pytest.mark.parametrize("text", ['name："城关镇"\n', 'name: "城关镇"\n'])
def test_colon_hint(text):
    assert _hint(text) == "键和值之间要用半角等号 = 连接，不能用冒号"


@pytest.mark.parametrize("text", ['towns = ["城关镇"，"东关镇"]\n', 'towns = ["城关镇"、"东关镇"]\n', "ids = [1，2]\n"])
def test_chinese_comma_in_array_hint(text):
    out = _text(text)
    assert "数组没有正确结束" in out
    assert out.endswith("提示：各项之间要用半角逗号 , 分隔，不能用中文的 ， 或 、")


def test_chinese_comma_in_inline_table_hint():
    assert _hint("a = {b = 1，c = 2}\n") == "各项之间要用半角逗号 , 分隔，不能用中文的 ， 或 、"


def test_unquoted_chinese_text_hint():
    assert _text("[assessment]\nname = 城关镇\n") == (
        '第 2 行第 8 列：值的写法不正确——name = 城关镇；提示：文字要加英文双引号：name = "城关镇"')


def test_unquoted_chinese_text_in_inline_table_hint():
    assert _hint("a = {name = 城关镇, b = 1}\n") == '文字要加英文双引号：name = "城关镇"'


def test_chinese_line_hint():
    assert _hint("城关镇\n") == '说明文字请在行首加 # 作为注释；如果是取值，请写成 键 = "文字"'


def test_chinese_key_hint():
    assert _hint('名称 = "城关镇"\n') == "键名只能用英文字母、数字、- 和 _（照方案编写指南填写），不能用中文"


def test_repeated_key_hint():
    out = _text("[assessment]\nyear = 2025\nyear = 2026\n")
    assert out == ("第 3 行第 12 列：键 year 重复：前面已经写过——year = 2026；"
                   "提示：键 year 写了两次，请删掉多余的一处")


def test_repeated_key_in_an_array_entry_names_the_missing_header():
    out = _text('[[indicators]]\nid = "A1"\nname = "招商引资"\nid = "A2"\n')
    assert out.startswith("第 4 行第 10 列：键 id 重复")
    assert out.endswith("提示：键 id 写了两次，请删掉多余的一处（如果这是新的一项，前面漏写了 [[indicators]]）")


def test_repeated_key_of_a_value_spanning_lines():
    assert "键 towns 写了两次" in _hint('towns = ["a"]\ntowns = [\n  "b",\n]\n')


def test_repeated_key_in_inline_table_hint():
    assert _hint("a = {b = 1, b = 2}\n") == "键 b 写了两次，请删掉多余的一处"


def test_table_written_twice_hint():
    assert _hint("[assessment]\n[assessment]\n") == "表头 [assessment] 只能出现一次，请把两处的内容合并到一处"


def test_header_missing_bracket_hint():
    out = _text("[assessment\nyear = 2026\n")
    assert out == ("第 1 行第 12 列：表头缺少结尾的 ]——[assessment；"
                   "提示：表头要写成 [assessment]（用半角方括号，结尾的 ] 不能少）")


def test_array_header_missing_bracket_hint():
    assert _hint("[[indicators]\n") == "表头要写成 [[indicators]]（用半角方括号，结尾的 ]] 不能少）"


def test_fullwidth_brackets_hint():
    assert _hint("【assessment】\n") == "方括号要用半角的 [ ]，不能用 【 】 或 ［ ］"


def test_unterminated_string_hint():
    out = _text('[assessment]\nname = "城关镇\nyear = 2026\n')
    assert out == ('第 2 行第 12 列：文字没有在本行内结束（缺少结尾的双引号 "）——name = "城关镇；'
                   '提示：在文字末尾补上引号：name = "城关镇"')


def test_unterminated_string_at_end_of_document():
    assert _text('name = "城关镇') == '文件末尾：文字缺少结尾的双引号 "——name = "城关镇；提示：在文字末尾补上引号：name = "城关镇"'


def test_unterminated_literal_string_hint():
    assert _hint("name = '城关镇") == "在文字末尾补上引号：name = '城关镇'"


@pytest.mark.parametrize("value", ["2026/1/15", "2026年1月15日", "2026-1-15", "2026.1.15"])
def test_date_hint(value):
    assert _hint(f"start = {value}\n") == '日期写成 2026-01-15（或加引号写成 "2026-01-15"）'


def test_impossible_date():
    assert _text("start = 2026-02-30\n") == "第 1 行第 9 列：日期或时间不存在（请检查年、月、日和时刻）——start = 2026-02-30"


@pytest.mark.parametrize("text, digits", [("weight = １２\n", "１２ 写成 12"), ("weight = 1２\n", "２ 写成 2"),
                                          ("weight = ０．５\n", "０．５ 写成 0.5")])
def test_fullwidth_digits_hint(text, digits):
    assert _hint(text) == f"数字要用半角：{digits}"


def test_bom_hint():
    out = _text("\ufeff[assessment]\n")
    assert out.startswith("第 1 行第 1 列：无法识别这一行")
    assert "——�[assessment]" in out
    assert "BOM" in out.split("；提示：")[1]


@pytest.mark.parametrize("char", ["\u200b", "\u200d", "\ufeff", "\u00a0"])
def test_zero_width_character_hint(char):
    out = _text(f"[assessment]\nye{char}ar = 2026\n")
    assert out.startswith("第 2 行第 3 列：键的后面缺少等号 =——ye�ar = 2026")
    assert out.endswith("提示：这里有看不见的特殊字符（常见于从网页、微信或文档中复制的文字），请删掉这一处后重新输入")


def test_number_with_unit_hint():
    assert _hint("weight = 10分\n") == "数字后面不要带单位或文字，写成 10"


def test_backslash_hint():
    assert "写成两个 \\\\" in _hint('path = "考核\\数据"\n')


def test_capitalised_boolean_hint():
    assert _hint("enabled = True\n") == "真假值要写成小写的 true 或 false"


def test_inline_table_trailing_comma_hint():
    assert _hint("a = {b = 1, }\n") == "{…} 中最后一项的后面不要加逗号"


def test_inline_table_across_lines_hint():
    assert _hint("a = {b = 1\n}\n") == "内联表 {…} 必须写在同一行内，请把 } 写在本行末尾"


def test_array_missing_bracket_before_next_line_hint():
    out = _text("towns = [1, 2\nyear = 2026\n")
    assert out.startswith("第 2 行第 1 列：数组没有正确结束")
    assert out.endswith("提示：上一行的末尾可能缺少逗号 , 或数组结尾的 ]")


@pytest.mark.parametrize("text", ["a = 1 2\n", 'a = "\\uD800"\n', 'a = "\\u12"\n', "start = 2026-13-01\n"])
def test_no_hint_where_none_applies(text):
    assert _hint(text) is None


def test_missing_value():
    assert _text("[assessment]\nyear =\n") == "第 2 行第 7 列：等号后面缺少值——year ="


def test_end_of_document_shows_last_line():
    assert _text("a = 1\ntowns = [1, 2\n\n") == (
        "文件末尾：数组没有正确结束（各项之间用半角逗号 , 分隔，最后以 ] 结尾）——towns = [1, 2；提示：数组缺少结尾的 ]")


def test_windows_line_endings():
    assert _text("[assessment]\r\nname = 城关镇\r\n").startswith("第 2 行第 8 列：值的写法不正确——name = 城关镇；")


def test_line_stripped_and_clipped_to_60_characters():
    text = "    note = 1 " + "很" * 80 + "\n"
    shown = _shown_line(_text(text))
    assert shown == "note = 1 " + "很" * 51 + "…"
    assert len(shown) == 61


def test_clipped_line_keeps_the_column_in_view():
    text = 'note = "' + "长" * 100 + "\n"
    shown = _shown_line(_text(text))
    assert shown == "…" + "长" * 60
