"""Real databases for the registry tests: a SQLite file, and a throw-away PostgreSQL database on the
server named by ``TEST_POSTGRES_DSN`` (never skipped: the root conftest stops the run at its
start, in one line, when that server is down)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db.base import Base
from db.engine import create_engine
from db.registry import models
from tests.support.databases import postgres_database

TABLES = [
    models.RegistryCompany.__table__,
    models.RegistryIncome.__table__,
    models.RegistryHeadcount.__table__,
    models.RegistryImport.__table__,
]


async def _reset(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        for table in TABLES:
            for suffix in ("_new", "_old", "_load"):
                await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table.name}{suffix}")
        await conn.run_sync(lambda c: Base.metadata.drop_all(c, tables=TABLES))
        await conn.run_sync(lambda c: Base.metadata.create_all(c, tables=TABLES))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with AsyncExitStack() as stack:
        if request.param == "postgres":
            url = await stack.enter_async_context(postgres_database())
        else:
            url = f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}"
        engine = create_engine(url)
        stack.push_async_callback(engine.dispose)
        await _reset(engine)
        yield engine
