from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.domain import Domain
from bot.telegram.dispatcher import build_bot, build_dispatcher
from bot.telegram.middlewares.throttle import TokenBuckets
from db.engine import create_engine, create_sessionmaker
from rules.data import load_bundle
from tests.support.databases import migrate, sqlite_url
from tests.support.settings import settings_for_tests
from tests.support.telegram import ChatClient, RecordingSession

DATA = Path(__file__).parent / "data"


def load_domain() -> Domain:
    return Domain(load_bundle(DATA / "measures.yaml", DATA / "questionnaire.yaml"))


@dataclass
class BotWorld:
    """A database plus a way to start a fresh dispatcher on it (a 'process restart')."""

    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    session: RecordingSession
    bot: Bot
    dp: Dispatcher
    domain: Domain

    def restart(self) -> None:
        """A new dispatcher and domain on the same database, as after a process restart."""
        self.domain = load_domain()
        self.dp = build_dispatcher(self.domain, self.sessions, settings_for_tests())

    def client(self, user_id: int = 1001) -> ChatClient:
        return ChatClient(self.dp, self.bot, self.session, user_id)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test session; each test gets a copy (migrations are slow-ish)."""
    import asyncio

    directory = tmp_path_factory.mktemp("template")
    asyncio.run(migrate(sqlite_url(directory)))
    return directory / "navigator.db"


@pytest.fixture
async def world(tmp_path: Path, migrated_template: Path) -> AsyncIterator[BotWorld]:
    shutil.copy(migrated_template, tmp_path / "navigator.db")
    url = sqlite_url(tmp_path)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    recording = RecordingSession()
    bot = build_bot("42:TEST", session=recording)
    domain = load_domain()
    dp = build_dispatcher(domain, sessions, settings_for_tests())
    try:
        yield BotWorld(url, engine, sessions, recording, bot, dp, domain)
    finally:
        await engine.dispose()


@pytest.fixture
def client(world: BotWorld) -> ChatClient:
    return world.client()


ThrottleFactory = Callable[[int, float], TokenBuckets]

__all__ = ["DATA", "BotWorld", "ThrottleFactory", "load_domain", "settings_for_tests"]  # settings: re-exported
