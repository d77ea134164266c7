"""Consultant-judged evaluation of verdicts (issue 13, step 5): does «Подходит» keep its promise?

``tests/consultant/*.yaml`` holds expectations written from each programme's own rules — never
from what the engine prints: a named profile, a measure id, the verdicts a consultant would accept
(a list, because a programme's rules sometimes leave the answer open) and the rule that justifies
them. This module loads them strictly (an unknown key, profile, fact or measure id is a located
error, nothing is ignored), runs the real engine and scores it:

* precision of «Подходит» — of the ``eligible`` verdicts the engine gives on these pairs, the share
  the expectations accept;
* recall of «Подходит» — of the pairs whose acceptable set contains ``eligible``, the share the
  engine shows as ``eligible`` or ``possible`` (a truly eligible company must at least see it);
* wrong «Не подходит» — pairs where the engine says ``ineligible`` and the expectations do not
  accept it (a hard "no" a consultant would not sign).

A case file is a mapping with ``profiles`` (name → description, profile, facts) and/or
``expectations`` (a list). Profile names are shared by every file of the directory.

``facts`` hold what a programme tests but the profile vocabulary may not hold yet (granted patent
vs application, share of IT income, ownership for 209-ФЗ …). Each fact name is declared in
``FACTS``; a fact whose name is a vocabulary field (``rules.profile.FIELDS``) is validated as that
field and given to the engine, the others are reported as facts the engine cannot see. So the
expectations never change when the vocabulary grows — the engine just starts seeing more.

Pure: no aiogram, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from rules.catalogue import Catalogue
from rules.eligibility import Verdict, verdicts
from rules.errors import DataError, Problem
from rules.profile import FIELDS
from rules.profile_file import field_spec, read_profile_node
from rules.schema import (
    INVALID,
    Bool,
    Choice,
    Key,
    ListOf,
    Number,
    Reader,
    Record,
    Spec,
    Str,
    compose_file,
    read_pairs,
)

VERDICTS = tuple(v.value for v in Verdict)

# The targets of issue 13: a consultant signs «Подходит», never a wrong «Не подходит».
TARGET_PRECISION = 0.95
TARGET_RECALL = 0.98
TARGET_WRONG_INELIGIBLE = 0


@dataclass(frozen=True, slots=True)
class Fact:
    """A fact a programme tests; ``spec`` validates it while the vocabulary has no such field."""

    description: str
    spec: Spec


def _share() -> Number:
    return Number(minimum=0, maximum=100)


# Names agreed with the vocabulary of issue 13 (the engine helper's field names); when a name becomes a
# vocabulary field, the field's own domain validates it and the engine sees it.
FACTS: dict[str, Fact] = {
    "patent_granted": Fact("holds a granted RF patent (not only an application)", Bool()),
    "patent_recent": Fact("an RF patent was granted within the last 12 months", Bool()),
    "patent_application": Fact("a patent application is filed and not yet granted", Bool()),
    "fsi_grants_received": Fact("ФСИ grants the company itself received (umnik_founder = a founder's УМНИК)",
                                ListOf(Choice(("umnik_founder", "student_startup", "start", "business_start",
                                               "development", "commercialization", "internationalization",
                                               "cooperation")), unique=True)),
    "it_income_share_pct": Fact("share of income from IT activities (ПП 1729), %", _share()),
    "export_share_pct": Fact("share of export in revenue, %", _share()),
    "main_activity_income_share_pct": Fact("share of income from the main ОКВЭД activity (НК ст. 427), %",
                                           _share()),
    "wage_at_least_average": Fact("average monthly pay ≥ the regional (Moscow) or Russian average", Bool()),
    "ownership_over_209fz_limits": Fact("209-ФЗ ст. 4 ч. 1.1 fails: state/public > 25 %, foreign or non-SME "
                                        "legal entities > 49 %", Bool()),
    "manages_production_site": Fact("owner or management company of a production site / technopark", Bool()),
    "industrial_cluster_member": Fact("member of an industrial cluster in the Минпромторг register (ПП 41)",
                                      Bool()),
}


@dataclass(frozen=True, slots=True)
class CaseProfile:
    name: str
    description: str
    profile: Mapping[str, Any]  # what the engine sees: vocabulary fields (incl. facts that are fields)
    facts: Mapping[str, Any]  # every fact, as written
    where: str

    @property
    def unseen_facts(self) -> tuple[str, ...]:
        """Facts the vocabulary cannot hold yet — the engine cannot see them."""
        return tuple(sorted(name for name in self.facts if name not in FIELDS))


@dataclass(frozen=True, slots=True)
class Expectation:
    profile: str
    measure: str
    accept: frozenset[str]
    rule: str
    where: str  # file:line
    note: str = ""


@dataclass(frozen=True, slots=True)
class CaseSet:
    profiles: Mapping[str, CaseProfile]
    expectations: tuple[Expectation, ...]


@dataclass(frozen=True, slots=True)
class Disagreement:
    expectation: Expectation
    got: str
    kind: str  # overstated | wrong_ineligible | missed | other


@dataclass(frozen=True, slots=True)
class Report:
    total: int
    shown_eligible: int
    accepted_eligible: int
    recall_pairs: int
    recall_hits: int
    wrong_ineligible: int
    disagreements: tuple[Disagreement, ...]
    unseen_facts: tuple[str, ...] = field(default=())

    @property
    def precision(self) -> float:
        return self.accepted_eligible / self.shown_eligible if self.shown_eligible else 1.0

    @property
    def recall(self) -> float:
        return self.recall_hits / self.recall_pairs if self.recall_pairs else 1.0

    @property
    def missed_targets(self) -> tuple[str, ...]:
        missed = []
        if self.precision < TARGET_PRECISION:
            missed.append("precision")
        if self.recall < TARGET_RECALL:
            missed.append("recall")
        if self.wrong_ineligible > TARGET_WRONG_INELIGIBLE:
            missed.append("wrong_ineligible")
        return tuple(missed)


# --- loading -----------------------------------------------------------------------------------


class _Facts(Spec):
    """A mapping of declared fact names; a name that is a vocabulary field uses the field's domain."""

    def __init__(self, measure_ids: frozenset[str]) -> None:
        self.measure_ids = measure_ids

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        keys = {
            name: Key(field_spec(FIELDS[name], self.measure_ids) if name in FIELDS else fact.spec,
                      description=fact.description)
            for name, fact in FACTS.items()
        }
        return Record(keys, name="facts").read(node, reader, path)


class _Profile(Spec):
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        return read_profile_node(node, reader, path, self.catalogue)


def _profile_record(catalogue: Catalogue) -> Record:
    return Record({
        "description": Key(Str(), required=True, description="who this is, in a line"),
        "profile": Key(_Profile(catalogue), required=True, description="vocabulary fields (rules/profile.py)"),
        "facts": Key(_Facts(frozenset(catalogue.by_id)),
                     description="what the programmes test beyond the vocabulary (FACTS)"),
    }, name="consultant profile")


def _expectation_record(catalogue: Catalogue) -> Record:
    return Record({
        "profile": Key(Str(), required=True, description="a profile name"),
        "measure": Key(Str(), required=True, description="a measure id of the catalogue"),
        "accept": Key(ListOf(Choice(VERDICTS), min_items=1, unique=True), required=True,
                      description="verdicts a consultant accepts"),
        "rule": Key(Str(), required=True, description="the programme's own rule: legal basis + clause, or page"),
        "note": Key(Str(), description="why the accepted set is what it is"),
    }, name="expectation")


def load_cases(directory: str | Path, catalogue: Catalogue) -> CaseSet:
    """Every ``*.yaml`` in ``directory``; raises ``DataError`` listing every problem of every file."""
    paths = sorted(Path(directory).glob("*.yaml"))
    problems = []
    profiles: dict[str, CaseProfile] = {}
    broken: set[str] = set()  # profiles already reported as invalid: their expectations add no noise
    pending: list[tuple[dict[str, Any], Node, Reader]] = []
    readers: list[Reader] = []
    if not paths:
        raise DataError([_problem(str(directory), "no *.yaml expectation files here")])
    for path in paths:
        root, file_problems = compose_file(str(path))
        reader = Reader(str(path), file_problems)
        readers.append(reader)
        if root is None:
            continue
        pairs = read_pairs(root, reader, "", "case file")
        if pairs is INVALID or not isinstance(pairs, list):
            continue
        for key, key_node, value_node in pairs:
            if key == "profiles":
                _read_profiles(value_node, reader, catalogue, profiles, broken)
            elif key == "expectations":
                if not isinstance(value_node, SequenceNode):
                    reader.error(value_node, "'expectations' must be a list", key)
                    continue
                spec = _expectation_record(catalogue)
                for index, item in enumerate(value_node.value):
                    value = spec.read(item, reader, f"expectations[{index}]")
                    if value is not INVALID:
                        pending.append((value, item, reader))
            else:
                reader.error(key_node, f"unknown top-level key {key!r}", key, allowed="profiles, expectations")
    expectations: list[Expectation] = []
    seen: dict[tuple[str, str], str] = {}
    for value, node, reader in pending:
        where = f"{reader.file}:{node.start_mark.line + 1}"
        if value["profile"] in broken:
            continue
        if value["profile"] not in profiles:
            reader.error(_child(node, "profile"), f"unknown profile {value['profile']!r}", "profile",
                         allowed=", ".join(sorted(profiles)))
            continue
        if value["measure"] not in catalogue.by_id:
            reader.error(_child(node, "measure"), f"unknown measure id {value['measure']!r}", "measure",
                         hint=_closest(value["measure"], catalogue.by_id))
            continue
        pair = (value["profile"], value["measure"])
        if pair in seen:
            reader.error(node, f"duplicate expectation for {pair[0]} × {pair[1]} (first at {seen[pair]})", "")
            continue
        seen[pair] = where
        expectations.append(Expectation(value["profile"], value["measure"], frozenset(value["accept"]),
                                        value["rule"].strip(), where, value.get("note", "").strip()))
    for reader in readers:
        problems.extend(reader.errors)
    if problems:
        raise DataError(problems)
    return CaseSet(profiles, tuple(expectations))


def _read_profiles(node: Node, reader: Reader, catalogue: Catalogue, out: dict[str, CaseProfile],
                   broken: set[str]) -> None:
    pairs = read_pairs(node, reader, "profiles", "profiles (name: profile)")
    if pairs is INVALID or not isinstance(pairs, list):
        return
    spec = _profile_record(catalogue)
    for name, key_node, value_node in pairs:
        where = f"{reader.file}:{key_node.start_mark.line + 1}"
        if name in out:
            reader.error(key_node, f"profile {name!r} is defined twice (first at {out[name].where})",
                         f"profiles.{name}")
            continue
        value = spec.read(value_node, reader, f"profiles.{name}")
        if value is INVALID:
            broken.add(name)
            continue
        facts = dict(value.get("facts", {}))
        profile = dict(value["profile"])
        for fact, fact_value in facts.items():
            if fact in FIELDS:
                if fact in profile:
                    reader.error(key_node, f"{fact!r} is given both in the profile and in its facts",
                                 f"profiles.{name}.facts.{fact}")
                profile[fact] = frozenset(fact_value) if isinstance(fact_value, list) else fact_value
        out[name] = CaseProfile(name, value["description"].strip(), profile, facts, where)


def _closest(word: str, allowed: Iterable[str]) -> str:
    close = get_close_matches(word, list(allowed), n=1)
    return f"did you mean {close[0]!r}?" if close else ""


def _child(node: Node, key: str) -> Node:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if getattr(k, "value", None) == key and isinstance(v, Node):
                return v
    return node


def _problem(file: str, message: str) -> Problem:
    return Problem(file, 1, 1, message)


# --- scoring -----------------------------------------------------------------------------------


def evaluate(catalogue: Catalogue, cases: CaseSet) -> Report:
    """Run the engine on every profile once and score it against the expectations."""
    got_by_profile: dict[str, Mapping[str, Verdict]] = {}
    shown_eligible = accepted_eligible = recall_pairs = recall_hits = wrong_ineligible = 0
    disagreements: list[Disagreement] = []
    for expectation in cases.expectations:
        if expectation.profile not in got_by_profile:
            got_by_profile[expectation.profile] = verdicts(catalogue, cases.profiles[expectation.profile].profile)
        got = got_by_profile[expectation.profile][expectation.measure].value
        accepted = got in expectation.accept
        if got == Verdict.ELIGIBLE.value:
            shown_eligible += 1
            accepted_eligible += accepted
        if Verdict.ELIGIBLE.value in expectation.accept:
            recall_pairs += 1
            recall_hits += got in (Verdict.ELIGIBLE.value, Verdict.POSSIBLE.value)
        if got == Verdict.INELIGIBLE.value and not accepted:
            wrong_ineligible += 1
        if not accepted:
            disagreements.append(Disagreement(expectation, got, _kind(got, expectation.accept)))
    unseen = sorted({fact for name in got_by_profile for fact in cases.profiles[name].unseen_facts})
    return Report(len(cases.expectations), shown_eligible, accepted_eligible, recall_pairs, recall_hits,
                  wrong_ineligible, tuple(disagreements), tuple(unseen))


def _kind(got: str, accept: Iterable[str]) -> str:
    accept = set(accept)
    if got == Verdict.ELIGIBLE.value:
        return "overstated"
    if got == Verdict.INELIGIBLE.value:
        return "missed" if Verdict.ELIGIBLE.value in accept else "wrong_ineligible"
    return "other"


def evaluate_directory(directory: str | Path, catalogue: Catalogue) -> Report:
    return evaluate(catalogue, load_cases(directory, catalogue))


def format_report(report: Report) -> str:
    """Disagreements first (with the rule), the three figures last — `navigator eval-verdicts`."""
    lines: list[str] = []
    order = {"overstated": 0, "wrong_ineligible": 1, "missed": 2, "other": 3}
    for d in sorted(report.disagreements, key=lambda d: (order[d.kind], d.expectation.where)):
        e = d.expectation
        lines.append(f"{d.kind:16} {e.profile} × {e.measure}: got {d.got}, accepted "
                     f"{'/'.join(sorted(e.accept))} ({e.where})")
        lines.append(f"{'':16} rule: {e.rule}")
    if report.unseen_facts:
        lines.append("facts the vocabulary cannot hold yet: " + ", ".join(report.unseen_facts))
    lines.append(f"expectations {report.total}, disagreements {len(report.disagreements)}")
    lines.append(f"precision {report.precision:.3f} ({report.accepted_eligible}/{report.shown_eligible} "
                 f"«Подходит» accepted; target ≥ {TARGET_PRECISION})")
    lines.append(f"recall {report.recall:.3f} ({report.recall_hits}/{report.recall_pairs} eligible pairs shown "
                 f"as eligible or possible; target ≥ {TARGET_RECALL})")
    lines.append(f"wrong_ineligible {report.wrong_ineligible} (target {TARGET_WRONG_INELIGIBLE})")
    return "\n".join(lines)


def report_json(report: Report) -> dict[str, Any]:
    return {
        "total": report.total,
        "precision": round(report.precision, 4),
        "recall": round(report.recall, 4),
        "wrong_ineligible": report.wrong_ineligible,
        "shown_eligible": report.shown_eligible,
        "accepted_eligible": report.accepted_eligible,
        "recall_pairs": report.recall_pairs,
        "recall_hits": report.recall_hits,
        "missed_targets": list(report.missed_targets),
        "unseen_facts": list(report.unseen_facts),
        "disagreements": [
            {"profile": d.expectation.profile, "measure": d.expectation.measure, "got": d.got,
             "accept": sorted(d.expectation.accept), "kind": d.kind, "rule": d.expectation.rule,
             "where": d.expectation.where}
            for d in report.disagreements
        ],
    }
