"""Repositories against the real schema, on SQLite and on PostgreSQL (marker ``postgres``)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.forget import forget_user
from db.handoff import outbox_queue
from db.models import AnalyticsEvent, AnswerRecord, OutboxMessage, ProcessedUpdate, Profile, User, utcnow
from db.repositories import (
    AnalyticsRepository,
    AnswerHistoryRepository,
    OutboxRepository,
    ProfileRepository,
    UpdateClaimRepository,
    UserRepository,
)

Sessions = async_sessionmaker[AsyncSession]


async def test_update_claim_is_once_and_rolls_back_with_the_transaction(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        assert await UpdateClaimRepository(session).claim(100)
        await session.rollback()
    async with sessionmaker() as session:
        claims = UpdateClaimRepository(session)
        assert await claims.claim(100), "a rolled-back claim must not block the redelivery"
        assert not await claims.claim(100)
        await session.commit()
    async with sessionmaker() as session:
        assert not await UpdateClaimRepository(session).claim(100)


async def test_claims_older_than_a_day_are_purged(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        session.add(ProcessedUpdate(update_id=1, processed_at=utcnow() - timedelta(hours=25)))
        session.add(ProcessedUpdate(update_id=2, processed_at=utcnow()))
        await session.commit()
    async with sessionmaker() as session:
        assert await UpdateClaimRepository(session).purge() == 1
        await session.commit()
        remaining = await session.scalars(select(ProcessedUpdate.update_id))
        assert list(remaining) == [2]


async def test_ensure_user_keeps_the_first_payload_and_records_consent(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        users = UserRepository(session)
        user = await users.ensure(42, "zelenograd")
        assert user.start_payload == "zelenograd"
        assert not user.has_consent
        again = await users.ensure(42, "other")
        assert again.start_payload == "zelenograd"
        await users.record_consent(42, "2026-11")
        await session.commit()
    async with sessionmaker() as session:
        user = await UserRepository(session).get(42)
        assert user is not None and user.has_consent and user.consent_policy_version == "2026-11"
        assert len(user.pseudonym) == 24


async def test_profile_save_is_an_upsert_that_counts_revisions(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        await UserRepository(session).ensure(7)
        profiles = ProfileRepository(session)
        await profiles.save(
            7, answers={"headcount": 10}, progress={"path": ["a"]}, state={}, questionnaire_version="v1"
        )
        await profiles.save(
            7,
            answers={"headcount": 12, "needs": ["grant"]},
            progress={"path": ["a", "b"]},
            state={"mode": "questionnaire"},
            questionnaire_version="v1",
        )
        await session.commit()
    async with sessionmaker() as session:
        profile = await ProfileRepository(session).get(7)
        assert profile is not None
        assert profile.answers == {"headcount": 12, "needs": ["grant"]}
        assert profile.progress == {"path": ["a", "b"]}
        assert profile.state == {"mode": "questionnaire"}
        assert profile.revision == 2


async def test_answer_history_keeps_every_answer_in_order(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        await UserRepository(session).ensure(8)
        history = AnswerHistoryRepository(session)
        await history.add(8, "headcount", "headcount", 10, "v1")
        await history.add(8, "headcount", "headcount", 12, "v1")
        await session.commit()
        assert [r.value for r in await history.for_user(8)] == [10, 12]
        assert await history.count(8) == 2


async def test_outbox_dedupe_claim_and_lifecycle(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        outbox = OutboxRepository(session)
        first = await outbox.enqueue(5, "sendMessage", {"text": "hi"}, dedupe_key="alert:5:m1")
        duplicate = await outbox.enqueue(5, "sendMessage", {"text": "hi"}, dedupe_key="alert:5:m1")
        later = await outbox.enqueue(
            5, "sendMessage", {"text": "later"}, not_before=utcnow() + timedelta(hours=1)
        )
        await session.commit()
    assert first is not None and duplicate is None and later is not None
    async with sessionmaker() as session:  # the worker's queue sees the due row only, then its lifecycle
        due = await outbox_queue.claim_heads(session, utcnow(), 10)
        assert [m.id for m in due] == [first]
        await outbox_queue.retry(session, first, utcnow() - timedelta(seconds=1), "429")
        await session.commit()
    async with sessionmaker() as session:
        await outbox_queue.sent(session, first, utcnow(), 555)
        assert later is not None
        await outbox_queue.dead(session, later, "403 Forbidden")
        await session.commit()
    async with sessionmaker() as session:
        sent = await session.get(OutboxMessage, first)
        assert (
            sent is not None and sent.status == "sent" and sent.attempts == 2 and sent.sent_message_id == 555
        )
        assert await outbox_queue.claim_heads(session, utcnow() + timedelta(days=1), 10) == []


async def test_forget_removes_every_personal_row_and_pseudonymises_events(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        user = await UserRepository(session).ensure(9, "event-x")
        pseudonym = user.pseudonym
        await UserRepository(session).record_consent(9, "v")
        await ProfileRepository(session).save(
            9,
            answers={"inn": "7707083893", "company_name": "ООО Ромашка"},
            progress={},
            state={},
            questionnaire_version="v",
        )
        await AnswerHistoryRepository(session).add(9, "inn", "inn", "7707083893", "v")
        analytics = AnalyticsRepository(session)
        await analytics.search_query(9, pseudonym, "грант для ООО Ромашка", answered=False)
        await analytics.measure_opened(9, pseudonym, "mik-participation")
        await OutboxRepository(session).enqueue(9, "sendMessage", {"text": "ответ консультанта"})
        await UserRepository(session).ensure(10)  # someone else, untouched
        await AnalyticsRepository(session).measure_opened(10, "other", "x")
        await session.commit()

    async with sessionmaker() as session:
        report = await forget_user(session, 9)
        await session.commit()
    assert report.user and report.profile
    assert report.answers == 1 and report.outbox_messages == 1 and report.events_pseudonymised == 2

    async with sessionmaker() as session:
        assert await session.get(User, 9) is None
        assert await session.get(Profile, 9) is None
        assert await session.scalar(select(func.count()).select_from(AnswerRecord)) == 0
        assert await session.scalar(select(func.count()).where(OutboxMessage.chat_id == 9)) == 0
        events = list(
            await session.scalars(select(AnalyticsEvent).where(AnalyticsEvent.subject == pseudonym))
        )
        assert len(events) == 2
        assert all(e.user_id is None and e.text is None for e in events)
        assert await session.get(User, 10) is not None
        assert await AnalyticsRepository(session).count() == 3
