"""Tables of the imported ФНС open data (research registry-prefill §4.2).

Decisions:
- ``inn`` is TEXT and the key everywhere, so leading zeros survive and the three sets join.
- The column order of ``registry_company`` is the field order of ``SmeRecord``: a parsed record
  is a row as it stands (plus ``okved_extra`` joined with commas).
- No per-row release column: the live table is always exactly one release, described by the
  latest successful row of ``registry_import`` for its dataset.
- No ФИО column: sole proprietors' names are not kept from the bulk release.
- Imports build ``<table>_new`` and swap it in; the previous generation stays as
  ``<table>_old`` for a manual rollback. Those two are not in the metadata on purpose.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

BigId = BigInteger().with_variant(Integer(), "sqlite")


class RegistryCompany(Base):
    """One SME of the «Единый реестр субъектов МСП» as of the last imported release."""

    __tablename__ = "registry_company"

    inn: Mapped[str] = mapped_column(String(12), primary_key=True)
    ogrn: Mapped[str | None] = mapped_column(String(15))
    subject_kind: Mapped[int | None] = mapped_column(SmallInteger)
    name: Mapped[str | None] = mapped_column(Text)
    short_name: Mapped[str | None] = mapped_column(Text)
    sme_category: Mapped[int | None] = mapped_column(SmallInteger)
    okved_main: Mapped[str | None] = mapped_column(String(16))
    okved_version: Mapped[str | None] = mapped_column(String(8))
    region_code: Mapped[str] = mapped_column(String(2))
    locality: Mapped[str | None] = mapped_column(Text)
    included_at: Mapped[date | None] = mapped_column(Date)
    is_new: Mapped[bool | None] = mapped_column(Boolean)
    is_social: Mapped[bool | None] = mapped_column(Boolean)
    has_innovative_product: Mapped[bool | None] = mapped_column(Boolean)
    headcount: Mapped[int | None] = mapped_column(Integer)
    state_date: Mapped[date | None] = mapped_column(Date)
    okved_extra: Mapped[str | None] = mapped_column(Text)


class RegistryIncome(Base):
    """Income and expenses of a legal entity for a year («revexp»), in roubles."""

    __tablename__ = "registry_income"

    inn: Mapped[str] = mapped_column(String(12), primary_key=True)
    income: Mapped[float | None] = mapped_column(Float)
    expense: Mapped[float | None] = mapped_column(Float)
    as_of: Mapped[date | None] = mapped_column(Date)


class RegistryHeadcount(Base):
    """Average headcount of a legal entity for a year («sshr2019»)."""

    __tablename__ = "registry_headcount"

    inn: Mapped[str] = mapped_column(String(12), primary_key=True)
    headcount: Mapped[int | None] = mapped_column(Integer)
    as_of: Mapped[date | None] = mapped_column(Date)


class RegistryImport(Base):
    """Provenance of one successful import: which file, which data date, what was counted."""

    __tablename__ = "registry_import"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    dataset: Mapped[str] = mapped_column(String(16))  # "rsmp" | "revexp" | "sshr2019"
    release: Mapped[str] = mapped_column(Text)  # the ZIP's file name
    structure: Mapped[str | None] = mapped_column(String(16))  # from the file name
    form_versions: Mapped[str | None] = mapped_column(Text)  # ВерсФорм values seen
    region: Mapped[str | None] = mapped_column(String(2))  # the slice kept; None = all
    state_date: Mapped[date | None] = mapped_column(Date)  # the latest ДатаСост seen
    members: Mapped[int] = mapped_column(Integer)
    members_failed: Mapped[int] = mapped_column(Integer)
    members_skipped: Mapped[int] = mapped_column(Integer)
    docs_seen: Mapped[int] = mapped_column(Integer)
    docs_malformed: Mapped[int] = mapped_column(Integer)
    docs_filtered_out: Mapped[int] = mapped_column(Integer)
    docs_kept: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer)
    zip_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    seconds: Mapped[float] = mapped_column(Float)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
