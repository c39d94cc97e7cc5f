"""合计 / 小计 lines and 合计 columns are checked against their parts (consistency.py), on real returns.

The expected sums are computed here from the figures the test writes, independently of the code; a total that
agrees (also when shown rounded) raises nothing, one that does not raises one warning naming its cell and the range
it sums, rates and formula totals are left alone, and the units' own figures are still what is read.
"""

from __future__ import annotations

from decimal import Decimal

import openpyxl

from pipeline.issues import WARNING
from test_detection import SURVEY, run_stages, sheet_rows
from test_header_variants import SCHEME, STANDARD, STATS, STATS_ROWS, UNITS, _long, _stages, baseline, rewrite_stats


def _sum(key: str, rows) -> Decimal:
    return sum((Decimal(str(r[key])) for r in rows), Decimal(0))


def _mismatches(data):
    return [(i.severity, i.cell, i.params["total"], i.params["sum"], i.params["range"]) for i in data.issues
            if i.code == "total-mismatch"]


def test_typed_totals_that_add_up_raise_nothing_and_one_that_does_not_is_named(example):
    plain, hills = STATS_ROWS[:10], STATS_ROWS[10:]
    good = {"unit": "平原乡镇小计", "A3": float(_sum("A3", plain)), "A3:target": float(_sum("A3:target", plain)),
            "A1": 99.9}  # a rate: its 小计 is no sum and is never checked
    bad_target = _sum("A3:target", hills) + 100  # one unit's target typed twice, say
    bad = {"unit": "山区乡镇小计", "A3": float(_sum("A3", hills)), "A3:target": float(bad_target)}
    grand = {"unit": "全县合计", "A3": float(int(_sum("A3", STATS_ROWS) + Decimal("0.5")))}  # typed as a whole number
    written = rewrite_stats(example, STANDARD, body=[*UNITS[:10], good, *UNITS[10:], bad, grand])
    data = _stages(example)
    assert _long(data) == baseline()  # the totals are checked, never read as units
    header = written["header"]
    target_col = "F"
    first_hill, last_hill = header + 2 + 11, header + 2 + 11 + len(hills) - 1
    total_row = last_hill + 1
    assert _mismatches(data) == [
        (WARNING, f"{target_col}{total_row}", f"{bad_target.normalize():f}", f"{_sum('A3:target', hills).normalize():f}",
         f"{target_col}{first_hill}–{target_col}{last_hill}")]
    # the 全县合计 of A3, typed without the decimals its parts have, agrees: it is the sum as that person rounded it
    assert _sum("A3", STATS_ROWS) != _sum("A3", STATS_ROWS).to_integral_value()


def test_a_grand_total_that_is_off_is_named(example):
    grand = {"unit": "合  计", "A3": float(_sum("A3", STATS_ROWS)) + 1.5}
    written = rewrite_stats(example, STANDARD, body=[*UNITS, grand])
    data = _stages(example)
    first, last = written["header"] + 2, written["header"] + 2 + len(STATS_ROWS) - 1
    got = _mismatches(data)
    assert [(g[1], g[4]) for g in got] == [(f"E{last + 1}", f"E{first}–E{last}")]
    assert Decimal(got[0][2]) - Decimal(got[0][3]) == Decimal("1.5")


def test_formula_totals_are_the_spreadsheets_own_and_not_checked(example):
    """The test_header_variants layouts put =SUM() totals under every column: nothing to report."""
    rewrite_stats(example, STANDARD)  # BELOW: a =SUM 合计 row
    assert _mismatches(_stages(example)) == []


def test_survey_row_total_column_against_its_choices(example):
    rows = sheet_rows(SURVEY)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(rows[0][:1])
    ws.append([*rows[2], "合计人数"])
    wrong_row = None
    for k, line in enumerate(rows[3:]):
        n = sum(int(x) for x in line[5:9])
        if k == 7:
            n, wrong_row = n + 1, ws.max_row + 1
        ws.append([*line, n])
    wb.save(example / "input" / SURVEY)
    data = run_stages(example)
    sums = [(i.severity, i.cell) for i in data.issues if i.code == "sum-mismatch"]
    assert sums == [(WARNING, f"J{wrong_row}")]
    assert len(data.tallies) == len(rows) - 3  # every row still read


def test_a_header_stating_other_points_than_the_scheme_is_an_error(example):
    points = next(i.points for i in SCHEME.indicators if i.id == "A2")
    cols = [c if c[0] != "A2" else ("A2", f"规模以上工业增加值增长率（{points + 5:g}分）", "完成值") for c in STANDARD]
    written = rewrite_stats(example, cols)
    data = _stages(example)
    bad = [(i.severity, i.cell, i.params["stated"]) for i in data.issues if i.code == "header-points"]
    assert bad == [("错误", f"D{written['header']}", f"{points + 5:g}")]
    cols = [c if c[0] != "A2" else ("A2", f"规模以上工业增加值增长率（{points:g}分）", "完成值") for c in STANDARD]
    rewrite_stats(example, cols)
    assert [i for i in _stages(example).issues if i.code == "header-points"] == []


def test_ratings_items_out_of_their_own_points_entered_as_weights_are_refused(tmp_path):
    """The village scheme scores 班子成员评分 items on 100 with weights (党建工作 20%…). A sheet whose headers say the
    items are out of their own points (党建工作（20分）) would be scored as weighted 100-point items: refused."""
    import shutil

    from conftest import ROOT
    from pipeline.scheme import load_scheme

    folder = tmp_path / "village"
    shutil.copytree(ROOT / "examples" / "village", folder, ignore=shutil.ignore_patterns("output"))
    path = next((folder / "input" / "班子成员评分").glob("*.xlsx"))
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    cell = next(c for row in ws.iter_rows(max_row=6) for c in row if isinstance(c.value, str) and c.value.startswith("党建工作"))
    cell.value = "党建工作（20分）"
    wb.save(path)
    data = run_stages(folder, load_scheme(folder))
    bad = [(i.severity, i.sheet, i.cell) for i in data.issues if i.code == "header-points"]
    assert bad == [("错误", ws.title, cell.coordinate)]
    assert "item_points" in next(i.message for i in data.issues if i.code == "header-points")
