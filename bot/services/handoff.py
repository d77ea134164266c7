"""The handoff's decisions, in the caller's transaction: open, relay, claim, transfer, close, rate.

Everything sent on the bot's own initiative — the topic, the card, relayed messages, notices to
the user — is written to the outbox here, in the same transaction as the ticket change, so a
crash can lose neither. Handlers only answer the person who pressed or wrote, directly.

Outbox rows of a ticket carry meta keys the delivery hooks read (``bot.telegram.handoff.delivery``):
``_ticket`` (the ticket id: the current topic is looked up at send time, so a recreated topic is
used), ``_source_chat`` and ``_sources`` (the relayed message ids, stored as pairs once sent),
``_merge`` (a user's burst of texts grows one pending post instead of adding posts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.services.domain import Domain
from bot.services.hours import Availability, WorkingHours
from bot.services.outbox import enqueue
from bot.services.plan import PlanView, plan_lines
from db.handoff import outbox_queue
from db.handoff.models import Ticket, TicketMessage
from db.handoff.tickets import Opened, TicketRepository, as_utc
from db.models import utcnow
from rules.catalogue import Catalogue

KIND_TOPIC = "ticket_topic"
KIND_CARD = "ticket_card"
KIND_IN_TEXT = "ticket_in_text"
KIND_IN = "ticket_in"
KIND_OUT = "ticket_out"
KIND_NOTICE = "ticket_notice"
KIND_USER = "ticket_user"
KIND_CLOSE = "ticket_close"
KIND_RETITLE = "ticket_retitle"
MERGE_LIMIT = 3500  # characters of one merged post (Telegram allows 4096)


@dataclass(frozen=True, slots=True)
class Incoming:
    """A chat message as the handoff needs it: ids, author, text — no Telegram types.

    ``kind`` is text / photo / document / other; ``entities`` are the Bot API's JSON entities,
    replayed as they are when a relayed text is edited.
    """

    chat_id: int
    message_id: int
    author_id: int | None
    kind: str
    text: str | None = None
    caption: str | None = None
    entities: tuple[dict[str, Any], ...] = ()
    caption_entities: tuple[dict[str, Any], ...] = ()
    reply_to_message_id: int | None = None
    is_topic_message: bool = False
    thread_id: int | None = None

    @property
    def body(self) -> str | None:
        return self.text if self.text is not None else self.caption


class HandoffPresenter(Protocol):
    """What the handoff says, in Bot API payloads; the Telegram wing implements it.

    The service decides *when* something is sent and persists it; the words and buttons are
    the presentation's (``bot.telegram.handoff.presenter``), so no arrow runs upward.
    """

    def topic_title(self, number: int, company: str | None, subject: str) -> str: ...

    def card(self, number: int, catalogue: Catalogue, profile: dict[str, Any], *, company: str | None,
             measure_id: str | None, question: str | None, today: Any,
             plan: Sequence[PlanView] = ()) -> dict[str, Any]: ...

    def claimed(self, number: int, name: str) -> dict[str, Any]: ...

    def closed(self, number: int) -> dict[str, Any]: ...

    def transferred_notice(self, number: int, by: str) -> str: ...

    def reopened_notice(self, number: int) -> str: ...

    def unclaimed_ping(self, number: int, minutes: int) -> str: ...

    def expectation(self, availability: Availability) -> str: ...

    def untitled_subject(self) -> str:
        """A ticket's subject when the user wrote no question (as ``db.handoff.tickets`` pseudonymises to)."""
        ...


@dataclass
class Handoff:
    staff_chat_id: int | None
    presenter: HandoffPresenter
    consultant_ids: frozenset[int] = frozenset()
    hours: WorkingHours = field(default_factory=WorkingHours)
    ping_after: timedelta = timedelta(minutes=30)
    reopen_within: timedelta = timedelta(hours=72)
    forum: bool = True  # the staff group has topics; set by the start-up check
    _wakers: list[Any] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, presenter: HandoffPresenter) -> Handoff:
        return cls(
            staff_chat_id=settings.staff_chat_id,
            presenter=presenter,
            consultant_ids=settings.consultant_ids,
            hours=WorkingHours.from_config(
                settings.consultant_hours,
                settings.consultant_workdays,
                settings.consultant_holidays,
                settings.consultant_answer_hours,
            ),
            ping_after=timedelta(minutes=settings.ticket_ping_minutes),
            reopen_within=timedelta(hours=settings.ticket_reopen_hours),
        )

    @property
    def enabled(self) -> bool:
        return self.staff_chat_id is not None

    # --- plumbing -----------------------------------------------------------------------

    def on_enqueue(self, waker: Any) -> None:
        """Register a callable (the worker's ``wake``) to run after handlers enqueue."""
        self._wakers.append(waker)

    def wake(self) -> None:
        for waker in self._wakers:
            waker()

    async def _to_staff(self, session: AsyncSession, ticket: Ticket, method: str, payload: dict[str, Any],
                        kind: str, dedupe_key: str | None = None) -> int | None:
        return await enqueue(session, ticket.staff_chat_id, method, {**payload, "_ticket": ticket.id},
                             kind=kind, dedupe_key=dedupe_key)

    async def _to_user(self, session: AsyncSession, ticket: Ticket, method: str, payload: dict[str, Any],
                       kind: str = KIND_USER, dedupe_key: str | None = None) -> int | None:
        if ticket.user_id is None:
            return None
        return await enqueue(session, ticket.user_id, method, {**payload, "_ticket": ticket.id},
                             kind=kind, dedupe_key=dedupe_key)

    async def notice(self, session: AsyncSession, ticket: Ticket, text: str) -> None:
        """A line for the consultants in the ticket's topic (or under its card)."""
        await self._to_staff(session, ticket, "sendMessage", {"text": text, "parse_mode": "HTML"}, KIND_NOTICE)

    # --- opening ------------------------------------------------------------------------

    async def open_ticket(
        self,
        session: AsyncSession,
        domain: Domain,
        *,
        user_id: int,
        pseudonym: str | None,
        profile: dict[str, Any],
        question: str | None,
        measure_id: str | None,
        source_message_id: int | None = None,
        now: datetime | None = None,
    ) -> Opened:
        """The user's ticket with its topic and card queued; the open one if there is one already."""
        assert self.staff_chat_id is not None
        now = now or utcnow()
        measure = domain.measure(measure_id) if measure_id else None
        # No free text in the subject: it titles the forum topic, which /forget cannot take back
        # from every consultant's screen; the question itself is on the card.
        subject = measure.title if measure else self.presenter.untitled_subject()
        company = profile.get("company_name") if isinstance(profile.get("company_name"), str) else None
        opened = await TicketRepository(session).open(
            user_id=user_id,
            user_pseudonym=pseudonym,
            staff_chat_id=self.staff_chat_id,
            subject=subject,
            question=question,
            company=company,
            measure_id=measure.id if measure else None,
            now=now,
        )
        if not opened.created:
            return opened
        ticket = opened.ticket
        if source_message_id is not None and question:
            await TicketRepository(session).record_message(
                ticket_id=ticket.id, direction="in", source_chat_id=user_id, source_message_id=source_message_id,
                author_id=user_id, kind="text", text=question, now=now,
            )
        if self.forum:
            await self._to_staff(session, ticket, "createForumTopic",
                                 {"name": self.presenter.topic_title(ticket.id, company, subject)}, KIND_TOPIC,
                                 dedupe_key=f"ticket:{ticket.id}:topic")
        plan = await plan_lines(session, user_id, domain.catalogue)  # the consultant sees «Мой план»
        card = self.presenter.card(ticket.id, domain.catalogue, profile, company=company,
                                   measure_id=ticket.measure_id, question=question, today=now.date(), plan=plan)
        await self._to_staff(
            session, ticket, "sendMessage",
            {**card, **({"_source_chat": user_id, "_sources": [source_message_id]} if source_message_id else {})},
            KIND_CARD, dedupe_key=f"ticket:{ticket.id}:card",
        )
        return opened

    async def retitle_forgotten(self, session: AsyncSession, ticket_ids: tuple[int, ...]) -> int:
        """/forget: the user's topics are renamed to number and measure only (no company)."""
        if not self.forum:
            return 0
        count = 0
        for ticket_id in ticket_ids:
            ticket = await session.get(Ticket, ticket_id)
            if ticket is None:
                continue
            title = self.presenter.topic_title(ticket.id, None, ticket.subject)
            await self._to_staff(session, ticket, "editForumTopic", {"name": title}, KIND_RETITLE,
                                 dedupe_key=f"ticket:{ticket.id}:forgotten")
            count += 1
        return count

    def expectation(self, now: datetime | None = None) -> str:
        return self.presenter.expectation(self.hours.availability(now or utcnow()))

    # --- relaying -----------------------------------------------------------------------

    async def relay_from_user(self, session: AsyncSession, ticket: Ticket, message: Incoming,
                              now: datetime | None = None) -> bool:
        """The user wrote while the ticket is open: into the topic (a text burst becomes one post)."""
        now = now or utcnow()
        repo = TicketRepository(session)
        kind = message.kind
        if not await repo.record_message(ticket_id=ticket.id, direction="in", source_chat_id=message.chat_id,
                                         source_message_id=message.message_id, author_id=message.chat_id,
                                         kind=kind, text=message.body, now=now):
            return False  # a redelivered update: already relayed
        await repo.touch_user_message(ticket.id, now)
        meta = {"_source_chat": message.chat_id}
        reply = await self._reply_target(session, message, ticket.staff_chat_id)
        if kind == "text" and reply is None:
            body = escape(message.text or "")
            merged = await outbox_queue.merge_text(session, ticket.staff_chat_id, KIND_IN_TEXT, f"t{ticket.id}",
                                                   body, MERGE_LIMIT, source_id=message.message_id)
            if merged is None:
                await self._to_staff(session, ticket, "sendMessage",
                                     {"text": body, "parse_mode": "HTML", "_merge": f"t{ticket.id}",
                                      "_sources": [message.message_id], **meta}, KIND_IN_TEXT)
            return True
        payload: dict[str, Any] = {"from_chat_id": message.chat_id, "message_id": message.message_id,
                                   "_sources": [message.message_id], **meta}
        if reply is not None:
            payload["reply_parameters"] = {"message_id": reply, "allow_sending_without_reply": True}
        await self._to_staff(session, ticket, "copyMessage", payload, KIND_IN)
        return True

    async def relay_to_user(self, session: AsyncSession, ticket: Ticket, message: Incoming,
                            now: datetime | None = None) -> bool:
        """A consultant wrote in the topic (or replied to the card): a copy goes to the user."""
        now = now or utcnow()
        repo = TicketRepository(session)
        if not await repo.record_message(ticket_id=ticket.id, direction="out", source_chat_id=message.chat_id,
                                         source_message_id=message.message_id, author_id=message.author_id,
                                         kind=message.kind, text=message.body, now=now):
            return False
        if ticket.user_id is None:
            return False
        payload: dict[str, Any] = {"from_chat_id": message.chat_id, "message_id": message.message_id,
                                   "_source_chat": message.chat_id, "_sources": [message.message_id]}
        reply = await self._reply_target(session, message, ticket.user_id)
        if reply is not None:
            payload["reply_parameters"] = {"message_id": reply, "allow_sending_without_reply": True}
        await self._to_user(session, ticket, "copyMessage", payload, KIND_OUT)
        return True

    async def _reply_target(self, session: AsyncSession, message: Incoming, target_chat: int) -> int | None:
        """Mirror a reply: the counterpart, in ``target_chat``, of the message being replied to."""
        replied = message.reply_to_message_id
        if replied is None or (message.is_topic_message and replied == message.thread_id):
            return None
        pair = await TicketRepository(session).target_of(message.chat_id, replied)
        if pair is not None and pair.target_chat_id == target_chat:
            return pair.target_message_id
        # The message replied to was itself relayed *into* this chat: its source is the counterpart.
        source = await session.scalar(
            select(TicketMessage).where(TicketMessage.target_chat_id == message.chat_id,
                                        TicketMessage.target_message_id == replied)
        )
        if source is not None and source.source_chat_id == target_chat:
            return source.source_message_id
        return None

    async def mirror_edit(self, session: AsyncSession, ticket: Ticket, message: Incoming) -> bool:
        """An edited message that was already relayed: edit its copy too (through the outbox).

        A post merged from several messages is left alone (one edit cannot say which part), and
        a message not yet relayed needs nothing: ``copyMessage`` copies its current version.
        """
        repo = TicketRepository(session)
        pair = await repo.target_of(message.chat_id, message.message_id)
        if pair is None or pair.target_chat_id is None or pair.target_message_id is None:
            return False
        sharing = await session.scalar(
            select(func.count()).select_from(TicketMessage).where(
                TicketMessage.target_chat_id == pair.target_chat_id,
                TicketMessage.target_message_id == pair.target_message_id)
        )
        if (sharing or 0) > 1:
            return False
        pair.text = message.text or message.caption
        to_staff = pair.target_chat_id == ticket.staff_chat_id
        payload: dict[str, Any] = {"message_id": pair.target_message_id, "_ticket": ticket.id}
        if message.text is not None:
            method = "editMessageText"
            if to_staff and pair.direction == "in" and message.text is not None:
                payload.update(text=escape(message.text), parse_mode="HTML")
            else:
                payload.update(text=message.text, entities=list(message.entities))
        elif message.caption is not None:
            method = "editMessageCaption"
            payload.update(caption=message.caption, caption_entities=list(message.caption_entities))
        else:
            return False
        await enqueue(session, pair.target_chat_id, method, payload, kind="ticket_edit")
        return True

    async def note(self, session: AsyncSession, ticket: Ticket, message: Incoming) -> None:
        await TicketRepository(session).record_message(
            ticket_id=ticket.id, direction="note", source_chat_id=message.chat_id,
            source_message_id=message.message_id, author_id=message.author_id, kind="text", text=message.text,
        )

    # --- lifecycle ----------------------------------------------------------------------

    async def claim(self, session: AsyncSession, ticket: Ticket, actor_id: int, actor_name: str) -> bool:
        won = await TicketRepository(session).claim(ticket.id, actor_id, actor_name)
        if won:
            await self._to_user(session, ticket, "sendMessage", self.presenter.claimed(ticket.id, actor_name))
        return won

    async def transfer(self, session: AsyncSession, ticket: Ticket, actor_id: int, actor_name: str) -> bool:
        done = await TicketRepository(session).transfer(ticket.id, actor_id, actor_name)
        if done:
            await self.notice(session, ticket, self.presenter.transferred_notice(ticket.id, actor_name))
        return done

    async def close(self, session: AsyncSession, ticket: Ticket, actor_id: int | None, actor_name: str | None) -> bool:
        done = await TicketRepository(session).close(ticket.id, actor_id, actor_name)
        if done:
            await self._to_user(session, ticket, "sendMessage", self.presenter.closed(ticket.id))
            if self.forum:
                await self._to_staff(session, ticket, "closeForumTopic", {}, KIND_CLOSE)
        return done

    async def reopen_if_recent(self, session: AsyncSession, user_id: int, now: datetime | None = None) -> Ticket | None:
        """A message soon after closing reopens the last ticket (and its topic)."""
        now = now or utcnow()
        repo = TicketRepository(session)
        last = await repo.last_closed_for_user(user_id)
        if last is None or last.closed_at is None or now - as_utc(last.closed_at) > self.reopen_within:
            return None
        if not await repo.reopen(last.id, user_id, now):
            return None
        ticket = await repo.get(last.id)
        assert ticket is not None
        if self.forum:
            await self._to_staff(session, ticket, "reopenForumTopic", {}, KIND_CLOSE)
        await self.notice(session, ticket, self.presenter.reopened_notice(ticket.id))
        return ticket

    async def ping_unclaimed(self, session: AsyncSession, now: datetime | None = None) -> int:
        """Remind the group of tickets nobody took within the configured time."""
        now = now or utcnow()
        repo = TicketRepository(session)
        pinged = 0
        for ticket in await repo.unclaimed_since(now - self.ping_after):
            minutes = int((now - as_utc(ticket.created_at)).total_seconds() // 60)
            await self.notice(session, ticket, self.presenter.unclaimed_ping(ticket.id, minutes))
            await repo.mark_pinged(ticket.id, now)
            pinged += 1
        return pinged


