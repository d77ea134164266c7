"""Real databases for the registry tests: a SQLite file, and the PostgreSQL server when it answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db.base import Base
from db.engine import create_engine
from db.registry import models

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
TABLES = [
    models.RegistryCompany.__table__,
    models.RegistryIncome.__table__,
    models.RegistryHeadcount.__table__,
    models.RegistryImport.__table__,
]


async def _postgres_reachable() -> str | None:
    import asyncpg

    try:
        conn = await asyncio.wait_for(asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test"), 3)
    except Exception as exc:
        return f"PostgreSQL at 127.0.0.1:5432 is unreachable: {type(exc).__name__}: {exc}"
    await conn.close()
    return None


async def _reset(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        for table in TABLES:
            for suffix in ("_new", "_old", "_load"):
                await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table.name}{suffix}")
        await conn.run_sync(lambda c: Base.metadata.drop_all(c, tables=TABLES))
        await conn.run_sync(lambda c: Base.metadata.create_all(c, tables=TABLES))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    if request.param == "postgres":
        reason = await _postgres_reachable()
        if reason:
            pytest.skip(reason)
        url = POSTGRES_URL
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}"
    engine = create_engine(url)
    await _reset(engine)
    yield engine
    await engine.dispose()
