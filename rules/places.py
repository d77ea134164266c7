"""The infrastructure directory (``places.yaml``): technoparks, SEZ sites, shared-use centres,
support centres and the city services that list what changes too fast to copy.

Decisions:
- Staff-maintained and small: every record carries ``source_url`` and ``last_verified``;
  an address we could not confirm on the live site is ``provenance: unverified`` with a note.
- Fast-changing catalogues (free space, 318 pilot-test sites, equipment lists) are *linked*,
  not copied: such a record is ``type: service`` and has no address.
- ``okrug`` is a closed list of Moscow's twelve administrative okrugs, so filtering is exact.
- Coordinates are optional; distance sorting only ranks places that have them and says when
  they are approximate.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode

from rules.errors import Problem
from rules.profile import CLUSTERS, SECTORS
from rules.provenance import require_note, source_keys
from rules.schema import (
    URL,
    Bool,
    Choice,
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

OKRUGS = {
    "ЦАО": "Центральный",
    "САО": "Северный",
    "СВАО": "Северо-Восточный",
    "ВАО": "Восточный",
    "ЮВАО": "Юго-Восточный",
    "ЮАО": "Южный",
    "ЮЗАО": "Юго-Западный",
    "ЗАО": "Западный",
    "СЗАО": "Северо-Западный",
    "ЗелАО": "Зеленоградский",
    "НАО": "Новомосковский",
    "ТАО": "Троицкий",
}
"""Moscow's administrative okrugs: short name → Russian adjective (``… административный округ``)."""

PLACE_TYPES = {
    "technopark": "технопарк",
    "industrial_complex": "промышленный комплекс",
    "industrial_park": "индустриальный парк",
    "sez_site": "площадка ОЭЗ «Технополис Москва»",
    "ckp": "центр коллективного пользования",
    "incubator": "бизнес-инкубатор",
    "support_centre": "центр поддержки бизнеса",
    "service": "онлайн-сервис города",
}
SERVICES = {
    "office_rent": "аренда офисов",
    "production_rent": "аренда производственных помещений",
    "lab_rent": "аренда лабораторий",
    "land": "земельные участки",
    "equipment_access": "доступ к оборудованию",
    "testing": "испытания и измерения",
    "certification": "сертификация",
    "prototyping": "прототипирование",
    "pilot_testing": "пилотное тестирование в городе",
    "coworking": "коворкинг",
    "consulting": "консультации",
    "training": "обучение",
    "events": "мероприятия",
    "space_search": "подбор площадки",
}
ACCESS = {"residents": "только резиденты", "third_parties": "сторонние компании", "anyone": "все желающие"}
ID_PATTERN = r"[a-z0-9]+(-[a-z0-9]+)*"
PHYSICAL = frozenset(PLACE_TYPES) - {"service"}
CLUSTER_IDS = tuple(c for c in CLUSTERS if c != "none")  # "не состоим в кластере" is no audience
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Geo:
    lat: float
    lon: float
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class Contact:
    site: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    type: str
    summary: str
    source_url: str
    last_verified: dt.date
    provenance: str
    line: int = 0
    address: str = ""
    okrug: str = ""
    district: str = ""
    geo: Geo | None = None
    specialisation: str = ""
    clusters: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    services: tuple[str, ...] = ()
    conditions: str = ""
    access: str = ""
    booking_url: str = ""
    equipment_url: str = ""
    contact: Contact = Contact()
    provenance_note: str = ""
    keywords: tuple[str, ...] = ()

    @property
    def verified(self) -> bool:
        return self.provenance == "verified"

    @property
    def type_label(self) -> str:
        return PLACE_TYPES[self.type]


@dataclass(frozen=True)
class Directory:
    places: tuple[Place, ...]
    path: str
    version: str
    by_id: Mapping[str, Place]


def _check_geo(value: dict[str, Any], node: MappingNode, reader: Reader, path: str) -> None:
    # Moscow with New Moscow lies well inside this box; anything outside is a swapped lat/lon.
    if not (55.0 <= value["lat"] <= 56.2 and 36.7 <= value["lon"] <= 38.2):
        reader.error(node, f"({value['lat']}, {value['lon']}) is not in Moscow", path,
                     hint="write lat (≈55.x) and lon (≈37.x) in decimal degrees; check they are not swapped")


def _check_place(value: dict[str, Any], node: MappingNode, reader: Reader, path: str) -> None:
    if value["type"] in PHYSICAL:
        for key in ("address", "okrug"):
            if key not in value:
                reader.error(node, f"a {value['type']} needs {key!r}", join_path(path, key),
                             hint="only type: service may go without an address")
    elif "booking_url" not in value:
        reader.error(node, "a service record needs booking_url (where the live list is)",
                     join_path(path, "booking_url"))
    require_note(value, node, reader, path, record="an unverified place",
                 hint="say which fact (address, status, services) is not confirmed")


GEO = Record(
    {
        "lat": Key(Number(minimum=-90, maximum=90), required=True),
        "lon": Key(Number(minimum=-180, maximum=180), required=True),
        "approximate": Key(Bool(), description="true when the point marks the area, not the building"),
    },
    name="geo",
    check=_check_geo,
)
CONTACT = Record(
    {
        "site": Key(URL),
        "phone": Key(Str(pattern=r"\+7[\d ()-]{10,16}", hint="an organisation's phone, e.g. +7 495 123-45-67")),
        "email": Key(Str(pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+", hint="an organisation's address, e.g. info@example.ru")),
    },
    name="contact",
)


def place_spec() -> Record:
    text_list = ListOf(Str(), unique=True)
    return Record(
        {
            "id": Key(Str(pattern=ID_PATTERN, hint="kebab-case latin, e.g. sez-pechatniki"), required=True),
            "name": Key(Str(max_length=160), required=True),
            "type": Key(Choice(tuple(PLACE_TYPES)), required=True),
            "summary": Key(Str(), required=True, description="one or two sentences, Russian"),
            "address": Key(Str()),
            "okrug": Key(Choice(tuple(OKRUGS))),
            "district": Key(Str()),
            "geo": Key(GEO),
            "specialisation": Key(Str()),
            "clusters": Key(ListOf(Choice(CLUSTER_IDS), unique=True)),
            "sectors": Key(ListOf(Choice(tuple(SECTORS)), unique=True)),
            "services": Key(ListOf(Choice(tuple(SERVICES)), min_items=1, unique=True), required=True),
            "conditions": Key(Str(), description="who may use it and on what terms, Russian"),
            "access": Key(Choice(tuple(ACCESS))),
            "booking_url": Key(URL),
            "equipment_url": Key(URL),
            "contact": Key(CONTACT),
            **source_keys(),
            "keywords": Key(text_list),
        },
        name="place",
        check=_check_place,
    )


def places_file_spec() -> Record:
    """The whole file, for JSON Schema generation."""
    return Record({"places": Key(ListOf(place_spec(), min_items=1), required=True)}, name="places file")


def load_places(path: str | Path, text: str | None = None) -> Directory:
    """Load and validate ``places.yaml``; raise ``DataError`` listing every problem."""
    path = str(path)
    document = open_document(path, text, "places file", ("places",), ("places",))
    reader, items = document.reader, document.items("places", place_spec())
    places: list[Place] = []
    seen: dict[str, int] = {}
    for item, node, where in items:
        if item["id"] in seen:
            reader.error(node_at(node, "id"), f"duplicate place id {item['id']!r} (first at line {seen[item['id']]})",
                         join_path(where, "id"))
            continue
        seen[item["id"]] = node.start_mark.line + 1
        places.append(_to_place(item, node.start_mark.line + 1))
    reader.raise_if_errors()
    return Directory(tuple(places), path, document.version, {p.id: p for p in places})


def _to_place(item: dict[str, Any], line: int) -> Place:
    geo = item.get("geo")
    return Place(
        id=item["id"],
        name=item["name"],
        type=item["type"],
        summary=" ".join(item["summary"].split()),
        source_url=item["source_url"],
        last_verified=item["last_verified"],
        provenance=item["provenance"],
        line=line,
        address=item.get("address", ""),
        okrug=item.get("okrug", ""),
        district=item.get("district", ""),
        geo=Geo(float(geo["lat"]), float(geo["lon"]), bool(geo.get("approximate", False))) if geo else None,
        specialisation=item.get("specialisation", ""),
        clusters=frozenset(item.get("clusters", ())),
        sectors=frozenset(item.get("sectors", ())),
        services=tuple(item["services"]),
        conditions=" ".join(item.get("conditions", "").split()),
        access=item.get("access", ""),
        booking_url=item.get("booking_url", ""),
        equipment_url=item.get("equipment_url", ""),
        contact=Contact(**item.get("contact", {})),
        provenance_note=item.get("provenance_note", ""),
        keywords=tuple(item.get("keywords", ())),
    )


# ───────────────────────────── filtering and distance ─────────────────────────────


def okrug_matches(okrug: str, wanted: str) -> bool:
    """``ТиНАО`` in a filter means both New Moscow okrugs (people still say it that way)."""
    if not wanted:
        return True
    if wanted == "ТиНАО":
        return okrug in ("НАО", "ТАО")
    return okrug == wanted


def filter_places(
    places: Iterable[Place],
    *,
    type: str = "",
    okrug: str = "",
    cluster: str = "",
    sector: str = "",
    service: str = "",
    text: str = "",
) -> list[Place]:
    """Places matching every given filter ("" = any); city services match any okrug.

    ``text`` searches the specialisation, name and keywords (case-insensitive substring), the
    "specialisation" filter of the bot.
    """
    needle = text.casefold().strip()
    out = []
    for place in places:
        if type and place.type != type:
            continue
        if okrug and place.type != "service" and not okrug_matches(place.okrug, okrug):
            continue
        if cluster and cluster not in place.clusters:
            continue
        if sector and sector not in place.sectors:
            continue
        if service and service not in place.services:
            continue
        if needle:
            haystack = " ".join((place.name, place.specialisation, place.summary, *place.keywords)).casefold()
            if needle not in haystack:
                continue
        out.append(place)
    return out


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (plenty for "which technopark is nearer")."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def by_distance(places: Iterable[Place], lat: float, lon: float) -> list[tuple[Place, float]]:
    """Places with coordinates, nearest first, with their distance in km; the rest are left out."""
    located = [(p, haversine_km(lat, lon, p.geo.lat, p.geo.lon)) for p in places if p.geo is not None]
    return sorted(located, key=lambda pair: (pair[1], pair[0].name))


def freshness_problems(directory: Directory, today: dt.date, max_age_days: int) -> list[Problem]:
    """Warnings for records nobody has re-checked for a while (they never fail the check)."""
    out = []
    for place in directory.places:
        age = (today - place.last_verified).days
        if age > max_age_days:
            out.append(Problem(directory.path, place.line, 1, f"place {place.id!r} last verified {age} days ago",
                               f"places[{place.id}]", hint="check the source and update last_verified",
                               severity="warning"))
    return out
