"""The staff tables on SQLite and PostgreSQL: migration matches the models, alerts are unique."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import db.staff.models  # noqa: F401  (registers the tables)
from db.base import Base
from db.engine import create_engine, create_sessionmaker
from db.repositories import UserRepository
from db.staff.repository import CatalogueVersionRepository, MeasureAlertRepository
from tests.support.databases import migrate, postgres_database, sqlite_url

STAFF_TABLES = ("catalogue_versions", "measure_alerts")


def _diff(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


async def test_migration_matches_the_models(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(_diff)
    finally:
        await engine.dispose()
    assert [d for d in diff if any(f"'{name}'" in repr(d) for name in STAFF_TABLES)] == []


async def _exercise(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        versions = CatalogueVersionRepository(session)
        assert await versions.newest() is None
        first = await versions.record("a-1", "a", "1", 3, "admin:7", "summary")
        second = await versions.record("b-1", "b", "1", 4, "SIGHUP", None)
        await session.commit()
        newest = await versions.newest()
        assert newest is not None and newest.id == second.id and newest.bundle_version == "b-1"
        assert [r.bundle_version for r in await versions.history()] == ["b-1", "a-1"]
        await UserRepository(session).ensure(501)
        alerts = MeasureAlertRepository(session)
        assert await alerts.claim(501, "m", "fp1", "eligible", first.id) is True
        assert await alerts.claim(501, "m", "fp1", "eligible", second.id) is False  # once per measure-version
        assert await alerts.claim(501, "m", "fp2", "possible", second.id) is True  # a new version of it
        await session.commit()
        assert await alerts.count_for_version(second.id) == 1
        assert await UserRepository(session).delete(501) == 1
        await session.commit()
        assert await alerts.count_for_version(first.id) == 0  # alerts follow the user on /forget


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_versions_and_alert_uniqueness(backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        url = sqlite_url(tmp_path)
        await migrate(url)
        engine = create_engine(url)
        try:
            await _exercise(create_sessionmaker(engine))
        finally:
            await engine.dispose()
        return
    async with postgres_database() as url:
        await migrate(url)
        engine = create_engine(url)
        try:
            await _exercise(create_sessionmaker(engine))
        finally:
            await engine.dispose()


async def _two_planners_at_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    import asyncio

    from sqlalchemy import func, select

    from bot.services.alerts import queue_alerts
    from bot.telegram.outbox.messages import TelegramOutboxMessages
    from db.models import OutboxMessage
    from db.staff.models import MeasureAlert
    from rules.catalogue import load_catalogue
    from rules.eligibility import Verdict
    from rules.rematch import AlertCandidate
    from tests.staff.conftest import DATA

    measure = load_catalogue(DATA / "measures.yaml").measures[0]
    users = list(range(700, 760))
    async with sessions() as session:
        for uid in users:
            await UserRepository(session).ensure(uid)
        await session.commit()
    candidates = [AlertCandidate(uid, measure, Verdict.ELIGIBLE, "fp", True) for uid in users]

    async def planner(order: list[AlertCandidate]) -> int:
        async with sessions() as session:
            queued = await queue_alerts(session, order, None, TelegramOutboxMessages().measure_alert)
            await session.commit()
            return queued

    counts = await asyncio.gather(planner(candidates), planner(list(reversed(candidates))))
    assert sum(counts) == len(users)  # every alert planned by exactly one of the two
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(MeasureAlert)) == len(users)
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == len(users)


@pytest.mark.postgres
async def test_two_instances_planning_the_same_version_alert_each_user_once() -> None:
    async with postgres_database() as url:
        await migrate(url)
        engine = create_engine(url)
        try:
            await _two_planners_at_once(create_sessionmaker(engine))
        finally:
            await engine.dispose()


async def test_two_planners_on_sqlite_alert_each_user_once(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    engine = create_engine(url)
    try:
        await _two_planners_at_once(create_sessionmaker(engine))
    finally:
        await engine.dispose()
