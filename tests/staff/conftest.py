"""A bot on a real SQLite database whose data files live in a temporary folder staff can edit."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.domain import Domain
from bot.services.reload import DomainHolder, Reloader
from bot.telegram.dispatcher import build_bot, build_dispatcher
from db.engine import create_engine, create_sessionmaker
from rules.data import load_bundle
from tests.support.databases import migrate, sqlite_url
from tests.support.settings import settings_for_tests
from tests.support.telegram import ChatClient, RecordingSession

ADMIN_ID = 7
DATA = Path(__file__).resolve().parent.parent / "bot" / "data"  # the bot tests' small fixture catalogue


def staff_settings(files: Path) -> Settings:
    return settings_for_tests(files, admin_ids=str(ADMIN_ID))


@dataclass
class StaffWorld:
    files: Path
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    session: RecordingSession
    bot: Bot
    dp: Dispatcher

    @property
    def measures(self) -> Path:
        return self.files / "measures.yaml"

    @property
    def questionnaire(self) -> Path:
        return self.files / "questionnaire.yaml"

    @property
    def reloader(self) -> Reloader:
        reloader = self.dp["reloader"]
        assert isinstance(reloader, Reloader)
        return reloader

    @property
    def holder(self) -> DomainHolder:
        return self.reloader.holder

    @property
    def live(self) -> Domain:
        return self.holder.current

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")

    def client(self, user_id: int = 1001) -> ChatClient:
        return ChatClient(self.dp, self.bot, self.session, user_id)

    def another_instance(self, files: Path | None = None) -> Dispatcher:
        """A second bot process on the same database (its own files, its own live domain)."""
        files = files or self.files
        settings = staff_settings(files)
        domain = Domain(load_bundle(settings.measures_path, settings.questionnaire_path))
        return build_dispatcher(domain, self.sessions, settings)


def copy_data(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in ("measures.yaml", "questionnaire.yaml"):
        shutil.copy(DATA / name, target / name)
    return target


@pytest.fixture
async def staff(tmp_path: Path) -> AsyncIterator[StaffWorld]:
    files = copy_data(tmp_path / "data")
    url = sqlite_url(tmp_path)
    await migrate(url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    recording = RecordingSession()
    bot = build_bot("42:TEST", session=recording)
    settings = staff_settings(files)
    domain = Domain(load_bundle(settings.measures_path, settings.questionnaire_path))
    dp = build_dispatcher(domain, sessions, settings)
    try:
        yield StaffWorld(files, engine, sessions, recording, bot, dp)
    finally:
        await engine.dispose()
