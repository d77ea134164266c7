"""The last router: any button no other handler took (old, from a removed feature, forged)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.config import Settings
from bot.services.domain import Domain
from bot.services.journey import Journey
from bot.telegram.routers.questionnaire import stale


async def unknown_button(
    callback: CallbackQuery,
    callback_answer: CallbackAnswer,
    bot: Bot,
    journey: Journey,
    domain: Domain,
    settings: Settings,
) -> None:
    await stale(callback, callback_answer, bot, journey, domain, settings)


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="stale")
    router.callback_query.filter(F.message.chat.type == "private")
    router.callback_query.register(unknown_button)
    return router
