"""Former home of the summary workbook and the shared xlsx helpers, kept as re-exports for importers not yet
moved: the summary is pipeline/render/summary.py, the writer base pipeline/render/xlsx_base.py, 数据问题.xlsx
pipeline/render/issues_book.py. (render/blanks.py, bench/run_bench.py and tests/test_fuzz.py import from here.)
"""

from .issues_book import write_issues_workbook
from .summary import SHEET_NAMES, write_summary_workbook
from .xlsx_base import FONT, print_a4
from .xlsx_base import text_width as _text_width

__all__ = ["write_summary_workbook", "write_issues_workbook", "SHEET_NAMES", "FONT", "print_a4", "_text_width"]
