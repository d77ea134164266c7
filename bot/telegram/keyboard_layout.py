"""Laying out inline buttons: rows without empty ones, two short buttons to a row."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup


def markup(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[list(row) for row in rows if row])


def pairs(buttons: Sequence[InlineKeyboardButton], short: int = 18) -> list[list[InlineKeyboardButton]]:
    """Two buttons per row when both labels are at most ``short`` characters, else one per row."""
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons:
        if rows and len(rows[-1]) == 1 and len(rows[-1][0].text) <= short and len(button.text) <= short:
            rows[-1].append(button)
        else:
            rows.append([button])
    return rows
