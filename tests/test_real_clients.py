"""The outputs opened by real programs, as the people who receive them will: LibreOffice prints the summary
workbook, the score cards, a blank template and the .docx report to PDF; poppler reads the text back and renders
page 1 to PNG; headless Chromium loads the .html report; LibreOffice recalculates the summary workbook.

Everything runs once per module (one `kaohe run`, one `kaohe templates`, two LibreOffice starts, one Chromium
load of the report and one of a broken control page). Page-1 PNGs and the Chromium screenshot are kept in
build/test-artifacts/ for CI. A test is skipped, with the reason, only when the program it needs is not installed;
.ci/run installs them all.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from conftest import ROOT, kaohe

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome",
                                                 "google-chrome-stable")) if p), None)
ARTIFACTS = ROOT / "build" / "test-artifacts"

NO_SOFFICE = ("LibreOffice（soffice）未安装：.ci/run 会安装；本机可 apt-get install libreoffice-calc "
              "libreoffice-writer")
NO_POPPLER = ("poppler-utils（pdftotext、pdftoppm）未安装：.ci/run 会安装；本机可 apt-get install "
              "poppler-utils")
NO_CHROMIUM = "Chromium 未安装：.ci/run 会安装 chromium；本机可 apt-get install chromium"

# The four documents printed through LibreOffice: key -> artifact name of their page-1 PNG.
DOCS = {"summary": "summary", "scorecards": "scorecards", "template": "template", "report": "report-docx"}

# Always recalculate OOXML and ODF files on load (default 1 = never): LibreOffice then recomputes every formula
# instead of trusting the cached values, for the PDFs and for the recalculation test alike.
RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


@dataclass
class Run:
    folder: Path
    output: Path
    results: dict

    @property
    def title(self) -> str:
        return self.results["assessment"]["title"]

    @property
    def units(self) -> list[str]:
        return [u["unit"] for u in self.results["units"]]

    def published(self, unit: str) -> str:
        """The unit's total as published: half-up at the scheme's precision, trailing zeros kept (87.00)."""
        total = next(u["total"] for u in self.results["units"] if u["unit"] == unit)
        places = Decimal(1).scaleb(-int(self.results["assessment"]["precision"]))
        return str(Decimal(str(total)).quantize(places, ROUND_HALF_UP))


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    """`kaohe run` and `kaohe templates` on a copy of the bundled example, once for the module."""
    folder = tmp_path_factory.mktemp("real") / "县乡镇考核"
    folder.mkdir()
    shutil.copy2(ROOT / "config.toml", folder / "config.toml")
    shutil.copytree(ROOT / "input", folder / "input")
    if (ROOT / "templates").is_dir():
        shutil.copytree(ROOT / "templates", folder / "templates")
    for cmd in ("run", "templates"):
        res = kaohe(cmd, folder)
        assert res.returncode == 0, f"kaohe {cmd}:\n{res.stdout}{res.stderr}"
    output = folder / "output"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return Run(folder, output, json.loads((output / "results.json").read_text("utf-8")))


def _template(run: Run) -> Path:
    """One departmental indicator return (the 统计局 one, the widest, when the scheme has it)."""
    returns = sorted((run.folder / "填报模板").glob("*指标数据填报表*.xlsx"))
    assert returns, sorted(p.name for p in (run.folder / "填报模板").iterdir())
    return next((p for p in returns if "统计局" in p.name), returns[0])


def _sources(run: Run) -> dict[str, Path]:
    return {"summary": run.output / "考核结果汇总表.xlsx", "scorecards": run.output / "单位评分卡.xlsx",
            "template": _template(run), "report": run.output / "考核情况分析报告.docx"}


@pytest.fixture(scope="module")
def lo_profile(tmp_path_factory) -> Path:
    """A private LibreOffice user profile (never the user's own), set to recalculate everything on load."""
    profile = tmp_path_factory.mktemp("lo-profile")
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_XCU, "utf-8")
    return profile


def _soffice(profile: Path, fmt: str, outdir: Path, files: list[Path]) -> subprocess.CompletedProcess:
    outdir.mkdir(parents=True, exist_ok=True)
    return subprocess.run([SOFFICE, "--headless", "--norestore", "--nologo",
                           f"-env:UserInstallation={profile.as_uri()}",
                           "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)],
                          capture_output=True, text=True, timeout=240, check=False)


@dataclass
class Converted:
    proc: subprocess.CompletedProcess
    pdfs: dict[str, Path]


@pytest.fixture(scope="module")
def converted(run, lo_profile, tmp_path_factory) -> Converted:
    """The four documents to PDF in one LibreOffice start."""
    if SOFFICE is None:
        pytest.skip(NO_SOFFICE)
    outdir = tmp_path_factory.mktemp("pdf")
    sources = _sources(run)
    proc = _soffice(lo_profile, "pdf", outdir, list(sources.values()))
    return Converted(proc, {k: outdir / f"{p.stem}.pdf" for k, p in sources.items()})


def _pdf(converted: Converted, key: str) -> Path:
    pdf = converted.pdfs[key]
    if not pdf.is_file() and key == "report" and not shutil.which("lowriter"):
        pytest.skip("LibreOffice Writer 未安装（.docx 转 PDF 需要）：.ci/run 会安装 libreoffice-writer")
    assert pdf.is_file(), f"LibreOffice 没有生成 {pdf.name}：\n{converted.proc.stdout}{converted.proc.stderr}"
    return pdf


def _pages(pdf: Path) -> list[str]:
    """pdftotext -layout, one string per page."""
    if PDFTOTEXT is None:
        pytest.skip(NO_POPPLER)
    res = subprocess.run([PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=60,
                         check=False)
    assert res.returncode == 0, res.stderr.decode("utf-8", "replace")
    pages = res.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _flat(text: str) -> str:
    """Without any whitespace: Writer's CJK/Latin spacing, justification and wrapped titles don't matter."""
    return re.sub(r"\s+", "", text)


def _has_number(text: str, number: str) -> bool:
    """`number` appears as a whole number in the layout text (94.41, not inside 194.415)."""
    return re.search(rf"(?<![\d.]){re.escape(number)}(?!\.?\d)", text) is not None


def _missing(text: str, units: list[str], numbers: list[str] = ()) -> list[str]:
    flat = _flat(text)
    return [u for u in units if u not in flat] + [n for n in numbers if not _has_number(text, n)]


# ---------------------------------------------------------------- LibreOffice → PDF → text


def test_libreoffice_prints_the_four_documents_to_pdf(converted):
    assert converted.proc.returncode == 0, converted.proc.stdout + converted.proc.stderr
    for key in DOCS:
        pdf = _pdf(converted, key)
        assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000, pdf.name


def test_summary_pdf_shows_title_every_unit_and_published_total(run, converted):
    """The 汇总表 is wider than a landscape page at 9 pt: it prints in column groups, each page repeating the title,
    the header rows and 名次/单位; over its groups every unit and every published total appears."""
    pages = _pages(_pdf(converted, "summary"))
    heads = [next((ln for ln in p.splitlines() if ln.strip()), "") for p in pages]
    table = [p for p, h in zip(pages, heads) if f"{run.title}结果汇总表（表格较宽" in _flat(h)]  # the 汇总表's pages
    assert 1 <= len(table) <= 6 and pages[:len(table)] == table
    for page in table:
        assert f"{run.title}结果汇总表" in _flat(page) and not _missing(page, run.units), page
    assert not _missing("\n".join(table), [], [run.published(u) for u in run.units])


def test_each_score_card_prints_on_its_own_pages_with_its_unit_and_total(run, converted):
    """The whole 单位评分卡.xlsx as shipped (no re-saved copy): the cards in rank order, each starting on a new page;
    every page of a card (at 9 pt a card may take more than one) repeats its title, unit line and total."""
    pages = _pages(_pdf(converted, "scorecards"))
    sheets = openpyxl.load_workbook(run.output / "单位评分卡.xlsx", read_only=True).sheetnames
    assert sorted(sheets) == sorted(run.units)
    owners = []
    for page in pages:
        named = [u for u in run.units if f"被考核单位：{u}" in _flat(page)]
        assert len(named) == 1, f"一页评分卡上的单位：{named}"
        unit = named[0]
        assert f"{run.title}评分卡" in _flat(page), unit
        assert _has_number(page, run.published(unit)), (unit, run.published(unit), page)
        owners.append(unit)
    assert list(dict.fromkeys(owners)) == sheets  # contiguous, in rank order
    assert len(pages) <= 4 * len(sheets), f"{len(sheets)} 张评分卡打印成了 {len(pages)} 页"


def test_template_pdf_shows_its_title_and_every_unit(run, converted):
    text = "\n".join(_pages(_pdf(converted, "template")))
    assert f"{run.title}指标数据填报表" in _flat(text)
    assert not _missing(text, run.units), text


def test_report_docx_pdf_shows_title_every_unit_and_published_total(run, converted):
    text = "\n".join(_pages(_pdf(converted, "report")))
    assert f"{run.title}情况分析报告" in _flat(text)
    assert not _missing(text, run.units, [run.published(u) for u in run.units]), text


# ---------------------------------------------------------------- page 1 → PNG


def _ink(pdf: Path, tmp: Path) -> float:
    """Share of dark pixels on page 1, from a small grayscale PGM (no imaging library needed)."""
    root = tmp / f"{pdf.stem}-ink"
    subprocess.run([PDFTOPPM, "-gray", "-r", "20", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(root)],
                   check=True, capture_output=True, timeout=60)
    data = root.with_suffix(".pgm").read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    pixels = pixels[: int(width) * int(height)]
    return len(pixels.translate(None, bytes(range(160, 256)))) / len(pixels)  # bytes < 160 are ink


@pytest.mark.parametrize("key", list(DOCS))
def test_page_one_renders_to_a_non_blank_png(converted, key, tmp_path):
    pdf = _pdf(converted, key)
    if PDFTOPPM is None:
        pytest.skip(NO_POPPLER)
    png = ARTIFACTS / f"{DOCS[key]}-p1.png"
    png.unlink(missing_ok=True)
    subprocess.run([PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(png.with_suffix(""))], check=True, capture_output=True, timeout=60)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 15_000, f"{png.name} 只有 {png.stat().st_size} 字节"
    ink = _ink(pdf, tmp_path)
    assert 0.005 < ink < 0.5, f"{key} 第 1 页深色像素占 {ink:.1%}：空白或一片黑"


# ---------------------------------------------------------------- Chromium


def _chromium(url: str, tmp: Path, screenshot: Path, pdf: Path | None = None) -> tuple[int, list[str]]:
    """Load `url` headless; return the exit code and the page's console messages (Chromium logs them to stderr)."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    args = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--disable-quic",
            f"--user-data-dir={tmp / 'chromium-profile'}", "--enable-logging=stderr", "--v=0",
            "--window-size=1280,2000", f"--screenshot={screenshot}"]
    if pdf is not None:
        args += [f"--print-to-pdf={pdf}", "--no-pdf-header-footer"]
    res = subprocess.run([*args, url], capture_output=True, text=True, errors="replace", timeout=120,
                         check=False)
    return res.returncode, [line for line in res.stderr.splitlines() if ":CONSOLE" in line]


def test_chromium_console_check_catches_a_broken_page(tmp_path):
    """Negative control: a page whose script fails must be caught, or the next test proves nothing."""
    page = tmp_path / "broken.html"
    page.write_text('<!doctype html><html><head><meta charset="utf-8"><title>坏页面</title></head>'
                    "<body><p>坏页面</p><script>undefinedFunction()</script></body></html>", "utf-8")
    code, console = _chromium(page.as_uri(), tmp_path, tmp_path / "broken.png")
    assert code == 0
    assert any("undefinedFunction" in line for line in console), console


def test_report_html_loads_in_chromium_without_console_errors(run, tmp_path):
    html = run.output / "考核情况分析报告.html"
    shot, printed = ARTIFACTS / "report-html-chromium.png", tmp_path / "report-html.pdf"
    shot.unlink(missing_ok=True)
    code, console = _chromium(html.as_uri(), tmp_path, shot, printed)
    assert code == 0
    assert console == [], "\n".join(console)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 30_000
    # What Chromium laid out (its own print of the page) has the title, every unit and every total.
    text = "\n".join(_pages(printed))
    assert f"{run.title}情况分析报告" in _flat(text)
    assert not _missing(text, run.units, [run.published(u) for u in run.units]), text


def test_report_html_is_self_contained(run):
    """Opens offline: no http(s) or protocol-relative resource (no CDN), and no file beside it to lose."""
    html = (run.output / "考核情况分析报告.html").read_text("utf-8")
    refs = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]*)""", html, re.IGNORECASE)
    refs += re.findall(r"""url\(\s*["']?([^"')\s]*)""", html, re.IGNORECASE)
    refs += re.findall(r"""@import\s+["']([^"']*)""", html, re.IGNORECASE)
    assert not [r for r in refs if re.match(r"(?:https?:)?//", r, re.IGNORECASE)], refs
    assert not [r for r in refs if r and not r.startswith(("#", "data:"))], refs


# ---------------------------------------------------------------- recalculation


def _values(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    """Every sheet's cell values (cached results for formulas); merged-over cells and blanks left out."""
    wb = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for ws in wb.worksheets:
        covered = {(r, c) for rng in ws.merged_cells.ranges
                   for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)
                   if (r, c) != (rng.min_row, rng.min_col)}
        out[ws.title] = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
                         if c.value not in (None, "") and (c.row, c.column) not in covered}
    return out


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
            and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)
    return a == b


def test_libreoffice_recalculation_changes_no_value(run, lo_profile, tmp_path):
    if SOFFICE is None:
        pytest.skip(NO_SOFFICE)
    # Control: a formula whose cached value is wrong. Recalculated on load it becomes 2, which proves that the
    # profile's "always recalculate" is in force (LibreOffice's default would keep the 999).
    control = tmp_path / "control.xlsx"
    wb = xlsxwriter.Workbook(control)
    ws = wb.add_worksheet("S")
    ws.write("A1", 1)
    ws.write_formula("A2", "=A1+1", None, 999)
    wb.close()
    summary = run.output / "考核结果汇总表.xlsx"
    proc = _soffice(lo_profile, "xlsx", tmp_path / "recalc", [control, summary])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _values(tmp_path / "recalc" / "control.xlsx")["S"][(2, 1)] == 2
    before, after = _values(summary), _values(tmp_path / "recalc" / summary.name)
    assert list(after) == list(before)
    diffs = [(sheet, openpyxl.utils.get_column_letter(c) + str(r), before[sheet].get((r, c)), after[sheet].get((r, c)))
             for sheet in before for (r, c) in sorted(set(before[sheet]) | set(after[sheet]))
             if not _same(before[sheet].get((r, c)), after[sheet].get((r, c)))]
    assert not diffs, diffs[:20]
