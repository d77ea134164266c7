"""``navigator registry import ZIP`` / ``navigator registry lookup ИНН``: the ФНС open data offline.

Import: the embedded default (SQLite) keeps the Moscow slice, PostgreSQL keeps the whole
country; ``--region``/``--all`` override. The data set is recognised by the file name
(``…-rsmp``/``data-…`` = SME registry, ``revexp`` = income, ``sshr`` = headcount) or given
with ``--dataset``. A progress bar goes to stderr when it is a terminal or with ``--progress``.

Lookup: checks the digits first, then says what the registry knows and as of which date,
or what "not found" can mean. Exit codes: 0 found, 1 not found or not loaded, 2 bad input.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import zipfile
import zlib
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from bot.texts import registry as texts
from bot.texts.inn import not_found_text
from bot.texts.registry import DATASET_LABELS
from rules.registry.stream import StreamStats


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("registry", help="реестр МСП ФНС: загрузка выгрузки и поиск по ИНН")
    sub = parser.add_subparsers(dest="registry_command", metavar="ДЕЙСТВИЕ")

    imp = sub.add_parser("import", help="загрузить ZIP-выгрузку ФНС (реестр МСП, revexp или sshr2019)")
    imp.add_argument("zip", type=Path, help="файл data-…-structure-….zip")
    scope = imp.add_mutually_exclusive_group()
    scope.add_argument("--region", help="оставить один регион (77 — Москва); по умолчанию для SQLite")
    scope.add_argument("--all", action="store_true", help="вся страна; по умолчанию для PostgreSQL")
    imp.add_argument("--dataset", choices=sorted(DATASET_LABELS), help="вместо определения по имени файла")
    imp.add_argument("--database-url", help="вместо DATABASE_URL из окружения")
    imp.add_argument(
        "--progress", action="store_true", help="показывать прогресс, даже если вывод не в терминал"
    )
    imp.add_argument("--batch", type=int, default=5000, help=argparse.SUPPRESS)
    imp.set_defaults(handler=handle_import)

    look = sub.add_parser("lookup", help="что знает реестр об ИНН")
    look.add_argument("inn", help="ИНН: 10 цифр у компании, 12 — у ИП")
    look.add_argument("--json", action="store_true", help="ответ в JSON для скриптов")
    look.add_argument("--database-url", help="вместо DATABASE_URL из окружения")
    look.set_defaults(handler=handle_lookup)
    parser.set_defaults(handler=lambda _args: parser.print_help() or 2)


def database_url(args: argparse.Namespace) -> str:
    return str(args.database_url or Settings().database_url)


def guess_dataset(path: Path) -> str:
    name = path.name.lower()
    if "revexp" in name:
        return "revexp"
    if "sshr" in name:
        return "sshr2019"
    return "rsmp"


# --- import ---------------------------------------------------------------------------------


class ProgressBar:
    """``[####……] 42 %  1 234 567 записей  18 200 зап/с  осталось 3:21`` on one redrawn line."""

    def __init__(self, stream: TextIO, *, interval: float = 0.25) -> None:
        self.stream = stream
        self.interval = interval
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, stats: StreamStats, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last < self.interval:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        share = stats.bytes_done / stats.bytes_total if stats.bytes_total else 0.0
        rate = stats.docs_seen / elapsed
        eta = elapsed * (1 - share) / share if share > 0 else 0.0
        bar = "#" * int(share * 30)
        line = texts.progress(bar, share, _n(stats.docs_seen), _n(round(rate)), _duration(eta))
        self.stream.write(line + ("\n" if final else ""))
        self.stream.flush()


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def handle_import(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from db.migrate import upgrade

    path: Path = args.zip
    if not path.is_file():
        print(texts.file_not_found(path), file=sys.stderr)
        return 2
    url = database_url(args)
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    region = None if args.all else (args.region or ("77" if is_sqlite else None))
    if region is not None and not (len(region) == 2 and region.isdigit()):
        print(texts.BAD_REGION, file=sys.stderr)
        return 2
    dataset = args.dataset or guess_dataset(path)
    try:
        upgrade(url)  # before the event loop (DESIGN 7); a no-op when up to date
    except Exception as exc:
        print(texts.database_failed(f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1
    show = args.progress or sys.stderr.isatty()
    bar = ProgressBar(sys.stderr) if show else None
    print(texts.loading(dataset, path.name, region), file=sys.stderr)
    try:
        report = asyncio.run(_import(url, path, dataset, region, args.batch, bar))
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # not a ZIP at all, or cut short
        print(texts.damaged_archive(path.name, f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1
    except Exception as exc:
        from db.registry.importer import RegistryImportError

        if isinstance(exc, RegistryImportError):
            print(str(exc), file=sys.stderr)
            return 1
        raise
    if bar is not None:
        bar(report.stats, final=True)
    _print_report(report)
    return 0


async def _import(url: str, path: Path, dataset: str, region: str | None, batch: int, bar: Any) -> Any:
    from db.engine import create_engine
    from db.registry.importer import import_release

    engine = create_engine(url)
    try:
        return await import_release(engine, path, dataset, region=region, batch_size=batch, on_progress=bar)
    finally:
        await engine.dispose()


def _print_report(report: Any) -> None:
    s: StreamStats = report.stats
    rate = s.docs_seen / report.seconds if report.seconds else 0
    lines = [
        texts.report_done(_duration(report.seconds), _n(report.rows), s.state_date),
        texts.report_read(_n(s.docs_seen), _n(round(rate)), s.members, _n(s.docs_filtered_out),
                          _n(s.docs_malformed), _n(report.duplicates)),
    ]
    if s.members_failed:
        lines.append(texts.members_failed(s.members_failed))
        lines.extend(f"  {failure}" for failure in s.failures[:5])
    if report.unknown_versions:
        lines.append(texts.unknown_versions(sorted(report.unknown_versions)))
    lines.append(f"SHA-256: {report.sha256}")
    print("\n".join(lines))


# --- lookup ---------------------------------------------------------------------------------


def handle_lookup(args: argparse.Namespace) -> int:
    from rules.identifiers import check_inn, reask_message

    check = check_inn(args.inn)
    if not check.valid:
        if args.json:
            _dump(
                {
                    "inn": check.value,
                    "valid": False,
                    "problem": check.problem,
                    "message": reask_message(check),
                }
            )
        else:
            print(reask_message(check), file=sys.stderr)
        return 2
    entry, state = asyncio.run(_lookup(database_url(args), check.value))
    if args.json:
        return _lookup_json(entry, state)
    print(_lookup_text(entry, state))
    return 0 if entry.company is not None else 1


async def _lookup(url: str, inn: str) -> tuple[Any, Any]:
    from db.engine import create_engine, create_sessionmaker
    from db.registry.lookup import latest_import, lookup_inn

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await lookup_inn(session, inn), await latest_import(session, "rsmp")
    finally:
        await engine.dispose()


def _lookup_text(entry: Any, state: Any) -> str:
    from rules.prefill import prefill_from_registry

    if state is None:
        return texts.NOT_LOADED
    company = entry.company
    if company is None:
        return not_found_text(entry.inn, state.state_date, state.region)
    prefill = prefill_from_registry(entry)
    kind = texts.SUBJECT_KINDS.get(company.subject_kind, texts.OTHER_SUBJECT_KIND)
    lines = [texts.lookup_header(company.state_date or state.state_date)]
    lines.append(f"  {company.short_name or company.name or texts.SOLE_PROPRIETOR_NAME}")
    lines.append(texts.inn_line(company.inn, company.ogrn, kind))
    lines.append(texts.category_line(company.sme_category))
    if company.okved_main:
        lines.append(texts.okved_line(company.okved_main, outdated=company.okved_version != "2014"))
    lines.append(texts.region_line(company.region_code, company.locality or ""))
    if "registered_in_moscow" in prefill.to_confirm:
        lines.append(texts.NOT_IN_MOSCOW)
    if "headcount" in prefill.values:
        lines.append(texts.headcount_line(prefill.values["headcount"], prefill.as_of.get("headcount")))
    else:
        lines.append(texts.NO_HEADCOUNT)
    if "income_mln" in prefill.values:
        lines.append(texts.income_line(prefill.values["income_mln"], prefill.as_of.get("income_mln")))
    flags = [label for flag, label in texts.FLAGS.items() if getattr(company, flag)]
    if flags:
        lines.append(texts.flags_line(flags))
    return "\n".join(lines)


def _lookup_json(entry: Any, state: Any) -> int:
    from rules.prefill import prefill_from_registry

    prefill = prefill_from_registry(entry)
    payload: dict[str, Any] = {
        "inn": entry.inn,
        "valid": True,
        "loaded": state is not None,
        "found": entry.company is not None,
        "state_date": state.state_date if state else None,
        "region_slice": state.region if state else None,
        "release": state.release if state else None,
        "company": entry.company._asdict() if entry.company else None,
        "income": entry.income._asdict() if entry.income else None,
        "headcount": entry.headcount._asdict() if entry.headcount else None,
        "prefill": {
            "values": prefill.values,
            "as_of": prefill.as_of,
            "to_confirm": sorted(prefill.to_confirm),
            "facts": prefill.facts,
        },
    }
    if entry.company is None:
        payload["message"] = (
            not_found_text(entry.inn, state.state_date, state.region) if state else texts.NOT_LOADED_SHORT
        )
    _dump(payload)
    return 0 if entry.company is not None else 1


def _dump(payload: dict[str, Any]) -> None:
    def default(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (set, frozenset, tuple)):
            return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        if hasattr(value, "__dataclass_fields__"):
            return asdict(value)
        return str(value)

    print(json.dumps(payload, ensure_ascii=False, indent=2, default=default))
