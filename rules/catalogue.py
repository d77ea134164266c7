"""The catalogue of measures (``measures.yaml``): its model, its strict schema and its loader.

Loading collects every problem of the file before failing (``DataError``), then runs the
cross-checks that need the whole catalogue: gateway references exist and do not loop, gateway
status fields are real yes/no fields. Each measure's eligibility is compiled once here, so
verdicts for the whole catalogue are cheap afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node

from rules.condition_reader import ConditionSpec
from rules.conditions import Condition, Evaluator, Status, can_pass, compile_condition, fields_of
from rules.official_lists import OfficialList, lists_digest, load_lists
from rules.profile import FIELDS, NEEDS, STATUSES, FieldType
from rules.provenance import require_note, source_keys
from rules.schema import (
    INVALID,
    URL,
    Choice,
    Date,
    Key,
    ListOf,
    Number,
    Reader,
    Record,
    Str,
    join_path,
    node_at,
    open_document,
)

LEVELS = {"federal": "федеральная", "moscow": "московская"}
KINDS = {
    "grant": "грант",
    "subsidy": "субсидия",
    "loan": "заём или кредит",
    "guarantee": "поручительство",
    "tax": "налоговая льгота",
    "export": "поддержка экспорта",
    "infrastructure": "площадка и инфраструктура",
    "consulting": "консультации",
    "training": "обучение",
    "procurement": "закупки",
    "ip": "интеллектуальная собственность",
    "status": "статус",
}
WINDOW_STATUSES = {
    "open": "приём заявок открыт",
    "rolling": "заявки принимают постоянно",
    "paused": "приём приостановлен",
    "closed": "приём закрыт",
    "budget_exhausted": "средства на этот год исчерпаны",
}
ID_PATTERN = r"[a-z0-9]+(-[a-z0-9]+)*"


@dataclass(frozen=True, slots=True)
class Amount:
    display: str
    max_rub: float | None = None
    min_rub: float | None = None
    per: str | None = None
    share: float | None = None
    cofinancing_share: float | None = None
    rate_pct: float | None = None
    term_months: int | None = None
    collateral: str | None = None


@dataclass(frozen=True, slots=True)
class Window:
    status: str
    opens: dt.date | None = None
    until: dt.date | None = None
    note: str = ""

    def effective_status(self, today: dt.date) -> str:
        """An ``open`` window whose end date has passed is closed, whatever the file says."""
        if self.status in ("open", "rolling") and self.until is not None and self.until < today:
            return "closed"
        if self.status == "open" and self.opens is not None and self.opens > today:
            return "paused"
        return self.status

    def is_open(self, today: dt.date) -> bool:
        return self.effective_status(today) in ("open", "rolling")


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    title: str
    operator: str
    level: str
    kind: str
    serves_needs: frozenset[str]
    summary: str
    window: Window
    how_to_apply: str
    apply_via: str
    source_url: str
    last_verified: dt.date
    provenance: str
    line: int = 0
    amount: Amount | None = None
    eligibility: Condition | None = None
    criteria_formal: tuple[str, ...] = ()  # proven by a document, register or list; unchecked → caps at possible
    criteria_expert: tuple[str, ...] = ()  # judged by the operator's review; never lower the verdict
    requires: tuple[str, ...] = ()
    status_field: str | None = None
    clusters: frozenset[str] = frozenset()
    documents: tuple[str, ...] = ()
    legal_basis: str = ""
    provenance_note: str = ""
    source_date: dt.date | None = None  # the newest source's own date (publication / revision)
    keywords: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()  # cannot be combined with these (symmetric; see ``Catalogue.related``)
    step_of: str | None = None  # this measure is a step on the way to that one
    evaluate: Evaluator = field(default=lambda profile: Status.PASS, compare=False, repr=False)

    @property
    def verified(self) -> bool:
        return self.provenance == "verified"

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(fields_of(self.eligibility)) if self.eligibility else frozenset()

    @property
    def can_be_eligible(self) -> bool:
        """False when «Подходит» is out of reach by design (DESIGN 3.3): a formal criterion is
        left as text, or every way through the conditions needs an unverified official list."""
        return not self.criteria_formal and (self.eligibility is None or can_pass(self.eligibility))


@dataclass(frozen=True)
class Catalogue:
    measures: tuple[Measure, ...]
    margins: Mapping[str, float]
    path: str
    version: str  # short sha256 of the file (and of rules/lists); identifies what was loaded
    by_id: Mapping[str, Measure] = field(default_factory=dict)
    lists: Mapping[str, OfficialList] = field(default_factory=dict)  # official code lists (rules/lists)
    referenced_lists: frozenset[str] = frozenset()  # list ids some measure's condition names

    def __post_init__(self) -> None:
        if not self.by_id:
            object.__setattr__(self, "by_id", {m.id: m for m in self.measures})

    @cached_property
    def plan(self) -> tuple[tuple[str, Evaluator, tuple[tuple[str, str | None], ...]], ...]:
        """The verdict hot path's view: (id, evaluate, gateways as (id, status field)), every
        gateway before the measures that require it (the loader rejects gateway cycles)."""
        order: list[Measure] = []
        placed: set[str] = set()

        def place(measure: Measure) -> None:
            if measure.id in placed:
                return
            placed.add(measure.id)
            for gateway_id in measure.requires:
                place(self.by_id[gateway_id])
            order.append(measure)

        for measure in self.measures:
            place(measure)
        return tuple((m.id, m.evaluate, tuple((g, self.by_id[g].status_field) for g in m.requires)) for m in order)

    def alternatives(self, measure_id: str) -> tuple[str, ...]:
        """Measures that cannot be combined with this one, in either direction of ``excludes``."""
        return self._relations()[0].get(measure_id, ())

    def steps(self, measure_id: str) -> tuple[str, ...]:
        """Measures declared ``step_of`` this one (what usually comes before it on the path)."""
        return self._relations()[1].get(measure_id, ())

    def _relations(self) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        cached = self.__dict__.get("_relations_cache")
        if cached is None:
            alternatives: dict[str, list[str]] = {}
            steps: dict[str, list[str]] = {}
            for measure in self.measures:
                for other in measure.excludes:
                    alternatives.setdefault(measure.id, []).append(other)
                    alternatives.setdefault(other, []).append(measure.id)
                if measure.step_of:
                    steps.setdefault(measure.step_of, []).append(measure.id)
            cached = ({k: tuple(dict.fromkeys(v)) for k, v in alternatives.items()},
                      {k: tuple(v) for k, v in steps.items()})
            self.__dict__["_relations_cache"] = cached
        return cached

    def used_fields(self) -> frozenset[str]:
        out: set[str] = set()
        for measure in self.measures:
            out |= measure.fields
            if measure.status_field:
                out.add(measure.status_field)
        return frozenset(out)


def _check_amount(value: dict[str, Any], node: MappingNode, reader: Reader, path: str) -> None:
    low, high = value.get("min_rub"), value.get("max_rub")
    if low is not None and high is not None and low > high:
        reader.error(node_at(node, "min_rub"), "min_rub is greater than max_rub", join_path(path, "min_rub"))


def _check_window(value: dict[str, Any], node: MappingNode, reader: Reader, path: str) -> None:
    opens, until = value.get("opens"), value.get("until")
    if opens and until and opens > until:
        reader.error(node_at(node, "until"), "the window closes before it opens", join_path(path, "until"))


def _check_measure(value: dict[str, Any], node: MappingNode, reader: Reader, path: str) -> None:
    require_note(value, node, reader, path, record="an unverified measure",
                 hint="say which figure or criterion is not confirmed")
    status_field = value.get("status_field")
    if status_field is not None and status_field not in STATUSES:
        reader.error(node_at(node, "status_field"), f"{status_field!r} is not a status field",
                     join_path(path, "status_field"), allowed=", ".join(STATUSES))
    source_date, last_verified = value.get("source_date"), value.get("last_verified")
    if isinstance(source_date, dt.date) and isinstance(last_verified, dt.date) and source_date > last_verified:
        reader.error(node_at(node, "source_date"),
                     f"source_date {source_date.isoformat()} is after last_verified {last_verified.isoformat()}",
                     join_path(path, "source_date"),
                     hint="a source cannot be dated after the day it was read; check both dates")


AMOUNT = Record(
    {
        "display": Key(Str(), required=True, description="what the card shows, in Russian"),
        "max_rub": Key(Number(minimum=0)),
        "min_rub": Key(Number(minimum=0)),
        "per": Key(Choice(("project", "year", "once", "month"))),
        "share": Key(Number(minimum=0, maximum=1), description="share of costs covered"),
        "cofinancing_share": Key(Number(minimum=0, maximum=1), description="own money required, share"),
        "rate_pct": Key(Number(minimum=0, maximum=100)),
        "term_months": Key(Number(integer=True, minimum=1)),
        "collateral": Key(Str(), description="collateral or guarantee a loan needs, as the source states it"),
    },
    name="amount",
    check=_check_amount,
)
WINDOW = Record(
    {
        "status": Key(Choice(tuple(WINDOW_STATUSES)), required=True),
        "opens": Key(Date()),
        "until": Key(Date()),
        "note": Key(Str()),
    },
    name="window",
    check=_check_window,
)


def measure_spec(conditions: ConditionSpec) -> Record:
    text_list = ListOf(Str(), unique=True)
    return Record(
        {
            "id": Key(Str(pattern=ID_PATTERN, hint="kebab-case latin, e.g. mik-equipment-grant"), required=True),
            "title": Key(Str(max_length=200), required=True),
            "operator": Key(Str(), required=True),
            "level": Key(Choice(tuple(LEVELS)), required=True),
            "kind": Key(Choice(tuple(KINDS)), required=True),
            "serves_needs": Key(ListOf(Choice(tuple(NEEDS)), min_items=1, unique=True), required=True),
            "clusters": Key(ListOf(Choice(tuple(FIELDS["cluster"].values)), unique=True)),
            "summary": Key(Str(), required=True),
            "amount": Key(AMOUNT),
            "eligibility": Key(conditions),
            "criteria_formal": Key(text_list, description=(
                "criteria a document, register or official list proves, not (yet) machine conditions; "
                "each one left here caps the verdict at «Возможно» and shows as «?»")),
            "criteria_expert": Key(text_list, description=(
                "criteria only the operator's review judges (novelty, market, team); shown as "
                "«решает экспертиза», never lower the verdict")),
            "requires": Key(ListOf(Str(pattern=ID_PATTERN), unique=True)),
            "excludes": Key(ListOf(Str(pattern=ID_PATTERN), min_items=1, unique=True),
                            description="ids of measures this one cannot be combined with (by its own rules; "
                                        "symmetric — list it on one side)"),
            "step_of": Key(Str(pattern=ID_PATTERN),
                           description="id of the measure this one is a step towards (shown as a path)"),
            "status_field": Key(Str(), description="for gateway statuses: the yes/no profile field that records holding it"),
            "window": Key(WINDOW, required=True),
            "documents": Key(text_list),
            "how_to_apply": Key(Str(), required=True),
            "apply_via": Key(URL, required=True),
            "legal_basis": Key(Str()),
            **source_keys(),
            "source_date": Key(Date(), description=(
                "the own date (publication or revision) of the newest source actually read for this card; "
                "shown next to «проверено»; never after last_verified")),
            "keywords": Key(text_list),
            "synonyms": Key(text_list),
        },
        name="measure",
        check=_check_measure,
    )


DEFAULTS = Record(
    {"margins": Key(Record({name: Key(Number(minimum=0)) for name, f in FIELDS.items()
                            if f.type in (FieldType.INT, FieldType.NUMBER)}, name="margins"))},
    name="defaults",
)


def catalogue_spec() -> Record:
    """The whole file, for JSON Schema generation (loading goes measure by measure)."""
    return Record(
        {"defaults": Key(DEFAULTS), "measures": Key(ListOf(measure_spec(ConditionSpec()), min_items=1), required=True)},
        name="catalogue",
    )


def load_catalogue(path: str | Path, text: str | None = None,
                   lists: Mapping[str, OfficialList] | None = None) -> Catalogue:
    """Load and validate ``measures.yaml`` with the official lists it references (``rules/lists``
    unless ``lists`` is given); raise ``DataError`` listing every problem of every file."""
    digest = ""
    if lists is None:
        lists, digest = load_lists(), lists_digest()
    document = open_document(str(path), text, "catalogue", ("defaults", "measures"), ("measures",))
    reader = document.reader
    margins: dict[str, float] = {}
    if "defaults" in document.sections:
        defaults = DEFAULTS.read(document.sections["defaults"], reader, "defaults")
        if defaults is not INVALID:
            margins = dict(defaults.get("margins", {}))
    conditions = ConditionSpec(margins=margins, lists=lists)
    items = document.items("measures", measure_spec(conditions))
    measures = _build_measures(items, reader)
    reader.raise_if_errors()
    return Catalogue(tuple(measures), margins, str(path), catalogue_version(document.version, digest),
                     lists=dict(lists), referenced_lists=frozenset(conditions.referenced))


def catalogue_version(file_version: str, lists_version: str) -> str:
    """What was loaded: the measures file's short sha256, combined with the official lists' digest
    when they were read from ``rules/lists`` (``bot.services.reload.file_versions`` computes the same)."""
    if not lists_version:
        return file_version
    return hashlib.sha256(f"{file_version}:{lists_version}".encode()).hexdigest()[:12]


def _build_measures(read: list[tuple[dict[str, Any], Node, str]], reader: Reader) -> list[Measure]:
    measures: list[Measure] = []
    located: dict[str, tuple[Node, str]] = {}
    for item, node, path in read:
        if item["id"] in located:
            first = located[item["id"]][0].start_mark.line + 1
            reader.error(node_at(node, "id"), f"duplicate measure id {item['id']!r} (first at line {first})",
                         join_path(path, "id"))
            continue
        located[item["id"]] = (node, path)
        measures.append(_to_measure(item, node.start_mark.line + 1))
    ids = set(located)
    for measure in measures:
        node, path = located[measure.id]
        for position, gateway in enumerate(measure.requires):
            where = join_path(path, f"requires[{position}]")
            if gateway not in ids:
                reader.error(node_at(node, "requires", position), f"requires unknown measure {gateway!r}",
                             where, hint="list the gateway measure in the catalogue")
            elif gateway == measure.id:
                reader.error(node_at(node, "requires", position), "a measure cannot require itself", where)
        _check_relations(measure, node, path, ids, reader)
        for used in sorted(_used_measure_values(measure.eligibility) - ids):
            reader.error(node_at(node, "eligibility"), f"used_measures names unknown measure {used!r}",
                         join_path(path, "eligibility"), allowed="ids of measures in this catalogue")
    _check_gateway_cycles(measures, located, reader)
    _check_step_cycles(measures, located, reader)
    return measures


def _check_relations(measure: Measure, node: Node, path: str, ids: set[str], reader: Reader) -> None:
    """``excludes`` and ``step_of`` name other measures of the catalogue, never the measure itself,
    and a pair is either alternatives or a path, not both."""
    for position, other in enumerate(measure.excludes):
        where = join_path(path, f"excludes[{position}]")
        if other not in ids:
            reader.error(node_at(node, "excludes", position), f"excludes unknown measure {other!r}", where,
                         hint="list the measure in the catalogue or remove it from 'excludes'")
        elif other == measure.id:
            reader.error(node_at(node, "excludes", position), "a measure cannot exclude itself", where)
        elif other == measure.step_of:
            reader.error(node_at(node, "excludes", position),
                         f"{other!r} is both excluded and the measure this one is a step of", where,
                         hint="a path is a sequence: keep either 'excludes' or 'step_of'")
    if measure.step_of is not None:
        where = join_path(path, "step_of")
        if measure.step_of not in ids:
            reader.error(node_at(node, "step_of"), f"step_of names unknown measure {measure.step_of!r}", where,
                         hint="list the measure in the catalogue")
        elif measure.step_of == measure.id:
            reader.error(node_at(node, "step_of"), "a measure cannot be a step of itself", where)


def _check_step_cycles(measures: list[Measure], located: dict[str, tuple[Node, str]], reader: Reader) -> None:
    """``step_of`` chains end: A → B → A would be a path that never arrives (reported once)."""
    by_id = {m.id: m for m in measures}
    reported: set[str] = set()
    for measure in measures:
        trail = [measure.id]
        current = measure.step_of
        while current is not None and current in by_id and current not in trail:
            trail.append(current)
            current = by_id[current].step_of
        if current == measure.id and not reported & set(trail):
            reported.update(trail)
            node, path = located[measure.id]
            reader.error(node_at(node, "step_of"), f"steps form a cycle: {' → '.join([*trail, measure.id])}",
                         join_path(path, "step_of"))


def _used_measure_values(condition: Condition | None) -> set[str]:
    from rules.conditions import All, Any_, Leaf, Not

    if condition is None:
        return set()
    if isinstance(condition, Leaf):
        return set(condition.value) if condition.field == "used_measures" else set()
    if isinstance(condition, Not):
        return _used_measure_values(condition.child)
    assert isinstance(condition, (All, Any_))
    out: set[str] = set()
    for child in condition.children:
        out |= _used_measure_values(child)
    return out


def _check_gateway_cycles(measures: list[Measure], located: dict[str, tuple[Node, str]], reader: Reader) -> None:
    graph = {m.id: [g for g in m.requires if g in located and g != m.id] for m in measures}
    state: dict[str, int] = {}  # 1 = on the current trail, 2 = done

    def visit(node_id: str, trail: list[str]) -> None:
        state[node_id] = 1
        for nxt in graph[node_id]:
            if state.get(nxt) == 1:
                cycle = " → ".join([*trail[trail.index(nxt):], nxt])
                node, path = located[node_id]
                reader.error(node_at(node, "requires"), f"gateways form a cycle: {cycle}", join_path(path, "requires"))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node_id] = 2

    for measure in measures:
        if measure.id not in state:
            visit(measure.id, [measure.id])


def _to_measure(item: dict[str, Any], line: int) -> Measure:
    amount = Amount(**item["amount"]) if "amount" in item else None
    eligibility = item.get("eligibility")
    return Measure(
        id=item["id"],
        title=item["title"],
        operator=item["operator"],
        level=item["level"],
        kind=item["kind"],
        serves_needs=frozenset(item["serves_needs"]),
        summary=" ".join(item["summary"].split()),
        window=Window(**item["window"]),
        how_to_apply=item["how_to_apply"],
        apply_via=item["apply_via"],
        source_url=item["source_url"],
        last_verified=item["last_verified"],
        provenance=item["provenance"],
        line=line,
        amount=amount,
        eligibility=eligibility,
        criteria_formal=tuple(item.get("criteria_formal", ())),
        criteria_expert=tuple(item.get("criteria_expert", ())),
        requires=tuple(item.get("requires", ())),
        status_field=item.get("status_field"),
        clusters=frozenset(item.get("clusters", ())),
        documents=tuple(item.get("documents", ())),
        legal_basis=item.get("legal_basis", ""),
        provenance_note=item.get("provenance_note", ""),
        source_date=item.get("source_date"),
        keywords=tuple(item.get("keywords", ())),
        synonyms=tuple(item.get("synonyms", ())),
        excludes=tuple(item.get("excludes", ())),
        step_of=item.get("step_of"),
        evaluate=_evaluator(eligibility, capped=bool(item.get("criteria_formal"))),
    )


def _evaluator(eligibility: Condition | None, capped: bool) -> Evaluator:
    """The measure's own status. A formal criterion left as text caps it (DESIGN 3.3): a pass
    becomes unknown — «Возможно», shown «?» — while a fail stays a fail."""
    if eligibility is None:
        return (lambda profile: Status.UNKNOWN) if capped else (lambda profile: Status.PASS)
    inner = compile_condition(eligibility)
    if not capped:
        return inner
    UNKNOWN, FAIL = Status.UNKNOWN, Status.FAIL

    def evaluate_capped(profile: Mapping[str, Any]) -> Status:
        status = inner(profile)
        return status if status is FAIL else UNKNOWN

    return evaluate_capped
