"""The fault scenarios run on both databases: a migrated SQLite file and a throw-away PostgreSQL.

``fault_world`` is a ``BotWorld`` (the real dispatcher, the recording session) whose database is
chosen by the parameter; direct-reply retries sleep a hundredth of the ``retry_after`` so a 429
storm takes milliseconds, not minutes.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.telegram import direct_replies
from bot.telegram.dispatcher import build_bot, build_dispatcher
from db.engine import create_engine, create_sessionmaker
from tests.bot.conftest import BotWorld, load_domain, migrated_template, settings_for_tests
from tests.bot.telegram import RecordingSession
from tests.db.databases import migrate, postgres_database, sqlite_url

__all__ = ["migrated_template"]  # the session-scoped template fixture, shared


async def fast_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds / 100)


@pytest.fixture(params=["sqlite", "postgres"])
async def fault_world(request: pytest.FixtureRequest, tmp_path: Path, migrated_template: Path) -> AsyncIterator[BotWorld]:
    if request.param == "sqlite":
        shutil.copy(migrated_template, tmp_path / "navigator.db")
        async for world in _world(sqlite_url(tmp_path)):
            yield world
    else:
        async with postgres_database() as url:
            await migrate(url)
            async for world in _world(url):
                yield world


async def _world(url: str) -> AsyncIterator[BotWorld]:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    recording = RecordingSession()
    bot = build_bot("42:TEST", session=recording)
    direct_replies.install(bot, sessions).sleep = fast_sleep
    domain = load_domain()
    dp = build_dispatcher(domain, sessions, settings_for_tests())
    try:
        yield BotWorld(url, engine, sessions, recording, bot, dp, domain)
    finally:
        await engine.dispose()
