"""/events: the next two weeks of events, filtered and ranked by the profile; a card with
«В календарь» (an .ics file) and «Напомнить» (reminders a day and an hour before, via the outbox).

Decisions:
- Filters travel in the button (cluster, format, okrug, supplier conferences only, window),
  so the list needs no stored state and survives a restart.
- Ranking uses the saved profile's cluster and sector when the user has consented; without a
  profile the list is simply soonest first.
- Reminders are outbox rows with ``not_before`` and a dedupe key per user, event and offset:
  pressing «Напомнить» twice (or a redelivered update) queues nothing new. A reminder whose
  time has already passed is not queued. «Не напоминать» deletes the user's pending rows.
"""

from __future__ import annotations

import datetime as dt

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.config import Settings
from bot.services.calendar import Clock, for_settings, moscow_now
from bot.services.event_watch import cancel_reminders, set_reminders
from bot.services.journey import Journey
from bot.telegram.callbacks import EventCardCb, EventIcsCb, EventRemindCb, EventsCb
from bot.telegram.event_screens import (
    card_screen,
    cluster_picker,
    events_okrug_picker,
    list_screen,
    reminders_screen,
)
from bot.telegram.outbox.messages import TelegramOutboxMessages
from bot.telegram.replies import replace, send
from bot.telegram.screen import Screen
from bot.texts import events as texts
from db.unit_of_work import UnitOfWork
from rules.events import Event
from rules.ics import event_ics, ics_filename

# ───────────────────────────── handlers ─────────────────────────────


def _now(events_clock: Clock | None) -> dt.datetime:
    return (events_clock or moscow_now)()


async def events_command(
    message: Message, bot: Bot, journey: Journey, settings: Settings, events_clock: Clock | None = None,
) -> None:
    now = _now(events_clock)
    calendar, _ = for_settings(settings, now)
    if calendar is None:
        await send(bot, message.chat.id, Screen(texts.NO_CALENDAR))
        return
    profile = await journey.saved_profile()
    await send(bot, message.chat.id, list_screen(calendar.events, EventsCb(), profile, now))


async def on_list(
    callback: CallbackQuery, callback_data: EventsCb, bot: Bot, journey: Journey,
    settings: Settings, events_clock: Clock | None = None,
) -> None:
    now = _now(events_clock)
    calendar, _ = for_settings(settings, now)
    if calendar is None:
        await replace(callback, bot, Screen(texts.NO_CALENDAR))
        return
    profile = await journey.saved_profile()
    if callback_data.s == "o":
        screen = events_okrug_picker(callback_data)
    elif callback_data.s == "c":
        screen = cluster_picker(callback_data, profile)
    else:
        screen = list_screen(calendar.events, callback_data, profile, now)
    await replace(callback, bot, screen)


def _event(settings: Settings, event_id: str, now: dt.datetime) -> Event | None:
    calendar, _ = for_settings(settings, now)
    return calendar.by_id.get(event_id) if calendar else None


async def on_card(
    callback: CallbackQuery, callback_data: EventCardCb, bot: Bot, settings: Settings,
    events_clock: Clock | None = None,
) -> None:
    event = _event(settings, callback_data.id, _now(events_clock))
    if event is None:
        await send(bot, callback.from_user.id, Screen(texts.EVENT_GONE))
        return
    await send(bot, callback.from_user.id, card_screen(event))


async def on_ics(
    callback: CallbackQuery, callback_data: EventIcsCb, callback_answer: CallbackAnswer, bot: Bot,
    settings: Settings, events_clock: Clock | None = None,
) -> None:
    now = _now(events_clock)
    event = _event(settings, callback_data.id, now)
    if event is None:
        await send(bot, callback.from_user.id, Screen(texts.EVENT_GONE))
        return
    callback_answer.text = texts.ICS_SENT
    await bot.send_document(
        callback.from_user.id,
        BufferedInputFile(event_ics(event, now), filename=ics_filename(event)),
        caption=texts.ics_caption(event.example),
    )


async def on_remind(
    callback: CallbackQuery, callback_data: EventRemindCb, callback_answer: CallbackAnswer, bot: Bot,
    uow: UnitOfWork, settings: Settings, events_clock: Clock | None = None,
) -> None:
    now = _now(events_clock)
    user_id = callback.from_user.id
    if not callback_data.on:
        await cancel_reminders(uow.session, user_id, callback_data.id)
        await uow.commit()
        await send(bot, user_id, Screen(texts.REMINDERS_CANCELLED))
        return
    event = _event(settings, callback_data.id, now)
    if event is None or not event.active:
        await send(bot, user_id, Screen(texts.EVENT_GONE))
        return
    queued = await set_reminders(uow.session, user_id, event, now, TelegramOutboxMessages())
    await uow.commit()
    if not queued:
        await send(bot, user_id, Screen(texts.TOO_LATE_TO_REMIND))
        return
    callback_answer.text = texts.WILL_REMIND
    await send(bot, user_id, reminders_screen(event, queued))


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="events")
    router.message.filter(F.chat.type == "private")
    router.message.register(events_command, Command("events"))
    router.callback_query.register(on_list, EventsCb.filter())
    router.callback_query.register(on_card, EventCardCb.filter())
    router.callback_query.register(on_ics, EventIcsCb.filter())
    router.callback_query.register(on_remind, EventRemindCb.filter())
    return router
