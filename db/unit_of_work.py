"""One update, one unit of work: the ``update_id`` claim commits together with the effects.

The claim is the first statement of the update's first transaction: when the handler first
touches the database, the session begins (``BEGIN IMMEDIATE`` on SQLite) and inserts the claim
before anything else. A redelivered update finds the claim committed and stops right there
(``DuplicateUpdate``) — before its handler has changed or sent anything. Handlers commit before
they send, so no transaction (and on SQLite no write lock) is held across a network call.

A handler that never touches the database (say /help) is claimed after it ran, by the final
``commit()``; a redelivery of such an update can repeat its reply but changes nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from db.models import ProcessedUpdate, utcnow
from db.upsert import insert_for


class DuplicateUpdate(Exception):
    """This update was already processed; nothing of this attempt is kept."""


class UnitOfWork:
    def __init__(self, session: AsyncSession, update_id: int, *, claim: bool = True) -> None:
        """``claim=False``: a unit of work that only reads (re-rendering a redelivered update)."""
        self.session = session
        self.update_id = update_id
        self.claimed = not claim  # the claim is in the current or a committed transaction
        self.claim_committed = not claim
        self.failed = False  # the handler raised (or was cancelled): nothing more is committed
        self._insert = insert_for(session, ProcessedUpdate)
        event.listen(session.sync_session, "after_begin", self._claim_on_begin)

    def _claim_on_begin(
        self, _session: Session, _transaction: SessionTransaction, connection: Connection
    ) -> None:
        if self.claimed:
            return
        stmt = self._insert.values(update_id=self.update_id, processed_at=utcnow()).on_conflict_do_nothing(
            index_elements=["update_id"]
        )
        result: Any = connection.execute(stmt)
        if result.rowcount != 1:
            raise DuplicateUpdate(self.update_id)
        self.claimed = True

    async def commit(self) -> None:
        """Commit everything done so far; the claim goes with the first commit.

        If nothing touched the database yet, this claims the update on its own.
        """
        if not self.claimed:
            await self.session.connection()  # begins the transaction → inserts the claim
        await self.session.commit()
        self.claim_committed = True

    async def rollback(self) -> None:
        """Undo this transaction; an uncommitted claim goes with it and is retried next time."""
        await self.session.rollback()
        if not self.claim_committed:
            self.claimed = False
