"""The typed results contract (issue 12): results.json is the single serialization of `pipeline.results.Results`,
its JSON Schema is published in docs/results.schema.json, and every example's results.json validates against it with
an independent validator (jsonschema)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from pipeline.results import SCHEMA_ID, Results, UnitResult, schema_text
from pipeline.run import run_assessment

from conftest import ROOT

SCHEMA_FILE = ROOT / "docs" / "results.schema.json"
EXAMPLES = sorted(p.name for p in (ROOT / "examples").iterdir() if (p / "config.toml").is_file())


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_published_schema_is_the_models_own():
    """docs/results.schema.json is generated from the model; a model change without it fails here."""
    assert SCHEMA_FILE.read_text("utf-8") == schema_text(), \
        "docs/results.schema.json 与结果模型不一致；请运行 python -m pipeline.results > docs/results.schema.json 并检查差异"
    assert json.loads(SCHEMA_FILE.read_text("utf-8"))["$id"] == SCHEMA_ID


GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="module")
def target_run(tmp_path_factory) -> tuple[Path, Results]:
    """The smallest example run in process once: its folder and typed results."""
    import shutil

    folder = tmp_path_factory.mktemp("target") / "target"
    shutil.copytree(ROOT / "examples" / "target", folder, ignore=shutil.ignore_patterns("output", "归档", ".kaohe"))
    outcome = run_assessment(folder)
    assert outcome.exit_code == 0, [i.text() for i in outcome.issues][:5]
    return folder, outcome.results


def test_every_examples_results_json_validates(bundled_run, target_run):
    """The bundled example's and target's results.json as written, and every example's golden results.json (which
    tests/test_golden.py keeps equal to what each example writes)."""
    check = validator()
    files = [bundled_run[0] / "output" / "results.json", target_run[0] / "output" / "results.json",
             *sorted(GOLDEN.glob("*/results.json"))]
    assert {p.parent.name for p in GOLDEN.glob("*/results.json")} >= set(EXAMPLES) | {"bundled"}
    for path in files:
        doc = json.loads(path.read_text("utf-8"))
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in check.iter_errors(doc)]
        assert errors == [], (path, errors[:5])
        assert doc["units"]
        # a scheme of ratings and survey alone (examples/cross) has no indicators; any indicator component has some
        assert doc["indicators"] or not any(c["kind"] in ("indicators", "periods") for c in doc["components"])


def test_results_json_is_the_models_serialization(target_run):
    folder, results = target_run
    assert (folder / "output" / "results.json").read_bytes() == results.file_bytes()
    assert json.loads(results.file_bytes()) == results.file_dict()


def test_the_schema_refuses_what_the_model_would_not_give(target_run):
    """The schema is closed and complete: a key too many, a key missing, a wrong type, a null total all fail."""
    check = validator()
    _, results = target_run
    good = results.file_dict()
    assert not list(check.iter_errors(good))
    bad = []
    doc = copy.deepcopy(good)
    doc["units"][0]["score"] = 1  # a key no unit has
    bad.append(doc)
    doc = copy.deepcopy(good)
    del doc["units"][0]["grade"]
    bad.append(doc)
    doc = copy.deepcopy(good)
    doc["units"][0]["rank"] = "1"
    bad.append(doc)
    doc = copy.deepcopy(good)
    doc["units"][0]["total"] = None
    bad.append(doc)
    doc = copy.deepcopy(good)
    doc["units"][0]["benchmark"] = None  # present means a benchmark; no benchmark means no key
    bad.append(doc)
    doc = copy.deepcopy(good)
    doc["run"]["generated_at"] = "2026-01-01"  # time-dependent: never in the file
    bad.append(doc)
    doc = copy.deepcopy(good)
    doc["assessment"]["colour"] = "red"
    bad.append(doc)
    for doc in bad:
        assert list(check.iter_errors(doc)), doc


def test_a_unit_result_cannot_be_built_without_every_field():
    """A missing field is a bug where the result is built, never a default where it is shown."""
    with pytest.raises(TypeError):
        UnitResult(unit="甲", group="", vetoed=False, veto=[], components={}, categories={}, tree={}, indicators={},
                   adjustments={}, indices={}, gaps=[], rank=1, group_rank=None, last_rank=None, rank_change=None,
                   grade="", grade_note=None, benchmark=None, awards=[])  # no total
