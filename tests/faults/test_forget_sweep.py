"""/forget leaves nothing: a canary sweep over every table, on SQLite and PostgreSQL.

Before: after a journey, a ticket and /forget, the outbox still held sent rows with the question
(ИНН, phone), the staff card, relayed texts and the user's ``from_chat_id``/``_source_chat``; the
forum topic's title carried the question's first words. A planted bug that kept the rating
comment passed every test.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import CreateForumTopic, EditForumTopic
from sqlalchemy import inspect, select, text

from bot.services.domain import Domain
from bot.telegram.callbacks import ForgetCb, RateCb, TicketCb
from bot.telegram.outbox.clock import SimClock
from db.base import Base
from db.engine import create_engine, create_sessionmaker
from db.forget import FORGET_PLAN
from db.handoff.models import TicketRating
from db.models import utcnow
from rules.data import Bundle
from tests.db.databases import migrate, postgres_database, sqlite_url
from tests.handoff.recording import RecordingSession, make_bot
from tests.handoff.world import CONSULTANTS, PROFILE, USER, World

CANARIES = ("7707083893", "+79991234567", "КАНАРЕЙКА", "Стрижи-и-ласточки")


def test_every_table_has_a_forget_decision() -> None:
    """A new table cannot be forgotten: FORGET_PLAN must name it."""
    import db.handoff.models
    import db.registry.models
    import db.staff.models  # noqa: F401

    tables = set(Base.metadata.tables) | {"alembic_version"}
    assert set(FORGET_PLAN) == tables
    assert {kind for kind, _ in FORGET_PLAN.values()} <= {"delete", "scrub", "purge", "none"}


@pytest.fixture(params=["sqlite", "postgres"])
async def world(request: pytest.FixtureRequest, tmp_path: Path, bundle: Bundle) -> AsyncIterator[World]:
    async def build(url: str) -> AsyncIterator[World]:
        await migrate(url)
        engine = create_engine(url)
        telegram = RecordingSession()
        try:
            yield World(create_sessionmaker(engine), telegram, make_bot(telegram), Domain(bundle),
                        SimClock(start=utcnow() + timedelta(seconds=30)))
        finally:
            await engine.dispose()

    if request.param == "sqlite":
        async for built in build(sqlite_url(tmp_path)):
            yield built
    else:
        async with postgres_database() as url:
            async for built in build(url):
                yield built


def _leaks(value: Any, where: str) -> list[str]:
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int):
        return [f"{where}: user id"] if value == USER else []
    if isinstance(value, dict):
        return [leak for key, item in value.items() for leak in _leaks(item, f"{where}.{key}")]
    if isinstance(value, list | tuple):
        return [leak for i, item in enumerate(value) for leak in _leaks(item, f"{where}[{i}]")]
    if isinstance(value, str):
        if value.strip().startswith(("{", "[")):
            try:
                return _leaks(json.loads(value), where)
            except ValueError:
                pass
        found = [c for c in CANARIES if c.lower() in value.lower()]
        return [f"{where}: {c}" for c in found] + ([f"{where}: user id"] if value == str(USER) else [])
    return []


async def sweep(world: World) -> list[str]:
    leaks: list[str] = []
    async with world.sessions() as session:
        connection = await session.connection()
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        assert "outbox" in names and "ticket_ratings" in names
        for name in names:
            rows = (await session.execute(text(f'SELECT * FROM "{name}"'))).mappings().all()
            for index, row in enumerate(rows):
                for column, value in row.items():
                    leaks += _leaks(value, f"{name}[{index}].{column}")
    return leaks


async def test_forget_leaves_no_canary_and_no_user_id_in_any_table(world: World) -> None:
    profile = {**PROFILE, "company_name": "ООО «КАНАРЕЙКА»", "inn": "7707083893"}
    await world.consenting_user(profile=profile)
    await world.feed(world.user_message("/consultant"))
    await world.feed(world.user_message("Грант? ИНН 7707083893, тел. +79991234567, КАНАРЕЙКА"))
    await world.deliver()
    [topic] = world.telegram.sent(CreateForumTopic)
    assert "ИНН" not in topic.name and "Грант" not in topic.name  # no free text in a topic title
    thread = topic_thread = 1
    async with world.sessions() as session:
        thread = (await session.execute(text("SELECT thread_id FROM tickets"))).scalar_one()
    assert thread is not None and topic_thread
    await world.feed(world.staff_message("Пришлите выписку, КАНАРЕЙКА", thread=thread, author=CONSULTANTS[0]))
    await world.feed(world.user_message("Вот ещё: +79991234567"))
    await world.feed(world.user_photo(caption="КАНАРЕЙКА выписка"))
    await world.deliver()
    await world.feed(world.staff_press(TicketCb(a="close", t=1).pack()))
    await world.deliver()
    await world.feed(world.user_press(RateCb(t=1, s=5).pack()))
    await world.feed(world.user_message("Стрижи-и-ласточки, спасибо"))
    await world.deliver()
    async with world.sessions() as session:
        rating = await session.get(TicketRating, 1)
        assert rating is not None and rating.comment == "Стрижи-и-ласточки, спасибо"
    assert await sweep(world)  # the canaries are really in the database before /forget

    await world.feed(world.user_press(ForgetCb(confirm=True).pack()))
    await world.deliver()

    assert await sweep(world) == []
    [retitle] = world.telegram.sent(EditForumTopic)
    assert retitle.message_thread_id == thread and retitle.name == "№1 · без названия · вопрос"
    async with world.sessions() as session:
        rating = await session.scalar(select(TicketRating).where(TicketRating.ticket_id == 1))
        assert rating is not None and rating.score == 5 and rating.comment is None  # the score stays
