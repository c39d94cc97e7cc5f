"""Corrections and appeals register (更正/申诉登记表, issue 14 part 3): an approved correction applies on top of the
returns and is shown original → corrected with its reason and approver wherever the value is traced; a correction
whose 原数值 is not what the return says, or without an approver, is an error naming the cell — never applied."""

from __future__ import annotations

import json

import openpyxl
import xlsxwriter

from conftest import kaohe


def results_of(folder):
    return json.loads((folder / "output" / "results.json").read_text(encoding="utf-8"))


def register(folder, rows, approver=True):
    path = folder / "input" / "考核办" / "2025年度数据更正申诉登记表.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("更正申诉登记表")
    ws.write(0, 0, "2025年度考核数据更正（申诉）登记表")
    head = ["单位", "涉及指标", "原数值", "更正后数值", "事由"] + (["审批人"] if approver else []) + ["审批日期"]
    ws.write_row(2, 0, head)
    for r, row in enumerate(rows, start=3):
        ws.write_row(r, 0, row if approver else row[:5] + row[6:])
    wb.close()
    return path


def a_value(example) -> dict:
    assert kaohe("run", example).returncode == 0
    return next(d for d in results_of(example)["detail"] if d["method_label"] == "功效系数法" and d["value"])


def test_an_approved_correction_is_scored_and_traced(example):
    d = a_value(example)
    new = round(d["value"] + 0.5, 2)
    register(example, [[d["unit"], d["indicator_name"], d["value"], new, "统计口径更正", "张明", "2026-01-20"]])
    res = kaohe("run", example)
    assert res.returncode == 0, res.stdout + res.stderr
    doc = results_of(example)
    row = next(x for x in doc["detail"] if (x["unit"], x["indicator"]) == (d["unit"], d["indicator"]))
    assert row["value"] == new and row["source"] == d["source"]
    assert row["note"] == (f"已更正：原数值 {d['value']:g} → {new:g}（统计口径更正；审批人：张明；2026-01-20；"
                           f"登记于 考核办/2025年度数据更正申诉登记表.xlsx › 更正申诉登记表!A4）")
    assert doc["corrections"] == [{"unit": d["unit"], "indicator": d["indicator"], "original": d["value"],
                                   "corrected": new, "reason": "统计口径更正", "approver": "张明",
                                   "date": "2026-01-20", "value_source": d["source"],
                                   "source": "考核办/2025年度数据更正申诉登记表.xlsx › 更正申诉登记表!A4"}]
    wb = openpyxl.load_workbook(example / "output" / "考核结果汇总表.xlsx")
    rows = list(wb["数据更正"].iter_rows(values_only=True))
    assert rows[1][:6] == (d["unit"], f"{d['indicator']} {d['indicator_name']}", d["value"], new, "统计口径更正", "张明")
    card = [str(c.value) for r in openpyxl.load_workbook(example / "output" / "单位评分卡.xlsx")[d["unit"]].iter_rows()
            for c in r if c.value]
    assert any(t.startswith(f"已更正：原数值 {d['value']:g} → {new:g}") for t in card)
    html = (example / "output" / "考核情况分析报告.html").read_text(encoding="utf-8")
    assert f"经审批更正数据1项" in html and f"{d['unit']}“{d['indicator_name']}”由" in html
    # the run history's diff names the corrected cell
    res = kaohe("diff", example)
    assert f"数据：{d['source']}：{d['indicator']} {d['indicator_name']} {d['value']:g} → {new:g}" in res.stdout


def test_a_correction_that_does_not_match_the_return_is_refused(example):
    d = a_value(example)
    register(example, [[d["unit"], d["indicator_name"], d["value"] + 1, 99, "笔误", "张明", "2026-01-20"]])
    res = kaohe("run", example)
    assert res.returncode == 1
    assert (f"更正申诉登记表!C4：更正登记的原数值 {d['value'] + 1:g} 与报表中的数值 {d['value']:g}（{d['source']}）不一致，"
            "未予更正；请核对更正登记或报表") in res.stdout


def test_a_correction_without_an_approver_is_refused(example):
    d = a_value(example)
    register(example, [[d["unit"], d["indicator_name"], d["value"], 1, "笔误", "", "2026-01-20"]], approver=True)
    res = kaohe("run", example)
    assert res.returncode == 1 and "更正登记没有审批人，未予更正" in res.stdout


def test_kaohe_templates_writes_the_blank_register(example):
    res = kaohe("templates", example)
    assert res.returncode == 0, res.stdout + res.stderr
    found = [p for p in (example / "填报模板").rglob("*.xlsx") if "更正申诉登记表" in p.name]
    assert found
    ws = openpyxl.load_workbook(found[0]).worksheets[0]
    texts = {str(c.value) for row in ws.iter_rows(max_row=5) for c in row if c.value}
    assert {"涉及指标", "原数值", "更正后数值", "审批人", "审批日期"} <= texts
