"""Reproducible bytes (issue 11, point 6): the same inputs and scheme give byte-identical outputs on every rerun,
whatever the machine's time zone; the 制表日期 is the scheme's `date`, else the day (in the scheme's time zone) of
the newest modification among config.toml and the returns read (docs/decisions.md 45).

Real processes: the bundled example (with its 表样 `table_templates`) run twice through the CLI with TZ=UTC and
TZ=America/New_York and more than a second apart; a refused run (missing returns and a resubmitted return) the
same way; zip packages written by openpyxl and python-docx, and crafted with zipfile.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT

UTC = dt.timezone.utc
STATS = "统计局/2025年度乡镇考核指标数据（统计局）.xlsx"
REVISED = "统计局/2025年度乡镇考核指标数据（统计局）（修订）.xlsx"
# The newest input: 20:30 UTC on 14 January is already 04:30 on 15 January in Shanghai (and still the 14th in UTC
# and New York), so a date taken in the wrong time zone shows.
LATEST = dt.datetime(2026, 1, 14, 20, 30, tzinfo=UTC).timestamp()
OLDER = dt.datetime(2026, 1, 2, 8, 0, tzinfo=UTC).timestamp()  # every other file
STATS_TIME = dt.datetime(2026, 1, 5, 1, 30, tzinfo=UTC).timestamp()  # 09:30 in Shanghai
SCHEME_DATE = "2026-01-20"
SKIP_DIRS = {"归档", "archive", "logs", "log", ".kaohe"}  # archives and logs are not one run's output set


def cli(*args, tz: str) -> subprocess.Popen:
    """`kaohe ARGS` as a user runs it, in a machine time zone `tz` (started, not waited for)."""
    return subprocess.Popen([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT, text=True,
                            encoding="utf-8", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "TZ": tz})


def finish(proc: subprocess.Popen, expected: int) -> None:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == expected, out + err
    assert "Traceback" not in out + err


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file of the published output set, by its path relative to output/."""
    top = folder / "output"
    found = {}
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in filenames:
            path = Path(dirpath) / name
            found[path.relative_to(top).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def set_times(folder: Path, newest: dict[str, float]) -> None:
    """Every file of config.toml and input/ modified at OLDER, except `newest` (path under input/ -> time)."""
    for path in [folder / "config.toml", *(p for p in (folder / "input").rglob("*") if p.is_file())]:
        os.utime(path, (OLDER, OLDER))
    for rel, when in newest.items():
        os.utime(folder / "input" / rel, (when, when))


def copy_example(base: Path, name: str, inputs: bool = True) -> Path:
    folder = base / name
    folder.mkdir()
    shutil.copy2(ROOT / "config.toml", folder / "config.toml")
    if inputs:
        shutil.copytree(ROOT / "input", folder / "input")
    shutil.copytree(ROOT / "templates", folder / "templates")
    return folder


def refused_folder(base: Path, name: str, extra_scheme: str = "") -> Path:
    """Only the 统计局 return and a revised copy of it: missing returns and a resubmission, so the run is refused."""
    folder = copy_example(base, name, inputs=False)
    (folder / "input" / "统计局").mkdir(parents=True)
    shutil.copy2(ROOT / "input" / STATS, folder / "input" / STATS)
    wb = openpyxl.load_workbook(folder / "input" / STATS)
    wb.worksheets[0]["D7"] = 11.4
    wb.save(folder / "input" / REVISED)
    if extra_scheme:
        _scheme_set(folder, extra_scheme)
    set_times(folder, {STATS: STATS_TIME, REVISED: LATEST})
    return folder


def _scheme_set(folder: Path, line: str) -> None:
    """Add `line` to config.toml's [assessment] table."""
    cfg = folder / "config.toml"
    text = cfg.read_text("utf-8")
    cfg.write_text(text.replace("[assessment]\n", f"[assessment]\n{line}\n", 1), "utf-8")


@pytest.fixture(scope="module")
def reruns(tmp_path_factory):
    """The example run twice through the CLI (TZ=UTC, then TZ=America/New_York more than a second later), with
    the digests of the first pass; a refused folder run in this process, then through the CLI with
    TZ=America/New_York; blank templates written in each pass; and, in this process while the first pass runs, a
    scheme with a date and one in another time zone."""
    from pipeline.render.blanks import write_templates
    from pipeline.run import EXIT_DATA, EXIT_OK, run_assessment
    from pipeline.scheme import load_scheme

    base = tmp_path_factory.mktemp("repro")
    full = copy_example(base, "县乡镇考核")
    set_times(full, {STATS: LATEST})
    refused = refused_folder(base, "退回")
    dated = copy_example(base, "写明日期")
    _scheme_set(dated, f'date = "{SCHEME_DATE}"')
    set_times(dated, {STATS: LATEST})
    new_york = refused_folder(base, "纽约时区", 'timezone = "America/New_York"')
    first: dict[str, dict[str, str]] = {}
    for k, tz in enumerate(("UTC", "America/New_York")):
        if k:
            time.sleep(1.2)  # the wall clock's seconds differ between the passes
        procs = [(full, cli("run", full, tz=tz), 0)]
        if not k:  # this process (whatever its zone) for the refused folder's first run
            assert run_assessment(refused).exit_code == EXIT_DATA
            first[refused.name] = digests(refused)
            assert run_assessment(dated).exit_code == EXIT_OK
            assert run_assessment(new_york).exit_code == EXIT_DATA
        else:
            procs.append((refused, cli("run", refused, tz=tz), 1))
        blanks = base / f"填报模板{k}"
        blanks.mkdir()
        write_templates(load_scheme(full), blanks, "ab" * 32)
        for folder, proc, code in procs:
            finish(proc, code)
            if not k:
                first[folder.name] = digests(folder)
    return {"full": full, "refused": refused, "dated": dated, "new_york": new_york, "first": first, "base": base}


def strings(path: Path, sheet: str | None = None) -> list[str]:
    """The text cells of one sheet (default: all sheets) of a workbook."""
    by_sheet = _strings(str(path))
    return [t for name, texts in by_sheet.items() if sheet in (None, name) for t in texts]


@functools.lru_cache(maxsize=None)
def _strings(path: str) -> dict[str, list[str]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
                for ws in wb.worksheets}
    finally:
        wb.close()


def core_times(path: Path) -> tuple[str, str]:
    core = zipfile.ZipFile(path).read("docProps/core.xml").decode("utf-8")
    return (re.search(r"<dcterms:created[^>]*>([^<]*)<", core)[1], re.search(r"<dcterms:modified[^>]*>([^<]*)<", core)[1])


def test_every_output_of_a_rerun_is_byte_identical_across_time_zones(reruns):
    full = reruns["full"]
    before, after = reruns["first"][full.name], digests(full)
    names = set(after)
    for expected in ("results.json", "考核结果汇总表.xlsx", "考核结果公示表.xlsx", "单位评分卡.xlsx", "数据问题.csv",
                     "考核情况分析报告.html", "考核情况分析报告.docx", "考核结果汇总表（统一格式）.xlsx",
                     "单位考核得分表（统一格式）/城关镇.xlsx"):
        assert expected in names, sorted(names)
    assert len(names) >= 27  # 7 outputs, the office's summary table and 19 per-unit tables (and the manifest)
    changed = sorted(n for n in names | set(before) if before.get(n) != after.get(n))
    assert not changed, changed
    # zip entries carry no clock and no host system
    for rel in ("考核结果汇总表.xlsx", "考核情况分析报告.docx", "考核结果汇总表（统一格式）.xlsx"):
        infos = zipfile.ZipFile(full / "output" / rel).infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert {(i.date_time, i.create_system) for i in infos} == {((1980, 1, 1, 0, 0, 0), 0)}


def test_without_a_scheme_date_the_date_is_the_newest_input_in_shanghai_time(reruns):
    out = reruns["full"] / "output"
    assert "制表日期：2026年1月15日" in strings(out / "考核结果汇总表.xlsx", "汇总表")
    assert "制表日期：2026年1月15日" in strings(out / "考核结果公示表.xlsx")
    assert "制表日期：2026年1月15日" in strings(out / "考核结果汇总表（统一格式）.xlsx")  # the office's 表样
    run_sheet = strings(out / "考核结果汇总表.xlsx", "运行信息")
    assert "2026-01-15" in run_sheet
    assert any(f"input/{STATS}" in s and "修改日期" in s for s in run_sheet), run_sheet
    html = (out / "考核情况分析报告.html").read_text("utf-8")
    assert "生成于 2026-01-15" in html and "2026年1月15日" in html
    midnight = "2026-01-14T16:00:00Z"  # 15 January 00:00 in Shanghai
    for rel in ("考核结果汇总表.xlsx", "考核情况分析报告.docx", "考核结果汇总表（统一格式）.xlsx",
                "单位考核得分表（统一格式）/城关镇.xlsx"):
        assert core_times(out / rel) == (midnight, midnight), rel
    run = json.loads((out / "results.json").read_text("utf-8"))["run"]
    assert "generated_at" not in run and "date_basis" not in run  # file times are not content
    assert json.loads((out / "results.json").read_text("utf-8"))["assessment"]["timezone"] == "Asia/Shanghai"


def test_a_scheme_date_is_printed_on_every_table_and_the_report(reruns):
    import docx

    out = reruns["dated"] / "output"
    label = "制表日期：2026年1月20日"
    assert label in strings(out / "考核结果汇总表.xlsx", "汇总表")
    assert label in strings(out / "考核结果公示表.xlsx")
    assert label in strings(out / "考核结果汇总表（统一格式）.xlsx")
    assert "方案 [assessment] date" in strings(out / "考核结果汇总表.xlsx", "运行信息")
    body = "\n".join(p.text for p in docx.Document(out / "考核情况分析报告.docx").paragraphs)
    assert "2026年1月20日" in body and "2026年1月15日" not in body
    assert "生成于 2026-01-20" in (out / "考核情况分析报告.html").read_text("utf-8")
    for rel in ("考核结果汇总表.xlsx", "考核结果公示表.xlsx", "考核情况分析报告.docx", "单位考核得分表（统一格式）/城关镇.xlsx"):
        assert core_times(out / rel) == ("2026-01-19T16:00:00Z",) * 2, rel


def test_a_refused_run_writes_identical_issue_lists_with_times_in_the_scheme_zone(reruns):
    refused = reruns["refused"]
    before, after = reruns["first"][refused.name], digests(refused)
    assert {"数据问题.csv", "数据问题.xlsx"} <= set(after)
    assert before == after
    rows = strings(refused / "output" / "数据问题.xlsx", "数据问题")
    # the two versions' times, shown in Shanghai time whatever the machine's zone
    assert any(f"{STATS}（修改于 2026年1月5日 09:30）" in s and f"{REVISED}（修改于 2026年1月15日 04:30）" in s
               for s in rows), [s for s in rows if "修改于" in s]
    assert core_times(refused / "output" / "数据问题.xlsx") == ("2026-01-14T16:00:00Z",) * 2
    # a scheme in another time zone: the same file times read as New York days and hours
    ny = reruns["new_york"] / "output"
    assert core_times(ny / "数据问题.xlsx") == ("2026-01-14T05:00:00Z",) * 2  # 14 January 00:00 in New York
    assert any(f"{REVISED}（修改于 2026年1月14日 15:30）" in s for s in strings(ny / "数据问题.xlsx", "数据问题"))


def test_blank_return_templates_are_byte_identical(reruns):
    base = reruns["base"]
    one, two = base / "填报模板0", base / "填报模板1"
    names = sorted(p.name for p in one.iterdir())
    assert names and names == sorted(p.name for p in two.iterdir())
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
        assert core_times(one / name) == ("2025-12-31T16:00:00Z",) * 2  # no 制表日期: 1 January after the year


# ------------------------------------------------------------------------------------------ fix_zip, time zones
def _openpyxl_package() -> dict[str, bytes]:
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["B2"] = "城关镇", 88.12
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _crafted(path: Path, parts: dict[str, bytes], when: tuple, system: int, method: int, reverse: bool) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name in (reversed(list(parts)) if reverse else parts):
            info = zipfile.ZipInfo(name, when)
            info.create_system, info.compress_type = system, method
            info.external_attr = 0o644 << 16
            zf.writestr(info, parts[name])


def test_fix_zip_gives_one_layout_whatever_the_writer_did(tmp_path):
    from pipeline.render.reproducible import fix_zip

    parts = _openpyxl_package()
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    _crafted(a, parts, (2026, 3, 1, 16, 40, 10), 3, zipfile.ZIP_DEFLATED, False)
    _crafted(b, parts, (2025, 7, 9, 8, 2, 44), 0, zipfile.ZIP_STORED, True)
    assert a.read_bytes() != b.read_bytes()
    when = dt.datetime(2026, 1, 20, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert fix_zip(a, when) and fix_zip(b, when)
    assert a.read_bytes() == b.read_bytes()
    assert not fix_zip(a, when)  # already in the fixed layout: left alone
    infos = zipfile.ZipFile(a).infolist()
    assert infos[0].filename == "[Content_Types].xml" and [i.filename for i in infos[1:]] == sorted(
        n for n in parts if n != "[Content_Types].xml")
    assert {(i.date_time, i.create_system, i.compress_type, i.external_attr) for i in infos} == {
        ((1980, 1, 1, 0, 0, 0), 0, zipfile.ZIP_DEFLATED, 0o600 << 16)}
    assert core_times(a) == ("2026-01-19T16:00:00Z",) * 2
    ws = openpyxl.load_workbook(a).active
    assert (ws["A1"].value, ws["B2"].value) == ("城关镇", 88.12)
    untouched = {n: d for n, d in parts.items() if n != "docProps/core.xml"}
    with zipfile.ZipFile(a) as zf:
        assert {n: zf.read(n) for n in untouched} == untouched  # contents other than the times kept byte for byte


def test_fix_zip_sets_the_times_of_a_python_docx_document(tmp_path):
    import docx

    from pipeline.render.reproducible import fix_zip

    paths = []
    for k in range(2):
        d = docx.Document()
        d.add_paragraph("考核情况分析报告")
        d.core_properties.created = dt.datetime(2020 + k, 5, 5, 12, 0, k)  # what a template may carry
        d.core_properties.modified = dt.datetime.now()
        paths.append(tmp_path / f"{k}.docx")
        d.save(paths[-1])
    when = dt.datetime(2026, 1, 20, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    for p in paths:
        fix_zip(p, when)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    props = docx.Document(paths[0]).core_properties
    assert props.created == props.modified == dt.datetime(2026, 1, 19, 16, 0, tzinfo=UTC)
    assert docx.Document(paths[0]).paragraphs[0].text == "考核情况分析报告"


def test_file_times_no_calendar_holds_are_passed_over(tmp_path):
    from types import SimpleNamespace as File

    from pipeline.render.reproducible import run_date

    files = [File(path="甲.xlsx", mtime=1e13), File(path="乙/乙.xlsx", mtime=LATEST), File(path="丙.xlsx", mtime=0)]
    got = run_date({"year": 2025}, tmp_path, files)  # tmp_path: no config.toml
    assert got.fields() == {"generated_at": "2026-01-15",
                            "date_basis": "未写制表日期（方案 [assessment] date），取最晚修改的文件 input/乙/乙.xlsx 的修改日期"}
    none = run_date({"year": 2025, "timezone": "UTC"}, tmp_path, [files[0], files[2]])
    assert none.fields()["generated_at"] == "2026-01-01" and "次年 1 月 1 日" in none.fields()["date_basis"]
    assert none.moment.isoformat() == "2026-01-01T00:00:00+00:00"


def test_without_a_time_zone_database_shanghai_is_utc_plus_8(tmp_path):
    code = (
        "import sys; sys.modules['tzdata'] = None\n"  # the package absent, as on a fresh Windows Python
        "import zoneinfo, datetime as dt\n"
        "from pipeline.render.reproducible import zone, run_date\n"
        "try:\n    zoneinfo.ZoneInfo('Asia/Shanghai'); print('database present')\n"
        "except zoneinfo.ZoneInfoNotFoundError: print('database absent')\n"
        "print(zone('Asia/Shanghai').utcoffset(None))\n"
        "class F: path, mtime = 'a.xlsx', dt.datetime(2026, 1, 14, 20, 30, tzinfo=dt.timezone.utc).timestamp()\n"
        "print(run_date({'year': 2025}, sys.argv[1], [F()]).fields()['generated_at'])\n"
        "try:\n    zone('Europe/Paris')\nexcept ValueError as e: print(e)\n"
    )
    res = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                         encoding="utf-8", env={**os.environ, "PYTHONTZPATH": str(tmp_path), "TZ": "UTC"})
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[:3] == ["database absent", "8:00:00", "2026-01-15"], lines
    assert "无法识别时区“Europe/Paris”" in lines[3] and "Asia/Shanghai 或 UTC" in lines[3]


@pytest.mark.parametrize("line, key, words", [
    ('date = "2026-13-01"', "assessment.date", "不是有效日期"),
    ('date = "2024-12-31"', "assessment", "早于考核年度 2025 年"),
    ('date = "2062-01-15"', "assessment", "晚十年以上"),
    ("date = 2026-01-15T09:00:00", "assessment.date", "不带时间"),
    ('timezone = "Mars/Base"', "assessment.timezone", "无法识别时区"),
    ('timezone = "localtime"', "assessment.timezone", "指本机设置"),
])
def test_scheme_date_and_time_zone_are_checked(line, key, words):
    import tomllib

    from pipeline.scheme import SchemeError, parse_scheme

    text = (ROOT / "config.toml").read_text("utf-8").replace("[assessment]\n", f"[assessment]\n{line}\n", 1)
    with pytest.raises(SchemeError) as err:
        parse_scheme(tomllib.loads(text))
    assert f"{key}：" in str(err.value) and words in str(err.value)


def test_scheme_date_accepts_toml_and_chinese_dates():
    import tomllib

    from pipeline.scheme import parse_scheme

    base = (ROOT / "config.toml").read_text("utf-8")
    for line in ("date = 2026-01-20", 'date = "2026年1月20日"', 'date = "2026-1-20"'):
        scheme = parse_scheme(tomllib.loads(base.replace("[assessment]\n", f"[assessment]\n{line}\n", 1)))
        assert scheme.assessment.date == SCHEME_DATE
    assert parse_scheme(tomllib.loads(base)).assessment.model_dump()["date"] is None
