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

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.config import Settings
from bot.services.calendar import Clock, for_settings, moscow_now
from bot.telegram.callbacks import NearbyCb, PlaceCardCb, PlacesCb
from bot.telegram.place_screens import (
    card_screen,
    list_screen,
    nearest_screen,
    places_okrug_picker,
    sector_picker,
)
from bot.telegram.replies import replace, send
from bot.telegram.screen import Screen
from bot.texts import places as texts
from rules.places import Directory

# ───────────────────────────── handlers ─────────────────────────────


def _directory(settings: Settings, clock: Clock | None) -> Directory | None:
    return for_settings(settings, (clock or moscow_now)())[1]


async def places_command(message: Message, bot: Bot, settings: Settings, events_clock: Clock | None = None) -> None:
    directory = _directory(settings, events_clock)
    await send(bot, message.chat.id, list_screen(directory, PlacesCb()) if directory else Screen(texts.NO_DIRECTORY))


async def on_list(
    callback: CallbackQuery, callback_data: PlacesCb, bot: Bot, settings: Settings, events_clock: Clock | None = None
) -> None:
    directory = _directory(settings, events_clock)
    if directory is None:
        await replace(callback, bot, Screen(texts.NO_DIRECTORY))
    elif callback_data.s == "o":
        await replace(callback, bot, places_okrug_picker(callback_data))
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
        await send(bot, callback.from_user.id, Screen(texts.PLACE_GONE))
        return
    await send(bot, callback.from_user.id, card_screen(place))


async def on_nearby(callback: CallbackQuery, bot: Bot) -> None:
    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=texts.SEND_LOCATION, request_location=True)]],
                                   resize_keyboard=True, one_time_keyboard=True)
    await bot.send_message(callback.from_user.id, texts.ASK_LOCATION, reply_markup=keyboard)


async def on_location(message: Message, bot: Bot, settings: Settings, events_clock: Clock | None = None) -> None:
    directory = _directory(settings, events_clock)
    assert message.location is not None
    if directory is None:
        await bot.send_message(message.chat.id, texts.NO_DIRECTORY, reply_markup=ReplyKeyboardRemove())
        return
    await bot.send_message(message.chat.id, texts.COUNTING, reply_markup=ReplyKeyboardRemove())
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
