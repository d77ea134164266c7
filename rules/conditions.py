"""The closed registry of machine conditions, their three-valued evaluation and their trace.

A condition is data (DESIGN 3.2): a leaf that tests one profile field, or ``all``/``any``/``not``
over conditions. There are no expressions and no ``eval``. Every leaf evaluates to one of

* ``PASS``    – the criterion is met;
* ``NEAR``    – a numeric limit is missed, but within its margin (never a hard "no" near a limit);
* ``UNKNOWN`` – the profile does not say;
* ``FAIL``    – the criterion is not met.

Ordered like this, ``all`` is the maximum of its children and ``any`` the minimum, which keeps the
hot path (verdicts for the whole catalogue) a handful of integer comparisons. The trace is a
separate, slower walk that records expected and actual values, built only for what is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from rules.okved import matches as okved_matches
from rules.profile import FIELDS, FieldType, ProfileField


class Status(IntEnum):
    PASS = 0
    NEAR = 1
    UNKNOWN = 2
    FAIL = 3


Profile = Mapping[str, Any]
Evaluator = Callable[[Profile], Status]

OPERATORS = ("is", "in", "not_in", "min", "max", "okved", "has_any", "has_none")
COMBINATORS = ("all", "any", "not")


@dataclass(frozen=True, slots=True)
class Leaf:
    """One test of one field. ``op`` is one of ``OPERATORS`` (``min``/``max`` form a range)."""

    field: str
    op: str
    value: Any
    minimum: float | None = None
    maximum: float | None = None
    margin: float = 0.0
    label: str = ""

    @property
    def spec(self) -> ProfileField:
        return FIELDS[self.field]


@dataclass(frozen=True, slots=True)
class All:
    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Any_:
    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Condition


Condition = Leaf | All | Any_ | Not


def fields_of(condition: Condition) -> set[str]:
    """Every profile field a condition reads."""
    if isinstance(condition, Leaf):
        return {condition.field}
    if isinstance(condition, Not):
        return fields_of(condition.child)
    out: set[str] = set()
    for child in condition.children:
        out |= fields_of(child)
    return out


# --- leaf semantics ------------------------------------------------------------


def leaf_status(leaf: Leaf, actual: Any) -> Status:
    """Evaluate one leaf against a known or missing (``None``) value."""
    if actual is None:
        return Status.UNKNOWN
    op = leaf.op
    if op == "is":
        return Status.PASS if actual == leaf.value else Status.FAIL
    if op == "in":
        return Status.PASS if actual in leaf.value else Status.FAIL
    if op == "not_in":
        return Status.FAIL if actual in leaf.value else Status.PASS
    if op == "range":
        if leaf.minimum is not None and actual < leaf.minimum:
            return Status.NEAR if actual >= leaf.minimum - leaf.margin else Status.FAIL
        if leaf.maximum is not None and actual > leaf.maximum:
            return Status.NEAR if actual <= leaf.maximum + leaf.margin else Status.FAIL
        return Status.PASS
    if op == "okved":
        return Status.PASS if any(okved_matches(actual, p) for p in leaf.value) else Status.FAIL
    if op == "has_any":
        return Status.PASS if not leaf.value.isdisjoint(actual) else Status.FAIL
    if op == "has_none":
        return Status.PASS if leaf.value.isdisjoint(actual) else Status.FAIL
    raise ValueError(f"unknown operator {op!r}")  # pragma: no cover - the loader admits none


# --- the fast path ---------------------------------------------------------------


def compile_condition(condition: Condition) -> Evaluator:
    """Turn a condition tree into nested closures: no trace, no allocation per call."""
    if isinstance(condition, Leaf):
        return _compile_leaf(condition)
    if isinstance(condition, Not):
        inner = compile_condition(condition.child)
        flip = (Status.FAIL, Status.NEAR, Status.UNKNOWN, Status.PASS)

        def evaluate_not(profile: Profile) -> Status:
            return flip[inner(profile)]

        return evaluate_not
    children = tuple(compile_condition(c) for c in condition.children)
    if isinstance(condition, All):

        def evaluate_all(profile: Profile) -> Status:
            worst = Status.PASS
            for child in children:
                status = child(profile)
                if status is Status.FAIL:
                    return status
                if status > worst:
                    worst = status
            return worst

        return evaluate_all

    def evaluate_any(profile: Profile) -> Status:
        best = Status.FAIL
        for child in children:
            status = child(profile)
            if status is Status.PASS:
                return status
            if status < best:
                best = status
        return best

    return evaluate_any


def _compile_leaf(leaf: Leaf) -> Evaluator:
    name, op, value = leaf.field, leaf.op, leaf.value
    PASS, FAIL, UNKNOWN = Status.PASS, Status.FAIL, Status.UNKNOWN
    if op == "is":

        def evaluate_is(profile: Profile) -> Status:
            actual = profile.get(name)
            if actual is None:
                return UNKNOWN
            return PASS if actual == value else FAIL

        return evaluate_is
    if op == "in":

        def evaluate_in(profile: Profile) -> Status:
            actual = profile.get(name)
            if actual is None:
                return UNKNOWN
            return PASS if actual in value else FAIL

        return evaluate_in
    if op == "range":
        low = leaf.minimum if leaf.minimum is not None else float("-inf")
        high = leaf.maximum if leaf.maximum is not None else float("inf")

        def evaluate_range(profile: Profile) -> Status:
            actual = profile.get(name)
            if actual is None:
                return UNKNOWN
            if low <= actual <= high:
                return PASS
            return leaf_status(leaf, actual)

        return evaluate_range

    def evaluate_generic(profile: Profile) -> Status:
        return leaf_status(leaf, profile.get(name))

    return evaluate_generic


# --- the trace -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TraceNode:
    """One evaluated node: its status and, for leaves, what was expected and what was found."""

    status: Status
    leaf: Leaf | None = None
    combinator: str = ""
    expected: str = ""
    actual: str = ""
    children: tuple[TraceNode, ...] = ()

    def leaves(self) -> list[TraceNode]:
        if self.leaf is not None:
            return [self]
        out: list[TraceNode] = []
        for child in self.children:
            out.extend(child.leaves())
        return out


def trace_condition(condition: Condition, profile: Profile) -> TraceNode:
    """Evaluate with a full record of every leaf (for cards, consultants and `match --json`)."""
    if isinstance(condition, Leaf):
        actual = profile.get(condition.field)
        return TraceNode(
            status=leaf_status(condition, actual),
            leaf=condition,
            expected=describe_expected(condition),
            actual="неизвестно" if actual is None else condition.spec.value_label(actual),
        )
    if isinstance(condition, Not):
        inner = trace_condition(condition.child, profile)
        flip = (Status.FAIL, Status.NEAR, Status.UNKNOWN, Status.PASS)
        return TraceNode(status=flip[inner.status], combinator="not", children=(inner,))
    children = tuple(trace_condition(c, profile) for c in condition.children)
    if isinstance(condition, All):
        status = Status.FAIL if any(c.status is Status.FAIL for c in children) else max(
            (c.status for c in children), default=Status.PASS
        )
        return TraceNode(status=status, combinator="all", children=children)
    status = Status.PASS if any(c.status is Status.PASS for c in children) else min(
        (c.status for c in children), default=Status.FAIL
    )
    return TraceNode(status=status, combinator="any", children=children)


def undecided_fields(node: TraceNode) -> set[str]:
    """Fields whose answer could still change this node's outcome.

    A failed ``all`` or a passed ``any`` is settled whatever the unknown children turn out
    to be, so nothing under it matters; a margin miss (``NEAR``) is an answer, not a gap.
    """
    if node.status in (Status.PASS, Status.FAIL, Status.NEAR):
        return set()
    if node.leaf is not None:
        return {node.leaf.field}
    out: set[str] = set()
    for child in node.children:
        out |= undecided_fields(child)
    return out


def describe_expected(leaf: Leaf) -> str:
    """Russian wording of what a leaf demands, unless the catalogue gave its own ``label``."""
    if leaf.label:
        return leaf.label
    spec = leaf.spec
    name = spec.label
    if leaf.op == "is":
        if spec.type is FieldType.BOOL:
            return f"{name}: {'да' if leaf.value else 'нет'}"
        return f"{name}: {spec.value_label(leaf.value)}"
    if leaf.op == "in":
        return f"{name}: {', '.join(spec.value_label(v) for v in leaf.value)}"
    if leaf.op == "not_in":
        return f"{name}: не {', '.join(spec.value_label(v) for v in leaf.value)}"
    if leaf.op == "range":
        parts = []
        if leaf.minimum is not None:
            parts.append(f"не меньше {spec.value_label(leaf.minimum)}")
        if leaf.maximum is not None:
            parts.append(f"не больше {spec.value_label(leaf.maximum)}")
        return f"{name}: {' и '.join(parts)}"
    if leaf.op == "okved":
        return f"{name}: {', '.join(leaf.value)}"
    if leaf.op == "has_any":
        return f"{name}: хотя бы одно из — {spec.value_label(leaf.value)}"
    return f"{name}: ни одного из — {spec.value_label(leaf.value)}"
