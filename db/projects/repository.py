"""Reading and changing the project registry; every state change is one conditional UPDATE.

The services decide *what* happens (``bot.services.projects``); this module knows only rows. A
change that must happen once (publish, decide a cooperation request) is an UPDATE guarded by the
state it expects, and returns whether it changed a row, so a double press or a redelivered update
changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Profile, User, utcnow
from db.projects.models import (
    CooperationRequest,
    Project,
    ProjectBlock,
    ProjectDecision,
    ProjectVersion,
    RequestAlert,
    StaffTopic,
)
from db.upsert import insert_for
from rules.projects import ProjectCard

CONTENT = ("title", "summary", "cluster", "sector", "stage", "seeks", "offers", "offer_text", "site")


def card_of(project: Project) -> ProjectCard:
    return ProjectCard(
        id=project.id, title=project.title, summary=project.summary, cluster=project.cluster,
        sector=project.sector, stage=project.stage, seeks=tuple(project.seeks or ()),
        offers=tuple(project.offers or ()), offer_text=project.offer_text or "", site=project.site or "",
    )


def _changed(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount or 0)


class ProjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- projects -----------------------------------------------------------------------

    async def create(self, owner_id: int, pseudonym: str | None, data: dict[str, Any], now: datetime) -> Project:
        """A new project, straight to moderation, with its first version and the «submitted» step."""
        project = Project(owner_id=owner_id, owner_pseudonym=pseudonym, version=1, status="moderation",
                          created_at=now, updated_at=now, submitted_at=now,
                          **{key: data.get(key) or ([] if key in ("seeks", "offers") else None) for key in CONTENT})
        self.session.add(project)
        await self.session.flush()
        self.session.add(ProjectVersion(project_id=project.id, version=1, data=_content(data), created_at=now))
        await self.log(project.id, 1, "submitted", owner_id, None, None, now)
        return project

    async def resubmit(self, project: Project, data: dict[str, Any], now: datetime) -> int:
        """The owner's edit: a new version goes to moderation (the project leaves search until then)."""
        version = project.version + 1
        await self.session.execute(
            update(Project).where(Project.id == project.id, Project.version == project.version)
            .values(version=version, status="moderation", hidden=False, updated_at=now, submitted_at=now,
                    return_reason=None, archived_at=None, archive_reason=None,
                    **{key: data.get(key) or ([] if key in ("seeks", "offers") else None) for key in CONTENT}))
        self.session.add(ProjectVersion(project_id=project.id, version=version, data=_content(data), created_at=now))
        await self.log(project.id, version, "submitted", project.owner_id, None, None, now)
        return version

    async def get(self, project_id: int) -> Project | None:
        return await self.session.get(Project, project_id, populate_existing=True)

    async def for_owner(self, owner_id: int) -> list[Project]:
        rows = await self.session.scalars(select(Project).where(Project.owner_id == owner_id)
                                          .order_by(Project.status == "archived", Project.id.desc()))
        return list(rows)

    async def log(self, project_id: int, version: int, action: str, actor_id: int | None, actor_name: str | None,
                  reason: str | None, now: datetime | None = None) -> None:
        self.session.add(ProjectDecision(project_id=project_id, version=version, action=action, actor_id=actor_id,
                                         actor_name=actor_name, reason=reason, at=now or utcnow()))
        await self.session.flush()

    async def decisions(self, project_id: int) -> list[ProjectDecision]:
        return list(await self.session.scalars(select(ProjectDecision).where(ProjectDecision.project_id == project_id)
                                               .order_by(ProjectDecision.id)))

    async def moderate(self, project_id: int, version: int, status: str, *, now: datetime,
                       expires_at: datetime | None = None, reason: str | None = None) -> bool:
        """Decide the version under moderation; False if it is not under moderation any more."""
        values: dict[str, Any] = {"status": status, "updated_at": now}
        if status == "published":
            values.update(published_at=now, expires_at=expires_at, reminded_at=None, hidden=False)
        elif status == "draft":
            values.update(return_reason=reason)
        elif status == "archived":
            values.update(archived_at=now, archive_reason="rejected")
        result = await self.session.execute(
            update(Project).where(Project.id == project_id, Project.version == version,
                                  Project.status == "moderation").values(**values))
        return _changed(result) == 1

    async def set_hidden(self, project_id: int, owner_id: int, hidden: bool, now: datetime) -> bool:
        result = await self.session.execute(
            update(Project).where(Project.id == project_id, Project.owner_id == owner_id,
                                  Project.status == "published", Project.hidden.is_(not hidden))
            .values(hidden=hidden, updated_at=now))
        return _changed(result) == 1

    async def archive(self, project_id: int, reason: str, now: datetime, owner_id: int | None = None) -> bool:
        query = update(Project).where(Project.id == project_id, Project.status != "archived")
        if owner_id is not None:
            query = query.where(Project.owner_id == owner_id)
        result = await self.session.execute(query.values(status="archived", archived_at=now, archive_reason=reason,
                                                         updated_at=now))
        return _changed(result) == 1

    async def confirm_current(self, project_id: int, owner_id: int, expires_at: datetime, now: datetime) -> bool:
        result = await self.session.execute(
            update(Project).where(Project.id == project_id, Project.owner_id == owner_id,
                                  Project.status == "published")
            .values(expires_at=expires_at, reminded_at=None, updated_at=now))
        return _changed(result) == 1

    async def set_card(self, project_id: int, message_id: int | None) -> None:
        await self.session.execute(update(Project).where(Project.id == project_id).values(card_message_id=message_id))

    async def due_reminders(self, before: datetime) -> list[Project]:
        """Published projects expiring before ``before`` whose owner was not reminded yet."""
        return list(await self.session.scalars(select(Project).where(
            Project.status == "published", Project.expires_at <= before, Project.reminded_at.is_(None))))

    async def mark_reminded(self, project_id: int, now: datetime) -> bool:
        result = await self.session.execute(update(Project).where(Project.id == project_id,
                                                                  Project.reminded_at.is_(None))
                                            .values(reminded_at=now))
        return _changed(result) == 1

    async def expired(self, now: datetime) -> list[Project]:
        return list(await self.session.scalars(select(Project).where(
            Project.status == "published", Project.expires_at <= now)))

    # --- the published registry ---------------------------------------------------------

    def _visible(self) -> Any:
        return select(Project).where(Project.status == "published", Project.hidden.is_(False))

    async def published_cards(self) -> list[ProjectCard]:
        return [card_of(p) for p in await self.session.scalars(self._visible().order_by(Project.id))]

    async def published_stamp(self) -> tuple[int, str]:
        """Changes whenever the visible registry does: (count, newest change) of visible projects."""
        count, newest = (await self.session.execute(
            select(func.count(), func.max(Project.updated_at)).where(
                Project.status == "published", Project.hidden.is_(False)))).one()
        return int(count or 0), str(newest or "")

    async def visible(self, ids: Iterable[int]) -> dict[int, ProjectCard]:
        wanted = list(ids)
        if not wanted:
            return {}
        rows = await self.session.scalars(self._visible().where(Project.id.in_(wanted)))
        return {p.id: card_of(p) for p in rows}

    async def owners_of_published(self, opted_in: bool = True) -> list[tuple[int, ProjectCard]]:
        """(owner id, card) of every visible project whose owner has consented (and opted in to alerts)."""
        query = (self._visible().join(User, User.telegram_id == Project.owner_id)
                 .where(User.consent_at.is_not(None), User.blocked.is_(False)))
        if opted_in:
            query = query.where(User.alerts_opt_in.is_(True))
        rows = await self.session.scalars(query.order_by(Project.id))
        return [(int(p.owner_id), card_of(p)) for p in rows if p.owner_id is not None]

    # --- cooperation requests -----------------------------------------------------------

    async def add_request(self, project_id: int, requester_id: int, pseudonym: str | None, message: str,
                          contact: str, now: datetime) -> CooperationRequest:
        row = CooperationRequest(project_id=project_id, requester_id=requester_id, requester_pseudonym=pseudonym,
                                 message=message, requester_contact=contact, status="pending", created_at=now)
        self.session.add(row)
        await self.session.flush()
        return row

    async def cooperation(self, request_id: int) -> CooperationRequest | None:
        return await self.session.get(CooperationRequest, request_id, populate_existing=True)

    async def pending_between(self, project_id: int, requester_id: int) -> CooperationRequest | None:
        return await self.session.scalar(select(CooperationRequest).where(
            CooperationRequest.project_id == project_id, CooperationRequest.requester_id == requester_id,
            CooperationRequest.status == "pending").limit(1))

    async def sent_since(self, requester_id: int, since: datetime) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(CooperationRequest).where(
            CooperationRequest.requester_id == requester_id, CooperationRequest.created_at >= since)) or 0)

    async def received_since(self, project_id: int, since: datetime) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(CooperationRequest).where(
            CooperationRequest.project_id == project_id, CooperationRequest.created_at >= since)) or 0)

    async def decide_request(self, request_id: int, status: str, now: datetime, ticket_id: int | None = None,
                             expected: Sequence[str] = ("pending",), owner_contact: str | None = None) -> bool:
        values: dict[str, Any] = {"status": status, "decided_at": now}
        if owner_contact is not None:
            values["owner_contact"] = owner_contact
        if ticket_id is not None:
            values["ticket_id"] = ticket_id
        result = await self.session.execute(update(CooperationRequest).where(
            CooperationRequest.id == request_id, CooperationRequest.status.in_(list(expected))).values(**values))
        return _changed(result) == 1

    async def close_pending_for(self, project_id: int, now: datetime) -> None:
        await self.session.execute(update(CooperationRequest).where(
            CooperationRequest.project_id == project_id, CooperationRequest.status == "pending")
            .values(status="closed", decided_at=now))

    # --- blocks -------------------------------------------------------------------------

    async def block(self, owner_id: int, blocked_id: int, now: datetime) -> None:
        stmt = insert_for(self.session, ProjectBlock).values(owner_id=owner_id, blocked_id=blocked_id, created_at=now)
        await self.session.execute(stmt.on_conflict_do_nothing(index_elements=["owner_id", "blocked_id"]))

    async def blocked(self, owner_id: int, user_id: int) -> bool:
        return await self.session.get(ProjectBlock, (owner_id, user_id)) is not None

    # --- staff topic --------------------------------------------------------------------

    async def topic(self, name: str, chat_id: int) -> StaffTopic | None:
        row = await self.session.get(StaffTopic, name, populate_existing=True)
        return row if row is not None and row.chat_id == chat_id else None

    async def set_topic(self, name: str, chat_id: int, thread_id: int | None) -> None:
        stmt = insert_for(self.session, StaffTopic).values(name=name, chat_id=chat_id, thread_id=thread_id,
                                                          created_at=utcnow())
        await self.session.execute(stmt.on_conflict_do_update(index_elements=["name"],
                                                              set_={"chat_id": chat_id, "thread_id": thread_id}))

    # --- customer-request alerts ----------------------------------------------------------

    async def record_alert(self, user_id: int, request_id: str, version: str, now: datetime) -> bool:
        """True the first time this user is alerted about this version of the request."""
        stmt = insert_for(self.session, RequestAlert).values(user_id=user_id, request_id=request_id,
                                                            request_version=version, created_at=now)
        stmt = stmt.on_conflict_do_nothing(index_elements=["user_id", "request_id", "request_version"])
        return (await self.session.execute(stmt.returning(RequestAlert.id))).scalar_one_or_none() is not None

    # --- /forget ------------------------------------------------------------------------

    async def forget_user(self, user_id: int, now: datetime | None = None) -> int:
        """The user's projects leave search at once and lose everything personal; returns how many."""
        now = now or utcnow()
        owned = list(await self.session.scalars(select(Project.id).where(Project.owner_id == user_id)))
        if owned:
            await self.session.execute(update(Project).where(Project.id.in_(owned)).values(
                owner_id=None, status="archived", hidden=True, archive_reason="forgotten", archived_at=now,
                summary="", offer_text=None, site=None, return_reason=None, updated_at=now))
            await self.session.execute(update(ProjectVersion).where(ProjectVersion.project_id.in_(owned))
                                       .values(data=None))
            await self.session.execute(update(ProjectDecision).where(ProjectDecision.project_id.in_(owned),
                                                                     ProjectDecision.actor_id == user_id)
                                       .values(actor_id=None))
            await self.session.execute(update(CooperationRequest).where(CooperationRequest.project_id.in_(owned))
                                       .values(message=None, owner_contact=None))
            await self.session.execute(update(CooperationRequest).where(
                CooperationRequest.project_id.in_(owned), CooperationRequest.status == "pending")
                .values(status="closed", decided_at=now))
        await self.session.execute(update(CooperationRequest).where(CooperationRequest.requester_id == user_id,
                                                                    CooperationRequest.status == "pending")
                                   .values(status="closed", decided_at=now))
        await self.session.execute(update(CooperationRequest).where(CooperationRequest.requester_id == user_id)
                                   .values(requester_id=None, message=None, requester_contact=None))
        await self.session.execute(delete(ProjectBlock).where(ProjectBlock.blocked_id == user_id))
        return len(owned)

    # --- reporting ----------------------------------------------------------------------

    async def all_for_export(self) -> list[Project]:
        return list(await self.session.scalars(select(Project).order_by(Project.id)))

    async def profile_answers(self, user_id: int) -> dict[str, Any]:
        answers = await self.session.scalar(select(Profile.answers).where(Profile.user_id == user_id))
        return dict(answers or {})


def _content(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data.get(key) for key in CONTENT}
