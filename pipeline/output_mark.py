"""The mark kaohe leaves in every workbook it writes, so that one put back into input/ is known for what it is.

Why: an office keeps last year's 考核结果汇总表 and, the next year, drops it into input/ as 上年考核结果. Read by
its headers like a department's return, kaohe's own summary is ambiguous (its 指标得分 sheet holds scores, not
values; 名次 and 分组名次 both look like ranks), and a score card book looks like a rating form. So each workbook
kaohe writes carries custom document properties (文件 › 属性 › 自定义) saying what it is, for which assessment and
year; Excel, WPS and LibreOffice keep them when a file is saved again, also as .ods. Ingest then reads last year's
summary exactly (名次 and 总分 of its 汇总表, nothing else) and skips any other kaohe output with one clear line
instead of hundreds of header errors.

A summary without them (saved as .xls, or written before the mark existed) is still known by its 运行信息 sheet
(考核名称, 程序版本, 考核方案哈希), which no department's return has. This module holds the contract (the names
written and looked for); ingest/own_output.py reads a mark back.
"""

from __future__ import annotations

KIND_PROPERTY, YEAR_PROPERTY, TITLE_PROPERTY = "kaohe生成文件", "kaohe考核年度", "kaohe考核名称"

RESULTS_BOOK = "考核结果汇总表"  # the kind of workbook whose 汇总表 next year's run may read as 上年考核结果
SUMMARY_SHEET = "汇总表"
RUN_INFO_SHEET = "运行信息"
RUN_INFO_LABELS = ("考核名称", "程序版本", "考核方案哈希（SHA-256）")  # written by render/summary.py, in this order
METHOD_SHEET = "方法说明"
YEAR_LABEL = "考核年度"  # 方法说明's row that states the assessment year


def mark_properties(kind: str, year: int, title: str) -> dict[str, object]:
    return {KIND_PROPERTY: kind, YEAR_PROPERTY: year, TITLE_PROPERTY: title}


__all__ = ["mark_properties", "KIND_PROPERTY", "YEAR_PROPERTY", "TITLE_PROPERTY", "RESULTS_BOOK", "SUMMARY_SHEET",
           "RUN_INFO_SHEET", "RUN_INFO_LABELS", "METHOD_SHEET", "YEAR_LABEL"]
