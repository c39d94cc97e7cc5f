"""The reading map: how every file › sheet was read, before anything is scored.

For each sheet examined: the kind it was read as and on what evidence, where the units are, which rows are the
header, and each column's role with the indicator it was matched to and how sure that match is — or, for a sheet
not taken, why. `kaohe check` prints it and 数据问题.xlsx carries it as a sheet, so a clerk sees how each return was
understood, and a return that was not understood says what to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KIND_LABELS = {
    "indicators": "指标数据表",
    "survey": "公众评议统计表",
    "adjustments": "加减分登记表",
    "veto": "一票否决登记表",
    "falsified": "弄虚作假登记表",
    "corrections": "更正申诉登记表",
    "ratings": "评分表",
    "history": "上年考核结果",
    "scorecard": "单位评分表",
}
ROLE_LABELS = {
    "round": "评议轮次", "category": "评议群体", "question": "评议题目", "kind": "加减分类别", "value": "分值",
    "reason": "事由", "department": "认定部门", "item": "事项", "rank": "名次", "indicator": "涉及指标",
    "member": "评分人", "total": "总分", "grade": "等次", "date": "日期", "sum": "合计（仅核对）", "period": "考核期",
}
PART_LABELS = {"value": "完成值", "target": "目标值", "last": "上年值", "cum": "累计完成", "cum_target": "累计目标"}


def role_label(role: str, labels: dict[str, str]) -> str:
    """A column role as a clerk reads it: "A3 固定资产投资完成额（目标值）", "评议轮次", "满意"."""
    if role.startswith("item:"):
        return f"评分项目“{role[5:]}”"
    if role in ROLE_LABELS:
        return ROLE_LABELS[role]
    ind, _, part = role.partition(":")
    if ind in labels:
        return f"{labels[ind]}（{PART_LABELS[part or 'value']}）"
    return role  # a survey choice (满意, 不了解…)


@dataclass
class ColumnReading:
    cell: str  # the header cell
    header: str  # its text as written (several header rows joined by /)
    role: str  # what it was read as, in Chinese ("" when ignored)
    how: str  # how sure: 表头与指标名称一致 / 表头包含指标名称 / 按单元格内容识别 / 未识别，已忽略 …


@dataclass
class SheetReading:
    file: str
    sheet: str
    kind: str = ""  # KIND_LABELS value; "" when the sheet was not taken
    evidence: str = ""  # how the kind was decided
    axis: str = ""  # where the units are
    units: int = 0  # distinct known units found
    header: str = ""  # "第 3–4 行"
    rows: int = 0  # data rows read
    context: str = ""  # values the sheet gives every row (加减分类别：专项督查加分)
    columns: list[ColumnReading] = field(default_factory=list)
    reason: str = ""  # why it was not taken

    @property
    def taken(self) -> bool:
        return bool(self.kind)

    def lines(self) -> list[str]:
        """The map entry as console lines."""
        head = f"{self.file} › {self.sheet}："
        if not self.taken:
            return [head + "未采用。" + self.reason]
        facts = [self.kind + (f"（依据：{self.evidence}）" if self.evidence else "")]
        if self.axis:
            facts.append(f"单位在{self.axis}（识别出 {self.units} 个单位）")
        if self.header:
            facts.append(f"表头{self.header}")
        facts.append(f"读取 {self.rows} 行")
        if self.context:
            facts.append(self.context)
        out = [head + "；".join(facts)]
        for c in self.columns:
            out.append(f"    {c.cell}“{c.header}” → {c.role or '（忽略）'}（{c.how}）")
        return out


def format_map(readings: list[SheetReading]) -> list[str]:
    out = []
    for r in readings:
        out.extend(r.lines())
    return out
