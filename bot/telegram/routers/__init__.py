"""Feature routers and the one place that fixes their order.

Commands and specific buttons first; the questionnaire's typed answers before free text;
the free-text search and the catch-all for stale buttons last (they match everything).
"""

from __future__ import annotations

from aiogram import Router

from bot.telegram.routers import (
    admin,
    alerts,
    events,
    forget,
    handoff_user,
    help,
    inn,
    measures,
    places,
    plan,
    profile,
    projects,
    projects_staff,
    questionnaire,
    results,
    search,
    staff,
    stale,
    start,
)


def get_routers() -> list[Router]:
    """Fresh routers in their fixed order (a router can belong to one dispatcher only)."""
    return [
        projects_staff.make_router(),  # project moderation in the consultants' group (before its relay)
        staff.make_router(),  # the consultants' group only
        admin.make_router(),
        alerts.make_router(),
        start.make_router(),
        help.make_router(),
        forget.make_router(),
        profile.make_router(),
        measures.make_router(),
        handoff_user.make_router(),  # «Спросить консультанта», /consultant (bot.telegram.handoff)
        results.make_router(),
        plan.make_router(),  # «Мой план», «Сравнить» (issue 17)
        events.make_router(),
        places.make_router(),
        projects.make_router(),  # /projects: registry, partner search, cooperation (issue 16)
        handoff_user.make_relay_router(),  # while a ticket is open, messages go to the consultant
        inn.make_router(),  # «Знаете ИНН?» step: its typed ИНН before the questionnaire's answers
        questionnaire.make_router(),
        search.make_router(),
        stale.make_router(),
    ]
