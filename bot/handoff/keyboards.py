"""Keyboards the user sees in the handoff: send the measure as is, cancel, rate 1–5."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.handoff import texts
from bot.handoff.callbacks import AskCancelCb, AskSendCb, RateCb


def ask(measure_id: str | None) -> InlineKeyboardMarkup:
    rows = []
    if measure_id:
        rows.append([InlineKeyboardButton(text=texts.BUTTON_SEND_AS_IS, callback_data=AskSendCb(id=measure_id).pack())])
    rows.append([InlineKeyboardButton(text=texts.BUTTON_CANCEL, callback_data=AskCancelCb().pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def rating_keyboard(ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=str(score), callback_data=RateCb(t=ticket_id, s=score).pack())
                          for score in range(1, 6)]]
    )
