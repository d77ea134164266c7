"""`navigator places import FILE --dataset ID`: data.mos.ru rows → candidate places for review.

Reads the JSON that ``apidata.mos.ru/v1/datasets/{id}/rows`` returns (saved to a file; this
command never goes online), writes a ``places:`` YAML of unverified candidates and validates
it with the same loader as places.yaml, so what staff paste in already passes ``navigator check``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import yaml

from rules.errors import DataError
from rules.places import PLACE_TYPES, SERVICES, load_places
from rules.places_import import rows_to_places


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("places", help="площадки: импорт кандидатов из открытых данных Москвы")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser("import", help="data.mos.ru rows (JSON) → candidate places YAML")
    imp.add_argument("file", type=Path, help="JSON saved from apidata.mos.ru/v1/datasets/{id}/rows")
    imp.add_argument("--dataset", type=int, required=True, help="data.mos.ru dataset id (kept in every record)")
    imp.add_argument("--type", dest="place_type", choices=sorted(PLACE_TYPES), default="support_centre")
    imp.add_argument("--services", default="consulting",
                     help=f"comma-separated, of: {', '.join(SERVICES)}")
    imp.add_argument("--out", type=Path, default=Path("places.candidates.yaml"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    services = [s.strip() for s in args.services.split(",") if s.strip()]
    unknown = [s for s in services if s not in SERVICES]
    if unknown or not services:
        print(f"unknown services: {', '.join(unknown) or '(none given)'}; allowed: {', '.join(SERVICES)}",
              file=sys.stderr)
        return 2
    try:
        rows = json.loads(args.file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        print(f"{args.file}: cannot read rows: {exc}", file=sys.stderr)
        return 1
    if not isinstance(rows, list):
        print(f"{args.file}: expected a JSON list of rows", file=sys.stderr)
        return 1
    result = rows_to_places(rows, args.dataset, args.place_type, services, dt.date.today())
    for reason in result.skipped:
        print(f"{args.file}: skipped {reason}", file=sys.stderr)
    if not result.places:
        print("no rows could be imported", file=sys.stderr)
        return 1
    header = (f"# Candidates from data.mos.ru dataset {args.dataset} ({args.file.name}); review each record,\n"
              "# then move it into places.yaml. Every record is unverified until checked.\n")
    text = header + yaml.safe_dump({"places": result.places}, allow_unicode=True, sort_keys=False, width=100)
    args.out.write_text(text, encoding="utf-8")
    try:
        load_places(args.out)
    except DataError as exc:  # pragma: no cover - would mean the mapping is wrong
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    print(f"wrote {len(result.places)} candidate place(s) to {args.out}; skipped {len(result.skipped)} row(s)")
    return 0
