"""Registry record → profile fields, each with the date of the data behind it.

What is decided here (research registry-prefill §4.1, §4.5):
- ``applicant_type`` from the subject kind: 1 → legal entity, 2 → ИП. Kind 3 is not
  confirmed in our sources (probably глава КФХ), so it stays unknown and the bot asks.
- ``sme_category`` exactly as the registry gives it (1/2/3 → micro/small/medium); the registry
  is the legal source of truth for the category, so it is not recomputed.
- ``okved_main`` only for an ОКВЭД 2 (2014) code; a 2001 code is unknown, not mapped.
- ``registered_in_moscow`` from the region code of the legal address (of the residence for an
  ИП). It is a default to confirm, not a verdict: a company outside 77 may be registered for
  tax in Moscow through a branch, so a non-77 region is listed in ``to_confirm``.
- ``headcount``: the registry's ССЧР or the «sshr2019» set, whichever is about the later year;
  the registry's ССЧР is for the year before the previous one in releases of January–June
  and for the previous year from the July release on.
- ``income_mln`` from «revexp» (legal entities only), in millions of roubles.
- Nothing is set from absence: no ССЧР, no income, no innovative product stay unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rules.okved import parse_okved
from rules.registry.records import (
    MOSCOW_REGION,
    SUBJECT_LEGAL_ENTITY,
    SUBJECT_SOLE_PROPRIETOR,
    RegistryEntry,
    SmeRecord,
)

SME_CATEGORY_CODES = {1: "micro", 2: "small", 3: "medium"}
OKVED2_VERSION = "2014"


@dataclass(frozen=True, slots=True)
class Prefill:
    """Profile values the open data suggests, the date each comes from, and what to confirm."""

    values: dict[str, Any] = field(default_factory=dict)
    as_of: dict[str, date | None] = field(default_factory=dict)
    to_confirm: frozenset[str] = frozenset()
    facts: dict[str, Any] = field(default_factory=dict)  # shown, but not profile fields
    state_date: date | None = None  # of the registry release

    @property
    def found(self) -> bool:
        return bool(self.values)


def registry_headcount_year(release_date: date) -> int:
    """The year the registry's ССЧР is about (passport of the data set, research §1.1)."""
    return release_date.year - (1 if release_date.month >= 7 else 2)


def registration_year(ogrn: str | None) -> int | None:
    """Digits 2–3 of an ОГРН/ОГРНИП: the year of the registration record (ЕГРЮЛ began in 2002,
    so an older company shows the year of its first record there, not of its founding)."""
    if not ogrn or len(ogrn) not in (13, 15) or not ogrn.isdigit():
        return None
    return 2000 + int(ogrn[1:3])


def prefill_from_registry(entry: RegistryEntry) -> Prefill:
    """Map what the open data knows about an ИНН onto profile fields."""
    company = entry.company
    values: dict[str, Any] = {}
    as_of: dict[str, date | None] = {}
    to_confirm: set[str] = set()
    facts: dict[str, Any] = {}
    if company is None:
        return Prefill(state_date=entry.registry_state_date)
    state = company.state_date or entry.registry_state_date

    def put(name: str, value: Any, when: date | None = state) -> None:
        if value is not None:
            values[name] = value
            as_of[name] = when

    put("inn", company.inn)
    put("applicant_type", _applicant_type(company))
    put("company_name", company.short_name or company.name)
    put("sme_category", SME_CATEGORY_CODES.get(company.sme_category or 0))
    if company.okved_version == OKVED2_VERSION and company.okved_main:
        put("okved_main", parse_okved(company.okved_main))
    elif company.okved_main:
        facts["okved_outdated"] = company.okved_main  # ОКВЭД 2001: ask for the current code
    moscow = company.region_code == MOSCOW_REGION
    put("registered_in_moscow", moscow)
    if not moscow:
        to_confirm.add("registered_in_moscow")
    _put_headcount(entry, company, state, put)
    if entry.income is not None and entry.income.income is not None:
        put("income_mln", round(entry.income.income / 1_000_000, 3), entry.income.as_of)
    facts.update(
        {
            k: v
            for k, v in (
                ("region_code", company.region_code),
                ("registration_year", registration_year(company.ogrn)),
                ("is_social_enterprise", company.is_social),
                ("is_new", company.is_new),
                ("included_at", company.included_at),
                ("has_innovative_product", company.has_innovative_product),
            )
            if v is not None
        }
    )
    return Prefill(values, as_of, frozenset(to_confirm), facts, state)


def _applicant_type(company: SmeRecord) -> str | None:
    if company.subject_kind == SUBJECT_LEGAL_ENTITY:
        return "legal_entity"
    if company.subject_kind == SUBJECT_SOLE_PROPRIETOR:
        return "sole_proprietor"
    return None


def _put_headcount(entry: RegistryEntry, company: SmeRecord, state: date | None, put: Any) -> None:
    registry_year = registry_headcount_year(state) if state else None
    annual = entry.headcount
    annual_year = annual.as_of.year if annual is not None and annual.as_of is not None else None
    if (
        annual is not None
        and annual.headcount is not None
        and (company.headcount is None or (annual_year or 0) > (registry_year or 0))
    ):
        put("headcount", annual.headcount, annual.as_of)
    elif company.headcount is not None:
        put("headcount", company.headcount, date(registry_year, 12, 31) if registry_year else state)
