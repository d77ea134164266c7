"""Tickets: open one per user, claim / transfer / close atomically, map relayed messages, rate.

Every state change is one conditional UPDATE whose row count says who won, so two consultants
pressing a button at once, or a redelivered update, cannot both succeed. The caller owns the
transaction (repositories never commit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.handoff.models import OPEN_STATUSES, Ticket, TicketEvent, TicketMessage, TicketRating
from db.models import OutboxMessage, utcnow
from db.upsert import insert_for


def as_utc(value: datetime) -> datetime:
    """SQLite hands timestamps back naive; they were written in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Opened:
    ticket: Ticket
    created: bool  # False: the user already had an open ticket, which is returned


def _rowcount(result: object) -> int:
    assert isinstance(result, CursorResult)
    return result.rowcount


class TicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- reading ------------------------------------------------------------------------

    async def get(self, ticket_id: int) -> Ticket | None:
        return await self.session.get(Ticket, ticket_id, populate_existing=True)

    async def open_for_user(self, user_id: int) -> Ticket | None:
        return await self.session.scalar(
            select(Ticket).where(Ticket.user_id == user_id, Ticket.status != "closed").limit(1)
        )

    async def last_closed_for_user(self, user_id: int) -> Ticket | None:
        return await self.session.scalar(
            select(Ticket)
            .where(Ticket.user_id == user_id, Ticket.status == "closed")
            .order_by(Ticket.closed_at.desc(), Ticket.id.desc())
            .limit(1)
        )

    async def by_thread(self, staff_chat_id: int, thread_id: int) -> Ticket | None:
        """The ticket of a forum topic (the newest, should a topic id ever repeat)."""
        return await self.session.scalar(
            select(Ticket)
            .where(Ticket.staff_chat_id == staff_chat_id, Ticket.thread_id == thread_id)
            .order_by(Ticket.id.desc())
            .limit(1)
        )

    async def by_staff_message(self, staff_chat_id: int, message_id: int) -> Ticket | None:
        """The ticket a staff-group message belongs to: its card or a relayed message (no topics)."""
        ticket = await self.session.scalar(
            select(Ticket).where(Ticket.staff_chat_id == staff_chat_id, Ticket.card_message_id == message_id)
        )
        if ticket is not None:
            return ticket
        ticket_id = await self.session.scalar(
            select(TicketMessage.ticket_id).where(
                or_(
                    and_(TicketMessage.target_chat_id == staff_chat_id, TicketMessage.target_message_id == message_id),
                    and_(TicketMessage.source_chat_id == staff_chat_id, TicketMessage.source_message_id == message_id),
                )
            )
        )
        return await self.get(ticket_id) if ticket_id is not None else None

    async def list_open(self) -> list[Ticket]:
        return list(
            await self.session.scalars(select(Ticket).where(Ticket.status.in_(OPEN_STATUSES)).order_by(Ticket.id))
        )

    async def unclaimed_since(self, before: datetime) -> list[Ticket]:
        """Open, unclaimed tickets created (or released) before ``before`` and not yet pinged."""
        return list(
            await self.session.scalars(
                select(Ticket)
                .where(
                    Ticket.status.in_(("new", "transferred")),
                    Ticket.created_at <= before,
                    Ticket.pinged_at.is_(None),
                )
                .order_by(Ticket.id)
            )
        )

    async def events(self, ticket_id: int) -> list[TicketEvent]:
        return list(
            await self.session.scalars(
                select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
            )
        )

    async def messages(self, ticket_id: int) -> list[TicketMessage]:
        return list(
            await self.session.scalars(
                select(TicketMessage).where(TicketMessage.ticket_id == ticket_id).order_by(TicketMessage.id)
            )
        )

    async def rating(self, ticket_id: int) -> TicketRating | None:
        return await self.session.get(TicketRating, ticket_id)

    async def all_for_report(self) -> Sequence[tuple[Ticket, TicketRating | None]]:
        rows = await self.session.execute(
            select(Ticket, TicketRating).outerjoin(TicketRating, TicketRating.ticket_id == Ticket.id).order_by(Ticket.id)
        )
        return [(ticket, rating) for ticket, rating in rows]

    # --- lifecycle ----------------------------------------------------------------------

    async def open(
        self,
        *,
        user_id: int,
        user_pseudonym: str | None,
        staff_chat_id: int,
        subject: str,
        question: str | None,
        company: str | None,
        measure_id: str | None,
        now: datetime | None = None,
    ) -> Opened:
        """Create the user's ticket, or return the one already open (the unique index decides)."""
        existing = await self.open_for_user(user_id)
        if existing is not None:
            return Opened(existing, created=False)
        now = now or utcnow()
        ticket = Ticket(
            user_id=user_id,
            user_pseudonym=user_pseudonym,
            status="new",
            company=company,
            measure_id=measure_id,
            subject=subject[:200],
            question=question,
            staff_chat_id=staff_chat_id,
            created_at=now,
            last_user_message_at=now,
        )
        try:
            async with self.session.begin_nested():
                self.session.add(ticket)
                await self.session.flush()
        except IntegrityError:
            winner = await self.open_for_user(user_id)
            assert winner is not None, "unique violation without an open ticket"
            return Opened(winner, created=False)
        await self.add_event(ticket.id, "opened", user_id, None, now)
        return Opened(ticket, created=True)

    async def claim(self, ticket_id: int, actor_id: int, actor_name: str, now: datetime | None = None) -> bool:
        """Take a new or transferred ticket; False if someone else already holds it (or it is closed)."""
        now = now or utcnow()
        won = _rowcount(
            await self.session.execute(
                update(Ticket)
                .where(Ticket.id == ticket_id, Ticket.status.in_(("new", "transferred")))
                .values(
                    status="claimed",
                    claimed_by=actor_id,
                    claimed_by_name=actor_name[:128],
                    claimed_at=now,
                    first_claimed_at=func.coalesce(Ticket.first_claimed_at, now),
                )
            )
        ) == 1
        if won:
            await self.add_event(ticket_id, "claimed", actor_id, actor_name, now)
        return won

    async def transfer(self, ticket_id: int, actor_id: int, actor_name: str, now: datetime | None = None) -> bool:
        """Release a claimed ticket back to the group for another consultant to take."""
        now = now or utcnow()
        done = _rowcount(
            await self.session.execute(
                update(Ticket)
                .where(Ticket.id == ticket_id, Ticket.status == "claimed")
                .values(status="transferred", claimed_by=None, claimed_by_name=None, claimed_at=None, pinged_at=None)
            )
        ) == 1
        if done:
            await self.add_event(ticket_id, "transferred", actor_id, actor_name, now)
        return done

    async def close(self, ticket_id: int, actor_id: int | None, actor_name: str | None,
                    now: datetime | None = None) -> bool:
        now = now or utcnow()
        done = _rowcount(
            await self.session.execute(
                update(Ticket)
                .where(Ticket.id == ticket_id, Ticket.status.in_(OPEN_STATUSES))
                .values(status="closed", closed_at=now, closed_by=actor_id)
            )
        ) == 1
        if done:
            await self.add_event(ticket_id, "closed", actor_id, actor_name, now)
        return done

    async def reopen(self, ticket_id: int, user_id: int, now: datetime | None = None) -> bool:
        """A user's message soon after closing reopens the ticket (unless another is open)."""
        now = now or utcnow()
        try:
            async with self.session.begin_nested():
                done = _rowcount(
                    await self.session.execute(
                        update(Ticket)
                        .where(Ticket.id == ticket_id, Ticket.status == "closed")
                        .values(
                            status="claimed" if (await self._claimant(ticket_id)) else "new",
                            closed_at=None,
                            closed_by=None,
                            pinged_at=None,
                            last_user_message_at=now,
                        )
                    )
                ) == 1
        except IntegrityError:
            return False
        if done:
            await self.add_event(ticket_id, "reopened", user_id, None, now)
        return done

    async def _claimant(self, ticket_id: int) -> int | None:
        value: int | None = await self.session.scalar(select(Ticket.claimed_by).where(Ticket.id == ticket_id))
        return value

    async def set_thread(self, ticket_id: int, thread_id: int | None) -> None:
        await self.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(thread_id=thread_id))

    async def set_card(self, ticket_id: int, message_id: int) -> None:
        await self.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(card_message_id=message_id))

    async def mark_pinged(self, ticket_id: int, now: datetime | None = None) -> None:
        await self.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(pinged_at=now or utcnow()))

    async def mark_user_blocked(self, user_id: int, now: datetime | None = None) -> list[int]:
        """Stamp the user's open ticket; returns its id (in a list) if it was not stamped before."""
        ids = list(
            await self.session.scalars(
                select(Ticket.id).where(
                    Ticket.user_id == user_id, Ticket.status != "closed", Ticket.user_blocked_at.is_(None)
                )
            )
        )
        if ids:
            await self.session.execute(
                update(Ticket).where(Ticket.id.in_(ids)).values(user_blocked_at=now or utcnow())
            )
        return ids

    async def touch_user_message(self, ticket_id: int, now: datetime | None = None) -> None:
        await self.session.execute(
            update(Ticket).where(Ticket.id == ticket_id).values(last_user_message_at=now or utcnow(), user_blocked_at=None)
        )

    async def add_event(self, ticket_id: int, kind: str, actor_id: int | None, actor_name: str | None,
                        now: datetime | None = None) -> None:
        self.session.add(
            TicketEvent(ticket_id=ticket_id, kind=kind, actor_id=actor_id, actor_name=actor_name, at=now or utcnow())
        )
        await self.session.flush()

    # --- messages -----------------------------------------------------------------------

    async def record_message(
        self,
        *,
        ticket_id: int,
        direction: str,
        source_chat_id: int,
        source_message_id: int,
        author_id: int | None,
        kind: str,
        text: str | None,
        now: datetime | None = None,
    ) -> bool:
        """Remember a message once; False if this source message was already recorded (redelivery)."""
        stmt = insert_for(self.session, TicketMessage).values(
            ticket_id=ticket_id,
            direction=direction,
            source_chat_id=source_chat_id,
            source_message_id=source_message_id,
            author_id=author_id,
            kind=kind,
            text=text,
            created_at=now or utcnow(),
        )
        result = await self.session.execute(
            stmt.on_conflict_do_nothing(index_elements=["source_chat_id", "source_message_id"])
        )
        return _rowcount(result) == 1

    async def record_target(
        self, source_chat_id: int, source_message_ids: Sequence[int], target_chat_id: int, target_message_id: int,
        now: datetime | None = None,
    ) -> None:
        """The relayed copy landed: store the pair (replies and edits are found through it)."""
        await self.session.execute(
            update(TicketMessage)
            .where(
                TicketMessage.source_chat_id == source_chat_id,
                TicketMessage.source_message_id.in_(list(source_message_ids)),
            )
            .values(target_chat_id=target_chat_id, target_message_id=target_message_id, relayed_at=now or utcnow())
        )

    async def target_of(self, source_chat_id: int, source_message_id: int) -> TicketMessage | None:
        return await self.session.scalar(
            select(TicketMessage).where(
                TicketMessage.source_chat_id == source_chat_id, TicketMessage.source_message_id == source_message_id
            )
        )

    # --- rating -------------------------------------------------------------------------

    async def rate(self, ticket_id: int, score: int, now: datetime | None = None) -> bool:
        """Record (or change) the user's score for a closed ticket."""
        stmt = insert_for(self.session, TicketRating).values(ticket_id=ticket_id, score=score, rated_at=now or utcnow())
        stmt = stmt.on_conflict_do_update(
            index_elements=["ticket_id"], set_={"score": score, "rated_at": now or utcnow()}
        )
        return _rowcount(await self.session.execute(stmt)) == 1

    async def comment(self, ticket_id: int, comment: str) -> bool:
        return _rowcount(
            await self.session.execute(
                update(TicketRating).where(TicketRating.ticket_id == ticket_id).values(comment=comment[:2000])
            )
        ) == 1

    # --- /forget ------------------------------------------------------------------------

    async def forget_user(self, user_id: int) -> int:
        """Close the user's tickets and strip everything personal; reporting keeps the pseudonym."""
        ids = list(await self.session.scalars(select(Ticket.id).where(Ticket.user_id == user_id)))
        if not ids:
            return 0
        now = utcnow()
        await self.session.execute(
            update(Ticket)
            .where(Ticket.id.in_(ids), Ticket.status != "closed")
            .values(status="closed", closed_at=now)
        )
        await self.session.execute(
            update(Ticket).where(Ticket.id.in_(ids)).values(user_id=None, company=None, question=None)
        )
        # A subject taken from the question's first words is the user's text too.
        await self.session.execute(
            update(Ticket).where(Ticket.id.in_(ids), Ticket.measure_id.is_(None)).values(subject="вопрос")
        )
        await self.session.execute(
            update(TicketMessage).where(TicketMessage.ticket_id.in_(ids)).values(text=None)
        )
        await self.session.execute(
            update(TicketMessage)
            .where(TicketMessage.ticket_id.in_(ids), TicketMessage.source_chat_id == user_id)
            .values(source_chat_id=0, source_message_id=-TicketMessage.id, author_id=None)
        )
        await self.session.execute(
            update(TicketMessage)
            .where(TicketMessage.ticket_id.in_(ids), TicketMessage.target_chat_id == user_id)
            .values(target_chat_id=None, target_message_id=None)
        )
        await self.session.execute(update(TicketRating).where(TicketRating.ticket_id.in_(ids)).values(comment=None))
        # Relays of the user's messages not yet sent would still carry them: drop them.
        await self.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status == "pending", OutboxMessage.payload["_source_chat"].as_integer() == user_id
            )
        )
        await self.session.execute(
            update(TicketEvent).where(TicketEvent.ticket_id.in_(ids), TicketEvent.actor_id == user_id)
            .values(actor_id=None, actor_name=None)
        )
        return len(ids)
