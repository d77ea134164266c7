"""Verdict and explanation agree at every bound of every measure in the shipped catalogue.

A planted ``>=`` at exactly a ``max`` (in the traced path only) passed all tests: the verdict
said «подходит» while the explanation showed the condition as failed. Here both paths are
evaluated at each bound, just inside and just outside it, and bounds are inclusive.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rules.conditions import (
    All,
    Any_,
    Condition,
    Leaf,
    Not,
    Status,
    compile_condition,
    leaf_status,
    trace_condition,
)
from rules.data import Bundle


def range_leaves(condition: Condition | None) -> Iterator[Leaf]:
    if isinstance(condition, Leaf):
        if condition.op == "range":
            yield condition
    elif isinstance(condition, All | Any_):
        for child in condition.children:
            yield from range_leaves(child)
    elif isinstance(condition, Not):
        yield from range_leaves(condition.child)


def probes(leaf: Leaf) -> list[float]:
    values: list[float] = []
    for bound in (leaf.minimum, leaf.maximum):
        if bound is not None:
            values += [bound, bound - 1, bound + 1, bound - leaf.margin, bound + leaf.margin, bound - 0.01, bound + 0.01]
    return values


def test_the_shipped_catalogue_has_range_bounds(bundle: Bundle) -> None:
    leaves = [leaf for m in bundle.catalogue.measures for leaf in range_leaves(m.eligibility)]
    assert sum(leaf.maximum is not None for leaf in leaves) >= 3


def test_fast_verdict_and_traced_explanation_agree_at_every_bound(bundle: Bundle) -> None:
    checked = 0
    for measure in bundle.catalogue.measures:
        for leaf in range_leaves(measure.eligibility):
            fast = compile_condition(leaf)
            for value in probes(leaf):
                profile = {leaf.field: value}
                traced = trace_condition(leaf, profile).status
                assert fast(profile) == traced == leaf_status(leaf, value), (measure.id, leaf, value)
                checked += 1
    assert checked > 0


@pytest.mark.parametrize("bound", ["minimum", "maximum"])
def test_a_bound_itself_passes(bound: str) -> None:
    leaf = Leaf(field="headcount", op="range", value=None, minimum=10, maximum=100, margin=5)
    at = 10 if bound == "minimum" else 100
    assert leaf_status(leaf, at) is Status.PASS
    assert trace_condition(leaf, {"headcount": at}).status is Status.PASS
    assert compile_condition(leaf)({"headcount": at}) is Status.PASS
    outside = 9 if bound == "minimum" else 101
    assert leaf_status(leaf, outside) is Status.NEAR
