"""Can the questionnaire make each measure «подходит»? Witness profiles driven through the engine.

A measure that no path through ``questionnaire.yaml`` can make eligible is dead weight: the
bot would show it as «возможно» at best. To find such measures we *drive* the real engine with
a witness profile — a person who truly meets the measure's conditions — answering each question
the engine asks from the profile («не знаю» when the profile is silent) and take the verdict the
answers give. Witnesses come from the verdict cases (profiles expected eligible) and from the
measure's own conditions (``witnesses_for``): every leaf satisfied with its simplest value, the
first branch of each ``any`` (then the second, …), gateway statuses held, and a Moscow company
as the default applicant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rules.catalogue import Catalogue, Measure
from rules.conditions import All, Any_, Condition, Leaf, Not
from rules.data import Bundle
from rules.eligibility import Verdict, verdicts
from rules.engine import Progress, QuestionnaireEngine
from rules.errors import Problem
from rules.okved import in_code_set
from rules.okved import matches as okved_matches
from rules.profile import FIELDS, FSI_MEASURES, PATENT_FACTS, FieldType, fields_behind, with_checklists
from rules.questionnaire import Node_

Profile = dict[str, Any]

# Headcount and income that land in each 209-ФЗ category (the questionnaire asks these, not the
# derived category itself).
_CATEGORY_SIZES: dict[str, tuple[int, float]] = {
    "micro": (5, 50.0),
    "small": (50, 400.0),
    "medium": (200, 1500.0),
    "large": (300, 5000.0),
}
_MANUFACTURING_CODE = "26.51"
_NON_MANUFACTURING_CODE = "62.01"
_BRANCH_CHOICES = 4  # witnesses per measure: first, second, … branch of every ``any``


@dataclass(frozen=True)
class Walk:
    """One drive through the questionnaire: where it ended and what it asked."""

    measure_id: str
    verdict: Verdict
    asked: tuple[str, ...]  # fields, in the order the questions came
    unknown: tuple[str, ...] = ()  # asked, but the witness had no (valid) answer → «не знаю»
    profile: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reachability:
    measure_id: str
    reachable: bool
    best: Walk | None  # the eligible walk, or the closest try


# --- driving the engine ----------------------------------------------------------------


def drive(engine: QuestionnaireEngine, witness: Mapping[str, Any]) -> tuple[Progress, list[str], list[str]]:
    """Answer every question the engine asks from ``witness``; silent or invalid → «не знаю».

    Returns the final progress, the fields asked in order and those answered «не знаю».
    A required question the witness cannot answer ends the walk early (nothing else to do).
    """
    witness = with_checklists(witness)  # checklists answered from single facts
    progress = Progress(version=engine.questionnaire.version)
    asked: list[str] = []
    unknown: list[str] = []
    limit = 4 * len(engine.questionnaire.nodes)
    while (node := engine.current(progress)) is not None and len(asked) < limit:
        asked.append(node.field)
        value = _answer_for(node, witness.get(node.field))
        if value is None:
            unknown.append(node.field)
            if node.required:
                break
            progress = engine.skip(progress, node.id)
        else:
            progress = engine.answer(progress, node.id, value)
    return progress, asked, unknown


def _answer_for(node: Node_, value: Any) -> Any:
    """The witness value as this question can take it, or ``None`` if it offers no such answer."""
    if value is None:
        return None
    options = {o.value for o in node.options}
    if node.kind == "choice":
        return value if value in options else None
    if node.kind == "multi":
        chosen = frozenset(value)
        return chosen if chosen <= options else None
    if node.kind == "yesno":
        return value if isinstance(value, bool) else None
    return value


def walk(bundle: Bundle, measure_id: str, witness: Mapping[str, Any]) -> Walk:
    """Drive the questionnaire as ``witness`` and return the verdict reached for ``measure_id``."""
    progress, asked, unknown = drive(bundle.engine, witness)
    profile = progress.profile()
    verdict = verdicts(bundle.catalogue, profile)[measure_id]
    return Walk(measure_id, verdict, tuple(asked), tuple(unknown), profile)


# --- witnesses from a measure's own conditions ------------------------------------------


def witnesses_for(catalogue: Catalogue, measure: Measure) -> list[Profile]:
    """Profiles built from the measure's conditions, one per choice of ``any`` branch (deduplicated)."""
    out: list[Profile] = []
    for choice in range(_BRANCH_CHOICES):
        witness: Profile = {}
        _hold_gateways(catalogue, measure, witness, set())
        if measure.eligibility is not None:
            _satisfy(measure.eligibility, witness, choice)
        _add_defaults(witness, measure)
        _realise_derived(witness)
        if witness not in out:
            out.append(witness)
    return out


def _hold_gateways(catalogue: Catalogue, measure: Measure, witness: Profile, seen: set[str]) -> None:
    for gateway_id in measure.requires:
        if gateway_id in seen:
            continue
        seen.add(gateway_id)
        gateway = catalogue.by_id[gateway_id]
        if gateway.status_field:
            witness[gateway.status_field] = True
        else:  # no status question: held when listed among the measures already used
            _merge(witness, "used_measures", frozenset({gateway_id}))


def _add_defaults(witness: Profile, measure: Measure) -> None:
    witness.setdefault("applicant_type", "legal_entity")
    witness.setdefault("registered_in_moscow", True)
    if measure.serves_needs:
        witness.setdefault("needs", measure.serves_needs)  # someone looking for what it gives


def answerable(profile: Mapping[str, Any]) -> Profile:
    """A profile (e.g. from a verdict case) as answers: sets as frozensets, derived fields
    replaced by the answers they derive from."""
    witness: Profile = {}
    for name, value in profile.items():
        spec = FIELDS.get(name)
        if spec is not None and spec.type is FieldType.SET and value is not None:
            value = frozenset(value)
        witness[name] = value
    _realise_derived(witness)
    return witness


def _realise_derived(witness: Profile) -> None:
    """Derived fields have no question: express them through the answers they derive from."""
    category = witness.pop("sme_category", None)
    if category in _CATEGORY_SIZES:
        people, income = _CATEGORY_SIZES[category]
        witness.setdefault("headcount", people)
        witness.setdefault("income_mln", income)
    manufacturing = witness.pop("is_manufacturing", None)
    if manufacturing is not None:
        witness.setdefault("okved_main", _MANUFACTURING_CODE if manufacturing else _NON_MANUFACTURING_CODE)
    has_ip = witness.pop("has_ip", None)
    if has_ip is not None:
        for name in PATENT_FACTS:
            witness.setdefault(name, has_ip if name == "patent_granted" else False)
    used = set(witness.get("used_measures") or ())
    grants = witness.pop("fsi_grants_received", None)
    received = witness.pop("received_fsi_support", None)
    if grants is not None:
        by_grant = {grant: measure_id for measure_id, grant in FSI_MEASURES.items()}
        used |= {by_grant[grant] for grant in grants}
    elif received:
        used.add("fsi-start")
    if grants is not None or received is not None:
        witness["used_measures"] = frozenset(used)


def _satisfy(condition: Condition, witness: Profile, choice: int) -> None:
    if isinstance(condition, Leaf):
        if condition.op in ("not_in", "okved_not_in") and condition.field in witness:
            return  # an exclusion does not overwrite the value another condition asked for
        value = _passing_value(condition)
        if value is not None:
            _merge(witness, condition.field, value)
    elif isinstance(condition, All):
        for child in condition.children:
            _satisfy(child, witness, choice)
    elif isinstance(condition, Any_):
        _satisfy(condition.children[min(choice, len(condition.children) - 1)], witness, choice)
    elif isinstance(condition, Not):
        _violate(condition.child, witness, choice)


def _violate(condition: Condition, witness: Profile, choice: int) -> None:
    """Make ``condition`` fail (for ``not``): De Morgan down to the leaves."""
    if isinstance(condition, Leaf):
        value = _failing_value(condition)
        if value is not None and condition.field not in witness:
            witness[condition.field] = value
    elif isinstance(condition, All):
        _violate(condition.children[min(choice, len(condition.children) - 1)], witness, choice)
    elif isinstance(condition, Any_):
        for child in condition.children:
            _violate(child, witness, choice)
    elif isinstance(condition, Not):
        _satisfy(condition.child, witness, choice)


def _merge(witness: Profile, name: str, value: Any) -> None:
    current = witness.get(name)
    if isinstance(current, frozenset) and isinstance(value, frozenset):
        witness[name] = current | value
    else:
        witness[name] = value


def _passing_value(leaf: Leaf) -> Any:
    if leaf.op == "is":
        return leaf.value
    if leaf.op == "in":
        return sorted(leaf.value)[0]
    if leaf.op == "not_in":
        return next((v for v in FIELDS[leaf.field].values if v not in leaf.value), None)
    if leaf.op == "range":
        bound = leaf.minimum if leaf.minimum is not None else leaf.maximum
        return _number(leaf.field, bound)
    if leaf.op == "okved":
        return _okved_in(leaf.value[0])
    if leaf.op == "okved_in":
        return _okved_in(sorted(leaf.codes)[0])
    if leaf.op == "okved_not_in":
        return _code_outside(leaf.codes)
    if leaf.op == "has_any":
        return frozenset(sorted(leaf.value)[:1])
    if leaf.op == "has_none":
        return frozenset()
    return None


def _failing_value(leaf: Leaf) -> Any:
    spec = FIELDS[leaf.field]
    if leaf.op == "is":
        if spec.type is FieldType.BOOL:
            return not leaf.value
        return next((v for v in spec.values if v != leaf.value), None)
    if leaf.op == "in":
        return next((v for v in spec.values if v not in leaf.value), None)
    if leaf.op == "not_in":
        return sorted(leaf.value)[0]
    if leaf.op == "range":
        if leaf.minimum is not None:
            return _number(leaf.field, max(leaf.minimum - leaf.margin - 1, 0))
        if leaf.maximum is not None:
            return _number(leaf.field, leaf.maximum + leaf.margin + 1)
        return None
    if leaf.op == "okved":
        for code in (_NON_MANUFACTURING_CODE, _MANUFACTURING_CODE, "01.11", "72.19"):
            if not any(okved_matches(code, p) for p in leaf.value):
                return code
        return None
    if leaf.op == "okved_in":
        return _code_outside(leaf.codes)
    if leaf.op == "okved_not_in":
        return _okved_in(sorted(leaf.codes)[0])
    if leaf.op == "has_any":
        return frozenset()
    return None


def _code_outside(codes: frozenset[str]) -> str | None:
    for code in (_NON_MANUFACTURING_CODE, _MANUFACTURING_CODE, "01.11", "72.19", "47.91"):
        if not in_code_set(code, codes):
            return code
    return None


def _number(name: str, value: float | None) -> Any:
    if value is None:
        return None
    return int(value) if FIELDS[name].type is FieldType.INT else float(value)


def _okved_in(pattern: str) -> str:
    """A code under an ОКВЭД pattern: a class range gives its first class, a prefix itself."""
    if "-" in pattern:
        return pattern.split("-")[0] + ".1"
    return pattern


# --- the whole catalogue --------------------------------------------------------------


def reachability(bundle: Bundle, extra: Mapping[str, Iterable[Mapping[str, Any]]] | None = None) -> list[Reachability]:
    """For each measure: does some witness reach «подходит» through the questionnaire?

    ``extra`` adds witnesses per measure id (e.g. the eligible profiles of the verdict cases);
    they are tried first, then the generated ones.
    """
    out: list[Reachability] = []
    for measure in bundle.catalogue.measures:
        candidates: list[Mapping[str, Any]] = list((extra or {}).get(measure.id, ()))
        candidates += witnesses_for(bundle.catalogue, measure)
        best: Walk | None = None
        target = best_verdict(measure)
        for witness in candidates:
            result = walk(bundle, measure.id, witness)
            if best is None or _better(result, best):
                best = result
            if _RANK[result.verdict] <= _RANK[target]:
                break
        out.append(Reachability(measure.id, best is not None and _RANK[best.verdict] <= _RANK[target], best))
    return out


_RANK = {Verdict.ELIGIBLE: 0, Verdict.POSSIBLE: 1, Verdict.INELIGIBLE: 2}


def best_verdict(measure: Measure) -> Verdict:
    """The best verdict the measure can give: «Возможно» when a formal criterion stays text or an
    unverified list decides (DESIGN 3.3), else «Подходит»."""
    return Verdict.ELIGIBLE if measure.can_be_eligible else Verdict.POSSIBLE


def _better(candidate: Walk, current: Walk) -> bool:
    return _RANK[candidate.verdict] < _RANK[current.verdict]


def unreachable_warnings(bundle: Bundle) -> list[Problem]:
    """`navigator check` warnings: measures no questionnaire path (that we can find) makes eligible."""
    by_id = bundle.catalogue.by_id
    problems: list[Problem] = []
    for item in reachability(bundle):
        if item.reachable:
            continue
        hint = ""
        if item.best is not None:
            missing = sorted(_needed_fields(bundle.catalogue, by_id[item.measure_id]) - set(item.best.asked))
            if missing:
                hint = "never asked on the best path: " + ", ".join(missing)
        problems.append(Problem(
            file=bundle.catalogue.path,
            line=by_id[item.measure_id].line,
            column=1,
            message=f"measure {item.measure_id!r} cannot become {best_verdict(by_id[item.measure_id]).value} "
                    f"through the questionnaire (best verdict: {item.best.verdict.value if item.best else 'none'})",
            hint=hint,
            severity="warning",
        ))
    return problems


def _needed_fields(catalogue: Catalogue, measure: Measure) -> set[str]:
    """Answerable fields the measure (and its gateways' status questions) read."""
    out: set[str] = set()
    for name in measure.fields:
        out.update(fields_behind(name))
    for gateway_id in measure.requires:
        gateway = catalogue.by_id[gateway_id]
        if gateway.status_field:
            out.add(gateway.status_field)
    return out


def questions_asked(bundle: Bundle, profile: Mapping[str, Any]) -> Sequence[str]:
    """The fields the questionnaire asks someone with ``profile`` (used to keep paths short)."""
    return drive(bundle.engine, profile)[1]
