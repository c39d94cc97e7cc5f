"""Plausibility checks on real returns: a ×100 slip against the other units, absurd magnitudes, a declared
`range`, negative completion figures. Each is an ERROR naming file › sheet › cell; none fires on the bundled
examples' data or on genuinely wide data (investment amounts spanning 50× or 1000×).
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT
from pipeline.ingest import ingest
from pipeline.normalize import normalize
from pipeline.plausibility import check_values, scale_slip, where
from pipeline.scheme import SchemeError, load_scheme

AGRI = Path("农业农村局") / "2025年度乡镇考核指标数据（农业农村局）.xlsx"  # E = C2 农村人居环境整治达标率 (85.5–93.9)
STATS = Path("统计局") / "2025年度乡镇考核指标数据（统计局）.xlsx"  # C = A1 growth %, E/F = A3 investment actual/target
INDEX = Path("统计局") / "2025年度乡镇综合指数基础数据（统计局）.xlsx"  # C/D = G1 this year / last year
PLAUSIBILITY = {"scale-outlier", "absurd-value", "out-of-range", "negative-value"}


def run(folder: Path):
    scheme = load_scheme(folder)
    return normalize(scheme, ingest(folder, scheme))


def edit(folder: Path, rel: Path, cells: dict[str, object]) -> None:
    path = folder / "input" / rel
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        wb.worksheets[0][ref] = value
    wb.save(path)


def found(data, codes=PLAUSIBILITY) -> dict[tuple[str, str], object]:
    return {(i.cell, i.code): i for i in data.issues if i.code in codes}


# ------------------------------------------------------------------------------------------------- ×100 slips
def test_a_township_typing_the_fraction_is_an_error_naming_the_cell(example):
    """Eighteen townships typed 90.9, 93.9 …; 西湖镇 typed 0.855 (its 85.5% as a fraction, without a % format)."""
    edit(example, AGRI, {"E7": 0.855})
    data = run(example)
    [issue] = found(data).values()
    assert (issue.code, issue.cell, issue.sheet, issue.file) == ("scale-outlier", "E7", "指标数据", str(AGRI))
    assert issue.severity == "错误" and issue.unit == "西湖镇" and issue.indicator.startswith("C2 ")
    assert "数值 0.855 约为其他单位（中位数 " in issue.text() and "的百分之一，乘以 100 后才与其他单位相当" in issue.text()


def test_a_value_100_times_too_large_is_an_error(example):
    edit(example, AGRI, {"E9": 9070})
    [issue] = found(data := run(example)).values()
    assert (issue.code, issue.cell, issue.unit) == ("scale-outlier", "E9", "北岗镇")
    assert "的 100 倍，除以 100 后才与其他单位相当" in issue.text()
    assert data.values[(data.values.indicator == "C2") & (data.values.unit == "北岗镇")].iloc[0]["value"] == 9070


def test_two_slips_in_one_column_are_both_found():
    """The median of the other units cannot be dragged by one or two slips."""
    peers = [Decimal(x) for x in ("90.9", "93.9", "86.7", "0.907", "88.3", "86.9", "92.2")]
    assert scale_slip(Decimal("0.855"), peers) == 100
    assert scale_slip(Decimal("0.907"), [p for p in peers if p != Decimal("0.907")] + [Decimal("0.855")]) == 100
    assert scale_slip(Decimal("85.5"), peers) == 0
    assert scale_slip(Decimal("0.855"), peers[:3]) == 0  # fewer than 4 peers: no judgement


def test_no_plausibility_issue_on_the_bundled_examples():
    for folder in (ROOT, *(ROOT / "examples" / n for n in ("district", "target", "village"))):
        data = run(folder)
        assert not found(data), folder
        assert len(data.values) > 50  # the checks had data to look at
        assert check_values(load_scheme(folder), data.values) == []


@pytest.mark.parametrize("spread", [50, 1000])
def test_genuinely_wide_data_is_not_flagged(example, spread):
    """Investment amounts from small townships to the county seat, log-uniform over 50× (or 1000×)."""
    rng = random.Random(spread)
    low = 2000.0
    cells = {}
    amounts = [low * spread ** (k / 18) for k in range(19)]  # the extremes included
    rng.shuffle(amounts)
    for row, amount in zip(range(5, 24), amounts):
        cells[f"E{row}"] = round(amount, 1)
        cells[f"F{row}"] = round(amount * rng.uniform(0.8, 1.2), 1)
    edit(example, STATS, cells)
    data = run(example)
    a3 = data.values[data.values.indicator == "A3"]
    assert max(a3.value) / min(a3.value) > spread * 0.99
    assert not found(data)


def test_a_slip_among_wide_data_is_still_found_when_it_is_far_enough(example):
    """Over a 3× spread of investment amounts, one township's figure keyed in 万元 ÷ 100 stands out."""
    edit(example, STATS, {"E12": 1195.2})  # 杨庄乡: 119520 万元 typed as 1195.2
    [issue] = found(run(example)).values()
    assert (issue.code, issue.cell, issue.unit) == ("scale-outlier", "E12", "杨庄乡")


# ------------------------------------------------------------------------------------------ absurd magnitudes
def test_absurd_magnitudes_are_errors(example):
    edit(example, STATS, {"C5": 1e308, "C6": "1e20", "E7": 1e15})
    issues = found(run(example))
    for cell, unit, shown in (("C5", "城关镇", "1.0000E+308"), ("C6", "东关镇", "1.0000E+20"), ("E7", "西湖镇", "1.0000E+15")):
        issue = issues[(cell, "absurd-value")]
        assert issue.unit == unit and f"数值 {shown} 大得不合常理" in issue.text()
    assert not [k for k in issues if k[1] == "scale-outlier"]  # absurd values are not peers either


# ------------------------------------------------------------------------------------------------ declared range
def _declare(folder: Path, after: str, line: str) -> None:
    config = folder / "config.toml"
    text = config.read_text("utf-8")
    assert text.count(after) == 1
    config.write_text(text.replace(after, after + "\n" + line), "utf-8")


def test_a_value_outside_the_declared_range_is_an_error(example):
    _declare(example, 'note = "按可比价格计算的本年增速，以市统计局反馈数据为准"', "range = [-20, 40]")
    _declare(example, 'name = "地区生产总值"', "range = [0, 1000]")  # a composite-index item
    edit(example, STATS, {"C7": 45, "C8": -20, "C9": 40})
    edit(example, INDEX, {"D6": 1500})  # 东关镇 last year's value
    issues = found(run(example))
    issue = issues[("C7", "out-of-range")]
    assert issue.unit == "西湖镇" and "数值 45 超出允许范围 [-20, 40]" in issue.text()
    assert ("C8", "out-of-range") not in issues and ("C9", "out-of-range") not in issues  # the bounds are allowed
    growth = issues[("D6", "out-of-range")]
    assert growth.unit == "东关镇" and growth.indicator.startswith("G1 ") and "[0, 1000]" in growth.text()
    assert {k[1] for k in issues} == {"out-of-range"}


def test_a_declared_range_replaces_the_peer_check(example):
    """A unit that truly is a hundred times smaller: the office declares the range, the value inside it is taken."""
    _declare(example, 'name = "农村人居环境整治达标率"', "range = [0, 100]")
    edit(example, AGRI, {"E7": 0.855})
    data = run(example)
    assert not found(data)
    assert data.values[(data.values.indicator == "C2") & (data.values.unit == "西湖镇")].iloc[0]["value"] == Decimal(
        "0.855")


def test_a_range_whose_low_exceeds_its_high_is_a_scheme_error(example):
    _declare(example, 'note = "按可比价格计算的本年增速，以市统计局反馈数据为准"', "range = [40, -20]")
    with pytest.raises(SchemeError) as err:
        load_scheme(example)
    assert "indicators[1]（A1）：range = [40, -20] 的下限大于上限，应写作 [-20, 40]" in str(err.value)


# ------------------------------------------------------------------------------------- negative completion figures
def test_negative_actual_and_target_of_a_completion_indicator_are_errors(example):
    edit(example, STATS, {"E8": -5, "F9": -100})
    issues = found(run(example))
    assert issues[("E8", "negative-value")].unit == "南河镇"
    assert issues[("F9", "negative-value")].unit == "北岗镇"
    assert "数值 -100 不能为负数" in issues[("F9", "negative-value")].text()


def test_source_positions_split_on_the_first_arrow_and_the_last_bang():
    assert where("统计局/a.xlsx › 表!1!C7") == {"file": "统计局/a.xlsx", "sheet": "表!1", "cell": "C7"}
    assert where("") == {}
