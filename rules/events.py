"""The events calendar (``events.yaml``): supplier conferences, seminars, webinars, forums and
programmes for cluster members, and how they are filtered and ranked for one profile.

Decisions:
- Times are Moscow time. A time written without an offset is read as Moscow time; one with an
  offset is converted. Everything is stored as an aware ``datetime`` in Europe/Moscow.
- An event whose date no public source confirms is ``example: true``: the bot shows it as
  «пример, дата не подтверждена». Such a record needs a ``provenance_note`` saying why.
- A past event is a *warning*, not an error: the file stays loadable the morning after a
  conference, and past events simply drop out of every list.
- ``venue.place`` may name a record of ``places.yaml``; the loader checks the reference when it
  is given the directory's ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from yaml.nodes import MappingNode, Node, ScalarNode

from rules.errors import DataError, Problem
from rules.places import CLUSTER_IDS, OKRUGS, load_places, okrug_matches
from rules.profile import SECTORS
from rules.provenance import require_note, source_keys
from rules.schema import (
    URL,
    Bool,
    Choice,
    Date,
    Key,
    ListOf,
    Reader,
    Record,
    Spec,
    Str,
    join_path,
    node_at,
    open_document,
)

try:
    MOSCOW: dt.tzinfo = ZoneInfo("Europe/Moscow")
except ZoneInfoNotFoundError:  # pragma: no cover - no tz database; Moscow is UTC+3 all year since 2014
    MOSCOW = dt.timezone(dt.timedelta(hours=3), "MSK")

KINDS = {
    "supplier_conference": "конференция поставщиков",
    "seminar": "семинар",
    "webinar": "вебинар",
    "round_table": "круглый стол",
    "forum": "форум",
    "exhibition": "выставка",
    "programme": "образовательная программа",
    "brokerage": "деловые встречи",
    "open_day": "день открытых дверей",
}
FORMATS = {"offline": "очно", "online": "онлайн", "hybrid": "очно и онлайн"}
AUDIENCES = {
    "sme": "малый и средний бизнес",
    "startup": "стартапы",
    "manufacturer": "производственные компании",
    "large_buyer": "крупные заказчики",
    "university": "вузы и научные организации",
}
STATUSES = {"planned": "по плану", "moved": "перенесено", "cancelled": "отменено"}
ID_PATTERN = r"[a-z0-9]+(-[a-z0-9]+)*"
DEFAULT_WINDOW_DAYS = 14


@dataclass
class DateTime(Spec):
    """A moment, ``2026-12-03T10:00`` (Moscow time) or with an explicit offset ``…+03:00``."""

    description: str = ""

    def read(self, node: Node, reader: Reader, path: str) -> Any:
        if not isinstance(node, ScalarNode):
            return reader.error(node, "expected a date and time", path, hint="write 2026-12-03T10:00")
        text = str(node.value).strip()
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            return reader.error(node, f"{text!r} is not a valid date and time", path,
                                hint="write YYYY-MM-DDTHH:MM in Moscow time, e.g. 2026-12-03T10:00")
        if len(text) <= 10:
            return reader.error(node, f"{text!r} has no time of day", path,
                                hint="add the Moscow time, e.g. 2026-12-03T10:00")
        if value.tzinfo is None:
            return value.replace(tzinfo=MOSCOW)
        return value.astimezone(MOSCOW)

    def json(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?$"}


@dataclass(frozen=True, slots=True)
class Venue:
    name: str = ""
    address: str = ""
    okrug: str = ""
    place: str = ""  # id in places.yaml


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    title: str
    kind: str
    summary: str
    organiser: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    format: str
    source_url: str
    last_verified: dt.date
    provenance: str
    line: int = 0
    organiser_url: str = ""
    buyers: tuple[str, ...] = ()
    venue: Venue | None = None
    online_url: str = ""
    clusters: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    audience: tuple[str, ...] = ()
    price: str = ""
    registration_url: str = ""
    registration_deadline: dt.date | None = None
    status: str = "planned"
    example: bool = False
    provenance_note: str = ""
    keywords: tuple[str, ...] = ()

    @property
    def okrug(self) -> str:
        return self.venue.okrug if self.venue else ""

    @property
    def active(self) -> bool:
        return self.status != "cancelled"


@dataclass(frozen=True)
class Calendar:
    events: tuple[Event, ...]
    path: str
    version: str
    by_id: Mapping[str, Event]
    warnings: tuple[Problem, ...] = field(default=())


def _check_event(value: dict[str, Any], node: MappingNode, reader: Reader, path: str) -> None:
    starts, ends = value["starts_at"], value.get("ends_at")
    if ends is not None and ends <= starts:
        reader.error(node_at(node, "ends_at"), "the event ends before it starts", join_path(path, "ends_at"))
    deadline = value.get("registration", {}).get("deadline")
    if deadline is not None and deadline > starts.date():
        reader.error(node_at(node, "registration", "deadline"), "registration closes after the event starts",
                     join_path(path, "registration.deadline"))
    if value["format"] in ("offline", "hybrid"):
        venue = value.get("venue")
        if venue is None:
            reader.error(node, "an offline or hybrid event needs a venue", join_path(path, "venue"),
                         hint="venue: {name: …, address: …, okrug: …}")
        elif not value.get("example") and ("okrug" not in venue or "address" not in venue):
            reader.error(node_at(node, "venue"), "the venue of a confirmed offline event needs address and okrug",
                         join_path(path, "venue"), allowed=", ".join(OKRUGS))
    if value["format"] in ("online", "hybrid") and "online_url" not in value and "registration" not in value:
        reader.error(node, "an online event needs online_url or registration", join_path(path, "online_url"))
    if value.get("kind") != "supplier_conference" and "buyers" in value:
        reader.error(node_at(node, "buyers"), "buyers are listed only for a supplier_conference",
                     join_path(path, "buyers"))
    require_note(value, node, reader, path, record="an example or unverified event",
                 hint="say what is not confirmed, e.g. «дата 2027 года не объявлена»", unconfirmed=bool(value.get("example")),
                 at="example" if value.get("example") else "provenance")


ORGANISER = Record({"name": Key(Str(), required=True), "url": Key(URL)}, name="organiser")
VENUE = Record(
    {
        "name": Key(Str(), required=True),
        "address": Key(Str()),
        "okrug": Key(Choice(tuple(OKRUGS))),
        "place": Key(Str(pattern=ID_PATTERN), description="id of a record in places.yaml"),
    },
    name="venue",
)
REGISTRATION = Record(
    {"url": Key(URL, required=True), "deadline": Key(Date()), "required": Key(Bool())},
    name="registration",
)


def event_spec() -> Record:
    text_list = ListOf(Str(), unique=True)
    return Record(
        {
            "id": Key(Str(pattern=ID_PATTERN, hint="kebab-case latin, e.g. 2026-12-supplier-conf-medtech"),
                      required=True),
            "title": Key(Str(max_length=200), required=True),
            "kind": Key(Choice(tuple(KINDS)), required=True),
            "summary": Key(Str(), required=True),
            "organiser": Key(ORGANISER, required=True),
            "buyers": Key(text_list, description="supplier conferences: whom SMEs meet"),
            "starts_at": Key(DateTime(), required=True),
            "ends_at": Key(DateTime()),
            "format": Key(Choice(tuple(FORMATS)), required=True),
            "venue": Key(VENUE),
            "online_url": Key(URL),
            "clusters": Key(ListOf(Choice(CLUSTER_IDS), unique=True)),
            "sectors": Key(ListOf(Choice(tuple(SECTORS)), unique=True)),
            "audience": Key(ListOf(Choice(tuple(AUDIENCES)), unique=True)),
            "price": Key(Str(), description="«бесплатно» or the price as the organiser states it"),
            "registration": Key(REGISTRATION),
            "status": Key(Choice(tuple(STATUSES))),
            "example": Key(Bool(), description="true when no public source confirms the date"),
            **source_keys(),
            "keywords": Key(text_list),
        },
        name="event",
        check=_check_event,
    )


def events_file_spec() -> Record:
    """The whole file, for JSON Schema generation."""
    return Record({"events": Key(ListOf(event_spec(), min_items=1), required=True)}, name="events file")


def load_events(
    path: str | Path,
    today: dt.date,
    place_ids: Iterable[str] | None = None,
    text: str | None = None,
) -> Calendar:
    """Load and validate ``events.yaml``; raise ``DataError`` listing every problem.

    ``today`` decides which events are past (warnings); ``place_ids`` (from ``places.yaml``)
    turns on the check of ``venue.place`` references.
    """
    path = str(path)
    document = open_document(path, text, "events file", ("events",), ("events",))
    reader, items = document.reader, document.items("events", event_spec())
    known_places = frozenset(place_ids) if place_ids is not None else None
    events: list[Event] = []
    seen: dict[str, int] = {}
    for item, node, where in items:
        line = node.start_mark.line + 1
        if item["id"] in seen:
            reader.error(node_at(node, "id"), f"duplicate event id {item['id']!r} (first at line {seen[item['id']]})",
                         join_path(where, "id"))
            continue
        seen[item["id"]] = line
        place = item.get("venue", {}).get("place")
        if known_places is not None and place is not None and place not in known_places:
            reader.error(node_at(node, "venue", "place"), f"unknown place {place!r}", join_path(where, "venue.place"),
                         hint="use the id of a record in places.yaml")
        event = _to_event(item, line)
        if event.ends_at.date() < today:
            reader.warn(node_at(node, "starts_at"), f"event {event.id!r} is over ({event.ends_at:%Y-%m-%d})",
                        join_path(where, "starts_at"), hint="remove it or move it to the archive")
        events.append(event)
    reader.raise_if_errors()
    warnings = tuple(p for p in reader.problems if p.severity == "warning")
    return Calendar(tuple(events), path, document.version, {e.id: e for e in events}, warnings)


def _to_event(item: dict[str, Any], line: int) -> Event:
    starts: dt.datetime = item["starts_at"]
    venue = item.get("venue")
    registration = item.get("registration", {})
    organiser = item["organiser"]
    return Event(
        id=item["id"],
        title=item["title"],
        kind=item["kind"],
        summary=" ".join(item["summary"].split()),
        organiser=organiser["name"],
        organiser_url=organiser.get("url", ""),
        starts_at=starts,
        ends_at=item.get("ends_at") or starts + dt.timedelta(hours=2),
        format=item["format"],
        source_url=item["source_url"],
        last_verified=item["last_verified"],
        provenance=item["provenance"],
        line=line,
        buyers=tuple(item.get("buyers", ())),
        venue=Venue(**venue) if venue else None,
        online_url=item.get("online_url", ""),
        clusters=frozenset(item.get("clusters", ())),
        sectors=frozenset(item.get("sectors", ())),
        audience=tuple(item.get("audience", ())),
        price=item.get("price", ""),
        registration_url=registration.get("url", ""),
        registration_deadline=registration.get("deadline"),
        status=item.get("status", "planned"),
        example=bool(item.get("example", False)),
        provenance_note=item.get("provenance_note", ""),
        keywords=tuple(item.get("keywords", ())),
    )


# ───────────────────────────── filtering and ranking ─────────────────────────────


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What the user chose; "" means any. ``days`` counts from now (default: two weeks)."""

    days: int = DEFAULT_WINDOW_DAYS
    cluster: str = ""
    format: str = ""  # online | offline; hybrid events match both
    okrug: str = ""  # ТиНАО matches НАО and ТАО; online-only events never match an okrug
    kind: str = ""


def matches(event: Event, wanted: EventFilter, now: dt.datetime) -> bool:
    if not event.active or event.ends_at <= now:
        return False
    if wanted.days and event.starts_at > now + dt.timedelta(days=wanted.days):
        return False
    if wanted.cluster and wanted.cluster not in event.clusters:
        return False
    if wanted.format and event.format not in (wanted.format, "hybrid"):
        return False
    if wanted.okrug and not (event.format != "online" and okrug_matches(event.okrug, wanted.okrug)):
        return False
    return not (wanted.kind and event.kind != wanted.kind)


def fit(event: Event, profile: Mapping[str, Any]) -> int:
    """How well an event fits a profile: its cluster counts most, then the sector.

    Events addressed to no cluster and no sector (open city events) get a small base score so
    they rank above events meant for *other* clusters or sectors.
    """
    cluster, sector = profile.get("cluster"), profile.get("sector")
    score = 0
    if cluster and cluster in event.clusters:
        score += 4
    if sector and sector in event.sectors:
        score += 2
    if not event.clusters and not event.sectors:
        score += 1
    if score and event.kind == "supplier_conference":
        score += 1  # the strategy's first ask: meeting large buyers
    return score


def upcoming(
    events: Iterable[Event],
    now: dt.datetime,
    profile: Mapping[str, Any] | None = None,
    wanted: EventFilter = EventFilter(),
) -> list[Event]:
    """Matching events, best fit first, then soonest; confirmed dates before examples at equal fit."""
    found = [e for e in events if matches(e, wanted, now)]
    profile = profile or {}
    return sorted(found, key=lambda e: (-fit(e, profile), e.example, e.starts_at, e.id))


def fits_subscriber(event: Event, profile: Mapping[str, Any]) -> bool:
    """Whether a subscribed user should be alerted about this event (their cluster or sector)."""
    cluster, sector = profile.get("cluster"), profile.get("sector")
    return bool((cluster and cluster in event.clusters) or (sector and sector in event.sectors))


def moscow_time(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(MOSCOW)



def check_files(
    events_path: str | Path | None, places_path: str | Path | None, today: dt.date
) -> tuple[list[Problem], str]:
    """Validate ``places.yaml`` and ``events.yaml`` together (for ``navigator check``).

    Returns every problem (errors and warnings, located) and a one-line summary; a missing file
    is skipped, so a deployment without a calendar still passes. Venue references are checked
    only when the directory itself loaded.
    """
    problems: list[Problem] = []
    parts: list[str] = []
    place_ids: frozenset[str] | None = None
    if places_path is not None and Path(places_path).exists():
        try:
            directory = load_places(places_path)
        except DataError as exc:
            problems.extend(exc.problems)
        else:
            place_ids = frozenset(directory.by_id)
            parts.append(f"{len(directory.places)} places ({directory.path})")
    if events_path is not None and Path(events_path).exists():
        try:
            calendar = load_events(events_path, today, place_ids)
        except DataError as exc:
            problems.extend(exc.problems)
        else:
            problems.extend(calendar.warnings)
            examples = sum(e.example for e in calendar.events)
            parts.append(f"{len(calendar.events)} events, {examples} of them examples ({calendar.path})")
    return problems, "; ".join(parts)


ALERT_HORIZON_DAYS = 60


def alert_pairs(
    events: Iterable[Event],
    profiles: Iterable[tuple[int, Mapping[str, Any]]],
    now: dt.datetime,
    known: frozenset[str] | None = None,
) -> list[tuple[int, Event]]:
    """(user id, event) for every subscriber an upcoming event fits (their cluster or sector).

    ``known`` are the ids of the calendar already seen; only other events are new. The caller
    makes each pair happen once (a unique key per user and event), so a repeated reload or a
    restart that passes ``known=None`` never alerts twice.
    """
    horizon = now + dt.timedelta(days=ALERT_HORIZON_DAYS)
    fresh = [e for e in events if (known is None or e.id not in known) and e.active and now < e.starts_at <= horizon]
    people = list(profiles)
    return [(user_id, event) for event in fresh for user_id, profile in people if fits_subscriber(event, profile)]
