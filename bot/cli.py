"""The `navigator` command line (DESIGN 5): one entry point, one module per sub-command.

Each module in ``bot.commands`` exposes ``register(subparsers)`` which adds its parser and
sets ``handler=`` to a function taking the parsed namespace and returning an exit code.
The order of ``COMMANDS`` is the order of ``navigator --help``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pydantic import ValidationError

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
        try:
            module = importlib.import_module(f"bot.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bot.commands.{name}":
                continue  # a command whose module is not written yet
            raise
        module.register(sub)
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
            print(f"Неверная настройка {name}={error.get('input')!r}: {error['msg']}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
