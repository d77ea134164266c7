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

from rules.okved import in_code_set
from rules.okved import matches as okved_matches
from rules.profile import FIELDS, FieldType, ProfileField


class Status(IntEnum):
    PASS = 0
    NEAR = 1
    UNKNOWN = 2
    FAIL = 3


Profile = Mapping[str, Any]
Evaluator = Callable[[Profile], Status]

OPERATORS = ("is", "in", "not_in", "min", "max", "okved", "okved_in", "okved_not_in", "has_any", "has_none")
LIST_OPERATORS = ("okved_in", "okved_not_in")
COMBINATORS = ("all", "any", "not")


@dataclass(frozen=True, slots=True)
class Leaf:
    """One test of one field. ``op`` is one of ``OPERATORS`` (``min``/``max`` form a range).

    For ``okved_in``/``okved_not_in`` the ``value`` is the list id, ``codes`` its expanded codes,
    ``list_title`` its title, and ``unverified`` says the list is not confirmed: such a leaf is
    never PASS or FAIL, only UNKNOWN (DESIGN 3.3: an unchecked formal criterion caps at «Возможно»).
    """

    field: str
    op: str
    value: Any
    minimum: float | None = None
    maximum: float | None = None
    margin: float = 0.0
    label: str = ""
    codes: frozenset[str] = frozenset()
    list_title: str = ""
    unverified: bool = False

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


def can_pass(condition: Condition) -> bool:
    """Whether some profile can make the condition PASS (a leaf on an unverified list never does)."""
    if isinstance(condition, Leaf):
        return not condition.unverified
    if isinstance(condition, Not):
        return _can_fail(condition.child)
    if isinstance(condition, All):
        return all(can_pass(child) for child in condition.children)
    return any(can_pass(child) for child in condition.children)


def _can_fail(condition: Condition) -> bool:
    if isinstance(condition, Leaf):
        return not condition.unverified
    if isinstance(condition, Not):
        return can_pass(condition.child)
    if isinstance(condition, All):
        return any(_can_fail(child) for child in condition.children)
    return all(_can_fail(child) for child in condition.children)


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
    if op in LIST_OPERATORS:
        if leaf.unverified:
            return Status.UNKNOWN
        return Status.PASS if in_code_set(actual, leaf.codes) == (op == "okved_in") else Status.FAIL
    if op == "has_any":
        return Status.PASS if not leaf.value.isdisjoint(actual) else Status.FAIL
    if op == "has_none":
        return Status.PASS if leaf.value.isdisjoint(actual) else Status.FAIL
    raise ValueError(f"unknown operator {op!r}")  # pragma: no cover - the loader admits none


# --- the fast path ---------------------------------------------------------------


def compile_condition(condition: Condition) -> Evaluator:
    """Turn a condition tree into one straight-line Python function: no trace, no nested calls.

    The function's source is generated from the *shape* of the typed tree only: every value —
    field names included — is bound as a named constant (``c0``, ``c1`` …) in the function's
    namespace, never spliced into the source, so nothing from a data file is ever executed. The
    result is what a hand-written predicate would be (the baseline of ``bench/core_bench.py``),
    with the same three-valued semantics as ``leaf_status`` (which the trace uses). Equal trees
    share one compiled function (a repeated catalogue compiles each shape once).
    """
    cached = _COMPILED.get(condition)
    if cached is not None:
        return cached
    lines: list[str] = []
    constants: dict[str, Any] = {}
    result = _emit(condition, lines, constants)
    source = "def evaluate(profile):\n    get = profile.get\n" + "".join(f"    {line}\n" for line in lines)
    source += f"    return {result}\n"
    namespace: dict[str, Any] = {"PASS": Status.PASS, "NEAR": Status.NEAR, "UNKNOWN": Status.UNKNOWN,
                                 "FAIL": Status.FAIL, "FLIP": _FLIP, "in_code_set": in_code_set,
                                 "leaf_status": leaf_status, **constants}
    exec(compile(source, "<condition>", "exec"), namespace)  # generated from the tree's shape only
    evaluator: Evaluator = namespace["evaluate"]
    _COMPILED[condition] = evaluator
    return evaluator


_COMPILED: dict[Condition, Evaluator] = {}
_FLIP = (Status.FAIL, Status.NEAR, Status.UNKNOWN, Status.PASS)


def _emit(condition: Condition, lines: list[str], constants: dict[str, Any]) -> str:
    """Append the statements computing ``condition``; return the name of the variable holding it."""

    def constant(value: Any) -> str:
        name = f"c{len(constants)}"
        constants[name] = value
        return name

    target = f"t{len(lines)}"
    if isinstance(condition, Not):
        inner = _emit(condition.child, lines, constants)
        lines.append(f"{target} = FLIP[{inner}]")
        return target
    if isinstance(condition, (All, Any_)):
        names = ", ".join(_emit(child, lines, constants) for child in condition.children)
        target = f"t{len(lines)}"
        if isinstance(condition, All):
            lines.append(f"{target} = FAIL if FAIL in ({names},) else max(({names},))")
        else:
            lines.append(f"{target} = PASS if PASS in ({names},) else min(({names},))")
        return target
    leaf = condition
    value = f"get({constant(leaf.field)})"
    op = leaf.op
    if op == "is":
        test = f"PASS if v == {constant(leaf.value)} else FAIL"
    elif op == "in":
        test = f"PASS if v in {constant(frozenset(leaf.value))} else FAIL"
    elif op == "not_in":
        test = f"FAIL if v in {constant(frozenset(leaf.value))} else PASS"
    elif op == "range":
        low = leaf.minimum if leaf.minimum is not None else float("-inf")
        high = leaf.maximum if leaf.maximum is not None else float("inf")
        test = f"PASS if {constant(low)} <= v <= {constant(high)} else leaf_status({constant(leaf)}, v)"
    elif op == "okved":
        test = f"PASS if in_code_set(v, {constant(expand_patterns(leaf.value))}) else FAIL"
    elif op in LIST_OPERATORS:
        if leaf.unverified:
            lines.append(f"{target} = UNKNOWN")
            return target
        hit, miss = ("PASS", "FAIL") if op == "okved_in" else ("FAIL", "PASS")
        test = f"{hit} if in_code_set(v, {constant(leaf.codes)}) else {miss}"
    elif op == "has_any":
        test = f"FAIL if v.isdisjoint({constant(leaf.value)}) else PASS"
    elif op == "has_none":
        test = f"PASS if v.isdisjoint({constant(leaf.value)}) else FAIL"
    else:  # pragma: no cover - the loader admits no other operator
        raise ValueError(f"unknown operator {op!r}")
    lines.append(f"v = {value}")
    lines.append(f"{target} = UNKNOWN if v is None else ({test})")
    return target


def expand_patterns(patterns: Any) -> frozenset[str]:
    """ОКВЭД patterns with class ranges expanded to classes, for ``in_code_set``."""
    out: set[str] = set()
    for pattern in patterns:
        if "-" in pattern:
            low, high = (int(part) for part in pattern.split("-"))
            out.update(f"{number:02d}" for number in range(low, high + 1))
        else:
            out.add(pattern)
    return frozenset(out)


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


UNVERIFIED_LIST = " (перечень не подтверждён — проверит консультант)"


def describe_expected(leaf: Leaf) -> str:
    """Russian wording of what a leaf demands, unless the catalogue gave its own ``label``."""
    if leaf.label:
        return leaf.label + (UNVERIFIED_LIST if leaf.unverified else "")
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
    if leaf.op in LIST_OPERATORS:
        where = "из перечня" if leaf.op == "okved_in" else "не из перечня"
        return f"{name}: {where} «{leaf.list_title or leaf.value}»{UNVERIFIED_LIST if leaf.unverified else ''}"
    if leaf.op == "has_any":
        return f"{name}: хотя бы одно из — {spec.value_label(leaf.value)}"
    return f"{name}: ни одного из — {spec.value_label(leaf.value)}"
