"""/measures: browse the catalogue by kind and level, no questionnaire needed."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.services.domain import Domain
from bot.services.journey import Journey
from bot.telegram import screens
from bot.telegram.callbacks import BrowseCb
from bot.telegram.replies import replace, send
from db.unit_of_work import UnitOfWork
from rules.catalogue import KINDS, LEVELS


async def measures_command(message: Message, bot: Bot, domain: Domain) -> None:
    await send(bot, message.chat.id, screens.browse_filters(domain.catalogue, ""))


async def on_browse(
    callback: CallbackQuery, callback_data: BrowseCb, bot: Bot, uow: UnitOfWork, domain: Domain, journey: Journey
) -> None:
    kind = callback_data.k if callback_data.k in KINDS else ""
    level = callback_data.lv if callback_data.lv in LEVELS else ""
    if callback_data.p < 0:
        screen = screens.browse_filters(domain.catalogue, level)
    else:
        await journey.remember_list({"src": "browse", "k": kind, "lv": level, "p": callback_data.p})
        screen = screens.browse_page(domain.catalogue, kind, level, callback_data.p)
    await uow.commit()
    await replace(callback, bot, screen)


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="measures")
    router.message.filter(F.chat.type == "private")
    router.message.register(measures_command, Command("measures"))
    router.callback_query.register(on_browse, BrowseCb.filter())
    return router
