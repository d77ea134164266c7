"""The one settings factory of the tests: offline, no environment, no ``.env``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config import Settings

BOT_DATA = Path(__file__).resolve().parent.parent / "bot" / "data"  # the small test catalogue


def settings_for_tests(catalogue: Path | None = BOT_DATA, **overrides: Any) -> Settings:
    """Settings for a bot under test: a fake token, in-memory SQLite, no throttling to speak of.

    ``catalogue``: the folder whose ``measures.yaml`` and ``questionnaire.yaml`` the bot loads
    (the small test catalogue by default; ``None`` keeps the shipped defaults). Any field can be
    overridden by name.
    """
    values: dict[str, Any] = {
        "bot_token": "42:TEST",
        "database_url": "sqlite+aiosqlite://",
        "throttle_burst": 1000,
        "throttle_rate": 1000.0,
        "privacy_policy_url": None,
    }
    if catalogue is not None:
        values["measures_path"] = catalogue / "measures.yaml"
        values["questionnaire_path"] = catalogue / "questionnaire.yaml"
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]
