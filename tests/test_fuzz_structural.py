"""The structural fuzz suite (issue 11, point 7): a derandomized slice of `bench/fuzz.py`'s mutants of real returns
(.xlsx written by openpyxl and by xlsxwriter, an .ods, an .xls written by LibreOffice), each judged by the oracle:
every mutated cell reads as Excel / LibreOffice displays it, or the file or cell is refused with an issue. Zero
silent wrong reads, zero tracebacks, zero cases over 10 s. The long campaign: `python -m bench.fuzz --count 10000`.
"""

from __future__ import annotations

import signal
import sys
import time
from collections import Counter

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT))  # bench/ is a folder of scripts at the repository root
from bench import fuzz  # noqa: E402

SLICE = range(0, 300)  # fixed seeds: the same 300 mutants on every run
CASE_SECONDS = 10


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang


@pytest.fixture(scope="module", autouse=True)
def _fuzz_files():
    """The bases and mutants live in one temporary folder, removed after the module."""
    yield
    import shutil

    shutil.rmtree(fuzz.tmp_dir(), ignore_errors=True)
    fuzz._TMP = None
    fuzz._BASES.clear()


@pytest.fixture(scope="module")
def slice_results():
    fuzz.bases()  # the real returns, made once (the .xls through LibreOffice)
    previous = signal.signal(signal.SIGALRM, _alarm)
    results = []
    start = time.monotonic()
    try:
        for seed in SLICE:
            signal.setitimer(signal.ITIMER_REAL, CASE_SECONDS)
            t = time.monotonic()
            try:
                outcome, label, detail = fuzz.run_case(seed)
            except _Hang:
                outcome, label, detail = "hang", "", f"> {CASE_SECONDS} s"
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            results.append((seed, outcome, label, detail, time.monotonic() - t))
    finally:
        signal.signal(signal.SIGALRM, previous)
    return results, time.monotonic() - start


def test_the_slice_has_no_silent_wrong_read_no_traceback_and_no_hang(slice_results):
    results, seconds = slice_results
    counts = Counter(r[1] for r in results)
    failures = [r for r in results if r[1] in fuzz.FAILURES]
    assert not failures, "\n".join(f"seed {s}: {o}: {label}: {d}" for s, o, label, d, _ in failures[:20])
    assert sum(counts.values()) == len(SLICE)
    # the oracle judged real readings, not only refusals
    assert counts["read-correctly"] > 100 and counts["refused-with-issue"] > 60, counts
    assert max(r[4] for r in results) < CASE_SECONDS
    assert seconds < 60, seconds


def test_the_slice_mutates_every_kind_of_part(slice_results):
    results, _ = slice_results
    labels = " | ".join(r[2] for r in results)
    for words in ("openpyxl: ", "xlsxwriter: ", "ods: ", "duplicate", "ref ", "sst index", "numFmt", "xf ", "inline",
                  "sst rich", "type ", "number ", "dimension", "part ", "noise", "merge", "ods repeat", "ods value"):
        assert words in labels, words
    if not fuzz.XLS_SKIP_REASON:
        assert "xls NUMBER" in labels and "xls DIMENSIONS" in labels
    else:
        pytest.skip(fuzz.XLS_SKIP_REASON)


def test_the_oracle_catches_a_silent_wrong_read(monkeypatch):
    """The oracle is not vacuous: with the reader's duplicate-reference check switched off, the same mutants that
    are refused above are judged SILENT-WRONG (a duplicated cell silently read)."""
    from pipeline.ingest import xlsx as reader  # the .xlsx reader holds the checked parser

    fuzz.bases()
    seeds = [s for s in range(0, 120) if "duplicate" in fuzz.make_case(s)[1].label][:5]
    assert seeds
    assert all(fuzz.run_case(s)[0] == "refused-with-issue" for s in seeds)
    broken = reader._checked_parser_class()
    broken.duplicate = lambda self: None
    monkeypatch.setattr(reader, "_PARSER", broken)
    assert all(fuzz.run_case(s)[0] == "SILENT-WRONG" for s in seeds)
