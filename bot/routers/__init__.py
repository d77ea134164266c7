"""Feature routers and the one place that fixes their order.

Commands and specific buttons first; the questionnaire's typed answers before free text;
the free-text search and the catch-all for stale buttons last (they match everything).
"""

from __future__ import annotations

from aiogram import Router

from bot.routers import (
    consultant,
    forget,
    help,
    measures,
    profile,
    questionnaire,
    results,
    search,
    stale,
    start,
)


def get_routers() -> list[Router]:
    return [
        start.router,
        help.router,
        forget.router,
        profile.router,
        measures.router,
        consultant.router,
        results.router,
        questionnaire.router,
        search.router,
        stale.router,
    ]
