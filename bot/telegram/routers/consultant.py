"""/consultant and «Спросить консультанта»: the real handoff lives in ``bot.telegram.routers.handoff_user``.

Kept so the router list and older imports keep working; it builds the handoff router.
"""

from __future__ import annotations

from aiogram import Router

from bot.telegram.routers import handoff_user


def make_router() -> Router:
    """The handoff's user-side router (ask, question, rating)."""
    return handoff_user.make_router()
