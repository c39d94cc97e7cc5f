"""Completeness: every input the scheme relies on is found, or the run stops saying what was examined and why.

A register that is not recognised must never read as "no entries": the winner, grades and awards would change
while the run looks successful. So each register the scheme configures must be found as a table (an empty one
counts: a header and no rows says "nothing to register"), unless the scheme marks it optional. Indicator returns,
survey rounds and ratings are checked unit by unit in normalize; this module says what each missing one was looked
for in, from the reading map.
"""

from __future__ import annotations

from .ingest import IngestResult
from .ingest.readmap import KIND_LABELS
from .issues import Issue
from .scheme import Scheme

MAX_LISTED = 6  # sheets named in one message; the reading map (kaohe check, 数据问题.xlsx) lists them all


def required_registers(scheme: Scheme) -> dict[str, bool]:
    """Register kind -> whether it must be found (False: optional), for each register the scheme relies on.

    Adjustments: when the scheme defines adjustment kinds. Veto: when it has a [veto] section. Last year's results:
    when a progress award compares ranks with last year. Falsified data: only when `[ingest] required` says so.
    The scheme's `[ingest] required` / `optional` lists override these defaults.
    """
    relied = {
        "adjustments": bool(scheme.adjustments),
        "veto": "veto" in scheme.model_fields_set,
        "history": scheme.awards.progress is not None,
        "falsified": False,
        "corrections": False,  # 更正/申诉登记表: only when there are corrections
    }
    out = {}
    for kind, needed in relied.items():
        if kind in scheme.ingest.required or needed:
            out[kind] = kind not in scheme.ingest.optional
    return out


def examined(ingested: IngestResult) -> str:
    """What was looked at and not taken, in one sentence: the sheets naming units first, with their reasons."""
    files = {r.file for r in ingested.readings}
    unused = [r for r in ingested.readings if not r.taken]
    with_units = [r for r in unused if r.units]
    text = f"已检查 {len(files)} 个文件的 {len(ingested.readings)} 个工作表，均未识别出该表"
    if with_units:
        listed = [f"{r.file} › {r.sheet}（{r.reason}）" for r in with_units[:MAX_LISTED]]
        text += "；含单位名称但未采用的工作表：" + "；".join(listed)
        if len(with_units) > MAX_LISTED:
            text += f"……等 {len(with_units)} 个"
    elif not ingested.readings:
        text = "input/ 中没有可读取的报表"
    return text + "（各工作表的读取情况见 kaohe check 或 数据问题.xlsx 的“读取情况”表）"


def register_issues(scheme: Scheme, ingested: IngestResult) -> list[Issue]:
    """One issue for each register the scheme relies on that no sheet was read as."""
    found = {kind for f in ingested.files for kind in f.kinds}
    out = []
    if "history" not in found:  # 上年考核结果 was filed, but for another year: never a silent "no last year"
        out.extend(Issue("history-wrong-year", file=i.file, sheet=i.sheet, params={**i.params, "last": scheme.assessment.year - 1})
                   for i in ingested.issues if i.code == "history-other-year")
    for kind, required in required_registers(scheme).items():
        if kind in found:
            continue
        name = KIND_LABELS[kind]
        if required:
            out.append(Issue("missing-register", params={"register": name, "examined": examined(ingested),
                                                         "key": kind}))
        else:
            out.append(Issue("optional-register", params={"register": name, "key": kind}))
    return out
