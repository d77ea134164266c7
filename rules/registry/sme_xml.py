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
from xml.etree.ElementTree import Element

from rules.identifiers import inn_check_digits
from rules.registry.records import SUBJECT_LEGAL_ENTITY, SUBJECT_SOLE_PROPRIETOR, SmeRecord
from rules.registry.stream import ReleaseReader, StreamStats, parse_date, parse_int

INFO_TYPE = "РЕЕСТРМСП"
# Versions seen in real files or in the official XSD (research §1.2); others import with a warning.
KNOWN_FORM_VERSIONS = frozenset({"4.01", "4.04", "4.05"})
_LOCALITY = frozenset({"Регион", "Район", "Город", "НаселПункт"})
_FLAG = {"1": True, "2": False}


class SmeDocumentHandler:
    """Turns each finished ``Документ`` element into a record (or counts why it cannot)."""

    def __init__(self, stats: StreamStats, region: str | None = None) -> None:
        self._stats = stats
        self._region_filter = region
        self._records: list[SmeRecord] = []

    def on_file(self, attrs: dict[str, str]) -> None:
        self._stats.form_versions.add(attrs.get("ВерсФорм", "?"))
        self._stats.info_types.add(attrs.get("ТипИнф", "?"))

    def on_document(self, document: Element) -> None:
        stats = self._stats
        stats.docs_seen += 1
        party: dict[str, str] | None = None
        is_org = False
        region: str | None = None
        place: Element | None = None
        okved: Element | None = None
        innovative: bool | None = None
        headcount_element: str | None = None
        for child in document:
            tag = child.tag
            if tag == "ОргВклМСП":
                party, is_org = child.attrib, True
            elif tag == "ИПВклМСП":
                party = child.attrib  # the ФИОИП child is never read
            elif tag == "СведМН":
                region, place = child.get("КодРегион"), child
            elif tag == "СвОКВЭД":
                okved = child
            elif tag == "СвПрод":
                if child.get("ПрОтнПрод") == "1":
                    innovative = True
            elif tag == "ССЧР":
                headcount_element = child.get("ВеличССЧР")
        if party is None or region is None or len(region) != 2 or not region.isdigit():
            stats.docs_malformed += 1
            return
        attrs = document.attrib
        state_date = parse_date(attrs.get("ДатаСост"))
        stats.see_state_date(state_date)
        if self._region_filter is not None and region != self._region_filter:
            stats.docs_filtered_out += 1  # not checked further: it will not be stored
            return
        inn = party.get("ИННЮЛ" if is_org else "ИННФЛ", "")
        if not _inn_ok(inn, 10 if is_org else 12):
            stats.docs_malformed += 1
            return
        okved_main = okved_version = None
        extra: list[str] = []
        if okved is not None:
            for line in okved:
                if line.tag == "СвОКВЭДОсн":
                    okved_main, okved_version = line.get("КодОКВЭД"), line.get("ВерсОКВЭД")
                elif line.tag == "СвОКВЭДДоп" and (code := line.get("КодОКВЭД")):
                    extra.append(code)
        locality = None
        if place is not None and len(place):
            locality = ", ".join(
                " ".join(v for v in (p.get("Тип"), p.get("Наим")) if v) for p in place if p.tag in _LOCALITY
            )
        kind = parse_int(attrs.get("ВидСубМСП"))
        headcount = attrs.get("ССЧР")
        stats.docs_kept += 1
        self._records.append(
            SmeRecord(
                inn=inn,
                ogrn=party.get("ОГРН" if is_org else "ОГРНИП") or None,
                subject_kind=kind or (SUBJECT_LEGAL_ENTITY if is_org else SUBJECT_SOLE_PROPRIETOR),
                name=(party.get("НаимОрг") or None) if is_org else None,
                short_name=(party.get("НаимОргСокр") or None) if is_org else None,
                sme_category=parse_int(attrs.get("КатСубМСП")),
                okved_main=okved_main or None,
                okved_version=okved_version or None,
                okved_extra=tuple(extra),
                region_code=region,
                locality=locality or None,
                included_at=parse_date(attrs.get("ДатаВклМСП")),
                is_new=_FLAG.get(attrs.get("ПризНовМСП", "")),
                is_social=_FLAG.get(attrs.get("СведСоцПред", "")),
                has_innovative_product=innovative,
                headcount=parse_int(headcount if headcount is not None else headcount_element),
                state_date=state_date,
            )
        )

    def take(self) -> list[SmeRecord]:
        records, self._records = self._records, []
        return records


def _inn_ok(inn: str, length: int) -> bool:
    """The fast path of ``check_inn`` for clean registry values (no separators to strip)."""
    if len(inn) != length or not (inn.isascii() and inn.isdigit()):
        return False
    return inn_check_digits(inn[: length - (1 if length == 10 else 2)]) == inn[-(1 if length == 10 else 2) :]


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
