"""Results for the renderer tests, made by the real engine (never a hand-written results dict, which drifts).

`rich_results()` scores a small county scheme through `pipeline.score.score` — two groups, two categories of
`direct` indicators (the return holds the score), a survey, a capped bonus and a capped deduction, grades, a veto,
prizes, one data issue and a run record — with unit names that look like formulas, so every official workbook
has something to show on every sheet. `bundled_results()` is the bundled example run in process.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

from conftest import ROOT
from engine_helpers import make_dataset, make_scheme
from pipeline.dataset import Tally
from pipeline.issues import Issue
from pipeline.results import InputRecord, Results, RunInfo
from pipeline.score import score

EVIL_UNIT = '=HYPERLINK("x")'
PLUS_UNIT = "+1"
UNITS = ["城关镇", EVIL_UNIT, PLUS_UNIT, "青山乡"]
GROUPS = {"城关镇": "平原乡镇", EVIL_UNIT: "平原乡镇", PLUS_UNIT: "山区乡镇", "青山乡": "山区乡镇"}
TITLE = "XX县2025年度乡镇目标管理绩效考核"
ORGANIZER = "XX县目标管理绩效考核办公室"
RUN = RunInfo(version="0.1.0", scheme_hash="ab" * 32,
              inputs=[InputRecord(file="统计局/2025年统计数据.xlsx", sha256="cd" * 32)],
              generated_at="2026-01-15", date_basis="方案 [assessment] date")

INDICATORS = [
    {"id": "A1", "name": "地区生产总值增长率", "category": ["经济发展"], "points": 10, "unit": "%", "source": "统计局"},
    {"id": "A2", "name": "一般公共预算收入", "category": ["经济发展"], "points": 50, "unit": "万元", "source": "财政局"},
    {"id": "B1", "name": "家庭医生签约服务覆盖率", "category": ["社会事业"], "points": 20, "unit": "%", "source": "卫健局"},
    {"id": "B2", "name": "基层医疗卫生工作评分", "category": ["社会事业"], "points": 20, "unit": "分", "source": "卫健局"},
]
VALUES = {  # indicator -> unit -> the score the return holds
    "A1": {"城关镇": 9.5, EVIL_UNIT: 8, PLUS_UNIT: 7, "青山乡": 6},
    "A2": {"城关镇": 49, EVIL_UNIT: 42, PLUS_UNIT: 38, "青山乡": 24},
    "B1": {"城关镇": 19, EVIL_UNIT: 17, PLUS_UNIT: 16, "青山乡": 15},
    "B2": {"城关镇": 18, EVIL_UNIT: 18, PLUS_UNIT: 18, "青山乡": 15},
}
ISSUE_COLUMN = "=1+1"  # the issue names a column headed like a formula
ISSUE_MESSAGE = "无法识别的列“=1+1”，已忽略"
SURVEY = {  # unit -> (满意, 基本满意, 不满意, 不了解) of the one question
    "城关镇": (30, 10, 2, 1), EVIL_UNIT: (25, 12, 5, 0), PLUS_UNIT: (20, 15, 7, 2), "青山乡": (10, 15, 17, 0),
}


def rich_scheme(precision: int = 2, indicators: list[dict] | None = None, **extra):
    raw = {
        "components": [{"name": "指标考核", "kind": "indicators", "weight": 0.6, "full": 100},
                       {"name": "公众评议", "kind": "survey", "weight": 0.4, "full": 100}],
        "survey": {"categories": ["企业"]},
        "adjustments": [{"name": "专项督查加分", "sign": "bonus", "cap": 3},
                        {"name": "察访核验扣分", "sign": "deduction", "cap": 5}],
        "grades": [{"name": "优秀", "min": 90}, {"name": "良好", "min": 76}, {"name": "一般", "min": 60},
                   {"name": "较差", "min": 0}],
        "veto": {"effect": "lowest_grade"},
        "awards": {"eligibility_ratio": 0.7, "prizes": [{"name": "综合考核一等奖", "places": 1, "amount": 50000}],
                   "group_winner": {"name": "综合先进单位", "amount": 10000}},
        **extra,
    }
    scheme = make_scheme([{"method": "direct", **i} for i in (indicators or INDICATORS)],
                         [{"name": u, "group": GROUPS[u]} for u in UNITS], precision=precision, **raw)
    assessment = scheme.assessment.model_copy(update={"title": TITLE, "organizer": ORGANIZER})
    return scheme.model_copy(update={"assessment": assessment})


def rich_dataset(values: dict | None = None):
    tallies = [Tally(unit=u, round="年终", category="企业", question="营商环境满意度",
                     counts={"满意": s, "基本满意": b, "不满意": n}, unknown=k, source="公众评议.xlsx › 评议!B4")
               for u, (s, b, n, k) in SURVEY.items()]
    adjustments = [
        {"unit": "城关镇", "kind": "专项督查加分", "value": Decimal(1), "reason": "省级督查表扬", "department": "督查室",
         "date": "2025-06-01", "source": "督查室.xlsx › 加分!A2"},
        {"unit": "青山乡", "kind": "察访核验扣分", "value": Decimal(2), "reason": "察访发现问题", "department": "督查室",
         "date": "2025-07-01", "source": "督查室.xlsx › 扣分!A2"},
    ]
    vetoes = [{"unit": "青山乡", "item": "安全生产", "department": "应急管理局", "reason": "发生较大生产安全事故",
               "date": "2025-08-01", "source": "应急管理局.xlsx › 否决!A2"}]
    issues = [Issue(code="unknown-column", file="统计局.xlsx", sheet="数据表", cell="C7", unit=EVIL_UNIT,
                    indicator="A1", params={"name": ISSUE_COLUMN, "hint": ""})]
    return make_dataset(values or VALUES, tallies=tallies, adjustments=adjustments, vetoes=vetoes, issues=issues)


def rich_results(precision: int = 2, indicators: list[dict] | None = None, values: dict | None = None,
                 **extra) -> Results:
    return score(rich_scheme(precision, indicators, **extra), rich_dataset(values), RUN)


def bundled_results(folder: Path) -> Results:
    """The bundled example, copied into `folder` and run in process: its typed results."""
    from pipeline.run import run_assessment

    shutil.copy2(ROOT / "config.toml", folder / "config.toml")
    for name in ("input", "templates"):
        shutil.copytree(ROOT / name, folder / name)
    outcome = run_assessment(folder)
    assert outcome.results is not None
    return outcome.results


__all__ = ["EVIL_UNIT", "PLUS_UNIT", "ISSUE_MESSAGE", "rich_results", "rich_scheme", "rich_dataset", "bundled_results"]
