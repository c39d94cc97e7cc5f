"""Keep docs/方案编写指南.md (the offices' reference for config.toml) honest against the code.

The page must name every scheme key, every scoring method, component kind and allowed value, and every data-issue
code; its field tables must list exactly each model's fields with the model's defaults; and every complete scheme it
shows must load through the real scheme parser.
"""

from __future__ import annotations

import re
import tomllib
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from pipeline.ingest import layout, scorecard
from pipeline.issues import CATALOGUE
from pipeline.methods import METHODS
from pipeline.scheme import Component, Scheme, parse_scheme

PAGE = Path(__file__).resolve().parent.parent / "docs" / "方案编写指南.md"
TEXT = PAGE.read_text(encoding="utf-8")


def _models_in(annotation) -> list[type[BaseModel]]:
    """Pydantic models inside an annotation such as `list[Grade]`, `Progress | None`, `dict[str, float]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def reachable_models() -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    todo = [Scheme]
    while todo:
        model = todo.pop(0)
        if model in seen:
            continue
        seen.append(model)
        for field in model.model_fields.values():
            todo.extend(_models_in(field.annotation))
    return seen


MODELS = reachable_models()


def _literal_values(annotation) -> list[str]:
    if typing.get_origin(annotation) is typing.Literal:
        return [v for v in typing.get_args(annotation) if isinstance(v, str)]
    return [v for arg in typing.get_args(annotation) for v in _literal_values(arg)]


def code_blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", TEXT, flags=re.M | re.S)


def field_tables() -> dict[str, list[tuple[str, str]]]:
    """model name -> [(key, default cell)] from every table under a `<!-- fields: Model -->` marker."""
    tables: dict[str, list[tuple[str, str]]] = {}
    lines = TEXT.splitlines()
    for k, line in enumerate(lines):
        m = re.fullmatch(r"<!-- fields: (\w+) -->", line.strip())
        if not m:
            continue
        rows = tables.setdefault(m.group(1), [])
        body = [ln for ln in lines[k + 1:k + 60]]
        assert body[0].startswith("| 键 | 类型 | 默认值 |"), f"table after marker {m.group(1)} has an unexpected header"
        for row in body[2:]:
            if not row.startswith("|"):
                break
            cells = [c.strip() for c in row.strip().strip("|").split("|")]
            key = re.fullmatch(r"`(\w+)`", cells[0])
            assert key, f"{m.group(1)}: first cell {cells[0]!r} is not a `key`"
            rows.append((key.group(1), cells[2]))
    return tables


def test_the_model_walk_reaches_every_model():
    names = {m.__name__ for m in MODELS}
    assert {"Scheme", "Assessment", "Component", "GrowthItem", "Adjustment", "RankRule", "Survey",
            "Unit", "Category", "Grade", "Veto", "Ranking", "Awards", "Prize", "Progress", "GroupWinner",
            "SingleAward", *(m.__name__ for m in METHODS.values())} <= names


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_of_every_model_is_named(model):
    missing = [f for f in model.model_fields if f"`{f}`" not in TEXT]
    assert not missing, f"{model.__name__}: fields not documented as `name`: {missing}"


def test_every_method_and_component_kind_is_named():
    methods = list(METHODS)  # the registry (pipeline/methods/): each model's `method` tag
    kinds = _literal_values(Component.model_fields["kind"].annotation)
    assert len(methods) == 7 and "leadership" in kinds
    missing = [v for v in [*methods, *kinds] if f"`{v}`" not in TEXT]
    assert not missing, f"not documented: {missing}"
    for method in methods:  # each method has its own subsection
        assert re.search(rf"^### 3\.\d+ `{method}` ", TEXT, flags=re.M), f"no subsection for method {method}"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_allowed_value_of_every_choice_key_is_named(model):
    missing = [(name, v) for name, f in model.model_fields.items() for v in _literal_values(f.annotation)
               if f"`{v}`" not in TEXT and f'`"{v}"`' not in TEXT and f'"{v}"' not in TEXT]
    assert not missing, f"{model.__name__}: allowed values not documented: {missing}"


def test_every_issue_code_is_in_the_table():
    rows = {m.group(1): m for m in re.finditer(r"^\| `([a-z-]+)` \| (\S+) \| (.+?) \| (.+?) \|$", TEXT, flags=re.M)}
    missing = [code for code in CATALOGUE if code not in rows]
    assert not missing, f"issue codes missing from the table: {missing}"
    for code, issue_type in CATALOGUE.items():
        assert rows[code].group(2) == issue_type.severity, f"{code}: wrong severity"
        assert rows[code].group(3) == issue_type.template, f"{code}: message differs from the catalogue"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_field_tables_list_exactly_the_model_fields_with_their_defaults(model):
    # a model's keys are its own table's plus its base classes' (the keys every indicator has: IndicatorBase)
    tables = field_tables()
    rows = [row for cls in model.__mro__ for row in tables.get(cls.__name__, [])]
    own = set(model.model_fields) - {f for base in model.__mro__[1:] for f in getattr(base, "model_fields", {})
                                     if base.__name__ in tables}
    assert rows and (model.__name__ in tables or not own), f"no `<!-- fields: {model.__name__} -->` table"
    assert len(rows) == len({k for k, _ in rows}), f"{model.__name__}: a key is listed twice"
    keys = {k for k, _ in rows}
    assert keys == set(model.model_fields), (
        f"{model.__name__}: undocumented {sorted(set(model.model_fields) - keys)}, "
        f"unknown {sorted(keys - set(model.model_fields))}")
    for key, cell in rows:
        field = model.model_fields[key]
        word = cell.split("（")[0]
        if field.is_required():
            assert word == "必填", f"{model.__name__}.{key}: required, the page says {cell!r}"
            continue
        default = field.get_default(call_default_factory=True)
        if default is None:
            assert word == "无", f"{model.__name__}.{key}: no default, the page says {cell!r}"
        elif isinstance(default, BaseModel):
            assert word == "各项取默认", f"{model.__name__}.{key}: the page says {cell!r}"
        else:
            literal = re.fullmatch(r"`(.+)`", word)
            assert literal, f"{model.__name__}.{key}: default {default!r}, the page says {cell!r}"
            assert tomllib.loads(f"v = {literal.group(1)}")["v"] == default, (
                f"{model.__name__}.{key}: default {default!r}, the page says {cell!r}")


def test_every_toml_block_is_valid_toml_with_known_sections():
    blocks = code_blocks("toml")
    assert len(blocks) >= 20
    for block in blocks:
        raw = tomllib.loads(block)
        unknown = set(raw) - set(Scheme.model_fields)
        assert not unknown, f"unknown top-level keys {unknown} in:\n{block}"


def test_every_complete_scheme_in_the_page_parses():
    complete = [b for b in code_blocks("toml") if re.search(r"^\[assessment\]", b, flags=re.M)]
    assert len(complete) >= 8
    for block in complete:
        parse_scheme(tomllib.loads(block), "方案编写指南.md")


def test_the_return_headers_ingest_recognises_are_listed():
    """Section 13 lists the header words of layout.py and scorecard.py; a word added there must be added here."""
    section = TEXT[TEXT.index("## 13."):TEXT.index("## 14.")]
    words = {*layout.TARGET_LABELS, *layout.LAST_YEAR_LABELS, *layout.VALUE_LABELS, *layout.IGNORED_HEADERS,
             *(w for names in layout.ROLE_HEADERS.values() for w in names),
             *scorecard.ITEM_HEADERS, *scorecard.SUB_HEADERS, *scorecard.SCORE_HEADERS}
    missing = sorted(w for w in words if w not in section)
    assert not missing, f"header words not listed in section 13: {missing}"


def test_the_page_links_the_decisions_log_and_has_all_sections():
    assert "(decisions.md)" in TEXT
    headings = re.findall(r"^## (\d+)\. ", TEXT, flags=re.M)
    assert headings == [str(n) for n in range(1, 18)]
