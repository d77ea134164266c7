"""The bot test world (tests/bot/conftest.py): a migrated SQLite copy, a recording Bot API."""

from tests.bot.conftest import client, migrated_template, world

__all__ = ["client", "migrated_template", "world"]
