"""The method registry (pipeline/methods/): each scoring method is one module, and the scheme is their union.

Every registered method names, describes and bounds itself; a key of another method is refused naming the method it
belongs to (through a real config.toml and `load_scheme`); no module outside pipeline/methods/ names a method; and a
toy method registered from a module written by this test is accepted by the scheme, scored through `pipeline.score`
and run end to end by `kaohe run` without any other code changing.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from pydantic import TypeAdapter

from conftest import ROOT, kaohe
from engine_helpers import make_dataset, score
from pipeline import methods, scheme as S
from pipeline.methods import METHODS, Bound, Observation, score_indicator
from pipeline.scheme import SchemeError, load_scheme

# Each method's own parameters for a valid indicator: adding a method adds its line (and the test fails until then).
PARAMS = {
    "direct": {},
    "efficacy": {"x_s": 15, "x_u": 5, "clamp_low": True},
    "efficacy_standard": {"standards": {"优秀": 16.6, "良好": 9.5, "平均": 1.7, "较低": -5.9, "较差": -12.8}},
    "completion": {"target": 1000, "cap": 1.2},
    "step": {"target": 85, "step": 1, "per_step": 2, "rounding": "ceil"},
    "count_deduct": {"per_event": 5},
    "rank": {"rank_step": 3, "rank_min": 2},
}

# The rule sentences engine.describe_rule wrote before the methods moved (they are in results.json and the tables).
RULES = {
    "direct": "直接采用报表中的得分（0～10分）",
    "efficacy": "越高越好；满意值 15、不允许值 5；得分 = 10 ×（0.6 + 0.4 × 功效系数），功效系数不低于0",
    "efficacy_standard": "越高越好；按五档标准值（优秀/良好/平均/较低/较差）所在档次基础分加插值调整分，满分10分",
    "completion": "目标 1000，得分 = 10 × 完成率，完成率最高按120%计",
    "step": "达到目标 85得满分，每差 1 扣 2 分（不足一档按一档），扣完为止",
    "count_deduct": "每发生1次扣 5 分，扣完为止",
    "rank": "越高越好；第1名得10分，每低一个名次减 3 分，最低 2 分",
}


def indicator(method: str, **extra) -> dict:
    return {"id": "X1", "name": "测试指标", "category": ["测试"], "source": "测试局", "points": 10, "method": method,
            **PARAMS.get(method, {}), **extra}


def toml_value(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f'"{k}" = {toml_value(v)}' for k, v in value.items()) + " }"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return repr(value)


def scheme_text(ind: dict, units=("甲镇", "乙镇", "丙镇")) -> str:
    lines = ["[assessment]", 'title = "方法测试"', "year = 2025", "full_score = 10", "",
             "[[components]]", 'name = "指标考核"', 'kind = "indicators"', "weight = 1", "full = 10", "",
             "[[indicators]]", *(f"{k} = {toml_value(v)}" for k, v in ind.items()), ""]
    for u in units:
        lines += ["[[units]]", f'name = "{u}"', ""]
    return "\n".join(lines)


def write_scheme(folder: Path, ind: dict, **kw) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(scheme_text(ind, **kw), encoding="utf-8")
    return folder


def refused(folder: Path) -> str:
    with pytest.raises(SchemeError) as err:
        load_scheme(folder)
    return str(err.value)


# --------------------------------------------------------------------------------------------- the registry
def test_the_registry_holds_the_seven_methods_in_the_guides_order():
    assert list(METHODS) == ["direct", "efficacy", "efficacy_standard", "completion", "step", "count_deduct", "rank"]
    assert set(PARAMS) == set(METHODS) == set(RULES)
    assert [m.MODEL for m in methods.MODULES] == list(METHODS.values())
    assert S.METHOD_LABELS == {"direct": "直接计分", "efficacy": "功效系数法", "efficacy_standard": "五档标准值功效系数法",
                               "completion": "完成率计分", "step": "达标按差距扣分", "count_deduct": "按次扣分",
                               "rank": "名次计分"}


@pytest.mark.parametrize("method", list(METHODS))
def test_every_method_has_a_label_a_rule_sentence_and_bounds(tmp_path, method):
    ind = load_scheme(write_scheme(tmp_path, indicator(method))).indicators[0]
    assert type(ind) is METHODS[method] and ind.method == method
    assert re.fullmatch(r"[\u4e00-\u9fff]{4,12}", ind.method_label), ind.method_label
    assert ind.describe() == RULES[method]
    from pipeline.score.engine import describe_rule
    assert describe_rule(ind) == RULES[method]
    bounds = ind.bounds()
    assert isinstance(bounds, tuple) and all(isinstance(b, Bound) for b in bounds)


def test_the_bounds_are_the_checks_normalize_and_plausibility_applied():
    direct = load_bounds("direct")
    assert [(b.issue, b.low, b.high, b.columns, b.stage, b.params) for b in direct] == [
        ("out-of-range", 0, 10, ("value",), "read", {"low": 0, "high": "10"})]
    assert direct[0].admits(Decimal(0)) and direct[0].admits(Decimal(10)) and not direct[0].admits(Decimal("10.01"))
    assert direct[0].validation() == {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 10}
    count = load_bounds("count_deduct")
    assert [(b.issue, b.low, b.stage, b.prompt) for b in count] == [("negative-value", 0, "read", "请输入次数（0 或正整数）")]
    assert count[0].validation() == {"validate": "integer", "criteria": ">=", "value": 0}
    assert count[0].admits(Decimal(0)) and not count[0].admits(Decimal("-1"))
    completion = load_bounds("completion")
    assert [(b.issue, b.columns, b.stage, b.prompt) for b in completion] == [
        ("negative-value", ("value", "target"), "plausibility", None)]
    for method in ("efficacy", "efficacy_standard", "step", "rank"):
        assert load_bounds(method) == ()


def load_bounds(method: str) -> tuple:
    ind = TypeAdapter(S.Indicator).validate_python(indicator(method))
    return ind.bounds()


def test_a_method_read_bound_refuses_the_cell_through_a_real_run(tmp_path):
    """direct's 0..points and count_deduct's ≥ 0 now come from the methods' bounds: the same issues as before."""
    folder = tmp_path / "考核"
    folder.mkdir()
    second = indicator("count_deduct", id="X2", name="事故起数", points=5)
    text = scheme_text(indicator("direct", points=5)).replace("[[units]]", "[[indicators]]\n" + "\n".join(
        f"{k} = {toml_value(v)}" for k, v in second.items()) + "\n\n[[units]]", 1)
    (folder / "config.toml").write_text(text, encoding="utf-8")
    (folder / "input").mkdir()
    wb = xlsxwriter.Workbook(folder / "input" / "测试局.xlsx")
    ws = wb.add_worksheet("指标数据")
    ws.write_row(0, 0, ["单位", "测试指标", "事故起数"])
    for r, row in enumerate([["甲镇", 6, 1], ["乙镇", 4, -2], ["丙镇", 3, 0]], start=1):
        ws.write_row(r, 0, row)
    wb.close()
    res = kaohe("check", folder)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "数值 6 超出允许范围 [0, 5]" in res.stdout and "数值 -2 不能为负数" in res.stdout, res.stdout


# --------------------------------------------------------------------------------------------- the union
def foreign_key(method: str) -> tuple[str, str]:
    """A parameter of some other method that `method` does not have, and that method's name."""
    own = set(METHODS[method].model_fields)
    for other, model in METHODS.items():
        for key in model.model_fields:
            if key not in own and key in PARAMS.get(other, {}):
                return key, other
    raise AssertionError(method)


@pytest.mark.parametrize("method", list(METHODS))
def test_a_parameter_of_another_method_is_refused_naming_it(tmp_path, method):
    key, other = foreign_key(method)
    value = PARAMS[other][key]
    msg = refused(write_scheme(tmp_path, indicator(method, **{key: value})))
    owners = "、".join(f"{METHODS[m].method_label}（{m}）" for m in METHODS if key in METHODS[m].model_fields)
    expected = (f"indicators[1]（X1）.{key}：参数 {key} 属于 {owners}，"
                f"不适用于计分方法 {method}（{METHODS[method].method_label}）")
    assert expected in msg, msg
    assert f".{method}." not in msg and "未知的配置项" not in msg  # pydantic's tag step never shows


def test_the_example_of_the_issue_reads_as_promised(tmp_path):
    msg = refused(write_scheme(tmp_path, indicator("completion", x_s=15)))
    assert "indicators[1]（X1）.x_s：参数 x_s 属于 功效系数法（efficacy），不适用于计分方法 completion（完成率计分）" in msg
    msg = refused(write_scheme(tmp_path, indicator("efficacy", target=3)))  # target belongs to two methods
    assert ("参数 target 属于 完成率计分（completion）、达标按差距扣分（step），不适用于计分方法 efficacy（功效系数法）"
            in msg)


def test_an_unknown_key_is_still_a_typo_with_a_suggestion_from_its_own_method(tmp_path):
    msg = refused(write_scheme(tmp_path, {**indicator("rank"), "rank_stp": 3}))
    assert "indicators[1]（X1）.rank_stp：未知的配置项（可能拼写错误），是否应为“rank_step”？" in msg
    ind = indicator("count_deduct")
    ind["per_evnet"] = ind.pop("per_event")
    assert "indicators[1]（X1）.per_evnet：未知的配置项（可能拼写错误），是否应为“per_event”？" in refused(
        write_scheme(tmp_path, ind))
    # x_ss is close to efficacy's x_s, which a completion indicator does not have: no suggestion of it
    msg = refused(write_scheme(tmp_path, indicator("completion", x_ss=1)))
    assert "indicators[1]（X1）.x_ss：未知的配置项（可能拼写错误）" in msg and "x_s”" not in msg
    msg = refused(write_scheme(tmp_path, indicator("direct", dirction="lower")))
    assert "indicators[1]（X1）.dirction：未知的配置项（可能拼写错误），是否应为“direction”？" in msg


def test_an_unknown_or_missing_method_is_one_clear_error(tmp_path):
    msg = refused(write_scheme(tmp_path, indicator("efficiency")))
    lines = [ln for ln in msg.splitlines() if ln.startswith("  - ")]
    assert lines == ["  - indicators[1]（X1）.method：取值“efficiency”无效，可选：direct, efficacy, efficacy_standard, "
                     "completion, step, count_deduct, rank，是否应为“efficacy”？"]
    ind = indicator("direct")
    del ind["method"]
    msg = refused(write_scheme(tmp_path, ind))
    assert "indicators[1]（X1）.method：缺少必填项（计分方法，可选：direct, efficacy" in msg


def test_required_parameters_and_their_checks_read_as_before(tmp_path):
    ind = indicator("step")
    del ind["per_step"], ind["step"]
    assert "indicators[1]（X1）：计分方法 step（达标按差距扣分）缺少参数：step、per_step" in refused(write_scheme(tmp_path, ind))
    msg = refused(write_scheme(tmp_path, {k: v for k, v in indicator("efficacy").items() if k != "x_u"}))
    assert "indicators[1]（X1）：功效系数法的满意值 x_s 与不允许值 x_u 须同时给出" in msg
    msg = refused(write_scheme(tmp_path, indicator("efficacy_standard", standards={"优秀": 1})))
    assert "indicators[1]（X1）：standards 须包含五档标准值：优秀、良好、平均、较低、较差" in msg
    msg = refused(write_scheme(tmp_path, indicator("step", step=-1)))
    assert "indicators[1]（X1）.step：应大于 0" in msg


@pytest.mark.parametrize("key, value", [("units", '["x"]'), ("survey", '"x"'), ("awards", "[1]")])
def test_a_table_given_as_something_else_is_a_message_not_a_crash(tmp_path, key, value):
    """Before: `units = ["x"]` or `survey = "x"` raised IndexError from the message template's braces (exit 3)."""
    text = scheme_text(indicator("direct"), units=() if key == "units" else ("甲镇",))
    (tmp_path / "config.toml").write_text(f"{key} = {value}\n" + text, encoding="utf-8")
    msg = refused(tmp_path)
    assert re.search(rf"^  - {key}(\[1\])?：应为表 \[\.\.\.\] 或 \{{\.\.\.\}}$", msg, flags=re.M), msg


def test_every_config_in_the_repository_stays_valid_with_the_same_methods():
    folders = [ROOT, *sorted(p.parent for p in (ROOT / "examples").glob("*/config.toml"))]
    assert len(folders) >= 4
    for folder in folders:
        raw = tomllib.loads((folder / "config.toml").read_text(encoding="utf-8"))
        scheme = load_scheme(folder)
        assert [(i.id, i.method, type(i)) for i in scheme.indicators] == [
            (r["id"], r["method"], METHODS[r["method"]]) for r in raw.get("indicators", [])]


def test_every_indicator_the_guide_shows_uses_only_its_methods_keys():
    text = (ROOT / "docs" / "方案编写指南.md").read_text(encoding="utf-8")
    adapter = TypeAdapter(S.Indicator)
    shown = []
    for block in re.findall(r"^```toml\n(.*?)^```", text, flags=re.M | re.S):
        for ind in tomllib.loads(block).get("indicators", []):
            if ind.get("method") in METHODS:
                shown.append(adapter.validate_python(ind).method)
    assert set(shown) == set(METHODS)


# --------------------------------------------------------------------------------------------- one place only
METHOD_WORDS = set(PARAMS)
LABELS = {m.method_label for m in METHODS.values()}


def _mentions_method(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "method" or isinstance(n, ast.Name) and n.id == "method"
               for n in ast.walk(node))


def method_literals(source: str) -> list[tuple[int, str]]:
    """(line, literal) of every place a module names a method: compared with `.method`, matched as a case,
    a key or member of a collection (or Literal[...]) with another method, annotating `method`, passed as method=,
    or a method's label."""
    tree = ast.parse(source)
    found = []

    def names(node) -> list[ast.Constant]:
        return [n for n in ast.walk(node) if isinstance(n, ast.Constant) and n.value in METHOD_WORDS]

    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in LABELS:
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.Compare) and _mentions_method(node):
            found += [(c.lineno, c.value) for c in names(node)]
        elif isinstance(node, ast.Match) and _mentions_method(node.subject):
            found += [(c.lineno, c.value) for case in node.cases for c in names(case.pattern)]
        elif isinstance(node, (ast.Dict, ast.Set, ast.List, ast.Tuple)):
            members = node.keys if isinstance(node, ast.Dict) else node.elts
            hits = [c for c in members if isinstance(c, ast.Constant) and c.value in METHOD_WORDS]
            if len(hits) >= 2:
                found += [(c.lineno, c.value) for c in hits]
        elif isinstance(node, ast.AnnAssign) and _mentions_method(node.target):
            found += [(c.lineno, c.value) for c in names(node.annotation)]
        elif isinstance(node, ast.keyword) and node.arg == "method":
            found += [(c.lineno, c.value) for c in names(node.value)]
    return sorted(set(found))


def test_the_finder_finds_what_the_old_code_did():
    """The scan below would have caught every place the methods were named before the registry."""
    old = '''
METHOD_LABELS = {"direct": "直接计分", "efficacy": "功效系数法"}
if ind.method == "direct" and value < 0: pass
method: Literal["direct", "rank"]
match ind.method:
    case "count_deduct":
        pass
need = {"completion": ["target"], "step": ["step"]}.get(self.method, [])
x = "rank"  # a results key of the same word is no method
'''
    assert method_literals(old) == [(2, "direct"), (2, "efficacy"), (2, "功效系数法"), (2, "直接计分"), (3, "direct"),
                                    (4, "direct"), (4, "rank"), (6, "count_deduct"), (8, "completion"), (8, "step")]
    assert method_literals('sign: Literal["bonus", "rank"]\nmethod: Literal["direct"]\n') == [(2, "direct")]


def test_no_module_outside_the_registry_names_a_method():
    pipeline = ROOT / "pipeline"
    offenders = {}
    for path in sorted(pipeline.rglob("*.py")):
        if (pipeline / "methods") in path.parents:
            continue
        found = method_literals(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert not offenders, f"method names outside pipeline/methods/: {offenders}"


# --------------------------------------------------------------------------------------------- a toy method
TOY = '''
"""`toy_share` 比例计分: points × value ÷ the best value among the compared units, at least `min_share` × points."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from pipeline.methods.base import Bound, D, IndicatorBase, Observation


class ToyShareIndicator(IndicatorBase):
    method: Literal["toy_share"]
    method_label: ClassVar[str] = "比例计分"
    required: ClassVar[tuple[str, ...]] = ("min_share",)
    min_share: float | None = Field(None, ge=0, le=1)

    def score(self, observations: dict[str, Observation]) -> dict[str, Decimal | None]:
        best = max(o.value for o in observations.values())
        points = D(self.points)
        return {u: max(D(self.min_share) * points, points * o.value / best if best else points)
                for u, o in observations.items()}

    def describe(self) -> str:
        return f"得分 = {self.points:g} × 数值 ÷ 最好值，最低 {self.min_share:g} × 分值"

    def bounds(self) -> tuple[Bound, ...]:
        return (Bound("negative-value", low=0, prompt="请输入不小于 0 的数字"),)


MODEL = ToyShareIndicator
'''


def import_module(folder: Path, name: str, source: str):
    """A real module from a file this test writes (as a method module of the package would be)."""
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # as an import would: pydantic resolves the model's annotations in its module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _forget_test_modules():
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith("toy_"):
            del sys.modules[name]


@pytest.fixture
def toy(tmp_path):
    module = import_module(tmp_path, "toy_share", TOY)
    methods.register(module)
    try:
        yield module
    finally:
        methods.unregister("toy_share")


def test_a_toy_method_is_accepted_only_while_it_is_registered(tmp_path):
    folder = write_scheme(tmp_path / "方案", indicator("toy_share", min_share=0.3))
    assert "取值“toy_share”无效" in refused(folder)
    module = import_module(tmp_path, "toy_share_once", TOY)
    methods.register(module)
    try:
        assert methods.register(module) is module.MODEL  # registering the same module again changes nothing
        assert type(load_scheme(folder).indicators[0]) is module.MODEL
        assert "toy_share" in refused(write_scheme(tmp_path / "方案", indicator("efficiency")))
        other = import_module(tmp_path, "toy_share_twin", TOY)
        with pytest.raises(ValueError, match="registered already"):
            methods.register(other)  # a second module claiming the same name
    finally:
        methods.unregister("toy_share")
    assert "取值“toy_share”无效" in refused(write_scheme(tmp_path / "方案", indicator("toy_share", min_share=0.3)))
    assert list(METHODS) == list(PARAMS) and "toy_share" not in S.METHOD_LABELS


@pytest.mark.parametrize("cut, error", [
    ("    def describe(self) -> str:\n        return f\"得分 = {self.points:g} × 数值 ÷ 最好值，最低 {self.min_share:g} × 分值\"\n",
     "does not implement describe"),
    ('    method_label: ClassVar[str] = "比例计分"\n', "has no method_label"),
    ('method: Literal["toy_share"]', "method must be Literal"),
])
def test_a_method_that_cannot_label_or_describe_itself_is_not_registered(tmp_path, cut, error):
    source = TOY.replace(cut, 'method: str' if cut.startswith("method") else "")
    assert source != TOY
    with pytest.raises(TypeError, match=error):
        methods.register(import_module(tmp_path, "toy_broken", source))
    assert "toy_share" not in METHODS


def test_a_toy_method_registered_from_its_module_is_usable_and_scored(tmp_path, toy):
    scheme = load_scheme(write_scheme(tmp_path, indicator("toy_share", min_share=0.3)))
    ind = scheme.indicators[0]
    assert type(ind) is toy.MODEL and ind.method_label == "比例计分" and S.METHOD_LABELS["toy_share"] == "比例计分"
    results = score(scheme, make_dataset({"X1": {"甲镇": 50, "乙镇": 100, "丙镇": None}}))
    results = results.to_dict() if hasattr(results, "to_dict") else results  # the typed results, or the dict form
    got = {u["unit"]: u["indicators"]["X1"] for u in results["units"]}
    assert got == {"乙镇": 10.0, "甲镇": 5.0, "丙镇": None}  # 丙镇 missing: not scored, not the best
    assert results["indicators"][0]["rule"] == "得分 = 10 × 数值 ÷ 最好值，最低 0.3 × 分值"
    assert results["indicators"][0]["method_label"] == "比例计分"
    # a cohort method scores all units at once; missing values are handled once, outside it
    scores = score_indicator(ind, {"甲镇": Observation(Decimal(20)), "乙镇": Observation(Decimal(100)),
                                   "丙镇": Observation(None)})
    assert scores == {"丙镇": None, "甲镇": Decimal(3), "乙镇": Decimal(10)}  # 20 % of 10 is below 0.3 × 10
    zero = ind.model_copy(update={"missing": "zero"})
    assert score_indicator(zero, {"丙镇": Observation(None)}) == {"丙镇": Decimal(0)}
    # its parameters are its own: another method's key is refused, and its key on another method too
    assert "参数 x_s 属于 功效系数法（efficacy），不适用于计分方法 toy_share（比例计分）" in refused(
        write_scheme(tmp_path, indicator("toy_share", min_share=0.3, x_s=1)))
    assert "参数 min_share 属于 比例计分（toy_share），不适用于计分方法 direct（直接计分）" in refused(
        write_scheme(tmp_path, indicator("direct", min_share=0.3)))


def test_a_toy_method_runs_end_to_end_through_kaohe(tmp_path, toy):
    """`kaohe templates` and `kaohe run` (in a fork of this process, where the toy is registered): the blank template
    offers the toy's bound, the return is read, bounded and scored, and the tables print its label and rule."""
    folder = write_scheme(tmp_path / "考核", indicator("toy_share", min_share=0.3, unit="万元"))
    (folder / "input").mkdir()
    wb = xlsxwriter.Workbook(folder / "input" / "测试局.xlsx")
    ws = wb.add_worksheet("指标数据")
    ws.write_row(0, 0, ["单位", "测试指标（万元）"])
    for r, row in enumerate([["甲镇", 50], ["乙镇", 100], ["丙镇", 10]], start=1):
        ws.write_row(r, 0, row)
    wb.close()
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    results = json.loads((folder / "output" / "results.json").read_text(encoding="utf-8"))
    assert {u["unit"]: u["total"] for u in results["units"]} == {"乙镇": 10.0, "甲镇": 5.0, "丙镇": 3.0}
    assert results["indicators"][0]["method"] == "toy_share"
    import openpyxl
    summary = openpyxl.load_workbook(folder / "output" / "考核结果汇总表.xlsx", read_only=True)
    cells = {c for ws in summary.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}
    assert "比例计分" in cells and "得分 = 10 × 数值 ÷ 最好值，最低 0.3 × 分值" in cells
    # the toy's bound refuses a negative figure while the return is read
    wb = xlsxwriter.Workbook(folder / "input" / "测试局.xlsx")
    ws = wb.add_worksheet("指标数据")
    ws.write_row(0, 0, ["单位", "测试指标（万元）"])
    for r, row in enumerate([["甲镇", 50], ["乙镇", -1], ["丙镇", 10]], start=1):
        ws.write_row(r, 0, row)
    wb.close()
    res = kaohe("check", folder)
    assert res.returncode == 1 and "数值 -1 不能为负数" in res.stdout, res.stdout + res.stderr
    res = kaohe("templates", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    blank = next(folder.rglob("*考核指标数据填报表（测试局）.xlsx"))
    book = openpyxl.load_workbook(blank)
    rules = [dv for dv in book["指标数据"].data_validations.dataValidation]
    assert any(dv.operator == "greaterThanOrEqual" and dv.formula1 == "0" and dv.error == "请输入不小于 0 的数字"
               for dv in rules), [(dv.operator, dv.formula1, dv.error) for dv in rules]
    guide = {c for row in book["填报说明"].iter_rows(values_only=True) for c in row if c}
    assert "比例计分" in guide
