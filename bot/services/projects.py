"""The project registry's use-cases: submit, moderate, publish, edit, hide, archive, expire, search,
and cooperation requests with mutual consent — all in the caller's transaction.

Decisions:
- Everything the bot says on its own initiative (the moderation card, the owner's news, the
  cooperation offer, the contacts, the expiry reminder) is written to the outbox here, in the
  same transaction as the state change; the words and buttons come through the
  ``ProjectMessages`` port (``bot.telegram.outbox.project_messages``).
- Moderation posts go to the staff group's standing topic «Модерация проектов» (created once,
  through the outbox; its id is kept in ``staff_topics``), or, in a group without topics, to the
  group itself. Every outbox row of it carries ``_staff_topic`` for the delivery hook.
- An edit is a new version and goes back to moderation; the project leaves search until a
  consultant publishes it again, so no unmoderated text is ever shown to other users.
- Contacts are exchanged only when the owner accepts: the requester's contact is kept with the
  request but shown to nobody until then; a decline tells the requester only that the owner
  is not ready, nothing more. Either side may ask a consultant to mediate instead (a handoff
  ticket with the request attached).
- Limits: a user sends at most ``PER_USER_DAY`` requests a day, a project receives at most
  ``PER_PROJECT_DAY``; one pending request per user and project; an owner can block a user.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.domain import Domain
from bot.services.handoff import Handoff
from bot.services.outbox import enqueue
from db.models import utcnow
from db.projects.models import CooperationRequest, Project
from db.projects.repository import ProjectRepository, card_of
from db.repositories import UserRepository
from rules.partner_requests import CustomerRequest
from rules.projects import (
    ProjectCard,
    ProjectFilter,
    ProjectInputError,
    Registry,
    build_project_index,
    clean_message,
    validate_draft,
)
from rules.search import SearchResult, load_synonyms, search
from rules.search.catalogue_index import DEFAULT_MORPHOLOGY
from rules.search.index import SearchIndex
from rules.search.morphology import shared

log = logging.getLogger(__name__)

TOPIC = "projects"
LIFETIME = dt.timedelta(days=182)  # six months
REMIND_BEFORE = dt.timedelta(days=14)
PER_USER_DAY = 5
PER_PROJECT_DAY = 20
KIND_MODERATION = "project_moderation"
KIND_OWNER = "project_owner"
KIND_COOPERATION = "project_cooperation"
KIND_REMINDER = "project_reminder"
KIND_TOPIC = "project_topic"


class ProjectMessages(Protocol):
    """What the registry says, as Bot API payloads; the Telegram wing implements it."""

    def topic_title(self) -> str: ...

    def moderation_card(self, project: Project, profile: dict[str, Any]) -> dict[str, Any]: ...

    def decided(self, project: Project, action: str, reason: str | None) -> dict[str, Any]: ...

    def offer(self, request: CooperationRequest, project: Project, profile: dict[str, Any]) -> dict[str, Any]: ...

    def declined(self, project: Project) -> dict[str, Any]: ...

    def contacts(self, project: Project, contact: str, to_owner: bool) -> dict[str, Any]: ...

    def mediated(self, project: Project, ticket: int) -> dict[str, Any]: ...

    def expiry_reminder(self, project: Project) -> dict[str, Any]: ...

    def expired(self, project: Project) -> dict[str, Any]: ...

    def mediation_question(self, project: Project, request: CooperationRequest) -> str: ...


class ProjectRefusal(Exception):
    """Why an action was refused; ``code`` is worded in ``bot.texts.projects``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class _Built:
    stamp: tuple[int, str]
    registry: Registry
    index: SearchIndex


@dataclass
class Projects:
    """The registry service, one per process (injected into handlers as ``projects``)."""

    handoff: Handoff
    messages: ProjectMessages
    _built: _Built | None = field(default=None, init=False, repr=False)

    @property
    def staff_chat_id(self) -> int | None:
        return self.handoff.staff_chat_id

    def wake(self) -> None:
        self.handoff.wake()

    # --- the owner ----------------------------------------------------------------------

    async def submit(self, session: AsyncSession, owner_id: int, data: dict[str, Any],
                     project_id: int | None = None, now: dt.datetime | None = None) -> Project:
        """A new project or a new version of the owner's project, to moderation (card queued)."""
        now = now or utcnow()
        clean = validate_draft(data)
        repo = ProjectRepository(session)
        if project_id is None:
            user = await UserRepository(session).get(owner_id)
            project = await repo.create(owner_id, user.pseudonym if user else None, clean, now)
        else:
            existing = await repo.get(project_id)
            if existing is None or existing.owner_id != owner_id:
                raise ProjectRefusal("not_yours")
            await repo.resubmit(existing, clean, now)
            await repo.close_pending_for(existing.id, now)
            project = await repo.get(project_id)  # type: ignore[assignment]
            assert project is not None
        await self._to_moderation(session, project, await repo.profile_answers(owner_id))
        return project

    async def _to_moderation(self, session: AsyncSession, project: Project, profile: dict[str, Any]) -> None:
        chat = self.staff_chat_id
        if chat is None:
            return  # no staff group: the project waits in «на модерации»; admins see it in the export
        meta = {"_staff_topic": TOPIC, "_project": project.id}
        if self.handoff.forum and await ProjectRepository(session).topic(TOPIC, chat) is None:
            await enqueue(session, chat, "createForumTopic", {"name": self.messages.topic_title(), **meta},
                          kind=KIND_TOPIC, dedupe_key=f"staff-topic:{TOPIC}:{chat}")
        await enqueue(session, chat, "sendMessage", {**self.messages.moderation_card(project, profile), **meta},
                      kind=KIND_MODERATION, dedupe_key=f"project:{project.id}:v{project.version}:card")

    async def mine(self, session: AsyncSession, owner_id: int) -> list[Project]:
        return await ProjectRepository(session).for_owner(owner_id)

    async def owned(self, session: AsyncSession, owner_id: int, project_id: int) -> Project:
        project = await ProjectRepository(session).get(project_id)
        if project is None or project.owner_id != owner_id:
            raise ProjectRefusal("not_yours")
        return project

    async def set_hidden(self, session: AsyncSession, owner_id: int, project_id: int, hidden: bool) -> bool:
        project = await self.owned(session, owner_id, project_id)
        done = await ProjectRepository(session).set_hidden(project.id, owner_id, hidden, utcnow())
        if done:
            await ProjectRepository(session).log(project.id, project.version, "hidden" if hidden else "shown",
                                                 owner_id, None, None)
        return done

    async def archive(self, session: AsyncSession, owner_id: int, project_id: int) -> bool:
        project = await self.owned(session, owner_id, project_id)
        now = utcnow()
        repo = ProjectRepository(session)
        done = await repo.archive(project.id, "owner", now, owner_id=owner_id)
        if done:
            await repo.log(project.id, project.version, "archived", owner_id, None, "owner", now)
            await repo.close_pending_for(project.id, now)
        return done

    async def confirm_current(self, session: AsyncSession, owner_id: int, project_id: int) -> bool:
        project = await self.owned(session, owner_id, project_id)
        now = utcnow()
        done = await ProjectRepository(session).confirm_current(project.id, owner_id, now + LIFETIME, now)
        if done:
            await ProjectRepository(session).log(project.id, project.version, "confirmed", owner_id, None, None, now)
        return done

    # --- moderation ---------------------------------------------------------------------

    async def moderate(self, session: AsyncSession, project_id: int, version: int, action: str, actor_id: int,
                       actor_name: str, reason: str | None = None, now: dt.datetime | None = None) -> Project:
        """publish | return | reject the version under moderation; ``ProjectRefusal`` when stale."""
        now = now or utcnow()
        repo = ProjectRepository(session)
        project = await repo.get(project_id)
        if project is None:
            raise ProjectRefusal("gone")
        if project.version != version:
            raise ProjectRefusal("stale")
        if project.status != "moderation":
            raise ProjectRefusal(f"already_{project.status}")
        status = {"publish": "published", "return": "draft", "reject": "archived"}.get(action)
        if status is None:
            raise ProjectRefusal("stale")
        if action in ("return", "reject") and not (reason or "").strip():
            raise ProjectRefusal("reason_needed")
        if not await repo.moderate(project_id, version, status, now=now, expires_at=now + LIFETIME, reason=reason):
            raise ProjectRefusal("stale")
        await repo.log(project_id, version, {"publish": "published", "return": "returned", "reject": "rejected"}[action],
                       actor_id, actor_name, reason, now)
        fresh = await repo.get(project_id)
        assert fresh is not None
        if fresh.owner_id is not None:
            await enqueue(session, fresh.owner_id, "sendMessage", self.messages.decided(fresh, action, reason),
                          kind=KIND_OWNER, dedupe_key=f"project:{project_id}:v{version}:{action}")
        return fresh

    # --- expiry -------------------------------------------------------------------------

    async def sweep(self, session: AsyncSession, now: dt.datetime | None = None) -> tuple[int, int]:
        """Remind owners 14 days before expiry (once); archive what expired. (reminded, archived)."""
        now = now or utcnow()
        repo = ProjectRepository(session)
        reminded = archived = 0
        for project in await repo.expired(now):
            if await repo.archive(project.id, "expired", now):
                await repo.log(project.id, project.version, "expired", None, None, "no confirmation in time", now)
                await repo.close_pending_for(project.id, now)
                if project.owner_id is not None:
                    await enqueue(session, project.owner_id, "sendMessage", self.messages.expired(project),
                                  kind=KIND_OWNER, dedupe_key=f"project:{project.id}:expired:{project.expires_at}")
                archived += 1
        for project in await repo.due_reminders(now + REMIND_BEFORE):
            if project.owner_id is not None and await repo.mark_reminded(project.id, now):
                await enqueue(session, project.owner_id, "sendMessage", self.messages.expiry_reminder(project),
                              kind=KIND_REMINDER, dedupe_key=f"project:{project.id}:remind:{project.expires_at}")
                reminded += 1
        return reminded, archived

    # --- partner search -----------------------------------------------------------------

    async def _current(self, session: AsyncSession) -> _Built:
        repo = ProjectRepository(session)
        stamp = await repo.published_stamp()
        built = self._built
        if built is None or built.stamp != stamp:
            cards = await repo.published_cards()
            built = _Built(stamp, Registry(tuple(cards)), build_project_index(cards, load_synonyms(),
                                                                              shared(DEFAULT_MORPHOLOGY)))
            self._built = built
        return built

    async def browse(self, session: AsyncSession, wanted: ProjectFilter) -> list[ProjectCard]:
        built = await self._current(session)
        found = built.registry.browse(wanted)
        visible = await ProjectRepository(session).visible(c.id for c in found[:200])
        return [c for c in found if c.id in visible]  # /forget and archiving act at once

    async def find(self, session: AsyncSession, text: str, limit: int = 5) -> list[tuple[ProjectCard, float]]:
        """Free-text partner search: the measures' ranking over the published projects."""
        built = await self._current(session)
        result: SearchResult = search(built.index, text[:500], limit=limit)
        if not result.confident:
            return []
        visible = await ProjectRepository(session).visible(int(h.id) for h in result.hits)
        return [(visible[int(h.id)], h.score) for h in result.hits if int(h.id) in visible]

    async def card(self, session: AsyncSession, project_id: int) -> ProjectCard | None:
        return (await ProjectRepository(session).visible([project_id])).get(project_id)

    # --- cooperation --------------------------------------------------------------------

    async def propose(self, session: AsyncSession, requester_id: int, project_id: int, message: str,
                      contact: str, now: dt.datetime | None = None) -> CooperationRequest:
        """«Предложить сотрудничество»: checks, then the owner gets the offer (through the outbox)."""
        now = now or utcnow()
        repo = ProjectRepository(session)
        project = await self.check_propose(session, requester_id, project_id, now)
        assert project.owner_id is not None
        try:
            text = clean_message(message)
        except ProjectInputError as exc:
            raise ProjectRefusal(f"message_{exc.code}") from exc
        user = await UserRepository(session).get(requester_id)
        request = await repo.add_request(project_id, requester_id, user.pseudonym if user else None, text,
                                         contact[:160], now)
        profile = await repo.profile_answers(requester_id)
        await enqueue(session, project.owner_id, "sendMessage", self.messages.offer(request, project, profile),
                      kind=KIND_COOPERATION, dedupe_key=f"coop:{request.id}:offer")
        return request

    async def check_propose(self, session: AsyncSession, requester_id: int, project_id: int,
                            now: dt.datetime | None = None) -> Project:
        """Whether this user may send this project a request now; ``ProjectRefusal`` says why not."""
        now = now or utcnow()
        repo = ProjectRepository(session)
        project = await repo.get(project_id)
        if project is None or project.status != "published" or project.hidden or project.owner_id is None:
            raise ProjectRefusal("not_published")
        if project.owner_id == requester_id:
            raise ProjectRefusal("own_project")
        if await repo.blocked(project.owner_id, requester_id):
            raise ProjectRefusal("blocked")
        if await repo.pending_between(project_id, requester_id) is not None:
            raise ProjectRefusal("pending")
        day = now - dt.timedelta(days=1)
        if await repo.sent_since(requester_id, day) >= PER_USER_DAY:
            raise ProjectRefusal("user_limit")
        if await repo.received_since(project_id, day) >= PER_PROJECT_DAY:
            raise ProjectRefusal("project_limit")
        return project

    async def _request_for(self, session: AsyncSession, request_id: int, user_id: int,
                           owner_only: bool = True) -> tuple[CooperationRequest, Project]:
        repo = ProjectRepository(session)
        request = await repo.cooperation(request_id)
        project = await repo.get(request.project_id) if request is not None else None
        if request is None or project is None:
            raise ProjectRefusal("gone")
        allowed = {project.owner_id} if owner_only else {project.owner_id, request.requester_id}
        if user_id not in allowed:
            raise ProjectRefusal("not_yours")
        if request.status != "pending":
            raise ProjectRefusal(f"request_{request.status}")
        return request, project

    async def accept(self, session: AsyncSession, owner_id: int, request_id: int, owner_contact: str) -> None:
        """Both sides get each other's contact — the only place contacts are ever sent."""
        request, project = await self._request_for(session, request_id, owner_id)
        now = utcnow()
        if not await ProjectRepository(session).decide_request(request.id, "accepted", now,
                                                               owner_contact=owner_contact[:160]):
            raise ProjectRefusal("request_accepted")
        if request.requester_id is not None:
            await enqueue(session, request.requester_id, "sendMessage",
                          self.messages.contacts(project, owner_contact, to_owner=False),
                          kind=KIND_COOPERATION, dedupe_key=f"coop:{request.id}:to-requester")
        await enqueue(session, owner_id, "sendMessage",
                      self.messages.contacts(project, request.requester_contact or "", to_owner=True),
                      kind=KIND_COOPERATION, dedupe_key=f"coop:{request.id}:to-owner")

    async def decline(self, session: AsyncSession, owner_id: int, request_id: int, block: bool = False) -> None:
        request, project = await self._request_for(session, request_id, owner_id)
        now = utcnow()
        repo = ProjectRepository(session)
        if not await repo.decide_request(request.id, "declined", now):
            raise ProjectRefusal("request_declined")
        if block and request.requester_id is not None:
            await repo.block(owner_id, request.requester_id, now)
        if request.requester_id is not None:
            await enqueue(session, request.requester_id, "sendMessage", self.messages.declined(project),
                          kind=KIND_COOPERATION, dedupe_key=f"coop:{request.id}:declined")

    async def mediate(self, session: AsyncSession, domain: Domain, user_id: int, request_id: int) -> int:
        """Either side asks a consultant: a handoff ticket for the requester, with the request attached."""
        if not self.handoff.enabled:
            raise ProjectRefusal("no_consultants")
        request, project = await self._request_for(session, request_id, user_id, owner_only=False)
        now = utcnow()
        asker = request.requester_id if request.requester_id is not None else user_id
        user = await UserRepository(session).get(asker)
        opened = await self.handoff.open_ticket(
            session, domain, user_id=asker, pseudonym=user.pseudonym if user else None,
            profile=await ProjectRepository(session).profile_answers(asker),
            question=self.messages.mediation_question(project, request), measure_id=None, now=now)
        ticket = opened.ticket.id
        if not opened.created:
            await self.handoff.notice(session, opened.ticket, self.messages.mediation_question(project, request))
        if not await ProjectRepository(session).decide_request(request.id, "mediated", now, ticket_id=ticket):
            raise ProjectRefusal("request_mediated")
        for chat in {project.owner_id, request.requester_id} - {None}:
            assert chat is not None
            await enqueue(session, chat, "sendMessage", self.messages.mediated(project, ticket),
                          kind=KIND_COOPERATION, dedupe_key=f"coop:{request.id}:mediated:{chat}")
        return ticket

    # --- customer requests --------------------------------------------------------------

    async def respond_to_request(self, session: AsyncSession, domain: Domain, user_id: int,
                                 request: CustomerRequest, question: str) -> tuple[int, bool]:
        """«Откликнуться»: a consultant handoff with the customer's request attached; (ticket, new)."""
        if not self.handoff.enabled:
            raise ProjectRefusal("no_consultants")
        user = await UserRepository(session).get(user_id)
        opened = await self.handoff.open_ticket(
            session, domain, user_id=user_id, pseudonym=user.pseudonym if user else None,
            profile=await ProjectRepository(session).profile_answers(user_id), question=question, measure_id=None)
        if not opened.created:
            await self.handoff.notice(session, opened.ticket, question)
        return opened.ticket.id, opened.created


def cards_of(projects: list[Project]) -> list[ProjectCard]:
    return [card_of(p) for p in projects]
