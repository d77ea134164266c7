"""events.yaml and places.yaml for the bot: found next to measures.yaml, reloaded when changed.

Decisions:
- The files are read on first use and re-read when their modification time changes, so staff
  edits go live without a restart (the same promise as the catalogue's hot reload). A file
  that no longer validates is logged with every located problem and the last good version
  stays live; a missing file simply means "no events" / "no places".
- The clock is injectable (``events_clock`` in the dispatcher's data) so tests and the
  reminder arithmetic never depend on the day they run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from rules.errors import DataError
from rules.events import MOSCOW, Calendar, load_events
from rules.places import Directory, load_places

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]


def moscow_now() -> dt.datetime:
    return dt.datetime.now(MOSCOW)


@dataclass
class _Cached:
    stamp: tuple[float, float] | None = None
    calendar: Calendar | None = None
    directory: Directory | None = None


_cache: dict[Path, _Cached] = {}


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


def load(folder: Path, today: dt.date) -> tuple[Calendar | None, Directory | None]:
    """The calendar and the directory in ``folder``; cached until either file changes."""
    events_path, places_path = folder / "events.yaml", folder / "places.yaml"
    stamp = (_mtime(events_path), _mtime(places_path))
    cached = _cache.setdefault(folder, _Cached())
    if cached.stamp == stamp:
        return cached.calendar, cached.directory
    directory, calendar = cached.directory, cached.calendar
    if stamp[1] < 0:
        directory = None
    else:
        try:
            directory = load_places(places_path)
        except DataError as exc:
            log.error("places.yaml not reloaded, the last good version stays:\n%s", exc)
    if stamp[0] < 0:
        calendar = None
    else:
        try:
            calendar = load_events(events_path, today, directory.by_id if directory else None)
        except DataError as exc:
            log.error("events.yaml not reloaded, the last good version stays:\n%s", exc)
    cached.stamp, cached.calendar, cached.directory = stamp, calendar, directory
    return calendar, directory


def for_settings(settings: Settings, now: dt.datetime) -> tuple[Calendar | None, Directory | None]:
    return load(Path(settings.measures_path).resolve().parent, now.date())
