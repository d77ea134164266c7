"""/consultant and «Спросить консультанта».

For now a polite promise; the handoff feature replaces ``request_consultant`` with the real
ticket (profile, trace of the top measures, the question) and keeps the buttons as they are.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot import texts
from bot.callbacks import AskCb
from bot.domain import Domain
from bot.replies import send
from bot.screens import Screen


async def request_consultant(bot: Bot, chat_id: int, measure_title: str | None) -> None:
    text = texts.consultant_about(measure_title) if measure_title else texts.CONSULTANT_SOON
    await send(bot, chat_id, Screen(text))


async def consultant_command(message: Message, bot: Bot) -> None:
    await request_consultant(bot, message.chat.id, None)


async def ask(callback: CallbackQuery, callback_data: AskCb, bot: Bot, domain: Domain) -> None:
    measure = domain.measure(callback_data.id) if callback_data.id else None
    await request_consultant(bot, callback.from_user.id, measure.title if measure else None)


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="consultant")
    router.message.filter(F.chat.type == "private")
    router.message.register(consultant_command, Command("consultant"))
    router.callback_query.register(ask, AskCb.filter())
    return router
