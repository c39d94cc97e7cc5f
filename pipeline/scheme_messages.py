"""Pydantic's validation errors of a scheme as Chinese lines naming the key (`indicators[3]（A3）.x_s：…`).

Pydantic's `loc` is walked against the raw TOML so that list items show their id or name, the steps pydantic adds
for unions (`float`, `literal['column']`, the `method` tag of an `[[indicators]]` entry) never show, and a key that
belongs to another scoring method says so instead of "unknown key" (docs/decisions.md 56).
"""

from __future__ import annotations

import difflib
import typing

from pydantic import BaseModel, ValidationError

from . import methods
from .scheme_base import _bad_char

_PYDANTIC_MESSAGES = {
    "extra_forbidden": "未知的配置项（可能拼写错误）",
    "missing": "缺少必填项",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文本",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表 [...]",
    "dict_type": "应为表 {{...}}",  # braces doubled: every message goes through str.format
    "model_type": "应为表 [...] 或 {{...}}",
    "model_attributes_type": "应为表 [...] 或 {{...}}",
    "finite_number": "应为有限数值（不能是 nan 或 inf）",
    "greater_than": "应大于 {gt}",
    "less_than": "应小于 {lt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
}


def _is_tag(item, node) -> bool:
    """Whether a loc step right after a list index is the discriminator tag pydantic inserts for an indicator's
    method (`('indicators', 2, 'completion', 'x_s')`), not a key."""
    return isinstance(item, str) and item in methods.METHODS and isinstance(node, dict) and node.get("method") == item


def _method_of(loc: tuple, raw: dict) -> str | None:
    """The method tag in `loc`, when the error lies inside an indicator entry of a known method."""
    node, after_index = raw, False
    for item in loc:
        if after_index and _is_tag(item, node):
            return item
        after_index = isinstance(item, int)
        try:
            node = node[item]
        except (IndexError, KeyError, TypeError):
            return None
    return None


def _key_path(loc: tuple, raw: dict) -> str:
    """`indicators[2]（A3）.points` from pydantic's loc tuple, with the item's id/name when it has one."""
    parts: list[str] = []
    node = raw
    after_index = False
    for item in loc:
        if isinstance(item, int):
            after_index = True
            parts[-1] += f"[{item + 1}]"
            try:
                node = node[item]
                tag = node.get("id") or node.get("name")
                if tag:
                    tag = str(tag)
                    parts[-1] += f"（{tag[:30]}{'…' if len(tag) > 30 else ''}）"  # the name may be the bad value
            except (IndexError, AttributeError, TypeError):
                node = None
            continue
        if after_index and _is_tag(item, node):
            after_index = False
            continue
        after_index = False
        if item in ("function-after",) or str(item).startswith(("float", "literal", "str", "function")):
            continue
        parts.append(str(item))
        node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts)


def _models_in(annotation) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds: `list[Grade]`, `Progress | None`, the members of a union."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _field_names(loc: tuple, root: type[BaseModel]) -> list[str]:
    """Known keys at the level of `loc` (for typo suggestions); inside an indicator, its own method's keys."""
    models: list[type[BaseModel]] = [root]
    for item in loc[:-1]:
        if isinstance(item, int):
            continue
        tagged = [m for m in models if item in methods.METHODS and methods.METHODS[item] is m]
        if tagged:
            models = tagged
            continue
        fields = [m.model_fields[str(item)] for m in models if str(item) in m.model_fields]
        if not fields:
            return []
        models = _models_in(fields[0].annotation)
    return list(models[0].model_fields) if len(models) == 1 else []


def _quoted(method: str) -> str:
    model = methods.METHODS[method]
    return f"{model.method_label}（{method}）"


def _foreign_key(loc: tuple, raw: dict) -> str | None:
    """For an unknown key of an indicator that is a parameter of other methods: the message saying so."""
    method = _method_of(loc, raw)
    key = str(loc[-1])
    owners = [m.method_name() for m in methods.owners(key)] if method else []
    if not owners or method in owners:
        return None
    label = methods.METHODS[method].method_label
    return f"参数 {key} 属于 {'、'.join(_quoted(m) for m in owners)}，不适用于计分方法 {method}（{label}）"


def _explain(err: dict, raw: dict, root: type[BaseModel]) -> str:
    key = _key_path(err["loc"], raw)
    kind = err["type"]
    ctx = err.get("ctx", {})
    if kind == "value_error":
        msg = str(ctx.get("error", err["msg"]))
    elif kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("' or '", "', '").replace("'", "")
        msg = f"取值“{err.get('input')}”无效，可选：{expected}"
    elif kind == "union_tag_invalid":  # an indicator's method no registered module defines
        key = f"{key}.method" if key else "method"
        tag = str(ctx.get("tag", ""))
        msg = f"取值“{tag}”无效，可选：{', '.join(methods.METHODS)}"
        close = difflib.get_close_matches(tag, list(methods.METHODS), n=1)
        if close:
            msg += f"，是否应为“{close[0]}”？"
    elif kind == "union_tag_not_found":
        key = f"{key}.method" if key else "method"
        msg = f"缺少必填项（计分方法，可选：{', '.join(methods.METHODS)}）"
    elif kind in ("float_type", "float_parsing") and isinstance(err.get("input"), int) \
            and not isinstance(err.get("input"), bool):
        msg = "数值过大（绝对值不能超过 1e15）"  # an integer beyond any float (10**400)
    elif kind == "extra_forbidden" and (foreign := _foreign_key(err["loc"], raw)):
        msg = foreign
    else:
        msg = _PYDANTIC_MESSAGES.get(kind, err["msg"]).format(**ctx)
        if kind == "extra_forbidden":
            close = difflib.get_close_matches(str(err["loc"][-1]), _field_names(err["loc"], root), n=1)
            if close:
                msg += f"，是否应为“{close[0]}”？"
    return f"{key}：{msg}" if key else msg


def _printable(line: str, limit: int = 2000) -> str:
    """A message line safe to print: the scheme's own text may hold control characters (a terminal escape in a
    unit name) or be millions of characters long; both are shown escaped and cut."""
    out = "".join(f"\\u{ord(ch):04x}" if _bad_char(ch, False) else ch for ch in line[:limit])
    return out + ("…" if len(line) > limit else "")


def _union_member(loc: tuple) -> bool:
    """A loc step naming one member of a union (`float`, `literal['column']`…): one of several tries at one key."""
    return any(isinstance(p, str) and (p in ("float", "int", "str", "bool", "none") or p.startswith(
        ("literal[", "tuple[", "list[", "dict[", "function-"))) for p in loc)


def explain_errors(exc: ValidationError, raw: dict, root: type[BaseModel]) -> list[str]:
    """One printable Chinese line per problem, each said once."""
    lines, union_keys = [], set()
    for e in exc.errors():
        if _union_member(e["loc"]):  # `target = nan` fails as a number and as "column": say it once
            key = _key_path(e["loc"], raw)
            if key in union_keys:
                continue
            union_keys.add(key)
        lines.append(_explain(e, raw, root))
    return list(dict.fromkeys(_printable(line) for line in lines))
