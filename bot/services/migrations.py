"""Start-up migrations, one instance at a time on PostgreSQL.

Every instance runs ``upgrade`` when it starts (DESIGN 7). Two instances starting together on a
fresh PostgreSQL database would both try to create the same tables; a session-level advisory
lock makes the second wait until the first has finished, after which its upgrade finds nothing
to do. SQLite needs nothing: one process, and its write lock serialises anyway.
The lock is held on a connection of its own, in a short event loop of its own, before the bot's
loop starts; Alembic runs in a worker thread meanwhile, as ``db.migrate`` requires.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import make_url

from db.migrate import upgrade

MIGRATION_LOCK_KEY = 0x6E61_7669  # "navi": the advisory lock id, the same in every instance


def upgrade_serialised(url: str) -> None:
    if make_url(url).get_backend_name() != "postgresql":
        upgrade(url)
        return
    asyncio.run(_upgrade_locked(url))


async def _upgrade_locked(url: str) -> None:
    import asyncpg

    parts = make_url(url)
    connection = await asyncpg.connect(
        host=parts.host, port=parts.port, user=parts.username, password=parts.password, database=parts.database
    )
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        await asyncio.to_thread(upgrade, url)
    finally:
        await connection.close()  # closing the session releases the lock
