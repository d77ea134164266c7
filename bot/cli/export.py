"""``navigator export tickets --csv FILE``: the consultants' work for reporting, pseudonymised.

One row per ticket: number, status, the measure asked about, who took it, when it was opened,
first taken and closed, minutes to take and to close, the rating. Users appear only as their
random pseudonym (never the Telegram id, the company or any text), which also keeps a ticket of
a user who sent /forget countable without saying whose it was.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.config import Settings

COLUMNS = ("ticket", "status", "user", "measure_id", "consultant", "created_at", "claimed_at", "closed_at",
           "minutes_to_claim", "minutes_to_close", "rating")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("export", help="выгрузка для отчётности: navigator export tickets --csv FILE")
    parser.add_argument("what", choices=["tickets", "projects"], help="что выгрузить")
    parser.add_argument("--csv", required=True, type=Path, help="файл CSV (UTF-8)")
    parser.add_argument("--database-url", help="вместо DATABASE_URL из окружения")
    parser.set_defaults(handler=handle)


def _minutes(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return ""
    return f"{(end - start).total_seconds() / 60:.1f}"


def _iso(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value is not None else ""


async def rows(url: str) -> list[dict[str, str]]:
    from db.engine import create_engine, create_sessionmaker
    from db.handoff.tickets import TicketRepository, as_utc

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            found = await TicketRepository(session).all_for_report()
    finally:
        await engine.dispose()
    out = []
    for ticket, rating in found:
        created = as_utc(ticket.created_at)
        claimed = as_utc(ticket.first_claimed_at) if ticket.first_claimed_at else None
        closed = as_utc(ticket.closed_at) if ticket.closed_at else None
        out.append({
            "ticket": str(ticket.id),
            "status": ticket.status,
            "user": ticket.user_pseudonym or "",
            "measure_id": ticket.measure_id or "",
            "consultant": ticket.claimed_by_name or "",
            "created_at": _iso(created),
            "claimed_at": _iso(claimed),
            "closed_at": _iso(closed),
            "minutes_to_claim": _minutes(created, claimed),
            "minutes_to_close": _minutes(created, closed),
            "rating": str(rating.score) if rating is not None else "",
        })
    return out


def handle(args: argparse.Namespace) -> int:
    url = args.database_url or Settings().database_url
    if args.what == "projects":
        from bot.cli.export_projects import export

        return export(url, args.csv)
    try:
        found = asyncio.run(rows(url))
    except Exception as exc:  # a clear line, not a traceback
        print(f"export failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    with args.csv.open("w", encoding="utf-8", newline="") as handle_:
        writer = csv.DictWriter(handle_, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(found)
    print(f"tickets: {len(found)} → {args.csv}")
    return 0
