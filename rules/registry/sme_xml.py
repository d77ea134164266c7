"""The «Единый реестр субъектов МСП» XML (``ТипИнф="РЕЕСТРМСП"``) → ``SmeRecord``.

Element and attribute names are the official ones (structure-10062025.xsd; research
registry-prefill §1.2). Decisions:
- Both known forms of the headcount are read: the attribute ``Документ/@ССЧР`` (2025 XSD)
  and a child element ``ССЧР/@ВеличССЧР`` (reported for structure-12052026, unverified).
- Unknown elements and unknown ``ВерсФорм`` are accepted; the versions seen are reported.
- A record is malformed (skipped and counted) only when it cannot be stored at all: no
  valid ИНН of the right length for its kind, or no region code. Anything else that is
  missing or odd becomes unknown.
- ``ФИОИП`` is never read: sole proprietors' names stay out of the bulk import.
- The region filter runs here, before anything is batched, so a Moscow slice costs the
  database only its own rows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rules.identifiers import check_inn
from rules.registry.records import SUBJECT_LEGAL_ENTITY, SUBJECT_SOLE_PROPRIETOR, SmeRecord
from rules.registry.stream import ReleaseReader, StreamStats, parse_date, parse_int

INFO_TYPE = "РЕЕСТРМСП"
KNOWN_FORM_VERSIONS = frozenset({"4.01", "4.02", "4.03", "4.04", "4.05", "4.06"})
_LOCALITY_ELEMENTS = ("Регион", "Район", "Город", "НаселПункт")
_FLAG = {"1": True, "2": False}


class SmeDocumentHandler:
    """Collects the parts of one ``Документ`` as expat walks it, emits a record at its end."""

    __slots__ = (
        "_doc",
        "_extra",
        "_headcount_element",
        "_innovative",
        "_ip",
        "_locality",
        "_okved",
        "_org",
        "_records",
        "_region",
        "_region_filter",
        "_stats",
    )

    def __init__(self, stats: StreamStats, region: str | None = None) -> None:
        self._stats = stats
        self._region_filter = region
        self._records: list[SmeRecord] = []
        self._doc: dict[str, str] | None = None
        self._reset()

    def _reset(self) -> None:
        self._org: dict[str, str] | None = None
        self._ip: dict[str, str] | None = None
        self._region: str | None = None
        self._locality: list[str] = []
        self._okved: dict[str, str] | None = None
        self._extra: list[str] = []
        self._innovative: bool | None = None
        self._headcount_element: str | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "Документ":
            self._doc = attrs
            self._reset()
        elif self._doc is None:
            if name == "Файл":
                self._stats.form_versions.add(attrs.get("ВерсФорм", "?"))
                self._stats.info_types.add(attrs.get("ТипИнф", "?"))
        elif name == "ОргВклМСП":
            self._org = attrs
        elif name == "ИПВклМСП":
            self._ip = attrs
        elif name == "СведМН":
            self._region = attrs.get("КодРегион")
        elif name in _LOCALITY_ELEMENTS:
            place = " ".join(v for v in (attrs.get("Тип"), attrs.get("Наим")) if v)
            if place:
                self._locality.append(place)
        elif name == "СвОКВЭДОсн":
            self._okved = attrs
        elif name == "СвОКВЭДДоп":
            code = attrs.get("КодОКВЭД")
            if code:
                self._extra.append(code)
        elif name == "СвПрод":
            if attrs.get("ПрОтнПрод") == "1":
                self._innovative = True
        elif name == "ССЧР":
            self._headcount_element = attrs.get("ВеличССЧР")

    def end(self, name: str) -> None:
        if name != "Документ" or self._doc is None:
            return
        stats = self._stats
        stats.docs_seen += 1
        record = self._record(self._doc)
        self._doc = None
        if record is None:
            stats.docs_malformed += 1
            return
        stats.see_state_date(record.state_date)
        if self._region_filter is not None and record.region_code != self._region_filter:
            stats.docs_filtered_out += 1
            return
        stats.docs_kept += 1
        self._records.append(record)

    def _record(self, doc: dict[str, str]) -> SmeRecord | None:
        if self._org is not None:
            party, inn_key, ogrn_key, inn_len = self._org, "ИННЮЛ", "ОГРН", 10
        elif self._ip is not None:
            party, inn_key, ogrn_key, inn_len = self._ip, "ИННФЛ", "ОГРНИП", 12
        else:
            return None
        inn = party.get(inn_key, "")
        region = self._region
        if len(inn) != inn_len or not check_inn(inn).valid:
            return None
        if region is None or len(region) != 2 or not region.isdigit():
            return None
        kind = parse_int(doc.get("ВидСубМСП"))
        if kind is None:
            kind = SUBJECT_LEGAL_ENTITY if self._org is not None else SUBJECT_SOLE_PROPRIETOR
        okved = self._okved or {}
        headcount = doc.get("ССЧР")
        return SmeRecord(
            inn=inn,
            ogrn=party.get(ogrn_key) or None,
            subject_kind=kind,
            name=party.get("НаимОрг") or None if self._org is not None else None,
            short_name=party.get("НаимОргСокр") or None if self._org is not None else None,
            sme_category=parse_int(doc.get("КатСубМСП")),
            okved_main=okved.get("КодОКВЭД") or None,
            okved_version=okved.get("ВерсОКВЭД") or None,
            okved_extra=tuple(self._extra),
            region_code=region,
            locality=", ".join(self._locality) or None,
            included_at=parse_date(doc.get("ДатаВклМСП")),
            is_new=_FLAG.get(doc.get("ПризНовМСП", "")),
            is_social=_FLAG.get(doc.get("СведСоцПред", "")),
            has_innovative_product=self._innovative,
            headcount=parse_int(headcount if headcount is not None else self._headcount_element),
            state_date=parse_date(doc.get("ДатаСост")),
        )

    def take(self) -> list[SmeRecord]:
        records, self._records = self._records, []
        return records


def sme_reader(
    path: Path | str,
    *,
    region: str | None = None,
    on_progress: Callable[[StreamStats], None] | None = None,
) -> ReleaseReader[SmeRecord]:
    """A reader of an МСП release, optionally keeping one region (``"77"`` for Moscow)."""
    return ReleaseReader(path, lambda stats: SmeDocumentHandler(stats, region), on_progress=on_progress)


def unknown_form_versions(versions: set[str]) -> set[str]:
    return versions - KNOWN_FORM_VERSIONS
