"""Shared fixtures (the shipped data, loaded once per test session) and the run-wide service check:
when tests that need PostgreSQL or Redis are collected and that service is down, the run stops
before the first test with one line saying which service and how to start it."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.data import Bundle, load_bundle
from tests.support.services import SERVICES, down_message, problem

ROOT = Path(__file__).resolve().parent.parent
MEASURES = ROOT / "measures.yaml"
QUESTIONNAIRE = ROOT / "rules" / "questionnaire.yaml"

# Fixtures that talk to a service: a test using them needs it, marked or not.
SERVICE_FIXTURES = {"redis": "redis", "redis_prefix": "redis"}
SLOW_TIMEOUT = 300  # seconds for a `slow` test without a timeout of its own (the default is 120)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("slow") is not None and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT))
        for fixture, marker in SERVICE_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(marker) is None:
                item.add_marker(marker)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Fail the run once, at its start, when a service the selected tests need is down."""
    if session.config.option.collectonly:
        return
    down = []
    for service in SERVICES:
        needing = sum(1 for item in session.items if item.get_closest_marker(service.marker) is not None)
        reason = problem(service) if needing else None
        if reason is not None:
            down.append(down_message(service, needing, reason))
    if down:
        pytest.exit("\n".join(down), returncode=3)


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    return load_bundle(MEASURES, QUESTIONNAIRE)
