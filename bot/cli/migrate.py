"""``navigator migrate``: bring the database (DATABASE_URL) to the newest schema."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.config import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("migrate", help="применить миграции базы данных (DATABASE_URL)")
    parser.add_argument("--database-url", help="вместо DATABASE_URL из окружения")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from db.migrate import upgrade

    url = args.database_url or Settings().database_url
    try:
        upgrade(url)
    except Exception as exc:  # a clear line, not a traceback
        print(f"migration failed for {_redacted(url)}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"database is up to date: {_redacted(url)}")
    return 0


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
