"""/help: what the bot can do."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot import texts
from bot.replies import send
from bot.screens import Screen

router = Router(name="help")
router.message.filter(F.chat.type == "private")


@router.message(Command("help"))
async def help_command(message: Message, bot: Bot) -> None:
    await send(bot, message.chat.id, Screen(texts.HELP))
