"""Results (issue 17: «Под ваш запрос», groups, «Не подходит»), measure cards and «Назад к списку»."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.config import Settings
from bot.services.domain import Domain
from bot.services.journey import Journey
from bot.services.plan import Plan
from bot.telegram import result_screens, screens
from bot.telegram.callbacks import BackToListCb, CardCb, GroupCb, ResultsCb
from bot.telegram.filters import QuestionnaireFinished
from bot.telegram.replies import replace, send
from bot.telegram.routers.questionnaire import stale
from bot.telegram.screen import Screen
from bot.texts import bot as texts
from db.unit_of_work import UnitOfWork


async def results_screen(journey: Journey) -> Screen:
    found, arrangement = await journey.arranged()
    await journey.remember_list({"src": "results", "p": 0})
    return result_screens.results(arrangement, found)


async def group_screen(journey: Journey, domain: Domain, key: str, page: int) -> Screen | None:
    _, arrangement = await journey.arranged()
    screen = result_screens.group(domain.catalogue, arrangement, key, page, await journey.profile_answers())
    if screen is not None:
        await journey.remember_list({"src": "results", "g": key, "p": page})
    return screen


async def on_results(
    callback: CallbackQuery,
    bot: Bot,
    uow: UnitOfWork,
    journey: Journey,
) -> None:
    screen = await results_screen(journey)  # pages are gone: an old «→» button shows the new screen
    await uow.commit()
    await replace(callback, bot, screen)


async def on_group(
    callback: CallbackQuery,
    callback_data: GroupCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    uow: UnitOfWork,
    domain: Domain,
    journey: Journey,
) -> None:
    screen = await group_screen(journey, domain, callback_data.k, callback_data.p)
    if screen is None:  # the group is gone after a changed answer or a reload: show what is there now
        callback_answer.text = texts.STALE_BUTTON
        screen = await results_screen(journey)
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
    in_plan = await Plan(journey).contains(callback_data.id) if await journey.consented() else None
    screen = result_screens.card(domain.catalogue, callback_data.id, profile, in_plan)
    await uow.commit()
    await send(bot, callback.from_user.id, screen)


async def on_back_to_list(callback: CallbackQuery, bot: Bot, uow: UnitOfWork, domain: Domain, journey: Journey) -> None:
    where = await journey.last_list() or {}
    screen: Screen | None = None
    if where.get("src") == "results" and await journey.finished():
        if where.get("g"):
            screen = await group_screen(journey, domain, str(where["g"]), int(where.get("p", 0)))
        if screen is None:
            screen = await results_screen(journey)
    elif where.get("src") == "browse":
        screen = screens.browse_page(
            domain.catalogue, str(where.get("k", "")), str(where.get("lv", "")), int(where.get("p", 0))
        )
    if screen is None:
        screen = screens.browse_filters(domain.catalogue, "")
    await uow.commit()
    await replace(callback, bot, screen)


__all__ = ["results_screen", "texts"]


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="results")
    router.callback_query.filter(F.message.chat.type == "private")
    router.callback_query.register(on_results, ResultsCb.filter(), QuestionnaireFinished())
    router.callback_query.register(on_group, GroupCb.filter(), QuestionnaireFinished())
    router.callback_query.register(on_card, CardCb.filter())
    router.callback_query.register(on_back_to_list, BackToListCb.filter())
    return router
