"""Read side: what the imported open data knows about one ИНН, and which release it came from.

A missing table is not an error: before the first import every answer is "not loaded",
which callers tell apart from "not found" through ``latest_import``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncSession

from db.registry.models import RegistryCompany, RegistryHeadcount, RegistryImport, RegistryIncome
from rules.registry.records import HeadcountRecord, IncomeRecord, RegistryEntry, SmeRecord


@dataclass(frozen=True, slots=True)
class ImportState:
    """The release behind the live table of one dataset."""

    dataset: str
    release: str
    state_date: date | None
    region: str | None
    rows: int
    imported_at: datetime


async def latest_import(session: AsyncSession, dataset: str = "rsmp") -> ImportState | None:
    try:
        row = (
            await session.execute(
                select(RegistryImport)
                .where(RegistryImport.dataset == dataset)
                .order_by(RegistryImport.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
    except (OperationalError, ProgrammingError):  # the tables are not migrated yet
        await session.rollback()
        return None
    if row is None:
        return None
    return ImportState(row.dataset, row.release, row.state_date, row.region, row.rows, row.imported_at)


def _company(row: RegistryCompany) -> SmeRecord:
    return SmeRecord(
        inn=row.inn,
        ogrn=row.ogrn,
        subject_kind=row.subject_kind,
        name=row.name,
        short_name=row.short_name,
        sme_category=row.sme_category,
        okved_main=row.okved_main,
        okved_version=row.okved_version,
        region_code=row.region_code,
        locality=row.locality,
        included_at=row.included_at,
        is_new=row.is_new,
        is_social=row.is_social,
        has_innovative_product=row.has_innovative_product,
        headcount=row.headcount,
        state_date=row.state_date,
        okved_extra=tuple(row.okved_extra.split(",")) if row.okved_extra else (),
    )


async def lookup_inn(session: AsyncSession, inn: str) -> RegistryEntry:
    """Everything loaded about ``inn`` (already validated by the caller)."""
    state = await latest_import(session, "rsmp")
    if state is None:
        return RegistryEntry(inn=inn, company=None)
    company = await session.get(RegistryCompany, inn)
    income_row = await session.get(RegistryIncome, inn) if await latest_import(session, "revexp") else None
    staff_row = (
        await session.get(RegistryHeadcount, inn) if await latest_import(session, "sshr2019") else None
    )
    return RegistryEntry(
        inn=inn,
        company=_company(company) if company is not None else None,
        income=IncomeRecord(inn, income_row.income, income_row.expense, income_row.as_of)
        if income_row
        else None,
        headcount=HeadcountRecord(inn, staff_row.headcount, staff_row.as_of) if staff_row else None,
        registry_state_date=state.state_date,
        registry_region=state.region,
    )
