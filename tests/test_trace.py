"""Every number in the total can be followed to its inputs (issue 13, part 7): each indicator score's 计算过程 with the
method's parameters and intermediate values, the composite index's inputs and cells, the falsified and veto register
rows behind a zero or a veto — in results.json, 明细 and the score cards (which stay one A4 page, so they point to
明细 for each score's 计算过程).

The expected lines are worked by hand in the comments.
"""

from __future__ import annotations

import json

import openpyxl
import pytest

from engine_helpers import make_dataset, make_scheme, score


def calc_of(indicator: dict, values: dict, unit: str) -> str:
    scheme = make_scheme([{"id": "X", "name": "测试指标", **indicator}], list(values), precision=2)
    res = score(scheme, make_dataset({"X": values}))
    return next(d["calc"] for d in res["detail"] if d["unit"] == unit)


@pytest.mark.parametrize("indicator, values, unit, expected", [
    # 乙 30 among 50 / 30 / 10: d = 20 / 40 = 0.5, 60 × (0.6 + 0.4 × 0.5) = 48
    ({"points": 60, "method": "efficacy"}, {"甲": 50, "乙": 30, "丙": 10}, "乙",
     "满意值 50、不允许值 10（参评单位最好值、最差值）；功效系数 = (30 − 10) ÷ (50 − 10) = 0.5；"
     "得分 = 60 × (0.6 + 0.4 × 0.5) = 48"),
    # lower is better: best 2, worst 8; 丙 5: d = (5 − 8) ÷ (2 − 8) = 0.5
    ({"points": 10, "method": "efficacy", "direction": "lower"}, {"甲": 2, "乙": 8, "丙": 5}, "丙",
     "满意值 2、不允许值 8（参评单位最好值、最差值）；功效系数 = (5 − 8) ÷ (2 − 8) = 0.5；"
     "得分 = 10 × (0.6 + 0.4 × 0.5) = 8"),
    # the worst of a lower-is-better pair: (8.4 − 8.4) ÷ (3.9 − 8.4) is −0 in Decimal, shown 0
    ({"points": 15, "method": "efficacy", "direction": "lower"}, {"甲": 3.9, "乙": 8.4}, "乙",
     "满意值 3.9、不允许值 8.4（参评单位最好值、最差值）；功效系数 = (8.4 − 8.4) ÷ (3.9 − 8.4) = 0；"
     "得分 = 15 × (0.6 + 0.4 × 0) = 9"),
    # 172 of 200: 0.86 × 10 = 8.6
    ({"points": 10, "method": "completion", "target": 200}, {"甲": 172}, "甲",
     "完成率 = 172 ÷ 200 = 0.86；得分 = 10 × 0.86 = 8.6"),
    # 1.3 counted at most 1.2: 12
    ({"points": 10, "method": "completion", "target": 100, "cap": 1.2}, {"甲": 130}, "甲",
     "完成率 = 130 ÷ 100 = 1.3（最高按 1.2 计）；得分 = 10 × 1.2 = 12"),
    # 3 short of 100, 0.5 a step: 10 − 1.5 = 8.5
    ({"points": 10, "method": "step", "target": 100, "step": 1, "per_step": 0.5}, {"甲": 97}, "甲",
     "实际 97，差目标 100 3，合 3 档 × 0.5 = 扣 1.5 分；得分 8.5"),
    # 2 events × 1: 8
    ({"points": 10, "method": "count_deduct", "per_event": 1}, {"甲": 2}, "甲",
     "2 次 × 1 = 扣 2 分；得分 = 10 − 扣分 = 8（扣完为止）"),
    # 乙 second of three: 10 − (2 − 1) × 2 = 8
    ({"points": 10, "method": "rank", "rank_step": 2}, {"甲": 9, "乙": 7, "丙": 5}, "乙",
     "7，在 3 个参评单位中列第 2 名；得分 = 10 − (2 − 1) × 2 = 8"),
])
def test_each_method_says_how_the_score_came_about(indicator, values, unit, expected):
    assert calc_of(indicator, values, unit) == expected


def test_a_falsified_zero_names_the_register_row():
    falsified = [{"unit": "甲", "indicator": "X", "department": "统计局", "reason": "虚报增长率",
                  "source": "考核办/弄虚作假登记表.xlsx › Sheet1!A3"}]
    scheme = make_scheme([{"id": "X", "name": "增长率", "points": 10, "method": "efficacy"}], ["甲", "乙", "丙"])
    res = score(scheme, make_dataset({"X": {"甲": 99, "乙": 8, "丙": 4}}, falsified=falsified))
    row = next(d for d in res["detail"] if d["unit"] == "甲")
    assert row["score"] == 0 and row["calc"] == ""
    assert row["note"] == "弄虚作假（统计局认定：虚报增长率；登记于 考核办/弄虚作假登记表.xlsx › Sheet1!A3），该指标计0分"


def test_the_composite_index_is_traced_to_its_inputs():
    # 甲 130 on 100, 乙 110 on 100; mean 120. 甲: s = 1.3, a = 130/120 = 1.0833; c = 100 × (0.6 × 1.3 + 0.4 × 1.0833)
    # = 121.3333; 乙: s = 1.1, a = 0.9167, c = 102.6667. Efficacy over the index: 甲 100, 乙 60.
    items = [{"id": "G1", "name": "招商引资额", "source": "商务局", "weight": 1}]
    comps = [{"name": "发展指数", "kind": "growth_index", "weight": 1, "full": 100, "items": items}]
    scheme = make_scheme([], ["甲", "乙"], precision=2, components=comps)
    res = score(scheme, make_dataset({"G1": {"甲": 130, "乙": 110}}, previous={"G1": {"甲": 100, "乙": 100}}))
    g = next(u for u in res["units"] if u["unit"] == "甲")["growth"]["发展指数"]
    assert (g["index"], g["best"], g["worst"], g["score"]) == (121.3333, 121.3333, 102.6667, 100.0)
    assert g["items"] == [{"item": "G1", "name": "招商引资额", "weight": 1.0, "value": 130.0,
                           "value_source": "测试.xlsx › 表!G1", "last": 100.0, "last_source": "测试.xlsx › 表!G1",
                           "mean": 120.0, "self_index": 1.3, "mean_index": 1.0833}]


def test_the_trace_is_in_results_json_the_detail_sheet_and_the_score_cards(bundled_run):
    folder, _ = bundled_run
    out = folder / "output"
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    detail = doc["detail"]
    assert detail and all({"calc", "source", "method_label"} <= set(d) for d in detail)
    efficacy = [d for d in detail if d["method_label"] == "功效系数法" and d["score"] is not None]
    assert efficacy and all(d["calc"].startswith("满意值 ") for d in efficacy)
    growth = [u["growth"] for u in doc["units"] if u["growth"]]
    assert growth and all(i["value_source"] and i["last_source"] for g in growth for t in g.values() for i in t["items"])

    wb = openpyxl.load_workbook(out / "考核结果汇总表.xlsx")
    rows = list(wb["明细"].iter_rows(values_only=True))
    head = rows[0]
    calc = {(r[head.index("单位")], r[head.index("指标编号")]): r[head.index("计算过程")] for r in rows[1:]}
    some = efficacy[0]
    assert calc[(some["unit"], some["indicator"])] == some["calc"]
    growth_rows = list(wb["综合指数"].iter_rows(values_only=True))
    assert any(r[0] == "一、各项指标（本年值、上年值及来源）" for r in growth_rows)

    vetoed = next(u for u in doc["units"] if u["vetoed"])
    card = [str(c.value) for row in openpyxl.load_workbook(out / "单位评分卡.xlsx")[vetoed["unit"]].iter_rows()
            for c in row if c.value]
    assert any(t.startswith("一票否决：") and f"登记于 {vetoed['veto'][0]['source']}" in t for t in card)
    # the card stays one page: it points to where each score's 计算过程 is
    assert "注：各项得分的计算过程（计分参数、原始值、中间结果）见考核结果汇总表“明细”工作表的“计算过程”列。" in \
        openpyxl_texts(out, some["unit"])
    name = next(iter(growth[0]))
    unit = next(u["unit"] for u in doc["units"] if u["growth"])
    assert any(t.startswith(f"{name}：") and "综合指数" in t for t in openpyxl_texts(out, unit))


def openpyxl_texts(out, sheet):
    return [str(c.value) for row in openpyxl.load_workbook(out / "单位评分卡.xlsx")[sheet].iter_rows()
            for c in row if c.value]
