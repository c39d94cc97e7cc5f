"""Templates sandboxed in files and resources (pipeline/render/sandbox.py), on the real example folder.

Every case edits a real template in a copy of the bundled example (report.html.j2, the Word report written by
python-docx, a 表样 written by openpyxl), renders it for real, and checks the refusal: its type (the CLI maps
ReportTemplateError / FillError to exit 2), its Chinese message naming the template, and its time — against a
floor measured here (rendering the bundled report), so the bound holds on a slow or busy machine. A SIGALRM guard
turns a hang (the behaviour without the sandbox) into a failure instead of a stuck suite.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from conftest import ROOT, copy_bundled, kaohe
from pipeline.render import sandbox
from pipeline.render.fill_names import template_names
from pipeline.render.report import (DOCX_TEMPLATE_NAME, HTML_TEMPLATE_NAME, ReportTemplateError, render_docx,
                                    render_html, render_report, report_context)
from pipeline.render.xlsx_fill import MAX_TABLE_CELLS, FillError, fill_template

NESTED_RANGES = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


@contextlib.contextmanager
def hang_guard(seconds: float = 60):
    """Fail (instead of hanging the suite) when the code inside does not return within `seconds`."""
    def expired(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s: the template was not stopped")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """The real results of the bundled example (one in-process run) and its folder."""
    from pipeline.run import run_assessment

    folder = copy_bundled(tmp_path_factory.mktemp("sandbox"))
    outcome = run_assessment(folder)
    assert outcome.results is not None
    return folder, outcome.results  # the typed results the renderers take


@pytest.fixture(scope="module")
def floor(scored, tmp_path_factory) -> float:
    """Seconds to render the bundled HTML report and to step a million times through plain Python, here and now
    (the best of three): what a bound is relative to. The stepping is the kind of work a refused template does
    before its step budget stops it, so a busy machine slows both alike."""
    folder, results = scored
    out = tmp_path_factory.mktemp("floor")
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        render_html(results, folder / "templates", out / "r.html")
        for _ in range(1_000_000):
            pass
        best = min(best, time.perf_counter() - t)
    return best


def bound(floor: float) -> float:
    """A refused template must stop within this: the sandbox's own step budget takes ~1 s of work, the floor
    ~0.05 s, so 40 floors plus 3 s of slack is generous on a busy machine and far below a hang."""
    return 3.0 + 40 * floor


@pytest.fixture
def templates(scored, tmp_path) -> Path:
    """A fresh copy of the example's templates/ inside a fresh assessment folder (the bundled ones untouched)."""
    folder, _ = scored
    target = tmp_path / "考核" / "templates"
    shutil.copytree(folder / "templates", target)
    return target


def html_with(templates: Path, extra: str) -> Path:
    path = templates / HTML_TEMPLATE_NAME
    path.write_text(path.read_text(encoding="utf-8") + "\n" + extra + "\n", encoding="utf-8")
    return path


def refused_html(results, templates: Path, floor: float) -> tuple[str, float]:
    t = time.perf_counter()
    with hang_guard(), pytest.raises(ReportTemplateError) as err:
        render_html(results, templates, templates.parent / "out.html")
    elapsed = time.perf_counter() - t
    assert elapsed < bound(floor), f"stopped after {elapsed:.1f} s (floor {floor:.3f} s)"
    return str(err.value), elapsed


# ------------------------------------------------------------------------------- same report as before


def test_bundled_templates_render_the_same_report_as_the_plain_sandbox(scored, tmp_path):
    """The bounds change nothing for a real report: the HTML and the Word body equal what Jinja's own
    SandboxedEnvironment (the renderer before this module) makes from the same templates and results."""
    from docxtpl import DocxTemplate
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    folder, results = scored
    tdir = folder / "templates"
    plain = SandboxedEnvironment(loader=FileSystemLoader(str(tdir)), autoescape=True, undefined=StrictUndefined,
                                 keep_trailing_newline=True)
    expected_html = plain.get_template(HTML_TEMPLATE_NAME).render(**report_context(results))
    render_html(results, tdir, tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == expected_html
    assert "城关镇" in expected_html and len(expected_html) > 10_000

    from pipeline.render.report.docx import docx_context, fit_tables

    old = DocxTemplate(str(tdir / DOCX_TEMPLATE_NAME))
    old.render(docx_context(old, results), autoescape=True,
               jinja_env=SandboxedEnvironment(autoescape=True, undefined=StrictUndefined))
    fit_tables(old.docx)
    old.save(str(tmp_path / "old.docx"))
    render_docx(results, tdir / DOCX_TEMPLATE_NAME, tmp_path / "new.docx")
    part = "word/document.xml"
    with zipfile.ZipFile(tmp_path / "old.docx") as a, zipfile.ZipFile(tmp_path / "new.docx") as b:
        assert a.read(part) == b.read(part)
        assert "城关镇".encode() in b.read(part)


# ----------------------------------------------------------------------------------------------- files


def test_symlink_to_etc_passwd_is_refused_not_rendered(scored, templates, tmp_path):
    _, results = scored
    (templates / HTML_TEMPLATE_NAME).unlink()
    os.symlink("/etc/passwd", templates / HTML_TEMPLATE_NAME)
    with pytest.raises(ReportTemplateError) as err:
        render_report(results, templates, tmp_path / "out")
    msg = str(err.value)
    assert "templates/report.html.j2" in msg and "链接" in msg and "/etc/passwd" in msg and "已拒绝读取" in msg
    assert not (tmp_path / "out" / "考核情况分析报告.html").exists()


def test_included_link_out_of_the_folder_is_refused_naming_the_include_line(scored, templates, tmp_path):
    _, results = scored
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    os.symlink(secret, templates / "part.html")
    path = html_with(templates, '{% include "part.html" %}')
    line = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(ReportTemplateError) as err:
        render_html(results, templates, tmp_path / "r.html")
    msg = str(err.value)
    assert "part.html" in msg and "链接" in msg and f"第{line}行" in msg and "report.html.j2" in msg
    assert not (tmp_path / "r.html").exists()
    # a link to a file inside the template folder is followed
    (templates / "part.html").unlink()
    (templates / "parts").mkdir()
    (templates / "parts" / "note.html").write_text("<p>本地片段 {{ meta.year }}</p>", encoding="utf-8")
    os.symlink("parts/note.html", templates / "part.html")
    render_html(results, templates, tmp_path / "r.html")
    assert "<p>本地片段 2025</p>" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_dotdot_include_is_refused(scored, templates, tmp_path):
    _, results = scored
    (templates.parent / "outside.html").write_text("OUTSIDE", encoding="utf-8")
    html_with(templates, '{% include "../outside.html" %}')
    with pytest.raises(ReportTemplateError) as err:
        render_html(results, templates, tmp_path / "r.html")
    assert "“..”" in str(err.value) and "只能引用模板文件夹" in str(err.value)


@pytest.mark.parametrize("kind", ["fifo", "folder", "dangling"])
def test_html_template_that_is_not_a_regular_file_is_refused(scored, templates, tmp_path, kind):
    """Before: a FIFO or folder named report.html.j2 silently gave the default report (or blocked on open)."""
    _, results = scored
    path = templates / HTML_TEMPLATE_NAME
    path.unlink()
    {"fifo": lambda: os.mkfifo(path), "folder": path.mkdir,
     "dangling": lambda: os.symlink(tmp_path / "gone.j2", path)}[kind]()
    with hang_guard(30), pytest.raises(ReportTemplateError) as err:
        render_report(results, templates, tmp_path / "out")
    expected = {"fifo": "不是普通文件（是命名管道）", "folder": "不是普通文件（是文件夹）", "dangling": "无效的链接"}[kind]
    assert "report.html.j2" in str(err.value) and expected in str(err.value)


@pytest.mark.parametrize("kind", ["link-out", "fifo"])
def test_word_template_link_out_or_fifo_is_refused(scored, templates, tmp_path, kind):
    _, results = scored
    path = templates / DOCX_TEMPLATE_NAME
    if kind == "link-out":
        shutil.move(path, tmp_path / "elsewhere.docx")
        os.symlink(tmp_path / "elsewhere.docx", path)
    else:
        path.unlink()
        os.mkfifo(path)
    with hang_guard(30), pytest.raises(ReportTemplateError) as err:
        render_report(results, templates, tmp_path / "out")
    msg = str(err.value)
    assert DOCX_TEMPLATE_NAME in msg
    assert ("链接" in msg and "elsewhere.docx" in msg) if kind == "link-out" else "命名管道" in msg


def test_templates_folder_that_links_out_of_the_assessment_folder_is_refused(scored, tmp_path):
    folder, results = scored
    shared = tmp_path / "shared-templates"
    shutil.copytree(folder / "templates", shared)
    (tmp_path / "考核").mkdir()
    os.symlink(shared, tmp_path / "考核" / "templates")
    with pytest.raises(ReportTemplateError) as err:
        render_report(results, tmp_path / "考核" / "templates", tmp_path / "out")
    assert "考核文件夹以外的链接" in str(err.value) and "shared-templates" in str(err.value)


def test_word_report_may_not_include_files(scored, tmp_path):
    _, results = scored
    doc = Document()
    doc.add_paragraph("{% include 'report.html.j2' %}")
    doc.save(tmp_path / "t.docx")
    with pytest.raises(ReportTemplateError) as err:
        render_docx(results, tmp_path / "t.docx", tmp_path / "o.docx")
    assert "不能用 include" in str(err.value)


# ------------------------------------------------------------------------------------------- resources


def test_nested_range_loops_stop_within_the_bound(scored, templates, floor):
    _, results = scored
    path = html_with(templates, NESTED_RANGES)
    line = len(path.read_text(encoding="utf-8").splitlines())
    msg, elapsed = refused_html(results, templates, floor)
    assert "超出模板资源限制" in msg and "1,000,000" in msg and f"第{line}行" in msg and "report.html.j2" in msg


@pytest.mark.parametrize("attack, expected", [
    ("{{ 'x' * 10**9 }}", "文字过长"),
    ("{{ ([0] * 10**9)|length }}", "列表过大"),
    ("{{ 10 ** (10 ** 10) }}", "乘方"),
    ("{% set ns = namespace(x=2) %}{% for i in range(64) %}{% set ns.x = ns.x ** 2 %}{% endfor %}", "整数过大"),
    ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", "文字过长"),
    ("{% set l = [1] %}{% for i in range(40) %}{% set _ = l.extend(l) %}{% endfor %}", "列表过大"),
    ("{{ '{:>1000000000}'.format(1) }}", "宽度"),
    ("{{ '%*d' % (10**9, 1) }}", "宽度"),
    ("{{ 'x'|center(10**9) }}", "宽度"),
    ("{{ ('x' * 1000000)|replace('', 'y' * 1000000) }}", "文字过长"),
    ("{% for i in range(1000) %}{{ 'x' * 100000 }}{% endfor %}", "渲染结果超过 20 MB"),
    ("{% macro m() %}{% for i in range(300) %}{{ 'x' * 1000000 }}{% endfor %}{% endmacro %}{{ m() }}", "总量"),
    ("{% for i in range(100000) %}{{ range(100000)|sum }}{% endfor %}", "执行次数"),
    ("{% set b = 'x' * 9000000 %}{% set l = [] %}{% for i in range(100) %}{% set _ = l.append(b[::-1]) %}"
     "{% endfor %}", "总量"),
    ("{{ ('x ' * 4000000).split()|length }}", "列表过大"),
    ("{{ ('x' * 9000000)|list|length }}", "列表过大"),
    ("{% set ns = namespace(x=1) %}{% for i in range(100000) %}{% set ns.x = ns.x - (-ns.x) %}{% endfor %}", "整数过大"),
])
def test_size_and_work_bombs_are_refused(scored, templates, floor, attack, expected):
    _, results = scored
    html_with(templates, attack)
    msg, _ = refused_html(results, templates, floor)
    assert "报告模板" in msg and "report.html.j2" in msg and "超出模板资源限制" in msg and expected in msg


def test_recursive_macro_is_a_clear_error(scored, templates, floor):
    _, results = scored
    path = html_with(templates, "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}")
    line = len(path.read_text(encoding="utf-8").splitlines())
    msg, _ = refused_html(results, templates, floor)
    assert "递归调用过深" in msg and f"第{line}行" in msg


def test_template_that_includes_itself_is_a_clear_error(scored, templates, floor):
    _, results = scored
    html_with(templates, '{% include "report.html.j2" %}')
    msg, _ = refused_html(results, templates, floor)
    assert "嵌套超过 20 层" in msg and "引用了自己" in msg


def test_word_report_loops_and_recursion_are_bounded(scored, tmp_path, floor):
    """docxtpl renders each part with our environment: the same budget stops a Word template."""
    _, results = scored
    for body, expected in [(NESTED_RANGES, "执行次数"),
                           ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "递归调用过深"),
                           ("{% for i in range(200) %}{{ 'x' * 200000 }}{% endfor %}", "20 MB")]:
        doc = Document()
        doc.add_paragraph("考核情况分析报告 {{ meta.title }}")
        doc.add_paragraph(body)
        doc.save(tmp_path / "t.docx")
        t = time.perf_counter()
        with hang_guard(), pytest.raises(ReportTemplateError) as err:
            render_docx(results, tmp_path / "t.docx", tmp_path / "o.docx")
        assert time.perf_counter() - t < bound(floor)
        assert "超出模板资源限制" in str(err.value) and expected in str(err.value) and "t.docx" in str(err.value)
        assert not (tmp_path / "o.docx").exists()


def test_word_template_zip_bomb_is_refused(scored, tmp_path):
    _, results = scored
    doc = Document()
    doc.add_paragraph("{{ meta.title }}")
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, \
            zipfile.ZipFile(tmp_path / "bomb.docx", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        with dst.open("word/media/padding.bin", "w") as fh:  # 210 MB of zeros, ~1 MB compressed
            chunk = b"\0" * (1 << 20)
            for _ in range(210):
                fh.write(chunk)
    assert (tmp_path / "bomb.docx").stat().st_size < 2_000_000
    with pytest.raises(ReportTemplateError) as err:
        render_docx(results, tmp_path / "bomb.docx", tmp_path / "o.docx")
    assert "解压后超过 200 MB" in str(err.value)


# ------------------------------------------------------------------------------------------------ 表样


def table(tmp_path: Path, cells: dict[str, str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    for ref, text in cells.items():
        ws[ref] = text
    path = tmp_path / "templates" / "表样" / "t.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.mark.parametrize("text, expected", [
    ("{% for a in 单位 %}{% for b in 单位 %}{% for c in 单位 %}{% for d in 单位 %}{% for e in 单位 %}"
     "{% for f in 单位 %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}", "执行次数"),
    ("{{ '甲' * 40000 }}", "超过 Excel 单元格的上限（32,767）"),
    ("{{ (单位 * 1000000)|length }}", "列表过大"),
    ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "递归调用过深"),
])
def test_table_template_cells_are_bounded(scored, tmp_path, floor, text, expected):
    _, results = scored
    path = table(tmp_path, {"A1": "{{ 考核名称 }}", "B2": text})
    t = time.perf_counter()
    with hang_guard(), pytest.raises(FillError) as err:
        fill_template(path, template_names(results), tmp_path / "o.xlsx", root=tmp_path)
    assert time.perf_counter() - t < bound(floor)
    assert "表样 t.xlsx › 汇总!B2" in str(err.value) and expected in str(err.value)
    assert not (tmp_path / "o.xlsx").exists()


def test_table_repeat_block_too_large_is_refused_before_any_row_is_made(scored, tmp_path, floor):
    _, results = scored
    path = table(tmp_path, {"A1": "{%tr for u in 单位 * 20000 %}", "A2": "{{ u.单位 }}", "B2": "{{ u.总分 }}",
                            "A3": "{%tr endfor %}"})
    t = time.perf_counter()
    with hang_guard(), pytest.raises(FillError) as err:
        fill_template(path, template_names(results), tmp_path / "o.xlsx", root=tmp_path)
    assert time.perf_counter() - t < bound(floor)
    assert "汇总!A1" in str(err.value) and "380,000 行、760,000 个单元格" in str(err.value)
    assert f"{MAX_TABLE_CELLS:,}" in str(err.value)


def test_table_template_link_out_of_the_assessment_folder_is_refused(scored, tmp_path):
    _, results = scored
    outside = table(tmp_path / "elsewhere", {"A1": "{{ 考核名称 }}"})
    folder = tmp_path / "考核"
    (folder / "templates").mkdir(parents=True)
    os.symlink(outside, folder / "templates" / "t.xlsx")
    with pytest.raises(FillError) as err:
        fill_template(folder / "templates" / "t.xlsx", template_names(results), tmp_path / "o.xlsx", root=folder)
    assert "表样" in str(err.value) and "考核文件夹以外的链接" in str(err.value)
    # the same file inside the folder fills
    shutil.copy2(outside, folder / "templates" / "ok.xlsx")
    fill_template(folder / "templates" / "ok.xlsx", template_names(results), tmp_path / "o.xlsx", root=folder)
    assert openpyxl.load_workbook(tmp_path / "o.xlsx")["汇总"]["A1"].value == results.assessment.title


# ---------------------------------------------------------------------------------------- through the CLI


def test_cli_refuses_a_report_template_linked_to_etc_passwd(example):
    """The real command: exit 2, the template named, no traceback, nothing of /etc/passwd published."""
    path = example / "templates" / HTML_TEMPLATE_NAME
    path.unlink()
    os.symlink("/etc/passwd", path)
    res = kaohe("run", example)
    assert res.returncode == 2, res.stdout + res.stderr
    assert "report.html.j2" in res.stderr and "已拒绝读取" in res.stderr and "Traceback" not in res.stderr
    published = [p for p in (example / "output").rglob("*") if p.is_file()] if (example / "output").exists() else []
    assert not any(p.name.endswith(".html") for p in published)
    for p in published:
        assert b"root:x:0:0" not in p.read_bytes()


def test_limits_are_what_the_docs_say():
    """The figures the guide prints are the module's constants (docs/方案编写指南.md, 报告模板与表样的资源限制)."""
    text = (ROOT / "docs" / "方案编写指南.md").read_text(encoding="utf-8")
    for figure in (f"{sandbox.MAX_STEPS:,}", f"{sandbox.MAX_SECONDS:g} 秒", f"{sandbox.MAX_TEXT:,}",
                   f"{sandbox.MAX_ITEMS:,}", f"{sandbox.MAX_OUTPUT:,}", f"{sandbox.MAX_MADE:,}",
                   f"{sandbox.MAX_TAGS:,}", f"{sandbox.MAX_WIDTH:,}", "32,767", f"{MAX_TABLE_CELLS:,} 个单元格",
                   f"不超过 {sandbox.MAX_NESTING} 层", f"{sandbox.MAX_SOURCE:,} 个字符"):
        assert figure in text, figure
