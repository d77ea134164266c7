"""One update, one unit of work: the ``update_id`` claim commits together with the effects.

Why not claim at the start and commit at the end: on SQLite every transaction holds the write
lock, and a handler sends replies over the network, so holding a transaction across the
handler would serialise every user's updates behind Telegram's round trips. Instead:

1. ``seen()`` — a short read: was this update already committed? (a redelivery → do nothing);
2. the handler reads and writes, then calls ``commit()`` *before* it sends anything: that
   inserts the claim and commits it with the effects in one transaction;
3. after the handler, ``commit()`` runs again (a no-op for the claim if already taken).

If two copies of one update race past ``seen()``, the second ``commit()`` finds the claim taken,
rolls its effects back and raises ``DuplicateUpdate`` before it could send anything.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ProcessedUpdate
from db.repositories.updates import UpdateClaimRepository


class DuplicateUpdate(Exception):
    """This update was already processed by someone else; its effects were rolled back."""


class UnitOfWork:
    def __init__(self, session: AsyncSession, update_id: int) -> None:
        self.session = session
        self.update_id = update_id
        self.claimed = False

    async def seen(self) -> bool:
        """True if the update's claim is already committed. Ends its own short transaction."""
        found = await self.session.scalar(
            select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == self.update_id)
        )
        await self.session.rollback()
        return found is not None

    async def commit(self) -> None:
        """Claim the update (once) and commit everything done so far."""
        if not self.claimed:
            if not await UpdateClaimRepository(self.session).claim(self.update_id):
                await self.session.rollback()
                raise DuplicateUpdate(self.update_id)
            self.claimed = True
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
