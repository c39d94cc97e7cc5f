"""The fast path of 表样 filling (pipeline/render/xlsx_fill.py, `_Fast`) writes what the reference path writes.

Every test fills the same contexts, in the same order, twice from a fresh parse: once the reference way (openpyxl
for every copy, `fast=False`, the code as it was before the fast path) and once the default way, with the clock
frozen (docProps/core.xml carries the save time). The packages must be the same part for part: the same names in
the same order and the same bytes in each; errors must be the same exception with the same message.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import types
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import openpyxl.writer.excel
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break

from conftest import ROOT
from pipeline.render import reproducible
from pipeline.render import xlsx_fill as X
from pipeline.render.fill_names import template_names

BUNDLED = sorted((ROOT / "templates" / "表样").glob("*.xlsx")) + sorted(ROOT.glob("examples/*/templates/**/*.xlsx"))
CARD = ROOT / "templates" / "表样" / "单位考核得分表（表样）.xlsx"


def learning(shapes: int) -> int:
    """Reference fills before `shapes` shapes are trusted: the template's first fill (never learnt from), then
    two that agree per shape."""
    return 2 * shapes + (shapes > 0)


def fast_fills(state: X._Fast, contexts: int, shapes: int, failed: int = 0) -> bool:
    """Every context beyond the learning of `shapes` shapes (and the `failed` ones) was written the fast way."""
    return state.fast == contexts - failed - learning(shapes)


LEARNING = learning(1)
NOW = dt.datetime(2026, 1, 20, 8, 30, 15, 123456)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """openpyxl and the fast path take the save time from `datetime.datetime.now`: the same for both here."""
    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return NOW.replace(tzinfo=tz)

    fake = types.SimpleNamespace(datetime=Frozen, timezone=dt.timezone)
    monkeypatch.setattr(openpyxl.writer.excel, "datetime", fake)
    monkeypatch.setattr(X, "datetime", fake)
    yield
    X._parsed.cache_clear()  # no other test sees a template parsed under the frozen clock


@pytest.fixture(scope="module")
def names(tmp_path_factory) -> dict:
    """The bundled example's template names (19 units, 15 indicators), from one in-process run."""
    from render_helpers import bundled_results

    return template_names(bundled_results(tmp_path_factory.mktemp("typed")))


# ------------------------------------------------------------------------------------------------ helpers
def fill_both(folder: Path, template: Path, contexts: list[dict]) -> tuple[list, list, X._Fast]:
    """Fill `contexts` in order the reference way and the default way, each from a fresh parse; per context
    (file, error) for each way, and the fast path's state of the template."""
    results = {}
    for fast in (False, True):
        X._parsed.cache_clear()
        out = folder / ("fast" if fast else "reference")
        out.mkdir(parents=True)
        results[fast] = []
        for i, ctx in enumerate(contexts):
            path = out / f"{i}.xlsx"
            try:
                X.fill_template(template, ctx, path, fast=fast)
                error = None
            except Exception as exc:  # noqa: BLE001 - compared below
                error = (type(exc), str(exc))
            results[fast].append((path, error))
    return results[False], results[True], X._Fast.of(X._load(Path(template)))


def parts(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        return [(name, zf.read(name)) for name in zf.namelist()]


def assert_same(reference: list, fast: list) -> None:
    assert len(reference) == len(fast)
    for (a, error_a), (b, error_b) in zip(reference, fast):
        assert error_a == error_b, a.name
        assert a.exists() == b.exists(), a.name
        if error_a is None:
            pa, pb = parts(a), parts(b)
            assert [n for n, _ in pa] == [n for n, _ in pb], a.name
            for (name, x), (_, y) in zip(pa, pb):
                assert x == y, f"{a.name} › {name}"


def unit_like(unit: dict, n_details: int, tag: str) -> dict:
    """`unit` with `n_details` indicator rows (its own, repeated) and values changed by `tag`."""
    rows = [dict(d) for d in (unit["明细"] * (n_details // max(len(unit["明细"]), 1) + 1))[:n_details]]
    for k, d in enumerate(rows):
        d["名称"] = f"{d['名称']}{tag}{k}"
        d["得分"] = None if (k + len(tag)) % 5 == 0 else round(k * 1.37 + len(tag), 2)
        d["说明"] = f"说明 {tag}" if k % 3 == 0 else ""
    return {**unit, "单位": f"{unit['单位']}{tag}", "名次": len(tag), "明细": rows}


def contexts_of(names: dict) -> list[dict]:
    """Groups of five contexts of one shape each (per template: the number of units, of a unit's indicators)."""
    units = names["单位"]
    out = []
    for n_units, n_details in ((len(units), len(units[0]["明细"])), (5, 40), (1, 1), (0, 0), (7, 3)):
        for g in range(5):
            tag = "·" * (g + 1)
            listed = [unit_like(u, len(u["明细"]), tag) for u in units[:n_units]]
            out.append({**names, "单位": listed, "本单位": unit_like(units[g % len(units)], n_details, tag)})
    return out


# ------------------------------------------------------------------------------------------------ bundled
def test_the_bundled_per_unit_cards_are_the_same_bytes_and_fast(names, tmp_path):
    """What `kaohe run` fills per unit: every unit of the bundled example, then odd units of the same shape
    (vetoed, empty values, names XML must escape), then longer and shorter indicator lists."""
    units = names["单位"]
    base = units[1]
    odd = [
        {**base, "单位": "A&B<C>\"D'E", "等次": None, "名次": None},
        {**base, "单位": "  前后有空格  ", "等次": "", "一票否决": "是", "否决事项": "安全生产"},
        {**base, "单位": "#N/A", "名次": 0},
        {**base, "单位": "=1+1", "等次": "@甲"},
        {**base, "单位": "换行\r\n制表\t符😀\u3000", "名次": -3},
    ]
    vetoed = [u for u in units if u["一票否决"] == "是"]
    assert vetoed, "the bundled example has a vetoed unit"
    contexts = [{**names, "本单位": u} for u in [*units, *odd, *vetoed]]
    contexts += [{**names, "本单位": unit_like(units[0], n, "长" * k)} for n in (60, 2) for k in range(1, 5)]
    reference, fast, state = fill_both(tmp_path, CARD, contexts)
    assert_same(reference, fast)
    assert state.reason is None
    # three shapes (15, 60 and 2 indicators) learnt from reference fills; every other unit fast
    assert fast_fills(state, len(contexts), 3) and state.reference + state.fast == len(contexts)


@pytest.mark.parametrize("template", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_template_is_the_same_bytes(names, tmp_path, template):
    """Unit lists and indicator lists of several lengths (the summary's block, the card's block), none included."""
    contexts = contexts_of(names)
    reference, fast, state = fill_both(tmp_path, template, contexts)
    assert_same(reference, fast)
    assert state.reason is None and fast_fills(state, len(contexts), 5)


def test_the_run_outputs_are_the_same_files_after_fix_zip(names, tmp_path):
    """`kaohe run` rewrites every package with fixed entry times (reproducible.fix_zip): then whole files match."""
    contexts = [{**names, "本单位": u} for u in names["单位"][:6]]
    reference, fast, state = fill_both(tmp_path, CARD, contexts)
    assert fast_fills(state, len(contexts), 1)
    when = dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc)
    for (a, _), (b, _) in zip(reference, fast):
        reproducible.fix_zip(a, when)
        reproducible.fix_zip(b, when)
        assert a.read_bytes() == b.read_bytes(), a.name
        assert openpyxl.load_workbook(b)["得分表"]["A2"].value.startswith("被考核单位：")


# ------------------------------------------------------------------------------------------------ built templates
def seal() -> openpyxl.drawing.image.Image:
    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.new("RGB", (20, 20), (200, 0, 0)).save(buf, format="PNG")
    buf.seek(0)
    return openpyxl.drawing.image.Image(buf)


def everything_template(path: Path) -> Path:
    """Two sheets with expressions and one without; a two-row `for` block with a merge and formulas inside, a
    `fill` area, validations, conditional formats, print area and titles, freeze panes, names, a page break and
    an image below the blocks: everything that moves with the rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表一"
    ws.merge_cells("A1:F1")
    ws["A1"] = "{{ 标题 }}汇总"
    ws["A1"].font = Font(size=18, bold=True)
    ws.row_dimensions[1].height = 30
    ws["A2"] = "{%tr for u in 单位 %}"
    ws["A3"], ws["B3"], ws["C3"], ws["D3"], ws["E3"] = "{{ 序号 }}", "{{ u.名 }}", "{{ u.分 }}", "=C3*2", "{{ u.备注 }}"
    ws["B3"].font = Font(bold=True)
    ws["C3"].number_format = "0.00"
    ws.merge_cells("E3:F3")
    ws["A4"], ws["B4"] = "第{{ 序号 }}项说明：{{ u.说明 }}", "=SUM(C3:C3)"
    ws.row_dimensions[4].height = 28
    ws["A5"] = "{%tr endfor %}"
    ws["A6"], ws["B6"], ws["C6"] = "合计", "=SUM(C3:C3)", "共{{ 单位|length }}个"
    ws["A7"] = "{%tr fill x in 附注 %}"
    for r, colour in zip(range(8, 11), ("00FFEEDD", "00DDEEFF", "00EEFFDD")):
        ws.cell(r, 1, "{{ 序号 }}. {{ x }}").fill = PatternFill("solid", fgColor=colour)
        ws.cell(r, 2, "{{ x }}")
    ws["A11"] = "{%tr endfill %}"
    ws["A12"] = "制表人：{{ 制表人 }}"
    ws.row_dimensions[12].height = 22
    dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100")
    ws.add_data_validation(dv)
    dv.add("C3")
    ws.conditional_formatting.add("C3", CellIsRule(operator="lessThan", formula=["60"], font=Font(color="C00000")))
    ws.print_area = "A1:F12"
    ws.print_title_rows = "1:1"
    ws.freeze_panes = "A3"
    ws.row_breaks.append(Break(id=6))
    ws.add_image(seal(), "D12")
    wb.defined_names["明细区域"] = DefinedName("明细区域", attr_text="'表一'!$A$2:$F$5")
    two = wb.create_sheet("表二")
    two["A1"] = "{{ 标题 }}（附注）"
    two["A2"] = "{%tr for x in 附注 %}"
    two["A3"], two["B3"], two["C3"] = "{{ 序号 }}", "{{ x }}", "='表一'!C3"
    two["A4"] = "{%tr endfor %}"
    two["A5"] = "共{{ 附注|length }}条"
    wb.create_sheet("说明")["A1"] = "本表样仅供测试。"
    wb.save(path)
    return path


def everything_contexts() -> list[dict]:
    out = []
    for n, notes in ((3, 2), (0, 0), (12, 3), (1, 1)):
        for g in range(5):
            units = [{"名": f"单位{g}-{k}", "分": None if k % 4 == 3 else 50 + k * 3.25 + g, "备注": "" if k % 2 else "好",
                      "说明": f"第{k}家 & <{g}>"} for k in range(n)]
            out.append({"标题": f"测试{g}", "单位": units, "附注": [f"注{g}{k}" for k in range(notes)],
                        "制表人": ["张三", None, "", "李四", " 王五 "][g]})
    return out


def test_a_template_with_everything_that_moves_is_the_same_bytes(tmp_path):
    template = everything_template(tmp_path / "t.xlsx")
    contexts = everything_contexts()
    reference, fast, state = fill_both(tmp_path, template, contexts)
    assert_same(reference, fast)
    assert state.reason is None and fast_fills(state, len(contexts), 4)
    o = openpyxl.load_workbook(fast[-1][0])
    assert o["表一"]["B2"].value == "单位4-0" and len(o["表一"]._images) == 1


def test_the_templates_the_other_tests_build_are_the_same_bytes(tmp_path):
    """tests/test_table_templates.py's fill area and formulas, tests/test_sandbox.py's plain cells."""
    area = openpyxl.Workbook()
    ws = area.active
    ws["A1"] = "{%tr fill u in 单位 %}"
    for r, colour in zip(range(2, 5), ("00FFEEDD", "00DDEEFF", "00EEFFDD")):
        ws.cell(r, 1, "{{ u }}").fill = PatternFill("solid", fgColor=colour)
    ws["A5"], ws["A6"] = "{%tr endfill %}", "制表人："
    area.save(tmp_path / "area.xlsx")
    formulas = openpyxl.Workbook()
    ws = formulas.active
    ws["A1"] = "{%tr for u in 单位 %}"
    ws["A2"], ws["B2"], ws["C2"] = "{{ u.名 }}", "{{ u.分 }}", "=B2*2"
    ws["A3"] = "{%tr endfor %}"
    ws["A4"], ws["B4"] = "合计{{ 单位|length }}个", "=SUM(B2:B2)"
    formulas.save(tmp_path / "formulas.xlsx")
    plain = openpyxl.Workbook()
    plain.active.title = "汇总"
    plain.active["A1"], plain.active["B2"] = "{{ 考核名称 }}", "{{ 单位|length }}"
    plain.save(tmp_path / "plain.xlsx")
    cases = {
        "area": [{"单位": list("甲乙")}] * 4 + [{"单位": list("丙丁戊")}] * 4 + [{"单位": list("甲乙丙丁")}],
        "formulas": [{"单位": [{"名": "=1+1", "分": 1.5}, {"名": "@甲", "分": 2}, {"名": f"乙{g}", "分": None}]}
                     for g in range(5)],
        "plain": [{"考核名称": f"考核{g}", "单位": list(range(g))} for g in range(5)],
    }
    shapes = {"area": 2, "formulas": 1, "plain": 1}
    for name, contexts in cases.items():
        reference, fast, state = fill_both(tmp_path / name, tmp_path / f"{name}.xlsx", contexts)
        assert_same(reference, fast)
        assert fast_fills(state, len(contexts), shapes[name], failed=name == "area"), name
        if name == "area":
            assert "固定区域只有 3 行，需要填写 4 项" in fast[-1][1][1]


# ------------------------------------------------------------------------------------------------ values
VALUES = [None, "", " ", "a&b<c>d\"e'f", "x\r\ny", "\t", "#N/A", "#DIV/0!", "=1+1", "@甲", "😀", "\u3000全角",
          "\x7f\x85\x9f", "\ufeff", "\u2028", "\ufffd", 0, -0.0, 1.5, 1e-7, 1e20, 10 ** 20, 2 ** 70, -(2 ** 63),
          float("nan"), float("inf"), float("-inf"), True, False, Decimal("2.50"), [1, "二"], {"甲": 1}, "长" * 32_000]


def values_template(path: Path) -> Path:
    """One row per value: the value whole (unstyled and styled), inside text, and its position."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "{%tr for v in 值 %}"
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "{{ v }}", "{{ v }}", "前{{ v }}后", "{{ 序号 }}"
    ws["B2"].font = Font(italic=True)
    ws["A3"] = "{%tr endfor %}"
    wb.save(path)
    return path


def test_every_kind_of_value_is_the_same_bytes(tmp_path):
    """Numbers, text XML must escape, error codes, formulas-looking text, empty and None, and random text; then
    the values the fast path leaves to the reference path (it raises or writes them itself)."""
    rng = random.Random(20260120)
    pool = "甲乙 \t\n\r&<>\"'=#@\u3000\xa0\x7f\x85\u2028\ufeff\ufffd😀𠀀abc123."
    randoms = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 12))) for _ in range(len(VALUES) * 4)]
    n = len(VALUES)
    contexts = [{"值": VALUES}] * LEARNING + [{"值": randoms[k * n:(k + 1) * n]} for k in range(4)]
    refused = [  # each raises in openpyxl, or needs a style openpyxl adds: the reference path does all of it
        [*VALUES[:-1], "NUL\x00"], [*VALUES[:-1], "\ufffe"], [*VALUES[:-1], 10 ** 400], [*VALUES[:-1], "\ud800"],
        [*VALUES[:-1], dt.date(2026, 1, 2)], [*VALUES[:-1], dt.datetime(2026, 1, 2, 3, 4)],
    ]
    contexts += [{"值": v} for v in refused] + [{"值": VALUES}] * 4
    reference, fast, state = fill_both(tmp_path, values_template(tmp_path / "t.xlsx"), contexts)
    assert_same(reference, fast)
    errors = [e for _, e in fast if e]
    assert len(errors) == 4 and {e[0].__name__ for e in errors} == {"IllegalCharacterError", "ValueError",
                                                                     "OverflowError", "UnicodeEncodeError"}
    # the dates added number formats: the shape after them is learnt again (the style tables are part of the key)
    assert fast_fills(state, len(contexts), 2, failed=len(refused))


def openpyxl_cell(value, styled: bool) -> bytes:
    """What openpyxl writes for `value` in A1."""
    wb = openpyxl.Workbook()
    cell = wb.active["A1"]
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"  # as xlsx_fill._set: text is never a formula
    if styled:
        cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    xml = zipfile.ZipFile(buf).read("xl/worksheets/sheet1.xml")
    start = xml.find(b'<c r="A1"')
    return b"" if start < 0 else xml[start:xml.index(b"</c>", start) + 4]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=0x3000)), st.integers(),
                       st.floats(), st.none()),
       styled=st.booleans())
def test_cell_xml_is_what_openpyxl_writes(value, styled):
    slot = X._Slot(1, 1, "{{ v }}", 1, -1, 0, '<c r="A1"' + (' s="1"' if styled else ""), styled)
    mine = X._cell_xml(slot, value)
    try:
        theirs = openpyxl_cell(value, styled)
    except Exception:  # noqa: BLE001 - openpyxl or lxml refuse it: so must the fast path
        assert mine is None
        return
    if mine is None:  # left to the reference path: only for text with characters outside XML's
        assert isinstance(value, str) and not X._XML_TEXT.fullmatch(value)
    else:
        assert mine == theirs


# ------------------------------------------------------------------------------------------------ lookups
class Thing:
    名称 = "属性"


LOOKUP_CTX = {"d": {"名称": "甲", "items": "键", "0": "零", 0: "整数零", "子": {"值": 1.5, "空": None}},
              "序号": 3, "t": Thing(), "lst": [10, 20], "空": None, "result": "r", "本单位": {"单位": "城关镇"}}


@pytest.mark.parametrize("source", ["d.名称", "序号", "d.子.值", "d.子.空", 'd["items"]', "d['名称']", "d.0", "d[0]",
                                    'd["0"]', "本单位.单位", "d.items", "d.keys", "d.缺", "缺", "t.名称", "lst.0",
                                    "lst[1]", "空.x", "d.子.值.x", "d.__class__"])
def test_a_lookup_is_jinjas_value_or_left_to_jinja(source):
    chain = X._chain(source)
    assert chain is not None, source
    mine = X._lookup(chain, LOOKUP_CTX)
    if mine is not X._MISS:
        assert mine is X._compiled(source, True)(**LOOKUP_CTX)


@pytest.mark.parametrize("source", ["d.名称 ~ 'x'", "d.名称|upper", "d.名称()", "lst[0:1]", "d[序号]", "1", "'x'",
                                    "a + b", "d.名称 if 序号 else 0", "(d).名称", "d[True]", "d.名称 d", "loop.index",
                                    "self", "result", "none.x", "d." + "x" * 300])
def test_anything_but_plain_lookups_is_left_to_jinja(source):
    chain = X._chain(source)
    assert chain is None or source == "(d).名称"  # parentheses are the same expression
    if chain is not None:
        assert X._lookup(chain, LOOKUP_CTX) is X._compiled(source, True)(**LOOKUP_CTX)


# ------------------------------------------------------------------------------------------------ errors
def card_like(path: Path, extra: dict[str, str] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "得分表"
    ws["A1"] = "被考核单位：{{ 本单位.单位 }}"
    ws["A2"] = "{%tr for d in 本单位.明细 %}"
    ws["A3"], ws["B3"], ws["C3"] = "{{ 序号 }}", "{{ d.名称 }}", "{{ d.得分 }}"
    ws["A4"] = "{%tr endfor %}"
    for ref, text in (extra or {}).items():
        ws[ref] = text
    wb.save(path)
    return path


def test_errors_are_the_reference_paths_and_nothing_is_written(tmp_path):
    """Once the shape is trusted, a unit that fails is filled again the reference way: its message (file ›
    sheet!cell, in Chinese) and its budget are the reference path's; the next good unit is fast again."""
    template = card_like(tmp_path / "卡.xlsx", {"D3": "{% for i in d.多 %}{% endfor %}"})
    good = [{"本单位": {"单位": f"单位{g}", "明细": [{"名称": f"指标{k}", "得分": k, "多": []} for k in range(3)]}}
            for g in range(LEARNING + 1)]
    missing = {"本单位": {"单位": "缺名称", "明细": [{"得分": 1, "多": []}, {"名称": "x", "得分": 2, "多": []},
                                                   {"名称": "y", "得分": 3, "多": []}]}}
    no_list = {"本单位": {"单位": "无明细"}}
    too_many = {"本单位": {"单位": "过多", "明细": [{"名称": "x", "得分": 1, "多": []}] * (X.MAX_TABLE_CELLS // 4 + 1)}}
    steps = {"本单位": {"单位": "循环", "明细": [{"名称": "x", "得分": 1, "多": []}, {"名称": "y", "得分": 2, "多": []},
                                               {"名称": "z", "得分": 3, "多": list(range(1_000_001))}]}}
    contexts = [*good, missing, no_list, too_many, steps, good[0]]
    reference, fast, state = fill_both(tmp_path, template, contexts)
    assert_same(reference, fast)
    messages = [e[1] for _, e in fast if e]
    assert len(messages) == 4 and all(m.startswith("表样 卡.xlsx › 得分表!") for m in messages)
    assert "得分表!B3：未知名称“名称”" in messages[0] and "得分表!A2" in messages[1]
    assert "重复区域要生成" in messages[2] and "执行次数超过上限" in messages[3]
    assert not any(p.exists() for p, e in fast if e)
    assert fast_fills(state, len(contexts), 1, failed=4)  # the failing ones: tried fast, then filled for their error


# ------------------------------------------------------------------------------------------------ fallback
def with_comment(ws):
    ws["B3"].comment = Comment("批注", "考核办")


def with_hyperlink(ws):
    ws["A1"].hyperlink = "https://example.org/"


def with_chart(ws):
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.add_data(Reference(ws, min_col=3, min_row=3, max_row=3))
    ws.add_chart(chart, "E6")


def with_table(ws):
    from openpyxl.worksheet.table import Table

    ws["E1"], ws["F1"], ws["E2"], ws["F2"] = "列一", "列二", 1, 2
    ws.add_table(Table(displayName="表格", ref="E1:F2"))


def with_formula_expression(ws):
    ws["D3"] = '="{{ d.名称 }}"'


@pytest.mark.parametrize("feature, reason", [(with_comment, "comments"), (with_hyperlink, "hyperlinks"),
                                             (with_chart, "charts"), (with_table, "tables"),
                                             (with_formula_expression, "formula cell")],
                         ids=lambda x: getattr(x, "__name__", x))
def test_what_the_fast_path_does_not_copy_takes_the_reference_path(tmp_path, feature, reason):
    path = card_like(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    feature(wb.active)
    wb.save(path)
    contexts = [{"本单位": {"单位": f"单位{g}", "明细": [{"名称": f"指标{k}", "得分": k} for k in range(2)]}}
                for g in range(5)]
    reference, fast, state = fill_both(tmp_path, path, contexts)
    assert_same(reference, fast)
    assert reason in state.reason and state.fast == 0


def test_a_changed_template_is_learnt_again(tmp_path):
    """The fast path's knowledge lives with the parsed template: a new version of the file starts afresh."""
    import os

    path = card_like(tmp_path / "t.xlsx")
    ctx = {"本单位": {"单位": "甲", "明细": [{"名称": "指标", "得分": 1}]}}
    for i in range(LEARNING + 1):
        X.fill_template(path, ctx, tmp_path / f"a{i}.xlsx")
    assert X._Fast.of(X._load(path)).fast >= 1
    wb = openpyxl.load_workbook(path)
    wb.active["A1"] = "单位：{{ 本单位.单位 }}（新）"
    wb.save(path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    X.fill_template(path, ctx, tmp_path / "b.xlsx")
    assert X._Fast.of(X._load(path)).fast == 0
    assert openpyxl.load_workbook(tmp_path / "b.xlsx").active["A1"].value == "单位：甲（新）"
