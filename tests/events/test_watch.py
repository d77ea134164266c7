"""The outbox follows events.yaml: one alert per subscriber and new fitting event, never
repeated on a second reload; reminders dropped when the event is removed or cancelled, moved
when it moves."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.event_watch import ALERT_KIND, REMINDER_KIND, reminder_key, sync_once
from bot.telegram.outbox.messages import TelegramOutboxMessages
from db.engine import create_engine, create_sessionmaker
from db.models import OutboxMessage, Profile
from db.repositories import OutboxRepository, UserRepository
from rules.events import Calendar, alert_pairs, load_events
from tests.events.conftest import FIXTURES, NOW, TODAY
from tests.support.databases import migrate, sqlite_url

ZELENOGRAD, FOOD, SILENT = 11, 12, 13


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import asyncio

    directory = tmp_path_factory.mktemp("watch-db")
    asyncio.run(migrate(sqlite_url(directory)))
    return directory / "navigator.db"


@pytest.fixture
async def sessions(tmp_path: Path, migrated: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    shutil.copy(migrated, tmp_path / "navigator.db")
    engine = create_engine(sqlite_url(tmp_path))
    made = create_sessionmaker(engine)
    async with made() as session:
        users = UserRepository(session)
        for user_id, answers, subscribed in ((ZELENOGRAD, {"cluster": "zelenograd"}, True),
                                             (FOOD, {"sector": "food"}, True),
                                             (SILENT, {"cluster": "zelenograd"}, False)):
            await users.ensure(user_id)
            await users.record_consent(user_id, "test")
            await users.set_alerts(user_id, subscribed)
            session.add(Profile(user_id=user_id, answers=answers, progress={}, state={}))
        await session.commit()
    try:
        yield made
    finally:
        await engine.dispose()


def calendar_from(tmp_path: Path, text: str) -> Calendar:
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    return load_events(path, TODAY)


async def rows(made: async_sessionmaker[AsyncSession], kind: str) -> list[OutboxMessage]:
    async with made() as session:
        found = await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                      .order_by(OutboxMessage.chat_id, OutboxMessage.dedupe_key))
        return list(found)


async def sync(made: async_sessionmaker[AsyncSession], calendar: Calendar, known: frozenset[str] | None) -> int:
    async with made() as session:
        report = await sync_once(session, calendar, known, NOW, TelegramOutboxMessages())
        await session.commit()
    return report.alerts


def test_alert_pairs_only_new_upcoming_fitting_events(calendar: Calendar) -> None:
    profiles = [(1, {"cluster": "zelenograd"}), (2, {"sector": "photonics_lasers"}), (3, {})]
    pairs = {(user, event.id) for user, event in alert_pairs(calendar.events, profiles, NOW)}
    # the cancelled zelenograd conference and the open webinar alert nobody
    assert pairs == {(1, "conf-zelenograd"), (1, "forum-far"), (2, "seminar-troitsk")}
    known = frozenset(calendar.by_id) - {"forum-far"}
    assert [(u, e.id) for u, e in alert_pairs(calendar.events, profiles, NOW, known)] == [(1, "forum-far")]


async def test_one_alert_per_user_and_event_even_after_a_second_reload(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    text = (FIXTURES / "events.yaml").read_text("utf-8")
    first = calendar_from(tmp_path, text)
    assert await sync(sessions, first, None) == 3
    sent = [(r.chat_id, r.dedupe_key) for r in await rows(sessions, ALERT_KIND)]
    assert sent == [(ZELENOGRAD, "event-alert:11:conf-zelenograd"), (ZELENOGRAD, "event-alert:11:forum-far"),
                    (FOOD, "event-alert:12:other-cluster")]
    assert await sync(sessions, first, None) == 0  # a restart re-reads the same file: nothing new
    assert await sync(sessions, first, frozenset(first.by_id)) == 0

    added = text.replace("  - id: forum-far\n", "  - id: forum-far-2\n", 1)
    second = calendar_from(tmp_path, added)
    assert await sync(sessions, second, frozenset(first.by_id)) == 1
    (alert,) = [r for r in await rows(sessions, ALERT_KIND) if r.dedupe_key and r.dedupe_key.endswith("forum-far-2")]
    assert alert.chat_id == ZELENOGRAD and "Форум через месяц" in alert.payload["text"]


async def _remind(made: async_sessionmaker[AsyncSession], event_id: str, at: dt.datetime) -> None:
    async with made() as session:
        for offset, before in (("1d", dt.timedelta(days=1)), ("1h", dt.timedelta(hours=1))):
            await OutboxRepository(session).enqueue(
                ZELENOGRAD, "sendMessage", {"chat_id": ZELENOGRAD, "text": "old"}, kind=REMINDER_KIND,
                dedupe_key=reminder_key(ZELENOGRAD, event_id, offset), not_before=at - before)
        await session.commit()


async def test_reminders_follow_the_calendar(sessions: async_sessionmaker[AsyncSession], tmp_path: Path) -> None:
    text = (FIXTURES / "events.yaml").read_text("utf-8")
    conf_at = dt.datetime(2026, 12, 3, 8, tzinfo=dt.UTC)
    await _remind(sessions, "conf-zelenograd", conf_at)
    await _remind(sessions, "other-cluster", dt.datetime(2026, 12, 5, 8, tzinfo=dt.UTC))
    unchanged = calendar_from(tmp_path, text)
    async with sessions() as session:
        report = await sync_once(session, unchanged, frozenset(unchanged.by_id), NOW, TelegramOutboxMessages())
        await session.commit()
    assert (report.dropped, report.moved) == (0, 0)

    # the conference moves by a day; the food round table is removed from the file
    moved = text.replace("starts_at: 2026-12-03T11:00\n    ends_at: 2026-12-03T15:00",
                         "starts_at: 2026-12-04T11:00\n    ends_at: 2026-12-04T15:00")
    moved = moved.replace("  - id: other-cluster\n", "  - id: other-cluster-renamed\n")
    changed = calendar_from(tmp_path, moved)
    async with sessions() as session:
        report = await sync_once(session, changed, frozenset(unchanged.by_id), NOW, TelegramOutboxMessages())
        await session.commit()
    assert (report.dropped, report.moved) == (2, 2)
    left = await rows(sessions, REMINDER_KIND)
    assert [r.next_attempt_at.replace(tzinfo=dt.UTC) for r in left] == [
        dt.datetime(2026, 12, 3, 8, tzinfo=dt.UTC), dt.datetime(2026, 12, 4, 7, tzinfo=dt.UTC)]
    assert all("4 декабря 2026" in r.payload["text"] for r in left)

    cancelled = moved.replace("    clusters: [zelenograd]\n    sectors: [electronics]\n    registration:",
                              "    status: cancelled\n    clusters: [zelenograd]\n    sectors: [electronics]\n"
                              "    registration:")
    async with sessions() as session:
        report = await sync_once(session, calendar_from(tmp_path, cancelled), None, NOW, TelegramOutboxMessages())
        await session.commit()
    assert report.dropped == 2 and await rows(sessions, REMINDER_KIND) == []
