"""Alembic environment: async engines, the same scripts for SQLite and PostgreSQL.

``render_as_batch`` lets ALTERs work on SQLite (which rebuilds the table). Several independent
branches (the bot's tables, the registry's) are applied together by upgrading to ``heads``.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

import db.models  # noqa: F401  (registers the bot's tables on Base.metadata)
from db.base import Base

for optional in ("db.registry.models", "db.handoff.models", "db.staff.models", "db.projects.models"):  # tables of other features, when present
    with contextlib.suppress(ModuleNotFoundError):
        importlib.import_module(optional)

target_metadata = Base.metadata
config = context.config


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    dialect = connection.dialect.name if connection is not None else (url or "").split(":")[0]
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        render_as_batch=dialect.startswith("sqlite"),
        compare_type=True,
        literal_binds=connection is None,
    )


def run_offline() -> None:
    _configure(url=config.get_main_option("sqlalchemy.url"))
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    asyncio.run(run_online())
