"""/forget (DESIGN 8, 152-ФЗ): delete what is personal, pseudonymise what reporting keeps."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.handoff.tickets import TicketRepository
from db.projects.repository import ProjectRepository
from db.repositories import (
    AnalyticsRepository,
    AnswerHistoryRepository,
    OutboxRepository,
    ProfileRepository,
    UserRepository,
)
from db.repositories.plan_items import PlanRepository


@dataclass(frozen=True, slots=True)
class ForgetReport:
    """What was removed, so the user can be told exactly."""

    user: bool
    profile: bool
    answers: int
    outbox_messages: int
    events_pseudonymised: int
    plan_items: int = 0


async def forget_user(session: AsyncSession, telegram_id: int) -> ForgetReport:
    """Remove the user, profile (answers, INN, company name), answer history, plan and queued messages.

    Analytics events stay for reporting but lose the Telegram id and any text. Runs in the
    caller's transaction, so it is all-or-nothing.
    """
    answers = await AnswerHistoryRepository(session).delete_for_user(telegram_id)
    plan = await PlanRepository(session).delete_for_user(telegram_id)  # «Мой план» (issue 17)
    profile = await ProfileRepository(session).delete(telegram_id)
    outbox = await OutboxRepository(session).delete_for_chat(telegram_id)
    events = await AnalyticsRepository(session).pseudonymise_user(telegram_id)
    await TicketRepository(session).forget_user(telegram_id)  # tickets stay, pseudonymised
    await ProjectRepository(session).forget_user(telegram_id)  # projects leave search at once, pseudonymised
    user = await UserRepository(session).delete(telegram_id)
    return ForgetReport(
        user=user > 0,
        profile=profile > 0,
        answers=answers,
        outbox_messages=outbox,
        events_pseudonymised=events,
        plan_items=plan,
    )
