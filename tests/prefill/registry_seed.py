"""A synthetic SME registry release (the official envelope, tests/registry) imported into a test DB."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from db.registry.importer import import_release
from tests.registry.fixtures import MEMBER_1, OFFICIAL, write_release

MOSCOW_LLC = "7700000016"  # small, ОКВЭД 62.01, region 77, ССЧР 42 (state date 10.09.2026)
OUTSIDE_IP = "500000000029"  # ИП, micro, region 50
NOT_IN_REGISTRY = "7707083893"  # a valid ИНН that the synthetic release does not hold


async def seed_registry(engine: AsyncEngine, tmp_path: Path) -> None:
    """The whole synthetic release (all regions), so an ИП outside Moscow is found too."""
    release = write_release(tmp_path / "data-20260910-structure-10062025.zip", {MEMBER_1: OFFICIAL})
    await import_release(engine, release, "rsmp", region=None)
