"""The questionnaire: button answers, multi-select ticks, «Назад», «Не знаю», typed answers.

Every button names the questionnaire version and the question; ``CurrentQuestion`` lets through
only a button for the current question and injects it, so a handler just applies and renders.
Any other button (old message, double tap, reloaded tree, forged data) gets «Эта кнопка
устарела» and the current step, never an exception. A typed answer is applied only if the
current question is the one the user was last sent (``bot.telegram.shown``); otherwise that
question is asked again. The engine decides what is asked next.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.config import Settings
from bot.services.domain import Domain
from bot.services.journey import Journey, Step
from bot.telegram import result_screens, screens
from bot.telegram.callbacks import AnswerCb, BackCb, DoneCb, SkipCb, ToggleCb
from bot.telegram.filters import CurrentQuestion, InQuestionnaire
from bot.telegram.flow import current_screen
from bot.telegram.replies import replace, replace_markup, send
from bot.telegram.screen import Screen
from bot.texts import bot as texts
from db.unit_of_work import UnitOfWork
from rules.engine import Progress, StaleStep, parse_answer
from rules.errors import AnswerError
from rules.questionnaire import Node_

MAX_TYPED_ANSWER = 1000  # characters; longer texts are not answers


async def stale(
    callback: CallbackQuery,
    callback_answer: CallbackAnswer,
    bot: Bot,
    journey: Journey,
    domain: Domain,
    settings: Settings,
) -> None:
    callback_answer.text = texts.STALE_BUTTON
    screen = await current_screen(journey, domain, settings.privacy_policy_url, lead=texts.STALE_BUTTON_LONG)
    await journey.commit()
    await send(bot, callback.from_user.id, screen)


async def after_answer(journey: Journey, domain: Domain, progress: Progress, was_editing: bool) -> Screen:
    """The next question, or — when the questionnaire is done — the results."""
    step = journey.step(progress)
    if step.node is not None:
        return screens.question(domain, step)
    found, arrangement = await journey.arranged()
    await journey.remember_list({"src": "results", "p": 0})
    lead = texts.rematched(arrangement.counts) if was_editing else ""
    return result_screens.results(arrangement, found, lead=lead)


async def _apply(
    journey: Journey, domain: Domain, progress: Progress, node: Node_, value: Any
) -> Screen | None:
    was_editing = await journey.editing()
    try:
        new = await journey.answer(progress, node, value)
    except StaleStep:
        return None
    screen = await after_answer(journey, domain, new, was_editing)
    await journey.commit()
    return screen


def _answer_fits(button: AnswerCb, node: Node_) -> bool:
    return (node.kind == "yesno" and button.o in (0, 1)) or (node.kind == "choice" and 0 <= button.o < len(node.options))


def _ticks_fit(button: DoneCb | ToggleCb, node: Node_) -> bool:
    return node.kind == "multi" and 0 <= button.m < 1 << len(node.options)


def _toggle_fits(button: ToggleCb, node: Node_) -> bool:
    return _ticks_fit(button, node) and 0 <= button.o < len(node.options)


async def _answer_in_place(
    callback: CallbackQuery, callback_answer: CallbackAnswer, bot: Bot, journey: Journey, domain: Domain,
    settings: Settings, progress: Progress, node: Node_, value: Any,
) -> None:
    """Apply a button's answer and show what follows in place — or the stale screen if it raced."""
    screen = await _apply(journey, domain, progress, node, value)
    if screen is None:
        await stale(callback, callback_answer, bot, journey, domain, settings)
        return
    await replace(callback, bot, screen)


async def on_answer(
    callback: CallbackQuery,
    callback_data: AnswerCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    domain: Domain,
    settings: Settings,
    journey: Journey,
    progress: Progress,
    node: Node_,
) -> None:
    value = bool(callback_data.o) if node.kind == "yesno" else node.options[callback_data.o].value
    await _answer_in_place(callback, callback_answer, bot, journey, domain, settings, progress, node, value)


async def on_toggle(
    callback: CallbackQuery, callback_data: ToggleCb, bot: Bot, uow: UnitOfWork, domain: Domain,
    journey: Journey, progress: Progress,
) -> None:
    mask = callback_data.m ^ (1 << callback_data.o)
    screen = screens.question(domain, journey.step(progress), mask=mask)
    await uow.commit()
    await replace_markup(callback, bot, screen)


async def on_done(
    callback: CallbackQuery,
    callback_data: DoneCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    domain: Domain,
    settings: Settings,
    journey: Journey,
    progress: Progress,
    node: Node_,
) -> None:
    values = frozenset(o.value for i, o in enumerate(node.options) if callback_data.m >> i & 1)
    await _answer_in_place(callback, callback_answer, bot, journey, domain, settings, progress, node, values)


async def on_skip(
    callback: CallbackQuery, callback_answer: CallbackAnswer, bot: Bot, uow: UnitOfWork, domain: Domain,
    journey: Journey, progress: Progress, node: Node_,
) -> None:
    was_editing = await journey.editing()
    try:
        new = await journey.skip(progress, node)
    except AnswerError as exc:
        callback_answer.text = str(exc)[:200]
        callback_answer.show_alert = True
        return
    screen = await after_answer(journey, domain, new, was_editing)
    await uow.commit()
    await replace(callback, bot, screen)


async def on_back(
    callback: CallbackQuery, callback_answer: CallbackAnswer, bot: Bot, uow: UnitOfWork, domain: Domain,
    journey: Journey, progress: Progress,
) -> None:
    if not progress.path:
        callback_answer.text = texts.NOTHING_TO_GO_BACK
        return
    new = await journey.back(progress)
    screen = screens.question(domain, journey.step(new))
    await uow.commit()
    await replace(callback, bot, screen)


def _match_option(node: Node_, text: str) -> Any:
    """A typed answer to a button question: an option label or да/нет, else None."""
    wanted = text.strip().lower().rstrip(".!")
    if node.kind == "yesno":
        return texts.TYPED_YES_NO.get(wanted)
    if node.kind == "choice":
        return next((o.value for o in node.options if o.label.lower() == wanted), None)
    return None


async def on_typed(
    message: Message, bot: Bot, uow: UnitOfWork, domain: Domain, journey: Journey, progress: Progress, step: Step,
    node: Node_,
) -> None:
    """A typed answer to the current question — if that is the question the user was last sent."""
    text = message.text or ""
    lead = ""
    screen: Screen | None = None
    if not journey.answers_shown(node):  # the reply with this question was lost: the text is for another
        lead = texts.ANSWER_FOR_EARLIER_QUESTION
    elif node.kind in ("choice", "yesno", "multi"):
        value = _match_option(node, text)
        if value is not None:
            screen = await _apply(journey, domain, progress, node, value)
        else:
            lead = texts.USE_BUTTONS
    elif len(text) > MAX_TYPED_ANSWER:
        lead = texts.TOO_LONG_ANSWER
    else:
        try:
            value = parse_answer(node, text)
        except AnswerError as exc:
            lead = str(exc)
        else:
            screen = await _apply(journey, domain, progress, node, value)
    if screen is None:
        screen = screens.question(domain, step, lead=texts.reask(lead or texts.TYPE_TEXT))
    await uow.commit()
    await send(bot, message.chat.id, screen)


async def on_non_text(message: Message, bot: Bot, uow: UnitOfWork, domain: Domain, step: Step) -> None:
    """A photo, sticker, voice… where an answer was expected: say so and ask again."""
    await uow.commit()
    await send(bot, message.chat.id, screens.question(domain, step, lead=texts.ONLY_TEXT))


def make_router() -> Router:
    """A fresh router with this module's handlers (one per dispatcher)."""
    router = Router(name="questionnaire")
    router.message.filter(F.chat.type == "private")
    router.callback_query.register(on_answer, AnswerCb.filter(), CurrentQuestion(_answer_fits))
    router.callback_query.register(on_toggle, ToggleCb.filter(), CurrentQuestion(_toggle_fits))
    router.callback_query.register(on_done, DoneCb.filter(), CurrentQuestion(_ticks_fit))
    router.callback_query.register(on_skip, SkipCb.filter(), CurrentQuestion())
    router.callback_query.register(on_back, BackCb.filter(), CurrentQuestion())
    for button in (AnswerCb, ToggleCb, DoneCb, SkipCb, BackCb):  # not for the current question
        router.callback_query.register(stale, button.filter())
    router.message.register(on_typed, F.text & ~F.text.startswith("/"), InQuestionnaire())
    router.message.register(on_non_text, ~F.text, InQuestionnaire())
    return router
