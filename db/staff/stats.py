"""The figures staff review: users, completed questionnaires, top measures, unanswered queries, tickets.

One query per figure, all read-only, so ``/stats`` and ``navigator report`` show the same numbers.
A period (``since``/``until``) applies to events with a time: analytics, completions, tickets;
user totals are as of now. Unanswered queries are grouped by their case-folded text with spaces collapsed (in Python:
SQLite's ``lower()`` ignores Cyrillic) —
nothing personal is shown: /forget has already nulled the text of a forgotten user's queries.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.handoff.models import OPEN_STATUSES, Ticket
from db.models import AnalyticsEvent, Profile, User
from db.repositories.analytics import MEASURE_OPENED, SEARCH_QUERY
from db.staff.models import MeasureAlert

TOP = 10


@dataclass(frozen=True)
class Stats:
    since: datetime | None
    until: datetime | None
    users: int
    consented: int
    subscribed: int
    completed: int
    tickets_open: int
    tickets_created: int
    alerts: int
    top_measures: list[tuple[str, int]] = field(default_factory=list)
    unanswered: list[tuple[str, int]] = field(default_factory=list)
    searches: int = 0
    searches_unanswered: int = 0


def _period(query: Any, column: Any, since: datetime | None, until: datetime | None) -> Any:
    """``query`` limited to ``since <= column < until`` (any ``Select``; typed loosely on purpose)."""
    if since is not None:
        query = query.where(column >= since)
    if until is not None:
        query = query.where(column < until)
    return query


async def _count(session: AsyncSession, query: Any) -> int:
    return int(await session.scalar(query) or 0)


async def collect_stats(session: AsyncSession, since: datetime | None = None,
                        until: datetime | None = None, top: int = TOP) -> Stats:
    count = func.count()
    users = await _count(session, select(count).select_from(User))
    consented = await _count(session, select(count).select_from(User).where(User.consent_at.is_not(None)))
    subscribed = await _count(session, select(count).select_from(User).where(
        User.alerts_opt_in.is_(True), User.blocked.is_(False)))
    completed = await _count(session, _period(
        select(count).select_from(Profile).where(Profile.completed_at.is_not(None)), Profile.completed_at, since, until))
    tickets_open = await _count(session, select(count).select_from(Ticket).where(Ticket.status.in_(OPEN_STATUSES)))
    tickets_created = await _count(session, _period(select(count).select_from(Ticket), Ticket.created_at, since, until))
    alerts = await _count(session, _period(select(count).select_from(MeasureAlert), MeasureAlert.created_at,
                                           since, until))
    opened = count.label("n")
    measures_query = _period(
        select(AnalyticsEvent.measure_id, opened).where(AnalyticsEvent.kind == MEASURE_OPENED,
                                                        AnalyticsEvent.measure_id.is_not(None)),
        AnalyticsEvent.created_at, since, until,
    ).group_by(AnalyticsEvent.measure_id).order_by(opened.desc(), AnalyticsEvent.measure_id).limit(top)
    top_measures = [(str(m), int(n)) for m, n in (await session.execute(measures_query)).all()]
    asked = count.label("n")
    unanswered_query = _period(
        select(AnalyticsEvent.text, asked).where(AnalyticsEvent.kind == SEARCH_QUERY,
                                                 AnalyticsEvent.answered.is_(False), AnalyticsEvent.text.is_not(None)),
        AnalyticsEvent.created_at, since, until,
    ).group_by(AnalyticsEvent.text)
    merged: collections.Counter[str] = collections.Counter()
    for raw, n in (await session.execute(unanswered_query)).all():
        merged[" ".join(str(raw).casefold().split())] += int(n)  # SQLite's lower() knows only ASCII
    unanswered = sorted(merged.items(), key=lambda item: (-item[1], item[0]))[:top]
    searches_query = _period(select(count).select_from(AnalyticsEvent).where(AnalyticsEvent.kind == SEARCH_QUERY),
                             AnalyticsEvent.created_at, since, until)
    searches = await _count(session, searches_query)
    searches_unanswered = await _count(session, searches_query.where(AnalyticsEvent.answered.is_(False)))
    return Stats(since, until, users, consented, subscribed, completed, tickets_open, tickets_created, alerts,
                 top_measures, unanswered, searches, searches_unanswered)
