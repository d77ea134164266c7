"""Re-matching saved profiles after a catalogue change: who should hear about which measure.

Decisions:
- Only what changed is evaluated: measures added, measures whose criteria, gateways or window
  changed, and the measures that require them (a gateway's new criteria change its dependants'
  verdicts). The rest of the catalogue cannot change anyone's verdict, so it is not touched —
  this is what makes re-matching 10 000 profiles cheap (see bench/rematch_bench.py).
- A user is told when a measure *became* better for them: a new measure that is eligible or
  possible, or a changed one whose verdict went up (ineligible → possible → eligible), or whose
  application window reopened while they qualify. A bigger amount alone is not news enough to
  message people who were already shown the measure.
- Never about a measure they already received, nor one whose window is closed or whose budget
  is exhausted: an alert must lead to something the entrepreneur can do.
- The alert key is the measure's fingerprint, so each version of a measure is announced at most
  once per user, however many times the same files are reloaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rules.catalogue import Catalogue, Measure
from rules.catalogue_diff import CatalogueDiff, fingerprint
from rules.eligibility import Evaluation, Verdict, holds, prepare

_RANK = {Verdict.INELIGIBLE: 0, Verdict.POSSIBLE: 1, Verdict.ELIGIBLE: 2}
_DEAD_WINDOWS = frozenset({"closed", "budget_exhausted"})


@dataclass(frozen=True, slots=True)
class Target:
    """A measure to re-match: ``before`` is its previous version, None if it is new."""

    measure: Measure
    before: Measure | None
    key: str


@dataclass(frozen=True, slots=True)
class AlertCandidate:
    user_id: int
    measure: Measure
    verdict: Verdict
    key: str  # the measure-version fingerprint (or ``deadline:<date>``): one alert per user per key
    new: bool  # a new measure (else a changed one)
    closes: dt.date | None = None  # set for a deadline reminder: the window's last day


def targets(before: Catalogue, after: Catalogue, diff: CatalogueDiff) -> tuple[Target, ...]:
    """Measures whose verdict or window may differ for someone: added, relevant changes, dependants."""
    changed = {c.id for c in diff.changed if c.match_relevant}
    added = {m.id for m in diff.added}
    seeds = changed | added
    dependants: dict[str, set[str]] = {}
    for measure in after.measures:
        for gateway in measure.requires:
            dependants.setdefault(gateway, set()).add(measure.id)
    selected = set(seeds)
    stack = list(seeds)
    while stack:
        for dependant in dependants.get(stack.pop(), ()):
            if dependant not in selected:
                selected.add(dependant)
                stack.append(dependant)
    return tuple(
        Target(m, before.by_id.get(m.id), fingerprint(m)) for m in after.measures if m.id in selected
    )


def _window_live(measure: Measure, today: dt.date) -> bool:
    return measure.window.effective_status(today) not in _DEAD_WINDOWS


def rematch_profile(
    user_id: int,
    profile: Mapping[str, Any],
    before: Catalogue,
    after: Catalogue,
    chosen: tuple[Target, ...],
    today: dt.date,
) -> list[AlertCandidate]:
    """The alerts one saved profile earns from one catalogue change."""
    prepared = prepare(profile)
    new_eval = Evaluation(after, prepared)
    old_eval: Evaluation | None = None
    used = prepared.get("used_measures", frozenset())
    out: list[AlertCandidate] = []
    for target in chosen:
        measure = target.measure
        if not _window_live(measure, today) or measure.id in used or holds(measure, prepared):
            continue
        verdict = new_eval.verdict(measure)[0]
        if verdict is Verdict.INELIGIBLE:
            continue
        if target.before is not None:
            old_eval = old_eval or Evaluation(before, prepared)
            old_verdict = old_eval.verdict(target.before)[0]
            improved = _RANK[verdict] > _RANK[old_verdict]
            reopened = not _window_live(target.before, today)
            if not (improved or reopened):
                continue
        out.append(AlertCandidate(user_id, measure, verdict, target.key, target.before is None))
    return out


def rematch(
    before: Catalogue,
    after: Catalogue,
    diff: CatalogueDiff,
    profiles: Iterable[tuple[int, Mapping[str, Any]]],
    today: dt.date | None = None,
) -> list[AlertCandidate]:
    """Alerts for every saved profile, evaluating only the measures the change touched."""
    today = today or dt.date.today()
    chosen = targets(before, after, diff)
    if not chosen:
        return []
    out: list[AlertCandidate] = []
    for user_id, profile in profiles:
        out.extend(rematch_profile(user_id, profile, before, after, chosen, today))
    return out


def deadline_reminders(
    catalogue: Catalogue,
    profiles: Iterable[tuple[int, Mapping[str, Any]]],
    today: dt.date,
    days: int,
) -> list[AlertCandidate]:
    """Eligible users of every open measure whose window closes within ``days`` (today included).

    Only «подходит» earns a reminder: a «возможно» needs a conversation, not a countdown. The key
    names the closing date, so a reminder is sent once per window, and again if a new round
    with a new date opens later.
    """
    closing = [m for m in catalogue.measures
               if m.window.until is not None and m.window.is_open(today)
               and 0 <= (m.window.until - today).days <= days]
    if not closing:
        return []
    out: list[AlertCandidate] = []
    for user_id, profile in profiles:
        prepared = prepare(profile)
        evaluation = Evaluation(catalogue, prepared)
        used = prepared.get("used_measures", frozenset())
        for measure in closing:
            if measure.id in used or holds(measure, prepared):
                continue
            if evaluation.verdict(measure)[0] is Verdict.ELIGIBLE:
                assert measure.window.until is not None
                out.append(AlertCandidate(user_id, measure, Verdict.ELIGIBLE,
                                          f"deadline:{measure.window.until.isoformat()}", False,
                                          measure.window.until))
    return out
