"""`navigator check [PATHS]`: validate the catalogue and the questionnaire (exit 0 valid, 1 invalid).

Errors print as ``file:line:col: message (path: …; allowed: …)``; warnings (stale, unverified,
closed windows, official lists no measure references, formal criteria written as text whose words
say they could be encoded) print too but do not fail the check; a summary line counts the criteria
encoded vs left as text, and ``--criteria`` prints that per measure and per kind. Official lists
(``rules/lists/*.yaml``) are always checked; a ``*.list.yaml`` path is checked as one more list. A path named ``questionnaire*.yaml`` is
taken as the questionnaire; any other YAML as the catalogue. ``events.yaml`` and ``places.yaml``
next to the catalogue (or named ``events*``/``places*``) are checked too; a past event is a warning.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from bot.cli.data_files import default_paths
from rules.criteria import encodable_warnings
from rules.criteria import report as criteria_report
from rules.criteria import summary as criteria_summary
from rules.data import load_bundle
from rules.errors import DataError
from rules.events import check_files as check_events_and_places
from rules.freshness import DEFAULT_MAX_AGE_DAYS, freshness_warnings
from rules.official_lists import list_warnings, load_lists
from rules.partner_requests import check_file as check_requests
from rules.reachability import unreachable_warnings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("check", help="проверить measures.yaml и анкету")
    parser.add_argument("paths", nargs="*", help="measures.yaml and/or questionnaire.yaml")
    parser.add_argument("--max-age-days", type=int, default=DEFAULT_MAX_AGE_DAYS,
                        help="warn when last_verified is older than this")
    parser.add_argument("--quiet-warnings", action="store_true", help="print only the warnings count")
    parser.add_argument("--criteria", action="store_true",
                        help="print, per measure and per kind, formal criteria encoded vs still text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    measures, questionnaire = default_paths()
    events: Path | None = None
    places: Path | None = None
    extra_lists: list[Path] = []  # official list files named on the command line (rules/lists is always read)
    requests: Path | None = None
    for raw in args.paths:
        path = Path(raw)
        if path.name.startswith("questionnaire"):
            questionnaire = path
        elif path.name.startswith("events"):
            events = path
        elif path.name.startswith("places"):
            places = path
        elif path.name.endswith(".list.yaml") or path.parent.name == "lists":
            extra_lists.append(path)
        elif path.name.startswith("requests"):
            requests = path
        else:
            measures = path
    # events.yaml and places.yaml are checked when they sit next to measures.yaml (or are named)
    extra, extra_summary = check_events_and_places(
        events or Path(measures).parent / "events.yaml", places or Path(measures).parent / "places.yaml",
        dt.date.today(),
    )
    # requests.yaml (large customers' requests) likewise
    more, more_summary = check_requests(requests or Path(measures).parent / "requests.yaml", dt.date.today())
    extra += more
    extra_summary = "; ".join(part for part in (extra_summary, more_summary) if part)
    extra_errors = [p for p in extra if p.severity == "error"]
    lists = None
    try:
        lists = load_lists(extra=extra_lists)
    except DataError as exc:
        extra_errors = [*exc.problems, *extra_errors]
    try:
        bundle = load_bundle(measures, questionnaire, lists)
    except DataError as exc:
        for problem in [*exc.problems, *extra_errors]:
            print(problem)
        print(f"\n{len(exc.problems) + len(extra_errors)} error(s) — fix them and run the check again.",
              file=sys.stderr)
        return 1
    if extra_errors:
        for problem in extra_errors:
            print(problem)
        print(f"\n{len(extra_errors)} error(s) — fix them and run the check again.", file=sys.stderr)
        return 1
    warnings = [*freshness_warnings(bundle.catalogue, dt.date.today(), args.max_age_days),
                *(p for p in extra if p.severity == "warning")]
    warnings += unreachable_warnings(bundle)
    warnings += list_warnings(bundle.catalogue.lists, bundle.catalogue.referenced_lists)
    warnings += encodable_warnings(bundle.catalogue)
    if not args.quiet_warnings:
        for warning in warnings:
            print(warning)
    catalogue, tree = bundle.catalogue, bundle.questionnaire
    if args.criteria:
        print("\n".join(criteria_report(catalogue)))
    print(criteria_summary(catalogue))
    print(f"OK: {len(catalogue.measures)} measures ({catalogue.path}), {len(tree.nodes)} questions "
          f"({tree.path}){'; ' + extra_summary if extra_summary else ''}; {len(warnings)} warning(s).")
    return 0
