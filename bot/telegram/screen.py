"""A screen: what one message shows — HTML text and an optional inline keyboard."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import InlineKeyboardMarkup


@dataclass(frozen=True, slots=True)
class Screen:
    text: str
    markup: InlineKeyboardMarkup | None = None
    question: str | None = None  # the node id when the screen asks a question (bot.telegram.shown)
