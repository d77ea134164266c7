"""DaData findById/party: the mapping, and the client against a real local HTTP server
(aiohttp on 127.0.0.1) that answers, refuses (403) or hangs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.services.dadata import DadataClient
from rules.dadata_mapping import merge, months_between, prefill_from_dadata
from rules.prefill import Prefill
from tests.bot.conftest import BotWorld
from tests.bot.helpers import progress_of, start_and_consent
from tests.prefill.registry_seed import MOSCOW_LLC, NOT_IN_REGISTRY, seed_registry
from tests.support.telegram import ChatClient


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def party(inn: str = NOT_IN_REGISTRY, registered: date = date(2024, 3, 15), region: str = "RU-MOW") -> dict[str, Any]:
    """A synthetic answer in the documented shape (research registry-prefill §3.2)."""
    return {
        "suggestions": [
            {
                "value": "ООО «ПРИМЕР»",
                "data": {
                    "inn": inn,
                    "type": "LEGAL",
                    "state": {"status": "ACTIVE", "registration_date": _ms(registered),
                              "actuality_date": _ms(date(2026, 11, 1))},
                    "okved": "62.01",
                    "okved_type": "2014",
                    "address": {"data": {"region_iso_code": region}},
                },
            }
        ]
    }


class FakeDadata:
    """What the server saw, and what it should do next."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[tuple[str | None, dict[str, Any]]] = []

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append((request.headers.get("Authorization"), body))
        if self.mode == "403":
            return web.json_response({"message": "Feature 'SUGGESTIONS' disabled"}, status=403)
        if self.mode == "hang":
            await asyncio.sleep(5)
        if self.mode == "empty":
            return web.json_response({"suggestions": []})
        return web.json_response(party(body["query"]))


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeDadata, str]]:
    server = FakeDadata()
    app = web.Application()
    app.router.add_post("/findById/party", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield server, f"http://127.0.0.1:{port}/findById/party"
    finally:
        await runner.cleanup()


def test_mapping_fills_age_okved_region_and_status() -> None:
    prefill = prefill_from_dadata(party(), date(2026, 11, 27))
    assert prefill.values["company_age_months"] == 32  # 15.03.2024 → 27.11.2026
    assert prefill.values["okved_main"] == "62.01" and prefill.values["registered_in_moscow"] is True
    assert prefill.values["applicant_type"] == "legal_entity"
    assert prefill.facts["status"] == "ACTIVE" and prefill.facts["registration_date"] == date(2024, 3, 15)
    assert prefill.as_of["company_age_months"] == date(2026, 11, 1)
    outside = prefill_from_dadata(party(region="RU-MOS"), date(2026, 11, 27))
    assert outside.values["registered_in_moscow"] is False and "registered_in_moscow" in outside.to_confirm
    assert prefill_from_dadata({"suggestions": []}, date(2026, 11, 27)).values == {}
    assert prefill_from_dadata({"junk": 1}, date(2026, 11, 27)).values == {}


def test_months_between_counts_whole_months() -> None:
    assert months_between(date(2024, 3, 15), date(2024, 4, 14)) == 0
    assert months_between(date(2024, 3, 15), date(2024, 4, 15)) == 1
    assert months_between(date(2027, 1, 1), date(2026, 1, 1)) == 0


def test_merge_never_replaces_what_the_registry_says() -> None:
    registry = Prefill({"okved_main": "26.51", "sme_category": "small"}, {}, frozenset(), {}, date(2026, 9, 10))
    merged = merge(registry, prefill_from_dadata(party(), date(2026, 11, 27)))
    assert merged.values["okved_main"] == "26.51"  # the registry's, not DaData's 62.01
    assert merged.values["company_age_months"] == 32 and merged.state_date == date(2026, 9, 10)


async def test_client_sends_the_token_and_caches(fake: tuple[FakeDadata, str]) -> None:
    server, url = fake
    client = DadataClient("secret-key", url=url)
    first = await client.find_party(MOSCOW_LLC)
    second = await client.find_party(MOSCOW_LLC)
    assert first == second and first is not None
    assert server.requests == [("Token secret-key", {"query": MOSCOW_LLC, "branch_type": "MAIN"})]
    assert client.requests == 1


async def test_403_and_timeouts_fall_back_quietly_and_are_not_cached(fake: tuple[FakeDadata, str]) -> None:
    server, url = fake
    client = DadataClient("k", url=url, timeout=0.3)
    server.mode = "403"
    assert await client.find_party(MOSCOW_LLC) is None
    server.mode = "hang"
    started = time.monotonic()
    assert await client.find_party(MOSCOW_LLC) is None
    assert time.monotonic() - started < 1.5  # the dialogue waits at most the timeout
    server.mode = "ok"
    assert await client.find_party(MOSCOW_LLC) is not None  # failures were not cached
    assert len(server.requests) == 3


async def test_no_server_at_all_falls_back(unused_tcp_port: int) -> None:
    client = DadataClient("k", url=f"http://127.0.0.1:{unused_tcp_port}/findById/party", timeout=0.5)
    assert await client.find_party(MOSCOW_LLC) is None


async def test_bot_fills_what_the_registry_lacks_from_dadata(
    world: BotWorld, client: ChatClient, fake: tuple[FakeDadata, str], tmp_path: Path
) -> None:
    server, url = fake
    await seed_registry(world.engine, tmp_path)
    world.dp["dadata"] = DadataClient("k", url=url)
    await start_and_consent(client)
    await client.click("Грант")
    await client.click("Готово")
    await client.click("Компания")
    await client.send(NOT_IN_REGISTRY)  # not in the registry; DaData knows it
    screen = client.screen()
    assert "По открытым данным (DaData)" in screen and "ОКВЭД 62.01" in screen and "возраст" in screen
    await client.click("Всё верно")
    progress = await progress_of(world)
    assert progress is not None and progress["answers"]["company_age_months"] >= 32

    other = world.client(2002)
    server.mode = "403"
    await start_and_consent(other)
    await other.click("Грант")
    await other.click("Готово")
    await other.click("Компания")
    await other.send("7736050003")  # a fresh ИНН (not cached): DaData refuses → the offline answer
    assert "не найден" in other.screen() and "Бизнес зарегистрирован в Москве?" in other.screen()
