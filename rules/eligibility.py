"""Verdicts per DESIGN 3.3 (a contract): eligible / possible / ineligible, gateways, ranking, traces.

* eligible   – every machine condition passes, every required gateway is held and no formal
               criterion is left as text (``criteria_formal``);
* possible   – nothing fails, but something is unknown, a formal criterion is unchecked, a list
               the measure depends on is unverified, or a limit is missed only within its margin,
               or a gateway is not held yet but is itself eligible or possible (the path is shown);
* ineligible – a condition fails outside its margin, or a required gateway is ineligible.

Expert criteria (``criteria_expert``) never change a verdict; they are shown as «решает экспертиза».

The application window never changes a verdict; it ranks and it is shown. ``verdicts`` is the hot
path (compiled conditions, no trace); ``explain`` builds the trace for the one measure shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rules.catalogue import Catalogue, Measure
from rules.conditions import Status, TraceNode, trace_condition
from rules.profile import derive


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    POSSIBLE = "possible"
    INELIGIBLE = "ineligible"


VERDICT_LABELS = {
    Verdict.ELIGIBLE: "Подходит",
    Verdict.POSSIBLE: "Возможно",
    Verdict.INELIGIBLE: "Не подходит",
}
_RANK = {Verdict.ELIGIBLE: 0, Verdict.POSSIBLE: 1, Verdict.INELIGIBLE: 2}


@dataclass(frozen=True, slots=True)
class GatewayStep:
    """A gateway the measure requires and the applicant does not hold yet."""

    measure: Measure
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class MeasureResult:
    measure: Measure
    verdict: Verdict
    conditions: Status  # the measure's own conditions, before gateways
    path: tuple[GatewayStep, ...] = ()  # gateways to obtain first, in order
    already_used: bool = False
    need_fit: int = 0
    window_open: bool = True


def prepare(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The profile as the engine reads it (derived fields, sets); see ``rules.profile.derive``."""
    return derive(profile)


def holds(measure: Measure, profile: Mapping[str, Any]) -> bool:
    """True if the applicant already holds a gateway status (answered yes, or listed as received)."""
    if measure.status_field and profile.get(measure.status_field) is True:
        return True
    return measure.id in profile.get("used_measures", ())


class Evaluation:
    """Verdicts for one profile, each measure computed once (gateways are shared)."""

    def __init__(self, catalogue: Catalogue, profile: Mapping[str, Any]) -> None:
        self.catalogue = catalogue
        self.profile = profile
        self.memo: dict[str, tuple[Verdict, Status]] = {}

    def verdict(self, measure: Measure) -> tuple[Verdict, Status]:
        cached = self.memo.get(measure.id)
        if cached is not None:
            return cached
        own = measure.evaluate(self.profile)
        result: tuple[Verdict, Status]
        if own is Status.FAIL:
            result = (Verdict.INELIGIBLE, own)
        else:
            verdict = Verdict.ELIGIBLE if own is Status.PASS else Verdict.POSSIBLE
            for gateway_id in measure.requires:
                gateway = self.catalogue.by_id[gateway_id]
                if holds(gateway, self.profile):
                    continue
                gateway_verdict = self.verdict(gateway)[0]
                if gateway_verdict is Verdict.INELIGIBLE:
                    verdict = Verdict.INELIGIBLE
                    break
                verdict = Verdict.POSSIBLE
            result = (verdict, own)
        self.memo[measure.id] = result
        return result

    def path(self, measure: Measure) -> tuple[GatewayStep, ...]:
        steps: list[GatewayStep] = []
        for gateway_id in measure.requires:
            gateway = self.catalogue.by_id[gateway_id]
            if not holds(gateway, self.profile):
                steps.extend(s for s in self.path(gateway) if s not in steps)
                steps.append(GatewayStep(gateway, self.verdict(gateway)[0]))
        return tuple(steps)


def verdicts(catalogue: Catalogue, profile: Mapping[str, Any]) -> dict[str, Verdict]:
    """Verdict for every measure — the cheap call (no traces, no ranking).

    The same rule as ``Evaluation.verdict``, written as one flat loop over ``catalogue.plan``
    (gateways come before the measures that need them, so a gateway's verdict is always ready):
    this is the hot path of DESIGN 3.3, kept within 3× a hand-written predicate.
    """
    prepared = prepare(profile)
    get = prepared.get
    used = prepared.get("used_measures", ())
    eligible, possible, ineligible = Verdict.ELIGIBLE, Verdict.POSSIBLE, Verdict.INELIGIBLE
    passed, failed = Status.PASS, Status.FAIL
    out: dict[str, Verdict] = {}
    for measure_id, evaluate, gateways in catalogue.plan:
        own = evaluate(prepared)
        if own is failed:
            out[measure_id] = ineligible
            continue
        verdict = eligible if own is passed else possible
        for gateway_id, status_field in gateways:
            if (status_field and get(status_field) is True) or gateway_id in used:
                continue
            if out[gateway_id] is ineligible:
                verdict = ineligible
                break
            verdict = possible
        out[measure_id] = verdict
    return out


def match(catalogue: Catalogue, profile: Mapping[str, Any], today: dt.date | None = None) -> list[MeasureResult]:
    """All measures, best first: eligible, then possible, then ineligible; within each, fit to
    ``needs``, then an open window, then the larger amount. Measures already received go last
    in their group and are marked, so they are shown as such rather than offered as new."""
    today = today or dt.date.today()
    prepared = prepare(profile)
    evaluation = Evaluation(catalogue, prepared)
    needs = prepared.get("needs", frozenset())
    used = prepared.get("used_measures", frozenset())
    results = [_result(evaluation, measure, today, needs, used) for measure in catalogue.measures]
    results.sort(key=_rank_key)
    return results


def _result(evaluation: Evaluation, measure: Measure, today: dt.date, needs: frozenset[str],
            used: frozenset[str]) -> MeasureResult:
    """The one builder of a ``MeasureResult`` (the list and the card agree by construction).

    The gateway path is shown whenever the measure's own conditions do not fail: for a
    possible measure it is the way in, for one blocked by an ineligible gateway it says which.
    """
    verdict, own = evaluation.verdict(measure)
    return MeasureResult(
        measure=measure,
        verdict=verdict,
        conditions=own,
        path=evaluation.path(measure) if measure.requires and own is not Status.FAIL else (),
        already_used=measure.id in used,
        need_fit=len(measure.serves_needs & needs),
        window_open=measure.window.is_open(today),
    )


def _rank_key(result: MeasureResult) -> tuple[int, bool, int, bool, float, str]:
    amount = result.measure.amount
    biggest = amount.max_rub if amount and amount.max_rub else 0.0
    return (
        _RANK[result.verdict],
        result.already_used,
        -result.need_fit,
        not result.window_open,
        -biggest,
        result.measure.title,
    )


# --- explanations -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TraceLine:
    """One line of the card's criteria list: ✓ / ✗ / ? / ≈ with expected and actual values."""

    depth: int
    text: str
    actual: str
    status: Status
    field: str = ""
    group: bool = False  # a heading such as «одно из:»
    kind: str = "machine"  # machine | formal (a text criterion to confirm: «?») | expert («решает экспертиза»)


FORMAL_ACTUAL = "подтвердит консультант по документам"
EXPERT_ACTUAL = "решает экспертиза"


@dataclass(frozen=True, slots=True)
class Explanation:
    result: MeasureResult
    lines: tuple[TraceLine, ...]
    deciding: TraceLine | None
    deciding_gateway: GatewayStep | None
    trace: TraceNode | None


def explain(catalogue: Catalogue, measure_id: str, profile: Mapping[str, Any],
            today: dt.date | None = None) -> Explanation:
    """The full trace of one measure and the condition or gateway that decided its verdict."""
    today = today or dt.date.today()
    prepared = prepare(profile)
    measure = catalogue.by_id[measure_id]
    evaluation = Evaluation(catalogue, prepared)
    result = _result(evaluation, measure, today, prepared.get("needs", frozenset()),
                     prepared.get("used_measures", frozenset()))
    own, verdict = result.conditions, result.verdict
    trace = trace_condition(measure.eligibility, prepared) if measure.eligibility else None
    machine = tuple(_flatten(trace, 0)) if trace else ()
    formal = tuple(TraceLine(0, text, FORMAL_ACTUAL, Status.UNKNOWN, kind="formal") for text in measure.criteria_formal)
    expert = tuple(TraceLine(0, text, EXPERT_ACTUAL, Status.PASS, kind="expert") for text in measure.criteria_expert)
    lines = machine + formal + expert
    deciding_node = _deciding(trace) if trace and trace.status is not Status.PASS else None
    deciding = next((line for line in machine if deciding_node and line.field == _field(deciding_node)
                     and line.text == deciding_node.expected), None)
    if deciding is None and own is Status.UNKNOWN and formal:
        deciding = formal[0]  # the machine conditions pass; what holds the verdict back is a formal text
    deciding_gateway = None
    if own is not Status.FAIL and verdict is not Verdict.ELIGIBLE:
        blocked = [s for s in result.path if s.verdict is Verdict.INELIGIBLE]
        if blocked:
            deciding_gateway = blocked[0]
        elif own is Status.PASS and result.path:
            deciding_gateway = result.path[0]
    return Explanation(result, lines, deciding, deciding_gateway, trace)


def _field(node: TraceNode) -> str:
    return node.leaf.field if node.leaf else ""


def _flatten(node: TraceNode, depth: int) -> list[TraceLine]:
    if node.leaf is not None:
        return [TraceLine(depth, node.expected, node.actual, node.status, node.leaf.field)]
    if node.combinator == "all":
        out: list[TraceLine] = []
        for child in node.children:
            out.extend(_flatten(child, depth))
        return out
    heading = "одно из условий:" if node.combinator == "any" else "не должно выполняться:"
    out = [TraceLine(depth, heading, "", node.status, group=True)]
    for child in node.children:
        out.extend(_flatten(child, depth + 1))
    return out


def _deciding(node: TraceNode) -> TraceNode | None:
    """The first leaf that settles a non-passing result: a hard fail, else an unknown or near miss."""
    if node.leaf is not None:
        return node
    if node.combinator == "not":
        return _deciding(node.children[0])
    wanted = node.status
    for child in node.children:
        if child.status is wanted:
            return _deciding(child)
    for child in node.children:
        if child.status is not Status.PASS:
            return _deciding(child)
    return None  # pragma: no cover - a non-passing node has a non-passing child


def trace_json(explanation: Explanation) -> list[dict[str, Any]]:
    """The trace as `navigator match --json` prints it (DESIGN 5)."""
    names = {Status.PASS: "pass", Status.FAIL: "fail", Status.UNKNOWN: "unknown", Status.NEAR: "fail"}
    out: list[dict[str, Any]] = []
    if explanation.trace is not None:
        for leaf in explanation.trace.leaves():
            assert leaf.leaf is not None
            item: dict[str, Any] = {
                "field": leaf.leaf.field,
                "expected": leaf.expected,
                "actual": leaf.actual,
                "result": names[leaf.status],
            }
            if leaf.status is Status.NEAR:
                item["within_margin"] = True
            if explanation.deciding is not None and explanation.deciding.text == leaf.expected \
                    and explanation.deciding.field == leaf.leaf.field:
                item["deciding"] = True
            out.append(item)
    for line in explanation.lines:
        if line.kind == "formal":
            item = {"criterion": "formal", "expected": line.text, "actual": line.actual, "result": "unknown"}
            if explanation.deciding is line:
                item["deciding"] = True
            out.append(item)
        elif line.kind == "expert":
            out.append({"criterion": "expert", "expected": line.text, "actual": line.actual, "result": "expert"})
    for step in explanation.result.path:
        out.append({"requires": step.measure.id, "expected": f"сначала — {step.measure.title}",
                    "actual": "не получено", "result": "fail" if step.verdict is Verdict.INELIGIBLE else "unknown"})
    return out
