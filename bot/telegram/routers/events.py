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
import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.callback_answer import CallbackAnswer

from bot.config import Settings
from bot.services.calendar import Clock, for_settings, moscow_now
from bot.services.event_watch import cancel_reminders, set_reminders
from bot.services.journey import Journey
from bot.telegram.callbacks import EventCardCb, EventIcsCb, EventRemindCb, EventsCb
from bot.telegram.outbox.messages import TelegramOutboxMessages
from bot.telegram.replies import replace, send
from bot.telegram.screen import Screen
from bot.texts.events import (
    EVENT_GONE,
    EXAMPLE_NOTE,
    FORMAT_BUTTON,
    MONTHS,
    NO_CALENDAR,
    link,
    when_long,
    when_short,
    where,
)
from db.unit_of_work import UnitOfWork
from rules.events import AUDIENCES, FORMATS, KINDS, Event, EventFilter, fit, upcoming
from rules.ics import event_ics, ics_filename
from rules.places import OKRUGS
from rules.profile import CLUSTERS

Button = InlineKeyboardButton
PAGE_SIZE = 6
WIDE_WINDOW_DAYS = 60
OKRUG_CHOICES: tuple[str, ...] = (*OKRUGS, "ТиНАО")
FORMAT_CYCLE = {"": "offline", "offline": "online", "online": ""}

# ───────────────────────────── formatting ─────────────────────────────


def _filter_of(data: EventsCb) -> EventFilter:
    okrug = OKRUG_CHOICES[data.o] if 0 <= data.o < len(OKRUG_CHOICES) else ""
    return EventFilter(
        days=data.d if data.d in (14, WIDE_WINDOW_DAYS) else 14,
        cluster=data.c if data.c in CLUSTERS else "",
        format=data.f if data.f in ("offline", "online") else "",
        okrug=okrug,
        kind="supplier_conference" if data.k == "sc" else "",
    )


def _line(number: int, event: Event) -> str:
    tail = [FORMATS[event.format]]
    if event.okrug:
        tail.append(event.okrug)
    if event.example:
        tail.append(f"⚠️ {EXAMPLE_NOTE}")
    return f"{number}. <b>{when_short(event.starts_at)}</b> — {escape(event.title)}\n    {escape(' · '.join(tail))}"


def list_screen(events: Sequence[Event], data: EventsCb, profile: Mapping[str, Any], now: dt.datetime) -> Screen:
    wanted = _filter_of(data)
    found = upcoming(events, now, profile, wanted)
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    page = min(max(data.p, 0), pages - 1)
    shown = found[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    chosen = [f"кластер: {CLUSTERS[wanted.cluster]}" if wanted.cluster else "",
              FORMATS[wanted.format] if wanted.format else "",
              f"округ: {wanted.okrug}" if wanted.okrug else "",
              "только конференции поставщиков" if wanted.kind else ""]
    lines = [f"<b>Мероприятия на ближайшие {wanted.days} дней</b>"]
    filters = ", ".join(c for c in chosen if c)
    lines.append(f"Фильтры: {escape(filters)}" if filters else "Фильтры: все мероприятия")
    if profile.get("cluster") or profile.get("sector"):
        lines.append("Сначала — для вашего кластера и отрасли (★ — ваш кластер).")
    lines.append("")
    if not shown:
        lines.append("Подходящих мероприятий нет. Уберите фильтры или посмотрите дальше вперёд.")
    for number, event in enumerate(shown, page * PAGE_SIZE + 1):
        mark = " ★" if profile and fit(event, profile) >= 4 else ""
        lines.append(_line(number, event) + mark)
    if pages > 1:
        lines += ["", f"Страница {page + 1} из {pages}"]
    return Screen("\n".join(lines), _list_markup(data, [e.id for e in shown], page * PAGE_SIZE + 1, page, pages))


def _with(data: EventsCb, **changes: Any) -> str:
    return data.model_copy(update={"p": 0, "s": "l", **changes}).pack()


def _list_markup(data: EventsCb, ids: Sequence[str], first: int, page: int, pages: int) -> InlineKeyboardMarkup:
    numbers = [Button(text=str(first + i), callback_data=EventCardCb(id=event_id).pack())
               for i, event_id in enumerate(ids)]
    nav = []
    if page > 0:
        nav.append(Button(text="← Назад", callback_data=_with(data, p=page - 1)))
    if page + 1 < pages:
        nav.append(Button(text="Дальше →", callback_data=_with(data, p=page + 1)))
    okrug = OKRUG_CHOICES[data.o] if 0 <= data.o < len(OKRUG_CHOICES) else ""
    rows = [
        numbers,
        nav,
        [Button(text=FORMAT_BUTTON[data.f if data.f in FORMAT_CYCLE else ""],
                callback_data=_with(data, f=FORMAT_CYCLE.get(data.f, ""))),
         Button(text=f"Округ: {okrug}" if okrug else "Округ: любой", callback_data=_with(data, s="o"))],
        [Button(text="Кластер: выбран" if data.c else "Кластер: любой", callback_data=_with(data, s="c")),
         Button(text=("• " if data.k else "") + "Конференции поставщиков",
                callback_data=_with(data, k="" if data.k else "sc"))],
        [Button(text="На 14 дней" if data.d == WIDE_WINDOW_DAYS else f"На {WIDE_WINDOW_DAYS} дней",
                callback_data=_with(data, d=14 if data.d == WIDE_WINDOW_DAYS else WIDE_WINDOW_DAYS))],
    ]
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def okrug_picker(data: EventsCb) -> Screen:
    buttons = [Button(text=name, callback_data=_with(data, o=index)) for index, name in enumerate(OKRUG_CHOICES)]
    rows = [buttons[i:i + 4] for i in range(0, len(buttons), 4)]
    rows.append([Button(text="Любой округ", callback_data=_with(data, o=-1))])
    return Screen("Выберите округ, где пройдёт мероприятие (онлайн-мероприятия при этом скрываются):",
                  InlineKeyboardMarkup(inline_keyboard=rows))


def cluster_picker(data: EventsCb, profile: Mapping[str, Any]) -> Screen:
    rows = []
    mine = profile.get("cluster")
    for cluster, label in CLUSTERS.items():
        if cluster in ("none", "protocluster"):
            continue
        text = ("★ " if cluster == mine else "") + label
        rows.append([Button(text=text[:60], callback_data=_with(data, c=cluster))])
    rows.append([Button(text="Все кластеры", callback_data=_with(data, c=""))])
    return Screen("Выберите кластер:", InlineKeyboardMarkup(inline_keyboard=rows))


def card_text(event: Event) -> str:
    lines = [f"<b>{escape(event.title)}</b>"]
    if event.status == "cancelled":
        lines.append("❌ Мероприятие отменено.")
    elif event.status == "moved":
        lines.append("↪️ Мероприятие перенесено — проверьте дату у организатора.")
    if event.example:
        lines.append(f"⚠️ Пример, дата не подтверждена: проверьте дату у организатора. {escape(event.provenance_note)}")
    lines += [
        "",
        f"Что: {escape(KINDS[event.kind])}",
        f"Когда: {when_long(event)}",
        f"Где: {where(event)}",
        "Организатор: " + (link(event.organiser_url, event.organiser) if event.organiser_url
                           else escape(event.organiser)),
    ]
    if event.audience:
        lines.append("Для кого: " + escape(", ".join(AUDIENCES[a] for a in event.audience)))
    if event.buyers:
        lines.append("Заказчики: " + escape("; ".join(event.buyers)))
    if event.clusters:
        lines.append("Кластеры: " + escape("; ".join(CLUSTERS[c] for c in sorted(event.clusters))))
    if event.price:
        lines.append(f"Участие: {escape(event.price)}")
    if event.registration_url:
        deadline = event.registration_deadline
        until = f", до {deadline.day} {MONTHS[deadline.month - 1]}" if deadline else ""
        lines.append(f"Регистрация: {link(event.registration_url, 'ссылка')}{until}")
    lines += ["", escape(event.summary), "",
              f"Источник: {link(event.source_url, 'страница организатора')}, проверено "
              f"{event.last_verified:%d.%m.%Y}"]
    return "\n".join(lines)


def card_markup(event: Event) -> InlineKeyboardMarkup:
    rows = [
        [Button(text="В календарь", callback_data=EventIcsCb(id=event.id).pack()),
         Button(text="Напомнить", callback_data=EventRemindCb(id=event.id).pack())],
    ]
    if event.registration_url:
        rows.append([Button(text="Зарегистрироваться", url=event.registration_url)])
    rows.append([Button(text="← К мероприятиям", callback_data=EventsCb().pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


# ───────────────────────────── handlers ─────────────────────────────


def _now(events_clock: Clock | None) -> dt.datetime:
    return (events_clock or moscow_now)()


async def events_command(
    message: Message, bot: Bot, journey: Journey, settings: Settings, events_clock: Clock | None = None,
) -> None:
    now = _now(events_clock)
    calendar, _ = for_settings(settings, now)
    if calendar is None:
        await send(bot, message.chat.id, Screen(NO_CALENDAR))
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
        await replace(callback, bot, Screen(NO_CALENDAR))
        return
    profile = await journey.saved_profile()
    if callback_data.s == "o":
        screen = okrug_picker(callback_data)
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
        await send(bot, callback.from_user.id, Screen(EVENT_GONE))
        return
    await send(bot, callback.from_user.id, Screen(card_text(event), card_markup(event)))


async def on_ics(
    callback: CallbackQuery, callback_data: EventIcsCb, callback_answer: CallbackAnswer, bot: Bot,
    settings: Settings, events_clock: Clock | None = None,
) -> None:
    now = _now(events_clock)
    event = _event(settings, callback_data.id, now)
    if event is None:
        await send(bot, callback.from_user.id, Screen(EVENT_GONE))
        return
    callback_answer.text = "Файл для календаря отправлен"
    caption = "Откройте файл — событие добавится в календарь (время московское)."
    if event.example:
        caption += "\n⚠️ Пример, дата не подтверждена."
    await bot.send_document(
        callback.from_user.id,
        BufferedInputFile(event_ics(event, now), filename=ics_filename(event)),
        caption=caption,
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
        await send(bot, user_id, Screen("Напоминания отменены."))
        return
    event = _event(settings, callback_data.id, now)
    if event is None or not event.active:
        await send(bot, user_id, Screen(EVENT_GONE))
        return
    queued = [f"{'за день' if name == '1d' else 'за час'} — {when_short(at)}"
              for name, at in await set_reminders(uow.session, user_id, event, now, TelegramOutboxMessages())]
    await uow.commit()
    if not queued:
        await send(bot, user_id, Screen("Мероприятие вот-вот начнётся — напоминать уже поздно."))
        return
    callback_answer.text = "Напомню"
    markup = InlineKeyboardMarkup(inline_keyboard=[[Button(
        text="Не напоминать", callback_data=EventRemindCb(id=event.id, on=False).pack())]])
    await send(bot, user_id, Screen("Напомню о «" + escape(event.title) + "»:\n" + "\n".join(queued), markup))


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
