"""The template sandbox's fixed bounds and its two refusals (`TemplateRefused`, `LimitExceeded`).

Their own module because every other part of the sandbox (sandbox_files, sandbox_budget, sandbox_checks, sandbox)
reads them, and docs/方案编写指南.md §16.3 lists exactly these figures: one place to read and change them.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import TemplateError

MAX_STEPS = 1_000_000  # loop iterations + calls + filters (+ 表样 cells) in one render
MAX_SECONDS = 10.0  # wall clock of one render (one report file, one filled 表样 file)
MAX_TEXT = 10_000_000  # characters of one value a template makes
MAX_ITEMS = 1_000_000  # items of one list / dict / tuple a template makes
MAX_MADE = 200_000_000  # characters + items of all values one render makes
MAX_OUTPUT = 20_000_000  # characters of one rendered template (a Word report: each XML part)
MAX_SOURCE = 5_000_000  # characters of one template source (a .j2 file, a Word part's XML)
MAX_NESTING = 20  # include / import inside one another
MAX_TAGS = 10_000  # {{ }} / {% %} / {# #} tags of one template source (compiling 10,000 takes ~2 s)
MAX_INT_BITS = 4096  # an integer result above ~10^1233 is no report's number
MAX_WIDTH = 10_000  # a field width / precision in %-formatting, str.format, center/ljust/indent/wordwrap…
MAX_TEMPLATE_BYTES = 2_000_000  # one .j2 file read by the loader
MAX_PACKAGE_BYTES = 50_000_000  # one .docx / .xlsx template file
MAX_PACKAGE_UNZIPPED = 200_000_000  # its parts, decompressed (counted while streaming, never trusting headers)


class TemplateRefused(TemplateError):
    """A template file that may not be read (outside the template folder, not a regular file, too big…)."""

    def __init__(self, message: str, path: Path | None = None):
        super().__init__(message)
        self.path = path


class LimitExceeded(TemplateError):
    """A template asked for more work, time, memory or nesting than a report or table can need."""
