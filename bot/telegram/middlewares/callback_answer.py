"""Answer every callback query once (no endless spinner) — except for a redelivered update.

aiogram's ``CallbackAnswerMiddleware`` answers in a ``finally``; for a redelivery the query
was already answered the first time, Telegram would refuse the second answer, and that error
would mask the quiet "already processed" exit. So the duplicate disables the answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import TelegramObject
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from db.unit_of_work import DuplicateUpdate


class AnswerOnceMiddleware(CallbackAnswerMiddleware):
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

        return await super().__call__(guarded, event, data)
