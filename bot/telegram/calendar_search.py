"""Events and places in the free-text reply: a short block under the measures' answer.

The block appears only when the question asks for an event or a place
(``rules.directory_search``); the measures' reply above it is left exactly as it was, and the
block's buttons open the same cards as /events and /places.
"""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import Settings
from bot.services.calendar import Clock, for_settings, moscow_now
from bot.telegram.callbacks import EventCardCb, PlaceCardCb
from bot.telegram.screen import Screen
from bot.texts.events import DIRECTORY_HITS_HEADER, EXAMPLE_NOTE, when_short
from rules.directory_search import find


def with_directory_hits(screen: Screen, text: str, settings: Settings, clock: Clock | None = None) -> Screen:
    """The screen with events/places the question asks for appended (unchanged if none)."""
    now = (clock or moscow_now)()
    calendar, directory = for_settings(settings, now)
    found = find(text[:500], calendar.events if calendar else (), directory.places if directory else (), now)
    if not found:
        return screen
    lines, rows = [DIRECTORY_HITS_HEADER], []
    for number, hit in enumerate(found, 1):
        if hit.kind == "event" and calendar is not None:
            event = calendar.by_id[hit.id]
            note = f" ({EXAMPLE_NOTE})" if event.example else ""
            lines.append(f"{number}. 📅 {when_short(event.starts_at)} — {escape(event.title)}{escape(note)}")
            data = EventCardCb(id=hit.id).pack()
        else:
            place = directory.by_id[hit.id] if directory else None
            where = f" — {place.okrug}" if place and place.okrug else ""
            lines.append(f"{number}. 🏭 {escape(hit.title)}{escape(where)}")
            data = PlaceCardCb(id=hit.id).pack()
        rows.append([InlineKeyboardButton(text=f"{number}. {hit.title}"[:60], callback_data=data)])
    text_out = f"{screen.text}\n\n" + "\n".join(lines) if screen.text else "\n".join(lines)
    existing = list(screen.markup.inline_keyboard) if screen.markup else []
    # the directory's buttons go above the last row (the consultant button stays last)
    keyboard = [*existing[:-1], *rows, *existing[-1:]] if existing else rows
    return Screen(text_out, InlineKeyboardMarkup(inline_keyboard=keyboard))
