"""Real databases for tests: a fresh SQLite file, or a throw-away PostgreSQL database.

Both are brought up with the real Alembic migrations (in a worker thread, since Alembic runs
its own event loop), so the tests exercise the schema the bot runs on.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from db.migrate import upgrade
from tests.support.services import POSTGRES_DSN

POSTGRES_ADMIN_DSN = POSTGRES_DSN  # TEST_POSTGRES_DSN


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'navigator.db'}"


async def migrate(url: str) -> None:
    await asyncio.to_thread(upgrade, url)


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """Create ``navigator_t_<random>`` on the test server, yield its asyncpg URL, drop it after."""
    name = f"navigator_t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
