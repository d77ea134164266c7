"""Instances starting together on a fresh PostgreSQL database all migrate it, one after another.

Without the advisory lock two of three concurrent ``upgrade`` processes fail on this machine
(duplicate tables); with it all three succeed and the schema is at the newest revision.
"""

from __future__ import annotations

import asyncio
import sys

import asyncpg
import pytest

from db.migrate import current_heads
from tests.support.databases import postgres_database

START_UP = "import sys; from bot.services.migrations import upgrade_serialised; upgrade_serialised(sys.argv[1])"


@pytest.mark.postgres
@pytest.mark.slow
async def test_concurrent_start_up_upgrades_are_serialised() -> None:
    async with postgres_database() as url:
        processes = [
            await asyncio.create_subprocess_exec(sys.executable, "-c", START_UP, url, stderr=asyncio.subprocess.PIPE)
            for _ in range(3)
        ]
        results = [await process.communicate() for process in processes]
        assert [p.returncode for p in processes] == [0, 0, 0], [err.decode()[-500:] for _, err in results]
        connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            versions = {row["version_num"] for row in await connection.fetch("SELECT version_num FROM alembic_version")}
        finally:
            await connection.close()
        assert versions == set(current_heads(url))
