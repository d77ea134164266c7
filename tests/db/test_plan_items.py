"""«Мой план» rows on SQLite and PostgreSQL: the migration matches the model, one row per user and
measure, and /forget removes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import db.models  # noqa: F401  (registers the tables)
from db.base import Base
from db.engine import create_engine, create_sessionmaker
from db.forget import forget_user
from db.repositories import UserRepository
from db.repositories.plan_items import PlanRepository
from tests.db.databases import migrate, postgres_database, sqlite_url


def _plan_diff(connection: Connection) -> list[object]:
    diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    return [d for d in diff if "'plan_items'" in repr(d)]


async def _exercise(url: str) -> None:
    await migrate(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(_plan_diff) == []
        sessions: async_sessionmaker[AsyncSession] = create_sessionmaker(engine)
        async with sessions() as session:
            await UserRepository(session).ensure(5)
            plan = PlanRepository(session)
            kwargs = {"title": "Мера", "next_step": "Подайте заявку", "documents": ["Выписка"],
                      "deadline": dt.date(2026, 12, 20), "fingerprint": "abcd1234"}
            assert await plan.add(5, "m-1", **kwargs) is True
            assert await plan.add(5, "m-1", **kwargs) is False  # a repeated tap adds nothing
            assert [i.measure_id for i in await plan.items(5)] == ["m-1"]
            assert (await plan.items(5))[0].documents == ["Выписка"]
            report = await forget_user(session, 5)
            assert report.plan_items == 1 and await plan.items(5) == []
            await session.commit()
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_plan_items_on_both_databases(backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        await _exercise(sqlite_url(tmp_path))
        return
    async with postgres_database() as url:
        await _exercise(url)
