"""Catalogue versions and alert records; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Profile, User, utcnow
from db.staff.models import CatalogueVersion, MeasureAlert
from db.upsert import insert_for


class CatalogueVersionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def newest(self) -> CatalogueVersion | None:
        return await self.session.scalar(select(CatalogueVersion).order_by(CatalogueVersion.id.desc()).limit(1))

    async def record(
        self,
        bundle_version: str,
        catalogue_version: str,
        questionnaire_version: str,
        measure_count: int,
        accepted_by: str,
        summary: str | None,
    ) -> CatalogueVersion:
        row = CatalogueVersion(
            bundle_version=bundle_version,
            catalogue_version=catalogue_version,
            questionnaire_version=questionnaire_version,
            measure_count=measure_count,
            accepted_at=utcnow(),
            accepted_by=accepted_by[:64],
            summary=summary,
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def set_alerts_queued(self, version_id: int, count: int) -> None:
        await self.session.execute(
            update(CatalogueVersion).where(CatalogueVersion.id == version_id).values(alerts_queued=count)
        )

    async def accepted_between(self, since: datetime | None, until: datetime | None) -> list[CatalogueVersion]:
        query = select(CatalogueVersion).order_by(CatalogueVersion.id)
        if since is not None:
            query = query.where(CatalogueVersion.accepted_at >= since)
        if until is not None:
            query = query.where(CatalogueVersion.accepted_at < until)
        return list(await self.session.scalars(query))

    async def history(self, limit: int = 10) -> list[CatalogueVersion]:
        query = select(CatalogueVersion).order_by(CatalogueVersion.id.desc()).limit(limit)
        return list(await self.session.scalars(query))


class MeasureAlertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, user_id: int, measure_id: str, alert_key: str, verdict: str,
                    version_id: int | None) -> bool:
        """Record an alert; False if this user already had this one (nothing is written then)."""
        stmt = insert_for(self.session, MeasureAlert).values(
            user_id=user_id, measure_id=measure_id, alert_key=alert_key, verdict=verdict,
            version_id=version_id, created_at=utcnow(),
        )
        stmt = stmt.on_conflict_do_nothing(index_elements=["user_id", "measure_id", "alert_key"])
        return (await self.session.execute(stmt.returning(MeasureAlert.id))).scalar_one_or_none() is not None

    async def by_measure(self, version_id: int) -> list[tuple[str, int]]:
        """Alerts of one accepted version per measure, most first (who was told about what)."""
        count = func.count().label("n")
        query = (
            select(MeasureAlert.measure_id, count)
            .where(MeasureAlert.version_id == version_id)
            .group_by(MeasureAlert.measure_id)
            .order_by(count.desc(), MeasureAlert.measure_id)
        )
        return [(str(measure_id), int(n)) for measure_id, n in (await self.session.execute(query)).all()]

    async def count_for_version(self, version_id: int) -> int:
        query = select(func.count()).select_from(MeasureAlert).where(MeasureAlert.version_id == version_id)
        return int(await self.session.scalar(query) or 0)


async def subscribed_profiles(session: AsyncSession, completed_only: bool = False) -> list[tuple[int, dict[str, Any]]]:
    """(user id, saved answers) of every subscribed, not blocked user with a consent and answers.

    ``completed_only`` keeps only finished questionnaires: for measure alerts a half-answered
    profile would make almost every new measure «возможно», so an unfinished (or being edited)
    questionnaire waits. Event alerts (``bot.event_watch``) need only the cluster and sector.
    """
    query = (
        select(Profile.user_id, Profile.answers)
        .join(User, User.telegram_id == Profile.user_id)
        .where(User.alerts_opt_in.is_(True), User.blocked.is_(False), User.consent_at.is_not(None))
        .order_by(Profile.user_id)
    )
    if completed_only:
        query = query.where(Profile.completed_at.is_not(None))
    out: list[tuple[int, dict[str, Any]]] = []
    for user_id, answers in (await session.execute(query)).all():
        if answers:
            out.append((int(user_id), dict(answers)))
    return out


def chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
