"""/profile: see the answers, change one and re-match, or start over."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.config import Settings
from bot.services.domain import Domain
from bot.services.journey import Journey
from bot.telegram import keyboards, screens
from bot.telegram.callbacks import EditCb, MenuCb
from bot.telegram.filters import Consented
from bot.telegram.flow import consent_screen
from bot.telegram.replies import replace, send
from bot.telegram.routers.questionnaire import stale
from bot.telegram.screen import Screen
from bot.texts import bot as texts
from db.unit_of_work import UnitOfWork


async def profile_screen(journey: Journey, domain: Domain) -> Screen:
    progress = await journey.progress()
    return screens.profile(domain, progress.answers)


async def profile_command(
    message: Message, bot: Bot, uow: UnitOfWork, domain: Domain, settings: Settings
, journey: Journey) -> None:
    if not await journey.consented():
        await send(
            bot, message.chat.id, consent_screen("", settings.privacy_policy_url, lead=texts.CONSENT_NEEDED)
        )
        return
    screen = await profile_screen(journey, domain)
    await uow.commit()
    await send(bot, message.chat.id, screen)


async def on_menu(
    callback: CallbackQuery,
    callback_data: MenuCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    uow: UnitOfWork,
    domain: Domain,
    settings: Settings,
    journey: Journey,
) -> None:
    action = callback_data.action
    if action == "profile":
        screen = await profile_screen(journey, domain)
    elif action == "edit":
        screen = screens.edit_choices(domain, (await journey.progress()).answers)
    elif action == "reset":
        screen = Screen(texts.RESET_CONFIRM, keyboards.reset_confirm())
    elif action in ("reset_yes", "restart"):
        progress = await journey.reset()
        screen = screens.question(domain, journey.step(progress), lead=texts.RESET_DONE)
    elif action == "cancel":
        screen = Screen(texts.CANCELLED)
    else:
        await stale(callback, callback_answer, bot, journey, domain, settings)
        return
    await uow.commit()
    await replace(callback, bot, screen)


async def on_edit(
    callback: CallbackQuery,
    callback_data: EditCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    uow: UnitOfWork,
    domain: Domain,
    settings: Settings,
    journey: Journey,
) -> None:
    node = domain.node_at(callback_data.v, callback_data.n)
    progress = await journey.progress() if await journey.consented() else None
    if node is None or progress is None or node.field not in progress.answers:
        await stale(callback, callback_answer, bot, journey, domain, settings)
        return
    reopened = await journey.reopen(progress, node)
    step = journey.step(reopened)
    await uow.commit()
    await replace(callback, bot, screens.question(domain, step))


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="profile")
    router.message.filter(F.chat.type == "private")
    router.message.register(profile_command, Command("profile"))
    router.callback_query.register(on_menu, MenuCb.filter(), Consented())
    router.callback_query.register(on_edit, EditCb.filter())
    return router
