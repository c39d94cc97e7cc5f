"""Data issues: typed problems found in inputs, each with a stable code and a Chinese message template.

Modelled on frictionless-py's errors: a catalogue of issue types (code, severity, template), and an
`Issue` instance that carries the position (file › sheet › cell) and the context (unit, indicator).
Every stage appends issues to a list instead of raising, so one bad file never hides the others.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ERROR = "错误"
WARNING = "警告"
INFO = "提示"


@dataclass(frozen=True)
class IssueType:
    code: str
    severity: str
    template: str  # str.format template; named fields come from Issue.params


# The catalogue. Codes are stable (used in CSV output and tests); templates are the user's text.
CATALOGUE: dict[str, IssueType] = {
    t.code: t
    for t in [
        IssueType("not-a-number", ERROR, "“{text}”不是有效数字"),
        IssueType("missing-value", ERROR, "缺少数据"),
        IssueType("out-of-range", ERROR, "数值 {value} 超出允许范围 [{low}, {high}]"),
        IssueType("negative-value", ERROR, "数值 {value} 不能为负数"),
        IssueType("not-positive", ERROR, "数值 {value} 须大于 0（综合指数要用它作除数）"),
        IssueType("unknown-unit", ERROR, "未知单位“{name}”{hint}"),
        IssueType("more-unknown-units", ERROR, "另有 {count} 行的单位名称无法识别，未逐一列出（已列出前 {shown} 个；该工作表可能不是本方案的报表，或单位名称整体写错）"),
        IssueType("unknown-indicator", ERROR, "未知指标“{name}”{hint}"),
        IssueType("ambiguous-ratings", ERROR, "无法确定该评分表属于哪个评分类组成部分（请在标题或工作表名中写明：{names}）"),
        IssueType("unknown-item", ERROR, "无法识别的考核项目“{name}”{hint}"),
        IssueType("unknown-column", WARNING, "无法识别的列“{name}”，已忽略{hint}"),
        IssueType("unknown-choice", ERROR, "“{text}”不是有效选项（可选：{choices}）"),
        IssueType("duplicate-column", ERROR, "该列与 {other} 列表示同一项数据，无法确定取哪一列；请删除多余的列或在表头注明“目标值”“上年值”"),
        IssueType("conflict", ERROR, "与 {other} 的数值不一致（{value} ≠ {other_value}）"),
        IssueType("duplicate", WARNING, "与 {other} 重复，已按一次计入"),
        IssueType("duplicate-file", WARNING, "与 {other} 内容完全相同，已按一个文件处理"),
        IssueType("missing-return", ERROR, "缺少“{source}”报送的报表（应含指标：{indicators}）：{examined}"),
        IssueType("missing-period-return", ERROR, "缺少“{source}”报送的{period}报表（应含指标：{indicators}）；定期考核每一期都须有各部门的报表，工作表名、标题、文件名或文件夹名中须写明是哪一期"),
        IssueType("missing-unit", ERROR, "报表中缺少单位“{unit}”的数据"),
        IssueType("absent-unit", ERROR, "“{source}”报送的报表中没有单位“{unit}”（单位名称写错、漏报或缺少该单位的评分表）"),
        IssueType("formula-no-value", ERROR, "公式 {formula} 没有计算结果（文件未经 Excel 重新计算保存）{computed}，请打开文件重新计算后保存"),
        IssueType("formula-zero", ERROR, "公式 {formula} 的缓存值为 0，文件可能由程序生成且未经 Excel 计算保存，不能作为数据{computed}；请打开文件重新计算后保存"),
        IssueType("date-not-number", ERROR, "单元格是日期（{date}），不是数值；可能是 Excel 把输入的“3-1”“3/1”之类自动转成了日期，请把单元格设为“数值”格式后重新填写"),
        IssueType("not-a-date", ERROR, "“{text}”不是有效日期（可写作 2025-03-01 或 2025年3月1日）"),
        IssueType("date-outside-year", WARNING, "日期 {date} 不在考核年度 {year} 年内，请核实是否应计入本年度"),
        IssueType("template-stale", WARNING, "该报表是按旧版考核方案生成的填报模板，与现行方案不一致（{detail}），已改为按表头识别各列，请核对识别结果；可运行 kaohe templates 生成新模板"),
        IssueType("template-altered", WARNING, "填报模板的表头或单位名称被改动过（此单元格与生成的模板不符），已改为按表头识别各列，请核对识别结果"),
        IssueType("template-damaged", WARNING, "填报模板中的隐藏模板信息已损坏，已改为按表头识别各列，请核对识别结果"),
        IssueType("own-output", WARNING, "这是 {what}，不是各部门报送的报表，已跳过（kaohe 生成的文件中，只有上年的考核结果汇总表可以放入 input/，作为上年考核结果）"),
        IssueType("own-results-other-year", ERROR, "这是 {what}（{said}），本次考核为 {year} 年，作为上年考核结果只能用 {last} 年度的考核结果汇总表，未采用；请把它移出 input/，或换成 {last} 年度的汇总表"),
        IssueType("own-results-altered", ERROR, "这是 {what}，但其“汇总表”中找不到“名次”“单位”“总分”三列，无法读取上年名次；请放入 kaohe 生成的原表，或按上年考核结果登记表填报"),
        IssueType("control-characters", WARNING, "单元格含有不可见的控制字符（{chars}），已忽略这些字符后读取，请核实内容"),
        IssueType("overlong-text", WARNING, "单元格文字长达 {length} 字，不像填报的数据，请核实（提示中只显示开头部分）"),
        IssueType("unreadable-file", ERROR, "无法读取文件：{reason}"),
        IssueType("link-outside", ERROR, "该文件是指向考核文件夹以外（{target}）的链接或快捷方式，已拒绝读取；请把报表本身复制到 input/ 中"),
        IssueType("not-a-file", WARNING, "这是一个{what}，不是报表文件，已跳过"),
        IssueType("unrecognised-file", WARNING, "无法识别的报表（未找到单位列或指标列），已跳过"),
        IssueType("unrecognised-sheet", INFO, "工作表未包含考核数据，已跳过"),
        IssueType("total-mismatch", WARNING, "“{label}”行的数值 {total} 与其所合计的 {count} 个单位（{range}）之和 {sum} 不一致，请核对该行或各单位的数据"),
        IssueType("sum-mismatch", WARNING, "合计 {total} 与本行各选项（{choices}）人数之和 {sum} 不一致，请核对"),
        IssueType("header-points", ERROR, "表头“{text}”写明满分 {stated} 分，与方案不符（{expected}），无法确定按哪个计分"),
        IssueType("unused-sheet", WARNING, "工作表含有 {units} 个方案中的单位名称，但未能识别为报表，已跳过：{reason}。如果这是要报送的数据，请按提示调整表头，或在方案 [ingest] 中写明读法"),
        IssueType("other-year-sheet", WARNING, "工作表是 {year} 年的数据，本方案只使用 {this} 年和上年的数据，已跳过"),
        IssueType("ambiguous-column", ERROR, "表头“{name}”可能是多个指标（{candidates}），无法确定是哪一个；请把表头写成方案中的指标名称，或在方案 [ingest.headers] 中为指标指定表头"),
        IssueType("missing-register", ERROR, "缺少{register}：{examined}。如本年度确实没有登记事项，请报送只有表头的空登记表，或在方案 [ingest] optional 中写明“{key}”"),
        IssueType("optional-register", WARNING, "未找到{register}（方案 [ingest] optional 中已写明可以没有），按没有登记事项处理"),
        IssueType("unknown-adjustment", ERROR, "未知的加减分类别“{name}”（方案中有：{choices}）"),
        IssueType("missing-rating", ERROR, "缺少“{rater}”对单位“{unit}”的{component}评分"),
        IssueType("duplicate-rating", ERROR, "“{rater}”对单位的{component}评分重复出现（另见 {other}），请删除重复的一份"),
        IssueType("unknown-rater", ERROR, "评分单位“{rater}”不是被考核单位{hint}；“{component}”由同组单位互评（rated_by = \"peers\"），评分人须为同组的被考核单位"),
        IssueType("rater-not-peer", ERROR, "评分单位“{rater}”属于“{rater_group}”，被评单位属于“{group}”：“{component}”由同组单位互评（rated_by = \"peers\"），只能由同组单位评分"),
        IssueType("self-rating", INFO, "“{rater}”对本单位的{component}评分不计入（方案 self_rating = \"exclude\"）"),
        IssueType("missing-ratings", ERROR, "缺少单位“{unit}”的{component}数据"),
        IssueType("resubmission", ERROR, "{first}（修改于 {first_time}）与 {second}（修改于 {second_time}）是同一份报表的两个版本，有 {count} 处数据不同：{cells}。{advice}"),
        IssueType("resubmission-same", WARNING, "{first}（修改于 {first_time}）与 {second}（修改于 {second_time}）是同一份报表的两份，{count} 个数据完全相同，已按一份计入；{advice}"),
        IssueType("resubmission-newest", WARNING, "{second}（修改于 {second_time}）与 {first}（修改于 {first_time}）是同一份报表的两个版本，按方案 [ingest] resubmission = \"newest\" 采用修改时间较新的 {second}；{first} 中与之重复的 {count} 个数据未采用，其中 {differing} 处数据不同{cells}"),
        IssueType("rating-total-mismatch", WARNING, "{total_label} {total} 与{what} {expected} 不一致，已按{what}计分；请核实该行各项得分和合计"),
        IssueType("points-as-weights", ERROR, "组成部分“{component}”的 item_weights 各项权重之和为 100，而全部 {rows} 个评分的各项得分都不超过该项权重（如 {example}）：像是把各项的分值写成了权重。按权重平均，{sample}；若各项按自身分值打分、评分为各项之和，请把 item_weights 改为 item_points；若各项确为百分制打分，请把权重写成小数（如 {decimals}，计分结果不变）"),
        IssueType("missing-survey", ERROR, "缺少单位“{unit}”的公众评议数据"),
        IssueType("missing-survey-round", ERROR, "缺少单位“{unit}”{round}评议的数据（各轮按权重合计，缺一轮无法计分）"),
        IssueType("missing-round", ERROR, "无法确定评议轮次：表中没有“评议轮次”列，工作表名、标题、文件名和文件夹名中也未写明（{rounds}）；可在方案 [[ingest.files]] 中用 round 指定"),
        IssueType("survey-no-answer", WARNING, "该题没有有效回答（全部为不了解或无人作答），已不计入"),
        IssueType("weights-undefined", ERROR, "指标类别“{category}”按{method}由数据计算权重，但本年数据算不出权重：{reason}"),
        IssueType("impute-no-values", ERROR, "{group}没有任何单位报送该指标的数值，无法按方案{policy}（请补报数据，或改用其他 missing 方式）"),
        IssueType("correction-mismatch", ERROR, "更正登记的原数值 {original} 与报表中的数值 {value}（{where}）不一致，未予更正；请核对更正登记或报表"),
        IssueType("correction-unapproved", ERROR, "更正登记没有审批人，未予更正；更正须写明审批人"),
        IssueType("history-other-year", WARNING, "上年考核结果表：{reason}"),
        IssueType("history-wrong-year", ERROR, "input/ 中的上年考核结果表不是上年的（{reason}），也没有 {last} 年的考核结果表；请换成 {last} 年的考核结果，或把它移出 input/"),
        IssueType("last-values-from-record", INFO, "报表中没有的综合指数上年值，取自 {where} 读取的本年值（{count} 个单位·指标，逐项注明来源）"),
        IssueType("history-from-record", INFO, "没有上年考核结果报表，上年名次取自 {where}（{count} 个单位；没有上年名次的单位：{missing}）"),
        IssueType("allowed-gap", INFO, "缺少数据，按方案{policy}（该单位此项得分已标注）"),
        IssueType("missing-target", ERROR, "缺少目标值"),
        IssueType("missing-last-year", ERROR, "缺少上年值（综合指数须有本年值和上年值）"),
        IssueType("ignored-file", INFO, "不是受支持的报表格式，已忽略"),
        IssueType("file-too-large", ERROR, "文件不安全，已拒绝读取：{reason}"),
        IssueType("malformed-file", ERROR, "文件内容不符合 Excel 文件的格式规范（Excel 打开时会提示文件已损坏），已拒绝读取：{reason}；请用 Excel 或 WPS 打开、修复后另存再报送"),
        IssueType("unsupported-format", ERROR, "不支持的文件格式：{reason}"),
        IssueType("format-unreadable", ERROR, "{reason}（单元格存储的数值为 {value}）；请把该单元格格式改为“常规”或“数值”，直接填写要报送的数值后重新报送"),
        IssueType("format-hidden", WARNING, "单元格的数值 {value} 被数字格式隐藏（显示为空白），已按 {value} 读取；请核实该单元格是否应填写此数"),
        IssueType("scale-outlier", ERROR, "数值 {value} 约为其他单位（中位数 {median}）的{ratio}，{scaled} 后才与其他单位相当，疑似百分数或计量单位填错（如把 84.5% 填成 0.845）；请核实后重新报送"),
        IssueType("absurd-value", ERROR, "数值 {value} 大得不合常理（绝对值不小于 10 的 15 次方），可能是公式错误或误填；请核实"),
    ]
}

# The short Chinese type of each issue, shown beside its code in 数据问题.csv / .xlsx (a column to filter by).
LABELS: dict[str, str] = {
    "not-a-number": "不是数字",
    "missing-value": "缺少数据",
    "out-of-range": "超出范围",
    "negative-value": "负数",
    "not-positive": "须大于0",
    "unknown-unit": "单位名称无法识别",
    "more-unknown-units": "多个单位名称无法识别",
    "unknown-indicator": "指标无法识别",
    "ambiguous-ratings": "评分表归属不明",
    "unknown-item": "考核项目无法识别",
    "unknown-column": "列无法识别",
    "unknown-choice": "选项无效",
    "duplicate-column": "重复的列",
    "conflict": "数据不一致",
    "duplicate": "重复数据",
    "duplicate-file": "重复文件",
    "missing-return": "缺少报表",
    "missing-period-return": "缺少某期报表",
    "missing-unit": "缺少单位数据",
    "absent-unit": "报表中没有该单位",
    "formula-no-value": "公式没有计算结果",
    "formula-zero": "公式缓存值为0",
    "date-not-number": "日期不是数值",
    "not-a-date": "不是日期",
    "date-outside-year": "日期不在考核年度内",
    "template-stale": "旧版填报模板",
    "template-altered": "填报模板被改动",
    "template-damaged": "填报模板信息损坏",
    "own-output": "kaohe输出文件",
    "own-results-other-year": "非上年的结果汇总表",
    "own-results-altered": "结果汇总表无法读取",
    "control-characters": "含控制字符",
    "overlong-text": "文字过长",
    "unreadable-file": "文件无法读取",
    "link-outside": "链接指向文件夹外",
    "not-a-file": "不是普通文件",
    "unrecognised-file": "文件无法识别",
    "unrecognised-sheet": "工作表无法识别",
    "total-mismatch": "合计不符",
    "sum-mismatch": "分项之和不符",
    "header-points": "表头分值不符",
    "unused-sheet": "工作表未采用",
    "other-year-sheet": "其他年份的工作表",
    "ambiguous-column": "表头指标不明",
    "missing-register": "缺少登记表",
    "optional-register": "未报登记表",
    "unknown-adjustment": "加减分类别无法识别",
    "missing-rating": "缺少评分",
    "duplicate-rating": "重复评分",
    "unknown-rater": "评分人无法识别",
    "rater-not-peer": "评分单位不同组",
    "self-rating": "自评",
    "missing-ratings": "缺少评分表",
    "resubmission": "重复报送",
    "resubmission-same": "重复报送（内容相同）",
    "resubmission-newest": "重复报送（取最新）",
    "rating-total-mismatch": "评分合计不符",
    "points-as-weights": "按分值填写了权重",
    "missing-survey": "缺少评议数据",
    "missing-survey-round": "缺少某轮评议",
    "missing-round": "评议轮次不明",
    "survey-no-answer": "评议无有效答卷",
    "weights-undefined": "无法计算客观权重",
    "impute-no-values": "无法插补缺失值",
    "correction-mismatch": "更正原值不符",
    "correction-unapproved": "更正未经审批",
    "history-other-year": "非上年的考核结果",
    "history-wrong-year": "上年考核结果年份不对",
    "last-values-from-record": "上年值取自运行记录",
    "history-from-record": "上年名次取自运行记录",
    "allowed-gap": "允许的缺项",
    "missing-target": "缺少目标值",
    "missing-last-year": "缺少上年值",
    "ignored-file": "已忽略的文件",
    "file-too-large": "文件过大或异常",
    "malformed-file": "文件结构异常",
    "unsupported-format": "不支持的格式",
    "format-unreadable": "数字格式无法识别",
    "format-hidden": "格式隐藏了数值",
    "scale-outlier": "数量级异常",
    "absurd-value": "数值不合常理",
}


MAX_QUOTE = 40  # characters of a cell's text quoted in a message
QUOTED = ("text", "name", "formula")  # params that quote a cell (lists of choices and indicators are never cut)


def clip(value):
    """Quote at most the start of a long text (a 32,767-character cell must not flood a message)."""
    if isinstance(value, str) and len(value) > MAX_QUOTE + 20:
        return f"{value[:MAX_QUOTE]}…（共 {len(value)} 字）"
    return value


@dataclass
class Issue:
    code: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    unit: str = ""
    indicator: str = ""  # "A1 地区生产总值增长率" (id and name), for the reader
    params: dict = field(default_factory=dict)

    @property
    def type(self) -> IssueType:
        return CATALOGUE[self.code]

    @property
    def severity(self) -> str:
        return self.type.severity

    @property
    def label(self) -> str:
        return LABELS[self.code]

    @property
    def message(self) -> str:
        return self.type.template.format(**{k: clip(v) if k in QUOTED else v for k, v in self.params.items()})

    @property
    def position(self) -> str:
        """`统计局.xlsx › 数据表!D7` — as much of it as is known."""
        where = self.file
        if self.sheet:
            where += f" › {self.sheet}"
            if self.cell:
                where += f"!{self.cell}"
        return where

    def text(self) -> str:
        """The one-line Chinese form shown to users.

        `[错误] 统计局.xlsx › 数据表!D7：“12..5”不是有效数字（城关镇 · A1 地区生产总值增长率）`
        """
        context = " · ".join(x for x in (self.unit, self.indicator) if x)
        head = f"[{self.severity}] "
        if self.position:
            head += f"{self.position}："
        return head + self.message + (f"（{context}）" if context else "")

    def to_dict(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if k != "params"}
        d["severity"] = self.severity
        d["label"] = self.label
        d["message"] = self.message
        d["text"] = self.text()
        return d


def has_errors(issues: list[Issue]) -> bool:
    return any(i.severity == ERROR for i in issues)
