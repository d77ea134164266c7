"""The last line of defence: log ids (never message text), apologise, offer a way on."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.types import ErrorEvent

from bot.telegram import keyboards
from bot.texts import bot as texts

log = logging.getLogger("bot.telegram.errors")


def _ids(event: ErrorEvent) -> tuple[int, int | None, str]:
    update = event.update
    user = None
    if update.message and update.message.from_user:
        user = update.message.from_user.id
    elif update.callback_query:
        user = update.callback_query.from_user.id
    return update.update_id, user, update.event_type


async def on_error(event: ErrorEvent, bot: Bot) -> bool:
    update_id, user_id, kind = _ids(event)
    log.error(
        "update %s (%s) from user %s failed: %s",
        update_id,
        kind,
        user_id,
        type(event.exception).__name__,
        exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
    )
    if user_id is None:
        return True
    try:
        if event.update.callback_query is not None:
            await bot.answer_callback_query(event.update.callback_query.id)
        await bot.send_message(user_id, texts.ERROR, reply_markup=keyboards.start_again())
    except Exception as exc:  # the apology itself failed (blocked, network): log and move on
        log.warning("apology for update %s not delivered: %s", update_id, type(exc).__name__)
    return True


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
