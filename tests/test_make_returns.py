"""Tests for bench/make_returns.py (the realistic departmental-return generator)."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import openpyxl
import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "bench" / "make_returns.py"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module          # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


mr = _load("bench_make_returns")


def _config(folder: Path) -> dict:
    with (folder / "config.toml").open("rb") as fh:
        return tomllib.load(fh)


def _depts(cfg: dict) -> list[str]:
    out: list[str] = []
    for ind in cfg["indicators"]:
        if ind["source"] not in out:
            out.append(ind["source"])
    return out


def _all_values(folder: Path) -> dict:
    out = {}
    for path in sorted((folder / "input").rglob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            out[(str(path.relative_to(folder)), ws.title)] = [
                list(r) for r in ws.iter_rows(values_only=True)]
    return out


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bundled")
    shutil.copy(REPO / "config.toml", folder / "config.toml")
    mr.generate(folder, seed=2025)
    return folder


def test_files_written(bundled: Path) -> None:
    cfg = _config(bundled)
    year = cfg["assessment"]["year"]
    expected = [bundled / mr.dept_file(year, d) for d in _depts(cfg)] + [
        bundled / mr.survey_file(year), bundled / mr.adjustment_file(year),
        bundled / mr.veto_file(year), bundled / mr.last_year_file(year),
        bundled / "input" / mr.growth_file(year, "统计局")]
    for path in expected:
        assert path.is_file(), path
    assert len(list((bundled / "input").rglob("*.xlsx"))) == len(expected)


def test_department_layout(bundled: Path) -> None:
    cfg = _config(bundled)
    names = [u["name"] for u in cfg["units"]]
    alias = {a: u["name"] for u in cfg["units"] for a in u.get("aliases", [])}
    n = len(names)
    for dept in _depts(cfg):
        wb = openpyxl.load_workbook(bundled / mr.dept_file(cfg["assessment"]["year"], dept))
        ws = wb["指标数据"]
        inds = [i for i in cfg["indicators"] if i["source"] == dept]
        ncols = 2 + sum(2 if i.get("target") == "column" else 1 for i in inds) + 1
        last = openpyxl.utils.get_column_letter(ncols)
        merged = {str(r) for r in ws.merged_cells.ranges}
        assert ws["A1"].value == f"XX县2025年度乡镇目标管理考核指标数据报表（{dept}）"
        assert ws["A1"].font.bold and ws["A1"].font.size == 16
        assert f"A1:{last}1" in merged
        assert ws["A2"].value == f"填报单位：{dept}（盖章）"
        assert "填报日期：2026年1月10日" in [c.value for c in ws[2]]
        assert {"A3:A4", "B3:B4", f"{last}3:{last}4"} <= merged
        assert (ws["A3"].value, ws["B3"].value, ws[f"{last}3"].value) == ("序号", "乡镇名称", "备注")
        # indicator headers: every indicator once, "<name>（<unit>）", paired columns merged
        col, seen = 3, []
        while col < ncols:
            label = ws.cell(row=3, column=col).value
            assert ws.cell(row=4, column=col).value == "完成值"
            ind = next(i for i in inds if label == f"{i['name']}（{i['unit']}）")
            seen.append(ind["id"])
            if ind.get("target") == "column":
                L, R = (openpyxl.utils.get_column_letter(c) for c in (col, col + 1))
                assert f"{L}3:{R}3" in merged
                assert ws.cell(row=4, column=col + 1).value == "目标值"
                col += 2
            else:
                col += 1
        assert sorted(seen) == sorted(i["id"] for i in inds)
        if dept == "财政局":
            assert seen == ["B2", "B1"]           # columns not in scheme order
        # one row per unit, numbered 1..n
        rows = [[c.value for c in ws[r]] for r in range(5, 5 + n)]
        assert [r[0] for r in rows] == list(range(1, n + 1))
        got = [alias.get(r[1].strip(), r[1].strip()) for r in rows]
        assert sorted(got) == sorted(names)
        if dept == mr.SHUFFLED_DEPT:
            assert got != names
        # 合计 row with SUM formulas, then notes and footer
        total = [c.value for c in ws[5 + n]]
        assert total[1] == "合计"
        assert total[2] == f"=SUM(C5:C{4 + n})"
        assert all(str(v).startswith("=SUM(") for v in total[2:-1])
        assert ws.cell(row=6 + n, column=1).value.startswith("备注：1.数据截至2025年12月31日")
        assert ws.cell(row=7 + n, column=1).value.startswith("填表人：张敏")
        assert ws.cell(row=5, column=3).border.left.style == "thin"
        assert ws.max_row == 7 + n
        assert wb.properties.creator == mr.CREATOR


def test_other_registers(bundled: Path) -> None:
    cfg = _config(bundled)
    names = [u["name"] for u in cfg["units"]]
    ws = openpyxl.load_workbook(bundled / mr.survey_file(2025))["评议统计"]
    assert ws["A1"].value == "XX县2025年度乡镇公众评议结果统计表"
    assert [c.value for c in ws[3]] == ["序号", "乡镇名称", "评议轮次", "评议群体", "评议题目",
                                       "满意", "基本满意", "不满意", "不了解"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True)]
    assert len(rows) == len(names) * len(cfg["survey"]["rounds"]) * len(cfg["survey"]["categories"]) * 3
    for r in rows:
        total = sum(r[5:9])
        assert 20 <= total <= 60
        assert 0.5 <= r[5] / total <= 0.8 and 0.1 <= r[6] / total <= 0.35
        assert r[7] / total <= 0.1 and r[8] / total <= 0.08

    ws = openpyxl.load_workbook(bundled / mr.adjustment_file(2025))["加减分登记"]
    assert [c.value for c in ws[2]] == ["序号", "乡镇名称", "加减分类别", "分值", "事由", "认定部门"]
    adj = [r for r in ws.iter_rows(min_row=3, values_only=True)]
    assert 8 <= len(adj) <= 12
    caps = {a["name"]: a["cap"] for a in cfg["adjustments"]}
    assert {r[2] for r in adj} == set(caps)
    bonus: dict[str, float] = {}
    for r in adj:
        assert r[1] in names and 0 < r[3] <= 2
        if r[2] == "专项督查加分":
            bonus[r[1]] = bonus.get(r[1], 0) + r[3]
    assert max(bonus.values()) > caps["专项督查加分"]

    ws = openpyxl.load_workbook(bundled / mr.veto_file(2025))["一票否决"]
    assert [c.value for c in ws[2]] == ["序号", "乡镇名称", "否决事项", "认定部门", "否决原因"]
    assert [c.value for c in ws[3]] == [1, "东关镇", "安全生产", "应急管理局", "发生较大生产安全事故，造成3人死亡"]
    assert ws.max_row == 3

    ws = openpyxl.load_workbook(bundled / mr.last_year_file(2025))["2024年度结果"]
    assert ws["A1"].value == "XX县2024年度乡镇目标管理绩效考核结果"
    assert [c.value for c in ws[2]] == ["名次", "乡镇名称", "总分", "等次"]
    last = [r for r in ws.iter_rows(min_row=3, values_only=True)]
    assert [r[0] for r in last] == list(range(1, len(names) + 1))
    assert sorted(r[1] for r in last) == sorted(names)
    totals = [r[2] for r in last]
    assert totals == sorted(totals, reverse=True) and len(set(totals)) == len(totals)
    for r in last:
        band = next(g["name"] for g in sorted(cfg["grades"], key=lambda g: -g["min"]) if r[2] >= g["min"])
        assert r[3] == band


def test_mess_cells(bundled: Path) -> None:
    whats = {m["what"] for m in mr.MESS}
    assert len(mr.MESS) >= 5 and len(whats) >= 5
    kinds = {type(m["value"]) for m in mr.MESS}
    assert kinds == {str}
    for m in mr.MESS:
        ws = openpyxl.load_workbook(bundled / m["file"])[m["sheet"]]
        assert ws[m["cell"]].value == m["value"], m
    values = {m["value"] for m in mr.MESS}
    assert "城关" in values and "南河镇 " in values
    assert any(v.endswith("%") for v in values)
    assert any("，" not in v and "," in v for v in values)
    assert any("．" in v for v in values)
    # the planted cells describe the same numbers as the clean plan
    plan = mr.build_plan(_config(bundled), seed=2025, mess=False)
    for m in mr.MESS:
        if m["indicator"]:
            assert m["means"] == plan.values[(m["unit"], m["indicator"])][m["part"]]
        else:
            assert m["value"] != m["means"] and m["unit"] == m["means"]


def test_import_time_mess_describes_bundled_example() -> None:
    fresh = _load("bench_make_returns_fresh")
    assert [(m["file"], m["cell"], m["value"]) for m in fresh.MESS] == \
        [(m["file"], m["cell"], m["value"]) for m in mr.build_plan(_config(REPO), 2025).mess]


def test_values_realistic() -> None:
    cfg = _config(REPO)
    plan = mr.build_plan(cfg, seed=2025, mess=False)
    names = [u["name"] for u in cfg["units"]]
    top = 0
    for ind in cfg["indicators"]:
        vals = {n: plan.values[(n, ind["id"])] for n in names}
        acts = [v["actual"] for v in vals.values()]
        m = ind["method"]
        if m == "efficacy":
            lo, hi = (3.5, 16.0) if "x_s" in ind else (3.0, 12.0)
            assert all(lo <= a <= hi for a in acts)
        elif m == "direct":
            assert all(0.6 * ind["points"] <= a <= ind["points"] for a in acts)
        elif m == "count_deduct":
            assert all(isinstance(a, int) and 0 <= a <= 3 for a in acts)
            assert acts.count(0) > len(acts) / 2
        elif m == "step":
            assert all(ind["target"] - 6 <= a <= 100 for a in acts)
        elif m == "completion" and ind.get("target") == "column":
            assert all(0.8 <= v["actual"] / v["target"] <= 1.26 for v in vals.values())
        elif m == "completion":
            assert all(9.5 <= a <= 16.5 for a in acts)
        better = (lambda a, b: a <= b) if ind.get("direction") == "lower" or m == "count_deduct" \
            else (lambda a, b: a >= b)
        if ind.get("target") == "column":
            score = lambda v: v["actual"] / v["target"]  # noqa: E731
        else:
            score = lambda v: v["actual"]  # noqa: E731
        if all(better(score(vals["东关镇"]), score(v)) for v in vals.values()):
            top += 1
    assert top >= len(cfg["indicators"]) // 2       # 东关镇 is clearly the strongest
    assert sum(1 for ind in cfg["indicators"] for n in names
               if plan.values[(n, ind["id"])]["actual"] == 3 and ind["method"] == "count_deduct") == 1


def test_deterministic(tmp_path: Path) -> None:
    for sub in ("a", "b", "c"):
        (tmp_path / sub).mkdir()
        shutil.copy(REPO / "config.toml", tmp_path / sub / "config.toml")
    mr.generate(tmp_path / "a", seed=7)
    mr.generate(tmp_path / "b", seed=7)
    mr.generate(tmp_path / "c", seed=8)
    a, b, c = (_all_values(tmp_path / s) for s in ("a", "b", "c"))
    assert a == b
    assert a != c
    for path in (tmp_path / "a" / "input").rglob("*.xlsx"):   # byte-identical too
        other = tmp_path / "b" / path.relative_to(tmp_path / "a")
        assert path.read_bytes() == other.read_bytes(), path


def test_no_mess(tmp_path: Path) -> None:
    shutil.copy(REPO / "config.toml", tmp_path / "config.toml")
    mr.generate(tmp_path, seed=2025, mess=False)
    assert mr.MESS == []
    cfg = _config(tmp_path)
    n = len(cfg["units"])
    names = {u["name"] for u in cfg["units"]}
    for dept in _depts(cfg):
        ws = openpyxl.load_workbook(tmp_path / mr.dept_file(2025, dept))["指标数据"]
        for row in ws.iter_rows(min_row=5, max_row=4 + n, values_only=True):
            assert row[1] in names
            assert all(isinstance(v, (int, float)) for v in row[2:-1])


def test_cli_units_50(tmp_path: Path) -> None:
    before = hashlib.sha256((REPO / "config.toml").read_bytes()).hexdigest()
    shutil.copy(REPO / "config.toml", tmp_path / "config.toml")
    res = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path), "--units", "50", "--seed", "3"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    cfg = _config(tmp_path)
    assert [u["name"] for u in cfg["units"]][:2] == ["第0001乡镇", "第0002乡镇"]
    assert len(cfg["units"]) == 50
    assert {u["group"] for u in cfg["units"][:2]} == {"平原乡镇", "山区乡镇"}
    assert cfg["indicators"] == _config(REPO)["indicators"]
    for dept in _depts(cfg):
        ws = openpyxl.load_workbook(tmp_path / mr.dept_file(2025, dept))["指标数据"]
        units = [ws.cell(row=r, column=2).value for r in range(5, ws.max_row + 1)]
        assert units.index("合计") == 50
        assert [ws.cell(row=r, column=1).value for r in range(5, 55)] == list(range(1, 51))
    ws = openpyxl.load_workbook(tmp_path / mr.last_year_file(2025)).active
    assert ws.max_row == 52
    assert hashlib.sha256((REPO / "config.toml").read_bytes()).hexdigest() == before


def test_units_without_config_copies_repo_scheme(tmp_path: Path) -> None:
    mr.generate(tmp_path / "new", seed=1, n_units=6)
    assert len(_config(tmp_path / "new")["units"]) == 6


def test_refuses_to_rewrite_repo_config() -> None:
    before = (REPO / "config.toml").read_bytes()
    with pytest.raises(ValueError):
        mr.generate(REPO, n_units=5)
    res = subprocess.run([sys.executable, str(SCRIPT), str(REPO), "--units", "5"],
                         capture_output=True, text=True)
    assert res.returncode != 0
    assert (REPO / "config.toml").read_bytes() == before
