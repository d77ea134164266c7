"""Warnings about data that is valid but may mislead: stale, unverified, closed (exit 0, shown).

They never block a reload: a measure checked 200 days ago is still better shown with its date
than hidden. ``navigator check`` prints them so staff see what needs a fresh look.
"""

from __future__ import annotations

import datetime as dt

from rules.catalogue import Catalogue
from rules.errors import Problem

DEFAULT_MAX_AGE_DAYS = 180
SOURCE_MAX_AGE_DAYS = 2 * 365  # a source older than two years likely describes last years' rules


def freshness_warnings(catalogue: Catalogue, today: dt.date,
                       max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> list[Problem]:
    out: list[Problem] = []

    def warn(line: int, measure_id: str, message: str, path: str, hint: str = "") -> None:
        out.append(Problem(catalogue.path, line, 1, f"{measure_id}: {message}", path, hint=hint, severity="warning"))

    for index, measure in enumerate(catalogue.measures):
        where = f"measures[{index}]"
        age = (today - measure.last_verified).days
        if age > max_age_days:
            warn(measure.line, measure.id, f"last verified {age} days ago", f"{where}.last_verified",
                 hint=f"re-check the source and update last_verified (limit {max_age_days} days)")
        if measure.last_verified > today:
            warn(measure.line, measure.id, "last_verified is in the future", f"{where}.last_verified")
        if measure.source_date is None:
            if measure.verified:
                warn(measure.line, measure.id, "verified but source_date is missing", f"{where}.source_date",
                     hint="add the own date (publication or revision) of the newest source read")
        elif (today - measure.source_date).days > SOURCE_MAX_AGE_DAYS:
            warn(measure.line, measure.id, f"newest source dates from {measure.source_date.isoformat()}, "
                 f"more than 2 years ago", f"{where}.source_date",
                 hint="find a current source (this year's rules or call) and update source_date")
        if not measure.verified:
            warn(measure.line, measure.id, f"unverified: {measure.provenance_note}", f"{where}.provenance")
        window = measure.window
        if window.status in ("open", "rolling") and window.until is not None and window.until < today:
            warn(measure.line, measure.id, f"window says {window.status} but closed on {window.until.isoformat()}",
                 f"{where}.window", hint="set the status to closed, or the next round's dates")
    return out
