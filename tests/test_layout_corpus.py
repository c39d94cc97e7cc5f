"""The layout corpus (tests/layout_corpus.py): one ground truth in every layout departments make, scored by kaohe.

Why: a county whose departments made their own layouts got no units scored, and some layouts scored silently wrong
(kaohe issue 10, point 9). Each variant is a full input/ folder written by real writers (openpyxl, xlsxwriter,
LibreOffice headless for .xls/.ods) and run through the real stages in-process (load_scheme → ingest → normalize →
score, as `kaohe run` does). Its outcome must be one of:
- scores identically to the independent computation below (no ERROR issue), or
- stops: at least one ERROR naming file › sheet › cell (or, for a missing input, what is missing), and no scoring.
Never "scores differently". Variants with `must_score=True` (the common layouts the issue lists) must score.

The expected results are computed here from SPEC.md's formulas (§3 efficacy/completion/direct/count_deduct, §4
survey, §5 composite index, §6 totals, ranks, grades, veto, awards), not by calling pipeline.score.
"""

from __future__ import annotations

import json
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

import layout_corpus as lc
from conftest import kaohe
from pipeline.ingest import ingest
from pipeline.issues import ERROR
from pipeline.normalize import normalize
from pipeline.scheme import load_scheme
from engine_helpers import score

D = Decimal
ZERO, ONE = D(0), D(1)
BASE = D("0.6")
NO_SOFFICE = "LibreOffice（soffice）未安装，.xls/.ods 版式无法生成；本机可 apt-get install libreoffice-calc"


# ====================================================================================== the independent computation
def published(x: Decimal) -> float:
    """四舍五入 to the scheme's 2 decimals (SPEC §3 Rounding), as a float like results.json."""
    return float(x.quantize(D("0.01"), rounding=ROUND_HALF_UP))


def efficacy(points, x, best, worst, clamp=False) -> Decimal:
    """SPEC §3.2: d = (x − x_u)/(x_s − x_u), capped at 1 (floored at 0 with clamp_low); points × (0.6 + 0.4 d) ≥ 0."""
    d = ONE if best == worst else (x - worst) / (best - worst)
    d = min(d, ONE)
    if clamp:
        d = max(d, ZERO)
    return max(ZERO, D(points) * (BASE + (ONE - BASE) * d))


def expected_results(t: lc.Truth) -> dict[str, dict]:
    units, v = lc.UNIT_NAMES, t.values
    ind: dict[str, dict[str, Decimal]] = {}
    a1 = v["A1"]
    ind["A1"] = {u: efficacy(25, a1[u], max(a1.values()), min(a1.values())) for u in units}
    ind["A2"] = {u: D(25) * min(v["A2"][u] / t.targets[u], ONE) for u in units}  # completion, cap 1.0
    ind["B1"] = dict(v["B1"])  # direct
    ind["B2"] = {u: max(ZERO, D(10) - 3 * v["B2"][u]) for u in units}  # count_deduct, 3 per event
    c1 = v["C1"]  # lower is better: best = min, worst = max
    ind["C1"] = {u: efficacy(15, c1[u], min(c1.values()), max(c1.values())) for u in units}
    ind["C2"] = {u: efficacy(10, v["C2"][u], D(98), D(80), clamp=True) for u in units}
    indicators = {u: sum((ind[i][u] for i in ind), ZERO) for u in units}

    # SPEC §5: c = 100 Σ w (0.6 s + 0.4 a), lower-better inverted; scored by efficacy over the indices (full 100)
    last = t.past[lc.YEAR - 1]
    index = {u: ZERO for u in units}
    for item, lower in (("G1", False), ("G2", True)):
        mean = sum((v[item][u] for u in units), ZERO) / len(units)
        for u in units:
            x, prev = v[item][u], last[item][u]
            s, a = (prev / x, mean / x) if lower else (x / prev, x / mean)
            index[u] += D("0.5") * (D("0.6") * s + D("0.4") * a)
    index = {u: 100 * c for u, c in index.items()}
    growth = {u: efficacy(100, index[u], max(index.values()), min(index.values())) for u in units}

    # SPEC §4, county form: question = Σ score × n / known; category = mean of questions / 5 × 100; round = mean of
    # categories; unit = 0.3 × 中期 + 0.7 × 年终
    survey = {}
    for u in units:
        total = ZERO
        for rnd, w in lc.ROUNDS.items():
            cats = []
            for cat in lc.CATEGORIES:
                qs = []
                for q in lc.QUESTIONS:
                    sat, basic, bad, _unknown = t.tallies[(u, rnd, cat, q)]
                    qs.append(D(5 * sat + 3 * basic + 0 * bad) / (sat + basic + bad))
                cats.append(sum(qs, ZERO) / len(qs) / 5 * 100)
            total += w * sum(cats, ZERO) / len(cats)
        survey[u] = total

    bonus = {u: sum((p for x, k, p, _, _ in t.adjustments if x == u and k == lc.BONUS), ZERO) for u in units}
    deduction = {u: sum((p for x, k, p, _, _ in t.adjustments if x == u and k == lc.DEDUCTION), ZERO) for u in units}
    totals = {u: D("0.5") * indicators[u] + D("0.1") * growth[u] + D("0.4") * survey[u] + min(bonus[u], D(3))
              - deduction[u] for u in units}
    shown = {u: published(x) for u, x in totals.items()}

    def ranks(members):  # competition ranking on the published totals
        return {u: 1 + sum(1 for o in members if shown[o] > shown[u]) for u in members}

    rank = ranks(units)
    group_rank = {}
    for g in lc.GROUPS:
        group_rank.update(ranks([u for u in units if lc.GROUP_OF[u] == g]))
    grade = {u: next(name for name, low in (("优秀", 90), ("良好", 80), ("一般", 70), ("较差", 0)) if shown[u] >= low)
             for u in units}
    vetoed = {u for u, *_ in t.vetoes}
    awards: dict[str, list[str]] = {u: [] for u in units}
    eligible = sorted((u for u in units if u not in vetoed and shown[u] >= 70), key=lambda u: rank[u])
    winners = eligible[:2]
    assert len({rank[u] for u in eligible[:3]}) == 3, "the corpus avoids ties at the prize places"
    awards[winners[0]].append("综合考核一等奖")
    awards[winners[1]].append("综合考核二等奖")
    for u in eligible:  # progress: up ≥ 2 places on last year, not among the first 3 prize winners
        if t.last_year[u][0] - rank[u] >= 2 and u not in winners:
            awards[u].append("进步奖")
    return {u: {
        "total": shown[u], "rank": rank[u], "group_rank": group_rank[u], "grade": grade[u], "vetoed": u in vetoed,
        "awards": sorted(awards[u]),
        "components": {"指标考核": published(indicators[u]), "发展指数": published(growth[u]),
                       "公众评议": published(survey[u])},
        "indicators": {i: published(ind[i][u]) for i in ind},
    } for u in units}


def comparable(results: dict) -> dict[str, dict]:
    """The part of kaohe's results a layout must not change: per unit, the published figures and outcomes."""
    return {r["unit"]: {"total": r["total"], "rank": r["rank"], "group_rank": r["group_rank"], "grade": r["grade"],
                        "vetoed": r["vetoed"], "awards": sorted(r["awards"]), "components": r["components"],
                        "indicators": r["indicators"]} for r in results["units"]}


# ====================================================================================== running the corpus
TRUTH = lc.make_truth()
EXPECTED = expected_results(TRUTH)
RUNS: dict[str, tuple[list, dict | None]] = {}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, object]:
    """Every variant written once; the LibreOffice ones converted in one soffice call per format."""
    root = tmp_path_factory.mktemp("layout_corpus")
    folders, converted = lc.write_corpus(root)
    return {"folders": folders, "converted": converted}


def run(corpus, vid: str) -> tuple[list, dict | None]:
    """(issues, comparable results or None when kaohe stops over errors), once per variant."""
    v = lc.variant(vid)
    if lc.needs_soffice(v) and not corpus["converted"]:
        pytest.skip(NO_SOFFICE)
    if vid not in RUNS:
        folder = corpus["folders"][vid]
        scheme = load_scheme(folder)
        data = normalize(scheme, ingest(folder, scheme))
        errors = [i for i in data.issues if i.severity == ERROR]
        RUNS[vid] = (data.issues, None if errors else comparable(score(scheme, data)))
    return RUNS[vid]


def names_where(issue) -> bool:
    """An error a user can act on: it names file › sheet › cell, or (a missing input) what is missing."""
    if issue.file and issue.sheet and issue.cell:
        return True
    return ("missing" in issue.code or "absent" in issue.code) and bool(issue.message)


def differences(got: dict, want: dict, limit: int = 6) -> list[str]:
    out = []
    for unit in want:
        for key in want[unit]:
            if got.get(unit, {}).get(key) != want[unit][key]:
                out.append(f"{unit}.{key}: {got.get(unit, {}).get(key)} ≠ {want[unit][key]}")
    return out[:limit]


# ====================================================================================== the tests
def test_corpus_is_what_the_issue_asks():
    ids = [v.id for v in lc.VARIANTS]
    assert len(ids) >= 40 and len(set(ids)) == len(ids)
    assert all(v.reason for v in lc.VARIANTS if not v.must_score)
    assert sum(v.must_score for v in lc.VARIANTS) >= 40
    assert lc.make_truth() == TRUTH  # seeded: the same truth every time


def test_expected_results_exercise_every_rule():
    """The truth is chosen so that each rule changes something: the cap, the veto, the progress award, the grades."""
    e = EXPECTED
    assert sorted(r["rank"] for r in e.values()) == [1, 2, 3, 4, 5, 6]  # no ties
    assert e["河口镇"]["vetoed"] and e["河口镇"]["rank"] <= 2 and e["河口镇"]["awards"] == []  # the veto costs a prize
    assert [u for u, r in e.items() if "进步奖" in r["awards"]]  # someone rose ≥ 2 places
    assert len({r["grade"] for r in e.values()}) >= 2
    assert sum(p for u, k, p, _, _ in TRUTH.adjustments if u == "城关镇" and k == lc.BONUS) > 3  # the cap bites
    assert {r["indicators"]["A2"] == 25.0 for r in e.values()} == {True, False}  # over-completion capped, and not


def test_clean_layout_scores_the_independent_computation(corpus):
    issues, got = run(corpus, lc.CLEAN)
    assert [i.text() for i in issues if i.severity == ERROR] == []
    assert got == EXPECTED, differences(got, EXPECTED)


@pytest.mark.parametrize("vid", [v.id for v in lc.VARIANTS])
def test_variant_scores_identically_or_stops(corpus, vid):
    v = lc.variant(vid)
    issues, got = run(corpus, vid)
    errors = [i for i in issues if i.severity == ERROR]
    if v.must_score:
        assert not errors, f"{vid} must score but stopped: " + " | ".join(i.text() for i in errors[:5])
    if got is not None:
        assert got == EXPECTED, f"{vid} scored differently: " + "; ".join(differences(got, EXPECTED))
    else:
        assert any(names_where(i) for i in errors), [i.text() for i in errors[:5]]


def test_any_two_variants_that_score_agree(corpus):
    """Metamorphic: seeded random pairs of variants; when both score, their comparable results are equal."""
    rng = random.Random(lc.SEED)
    ids = [v.id for v in lc.VARIANTS if not (lc.needs_soffice(v) and not corpus["converted"])]
    pairs = [tuple(rng.sample(ids, 2)) for _ in range(6)]
    for a, b in pairs:
        (_, ra), (_, rb) = run(corpus, a), run(corpus, b)
        if ra is not None and rb is not None:
            assert ra == rb, f"{a} vs {b}: " + "; ".join(differences(ra, rb))


def test_one_variant_through_the_cli(tmp_path):
    """The real command on a layout offices send (units across the top, every file in one folder)."""
    v = lc.variant("units-across 乡镇横排")
    folder = tmp_path / lc.slug(v.id)
    pending: list = []
    lc.write_variant(TRUTH, v, folder, pending)
    assert pending == []
    res = kaohe("run", folder)
    assert res.returncode == 0, res.stdout + res.stderr
    data = json.loads((folder / "output" / "results.json").read_text("utf-8"))
    assert comparable(data) == EXPECTED
