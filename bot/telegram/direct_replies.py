"""Direct replies under flood control: retried on 429 within a budget, else queued, never dropped.

A request middleware on the bot's client session (installed once per bot by the unit-of-work
middleware), so every call a handler makes — ``send``, ``replace``, ``message.answer``, the
error handler's apology — gets the same treatment:

1. **No Bot API call inside an open write transaction.** If the update's session still has a
   transaction open when a handler calls Telegram, it is committed first (the claim goes with
   it). On SQLite that transaction holds the only write lock; waiting out a ``retry_after``
   while holding it stalled every other user.
2. **429 is waited out** (``retry_after`` honoured) as long as the call's budget allows.
3. **What cannot be sent in time goes to the outbox** (``not_before`` = the ``retry_after``),
   so the worker delivers it when Telegram lets it — the reply is late, not lost. An
   ``answerCallbackQuery`` that cannot be sent is dropped: it only stops a spinner and must
   never block the screen update that follows.

The outbox worker's own calls pass straight through (``sending_from_outbox``): it has its own
429 handling and must not sleep inside a round.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.types import Chat, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.outbox import enqueue
from db.models import utcnow
from db.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

REPLY_BUDGET = 12.0  # seconds one direct call may spend waiting out 429s before it is queued
SPINNER_BUDGET = 3.0  # a callback answer later than this is useless anyway
KIND_DIRECT = "direct_reply"
# Calls a user must eventually see: queued when flood control outlasts the budget.
QUEUEABLE = frozenset({
    "sendMessage", "editMessageText", "editMessageReplyMarkup", "editMessageCaption", "copyMessage",
    "sendPhoto", "sendDocument", "sendLocation", "sendVenue", "forwardMessage",
})
DROPPABLE = frozenset({"answerCallbackQuery", "sendChatAction"})

current_uow: contextvars.ContextVar[UnitOfWork | None] = contextvars.ContextVar("current_uow", default=None)
sending_from_outbox: contextvars.ContextVar[bool] = contextvars.ContextVar("sending_from_outbox", default=False)


class DirectReplies(BaseRequestMiddleware):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        budget: float = REPLY_BUDGET,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.budget = budget
        self.sleep = sleep
        self.clock = clock
        self.queued = 0  # replies handed to the outbox (for tests and metrics)
        self.dropped = 0  # callback answers given up

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Any:
        if sending_from_outbox.get():
            return await make_request(bot, method)
        await close_open_transaction()
        deadline = self.clock() + (min(self.budget, SPINNER_BUDGET) if method.__api_method__ in DROPPABLE
                                   else self.budget)
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                wait = float(exc.retry_after)
                if self.clock() + wait <= deadline:
                    log.info("%s: 429, retrying in %ss", method.__api_method__, wait)
                    await self.sleep(wait)
                    continue
                return await self._give_up(bot, method, exc)

    async def _give_up(self, bot: Bot, method: TelegramMethod[Any], exc: TelegramRetryAfter) -> Any:
        name = method.__api_method__
        if name in DROPPABLE:
            self.dropped += 1
            log.info("%s dropped after flood control outlasted the budget", name)
            return True
        chat_id = getattr(method, "chat_id", None)
        if name not in QUEUEABLE or not isinstance(chat_id, int):
            raise exc
        payload = payload_of(bot, method)
        not_before = utcnow() + dt.timedelta(seconds=float(exc.retry_after))
        async with self.sessions() as session:
            await enqueue(session, chat_id, name, payload, kind=KIND_DIRECT, not_before=not_before)
            await session.commit()
        self.queued += 1
        log.info("%s to chat %s queued in the outbox (flood control for %ss)", name, chat_id, exc.retry_after)
        if name == "sendMessage":
            # The caller gets a placeholder: the real message is the outbox's to send.
            return Message(message_id=0, date=utcnow(), chat=Chat(id=chat_id, type="private"),
                           text=str(payload.get("text", "")))
        return True


def payload_of(bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any]:
    """The method's fields as JSON-able data, with the bot's defaults (parse mode…) resolved."""
    raw = method.model_dump(exclude_none=True, exclude_defaults=False)
    body: dict[str, Any] = {}
    for key, value in raw.items():
        original = getattr(method, key, None)
        if isinstance(original, Default):
            value = bot.default[original.name]
            if value is None:
                continue
        body[key] = value
    return body


async def close_open_transaction() -> None:
    """Commit what the current update has written so far, so no lock is held across a call.

    Never on the way out of a failed or cancelled handler (aiogram answers a callback query in a
    ``finally``): committing there would commit half an update's effects with its claim, and the
    update — acknowledged as done — would never be retried. The failure rolls back instead
    (``AnswerOnceMiddleware``); and a transaction that has not even claimed the update has
    written nothing, so it is closed without claiming it.
    """
    uow = current_uow.get()
    if uow is None or not uow.session.in_transaction():
        return
    task = asyncio.current_task()
    if uow.failed or not uow.claimed or (task is not None and task.cancelling()):
        await uow.rollback()
        return
    await uow.commit()


def install(bot: Bot, sessions: async_sessionmaker[AsyncSession]) -> DirectReplies:
    """Add the middleware to ``bot``'s session once; the installed one is returned."""
    existing = getattr(bot.session, "_direct_replies", None)
    if isinstance(existing, DirectReplies):
        return existing
    middleware = DirectReplies(sessions)
    bot.session.middleware(middleware)
    bot.session._direct_replies = middleware  # type: ignore[attr-defined]
    return middleware
