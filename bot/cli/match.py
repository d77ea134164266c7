"""`navigator match --profile FILE [--json]`: verdicts with traces for a profile file.

The profile is YAML or JSON with vocabulary fields; it is validated like any data file
(unknown field or bad value → ``file:line:col`` message, exit 1).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from bot.cli.data_files import add_data_arguments, load_or_report
from bot.texts.cards import card_text, results_text
from bot.texts.console import no_such_measure
from rules.eligibility import explain, match, trace_json
from rules.errors import DataError
from rules.profile_file import load_profile


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("match", help="подобрать меры для профиля из файла")
    parser.add_argument("--profile", required=True, help="YAML/JSON profile file")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    add_data_arguments(parser)
    parser.add_argument("--all", action="store_true", help="text mode: list every measure, not 5 per group")
    parser.add_argument("--card", help="text mode: print the full card of this measure id")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    bundle = load_or_report(args.measures, args.questionnaire)
    if bundle is None:
        return 1
    catalogue = bundle.catalogue
    try:
        profile = load_profile(args.profile, catalogue)
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    today = dt.date.today()
    results = match(catalogue, profile, today)
    if args.json:
        payload: dict[str, Any] = {"results": []}
        for result in results:
            explanation = explain(catalogue, result.measure.id, profile, today)
            item = {
                "id": result.measure.id,
                "verdict": result.verdict.value,
                "trace": trace_json(explanation),
                "path": [step.measure.id for step in result.path],
                "already_used": result.already_used,
                "window": result.measure.window.effective_status(today),
            }
            payload["results"].append(item)
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(results_text(results, per_group=None if args.all else 5))
    if args.card:
        if args.card not in catalogue.by_id:
            print(no_such_measure(args.card), file=sys.stderr)
            return 1
        print()
        print(card_text(explain(catalogue, args.card, profile, today)))
    return 0
