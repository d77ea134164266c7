"""Engine and session factory from a database URL.

SQLite is the embedded default (DESIGN 7): WAL so readers never block the writer,
``busy_timeout`` so a second writer waits instead of failing, and every transaction begun
``IMMEDIATE`` so it takes the write lock up front — aiosqlite can otherwise fail at once with
"database is locked" when a read transaction upgrades to a write. One writer: a file database
gets a pool of exactly one connection, so this process's transactions queue for it in order
(an asyncio wait, fair, no time-out lottery) instead of racing for SQLite's lock with
``busy_timeout`` — 50 concurrent users lost 1–2 % of updates to "database is locked" that way.
``busy_timeout`` stays for other processes (the CLI). Transactions are short: nothing calls
Telegram inside one (``bot.telegram.direct_replies``). PostgreSQL (asyncpg) needs nothing special. The URL comes from the caller: ``db`` never reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

SQLITE_BUSY_TIMEOUT_MS = 15000
SQLITE_POOL_TIMEOUT = 300.0  # seconds a transaction may queue for the one connection


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_directory(url: str | URL) -> None:
    """Create the directory of a file-based SQLite database (``./data/`` by default)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return
    Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so we can emit BEGIN IMMEDIATE ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str | URL, *, echo: bool = False) -> AsyncEngine:
    """An async engine for ``url`` (``sqlite+aiosqlite://`` or ``postgresql+asyncpg://``)."""
    if is_sqlite(url):
        ensure_sqlite_directory(url)
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            engine = create_async_engine(url, echo=echo, poolclass=AsyncAdaptedQueuePool, pool_size=1,
                                         max_overflow=0, pool_timeout=SQLITE_POOL_TIMEOUT)
        else:
            engine = create_async_engine(url, echo=echo)
        _configure_sqlite(engine)
        return engine
    return create_async_engine(url, echo=echo, pool_pre_ping=True)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (handlers render after committing)."""
    return async_sessionmaker(engine, expire_on_commit=False)
