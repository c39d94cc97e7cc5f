"""Chinese everywhere a user looks (issue 15, part 5): every output a leader or a clerk opens — each visible sheet of
each workbook, the report (.html text and .docx), the issue lists, the status file — and the console of the run show
no identifier from the code. What may appear in ASCII is what the user writes or types themselves: file names and
extensions, the scheme's own keys and values (config.toml vocabulary, quoted in messages such as 方案 [assessment]
date), the issue code in its own 代码 column, and the product's name. A field name elsewhere (a `source` header) is a leak.
"""

from __future__ import annotations

import csv
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, copy_bundled, kaohe

# an identifier: words joined by _ or -, or a lowercase English word of four letters or more
TOKEN = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)+(?![A-Za-z0-9_])"
                   r"|(?<![A-Za-z0-9_])[a-z]{4,}(?![A-Za-z0-9_])")
# a reference to the user's own config.toml: "[assessment] date", "[[ingest.files]] period", "self_rating = \"exclude\""
CONFIG_REFS = re.compile(r"\[\[?[A-Za-z_.]+\]\]?(?:\s*[A-Za-z_]+)?|[A-Za-z_]+\s*=\s*(?:\"[^\"]*\"|[A-Za-z0-9_.%-]+)")
PATHS = re.compile(r"[^\s“”（）()，、；：]+\.(?:xlsx|xlsm|xls|ods|csv|html|docx|json|toml|sqlite|txt|log|j2)\b")
COMMANDS = re.compile(r"kaohe(?:\s+[a-z]+)?(?:\s+--?[a-z-]+)*")  # a command the user types: kaohe check, kaohe run -q
ALLOWED = {"kaohe", "input", "output", "templates", "config", "SHA-256", "utf-8", "UTF-8",
           "xlsx", "xlsm", "xls", "ods", "csv", "html", "docx", "json", "toml", "sqlite"}


def leaks(text: str, allowed: set[str]) -> set[str]:
    text = COMMANDS.sub(" ", CONFIG_REFS.sub(" ", PATHS.sub(" ", str(text))))
    return {t for t in TOKEN.findall(text) if t not in allowed and t.lower() not in allowed}


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self.skip:
            self.texts.append(data)


def visible_texts(output: Path):
    """(where, text) of everything a user sees in an output folder; issue codes only outside their 代码 column."""
    from docx import Document

    for p in sorted(output.rglob("*")):
        where = p.relative_to(output)
        if p.suffix == ".xlsx":
            for ws in openpyxl.load_workbook(p).worksheets:
                if ws.sheet_state != "visible":
                    continue
                code_cols = set()
                for row in ws.iter_rows():
                    for c in row:
                        if c.value == "代码":
                            code_cols.add(c.column)
                        elif isinstance(c.value, str) and c.column not in code_cols:
                            yield f"{where} › {ws.title}!{c.coordinate}", c.value
        elif p.suffix == ".docx":
            doc = Document(str(p))
            for para in doc.paragraphs:
                yield str(where), para.text
            for table in doc.tables:
                for row in table.rows:
                    for cell in row.cells:
                        yield f"{where}（表格）", cell.text
        elif p.suffix == ".html":
            parser = _Visible()
            parser.feed(p.read_text(encoding="utf-8"))
            for t in parser.texts:
                yield str(where), t
        elif p.suffix == ".csv":
            with open(p, encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    yield str(where), " ".join(v for k, v in row.items() if k != "代码")
        elif p.suffix == ".txt":
            yield str(where), p.read_text(encoding="utf-8")


FOLDERS = ["bundled", *sorted(p.name for p in (ROOT / "examples").iterdir() if (p / "config.toml").is_file())]


@pytest.mark.parametrize("name", FOLDERS)
def test_no_code_identifier_reaches_an_output_or_the_console(name, tmp_path):
    if name == "bundled":
        folder = copy_bundled(tmp_path)
    else:
        folder = tmp_path / name
        shutil.copytree(ROOT / "examples" / name, folder)
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    found = {}
    console = (res.stdout + res.stderr).replace(str(folder), "考核文件夹")  # the folder's own path is the user's
    for where, text in [("控制台", console), *visible_texts(folder / "output")]:
        for token in leaks(text, ALLOWED):
            found.setdefault(token, where)
    assert not found, found


def test_the_scan_catches_an_identifier():
    assert leaks("方法：growth_index；来源 source", ALLOWED) == {"growth_index", "source"}
    assert leaks("统计局/2025年度报表.xlsx › 指标数据!C6；方案 [assessment] date；kaohe check", ALLOWED) == set()
    assert leaks('评分时自评按 self_rating = "exclude" 不计入', ALLOWED) == set()
