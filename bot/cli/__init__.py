"""The `navigator` command line (DESIGN 5): one entry point, one module per sub-command.

Each module in ``bot.cli`` exposes ``register(subparsers)`` which adds its parser and
sets ``handler=`` to a function taking the parsed namespace and returning an exit code.
The order of ``COMMANDS`` is the order of ``navigator --help``.

Russian words: what a command prints lives in ``bot.texts`` (``console`` for the offline
interview, ``ask`` and ``match``; ``registry``; ``operations`` for settings, webhook, reports and
generated files). argparse's ``help=``, ``metavar=``, ``description=`` and ``epilog=`` stay inline,
next to the option they document; ``tests/texts/test_copy_lives_in_texts.py`` allows exactly those.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from bot.texts.operations import bad_setting

COMMANDS: tuple[str, ...] = (
    "console",
    "check",
    "match",
    "run",
    "ask",
    "eval_search",
    "eval_verdicts",
    "schema",
    "migrate",
    "registry",
    "report",
    "export",
    "webhook",
    "places",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="navigator",
        description="Навигатор по мерам поддержки МСП Москвы",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"bot.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except ValidationError as exc:  # a bad setting in the environment or .env: say which, no traceback
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"]).upper()
            print(bad_setting(name, error.get("input"), error["msg"]), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
