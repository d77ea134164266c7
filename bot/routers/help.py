"""/help: what the bot can do."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot import texts
from bot.replies import send
from bot.screens import Screen


async def help_command(message: Message, bot: Bot) -> None:
    await send(bot, message.chat.id, Screen(texts.HELP))


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="help")
    router.message.filter(F.chat.type == "private")
    router.message.register(help_command, Command("help"))
    return router
