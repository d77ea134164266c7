"""Large customers' requests (``requests.yaml``): what a corporation or a city buyer needs from SMEs,
and which companies and projects a request fits — the «конференции поставщиков» side of the
cluster strategy, between conferences.

Decisions:
- The same strict loader as every data file (``rules.schema``): unknown or duplicate keys,
  wrong types and bad values are ``file:line:col`` errors with the dotted path; the JSON
  Schema comes from the same spec (``navigator schema``).
- A request names who it is for with ``clusters``, ``sectors`` and ``okved`` (a class «26», a
  prefix «26.51» or a range «10-33», as in measures). They are alternatives: a company fits when
  any of them names it (its cluster, its sector or its main ОКВЭД); a request must give at
  least one, so nothing is broadcast to everybody.
- A request whose content no public source confirms is ``example: true`` with a
  ``provenance_note``; the bot labels it «пример». We ship only such examples until staff add
  real requests (the research found no public, dated request to copy).
- Each request has a *version*: a short hash of its content. An alert is sent once per user and
  request version, so fixing a typo in the deadline re-alerts, re-loading the same file never does.
- A request past its deadline is a warning, not an error (the file stays loadable), and is
  never alerted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode

from rules.errors import DataError, Problem
from rules.okved import PATTERN_RE
from rules.okved import matches as okved_matches
from rules.places import CLUSTER_IDS
from rules.profile import SECTORS
from rules.projects import ProjectCard
from rules.provenance import require_note, source_keys
from rules.schema import (
    URL,
    Bool,
    Date,
    Key,
    ListOf,
    Reader,
    Record,
    Str,
    join_path,
    node_at,
    open_document,
)
from rules.schema import Choice as ChoiceSpec

ID_PATTERN = r"[a-z0-9]+(-[a-z0-9]+)*"
FILE_NAME = "requests.yaml"


@dataclass(frozen=True, slots=True)
class CustomerRequest:
    id: str
    version: str
    customer: str
    title: str
    need: str
    deadline: dt.date | None
    respond: str
    source_url: str
    last_verified: dt.date
    provenance: str
    line: int = 0
    customer_url: str = ""
    respond_url: str = ""
    clusters: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    okved: tuple[str, ...] = ()
    example: bool = False
    provenance_note: str = ""
    keywords: tuple[str, ...] = ()

    def open_on(self, today: dt.date) -> bool:
        return self.deadline is None or self.deadline >= today

    def fits_profile(self, profile: Mapping[str, Any]) -> bool:
        """The company's cluster, sector or main ОКВЭД is among those the request names."""
        if profile.get("cluster") in self.clusters or profile.get("sector") in self.sectors:
            return True
        code = profile.get("okved_main")
        return isinstance(code, str) and any(okved_matches(code, p) for p in self.okved)

    def fits_project(self, card: ProjectCard) -> bool:
        return card.cluster in self.clusters or card.sector in self.sectors


@dataclass(frozen=True)
class RequestBook:
    requests: tuple[CustomerRequest, ...]
    path: str
    version: str
    by_id: Mapping[str, CustomerRequest]
    warnings: tuple[Problem, ...] = field(default=())


def _check_request(value: dict[str, Any], node: MappingNode, reader: Reader, path: str) -> None:
    if not (value.get("clusters") or value.get("sectors") or value.get("okved")):
        reader.error(node, "a request must name whom it is for", join_path(path, "clusters"),
                     hint="give clusters, sectors or okved (any of them); nothing is sent to everybody")
    for position, pattern in enumerate(value.get("okved", ())):
        if not PATTERN_RE.match(pattern):
            reader.error(node_at(node, "okved", position), f"{pattern!r} is not an ОКВЭД class, code or range",
                         join_path(path, f"okved[{position}]"), hint='write "26", "26.51" or "10-33" (quoted)')
    require_note(value, node, reader, path, record="an example or unverified request",
                 hint="say what is not confirmed, e.g. «пример формата, заказчик не публиковал запрос»",
                 unconfirmed=bool(value.get("example")), at="example" if value.get("example") else "provenance")


CUSTOMER = Record({"name": Key(Str(max_length=200), required=True), "url": Key(URL)}, name="customer")
RESPOND = Record({"how": Key(Str(max_length=500), required=True), "url": Key(URL)}, name="respond")


def request_spec() -> Record:
    return Record(
        {
            "id": Key(Str(pattern=ID_PATTERN, max_length=40, hint="kebab-case latin, e.g. 2027-q1-mosmetro-sensors"),
                      required=True),
            "customer": Key(CUSTOMER, required=True, description="the large customer: company or city body"),
            "title": Key(Str(max_length=200), required=True),
            "need": Key(Str(max_length=1500), required=True, description="what they need, in their words"),
            "clusters": Key(ListOf(ChoiceSpec(CLUSTER_IDS), unique=True)),
            "sectors": Key(ListOf(ChoiceSpec(tuple(SECTORS)), unique=True)),
            "okved": Key(ListOf(Str(hint='quote the code: "26.51"'), unique=True),
                         description='ОКВЭД classes, codes or ranges: "26", "26.51", "10-33"'),
            "deadline": Key(Date(), description="last day to respond"),
            "respond": Key(RESPOND, required=True, description="how to respond"),
            "example": Key(Bool(), description="true when no public source confirms the request"),
            **source_keys(),
            "keywords": Key(ListOf(Str(), unique=True)),
        },
        name="request",
        check=_check_request,
    )


def requests_file_spec() -> Record:
    """The whole file, for JSON Schema generation."""
    return Record({"requests": Key(ListOf(request_spec(), min_items=1), required=True)}, name="requests file")


def _version(item: dict[str, Any]) -> str:
    canonical = json.dumps(item, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:10]


def load_requests(path: str | Path, today: dt.date, text: str | None = None) -> RequestBook:
    """Load and validate ``requests.yaml``; raise ``DataError`` listing every problem."""
    path = str(path)
    document = open_document(path, text, "requests file", ("requests",), ("requests",))
    reader, items = document.reader, document.items("requests", request_spec())
    found: list[CustomerRequest] = []
    seen: dict[str, int] = {}
    for item, node, where in items:
        line = node.start_mark.line + 1
        if item["id"] in seen:
            reader.error(node_at(node, "id"), f"duplicate request id {item['id']!r} (first at line {seen[item['id']]})",
                         join_path(where, "id"))
            continue
        seen[item["id"]] = line
        request = _to_request(item, line)
        if not request.open_on(today):
            reader.warn(node_at(node, "deadline"), f"request {request.id!r} is past its deadline ({request.deadline})",
                        join_path(where, "deadline"), hint="remove it or move the deadline")
        found.append(request)
    reader.raise_if_errors()
    warnings = tuple(p for p in reader.problems if p.severity == "warning")
    return RequestBook(tuple(found), path, document.version, {r.id: r for r in found}, warnings)


def _to_request(item: dict[str, Any], line: int) -> CustomerRequest:
    customer, respond = item["customer"], item["respond"]
    return CustomerRequest(
        id=item["id"], version=_version(item), customer=customer["name"], customer_url=customer.get("url", ""),
        title=item["title"], need=" ".join(item["need"].split()), deadline=item.get("deadline"),
        respond=" ".join(respond["how"].split()), respond_url=respond.get("url", ""),
        source_url=item["source_url"], last_verified=item["last_verified"], provenance=item["provenance"],
        line=line, clusters=frozenset(item.get("clusters", ())), sectors=frozenset(item.get("sectors", ())),
        okved=tuple(item.get("okved", ())), example=bool(item.get("example", False)),
        provenance_note=item.get("provenance_note", ""), keywords=tuple(item.get("keywords", ())),
    )


def check_file(path: str | Path | None, today: dt.date) -> tuple[list[Problem], str]:
    """Validate ``requests.yaml`` for ``navigator check``: (problems, summary); a missing file is skipped."""
    if path is None or not Path(path).exists():
        return [], ""
    try:
        book = load_requests(path, today)
    except DataError as exc:
        return list(exc.problems), ""
    examples = sum(r.example for r in book.requests)
    return list(book.warnings), f"{len(book.requests)} customer requests, {examples} of them examples ({book.path})"


def alert_pairs(
    requests: Iterable[CustomerRequest],
    profiles: Iterable[tuple[int, Mapping[str, Any]]],
    projects: Iterable[tuple[int, ProjectCard]],
    today: dt.date,
) -> list[tuple[int, CustomerRequest]]:
    """(user id, request) for every open request and every user it fits — by their saved profile
    or by one of their published projects; each user at most once per request."""
    people = list(profiles)
    owned = list(projects)
    out: list[tuple[int, CustomerRequest]] = []
    for request in requests:
        if not request.open_on(today):
            continue
        chosen: set[int] = set()
        clusters, sectors = request.clusters, request.sectors
        codes: dict[str, bool] = {}  # ОКВЭД code → fits; many companies share a code
        for user_id, profile in people:
            if profile.get("cluster") in clusters or profile.get("sector") in sectors:
                chosen.add(user_id)
                continue
            code = profile.get("okved_main")
            if request.okved and isinstance(code, str):
                fits = codes.get(code)
                if fits is None:
                    fits = codes[code] = any(okved_matches(code, p) for p in request.okved)
                if fits:
                    chosen.add(user_id)
        for user_id, card in owned:
            if user_id not in chosen and (card.cluster in clusters or card.sector in sectors):
                chosen.add(user_id)
        out.extend((user_id, request) for user_id in sorted(chosen))
    return out
