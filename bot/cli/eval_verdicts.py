"""`navigator eval-verdicts`: precision and recall of «Подходит» against consultant expectations.

The expectations (``tests/consultant/*.yaml``) were written from each programme's own rules; the
logic lives in ``rules.verdict_eval``. Exits 1 when a target is missed (precision ≥ 0.95, recall
≥ 0.98, no wrong «Не подходит»), 2 when the data or the expectations do not load.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.cli.data_files import add_data_arguments, load_or_report
from rules.errors import DataError
from rules.verdict_eval import evaluate_directory, format_report, report_json

CASES_DIR = Path(__file__).resolve().parents[2] / "tests" / "consultant"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("eval-verdicts", help="сверить вердикты с ожиданиями консультанта")
    parser.add_argument("--cases", default=str(CASES_DIR), help="directory of consultant expectation files")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    add_data_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    bundle = load_or_report(args.measures, args.questionnaire)
    if bundle is None:
        return 2
    try:
        report = evaluate_directory(args.cases, bundle.catalogue)
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    if args.json:
        json.dump(report_json(report), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(format_report(report))
    return 1 if report.missed_targets else 0
