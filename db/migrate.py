"""Apply Alembic migrations to a database URL — called before any event loop runs (DESIGN 7)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from db.engine import ensure_sqlite_directory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_path_separator", "os")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, target: str = "heads") -> None:
    """Bring the database to the newest revision of every branch (bot tables, registry, …).

    Synchronous on purpose: it runs its own event loop, so it must be called before the bot's
    loop starts, or from a worker thread.
    """
    ensure_sqlite_directory(url)
    command.upgrade(alembic_config(url), target)


def current_heads(url: str) -> list[str]:
    """Revision ids the scripts consider newest (for tests and `navigator migrate --check`)."""
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory.from_config(alembic_config(url)).get_heads())
