"""Fixtures for the handoff and outbox tests: a migrated SQLite file, the recording session, a clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import create_engine, create_sessionmaker
from tests.support.clock import SimClock, sim_clock
from tests.support.databases import migrate, sqlite_url
from tests.support.telegram import RecordingSession, make_bot


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = sqlite_url(tmp_path)
    await migrate(url)
    engine = create_engine(url)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
def telegram() -> RecordingSession:
    return RecordingSession(strict_edits=False)  # the world's updates carry messages it never sent


@pytest.fixture
def bot(telegram: RecordingSession) -> Bot:
    return make_bot(telegram)


@pytest.fixture
def clock() -> SimClock:
    return sim_clock(ahead=30)
