"""Results pages, measure cards and «Назад к списку»."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.config import Settings
from bot.services.domain import Domain
from bot.services.journey import Journey
from bot.telegram import screens
from bot.telegram.callbacks import BackToListCb, CardCb, ResultsCb
from bot.telegram.replies import replace, send
from bot.telegram.routers.questionnaire import stale
from bot.telegram.screen import Screen
from bot.texts import bot as texts
from db.unit_of_work import UnitOfWork


async def results_screen(journey: Journey, page: int) -> Screen:
    found = await journey.results()
    await journey.remember_list({"src": "results", "p": page})
    return screens.results(found, page)


async def on_results(
    callback: CallbackQuery,
    callback_data: ResultsCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    uow: UnitOfWork,
    domain: Domain,
    settings: Settings,
    journey: Journey,
) -> None:
    if not await journey.consented() or journey.step(await journey.progress()).node is not None:
        await stale(callback, callback_answer, bot, journey, domain, settings)
        return
    screen = await results_screen(journey, callback_data.p)
    await uow.commit()
    await replace(callback, bot, screen)


async def on_card(
    callback: CallbackQuery,
    callback_data: CardCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    uow: UnitOfWork,
    domain: Domain,
    settings: Settings,
    journey: Journey,
) -> None:
    if domain.measure(callback_data.id) is None:
        await stale(callback, callback_answer, bot, journey, domain, settings)
        return
    profile = await journey.saved_profile()
    await journey.measure_opened(callback_data.id)
    screen = screens.card(domain.catalogue, callback_data.id, profile)
    await uow.commit()
    await send(bot, callback.from_user.id, screen)


async def on_back_to_list(callback: CallbackQuery, bot: Bot, uow: UnitOfWork, domain: Domain, journey: Journey) -> None:
    where = await journey.last_list() or {}
    if where.get("src") == "results" and journey.step(await journey.progress()).node is None:
        screen = await results_screen(journey, int(where.get("p", 0)))
    elif where.get("src") == "browse":
        screen = screens.browse_page(
            domain.catalogue, str(where.get("k", "")), str(where.get("lv", "")), int(where.get("p", 0))
        )
    else:
        screen = screens.browse_filters(domain.catalogue, "")
    await uow.commit()
    await replace(callback, bot, screen)


__all__ = ["results_screen", "texts"]


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="results")
    router.callback_query.filter(F.message.chat.type == "private")
    router.callback_query.register(on_results, ResultsCb.filter())
    router.callback_query.register(on_card, CardCb.filter())
    router.callback_query.register(on_back_to_list, BackToListCb.filter())
    return router
