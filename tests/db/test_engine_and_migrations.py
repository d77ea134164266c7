"""The SQLite settings DESIGN 7 asks for, and migrations that match the models."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

import db.models  # registers the tables (with the registry tables below)
import db.projects.models  # noqa: F401
from db.base import Base
from db.engine import create_engine, create_sessionmaker
from db.migrate import current_heads
from db.repositories import UpdateClaimRepository
from tests.support.databases import migrate, sqlite_url


async def test_sqlite_runs_in_wal_with_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path))
    try:
        async with engine.connect() as conn:
            assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
            assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 5000
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


BOT_TABLES = ("users", "profiles", "answer_history", "processed_updates", "analytics_events", "outbox",
              "projects", "project_versions", "project_decisions", "cooperation_requests", "project_blocks",
              "request_alerts", "staff_topics", "plan_items")


def _diff(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


@pytest.mark.parametrize("repeat", [2])
async def test_migrations_are_repeatable_and_match_the_models(tmp_path: Path, repeat: int) -> None:
    url = sqlite_url(tmp_path)
    for _ in range(repeat):
        await migrate(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(_diff)
            # Only our tables: other branches (registry) own theirs.
            tables = {row[0] for row in await conn.exec_driver_sql("SELECT name FROM sqlite_master")}
            assert set(BOT_TABLES) <= tables
            relevant = [d for d in diff if any(f"'{name}'" in repr(d) for name in BOT_TABLES)]
            assert relevant == []
            heads = {row[0] for row in await conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    finally:
        await engine.dispose()
    assert heads == set(current_heads(url))
