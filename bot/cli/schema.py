"""`navigator schema [--out DIR] [--check]`: write the JSON Schemas editors use for our YAML files.

The schemas are generated from the very specs the loader validates with (``catalogue_spec``,
``questionnaire_spec``, ``ConditionSpec``), so an editor underlines exactly what
``navigator check`` would reject (minus cross-checks such as unknown gateway ids, which a
schema cannot express). The shipped YAML files point at the committed output through their
``# yaml-language-server: $schema=…`` modeline; a test keeps the committed files identical to
what this command generates.

The condition grammar is recursive, so it lives once in ``$defs.condition`` and every place a
condition may stand (``eligibility``, a branch's ``when``) refers to it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bot.texts.operations import SCHEMA_GENERATED, SCHEMA_TITLES
from rules.catalogue import catalogue_spec
from rules.condition_reader import ConditionSpec
from rules.events import events_file_spec
from rules.official_lists import list_spec
from rules.partner_requests import requests_file_spec
from rules.places import places_file_spec
from rules.questionnaire import questionnaire_spec

DEFAULT_OUT = Path(__file__).resolve().parent.parent.parent / "docs" / "schema"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
CONDITION_REF = {"$ref": "#/$defs/condition"}
FILES = {  # file name → (title, which spec)
    name: (SCHEMA_TITLES[name], which)
    for name, which in (("measures.schema.json", "measures"), ("questionnaire.schema.json", "questionnaire"),
                        ("events.schema.json", "events"), ("places.schema.json", "places"),
                        ("requests.schema.json", "requests"),
                        ("list.schema.json", "list"))
}
PLAIN_SPECS = {"events": events_file_spec, "places": places_file_spec, "requests": requests_file_spec,
               "list": list_spec}  # no conditions inside


def _replace_conditions(value: Any, condition: dict[str, Any]) -> Any:
    """Every inline copy of the condition schema becomes a reference to ``$defs.condition``."""
    if value == condition:
        return dict(CONDITION_REF)
    if isinstance(value, dict):
        return {key: _replace_conditions(item, condition) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_conditions(item, condition) for item in value]
    return value


def build_schema(which: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``measures``, ``questionnaire``, ``events`` or ``places``."""
    title = next(t for t, name in FILES.values() if name == which)
    if which in PLAIN_SPECS:
        return {"$schema": DIALECT, "title": title, "description": SCHEMA_GENERATED, **PLAIN_SPECS[which]().json()}
    spec = catalogue_spec() if which == "measures" else questionnaire_spec()
    condition = ConditionSpec().json()
    body = _replace_conditions(spec.json(), condition)
    return {
        "$schema": DIALECT,
        "title": title,
        "description": SCHEMA_GENERATED,
        **body,
        "$defs": {"condition": condition},
    }


def render(which: str) -> str:
    """The file text: stable key order, Russian left readable, trailing newline."""
    return json.dumps(build_schema(which), ensure_ascii=False, indent=2) + "\n"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("schema", help="записать JSON Schema для measures.yaml и анкеты")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"directory (default {DEFAULT_OUT})")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the files in --out differ from the generated ones")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    stale = []
    for filename, (_, which) in FILES.items():
        target = out / filename
        text = render(which)
        if args.check:
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current != text:
                stale.append(target)
            continue
        out.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    if stale:
        for target in stale:
            print(f"{target} is out of date; run `navigator schema`")
        return 1
    return 0
