"""Ranks by one sort (issue 16: counting the units ahead of every unit took 58 s at 20,000 units): the places equal
the definitions — competition: one more than the keys strictly ahead; dense: the key's place among the distinct
keys — on any keys with ties, including Decimal ties written differently (90.0 and 90.00) and tie-breaker tuples."""

from __future__ import annotations

import time
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pipeline.score.engine import rank_places

KEYS = st.lists(st.tuples(st.integers(0, 6).map(lambda v: Decimal(v) / 2), st.integers(0, 2).map(Decimal)),
                max_size=40)


@given(KEYS)
def test_competition_places_are_one_more_than_the_keys_ahead(keys):
    assert rank_places(keys, dense=False) == [1 + sum(1 for o in keys if o > k) for k in keys]


@given(KEYS)
def test_dense_places_are_the_place_among_distinct_keys(keys):
    distinct = sorted(set(keys), reverse=True)
    assert rank_places(keys, dense=True) == [distinct.index(k) + 1 for k in keys]


def test_decimal_ties_written_differently_share_a_place():
    keys = [(Decimal("90.0"),), (Decimal("90.00"),), (Decimal("89.5"),)]
    assert rank_places(keys, dense=False) == [1, 1, 3] and rank_places(keys, dense=True) == [1, 1, 2]


def test_places_of_many_keys_cost_a_sort_not_a_square():
    """20,000 keys with ties: the quadratic count took minutes; measured against sorting the same keys."""
    keys = [(Decimal(k % 997) / 7, Decimal(k % 3)) for k in range(20_000)]
    start = time.perf_counter()
    sorted(keys, reverse=True)
    floor = time.perf_counter() - start
    start = time.perf_counter()
    places = rank_places(keys, dense=False)
    took = time.perf_counter() - start
    assert took < max(20 * floor, 0.5), (took, floor)
    assert places[0] == 1 + sum(1 for o in keys if o > keys[0])
