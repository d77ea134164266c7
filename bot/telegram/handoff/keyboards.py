"""Handoff keyboards: the user's (send the measure as is, cancel, rate 1–5) and the ticket card's."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.callbacks import AskCancelCb, AskSendCb, RateCb, TicketCb
from bot.texts import handoff as texts


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


def staff_keyboard(number: int, status: str, claimed_by_name: str | None) -> InlineKeyboardMarkup:
    """Status line as the first (inert) button, then the actions that make sense now."""
    rows = [[InlineKeyboardButton(text=texts.status_button(status, claimed_by_name),
                                  callback_data=TicketCb(a="info", t=number).pack())]]
    if status in ("new", "transferred"):
        rows.append([InlineKeyboardButton(text=texts.BUTTON_TAKE, callback_data=TicketCb(a="take", t=number).pack()),
                     InlineKeyboardButton(text=texts.BUTTON_CLOSE, callback_data=TicketCb(a="close", t=number).pack())])
    elif status == "claimed":
        rows.append([InlineKeyboardButton(text=texts.BUTTON_TRANSFER,
                                          callback_data=TicketCb(a="transfer", t=number).pack()),
                     InlineKeyboardButton(text=texts.BUTTON_CLOSE, callback_data=TicketCb(a="close", t=number).pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)
