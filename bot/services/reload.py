"""Hot reload of measures.yaml and the questionnaire: validated, atomic, last good version kept.

Decisions:
- One reference: ``DomainHolder.current`` is the live ``Domain``; a middleware copies it into
  each update's data once, so a handler sees one consistent catalogue + questionnaire for the
  whole update even if a reload lands in the middle. A reload builds a *new* ``Domain`` and
  swaps the reference (one assignment); updates in flight finish on the old one.
- Files are parsed in a worker thread, so the event loop keeps serving while a reload runs.
- Invalid files change nothing: the last good version stays live and the caller gets every
  problem with ``file:line:col``.
- Reloading the version already live is a no-op: nothing stored, nothing sent.
- An accepted version is written to ``catalogue_versions`` (hash, time, who, summary). Every
  instance polls the newest row and reloads its own files when a newer accepted hash appears;
  it swaps only if its files hash to exactly that version (a half-deployed instance keeps the
  old version and says so in the log rather than serving something nobody accepted).
- The instance that accepted the version runs the alert planner (``bot.services.alerts``); the unique
  alert key makes a second planner — another instance, a repeated reload — a no-op.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.domain import Domain
from db.repositories import OutboxRepository
from db.staff.models import CatalogueVersion
from db.staff.repository import CatalogueVersionRepository
from rules.catalogue import Catalogue, catalogue_version
from rules.catalogue_diff import CatalogueDiff, diff_catalogues
from rules.data import Bundle, load_bundle
from rules.errors import DataError, Problem
from rules.freshness import freshness_warnings
from rules.official_lists import lists_digest

log = logging.getLogger(__name__)
POLL_INTERVAL = 5.0  # seconds between checks of the newest accepted version
REMINDER_INTERVAL = 3600.0  # seconds between passes over closing application windows

# (session, live bundle before, accepted bundle, diff, version row id) → alerts queued
AlertPlanner = Callable[[AsyncSession, Bundle, Bundle, CatalogueDiff, int], Awaitable[int]]
# (session, live catalogue, days ahead) → reminders queued
ReminderPlanner = Callable[[AsyncSession, Catalogue, int], Awaitable[int]]


class DomainHolder:
    """The single live ``Domain``; replaced whole, never mutated."""

    def __init__(self, domain: Domain) -> None:
        self.current = domain

    def swap(self, bundle: Bundle) -> Domain:
        fresh = Domain(bundle)
        self.current = fresh
        return fresh


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    changed: bool
    version: str  # the live bundle version after the attempt
    previous: str
    by: str
    diff: CatalogueDiff | None = None
    problems: tuple[Problem, ...] = ()
    alerts: int = 0
    questionnaire_changed: bool = False
    warnings: int = 0  # stale, unverified, closed windows: shown, never blocking (``navigator check``)


def file_versions(measures_path: Path, questionnaire_path: Path) -> tuple[str, str] | None:
    """The versions ``load_bundle`` would give these files, from their bytes alone (cheap)."""
    try:
        measures = measures_path.read_text(encoding="utf-8")
        questionnaire = questionnaire_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    measures_version = hashlib.sha256(measures.encode("utf-8")).hexdigest()[:12]
    return (catalogue_version(measures_version, lists_digest()),  # official lists are part of it
            hashlib.sha256(questionnaire.encode("utf-8")).hexdigest()[:8])


def _load_and_prepare(measures_path: Path, questionnaire_path: Path,
                      on_loaded: Callable[[Bundle], object] | None) -> Bundle:
    """Load both files and prepare what depends on them (the search index), off the event loop."""
    bundle = load_bundle(measures_path, questionnaire_path)
    if on_loaded is not None:
        on_loaded(bundle)
    return bundle


class Reloader:
    """Reloads the data files for one instance; one reload at a time."""

    def __init__(
        self,
        holder: DomainHolder,
        sessions: async_sessionmaker[AsyncSession],
        measures_path: str | Path,
        questionnaire_path: str | Path,
        alerts: AlertPlanner | None = None,
        poll_interval: float = POLL_INTERVAL,
        admin_ids: frozenset[int] = frozenset(),
        reminder_days: int = 0,
        reminder_interval: float = REMINDER_INTERVAL,
        reminders: ReminderPlanner | None = None,
        report: Callable[[ReloadResult], list[str]] | None = None,  # the message's parts
        on_loaded: Callable[[Bundle], object] | None = None,
    ) -> None:
        self.holder = holder
        self.sessions = sessions
        self.measures_path = Path(measures_path)
        self.questionnaire_path = Path(questionnaire_path)
        self.alerts = alerts
        self.poll_interval = poll_interval
        self.admin_ids = admin_ids
        self.reminder_days = reminder_days
        self.reminder_interval = reminder_interval
        self.reminders = reminders
        self.report = report
        self.on_loaded = on_loaded
        self._lock = asyncio.Lock()
        self._seen_version_id: int | None = None

    @property
    def live(self) -> Bundle:
        return self.holder.current.bundle

    async def _load(self) -> Bundle:
        return await asyncio.to_thread(_load_and_prepare, self.measures_path, self.questionnaire_path, self.on_loaded)

    async def reload(self, by: str) -> ReloadResult:
        """Load both files; on success swap, store the accepted version, plan alerts."""
        async with self._lock:
            before = self.live
            try:
                bundle = await self._load()
            except DataError as exc:
                log.warning("reload by %s rejected: %s problem(s); %s stays live",
                            by, len(exc.problems), before.version)
                return ReloadResult(False, False, before.version, before.version, by, problems=tuple(exc.problems))
            async with self.sessions() as session:
                newest = await CatalogueVersionRepository(session).newest()
            if bundle.version == before.version and newest is not None and newest.bundle_version == bundle.version:
                return ReloadResult(True, False, before.version, before.version, by)
            # Otherwise the version is accepted (and stored), even when it is the one already live:
            # the first reload after a deploy records what every instance should serve.
            diff = diff_catalogues(before.catalogue, bundle.catalogue)
            self.holder.swap(bundle)
            log.info("reload by %s: %s → %s", by, before.version, bundle.version)
            alerts = 0
            async with self.sessions() as session:
                row = await CatalogueVersionRepository(session).record(
                    bundle.version, bundle.catalogue.version, bundle.questionnaire.version,
                    len(bundle.catalogue.measures), by, diff.summary(limit=20000),
                )
                await session.commit()
                version_id = row.id
            self._seen_version_id = version_id
            if self.alerts is not None and not diff.empty:
                async with self.sessions() as session:
                    try:
                        alerts = await self.alerts(session, before, bundle, diff, version_id)
                        await CatalogueVersionRepository(session).set_alerts_queued(version_id, alerts)
                        await session.commit()
                    except Exception:  # the new version is live either way; alerts can be re-planned
                        await session.rollback()
                        log.exception("alert planning after reload %s failed", bundle.version)
                        alerts = 0
            warnings = len(freshness_warnings(bundle.catalogue, dt.date.today()))
            return ReloadResult(
                True, bundle.version != before.version, bundle.version, before.version, by, diff=diff, alerts=alerts,
                warnings=warnings,
                questionnaire_changed=bundle.questionnaire.version != before.questionnaire.version,
            )

    async def poll_once(self) -> ReloadResult | None:
        """Follow the newest accepted version (another instance accepted it); None if nothing to do."""
        async with self.sessions() as session:
            newest: CatalogueVersion | None = await CatalogueVersionRepository(session).newest()
        if newest is None or newest.id == self._seen_version_id:
            return None
        if newest.bundle_version == self.live.version:
            self._seen_version_id = newest.id
            return None
        on_disk = await asyncio.to_thread(file_versions, self.measures_path, self.questionnaire_path)
        if on_disk != (newest.catalogue_version, newest.questionnaire_version):
            log.warning("version %s was accepted, but this instance's files are %s; keeping %s",
                        newest.bundle_version, on_disk, self.live.version)
            return None
        async with self._lock:
            before = self.live
            if before.version == newest.bundle_version:  # a reload here got there first
                self._seen_version_id = newest.id
                return None
            try:
                bundle = await self._load()
            except DataError as exc:  # pragma: no cover - the hashes matched an accepted version
                log.error("accepted version %s does not load here: %s", newest.bundle_version, exc.problems[:3])
                return None
            self.holder.swap(bundle)
            self._seen_version_id = newest.id
            log.info("followed accepted version %s (was %s)", bundle.version, before.version)
            return ReloadResult(True, True, bundle.version, before.version, f"poll:{newest.accepted_by}",
                                diff=diff_catalogues(before.catalogue, bundle.catalogue),
                                questionnaire_changed=bundle.questionnaire.version != before.questionnaire.version)

    async def poll_forever(self) -> None:
        while True:
            try:
                await self.poll_once()
            except Exception:
                log.exception("polling the accepted catalogue version failed")
            await asyncio.sleep(self.poll_interval)

    async def remind_once(self) -> int:
        """Queue deadline reminders for the live catalogue (once per user and window)."""
        if self.reminders is None:
            return 0
        async with self.sessions() as session:
            queued = await self.reminders(session, self.live.catalogue, self.reminder_days)
            await session.commit()
        if queued:
            log.info("queued %s deadline reminder(s)", queued)
        return queued

    async def remind_forever(self) -> None:
        while True:
            try:
                await self.remind_once()
            except Exception:
                log.exception("deadline reminders failed")
            await asyncio.sleep(self.reminder_interval)

    async def on_signal(self) -> ReloadResult:
        """SIGHUP: reload, log the outcome and tell the admins through the outbox."""
        result = await self.reload("SIGHUP")
        if result.ok:
            log.info("SIGHUP reload: %s", "no change" if not result.changed else result.version)
        else:
            for problem in result.problems:
                log.error("SIGHUP reload rejected: %s", problem)
        if self.admin_ids and self.report is not None and (result.changed or not result.ok):
            parts = self.report(result)  # each within Telegram's limit, tags balanced
            async with self.sessions() as session:
                outbox = OutboxRepository(session)
                for admin_id in sorted(self.admin_ids):
                    for part in parts:
                        await outbox.enqueue(admin_id, "sendMessage",
                                             {"chat_id": admin_id, "text": part, "parse_mode": "HTML"},
                                             kind="staff")
                await session.commit()
        return result

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """While the bot runs: SIGHUP reloads, and the accepted version is polled."""
        loop = asyncio.get_running_loop()
        tasks: set[asyncio.Task[ReloadResult]] = set()

        def on_hup() -> None:
            task = loop.create_task(self.on_signal())
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        installed = False
        with contextlib.suppress(NotImplementedError, RuntimeError, AttributeError):
            loop.add_signal_handler(signal.SIGHUP, on_hup)
            installed = True
        background = [loop.create_task(self.poll_forever())]
        if self.reminder_days > 0:
            background.append(loop.create_task(self.remind_forever()))
        try:
            yield
        finally:
            for task in background:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if installed:
                loop.remove_signal_handler(signal.SIGHUP)
            if tasks:  # a SIGHUP reload in progress finishes (and tells the admins) before shutdown
                await asyncio.gather(*tasks, return_exceptions=True)
