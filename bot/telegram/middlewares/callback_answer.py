"""Answer every callback query once (no endless spinner) — except for a redelivered update.

aiogram's ``CallbackAnswerMiddleware`` answers in a ``finally``; for a redelivery the query
was already answered the first time, Telegram would refuse the second answer, and that error
would mask the quiet "already processed" exit. So the duplicate disables the answer.

The answer only stops the button's spinner: if it fails (flood control, "query is too old"),
that is logged and forgotten — it must never turn a shown screen into an error.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware

from db.unit_of_work import DuplicateUpdate, UnitOfWork

log = logging.getLogger(__name__)


class AnswerOnceMiddleware(CallbackAnswerMiddleware):
    async def answer(self, event: CallbackQuery, callback_answer: CallbackAnswer) -> None:  # type: ignore[override]
        try:
            await super().answer(event, callback_answer)
        except TelegramAPIError as exc:
            log.info("callback answer not delivered: %s", type(exc).__name__)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async def guarded(event: TelegramObject, data: dict[str, Any]) -> Any:
            try:
                return await handler(event, data)
            except DuplicateUpdate:
                answer = data.get("callback_answer")
                if answer is not None:
                    answer.disable()
                raise
            except BaseException:
                # The answer below runs in aiogram's ``finally``: it must not commit the failed
                # update's claim with half its effects (``direct_replies.close_open_transaction``).
                uow = data.get("uow")
                if isinstance(uow, UnitOfWork):
                    uow.failed = True
                    if uow.session.in_transaction():
                        with contextlib.suppress(Exception):
                            await uow.rollback()
                raise

        return await super().__call__(guarded, event, data)
