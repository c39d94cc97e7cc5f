"""The engine reproduces independent reference results (../shared/oracles/), through scheme configs and returns.

Each test writes a config.toml and a real .xlsx return from the oracle's inputs, runs the real CLI, and
compares results.json with the oracle's published figures. Nothing from the oracles is copied into the project.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import openpyxl
import pytest

from conftest import kaohe


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def write_return(path: Path, header: list[str], rows: list[list], title: str = "") -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


# -- the 51-unit composite-indicator build (COINr, ASEM) ------------------------------------------------------


def asem_config(meta: list[dict], units: list[str], aggregation: str, base: float) -> str:
    """A kaohe scheme equivalent to the COINr build: min-max per indicator (efficacy over the sample with
    `base`, 100 points), then weighted means up the tree, a missing value left out (`reweight`)."""
    parent = {m["iCode"]: m["Parent"] for m in meta}
    lines = [
        '[assessment]\ntitle = "ASEM 参照构建"\nyear = 2018\nfull_score = 100\nprecision = 10\n',
        f'[[components]]\nname = "Index"\nkind = "indicators"\nweight = 1\nfull = 100\naggregation = "{aggregation}"\n',
    ]
    for u in units:
        lines.append(f"[[units]]\nname = {toml_str(u)}\n")
    for m in meta:
        if m["Type"] == "Aggregate" and m["Level"] in ("2", "3"):
            path = [parent[m["iCode"]], m["iCode"]] if m["Level"] == "2" else [m["iCode"]]
            lines.append(f"[[categories]]\npath = {json.dumps(path)}\naggregation = \"{aggregation}\"\n"
                         f"weight = {m['Weight']}\n")
    for m in meta:
        if m["Type"] != "Indicator":
            continue
        pillar = m["Parent"]
        lines.append(
            f"[[indicators]]\nid = {toml_str(m['iCode'])}\nname = {toml_str(m['iName'])}\n"
            f"category = {json.dumps([parent[pillar], pillar])}\nsource = \"COINr\"\npoints = 100\n"
            f"method = \"efficacy\"\nbase = {base}\nweight = {m['Weight']}\nmissing = \"reweight\"\n"
            f"direction = \"{'lower' if m['Direction'] == '-1' else 'higher'}\"\n"
        )
    return "\n".join(lines)


def run_asem(tmp_path: Path, oracles: Path, meta_file: str, aggregation: str = "mean", base: float = 0) -> dict:
    meta = read_csv(oracles / meta_file)
    data = read_csv(oracles / "ASEM_iData.csv")
    codes = [m["iCode"] for m in meta if m["Type"] == "Indicator"]
    units = [d["uCode"] for d in data]
    (tmp_path / "config.toml").write_text(asem_config(meta, units, aggregation, base), encoding="utf-8")
    rows = [[d["uCode"], *[float(d[c]) if d[c] not in ("", "NA") else None for c in codes]] for d in data]
    write_return(tmp_path / "input" / "ASEM数据.xlsx", ["单位", *codes], rows, title="ASEM 指标数据")
    res = kaohe("run", tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    return json.loads((tmp_path / "output" / "results.json").read_text(encoding="utf-8"))


def close(a, b, tol=1e-9) -> bool:
    if b in ("", "NA"):
        return a is None
    return a is not None and abs(a - float(b)) <= tol


def check_levels(results: dict, oracles: Path, aggregated: str, scores: str, meta_file: str) -> None:
    meta = read_csv(oracles / meta_file)
    parent = {m["iCode"]: m["Parent"] for m in meta}
    codes = [m["iCode"] for m in meta if m["Type"] == "Indicator"]
    by_unit = {u["unit"]: u for u in results["units"]}
    checked = 0
    for row in read_csv(oracles / aggregated):
        u = by_unit[row["uCode"]]
        for c in codes:  # normalised indicator values
            assert close(u["indicators"][c], row[c]), (row["uCode"], c, u["indicators"][c], row[c])
        for m in meta:  # every aggregate level
            if m["Type"] == "Aggregate" and m["Level"] in ("2", "3"):
                key = f"{parent[m['iCode']]}/{m['iCode']}" if m["Level"] == "2" else m["iCode"]
                assert close(u["tree"][key], row[m["iCode"]]), (row["uCode"], key, u["tree"][key], row[m["iCode"]])
        assert close(u["total"], row["Index"]), (row["uCode"], u["total"], row["Index"])
        checked += 1
    assert checked == 51
    if scores:
        for row in read_csv(oracles / scores):
            assert by_unit[row["uCode"]]["rank"] == int(row["Rank"]), row["uCode"]


def test_asem_simple_equal_weights(tmp_path, oracles):
    results = run_asem(tmp_path, oracles, "ASEM_iMeta.csv")
    check_levels(results, oracles, "ASEM_simple_Aggregated.csv", "ASEM_simple_results_scores.csv", "ASEM_iMeta.csv")


def test_asem_unequal_weights(tmp_path, oracles):
    meta = "ASEM_iMeta_unequal_weights.csv"
    results = run_asem(tmp_path, oracles, meta)
    check_levels(results, oracles, "ASEM_unequalw_Aggregated.csv", "ASEM_unequalw_results_scores.csv", meta)


def test_asem_geometric_mean_of_1_to_100(tmp_path, oracles):
    # min-max to 1–100 is efficacy with base 0.01 on 100 points: 100 × (0.01 + 0.99 d) = 1 + 99 d
    results = run_asem(tmp_path, oracles, "ASEM_iMeta.csv", aggregation="geomean", base=0.01)
    check_levels(results, oracles, "ASEM_simple_gmean_1to100_Aggregated.csv", "", "ASEM_iMeta.csv")


# -- published 功效系数 examples ------------------------------------------------------------------------------


def test_ec4_four_companies_geometric_mean(tmp_path, oracles):
    """EC-4: sample max/min as 满意值/不允许值, ratio rounded to 4 decimals, total by geometric mean (丁 82.185)."""
    table = read_csv(oracles / "oracle_efficacy_4company.csv")
    raw_cols = [c for c in table[0] if c[0] == "c" and c[1].isdigit()]
    d_cols = [c for c in table[0] if c[0] == "d" and c[1].isdigit()]
    for weights, col in (([1, 1, 1, 1], "D_geomean_equal"), ([0.3, 0.2, 0.2, 0.3], "D_weighted_geomean_w.3_.2_.2_.3")):
        folder = tmp_path / col
        inds = "\n".join(
            f'[[indicators]]\nid = "C{k + 1}"\nname = "{c.split("_", 1)[1]}"\ncategory = ["经济效益"]\nsource = "企业"\n'
            f'points = 100\nmethod = "efficacy"\nround_ratio = 4\nweight = {w}\n'
            for k, (c, w) in enumerate(zip(raw_cols, weights))
        )
        units = "\n".join(f'[[units]]\nname = "{r["company"]}"\n' for r in table)
        folder.mkdir()
        (folder / "config.toml").write_text(
            '[assessment]\ntitle = "四企业功效系数"\nyear = 2025\nprecision = 3\n'
            '[[components]]\nname = "综合"\nkind = "indicators"\nweight = 1\nfull = 100\naggregation = "geomean"\n'
            '[[categories]]\npath = ["经济效益"]\naggregation = "geomean"\n' + units + inds,
            encoding="utf-8",
        )
        write_return(folder / "input" / "企业指标.xlsx", ["单位", *[c.split("_", 1)[1] for c in raw_cols]],
                     [[r["company"], *[float(r[c]) for c in raw_cols]] for r in table])
        res = kaohe("run", folder)
        assert res.returncode == 0, res.stdout + res.stderr
        by = {u["unit"]: u for u in json.loads((folder / "output" / "results.json").read_text("utf-8"))["units"]}
        for r in table:
            for k, c in enumerate(d_cols):
                assert by[r["company"]]["indicators"][f"C{k + 1}"] == float(r[c]), (r["company"], c)
            assert by[r["company"]]["total"] == float(r[col]), (r["company"], col)
    assert math.isclose(float(table[3]["D_geomean_equal"]), 82.185)


def _single_indicator_folder(folder: Path, indicator: str, values: dict[str, float], precision: int = 2) -> dict:
    folder.mkdir(parents=True)
    units = "\n".join(f'[[units]]\nname = "{u}"\n' for u in values)
    points = next(line.split("=")[1].strip() for line in indicator.splitlines() if line.startswith("points"))
    (folder / "config.toml").write_text(
        f'[assessment]\ntitle = "功效系数算例"\nyear = 2025\nfull_score = {points}\nprecision = {precision}\n'
        f'[[components]]\nname = "指标"\nkind = "indicators"\nweight = 1\nfull = {points}\n'
        + units + indicator, encoding="utf-8")
    write_return(folder / "input" / "算例.xlsx", ["单位", "X"], [[u, v] for u, v in values.items()])
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    return {u["unit"]: u for u in json.loads((folder / "output" / "results.json").read_text("utf-8"))["units"]}


def test_ec1_five_band_standard_value_15_23(tmp_path, oracles):
    case = next(r for r in read_csv(oracles / "oracle_efficacy_cases.csv") if r["case_id"] == "EC-1")
    assert "score=15.23" in case["expected"]
    ind = ('[[indicators]]\nid = "X"\nname = "净资产收益率"\ncategory = ["财务效益"]\nsource = "财务"\npoints = 20\n'
           'method = "efficacy_standard"\nstandards = { "优秀" = 16.6, "良好" = 9.5, "平均" = 1.7, "较低" = -5.9, "较差" = -12.8 }\n')
    by = _single_indicator_folder(tmp_path / "ec1", ind, {"某企业": 8})
    assert by["某企业"]["indicators"]["X"] == 15.23


def test_ec3_below_unallowable_58_73(tmp_path, oracles):
    case = next(r for r in read_csv(oracles / "oracle_efficacy_cases.csv") if r["case_id"] == "EC-3")
    assert "58.73" in case["expected"]
    ind = ('[[indicators]]\nid = "X"\nname = "工业总资产贡献率"\ncategory = ["效益"]\nsource = "统计"\npoints = 100\n'
           'method = "efficacy"\nx_s = 12\nx_u = 6\n')
    by = _single_indicator_folder(tmp_path / "ec3", ind, {"某地": 5.81})
    assert by["某地"]["indicators"]["X"] == 58.73
