"""An assessment office's whole year on a real folder and a real run history (issue 14, "Done means"): returns arrive
over several nights and the nightly script runs each time; the results go out for 公示; an appeal is upheld and
registered as a correction; the corrected run is compared with the published one and approved (定稿); next year's
run takes its ranks from that 定稿. `kaohe history` and `kaohe diff` are read as a clerk would read them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import xlsxwriter

from conftest import kaohe
from pipeline.history import History

ROOT = Path(__file__).resolve().parents[1]
NIGHTLY = ROOT / "scheduling" / "kaohe-nightly.sh"
KAOHE = Path(sys.executable).parent / "kaohe"

SCHEME = """
[assessment]
title = "乡镇考核"
year = {year}
full_score = 100
precision = 2

[awards]
eligibility_ratio = 0
[[awards.prizes]]
name = "一等奖"
places = 1
[awards.progress]
name = "进步奖"
min_places = 2
exclude_top = 1

[ingest]
optional = ["history"]

[[components]]
name = "指标考核"
kind = "indicators"
weight = 1
full = 100

[[indicators]]
id = "X"
name = "工作评分"
category = ["综合"]
source = "考核办"
points = 50
method = "direct"

[[indicators]]
id = "Y"
name = "地区生产总值增长率"
category = ["经济"]
source = "统计局"
unit = "%"
points = 50
method = "efficacy"

[[units]]
name = "甲镇"
[[units]]
name = "乙镇"
[[units]]
name = "丙镇"
[[units]]
name = "丁镇"
"""

UNITS = ["甲镇", "乙镇", "丙镇", "丁镇"]


def return_file(folder: Path, year: int, department: str, header: str, values: dict) -> None:
    (folder / "input" / department).mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(folder / "input" / department / f"{year}年度乡镇考核数据（{department}）.xlsx")
    ws = wb.add_worksheet("数据")
    ws.write(0, 0, f"{year}年度乡镇考核数据（{department}）")
    ws.write_row(1, 0, ["单位", header])
    for r, unit in enumerate(UNITS, start=2):
        ws.write_row(r, 0, [unit, values[unit]])
    wb.close()


def correction(folder: Path, unit: str, original: float, corrected: float) -> None:
    wb = xlsxwriter.Workbook(folder / "input" / "考核办" / "2025年度数据更正申诉登记表.xlsx")
    ws = wb.add_worksheet("更正申诉登记表")
    ws.write(0, 0, "2025年度考核数据更正（申诉）登记表")
    ws.write_row(2, 0, ["单位", "涉及指标", "原数值", "更正后数值", "事由", "审批人", "审批日期"])
    ws.write_row(3, 0, [unit, "地区生产总值增长率", original, corrected, "申诉成立：统计口径更正", "张明", "2026-01-20"])
    wb.close()


def nightly(folder: Path) -> int:
    return subprocess.run(["bash", str(NIGHTLY), str(folder), str(KAOHE)], capture_output=True, timeout=300).returncode


def results(folder: Path) -> dict:
    return json.loads((folder / "output" / "results.json").read_text(encoding="utf-8"))


def history_lines(folder: Path) -> list[str]:
    res = kaohe("history", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    return [ln for ln in res.stdout.splitlines() if re.match(r"\s+\d+\s", ln)]


def test_a_year_of_an_assessment_office(tmp_path):
    folder = tmp_path / "乡镇考核"
    folder.mkdir()
    (folder / "config.toml").write_text(SCHEME.format(year=2025), encoding="utf-8")

    # night 1: only 考核办's return is in; the run stops on the missing one and is recorded as such
    return_file(folder, 2025, "考核办", "工作评分", {"甲镇": 40, "乙镇": 45, "丙镇": 42, "丁镇": 38})
    assert nightly(folder) == 1
    # night 2: 统计局's return arrives; night 3: nothing changed
    return_file(folder, 2025, "统计局", "地区生产总值增长率", {"甲镇": 9.0, "乙镇": 7.0, "丙镇": 6.0, "丁镇": 5.0})
    assert nightly(folder) == 0
    assert nightly(folder) == 0
    logs = "".join(p.read_text(encoding="utf-8") for p in (folder / ".kaohe" / "logs").glob("nightly-*.log"))
    assert logs.count("== 退出码 1") == 1 and logs.count("== 退出码 0") == 2
    assert "缺少“统计局”报送的报表" in logs

    lines = history_lines(folder)
    assert [ln.split()[0] for ln in lines] == ["3", "2", "1"]
    assert "数据有误" in lines[2] and "试算" in lines[1] and lines[0].endswith("总分无变化")
    published = results(folder)

    # 公示 of run 3
    assert kaohe("publish", folder, "--as", "公示").returncode == 0
    assert results(folder)["run"]["status"] == "公示"

    # 甲镇 appeals: its growth rate was 8.0, not 9.0; upheld and registered. 甲镇 stays the best, so 满意值 moves
    # from 9 to 8 and 乙镇, 丙镇 score differently though their own figures did not change.
    correction(folder, "甲镇", 9.0, 8.0)
    assert nightly(folder) == 0
    corrected = results(folder)
    assert [i["code"] for i in corrected["issues"]] == ["optional-register"]  # approved in January after the year: no "date outside the year" warning
    scores = {(d["unit"], d["indicator"]): d["score"] for d in corrected["detail"]}
    before = {(d["unit"], d["indicator"]): d["score"] for d in published["detail"]}
    assert scores[("乙镇", "Y")] != before[("乙镇", "Y")] and scores[("丁镇", "Y")] == before[("丁镇", "Y")]

    res = kaohe("diff", folder)  # the newest run against the published one
    assert res.returncode == 0, res.stdout + res.stderr
    out = res.stdout
    assert re.match(r"第3次运行（[\d: -]+，公示） → 第4次运行（[\d: -]+，试算）", out)
    assert "报表变化：考核办/2025年度数据更正申诉登记表.xlsx（新增）" in out
    assert ("  甲镇：总分 90 → 90\n    数据：统计局/2025年度乡镇考核数据（统计局）.xlsx › 数据!B3：Y 地区生产总值增长率 9 → 8，"
            "经更正/申诉登记更正（申诉成立：统计口径更正；审批人：张明；登记于 考核办/2025年度数据更正申诉登记表.xlsx › "
            "更正申诉登记表!A4）") in out
    assert ("  乙镇：总分 85 → 88.33\n    得分：Y 地区生产总值增长率 40 → 43.33（本单位数据未变，因参评单位的数据变化："
            "满意值 9、不允许值 5（参评单位最好值、最差值） → 满意值 8、不允许值 5（参评单位最好值、最差值））") in out
    assert "丁镇：" not in out  # the worst value, 不允许值 5, did not move: its score did not either
    book = openpyxl.load_workbook(folder / "运行对比" / "第3次与第4次运行对比.xlsx")
    (row,) = list(book["数据变化"].iter_rows(min_row=2, values_only=True))
    assert row[:5] == ("甲镇", "年终", "Y 地区生产总值增长率", 9, 8) and row[6].startswith("经更正/申诉登记更正")

    # 定稿 of the corrected run; its set stays whole in 归档/
    assert kaohe("publish", folder, "--as", "定稿").returncode == 0
    final_set = (folder / "output").resolve().name
    lines = history_lines(folder)
    assert [ln.split()[:4:3] for ln in lines] == [["4", "定稿"], ["3", "公示"], ["2", "试算"], ["1", "数据有误"]]
    assert lines[0].endswith("1个报表有变化，2个单位总分变化") and lines[1].endswith("总分无变化")
    with History(folder) as h:
        assert [(r.id, r.status) for r in h.runs()] == [(4, "定稿"), (3, "公示"), (2, "试算"), (1, "数据有误")]
    final_ranks = {u["unit"]: u["rank"] for u in results(folder)["units"]}

    # next year: the same folder with 2026's returns; last year's ranks come from the 定稿 run
    (folder / "config.toml").write_text(SCHEME.format(year=2026), encoding="utf-8")
    shutil.rmtree(folder / "input")
    return_file(folder, 2026, "考核办", "工作评分", {"甲镇": 38, "乙镇": 40, "丙镇": 41, "丁镇": 50})
    return_file(folder, 2026, "统计局", "地区生产总值增长率", {"甲镇": 5.0, "乙镇": 6.0, "丙镇": 7.0, "丁镇": 9.0})
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "上年名次取自 考核运行记录.sqlite › 第4次运行（2025年定稿）（4 个单位" in res.stdout
    units = {u["unit"]: u for u in results(folder)["units"]}
    assert {n: u["last_rank"] for n, u in units.items()} == final_ranks
    assert all(u["rank_change"] == final_ranks[n] - u["rank"] for n, u in units.items())
    assert units["丁镇"]["rank"] == 1 and final_ranks["丁镇"] == 4  # best now, last before: 一等奖, not 进步奖 too
    assert units["丁镇"]["awards"] == ["一等奖"]
    assert (folder / "归档" / final_set / "考核结果汇总表.xlsx").is_file()  # last year's approved set untouched
    title = openpyxl.load_workbook(folder / "归档" / final_set / "考核结果汇总表.xlsx")["汇总表"]["A1"].value
    assert title == "乡镇考核结果汇总表"  # the 定稿 carries no 试算/公示 mark
