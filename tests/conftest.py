"""Shared fixtures: the shipped data, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.data import Bundle, load_bundle

ROOT = Path(__file__).resolve().parent.parent
MEASURES = ROOT / "measures.yaml"
QUESTIONNAIRE = ROOT / "rules" / "questionnaire.yaml"


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    return load_bundle(MEASURES, QUESTIONNAIRE)
