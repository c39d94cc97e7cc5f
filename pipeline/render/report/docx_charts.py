"""The report's charts as native Word charts (DrawingML), the same two the .html draws: the grade distribution and
each unit's total coloured by its grade.

Why native charts, not pictures: Word, WPS and LibreOffice draw them with the document's own fonts, so the Chinese
labels never depend on a font the machine that ran kaohe happens to have, the bytes are the same on every machine
(decision 45), and the office can restyle a chart or read its figures in Word (“编辑数据”), as it does with a chart
it made itself. XlsxWriter — already the writer of the official workbooks and of their charts — writes the chart XML:
each chart is drawn in a small workbook whose data sheet holds the published figures; its chart part goes into the
.docx and the workbook itself is embedded as the chart's data, which is how Word stores a chart.

A chart holds at most BARS_PER_CHART units so that it fits on a page at a legible size; more units give more charts
(第1—30名, 第31—60名, …), never a cut or a shrunken one. Nothing here computes a figure: the values are the
report context's published totals and the grade counts of pipeline.analysis.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import re
import zipfile
from dataclasses import dataclass

import xlsxwriter

EMU_PER_MM = 36000
WIDTH_MM = 150  # the GB/T 9704 type area is 156 mm wide
BAR_ROW_MM = 6.5  # one unit's bar, with its label at 10.5 pt (五号)
CHART_BASE_MM = 34  # title, value axis and margins
GRADE_CHART_MM = 62
BARS_PER_CHART = 28  # 28 × 6.5 + 34 = 216 mm: a chart never exceeds the 225 mm type area
NAMED_SHARE = 0.12  # a grade segment this wide or wider is labelled with its name as well as its count
FONT = "宋体"
FONT_PT = 10.5

CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RT_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
RT_PACKAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
DATA_SHEET = "数据"


@dataclass
class ChartSpec:
    """One chart to draw: what it shows, and how tall it is on the page."""

    title: str
    kind: str  # "totals" | "grades"
    rows: list[dict]  # totals: {"unit", "value", "colour"}; grades: {"name", "count", "colour"}
    height_mm: float
    number_format: str = "0"
    axis_max: float | None = None
    axis_min: float | None = None


def chart_specs(context: dict, full_score: float, precision: int) -> dict:
    """The charts of a report context: {"grade_chart": ChartSpec | None, "total_charts": [ChartSpec, ...]}."""
    grades = [{"name": g["name"], "count": g["count"], "colour": g["colour"]} for g in context["grades"] if g["count"]]
    grade_chart = ChartSpec(title="等次分布（单位数）", kind="grades", rows=grades, height_mm=GRADE_CHART_MM) \
        if grades else None
    units = context["units"]
    values = [u["total_value"] for u in units]
    full = float(full_score)
    top = max([full] + values)
    axis_max = full if top <= full else math.ceil(top / 10) * 10.0  # bonuses above the full score: up to a ten
    low = min([0.0] + values)
    axis_min = math.floor(low / 10) * 10.0  # deductions below zero: down to a ten
    fmt = "0." + "0" * precision if precision > 0 else "0"
    totals = []
    n = len(units)
    for start in range(0, n, BARS_PER_CHART):
        part = units[start:start + BARS_PER_CHART]
        title = "各单位考核总分" if n <= BARS_PER_CHART else f"各单位考核总分（第{start + 1}—{start + len(part)}位）"
        totals.append(ChartSpec(
            title=title, kind="totals", height_mm=CHART_BASE_MM + BAR_ROW_MM * len(part), number_format=fmt,
            axis_max=axis_max, axis_min=axis_min,
            rows=[{"unit": u["unit"], "value": u["total_value"], "colour": u["colour"]} for u in part]))
    return {"grade_chart": grade_chart, "total_charts": totals}


# --------------------------------------------------------------------------------------------- drawing
def _font(size: float = FONT_PT, bold: bool = False) -> dict:
    return {"name": FONT, "size": size, "bold": bold}


def chart_package(spec: ChartSpec, created: _dt.datetime) -> tuple[bytes, bytes]:
    """(chart XML, the workbook holding its data) for one chart, both written by XlsxWriter."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False})
    wb.set_properties({"title": spec.title, "author": "kaohe", "created": created})
    ws = wb.add_worksheet(DATA_SHEET)
    rows = spec.rows
    if spec.kind == "totals":
        ws.write_row(0, 0, ["单位", "总分"])
        for r, row in enumerate(rows, start=1):
            ws.write_string(r, 0, row["unit"])
            ws.write_number(r, 1, row["value"])
        chart = wb.add_chart({"type": "bar"})
        chart.add_series({
            "name": [DATA_SHEET, 0, 1],
            "categories": [DATA_SHEET, 1, 0, len(rows), 0],
            "values": [DATA_SHEET, 1, 1, len(rows), 1],
            "points": [{"fill": {"color": row["colour"]}, "border": {"none": True}} for row in rows],
            "data_labels": {"value": True, "num_format": spec.number_format, "position": "outside_end",
                            "font": _font()},
            "gap": 45,
        })
        chart.set_legend({"none": True})
        # horizontal bars: the category axis is y; first unit on top, the value axis at the bottom
        chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": _font(), "major_tick_mark": "none"})
        chart.set_x_axis({"min": spec.axis_min, "max": spec.axis_max, "num_format": "0", "num_font": _font(),
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    else:
        ws.write_row(0, 0, ["等次", "单位数"])
        for r, row in enumerate(rows, start=1):
            ws.write_string(r, 0, row["name"])
            ws.write_number(r, 1, row["count"])
        chart = wb.add_chart({"type": "bar", "subtype": "percent_stacked"})
        total = sum(row["count"] for row in rows)
        for r, row in enumerate(rows, start=1):  # one series per grade: a single bar cut into the grades' shares
            wide = row["count"] >= NAMED_SHARE * total  # a narrow segment shows its count only (the legend names it)
            chart.add_series({
                "name": [DATA_SHEET, r, 0],
                "values": [DATA_SHEET, r, 1, r, 1],
                "fill": {"color": row["colour"]},
                "border": {"color": "#FFFFFF"},
                "data_labels": {"value": True, "series_name": wide, "separator": " ", "position": "center",
                                "font": {**_font(), "color": "#FFFFFF", "bold": True}},
                "gap": 30,
            })
        chart.set_legend({"position": "bottom", "font": _font()})
        chart.set_y_axis({"visible": False})
        chart.set_x_axis({"num_font": _font(), "major_gridlines": {"visible": False}})
    chart.set_title({"name": spec.title, "name_font": _font(12, True)})
    chart.set_chartarea({"border": {"none": True}})
    ws.insert_chart(0, 3, chart)
    wb.close()
    book = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        xml = z.read("xl/charts/chart1.xml")
    return xml, book


_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_LABEL_FLAGS = ("showLegendKey", "showVal", "showCatName", "showSerName", "showPercent", "showBubbleSize")
_BEFORE_FLAGS = ("numFmt", "spPr", "txPr", "dLblPos")


def _explicit_label_flags(root) -> None:
    """Every data-label flag written out. XlsxWriter writes only the ones that are on, as Excel reads an absent flag
    as off; LibreOffice reads the charts of a Word file by the 2007 rule that an absent flag is on, and labelled every
    bar with its legend key, category and series name."""
    for dl in root.iter(_C + "dLbls"):
        if dl.find(_C + "delete") is not None:
            continue
        on = {f: dl.find(_C + f) is not None and dl.find(_C + f).get("val", "1") in ("1", "true") for f in _LABEL_FLAGS}
        for f in _LABEL_FLAGS:
            for el in dl.findall(_C + f):
                dl.remove(el)
        anchor = max((list(dl).index(el) for el in dl if el.tag in {_C + t for t in _BEFORE_FLAGS}), default=-1)
        for k, f in enumerate(_LABEL_FLAGS, start=anchor + 1):
            el = dl.makeelement(_C + f, {"val": "1" if on[f] else "0"})
            dl.insert(k, el)


def _docx_chart_xml(xml: bytes) -> bytes:
    """The chart XML of a .docx: explicit label flags, and a link to its embedded workbook (Word's “编辑数据”) at
    the end of c:chartSpace, where the schema wants it."""
    from lxml import etree

    root = etree.fromstring(xml)
    _explicit_label_flags(root)
    for ps in root.findall(_C + "printSettings"):
        root.remove(ps)
    ext = root.makeelement(_C + "externalData", {_R + "id": "rIdData"})
    ext.append(ext.makeelement(_C + "autoUpdate", {"val": "0"}))
    root.append(ext)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


class InlineChart:
    """A chart in a docxtpl template (`{{ c }}` in a paragraph of its own), like docxtpl's InlineImage: rendering it
    adds the chart part and its workbook to the document and returns the run that shows it."""

    def __init__(self, tpl, spec: ChartSpec, created: _dt.datetime):
        self.tpl, self.spec, self.created = tpl, spec, created

    def _insert(self) -> str:
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part

        part = self.tpl.current_rendering_part
        package = part.package
        xml, book = chart_package(self.spec, self.created)
        chart = Part(package.next_partname("/word/charts/chart%d.xml"), CT_CHART, _docx_chart_xml(xml), package)
        number = int(re.search(r"(\d+)\.xml$", str(chart.partname)).group(1))
        data = Part(PackURI(f"/word/embeddings/kaohe_chart{number}.xlsx"), CT_XLSX, book, package)
        chart.rels.add_relationship(RT_PACKAGE, data, "rIdData")
        rid = part.relate_to(chart, RT_CHART)
        cx = round(WIDTH_MM * EMU_PER_MM)
        cy = round(self.spec.height_mm * EMU_PER_MM)
        drawing = (
            '<wp:inline distT="0" distB="0" distL="0" distR="0" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
            f'<wp:docPr id="{9000 + number}" name="图表 {number}" descr="{_attr(self.spec.title)}"/>'
            '<wp:cNvGraphicFramePr/>'
            '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            f'r:id="{rid}"/></a:graphicData></a:graphic></wp:inline>')
        return f'</w:t></w:r><w:r><w:drawing>{drawing}</w:drawing></w:r><w:r><w:t xml:space="preserve">'

    def __str__(self) -> str:
        return self._insert()

    __html__ = __str__


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def docx_charts(tpl, context: dict, full_score: float, precision: int, created: _dt.datetime) -> dict:
    """The context entries of the Word template: `grade_chart` (or None) and `total_charts`, each a chart to place
    with ``{{ }}`` in a paragraph of its own."""
    specs = chart_specs(context, full_score, precision)
    grade = specs["grade_chart"]
    return {"grade_chart": InlineChart(tpl, grade, created) if grade else None,
            "total_charts": [InlineChart(tpl, s, created) for s in specs["total_charts"]]}
