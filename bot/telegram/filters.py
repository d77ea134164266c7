"""Filters that find what a handler works on and inject it (aiogram passes a filter's dict on to
the handler as arguments), so handlers neither build nor re-check it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from bot.services.domain import Domain
from bot.services.journey import Journey
from rules.questionnaire import Node_


class QuestionButton(Protocol):
    """The callback data of a questionnaire button: the questionnaire version and the node index."""

    v: str
    n: int


def _any_node(_button: Any, _node: Node_) -> bool:
    return True


class CurrentQuestion(Filter):
    """A questionnaire button for the user's current question: injects ``progress`` and ``node``.

    ``fits`` checks the button's other fields against the node (an option index in range, the
    node's kind). A button that is not for the current question — an old message, a double tap,
    a reloaded tree, forged data — does not pass; the router answers it with the stale screen.
    Put it after the button's ``CallbackData.filter()``, which supplies ``callback_data``.
    """

    def __init__(self, fits: Callable[[Any, Node_], bool] = _any_node) -> None:
        self.fits = fits

    async def __call__(self, event: TelegramObject, callback_data: QuestionButton,
                       journey: Journey | None = None, domain: Domain | None = None) -> bool | dict[str, Any]:
        if journey is None or domain is None:
            return False
        node = domain.node_at(callback_data.v, callback_data.n)
        if node is None or not self.fits(callback_data, node) or not await journey.consented():
            return False
        progress = await journey.progress()
        current = journey.step(progress).node
        if current is None or current.id != node.id:
            return False
        return {"progress": progress, "node": node}


class InQuestionnaire(Filter):
    """The user has consented and a question is waiting: injects ``progress``, ``step`` and ``node``.

    Otherwise the message goes on to the next handlers (free text → search)."""

    async def __call__(self, event: TelegramObject, journey: Journey | None = None) -> bool | dict[str, Any]:
        if journey is None or not await journey.consented():
            return False
        progress = await journey.progress()
        step = journey.step(progress)
        if step.node is None:
            return False
        return {"progress": progress, "step": step, "node": step.node}


class Consented(Filter):
    """The user gave consent (a button of a feature that keeps data). Otherwise the button goes on
    to the stale-button router, which shows where the user is — the same answer as a forged one."""

    async def __call__(self, event: TelegramObject, journey: Journey | None = None) -> bool:
        return journey is not None and await journey.consented()


class QuestionnaireFinished(Filter):
    """The user consented and answered every question (buttons of the results screen)."""

    async def __call__(self, event: TelegramObject, journey: Journey | None = None) -> bool:
        return journey is not None and await journey.finished()
