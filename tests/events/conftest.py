"""Small calendar and directory fixtures with known contents (tests/fixtures/events)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rules.events import MOSCOW, Calendar, load_events
from rules.places import Directory, load_places

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "events"
BROKEN = FIXTURES / "broken"
TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=MOSCOW)


@pytest.fixture(scope="session")
def directory() -> Directory:
    return load_places(FIXTURES / "places.yaml")


@pytest.fixture(scope="session")
def calendar(directory: Directory) -> Calendar:
    return load_events(FIXTURES / "events.yaml", TODAY, directory.by_id)
