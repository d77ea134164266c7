"""/help: what the bot can do."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.telegram.replies import send
from bot.telegram.screen import Screen
from bot.texts import bot as texts


async def help_command(message: Message, bot: Bot) -> None:
    await send(bot, message.chat.id, Screen(texts.HELP))


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="help")
    router.message.filter(F.chat.type == "private")
    router.message.register(help_command, Command("help"))
    return router
