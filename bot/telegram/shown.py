"""Which question reached the user: typed answers are bound to it (issue 14, item 4).

A typed answer carries no reference to the question it answers. If the process dies after an
answer is committed and before the next question goes out, the user still looks at the old
question and types again — that text must not land in the next field. So the question a user
was last *sent* is recorded after Telegram accepted the message: ``bot.telegram.replies`` notes
every delivered screen that asks a question (``Screen.question``), and the journey middleware
saves the last one (``Journey.mark_shown``) after the handler, in the update's unit of work.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from bot.telegram.screen import Screen

_delivered: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("delivered_questions", default=None)


def note_delivered(screen: Screen) -> None:
    """Telegram accepted ``screen``; remember its question for the update being handled."""
    delivered = _delivered.get()
    if delivered is not None and screen.question is not None:
        delivered.append(screen.question)


@contextmanager
def tracking() -> Iterator[list[str]]:
    """Collect the questions delivered while the block runs (one update's handler), in order."""
    delivered: list[str] = []
    token = _delivered.set(delivered)
    try:
        yield delivered
    finally:
        _delivered.reset(token)
