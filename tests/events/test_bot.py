"""/events → filter → card → «В календарь» (.ics) / «Напомнить» (outbox); /places → card; a shared
location sorts places by distance. Through the recording Bot API session and a real database."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import icalendar
import pytest
from aiogram import Bot
from aiogram.methods import SendDocument, SendMessage, TelegramMethod
from aiogram.types import BufferedInputFile, Document, Location, Message, ReplyKeyboardMarkup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.domain import Domain
from bot.telegram.dispatcher import build_bot, build_dispatcher
from bot.texts import bot as texts
from db.engine import create_engine, create_sessionmaker
from db.models import OutboxMessage
from rules.data import load_bundle
from tests.events.conftest import FIXTURES, NOW
from tests.support.databases import migrate, sqlite_url
from tests.support.settings import settings_for_tests
from tests.support.telegram import BOT_USER, ChatClient, RecordingSession

DATA = Path(__file__).resolve().parents[1] / "bot" / "data"  # the bot tests' small catalogue


def settings_for(folder: Path) -> Settings:
    return settings_for_tests(None, measures_path=folder / "measures.yaml",
                              questionnaire_path=DATA / "questionnaire.yaml")


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session; each test works on a copy."""
    import asyncio

    directory = tmp_path_factory.mktemp("events-db")
    asyncio.run(migrate(sqlite_url(directory)))
    return directory / "navigator.db"


@dataclass
class DocumentSession(RecordingSession):
    """The recording session, also answering sendDocument (the .ics) like Telegram would."""

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if isinstance(method, SendDocument):
            self.requests.append(method)
            assert isinstance(method.document, BufferedInputFile)
            return Message(message_id=9000 + len(self.requests), date=dt.datetime.now(dt.UTC),
                           chat={"id": int(method.chat_id), "type": "private"}, from_user=BOT_USER,
                           document=Document(file_id="ics", file_unique_id="ics",
                                             file_name=method.document.filename))
        return await super().make_request(bot, method, timeout)


@dataclass
class World:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    session: DocumentSession
    client: ChatClient


@pytest.fixture
async def world(tmp_path: Path, migrated: Path) -> AsyncIterator[World]:
    for name in ("events.yaml", "places.yaml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    shutil.copy(DATA / "measures.yaml", tmp_path / "measures.yaml")
    shutil.copy(migrated, tmp_path / "navigator.db")
    url = sqlite_url(tmp_path)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    recording = DocumentSession()
    bot = build_bot("42:TEST", session=recording)
    domain = Domain(load_bundle(DATA / "measures.yaml", DATA / "questionnaire.yaml"))
    dp = build_dispatcher(domain, sessions, settings_for(tmp_path))
    dp["events_clock"] = lambda: NOW
    try:
        yield World(engine, sessions, recording, ChatClient(dp, bot, recording, 1001))
    finally:
        await engine.dispose()


async def pending_reminders(world: World) -> list[OutboxMessage]:
    async with world.sessions() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "event_reminder")
                                     .order_by(OutboxMessage.next_attempt_at))
        return list(rows)


async def test_events_list_card_calendar_file_and_reminders(world: World) -> None:
    client = world.client
    await client.send("/events")
    screen = client.screen()
    assert "Мероприятия на ближайшие 14 дней" in screen
    assert "Вебинар для всех" in screen and "Форум через месяц" not in screen  # 20 Jan: outside 14 days
    assert "Отменённая конференция" not in screen
    assert "⚠️ пример, дата не подтверждена" in screen  # the Troitsk seminar's date is an example

    await client.click("Конференции поставщиков")
    screen = client.screen()
    assert "только конференции поставщиков" in screen and "Вебинар для всех" not in screen
    await client.click("1")
    card = client.screen()
    assert "<b>Конференция поставщиков электроники</b>" in card
    assert "Когда: 3 декабря 2026, чт, 11:00–15:00 (мск)" in card
    assert "Где: Технопарк «Один», Москва, ул. Тестовая, 1 (ЦАО)" in card
    assert "Организатор: ЦКР" in card and "Заказчики: Заказчик" in card
    assert 'Регистрация: <a href="https://example.org/reg">ссылка</a>, до 1 декабря' in card

    replies = await client.click("В календарь")
    (document,) = [r for r in replies if isinstance(r, SendDocument)]
    assert isinstance(document.document, BufferedInputFile)
    assert document.document.filename == "conf-zelenograd.ics"
    (vevent,) = icalendar.Calendar.from_ical(document.document.data).walk("VEVENT")
    assert vevent.decoded("DTSTART") == dt.datetime(2026, 12, 3, 11, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert "TZID=Europe/Moscow" in document.document.data.decode()

    await client.click("Напомнить")
    assert "за день — 2 дек, ср, 11:00" in client.screen() and "за час — 3 дек, чт, 10:00" in client.screen()
    await client.click("Напомнить")  # a second press queues nothing new
    rows = await pending_reminders(world)
    assert [r.next_attempt_at.replace(tzinfo=dt.UTC) for r in rows] == [
        dt.datetime(2026, 12, 2, 8, tzinfo=dt.UTC), dt.datetime(2026, 12, 3, 7, tzinfo=dt.UTC)]
    assert all(r.chat_id == 1001 and r.method == "sendMessage" and r.status == "pending" for r in rows)
    assert "завтра — <b>Конференция поставщиков электроники</b>" in rows[0].payload["text"]
    assert rows[0].payload["chat_id"] == 1001

    await client.click("Не напоминать")
    assert "Напоминания отменены" in client.screen()
    assert await pending_reminders(world) == []


async def test_event_filters_by_format_and_okrug(world: World) -> None:
    client = world.client
    await client.send("/events")
    await client.click("Формат: любой")
    assert "очно" in client.screen() and "Вебинар для всех" not in client.screen()
    await client.click("Округ: любой")
    await client.click("ТиНАО")
    screen = client.screen()
    assert "округ: ТиНАО" in screen and "Семинар в Троицке" in screen
    assert "Конференция поставщиков электроники" not in screen


async def test_no_reminder_when_it_is_too_late(world: World) -> None:
    client = world.client
    await client.send("/events")
    await client.click("1")  # the webinar on 30 Nov 15:00
    assert "Вебинар для всех" in client.screen()
    world.client.dp["events_clock"] = lambda: dt.datetime(2026, 11, 30, 14, 30, tzinfo=NOW.tzinfo)
    await client.click("Напомнить")
    assert "напоминать уже поздно" in client.screen()
    assert await pending_reminders(world) == []


async def test_places_card_and_distance_from_a_shared_location(world: World) -> None:
    client = world.client
    await client.send("/places")
    assert "Площадки и инфраструктура" in client.screen()
    await client.click("Технопарки")
    screen = client.screen()
    assert "Технопарк «Один»" in screen and "ЦКП «Два»" not in screen
    await client.click("1")
    card = client.screen()
    assert "Адрес: Москва, ул. Тестовая, 1 (ЦАО)" in card
    assert "Услуги: аренда офисов, аренда производственных помещений" in card
    assert 'Источник: <a href="https://example.org/one">страница</a>' in card

    replies = await client.click("Рядом со мной")
    (ask,) = [r for r in replies if isinstance(r, SendMessage)]
    assert isinstance(ask.reply_markup, ReplyKeyboardMarkup)
    assert ask.reply_markup.keyboard[0][0].request_location

    await client.feed(client.message_update(None, location=Location(latitude=55.47, longitude=37.31)))
    nearest = client.screen()
    assert nearest.index("ЦКП «Два»") < nearest.index("Технопарк «Один»")
    assert "ТАО · ≈1,3 км" in nearest  # the Troitsk centre's point marks the area only
    assert "ЦАО · 36,7 км" in nearest
    assert "Технопарк «Три»" not in nearest  # no coordinates


async def test_places_filter_by_okrug_keeps_city_services(world: World) -> None:
    client = world.client
    await client.send("/places")
    await client.click("Округ: любой")
    await client.click("ЗелАО")
    screen = client.screen()
    assert "Технопарк «Три»" in screen and "Сервис «Четыре»" in screen and "Технопарк «Один»" not in screen


async def test_edits_to_events_yaml_go_live_and_a_broken_edit_keeps_the_last_good(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import os

    client = world.client
    path = tmp_path / "events.yaml"
    await client.send("/events")
    assert "Вебинар для всех" in client.screen()
    text = path.read_text("utf-8")
    path.write_text(text.replace("Вебинар для всех", "Вебинар для всех участников"), "utf-8")
    os.utime(path, (1, 1))  # a different modification time, however fast the test runs
    await client.send("/events")
    assert "Вебинар для всех участников" in client.screen()

    path.write_text(text.replace("format: online", "format: radio", 1), "utf-8")
    os.utime(path, (2, 2))
    await client.send("/events")
    assert "Вебинар для всех участников" in client.screen()  # the last good version stays live
    assert "unknown value 'radio'" in caplog.text and f"{path}:" in caplog.text


async def test_free_text_finds_events_and_places_under_the_measures_answer(world: World) -> None:
    client = world.client
    await client.send("конференция поставщиков электроники")
    screen = client.screen()
    assert "<b>Мероприятия и площадки по вашему вопросу</b>" in screen
    assert "1. 📅 3 дек, чт, 11:00 — Конференция поставщиков электроники" in screen
    assert client.buttons()[-1] == texts.BUTTON_ASK_CONSULTANT  # the consultant button stays last
    await client.click("1. Конференция поставщиков электроники")
    assert "Когда: 3 декабря 2026, чт, 11:00–15:00 (мск)" in client.screen()

    await client.send("технопарк с электроникой")
    assert "🏭 Технопарк «Один» — ЦАО" in client.screen()

    await client.send("грант на оборудование")
    assert "Мероприятия и площадки" not in client.screen()


async def test_reminders_are_sent_once_each_at_their_time_by_the_outbox_worker(world: World) -> None:
    from bot.telegram.outbox.pacer import Pacer
    from bot.telegram.outbox.worker import OutboxWorker

    client = world.client
    await client.send("/events")
    await client.click("Конференции поставщиков")
    await client.click("1")
    await client.click("Напомнить")
    clock = {"now": dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)}
    # the pacer's buckets run on the same fake clock, so a day later they are full again
    worker = OutboxWorker(client.bot, world.sessions, pacer=Pacer(clock=lambda: clock["now"].timestamp()),
                          now=lambda: clock["now"])

    def reminders_sent() -> list[str]:
        return [r.text for r in world.session.requests
                if isinstance(r, SendMessage) and r.text.startswith("⏰ Напоминание")]

    await worker.run_once()
    assert reminders_sent() == []  # 1 Dec: too early for both
    clock["now"] = dt.datetime(2026, 12, 2, 8, 0, 1, tzinfo=dt.UTC)  # 2 Dec 11:00 Moscow, a day before
    await worker.run_once()
    await worker.run_once()
    (day_before,) = reminders_sent()
    assert day_before.startswith("⏰ Напоминание: завтра — <b>Конференция поставщиков электроники</b>")
    clock["now"] = dt.datetime(2026, 12, 3, 7, 0, 1, tzinfo=dt.UTC)  # an hour before
    await worker.run_once()
    await worker.run_once()
    assert len(reminders_sent()) == 2 and reminders_sent()[1].startswith("⏰ Напоминание: через час")
    assert all(r.status == "sent" for r in await pending_reminders(world))
    clock["now"] += dt.timedelta(hours=2)
    await worker.run_once()
    assert len(reminders_sent()) == 2  # sent once, never again
