"""The update claim rides in the first transaction of the update and commits with its effects."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import ProcessedUpdate, User
from db.repositories import UserRepository
from db.unit_of_work import DuplicateUpdate, UnitOfWork

Sessions = async_sessionmaker[AsyncSession]


async def claims(sessions: Sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ProcessedUpdate)) or 0)


async def test_effects_and_claim_commit_together(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        uow = UnitOfWork(session, 501)
        await UserRepository(session).ensure(1)
        await uow.commit()
    assert await claims(sessionmaker) == 1

    async with sessionmaker() as session:
        uow = UnitOfWork(session, 501)  # the redelivery
        with pytest.raises(DuplicateUpdate):
            await UserRepository(session).ensure(2)
    async with sessionmaker() as session:
        assert await session.get(User, 2) is None


async def test_a_failed_attempt_leaves_no_claim(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        uow = UnitOfWork(session, 502)
        await UserRepository(session).ensure(3)
        await uow.rollback()
    assert await claims(sessionmaker) == 0
    async with sessionmaker() as session:
        uow = UnitOfWork(session, 502)
        await UserRepository(session).ensure(3)
        await uow.commit()
        await UserRepository(session).ensure(4)  # a second transaction of the same update
        await uow.commit()
    assert await claims(sessionmaker) == 1


async def test_a_handler_without_database_work_is_claimed_at_the_end(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        await UnitOfWork(session, 503).commit()
    async with sessionmaker() as session:
        with pytest.raises(DuplicateUpdate):
            await UnitOfWork(session, 503).commit()
