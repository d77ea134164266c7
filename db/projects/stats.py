"""The registry's figures for the monthly report: new, published, by cluster, cooperation
requests sent and accepted, time from submission to the moderator's decision."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.handoff.tickets import as_utc
from db.projects.models import CooperationRequest, Project, ProjectDecision


@dataclass(frozen=True)
class ProjectStats:
    new: int
    published: int
    live: int  # published and visible now
    by_cluster: list[tuple[str, int]] = field(default_factory=list)
    requests_sent: int = 0
    requests_accepted: int = 0
    moderation_hours_median: float | None = None


def _period(query: Any, column: Any, since: datetime | None, until: datetime | None) -> Any:
    if since is not None:
        query = query.where(column >= since)
    if until is not None:
        query = query.where(column < until)
    return query


async def collect_project_stats(session: AsyncSession, since: datetime | None = None,
                                until: datetime | None = None) -> ProjectStats:
    count = func.count()
    new = int(await session.scalar(_period(select(count).select_from(Project), Project.created_at, since, until)) or 0)
    published = int(await session.scalar(_period(
        select(count).select_from(ProjectDecision).where(ProjectDecision.action == "published"),
        ProjectDecision.at, since, until)) or 0)
    live = int(await session.scalar(select(count).select_from(Project).where(
        Project.status == "published", Project.hidden.is_(False))) or 0)
    n = count.label("n")
    by_cluster = [(str(c), int(k)) for c, k in (await session.execute(
        select(Project.cluster, n).where(Project.status == "published").group_by(Project.cluster)
        .order_by(n.desc(), Project.cluster))).all()]
    sent_query = _period(select(count).select_from(CooperationRequest), CooperationRequest.created_at, since, until)
    sent = int(await session.scalar(sent_query) or 0)
    accepted = int(await session.scalar(sent_query.where(CooperationRequest.status == "accepted")) or 0)
    rows = (await session.execute(_period(
        select(ProjectDecision.project_id, ProjectDecision.version, ProjectDecision.action, ProjectDecision.at),
        ProjectDecision.at, since, until).order_by(ProjectDecision.id))).all()
    submitted: dict[tuple[int, int], datetime] = {}
    hours: list[float] = []
    for project_id, version, action, at in rows:
        key = (int(project_id), int(version))
        if action == "submitted":
            submitted[key] = as_utc(at)
        elif action in ("published", "returned", "rejected") and key in submitted:
            hours.append((as_utc(at) - submitted.pop(key)).total_seconds() / 3600)
    median = round(statistics.median(hours), 1) if hours else None
    return ProjectStats(new, published, live, by_cluster, sent, accepted, median)
