"""Puts the live ``Domain`` into each update's data, read once per update, so a reload in the
middle of an update never changes the catalogue under a handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot.services.reload import DomainHolder


class CurrentDomainMiddleware(BaseMiddleware):
    def __init__(self, holder: DomainHolder) -> None:
        self.holder = holder

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data["domain"] = self.holder.current
        return await handler(event, data)
