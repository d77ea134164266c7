"""/forget (DESIGN 8, 152-ФЗ): delete what is personal, pseudonymise what reporting keeps.

``FORGET_PLAN`` is the one place that says, for every table, what /forget does to it; a test
checks it against the models, so a new table cannot be added without deciding. Kinds:

- ``delete``: the user's rows go (users, profiles, answers, alerts sent to them);
- ``scrub``: rows stay for reporting, the user's id and every text they wrote are nulled
  (tickets, ticket messages, ratings, ticket events, analytics);
- ``purge``: transport rows that quoted the user go, sent or not (the outbox: questions, the
  staff card, relayed texts, ``from_chat_id``/``_source_chat``);
- ``none``: holds nothing about a user (the reason is given).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from db.handoff.models import Ticket
from db.handoff.tickets import TicketRepository
from db.models import OutboxMessage
from db.projects.models import ProjectBlock, RequestAlert
from db.projects.repository import ProjectRepository
from db.repositories import (
    AnalyticsRepository,
    AnswerHistoryRepository,
    ProfileRepository,
    UserRepository,
)
from db.repositories.plan_items import PlanRepository
from db.staff.models import MeasureAlert

FORGET_PLAN: dict[str, tuple[str, str]] = {
    "users": ("delete", "the Telegram id, consent, start payload"),
    "profiles": ("delete", "answers, INN, company name, progress"),
    "answer_history": ("delete", "every answer ever given"),
    "measure_alerts": ("delete", "which measures the user was told about (cascades with users)"),
    "analytics_events": ("scrub", "user_id and text nulled; the pseudonym stays for reporting"),
    "tickets": ("scrub", "user_id, company, question nulled; subject is never free text"),
    "ticket_messages": ("scrub", "texts nulled, the user's chat and message ids removed"),
    "ticket_ratings": ("scrub", "the comment nulled; the score stays"),
    "ticket_events": ("scrub", "the user as actor removed"),
    "outbox": ("purge", "every row to the user, quoting them, or of their tickets"),
    "plan_items": ("delete", "«Мой план»: measures, statuses, deadlines"),
    "projects": ("scrub", "owner id, description, offer and site nulled; archived and hidden at once"),
    "project_versions": ("scrub", "the submitted texts of the user's projects nulled"),
    "project_decisions": ("scrub", "the user as actor removed"),
    "cooperation_requests": ("scrub", "requester id, messages and contacts nulled; pending ones closed"),
    "project_blocks": ("delete", "blocks the user set and blocks of the user"),
    "request_alerts": ("delete", "which customer requests the user was told about"),
    "staff_topics": ("none", "the staff group's standing topics (moderation)"),
    "processed_updates": ("none", "update ids only"),
    "outbox_pace": ("none", "pacing of staff groups"),
    "catalogue_versions": ("none", "versions of the YAML data"),
    "registry_company": ("none", "the public SME registry"),
    "registry_income": ("none", "the public registry of incomes"),
    "registry_headcount": ("none", "the public registry of headcounts"),
    "registry_import": ("none", "registry import runs"),
    "alembic_version": ("none", "the schema version"),
}


@dataclass(frozen=True, slots=True)
class ForgetReport:
    """What was removed, so the user can be told exactly."""

    user: bool
    profile: bool
    answers: int
    outbox_messages: int
    events_pseudonymised: int
    tickets: tuple[int, ...] = ()  # the user's tickets, scrubbed: their forum topics get a neutral title
    plan_items: int = 0


async def purge_outbox(session: AsyncSession, telegram_id: int, ticket_ids: list[int]) -> int:
    """Rows sent to the user, copying from their chat, or belonging to their tickets — any status."""
    conditions = [
        OutboxMessage.chat_id == telegram_id,
        OutboxMessage.payload["_source_chat"].as_integer() == telegram_id,
        OutboxMessage.payload["from_chat_id"].as_integer() == telegram_id,
    ]
    if ticket_ids:
        conditions.append(OutboxMessage.payload["_ticket"].as_integer().in_(ticket_ids))
    result = await session.execute(delete(OutboxMessage).where(or_(*conditions)))
    assert isinstance(result, CursorResult)
    return result.rowcount


async def forget_user(session: AsyncSession, telegram_id: int) -> ForgetReport:
    """Apply ``FORGET_PLAN`` to one user, in the caller's transaction (all or nothing)."""
    ticket_ids = list(await session.scalars(select(Ticket.id).where(Ticket.user_id == telegram_id)))
    answers = await AnswerHistoryRepository(session).delete_for_user(telegram_id)
    plan = await PlanRepository(session).delete_for_user(telegram_id)  # «Мой план» (issue 17)
    profile = await ProfileRepository(session).delete(telegram_id)
    outbox = await purge_outbox(session, telegram_id, ticket_ids)
    events = await AnalyticsRepository(session).pseudonymise_user(telegram_id)
    await TicketRepository(session).forget_user(telegram_id)  # tickets stay, pseudonymised
    await session.execute(delete(MeasureAlert).where(MeasureAlert.user_id == telegram_id))
    await ProjectRepository(session).forget_user(telegram_id)  # projects leave search at once, pseudonymised
    await session.execute(delete(RequestAlert).where(RequestAlert.user_id == telegram_id))
    await session.execute(delete(ProjectBlock).where(ProjectBlock.owner_id == telegram_id))
    user = await UserRepository(session).delete(telegram_id)
    return ForgetReport(
        user=user > 0,
        profile=profile > 0,
        answers=answers,
        outbox_messages=outbox,
        events_pseudonymised=events,
        tickets=tuple(ticket_ids),
        plan_items=plan,
    )
