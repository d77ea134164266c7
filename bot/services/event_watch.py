"""Keeping the outbox in step with events.yaml: alerts about new events, reminders that follow
the calendar.

Decisions:
- Runs when the calendar's version changes (checked every ``interval`` seconds), never from a
  user's update, so alerts do not wait for someone to press /events.
- Alerts: subscribed users (the same «Сообщать о новых мерах» opt-in) get one message per
  event that fits their cluster or sector. The outbox's unique ``dedupe_key`` per user and
  event is the memory: a second reload, a restart or a second instance queues nothing new.
- Reminders queued by «Напомнить» are re-checked against the new calendar: an event removed
  or cancelled drops its pending reminders; a moved event moves them (or drops one whose new
  time has already passed). Sent reminders are history and are never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import calendar as calendar_data
from bot.services.calendar import Clock, moscow_now
from db.models import OutboxMessage
from db.repositories import OutboxRepository
from db.staff.repository import subscribed_profiles
from rules.events import Calendar, Event, alert_pairs

log = logging.getLogger(__name__)
ALERT_KIND = "event_alert"
REMINDER_KIND = "event_reminder"
CHECK_INTERVAL = 30.0  # seconds
REMINDER_OFFSETS = (("1d", dt.timedelta(days=1)), ("1h", dt.timedelta(hours=1)))


@dataclass
class SyncReport:
    alerts: int = 0
    dropped: int = 0
    moved: int = 0


def alert_key(user_id: int, event_id: str) -> str:
    return f"event-alert:{user_id}:{event_id}"[:128]


class EventMessages(Protocol):
    """The port the Telegram wing implements: what an event alert and a reminder say."""

    def event_alert(self, user_id: int, event: Event) -> dict[str, Any]: ...

    def reminder_text(self, event: Event, offset: str) -> str: ...


def reminder_key(user_id: int, event_id: str, offset: str) -> str:
    return f"event-reminder:{user_id}:{event_id}:{offset}"


async def set_reminders(session: AsyncSession, user_id: int, event: Event, now: dt.datetime,
                        messages: EventMessages) -> list[tuple[str, dt.datetime]]:
    """«Напомнить»: a reminder a day and an hour before, each once; (offset, when) of those queued."""
    outbox = OutboxRepository(session)
    queued = []
    for name, before in REMINDER_OFFSETS:
        at = event.starts_at - before
        if at <= now:
            continue
        payload = {"chat_id": user_id, "text": messages.reminder_text(event, name), "_event_id": event.id}
        await outbox.enqueue(user_id, "sendMessage", payload, kind=REMINDER_KIND,
                             dedupe_key=reminder_key(user_id, event.id, name), not_before=at.astimezone(dt.UTC))
        queued.append((name, at))
    return queued


async def cancel_reminders(session: AsyncSession, user_id: int, event_id: str) -> None:
    keys = [reminder_key(user_id, event_id, name) for name, _ in REMINDER_OFFSETS]
    await session.execute(delete(OutboxMessage).where(
        OutboxMessage.dedupe_key.in_(keys), OutboxMessage.status == "pending"))


def _reminder_parts(key: str | None) -> tuple[str, str] | None:
    """(event id, offset name) from ``event-reminder:{user}:{event}:{offset}``."""
    parts = (key or "").split(":")
    return (parts[2], parts[3]) if len(parts) == 4 and parts[0] == "event-reminder" else None


async def sync_reminders(session: AsyncSession, calendar: Calendar, now: dt.datetime,
                         messages: EventMessages) -> tuple[int, int]:
    """Drop or move pending reminders after a calendar change; (dropped, moved)."""
    offsets = dict(REMINDER_OFFSETS)
    rows = await session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == REMINDER_KIND, OutboxMessage.status == "pending"))
    dropped = moved = 0
    for row in list(rows):
        parts = _reminder_parts(row.dedupe_key)
        event = calendar.by_id.get(parts[0]) if parts else None
        if parts is None or event is None or not event.active or parts[1] not in offsets:
            await session.execute(delete(OutboxMessage).where(OutboxMessage.id == row.id))
            dropped += 1
            continue
        before = offsets[parts[1]]
        due = (event.starts_at - before).astimezone(dt.UTC)
        current = row.next_attempt_at if row.next_attempt_at.tzinfo else row.next_attempt_at.replace(tzinfo=dt.UTC)
        if current == due:
            continue
        if due <= now:
            await session.execute(delete(OutboxMessage).where(OutboxMessage.id == row.id))
            dropped += 1
            continue
        payload = {**row.payload, "text": messages.reminder_text(event, parts[1])}
        await session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id)
                              .values(next_attempt_at=due, payload=payload))
        moved += 1
    return dropped, moved


async def sync_once(
    session: AsyncSession, calendar: Calendar, known: frozenset[str] | None, now: dt.datetime,
    messages: EventMessages,
) -> SyncReport:
    """Reminders follow the calendar; subscribers get one alert per new fitting event. The caller commits."""
    report = SyncReport()
    report.dropped, report.moved = await sync_reminders(session, calendar, now, messages)
    profiles = await subscribed_profiles(session)
    outbox = OutboxRepository(session)
    for user_id, event in alert_pairs(calendar.events, profiles, now, known):
        if await outbox.enqueue(user_id, "sendMessage", messages.event_alert(user_id, event),
                                dedupe_key=alert_key(user_id, event.id), kind=ALERT_KIND) is not None:
            report.alerts += 1
    return report


async def watch(
    sessions: async_sessionmaker[AsyncSession], folder: Path, messages: EventMessages, clock: Clock = moscow_now,
    interval: float = CHECK_INTERVAL,
) -> None:
    """Forever: when events.yaml (or places.yaml) changes, sync the outbox with it."""
    version: str | None = None
    known: frozenset[str] | None = None
    while True:
        try:
            now = clock()
            calendar, _ = calendar_data.load(folder, now.date())
            if calendar is not None and calendar.version != version:
                async with sessions() as session:
                    report = await sync_once(session, calendar, known, now, messages)
                    await session.commit()
                log.info("events.yaml %s: %s alert(s), %s reminder(s) dropped, %s moved",
                         calendar.version, report.alerts, report.dropped, report.moved)
                version, known = calendar.version, frozenset(calendar.by_id)
        except Exception:
            log.exception("syncing the outbox with events.yaml failed; retrying later")
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def running(sessions: async_sessionmaker[AsyncSession], folder: Path, messages: EventMessages,
                  clock: Clock | None = None) -> AsyncIterator[None]:
    """The watcher as a background task for the life of the polling loop."""
    task = asyncio.create_task(watch(sessions, folder, messages, clock or moscow_now))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
