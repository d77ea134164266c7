"""`navigator console`: the bot's ИНН pre-fill in a terminal.

The registry is read from DATABASE_URL (default ./data/navigator.db), as `navigator registry`
does. A missing database file, missing tables or no import all read as «реестр не загружен»
and the questionnaire goes on; a SQLite file is never created just to look something up.
DaData is used when DADATA_API_KEY is set, through the same client as the bot.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from bot.config import Settings
from bot.services import inn_prefill
from bot.texts import console as console_texts
from bot.texts import inn as inn_texts
from rules.engine import Progress, QuestionnaireEngine
from rules.identifiers import check_inn, reask_message


class _Console(Protocol):
    engine: QuestionnaireEngine

    def say(self, text: str = "") -> None: ...

    def ask(self) -> str | None: ...


def _sqlite_file_missing(url: str) -> bool:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    return not database or database == ":memory:" or not Path(database).is_file()


async def _loaded(url: str) -> bool:
    from db.engine import create_engine, create_sessionmaker

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await inn_prefill.registry_loaded(session)
    finally:
        await engine.dispose()


def registry_available() -> bool:
    """Whether DATABASE_URL points at a database with an imported SME registry."""
    url = Settings().database_url
    if _sqlite_file_missing(url):
        return False
    try:
        return asyncio.run(_loaded(url))
    except Exception:  # an unreachable server or a foreign database
        return False


async def _find(url: str, inn: str, api_key: str | None) -> inn_prefill.Lookup | None:
    from bot.services.dadata import client_for
    from db.engine import create_engine, create_sessionmaker

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            if not await inn_prefill.registry_loaded(session):
                return None
            return await inn_prefill.find(session, inn, client_for(api_key), date.today())
    finally:
        await engine.dispose()


def lookup(inn: str) -> inn_prefill.Lookup | None:
    """The pre-fill for ``inn``, or None when no registry is loaded where DATABASE_URL points."""
    settings = Settings()
    url = settings.database_url
    if _sqlite_file_missing(url):
        return None
    key = settings.dadata_api_key.get_secret_value() if settings.dadata_api_key else None
    try:
        return asyncio.run(_find(url, inn, key))
    except Exception:  # an unreachable server or a foreign database: offline questions go on
        return None


def ask_inn(console: _Console, progress: Progress) -> Progress:
    """Ask for the ИНН (Enter skips), show what the registry knows, pre-fill what is confirmed.

    Without a loaded registry it only says so and reads no input, so scripted answers piped
    into the console keep their meaning.
    """
    if not registry_available():
        console.say()
        console.say(console_texts.INN_NOT_LOADED)
        return progress
    while True:
        console.say()
        console.say(console_texts.INN_PROMPT)
        answer = console.ask()
        if not answer or answer.lower() in console_texts.INN_SKIP_WORDS:
            return progress
        check = check_inn(answer)
        if check.valid:
            break
        console.say(reask_message(check))
    found = lookup(check.value)
    if found is None:
        console.say(console_texts.INN_NOT_LOADED)
        return progress
    values: dict[str, Any] = {"inn": check.value}
    items = inn_texts.labelled(inn_prefill.offered(found.prefill, progress.answers))
    if not items:
        if not found.prefill.found:
            console.say(inn_texts.not_found(found))
        return console.engine.prefill(progress, values)
    console.say(inn_texts.summary(found, items, progress.answers))
    while True:
        console.say(console_texts.INN_CONFIRM_PROMPT)
        reply = (console.ask() or "").lower()
        if reply in console_texts.INN_YES:
            values.update({name: value for name, value, _ in items})
            console.say(console_texts.INN_CONFIRMED)
            break
        if reply in console_texts.INN_NO:
            console.say(console_texts.INN_REJECTED)
            break
    return console.engine.prefill(progress, values)
