"""Sending screens: split at Telegram's limit, edit in place where possible, never crash on
"message is not modified" or an uneditable old message; ``retry_after`` is waited out once."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot.telegram.screen import Screen
from bot.telegram.shown import note_delivered
from bot.telegram.split import split_html

log = logging.getLogger(__name__)
MAX_RETRY_AFTER = 10  # seconds we are willing to wait inside a handler


async def send(bot: Bot, chat_id: int, screen: Screen) -> None:
    """Send the screen; the keyboard goes on the last part of a split text."""
    parts = split_html(screen.text)
    for index, part in enumerate(parts):
        markup = screen.markup if index == len(parts) - 1 else None
        try:
            await bot.send_message(chat_id, part, reply_markup=markup, disable_web_page_preview=True)
        except TelegramRetryAfter as exc:
            if exc.retry_after > MAX_RETRY_AFTER:
                raise
            await asyncio.sleep(exc.retry_after)
            await bot.send_message(chat_id, part, reply_markup=markup, disable_web_page_preview=True)
    note_delivered(screen)


async def replace(callback: CallbackQuery, bot: Bot, screen: Screen) -> None:
    """Show the screen in place of the message the button was on, or send it anew."""
    message = callback.message
    chat_id = message.chat.id if message is not None else callback.from_user.id
    parts = split_html(screen.text)
    if isinstance(message, Message) and not isinstance(message, InaccessibleMessage) and len(parts) == 1:
        try:
            await bot.edit_message_text(
                text=screen.text,
                chat_id=chat_id,
                message_id=message.message_id,
                reply_markup=screen.markup,
                disable_web_page_preview=True,
            )
            note_delivered(screen)
            return
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                note_delivered(screen)
                return
            log.info("edit failed (%s); sending a new message", exc.message)
    await send(bot, chat_id, screen)


async def replace_markup(callback: CallbackQuery, bot: Bot, screen: Screen) -> None:
    """Only the keyboard changes (multi-select ticks)."""
    message = callback.message
    if not isinstance(message, Message):
        await replace(callback, bot, screen)
        return
    try:
        await bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=message.message_id, reply_markup=screen.markup
        )
    except TelegramBadRequest as exc:
        if "not modified" not in exc.message:
            await replace(callback, bot, screen)
        return
    note_delivered(screen)
