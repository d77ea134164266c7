"""The SQLite settings DESIGN 7 asks for, and migrations that match the models."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

import db
from db.base import Base
from db.engine import SQLITE_BUSY_TIMEOUT_MS, create_engine, create_sessionmaker
from db.migrate import current_heads
from db.repositories import UpdateClaimRepository
from tests.support.databases import migrate, sqlite_url


async def test_sqlite_runs_in_wal_with_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path))
    try:
        async with engine.connect() as conn:
            assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
            assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS
    finally:
        await engine.dispose()


async def test_sqlite_write_transactions_queue_instead_of_failing(tmp_path: Path) -> None:
    """Two concurrent writers: BEGIN IMMEDIATE + busy_timeout make the second wait, not fail."""
    url = sqlite_url(tmp_path)
    await migrate(url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)

    async def writer(update_id: int) -> bool:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))  # a read first: the classic lock-upgrade trap
            claimed = await UpdateClaimRepository(session).claim(update_id)
            await asyncio.sleep(0.05)
            await session.commit()
            return claimed

    try:
        assert await asyncio.gather(*(writer(i) for i in range(8))) == [True] * 8
    finally:
        await engine.dispose()


def _import_every_model() -> None:
    """Import every module of ``db`` so each table any feature declares is on ``Base.metadata``."""
    for module in pkgutil.walk_packages(db.__path__, "db."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)


def _diff(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


async def test_migrations_are_repeatable_and_match_every_model(database_url: str) -> None:
    """All tables (the bot's, the handoff's, staff's, the registry's), on SQLite and PostgreSQL:
    the migrations, run twice, build exactly what the models declare."""
    _import_every_model()
    assert len(Base.metadata.tables) >= 25  # 17, then the project registry (issue 16) added 7 and the plan 1
    await migrate(database_url)  # the fixture migrated once already: a second run changes nothing
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(_diff)
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
            heads = {row[0] for row in await conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    finally:
        await engine.dispose()
    assert tables - {"alembic_version"} == set(Base.metadata.tables)
    assert diff == []
    assert heads == set(current_heads(database_url))
