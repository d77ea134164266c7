"""Alerts about measures after an accepted reload: «Сообщать о новых мерах».

Decisions:
- Who: subscribed users with consent who have not blocked the bot, re-matched by
  ``rules.rematch`` against only what changed (the pure part, benchmarked).
- Once: every alert is first claimed in ``measure_alerts`` (unique per user, measure and
  measure-version); only a successful claim writes the outbox row, in the same transaction.
  A second reload of the same files, another instance planning the same version, or a crash
  between planning and commit can therefore never send a duplicate.
- How: through the outbox (``sendMessage`` rows, ``kind='alert'``), so the worker sends at
  Telegram's pace and retries; never from the reload itself.
- Each message has «Подробнее» (the measure card) and «Отписаться»: the words and buttons are the
  Telegram wing's (``AlertPayload``, implemented in ``bot.telegram.outbox.messages``).
- Deadline reminders use the same claim with the key ``deadline:<date>``: one per window.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.repositories import OutboxRepository
from db.staff.repository import MeasureAlertRepository, subscribed_profiles
from rules.catalogue import Catalogue
from rules.catalogue_diff import CatalogueDiff
from rules.data import Bundle
from rules.rematch import AlertCandidate, deadline_reminders, rematch

ALERT_KIND = "alert"
REMINDER_KIND = "reminder"
DEFAULT_REMINDER_DAYS = 7  # remind this many days before a window closes


AlertPayload = Callable[[AlertCandidate], dict[str, Any]]
"""The port the Telegram wing implements: Bot API ``sendMessage`` parameters for one alert."""


def dedupe_key(candidate: AlertCandidate) -> str:
    return f"alert:{candidate.user_id}:{candidate.measure.id}:{candidate.key}"[:128]


async def queue_alerts(session: AsyncSession, candidates: list[AlertCandidate], version_id: int | None,
                       payload: AlertPayload, kind: str = ALERT_KIND, chunk: int = 100) -> int:
    """Claim and enqueue each alert once; return how many were new.

    Claims go in one fixed order (user, measure, key) so two instances planning the same version
    wait for each other instead of deadlocking on PostgreSQL, and they are committed every
    ``chunk`` alerts so neither holds its locks for the whole fan-out — on SQLite the write lock
    is then held about 0.2 s at a time, and users' answers slip in between.
    Claim and message are always in the same transaction. The caller commits the rest.
    """
    claims = MeasureAlertRepository(session)
    outbox = OutboxRepository(session)
    queued = 0
    ordered = sorted(candidates, key=lambda c: (c.user_id, c.measure.id, c.key))
    for index, candidate in enumerate(ordered, start=1):
        if await claims.claim(candidate.user_id, candidate.measure.id, candidate.key,
                              candidate.verdict.value, version_id):
            await outbox.enqueue(candidate.user_id, "sendMessage", payload(candidate),
                                 dedupe_key=dedupe_key(candidate), kind=kind)
            queued += 1
        if index % chunk == 0:
            await session.commit()
    return queued


async def plan_alerts(session: AsyncSession, before: Bundle, after: Bundle, diff: CatalogueDiff,
                      version_id: int, *, payload: AlertPayload, today: dt.date | None = None) -> int:
    """The ``AlertPlanner`` of ``bot.services.reload``: re-match subscribers, queue what is new."""
    profiles = await subscribed_profiles(session, completed_only=True)
    await session.rollback()  # end the read before the CPU work; the writes begin their own transaction
    candidates = await asyncio.to_thread(rematch, before.catalogue, after.catalogue, diff, profiles, today)
    return await queue_alerts(session, candidates, version_id, payload)


async def plan_deadline_reminders(session: AsyncSession, catalogue: Catalogue, days: int, *,
                                  payload: AlertPayload, today: dt.date | None = None) -> int:
    """One reminder per subscriber per closing window (see ``rules.rematch.deadline_reminders``)."""
    profiles = await subscribed_profiles(session, completed_only=True)
    await session.rollback()
    candidates = await asyncio.to_thread(deadline_reminders, catalogue, profiles,
                                         today or dt.date.today(), days)
    return await queue_alerts(session, candidates, None, payload, kind=REMINDER_KIND)
