"""`navigator report [--month YYYY-MM | --all] [--out FILE]`: the monthly HTML report for the Center.

The same figures as the bot's /stats (``db.staff.stats``), for a calendar month (default: the
previous one, the usual monthly review) or for all time, with bar charts, written to one
self-contained HTML file in Russian. Reads the database named by DATABASE_URL (or --database-url).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import sys
from pathlib import Path

from bot.cli.data_files import load_or_report
from bot.config import Settings
from bot.texts.operations import CATALOGUE_NOT_LOADED


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("report", help="ежемесячный отчёт в HTML: пользователи, меры, запросы, обращения")
    period = parser.add_mutually_exclusive_group()
    period.add_argument("--month", help="YYYY-MM (default: the previous calendar month)")
    period.add_argument("--all", action="store_true", help="all time")
    parser.add_argument("--out", type=Path, help="file to write (default: report-<period>.html)")
    parser.add_argument("--database-url", help="default: DATABASE_URL from the settings")
    parser.set_defaults(handler=run)


def month_bounds(month: str | None, today: dt.date) -> tuple[dt.datetime, dt.datetime, str]:
    """[first day, first day of the next month) in UTC, and the label ``YYYY-MM``."""
    if month is None:
        first_this = today.replace(day=1)
        start = (first_this - dt.timedelta(days=1)).replace(day=1)
    else:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise ValueError(f"--month must look like 2026-10, not {month!r}")
        start = dt.date(int(month[:4]), int(month[5:]), 1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return _midnight(start), _midnight(end), f"{start:%Y-%m}"


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


async def build_report(database_url: str, since: dt.datetime | None, until: dt.datetime | None,
                       titles: dict[str, str], catalogue_version: str) -> str:
    from bot.texts.projects_report import projects_section
    from bot.texts.stats import report_html
    from db.engine import create_engine, create_sessionmaker
    from db.projects.stats import collect_project_stats
    from db.staff.repository import CatalogueVersionRepository
    from db.staff.stats import collect_stats

    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            stats = await collect_stats(session, since, until)
            versions = await CatalogueVersionRepository(session).accepted_between(since, until)
            projects = await collect_project_stats(session, since, until)
    finally:
        await engine.dispose()
    text = report_html(stats, titles, versions, dt.datetime.now(dt.UTC), catalogue_version)
    return text.replace("</body>", projects_section(projects) + "\n</body>", 1)


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    try:
        since, until, label = (None, None, "all") if args.all else month_bounds(args.month, dt.date.today())
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    bundle = load_or_report(settings.measures_path, settings.questionnaire_path)
    titles = {m.id: m.title for m in bundle.catalogue.measures} if bundle else {}
    version = bundle.catalogue.version if bundle else CATALOGUE_NOT_LOADED
    from sqlalchemy.exc import DBAPIError

    try:
        text = asyncio.run(build_report(args.database_url or settings.database_url, since, until, titles, version))
    except DBAPIError as exc:
        print(f"cannot read the database ({type(exc.orig).__name__}): run `navigator migrate` first?",
              file=sys.stderr)
        return 1
    out: Path = args.out or Path(f"report-{label}.html")
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0
