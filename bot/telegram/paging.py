"""What /events and /places share: filters that travel in the button, one page of a list with
«← Назад / Дальше →», and the okrug picker.

Both lists' ``CallbackData`` carry ``p`` (page), ``s`` (screen: ``l`` = the list) and ``o`` (an
index in ``OKRUG_CHOICES``, -1 = any), so a filter button is the current button with changes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.screen import Screen
from bot.texts.listing import ANY_OKRUG, NEW_MOSCOW, NEXT_PAGE, PREVIOUS_PAGE
from rules.places import OKRUGS

PAGE_SIZE = 6
OKRUG_CHOICES: tuple[str, ...] = (*OKRUGS, NEW_MOSCOW)
T = TypeVar("T")


def with_changes(data: CallbackData, **changes: Any) -> str:
    """The button's payload with ``changes``, back on the list's first page."""
    return data.model_copy(update={"p": 0, "s": "l", **changes}).pack()


def okrug_of(index: int) -> str:
    """The okrug a button's ``o`` names, or "" (any)."""
    return OKRUG_CHOICES[index] if 0 <= index < len(OKRUG_CHOICES) else ""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]  # the shown slice
    index: int  # from 0, clamped to the pages there are
    pages: int  # at least 1
    first: int  # the list number of the first shown item (from 1)


def page_of(found: Sequence[T], requested: int, size: int = PAGE_SIZE) -> Page[T]:
    pages = max(1, math.ceil(len(found) / size))
    index = min(max(requested, 0), pages - 1)
    return Page(found[index * size:(index + 1) * size], index, pages, index * size + 1)


def nav_row(data: CallbackData, page: Page[Any]) -> list[InlineKeyboardButton]:
    """«← Назад» and «Дальше →» where there is a page to go to."""
    row = []
    if page.index > 0:
        row.append(InlineKeyboardButton(text=PREVIOUS_PAGE, callback_data=with_changes(data, p=page.index - 1)))
    if page.index + 1 < page.pages:
        row.append(InlineKeyboardButton(text=NEXT_PAGE, callback_data=with_changes(data, p=page.index + 1)))
    return row


def okrug_picker(data: CallbackData, prompt: str) -> Screen:
    """Every okrug four to a row, then «Любой округ»."""
    buttons = [InlineKeyboardButton(text=name, callback_data=with_changes(data, o=index))
               for index, name in enumerate(OKRUG_CHOICES)]
    rows = [buttons[i:i + 4] for i in range(0, len(buttons), 4)]
    rows.append([InlineKeyboardButton(text=ANY_OKRUG, callback_data=with_changes(data, o=-1))])
    return Screen(prompt, InlineKeyboardMarkup(inline_keyboard=rows))


def markup(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    """An inline keyboard without its empty rows."""
    return InlineKeyboardMarkup(inline_keyboard=[list(row) for row in rows if row])
