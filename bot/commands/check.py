"""`navigator check [PATHS]`: validate the catalogue and the questionnaire (exit 0 valid, 1 invalid).

Errors print as ``file:line:col: message (path: …; allowed: …)``; warnings (stale, unverified,
closed windows) print too but do not fail the check. A path named ``questionnaire*.yaml`` is
taken as the questionnaire; any other YAML as the catalogue.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from bot.data_files import default_paths
from rules.data import load_bundle
from rules.errors import DataError
from rules.freshness import DEFAULT_MAX_AGE_DAYS, freshness_warnings
from rules.reachability import unreachable_warnings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("check", help="проверить measures.yaml и анкету")
    parser.add_argument("paths", nargs="*", help="measures.yaml and/or questionnaire.yaml")
    parser.add_argument("--max-age-days", type=int, default=DEFAULT_MAX_AGE_DAYS,
                        help="warn when last_verified is older than this")
    parser.add_argument("--quiet-warnings", action="store_true", help="print only the warnings count")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    measures, questionnaire = default_paths()
    for raw in args.paths:
        path = Path(raw)
        if path.name.startswith("questionnaire"):
            questionnaire = path
        else:
            measures = path
    try:
        bundle = load_bundle(measures, questionnaire)
    except DataError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"\n{len(exc.problems)} error(s) — fix them and run the check again.", file=sys.stderr)
        return 1
    warnings = freshness_warnings(bundle.catalogue, dt.date.today(), args.max_age_days)
    warnings += unreachable_warnings(bundle)
    if not args.quiet_warnings:
        for warning in warnings:
            print(warning)
    catalogue, tree = bundle.catalogue, bundle.questionnaire
    print(f"OK: {len(catalogue.measures)} measures ({catalogue.path}), {len(tree.nodes)} questions "
          f"({tree.path}); {len(warnings)} warning(s).")
    return 0
