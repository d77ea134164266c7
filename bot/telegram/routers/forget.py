"""/forget (152-ФЗ): after confirmation, delete and pseudonymise as DESIGN 8 says, and say what went."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.services.journey import Journey
from bot.telegram import keyboards
from bot.telegram.callbacks import ForgetCb
from bot.telegram.replies import replace, send
from bot.telegram.screen import Screen
from bot.texts import bot as texts
from db.unit_of_work import UnitOfWork


async def forget_command(message: Message, bot: Bot) -> None:
    await send(bot, message.chat.id, Screen(texts.FORGET_CONFIRM, keyboards.forget_confirm()))


async def forget_confirmed(callback: CallbackQuery, bot: Bot, uow: UnitOfWork, journey: Journey) -> None:
    report = await journey.forget()
    await uow.commit()
    if not report.user:
        await replace(callback, bot, Screen(texts.FORGET_NOTHING))
        return
    text = texts.forget_done(
        report.answers, report.profile, report.outbox_messages, report.events_pseudonymised
    )
    await replace(callback, bot, Screen(text))


async def forget_cancelled(callback: CallbackQuery, bot: Bot) -> None:
    await replace(callback, bot, Screen(texts.CANCELLED))


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="forget")
    router.message.filter(F.chat.type == "private")
    router.message.register(forget_command, Command("forget"))
    router.callback_query.register(forget_confirmed, ForgetCb.filter(F.confirm))
    router.callback_query.register(forget_cancelled, ForgetCb.filter(~F.confirm))
    return router
