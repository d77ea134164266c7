"""Import, swap and lookup on the real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_sessionmaker
from db.registry.importer import RegistryImportError, import_release
from db.registry.lookup import latest_import, lookup_inn
from db.registry.models import RegistryImport
from tests.registry.fixtures import (
    ALL_INNS,
    MEMBER_1,
    MEMBER_2,
    MOSCOW_INNS,
    OFFICIAL,
    SECOND,
    drop_document,
    open_data_xml,
    write_release,
)

RELEASE = "data-10092026-structure-10062025.zip"


async def _inns(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return {row[0] for row in await conn.exec_driver_sql("SELECT inn FROM registry_company")}


async def test_moscow_slice_and_provenance(engine: AsyncEngine, tmp_path: Path) -> None:
    path = write_release(tmp_path / RELEASE, {MEMBER_1: OFFICIAL})
    report = await import_release(engine, path, region="77")
    assert await _inns(engine) == MOSCOW_INNS
    assert report.rows == 3 and report.stats.docs_filtered_out == 1 and report.duplicates == 0
    async with create_sessionmaker(engine)() as session:
        row = (await session.execute(select(RegistryImport))).scalar_one()
    assert row.release == RELEASE and row.structure == "10062025" and row.form_versions == "4.05"
    assert row.region == "77" and row.rows == 3 and row.docs_seen == 4 and len(row.sha256) == 64
    assert str(row.state_date) == "2026-09-10"


async def test_whole_country_and_lookup(engine: AsyncEngine, tmp_path: Path) -> None:
    await import_release(engine, write_release(tmp_path / RELEASE, {MEMBER_1: OFFICIAL}))
    assert await _inns(engine) == ALL_INNS
    async with create_sessionmaker(engine)() as session:
        found = await lookup_inn(session, "7700000016")
        ip = await lookup_inn(session, "500000000029")
        missing = await lookup_inn(session, "7707083893")
    assert found.company is not None and found.company.headcount == 42
    assert found.company.okved_extra == ("72.19",) and found.company.has_innovative_product is True
    assert str(found.registry_state_date) == "2026-09-10" and found.registry_region is None
    assert ip.company is not None and ip.company.headcount is None and ip.company.name is None
    assert missing.company is None and str(missing.registry_state_date) == "2026-09-10"


async def test_second_release_drops_a_company_after_the_swap(engine: AsyncEngine, tmp_path: Path) -> None:
    await import_release(engine, write_release(tmp_path / "a.zip", {MEMBER_1: OFFICIAL}), region="77")
    assert "7700000023" in await _inns(engine)
    second = write_release(tmp_path / "b.zip", {MEMBER_1: drop_document(OFFICIAL, "7700000023")})
    await import_release(engine, second, region="77")
    assert await _inns(engine) == MOSCOW_INNS - {"7700000023"}
    async with create_sessionmaker(engine)() as session:
        assert (await lookup_inn(session, "7700000023")).company is None
        state = await latest_import(session)
    assert state is not None and state.release == "b.zip"


async def test_duplicate_inn_keeps_the_newest_record(engine: AsyncEngine, tmp_path: Path) -> None:
    newer = SECOND.replace('ДатаСост="10.09.2026"', 'ДатаСост="11.09.2026"').replace(
        'ИННЮЛ="7700000023"', 'ИННЮЛ="7700000023" НаимОргСокр="НОВОЕ ИМЯ"', 1
    )
    path = write_release(tmp_path / RELEASE, {MEMBER_2: newer, MEMBER_1: OFFICIAL})
    report = await import_release(engine, path)
    assert report.stats.docs_kept == 8
    assert report.rows == 5 and report.duplicates == 3  # three ИНН are in both members
    async with create_sessionmaker(engine)() as session:
        company = (await lookup_inn(session, "7700000023")).company
    assert company is not None and company.short_name == "НОВОЕ ИМЯ"  # 11.09 beats 10.09


async def test_malformed_member_is_skipped_and_the_rest_imported(engine: AsyncEngine, tmp_path: Path) -> None:
    broken = OFFICIAL.replace("</Документ>", "</Документ", 1)
    members = {MEMBER_1: broken, **{f"{MEMBER_2}-{i}": SECOND for i in range(10)}}
    report = await import_release(engine, write_release(tmp_path / RELEASE, members))
    assert report.stats.members_failed == 1
    assert await _inns(engine) == {"7707083893", *ALL_INNS - {"7700000016"}}


async def test_damaged_release_is_refused_and_live_data_kept(engine: AsyncEngine, tmp_path: Path) -> None:
    await import_release(engine, write_release(tmp_path / "good.zip", {MEMBER_1: OFFICIAL}))
    damaged = write_release(tmp_path / "bad.zip", {MEMBER_1: "<Файл", MEMBER_2: SECOND})
    with pytest.raises(RegistryImportError, match="Данные не изменены"):
        await import_release(engine, damaged)
    empty = write_release(tmp_path / "empty.zip", {"readme.txt": "x"})
    with pytest.raises(RegistryImportError):
        await import_release(engine, empty)
    assert await _inns(engine) == ALL_INNS
    async with engine.connect() as conn:
        leftovers = await conn.run_sync(
            lambda c: [t for t in inspect(c).get_table_names() if t.startswith("registry_company_")]
        )
    assert leftovers == ["registry_company_old"]  # no staging table of the refused releases


async def test_income_and_headcount_sets_join_by_inn(engine: AsyncEngine, tmp_path: Path) -> None:
    await import_release(engine, write_release(tmp_path / RELEASE, {MEMBER_1: OFFICIAL}), region="77")
    income = open_data_xml(
        "ОТКРДАННЫЕ5",
        "СведДохРасх",
        [
            ("7700000016", 'СумДоход="8831000.00" СумРасход="100.50"'),
            ("7707083893", 'СумДоход="1.00" СумРасход="1.00"'),  # not in the Moscow slice
            ("7700000017", 'СумДоход="1.00"'),  # bad check digit
        ],
    )
    staff = open_data_xml("ОТКРДАННЫЕ3", "СведССЧР", [("7700000016", 'КолРаб="57"')])
    income_report = await import_release(
        engine, write_release(tmp_path / "data-revexp.zip", {"f": income}), "revexp", region="77"
    )
    assert income_report.rows == 1 and income_report.stats.docs_malformed == 1
    assert income_report.stats.docs_filtered_out == 1
    await import_release(
        engine, write_release(tmp_path / "data-sshr.zip", {"f": staff}), "sshr2019", region="77"
    )
    async with create_sessionmaker(engine)() as session:
        entry = await lookup_inn(session, "7700000016")
    assert entry.income is not None and entry.income.income == 8831000.0 and entry.income.expense == 100.5
    assert str(entry.income.as_of) == "2025-12-31"
    assert entry.headcount is not None and entry.headcount.headcount == 57


async def test_lookup_before_any_import(engine: AsyncEngine) -> None:
    async with create_sessionmaker(engine)() as session:
        entry = await lookup_inn(session, "7700000016")
        assert entry.company is None and entry.registry_state_date is None
        assert await latest_import(session) is None
