"""Injects ``journey``: the user's journey for this update, over the update's unit of work and the
live domain. It is lazy (no query until a handler asks), so updates that never need it cost nothing.

After the handler, the last question it delivered is recorded as shown (``bot.telegram.shown``);
the unit of work commits it with whatever the handler left.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from bot.services.journey import Journey
from bot.telegram import shown


class JourneyMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("event_from_user")
        if not (isinstance(user, User) and "uow" in data and "domain" in data):
            return await handler(event, data)
        journey = data["journey"] = Journey(data["uow"], data["domain"], user.id)
        with shown.tracking() as delivered:
            result = await handler(event, data)
        if delivered:
            await journey.mark_shown(delivered[-1])
        return result
