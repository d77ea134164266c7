"""/places screens as pure functions of the directory and the button: the list, the pickers,
the card and the nearest places.

Filters travel in the button (``PlacesCb``: type, okrug, sector, page), like /events.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.callbacks import NearbyCb, PlaceCardCb, PlacesCb
from bot.telegram.paging import markup, nav_row, okrug_of, okrug_picker, page_of, with_changes
from bot.telegram.screen import Screen
from bot.texts import places as texts
from bot.texts.listing import (
    CHOSEN_MARK,
    FILTERS_NONE_PLACES,
    filters_line,
    okrug_button,
    okrug_filter,
    page_line,
)
from rules.places import PLACE_TYPES, Directory, Place, by_distance, filter_places
from rules.profile import SECTORS

NEAREST = 8


def list_screen(directory: Directory, data: PlacesCb) -> Screen:
    okrug = okrug_of(data.o)
    found = filter_places(directory.places, type=data.t if data.t in PLACE_TYPES else "", okrug=okrug,
                          sector=data.sc if data.sc in SECTORS else "")
    page = page_of(found, data.p)
    chosen = [texts.TYPE_BUTTONS.get(data.t, ""), okrug_filter(okrug), texts.sector_filter(data.sc)]
    lines = [texts.LIST_TITLE, filters_line(chosen, FILTERS_NONE_PLACES), ""]
    if not page.items:
        lines.append(texts.NOTHING_FOUND)
    lines += [texts.place_line(n, p) for n, p in enumerate(page.items, page.first)]
    lines += ["", escape(texts.FREE_SPACE_HINT)]
    if page.pages > 1:
        lines.append(page_line(page.index, page.pages))
    numbers = [InlineKeyboardButton(text=str(page.first + i), callback_data=PlaceCardCb(id=p.id).pack())
               for i, p in enumerate(page.items)]
    types = [InlineKeyboardButton(text=(CHOSEN_MARK if key == data.t else "") + label,
                                  callback_data=with_changes(data, t="" if key == data.t else key))
             for key, label in texts.TYPE_BUTTONS.items()]
    rows = [numbers, nav_row(data, page), *[[b] for b in types],
            [InlineKeyboardButton(text=okrug_button(okrug), callback_data=with_changes(data, s="o")),
             InlineKeyboardButton(text=texts.sector_button(bool(data.sc)), callback_data=with_changes(data, s="s"))],
            [InlineKeyboardButton(text=texts.NEARBY_BUTTON, callback_data=NearbyCb().pack())]]
    return Screen("\n".join(lines), markup(rows))


def places_okrug_picker(data: PlacesCb) -> Screen:
    return okrug_picker(data, texts.OKRUG_PROMPT)


def sector_picker(directory: Directory, data: PlacesCb) -> Screen:
    present = {s for p in directory.places for s in p.sectors}
    rows = [[InlineKeyboardButton(text=label, callback_data=with_changes(data, sc=key))]
            for key, label in SECTORS.items() if key in present]
    rows.append([InlineKeyboardButton(text=texts.ANY_SECTOR, callback_data=with_changes(data, sc=""))])
    return Screen(texts.SECTOR_PROMPT, InlineKeyboardMarkup(inline_keyboard=rows))


def card_markup(place: Place) -> InlineKeyboardMarkup:
    rows = []
    if place.booking_url:
        rows.append([InlineKeyboardButton(text=texts.OPEN_CATALOGUE_BUTTON, url=place.booking_url)])
    elif place.contact.site:
        rows.append([InlineKeyboardButton(text=texts.SITE_BUTTON, url=place.contact.site)])
    rows.append([InlineKeyboardButton(text=texts.BACK_TO_PLACES_BUTTON, callback_data=PlacesCb().pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def card_screen(place: Place) -> Screen:
    return Screen(texts.card_text(place), card_markup(place))


def nearest_screen(places: Sequence[Place], lat: float, lon: float) -> Screen:
    ranked = by_distance(places, lat, lon)[:NEAREST]
    lines = [texts.NEAREST_TITLE, texts.NEAREST_NOTE, ""]
    lines += [texts.place_line(n, p, km) for n, (p, km) in enumerate(ranked, 1)]
    if not ranked:
        lines.append(texts.NO_COORDINATES)
    numbers = [InlineKeyboardButton(text=str(n), callback_data=PlaceCardCb(id=p.id).pack())
               for n, (p, _) in enumerate(ranked, 1)]
    rows = [numbers[:4], numbers[4:], [InlineKeyboardButton(text=texts.ALL_PLACES_BUTTON,
                                                            callback_data=PlacesCb().pack())]]
    return Screen("\n".join(lines), markup(rows))
