"""Embedded mode forgets idle users: the FSM storage and the per-user locks stay bounded."""

from __future__ import annotations

import asyncio

from aiogram.fsm.storage.base import StorageKey

from bot.telegram.scale.memory import PrunedEventIsolation, PrunedMemoryStorage


def key(user: int) -> StorageKey:
    return StorageKey(bot_id=42, chat_id=user, user_id=user)


async def test_reading_a_state_creates_nothing_and_a_cleared_state_is_forgotten() -> None:
    storage = PrunedMemoryStorage()
    for user in range(2_000):
        assert await storage.get_state(key(user)) is None
        assert await storage.get_data(key(user)) == {}
        assert await storage.get_value(key(user), "x", 1) == 1
    assert storage.storage == {}  # aiogram's MemoryStorage would hold 2 000 records here
    await storage.set_state(key(1), "Asking:question")
    await storage.set_data(key(1), {"measure": "m"})
    assert await storage.get_state(key(1)) == "Asking:question" and await storage.get_value(key(1), "measure") == "m"
    await storage.set_state(key(1), None)
    await storage.set_data(key(1), {})
    assert storage.storage == {}


async def test_locks_exist_only_while_used_and_still_serialise_one_user() -> None:
    isolation = PrunedEventIsolation()
    order: list[str] = []

    async def update(user: int, name: str, hold: float) -> None:
        async with isolation.lock(key(user)):
            order.append(f"{name}+")
            await asyncio.sleep(hold)
            order.append(f"{name}-")

    await asyncio.gather(update(1, "a", 0.02), update(1, "b", 0.0), update(2, "c", 0.0))
    assert order.index("a-") < order.index("b+")  # the same user waits for the update in progress
    assert order.index("c+") < order.index("a-")  # another user does not
    await asyncio.gather(*(update(u, str(u), 0) for u in range(2_000)))
    assert isolation._locks == {}  # aiogram's SimpleEventIsolation keeps 2 000 locks forever
