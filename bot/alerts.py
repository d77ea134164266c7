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
- Each message has «Подробнее» (the measure card) and «Отписаться».
- Deadline reminders use the same claim with the key ``deadline:<date>``: one per window.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CardCb
from db.repositories import OutboxRepository
from db.staff.repository import MeasureAlertRepository, subscribed_profiles
from rules.catalogue import Catalogue
from rules.catalogue_diff import CatalogueDiff
from rules.data import Bundle
from rules.eligibility import Verdict
from rules.rematch import AlertCandidate, deadline_reminders, rematch

ALERT_KIND = "alert"
REMINDER_KIND = "reminder"
DEFAULT_REMINDER_DAYS = 7  # remind this many days before a window closes


class AlertsCb(CallbackData, prefix="al"):
    on: bool
    t: bool = False  # pressed under results or the profile: answer with a toast, keep that screen


def opt_in_button() -> InlineKeyboardButton:
    """«Сообщать о новых мерах» under results and in /profile: one tap subscribes."""
    return InlineKeyboardButton(text="🔔 Сообщать о новых мерах", callback_data=AlertsCb(on=True, t=True).pack())


def subscription_button(subscribed: bool) -> InlineKeyboardButton:
    if subscribed:
        return InlineKeyboardButton(text="Отписаться от новых мер", callback_data=AlertsCb(on=False).pack())
    return InlineKeyboardButton(text="🔔 Сообщать о новых мерах", callback_data=AlertsCb(on=True).pack())


def alert_text(candidate: AlertCandidate) -> str:
    measure = candidate.measure
    if candidate.closes is not None:
        lines = [f"⏰ Приём заявок закрывается {candidate.closes:%d.%m.%Y} — по вашим ответам мера подходит:",
                 "", f"<b>{html.escape(measure.title)}</b>"]
    else:
        lead = "🔔 Новая мера поддержки" if candidate.new else "🔔 Мера поддержки обновилась"
        verdict = ("по вашим ответам подходит" if candidate.verdict is Verdict.ELIGIBLE
                   else "может подойти — уточните условия в карточке")
        lines = [f"{lead} — {verdict}:", "", f"<b>{html.escape(measure.title)}</b>"]
    if measure.amount is not None:
        lines.append(html.escape(measure.amount.display))
    lines += ["", html.escape(measure.summary[:600])]
    return "\n".join(lines)


def alert_markup(candidate: AlertCandidate) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text="Подробнее", callback_data=CardCb(id=candidate.measure.id).pack())],
        [InlineKeyboardButton(text="Отписаться", callback_data=AlertsCb(on=False).pack())],
    ])


def alert_payload(candidate: AlertCandidate) -> dict[str, Any]:
    """Bot API ``sendMessage`` parameters, as the outbox worker replays them."""
    return {
        "chat_id": candidate.user_id,
        "text": alert_text(candidate),
        "parse_mode": "HTML",
        "disable_web_page_preview": True,
        "reply_markup": alert_markup(candidate).model_dump(mode="json", exclude_none=True),
    }


def dedupe_key(candidate: AlertCandidate) -> str:
    return f"alert:{candidate.user_id}:{candidate.measure.id}:{candidate.key}"[:128]


async def queue_alerts(session: AsyncSession, candidates: list[AlertCandidate], version_id: int | None,
                       kind: str = ALERT_KIND, chunk: int = 100) -> int:
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
            await outbox.enqueue(candidate.user_id, "sendMessage", alert_payload(candidate),
                                 dedupe_key=dedupe_key(candidate), kind=kind)
            queued += 1
        if index % chunk == 0:
            await session.commit()
    return queued


async def plan_alerts(session: AsyncSession, before: Bundle, after: Bundle, diff: CatalogueDiff,
                      version_id: int, today: dt.date | None = None) -> int:
    """The ``AlertPlanner`` of ``bot.reload``: re-match subscribers, queue what is new."""
    profiles = await subscribed_profiles(session, completed_only=True)
    await session.rollback()  # end the read before the CPU work; the writes begin their own transaction
    candidates = await asyncio.to_thread(rematch, before.catalogue, after.catalogue, diff, profiles, today)
    return await queue_alerts(session, candidates, version_id)


async def plan_deadline_reminders(session: AsyncSession, catalogue: Catalogue, days: int,
                                  today: dt.date | None = None) -> int:
    """One reminder per subscriber per closing window (see ``rules.rematch.deadline_reminders``)."""
    profiles = await subscribed_profiles(session, completed_only=True)
    await session.rollback()
    candidates = await asyncio.to_thread(deadline_reminders, catalogue, profiles,
                                         today or dt.date.today(), days)
    return await queue_alerts(session, candidates, None, kind=REMINDER_KIND)
