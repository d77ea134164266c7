"""/places: technoparks, SEZ sites, shared-use centres and support centres by type, okrug and
specialisation; a shared location sorts them by distance.

Decisions:
- Filters travel in the button, like /events. "Specialisation" is the sector vocabulary of the
  profile (the directory tags places with it), offered only for sectors some place has.
- Distances are great-circle and marked «≈» when a place's coordinates mark its area only;
  places without coordinates are listed after, never silently dropped.
- Free space is never promised: every card of a physical place points to the live catalogue.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.config import Settings
from bot.services.calendar import Clock, for_settings, moscow_now
from bot.telegram.callbacks import NearbyCb, PlaceCardCb, PlacesCb
from bot.telegram.replies import replace, send
from bot.telegram.screen import Screen
from rules.places import ACCESS, OKRUGS, PLACE_TYPES, SERVICES, Directory, Place, by_distance, filter_places
from rules.profile import SECTORS

Button = InlineKeyboardButton
PAGE_SIZE = 6
NEAREST = 8
OKRUG_CHOICES: tuple[str, ...] = (*OKRUGS, "ТиНАО")
TYPE_BUTTONS = {
    "technopark": "Технопарки",
    "sez_site": "Технополис «Москва»",
    "ckp": "Центры коллективного пользования",
    "support_centre": "Центры поддержки",
    "service": "Сервисы города (свободные площади)",
}
SEND_LOCATION = "📍 Отправить геопозицию"
NO_DIRECTORY = "Справочник площадок пока не загружен. Загляните позже или спросите консультанта: /consultant"
PLACE_GONE = "Этой площадки больше нет в справочнике — откройте актуальный список: /places"
FREE_SPACE_HINT = ("Свободные площади меняются каждый день: актуальные — на i.moscow и в Инвестиционной "
                   "карте Москвы (раздел «Сервисы города»).")


def _with(data: PlacesCb, **changes: Any) -> str:
    return data.model_copy(update={"p": 0, "s": "l", **changes}).pack()


def _okrug(data: PlacesCb) -> str:
    return OKRUG_CHOICES[data.o] if 0 <= data.o < len(OKRUG_CHOICES) else ""


def _line(number: int, place: Place, distance: float | None = None) -> str:
    where = place.okrug or "онлайн"
    tail = f"{place.type_label} · {where}"
    if distance is not None:
        km = f"{distance:.1f}".replace(".", ",")  # Russian decimal comma
        tail += f" · {'≈' if place.geo and place.geo.approximate else ''}{km} км"
    return f"{number}. <b>{escape(place.name)}</b>\n    {escape(tail)}"


def list_screen(directory: Directory, data: PlacesCb) -> Screen:
    okrug = _okrug(data)
    found = filter_places(directory.places, type=data.t if data.t in PLACE_TYPES else "", okrug=okrug,
                          sector=data.sc if data.sc in SECTORS else "")
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    page = min(max(data.p, 0), pages - 1)
    shown = found[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    chosen = [TYPE_BUTTONS.get(data.t, ""), f"округ: {okrug}" if okrug else "",
              f"отрасль: {SECTORS[data.sc]}" if data.sc in SECTORS else ""]
    filters = ", ".join(c for c in chosen if c)
    lines = ["<b>Площадки и инфраструктура</b>",
             f"Фильтры: {escape(filters)}" if filters else "Фильтры: все площадки", ""]
    if not shown:
        lines.append("Ничего не нашлось. Уберите фильтр или посмотрите сервисы города.")
    lines += [_line(n, p) for n, p in enumerate(shown, page * PAGE_SIZE + 1)]
    lines += ["", escape(FREE_SPACE_HINT)]
    if pages > 1:
        lines.append(f"Страница {page + 1} из {pages}")
    numbers = [Button(text=str(page * PAGE_SIZE + 1 + i), callback_data=PlaceCardCb(id=p.id).pack())
               for i, p in enumerate(shown)]
    nav = []
    if page > 0:
        nav.append(Button(text="← Назад", callback_data=_with(data, p=page - 1)))
    if page + 1 < pages:
        nav.append(Button(text="Дальше →", callback_data=_with(data, p=page + 1)))
    types = [Button(text=("• " if key == data.t else "") + label,
                    callback_data=_with(data, t="" if key == data.t else key))
             for key, label in TYPE_BUTTONS.items()]
    rows = [numbers, nav, *[[b] for b in types],
            [Button(text=f"Округ: {okrug}" if okrug else "Округ: любой", callback_data=_with(data, s="o")),
             Button(text="Отрасль: выбрана" if data.sc else "Отрасль: любая", callback_data=_with(data, s="s"))],
            [Button(text="📍 Рядом со мной", callback_data=NearbyCb().pack())]]
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[r for r in rows if r]))


def okrug_picker(data: PlacesCb) -> Screen:
    buttons = [Button(text=name, callback_data=_with(data, o=index)) for index, name in enumerate(OKRUG_CHOICES)]
    rows = [buttons[i:i + 4] for i in range(0, len(buttons), 4)]
    rows.append([Button(text="Любой округ", callback_data=_with(data, o=-1))])
    return Screen("Выберите округ:", InlineKeyboardMarkup(inline_keyboard=rows))


def sector_picker(directory: Directory, data: PlacesCb) -> Screen:
    present = {s for p in directory.places for s in p.sectors}
    rows = [[Button(text=label, callback_data=_with(data, sc=key))]
            for key, label in SECTORS.items() if key in present]
    rows.append([Button(text="Любая отрасль", callback_data=_with(data, sc=""))])
    return Screen("Специализация площадки:", InlineKeyboardMarkup(inline_keyboard=rows))


def _link(url: str, label: str) -> str:
    return f'<a href="{escape(url, quote=True)}">{escape(label)}</a>'


def card_text(place: Place) -> str:
    lines = [f"<b>{escape(place.name)}</b>", escape(place.type_label[:1].upper() + place.type_label[1:]), "", escape(place.summary), ""]
    if place.address:
        district = f", район {place.district}" if place.district else ""
        okrug = f" ({place.okrug}{district})" if place.okrug else ""
        lines.append(f"Адрес: {escape(place.address + okrug)}")
    if place.specialisation:
        lines.append(f"Специализация: {escape(place.specialisation)}")
    lines.append("Услуги: " + escape(", ".join(SERVICES[s] for s in place.services)))
    if place.access:
        lines.append(f"Кому доступно: {escape(ACCESS[place.access])}")
    if place.conditions:
        lines.append(f"Условия: {escape(place.conditions)}")
    contact = [_link(place.contact.site, "сайт")] if place.contact.site else []
    contact += [escape(v) for v in (place.contact.phone, place.contact.email) if v]
    if contact:
        lines.append("Контакты: " + ", ".join(contact))
    if place.booking_url:
        lines.append(f"Свободные площади и заявка: {_link(place.booking_url, place.booking_url)}")
    if place.equipment_url:
        lines.append(f"Оборудование: {_link(place.equipment_url, 'каталог')}")
    lines.append("")
    if not place.verified:
        lines.append(f"⚠️ Не всё подтверждено: {escape(place.provenance_note)}")
    lines.append(f"Источник: {_link(place.source_url, 'страница')}, проверено {place.last_verified:%d.%m.%Y}")
    return "\n".join(lines)


def card_markup(place: Place) -> InlineKeyboardMarkup:
    rows = []
    if place.booking_url:
        rows.append([Button(text="Открыть каталог площадей", url=place.booking_url)])
    elif place.contact.site:
        rows.append([Button(text="Сайт площадки", url=place.contact.site)])
    rows.append([Button(text="← К площадкам", callback_data=PlacesCb().pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def nearest_screen(places: Sequence[Place], lat: float, lon: float) -> Screen:
    ranked = by_distance(places, lat, lon)[:NEAREST]
    lines = ["<b>Ближайшие площадки</b>", "Расстояние по прямой; «≈» — координаты указывают район, а не здание.", ""]
    lines += [_line(n, p, km) for n, (p, km) in enumerate(ranked, 1)]
    if not ranked:
        lines.append("Ни у одной площадки пока нет координат — выберите округ в /places.")
    numbers = [Button(text=str(n), callback_data=PlaceCardCb(id=p.id).pack()) for n, (p, _) in enumerate(ranked, 1)]
    rows = [numbers[:4], numbers[4:], [Button(text="Все площадки", callback_data=PlacesCb().pack())]]
    return Screen("\n".join(lines), InlineKeyboardMarkup(inline_keyboard=[r for r in rows if r]))


# ───────────────────────────── handlers ─────────────────────────────


def _directory(settings: Settings, clock: Clock | None) -> Directory | None:
    return for_settings(settings, (clock or moscow_now)())[1]


async def places_command(message: Message, bot: Bot, settings: Settings, events_clock: Clock | None = None) -> None:
    directory = _directory(settings, events_clock)
    await send(bot, message.chat.id, list_screen(directory, PlacesCb()) if directory else Screen(NO_DIRECTORY))


async def on_list(
    callback: CallbackQuery, callback_data: PlacesCb, bot: Bot, settings: Settings, events_clock: Clock | None = None
) -> None:
    directory = _directory(settings, events_clock)
    if directory is None:
        await replace(callback, bot, Screen(NO_DIRECTORY))
    elif callback_data.s == "o":
        await replace(callback, bot, okrug_picker(callback_data))
    elif callback_data.s == "s":
        await replace(callback, bot, sector_picker(directory, callback_data))
    else:
        await replace(callback, bot, list_screen(directory, callback_data))


async def on_card(
    callback: CallbackQuery, callback_data: PlaceCardCb, bot: Bot, settings: Settings,
    events_clock: Clock | None = None,
) -> None:
    directory = _directory(settings, events_clock)
    place = directory.by_id.get(callback_data.id) if directory else None
    if place is None:
        await send(bot, callback.from_user.id, Screen(PLACE_GONE))
        return
    await send(bot, callback.from_user.id, Screen(card_text(place), card_markup(place)))


async def on_nearby(callback: CallbackQuery, bot: Bot) -> None:
    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=SEND_LOCATION, request_location=True)]],
                                   resize_keyboard=True, one_time_keyboard=True)
    await bot.send_message(callback.from_user.id, "Нажмите кнопку ниже — я отсортирую площадки по расстоянию. "
                           "Геопозицию я не сохраняю.", reply_markup=keyboard)


async def on_location(message: Message, bot: Bot, settings: Settings, events_clock: Clock | None = None) -> None:
    directory = _directory(settings, events_clock)
    assert message.location is not None
    if directory is None:
        await bot.send_message(message.chat.id, NO_DIRECTORY, reply_markup=ReplyKeyboardRemove())
        return
    await bot.send_message(message.chat.id, "Спасибо, считаю расстояния.", reply_markup=ReplyKeyboardRemove())
    await send(bot, message.chat.id, nearest_screen(directory.places, message.location.latitude,
                                                    message.location.longitude))


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="places")
    router.message.filter(F.chat.type == "private")
    router.message.register(places_command, Command("places"))
    router.message.register(on_location, F.location)
    router.callback_query.register(on_list, PlacesCb.filter())
    router.callback_query.register(on_card, PlaceCardCb.filter())
    router.callback_query.register(on_nearby, NearbyCb.filter())
    return router
