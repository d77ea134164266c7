"""«Мой план» (issue 17): measures the user keeps, with the next step, documents and deadline.

Decisions:
- An item keeps a snapshot of what the user saw (title, next step, documents, deadline) and the
  measure's fingerprint. After a catalogue reload the plan says what changed, item by item; a
  button pressed on an older plan message (its fingerprint differs) still does what it says —
  the status is the user's own fact — and the answer lists what changed. A measure removed from
  the catalogue stays in the plan, marked, until the user removes it.
- An item whose measure no longer fits the current answers is flagged with the deciding
  condition, never dropped: the user may have applied already.
- «получил» adds the measure to the profile's ``used_measures`` (so results mark it «уже
  получали»); moving away from «получил» takes it out again if the plan put it there.
- Deadline reminders: one per item and deadline (``reminded_for``, plus the outbox dedupe key),
  queued through the outbox in the same transaction; the words are the Telegram wing's
  (``PlanReminderPayload``). Only items still «собираю документы» are reminded.
Nothing here imports aiogram.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.journey import Journey
from bot.services.outbox import enqueue
from db.models import PLAN_STATUSES, PlanItem
from db.repositories.plan_items import PLAN_LIMIT, PlanRepository
from rules.catalogue import Catalogue, Measure
from rules.eligibility import Explanation, Verdict, explain, verdicts
from rules.engine import Progress

PLAN_REMINDER_KIND = "plan_reminder"
REMIND_STATUSES = ("collecting",)


def fingerprint(measure: Measure) -> str:
    """What a plan item depends on: title, next step, documents, window and where to apply."""
    window = measure.window
    data = [measure.title, measure.how_to_apply, list(measure.documents), window.status,
            window.until.isoformat() if window.until else None, measure.apply_via]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between what the user saw and the catalogue now."""

    what: str  # title | next_step | documents | deadline | other
    before: str = ""
    after: str = ""
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanView:
    item_id: int
    measure_id: str
    status: str
    title: str
    measure: Measure | None  # None: the measure is no longer in the catalogue
    next_step: str
    documents: tuple[str, ...]
    deadline: dt.date | None
    fingerprint: str  # the measure's now (buttons carry it), or the stored one for a removed measure
    changes: tuple[Change, ...] = ()
    verdict: Verdict | None = None
    explanation: Explanation | None = None  # for a measure that no longer fits


@dataclass(frozen=True, slots=True)
class AddResult:
    added: bool  # False: it was already in the plan, or the plan is full
    full: bool
    measure: Measure


@dataclass(frozen=True, slots=True)
class StatusResult:
    outcome: str  # ok | gone (no such item) | removed (measure left the catalogue) | unknown_status
    view: PlanView | None = None
    changes: tuple[Change, ...] = ()  # what changed since the button was drawn


@dataclass(frozen=True, slots=True)
class PlanReminder:
    user_id: int
    measure: Measure
    deadline: dt.date
    documents: tuple[str, ...]
    next_step: str


PlanReminderPayload = Callable[[PlanReminder], dict[str, Any]]
"""The port the Telegram wing implements: Bot API ``sendMessage`` parameters for one reminder."""


def _date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def changes_between(item: PlanItem, measure: Measure) -> tuple[Change, ...]:
    out: list[Change] = []
    if item.title != measure.title[:200]:
        out.append(Change("title", item.title, measure.title))
    if item.next_step != measure.how_to_apply:
        out.append(Change("next_step", item.next_step, measure.how_to_apply))
    before, after = list(item.documents or []), list(measure.documents)
    if before != after:
        out.append(Change("documents", added=tuple(d for d in after if d not in before),
                          removed=tuple(d for d in before if d not in after)))
    if item.deadline != measure.window.until:
        out.append(Change("deadline", _date(item.deadline), _date(measure.window.until)))
    if not out and item.fingerprint != fingerprint(measure):
        out.append(Change("other"))
    return tuple(out)


def _snapshot(item: PlanItem, measure: Measure) -> None:
    item.title = measure.title[:200]
    item.next_step = measure.how_to_apply
    item.documents = list(measure.documents)
    item.deadline = measure.window.until
    item.fingerprint = fingerprint(measure)


class Plan:
    """One user's plan during one update (over the journey's session and live domain)."""

    def __init__(self, journey: Journey) -> None:
        self.journey = journey
        self.session = journey.session
        self.user_id = journey.user_id
        self.repo = PlanRepository(journey.session)

    @property
    def catalogue(self) -> Catalogue:
        return self.journey.domain.catalogue

    async def contains(self, measure_id: str) -> bool:
        return any(item.measure_id == measure_id for item in await self.repo.items(self.user_id))

    async def add(self, measure: Measure) -> AddResult:
        items = await self.repo.items(self.user_id)
        if any(item.measure_id == measure.id for item in items):
            return AddResult(False, False, measure)
        if len(items) >= PLAN_LIMIT:
            return AddResult(False, True, measure)
        added = await self.repo.add(self.user_id, measure.id, title=measure.title, next_step=measure.how_to_apply,
                                    documents=measure.documents, deadline=measure.window.until,
                                    fingerprint=fingerprint(measure))
        return AddResult(added, False, measure)

    async def views(self, profile: dict[str, Any] | None = None) -> list[PlanView]:
        items = await self.repo.items(self.user_id)
        if not items:
            return []
        profile = profile if profile is not None else await self.journey.saved_profile()
        verdict_of = verdicts(self.catalogue, profile) if profile else {}
        return [self._view(item, verdict_of, profile) for item in items]

    def _view(self, item: PlanItem, verdict_of: dict[str, Verdict], profile: dict[str, Any]) -> PlanView:
        measure = self.catalogue.by_id.get(item.measure_id)
        if measure is None:
            return PlanView(item.id, item.measure_id, item.status, item.title, None, item.next_step,
                            tuple(item.documents or ()), item.deadline, item.fingerprint)
        verdict = verdict_of.get(measure.id)
        explanation = (explain(self.catalogue, measure.id, profile)
                       if verdict is Verdict.INELIGIBLE and item.status != "received" else None)
        return PlanView(item.id, measure.id, item.status, measure.title, measure, measure.how_to_apply,
                        measure.documents, measure.window.until, fingerprint(measure),
                        changes_between(item, measure), verdict, explanation)

    async def set_status(self, item_id: int, status: str, seen_fingerprint: str) -> StatusResult:
        if status not in PLAN_STATUSES:
            return StatusResult("unknown_status")
        item = await self.repo.get(self.user_id, item_id)
        if item is None:
            return StatusResult("gone")
        measure = self.catalogue.by_id.get(item.measure_id)
        if measure is None:
            return StatusResult("removed")
        changes = changes_between(item, measure) if seen_fingerprint != fingerprint(measure) else ()
        if status == "received" and item.status != "received":
            item.moved_to_used = await self._used(measure.id, add=True)
        elif status != "received" and item.status == "received" and item.moved_to_used:
            await self._used(measure.id, add=False)
            item.moved_to_used = False
        item.status = status
        _snapshot(item, measure)
        return StatusResult("ok", changes=changes)

    async def remove(self, item_id: int) -> bool:
        item = await self.repo.get(self.user_id, item_id)
        if item is None:
            return False
        if item.moved_to_used:
            await self._used(item.measure_id, add=False)
        await self.repo.delete(item)
        return True

    async def _used(self, measure_id: str, *, add: bool) -> bool:
        """Add or take the measure out of ``used_measures``; True if the profile changed."""
        progress = await self.journey.progress()
        used = set(progress.answers.get("used_measures") or ())
        if (measure_id in used) == add:
            return False
        used = used | {measure_id} if add else used - {measure_id}
        answers = {**progress.answers, "used_measures": frozenset(used)}
        await self.journey.save_progress(Progress(answers, list(progress.path), progress.version))
        return True


async def queue_plan_reminders(session: AsyncSession, catalogue: Catalogue, days: int, *,
                               payload: PlanReminderPayload, today: dt.date | None = None) -> int:
    """One reminder per plan item and deadline, ``days`` before the window closes."""
    today = today or dt.date.today()
    queued = 0
    for item in await PlanRepository(session).waiting_for_deadline(REMIND_STATUSES):
        measure = catalogue.by_id.get(item.measure_id)
        if measure is None or measure.window.until is None or not measure.window.is_open(today):
            continue
        deadline = measure.window.until
        if not today <= deadline <= today + dt.timedelta(days=days) or item.reminded_for == deadline:
            continue
        reminder = PlanReminder(item.user_id, measure, deadline, measure.documents, measure.how_to_apply)
        row = await enqueue(session, item.user_id, "sendMessage", payload(reminder), kind=PLAN_REMINDER_KIND,
                            dedupe_key=f"plan:{item.user_id}:{measure.id}:{deadline.isoformat()}"[:128])
        item.reminded_for = deadline
        queued += row is not None
    return queued


ReminderPlanner = Callable[[AsyncSession, Catalogue, int], Awaitable[int]]


def both_reminders(*planners: ReminderPlanner) -> ReminderPlanner:
    """The reloader's reminder pass: the catalogue's deadline alerts, then the plans' reminders."""

    async def run(session: AsyncSession, catalogue: Catalogue, days: int) -> int:
        total = 0
        for planner in planners:
            total += await planner(session, catalogue, days)
        return total

    return run


async def plan_lines(session: AsyncSession, user_id: int, catalogue: Catalogue) -> list[PlanView]:
    """The plan as the consultant's ticket card shows it (no verdicts: the card has its own)."""
    out = []
    for item in await PlanRepository(session).items(user_id):
        measure = catalogue.by_id.get(item.measure_id)
        out.append(PlanView(item.id, item.measure_id, item.status, measure.title if measure else item.title,
                            measure, item.next_step, tuple(item.documents or ()),
                            measure.window.until if measure else item.deadline, item.fingerprint))
    return out
