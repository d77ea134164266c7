"""What one ФНС open-data record says about a company, as plain values.

Decisions:
- Absent means unknown: ``None`` never stands for 0 or "no" (a missing ССЧР is not zero
  staff; no flagged product is not "no innovative products").
- The ФИО of a sole proprietor is personal data (152-ФЗ) and is never kept from the bulk
  release: an ИП record has no name at all.
- Codes stay as the registry gives them (``subject_kind`` 1 ЮЛ / 2 ИП / 3 unconfirmed,
  ``sme_category`` 1 micro / 2 small / 3 medium); ``rules.prefill`` maps them to the profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

SUBJECT_LEGAL_ENTITY = 1
SUBJECT_SOLE_PROPRIETOR = 2

MOSCOW_REGION = "77"


class SmeRecord(NamedTuple):
    """One ``Документ`` of the «Единый реестр субъектов МСП».

    A named tuple, not a dataclass: the import builds millions of them, and a tuple in the
    column order of ``registry_company`` goes to the database without being rebuilt.
    """

    inn: str
    ogrn: str | None
    subject_kind: int | None  # ВидСубМСП
    name: str | None  # НаимОрг; None for an ИП (ФИО not kept)
    short_name: str | None  # НаимОргСокр
    sme_category: int | None  # КатСубМСП
    okved_main: str | None  # СвОКВЭДОсн/@КодОКВЭД
    okved_version: str | None  # "2014" or "2001"
    region_code: str  # СведМН/@КодРегион
    locality: str | None  # Регион / Район / Город / НаселПункт, joined
    included_at: date | None  # ДатаВклМСП
    is_new: bool | None  # ПризНовМСП
    is_social: bool | None  # СведСоцПред
    has_innovative_product: bool | None  # True if any СвПрод has ПрОтнПрод=1, else unknown
    headcount: int | None  # ССЧР (attribute, or child element ССЧР/@ВеличССЧР)
    state_date: date | None  # ДатаСост
    okved_extra: tuple[str, ...] = ()  # СвОКВЭДДоп codes


class IncomeRecord(NamedTuple):
    """One row of the «revexp» set: income and expenses of a legal entity for a year, in roubles."""

    inn: str
    income: float | None
    expense: float | None
    as_of: date | None  # ДатаСост, the end of the reporting year


class HeadcountRecord(NamedTuple):
    """One row of the «sshr2019» set: average headcount of a legal entity for a year."""

    inn: str
    headcount: int | None
    as_of: date | None


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """All the open data knows about one ИНН, with the state date of the main registry."""

    inn: str
    company: SmeRecord | None
    income: IncomeRecord | None = None
    headcount: HeadcountRecord | None = None
    registry_state_date: date | None = None  # of the release loaded, even when not found
    registry_region: str | None = None  # the slice loaded ("77"), None for the whole country
