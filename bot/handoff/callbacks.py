"""Callback data of the handoff buttons (short, well under Telegram's 64 bytes)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class TicketCb(CallbackData, prefix="tk"):
    """A staff button on a ticket card: take, transfer, close, info (the status line)."""

    a: str
    t: int


class AskSendCb(CallbackData, prefix="as"):
    """Send the card's measure to a consultant without writing a question."""

    id: str = ""


class AskCancelCb(CallbackData, prefix="ax"):
    pass


class RateCb(CallbackData, prefix="rt"):
    t: int  # ticket
    s: int  # score 1..5
