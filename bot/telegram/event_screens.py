"""/events screens as pure functions of events and the button: the list, the pickers, the card.

Filters travel in the button (``EventsCb``: cluster, format, okrug, supplier conferences only,
window, page), so the list needs no stored state and survives a restart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.callbacks import EventCardCb, EventIcsCb, EventRemindCb, EventsCb
from bot.telegram.paging import markup, nav_row, okrug_of, okrug_picker, page_of, with_changes
from bot.telegram.screen import Screen
from bot.texts import events as texts
from bot.texts.listing import (
    CHOSEN_MARK,
    FILTERS_NONE_EVENTS,
    filters_line,
    okrug_button,
    okrug_filter,
    page_line,
)
from rules.events import FORMATS, Event, EventFilter, fit, upcoming
from rules.profile import CLUSTERS

WIDE_WINDOW_DAYS = 60
FORMAT_CYCLE = {"": "offline", "offline": "online", "online": ""}
PICKER_SKIPS = ("none", "protocluster")  # cluster values nobody filters events by


def filter_of(data: EventsCb) -> EventFilter:
    return EventFilter(
        days=data.d if data.d in (14, WIDE_WINDOW_DAYS) else 14,
        cluster=data.c if data.c in CLUSTERS else "",
        format=data.f if data.f in ("offline", "online") else "",
        okrug=okrug_of(data.o),
        kind="supplier_conference" if data.k == "sc" else "",
    )


def list_screen(events: Sequence[Event], data: EventsCb, profile: Mapping[str, Any], now: dt.datetime) -> Screen:
    wanted = filter_of(data)
    page = page_of(upcoming(events, now, profile, wanted), data.p)
    chosen = [texts.cluster_filter(wanted.cluster), FORMATS[wanted.format] if wanted.format else "",
              okrug_filter(wanted.okrug), texts.CONFERENCES_ONLY if wanted.kind else ""]
    lines = [texts.list_title(wanted.days), filters_line(chosen, FILTERS_NONE_EVENTS)]
    if profile.get("cluster") or profile.get("sector"):
        lines.append(texts.RANKED_NOTE)
    lines.append("")
    if not page.items:
        lines.append(texts.NOTHING_FOUND)
    for number, event in enumerate(page.items, page.first):
        mark = texts.YOUR_CLUSTER_MARK if profile and fit(event, profile) >= 4 else ""
        lines.append(texts.event_line(number, event) + mark)
    if page.pages > 1:
        lines += ["", page_line(page.index, page.pages)]
    numbers = [InlineKeyboardButton(text=str(page.first + i), callback_data=EventCardCb(id=event.id).pack())
               for i, event in enumerate(page.items)]
    return Screen("\n".join(lines), markup([numbers, nav_row(data, page), *_filter_rows(data)]))


def _filter_rows(data: EventsCb) -> list[list[InlineKeyboardButton]]:
    wide = data.d == WIDE_WINDOW_DAYS
    return [
        [InlineKeyboardButton(text=texts.FORMAT_BUTTON[data.f if data.f in FORMAT_CYCLE else ""],
                              callback_data=with_changes(data, f=FORMAT_CYCLE.get(data.f, ""))),
         InlineKeyboardButton(text=okrug_button(okrug_of(data.o)), callback_data=with_changes(data, s="o"))],
        [InlineKeyboardButton(text=texts.cluster_button(bool(data.c)), callback_data=with_changes(data, s="c")),
         InlineKeyboardButton(text=(CHOSEN_MARK if data.k else "") + texts.CONFERENCES_BUTTON,
                              callback_data=with_changes(data, k="" if data.k else "sc"))],
        [InlineKeyboardButton(text=texts.window_button(14 if wide else WIDE_WINDOW_DAYS),
                              callback_data=with_changes(data, d=14 if wide else WIDE_WINDOW_DAYS))],
    ]


def events_okrug_picker(data: EventsCb) -> Screen:
    return okrug_picker(data, texts.OKRUG_PROMPT)


def cluster_picker(data: EventsCb, profile: Mapping[str, Any]) -> Screen:
    rows = []
    mine = profile.get("cluster")
    for cluster, label in CLUSTERS.items():
        if cluster in PICKER_SKIPS:
            continue
        text = ("★ " if cluster == mine else "") + label
        rows.append([InlineKeyboardButton(text=text[:60], callback_data=with_changes(data, c=cluster))])
    rows.append([InlineKeyboardButton(text=texts.ALL_CLUSTERS, callback_data=with_changes(data, c=""))])
    return Screen(texts.CLUSTER_PROMPT, InlineKeyboardMarkup(inline_keyboard=rows))


def card_markup(event: Event) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(text=texts.TO_CALENDAR_BUTTON, callback_data=EventIcsCb(id=event.id).pack()),
         InlineKeyboardButton(text=texts.REMIND_BUTTON, callback_data=EventRemindCb(id=event.id).pack())],
    ]
    if event.registration_url:
        rows.append([InlineKeyboardButton(text=texts.REGISTER_BUTTON, url=event.registration_url)])
    rows.append([InlineKeyboardButton(text=texts.BACK_TO_EVENTS_BUTTON, callback_data=EventsCb().pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def card_screen(event: Event) -> Screen:
    return Screen(texts.card_text(event), card_markup(event))


def reminders_screen(event: Event, queued: Sequence[tuple[str, dt.datetime]]) -> Screen:
    """What was queued, with «Не напоминать»."""
    stop = InlineKeyboardButton(text=texts.STOP_REMINDING_BUTTON,
                                callback_data=EventRemindCb(id=event.id, on=False).pack())
    return Screen(texts.reminders_set(event.title, queued), InlineKeyboardMarkup(inline_keyboard=[[stop]]))
