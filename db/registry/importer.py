"""Bulk import of a ФНС release into a staging table, then an atomic swap (research §4.3).

Decisions:
- Full replace, never upsert into the live table: a company that left the registry must
  disappear. The new generation is built as ``<table>_new`` while the bot keeps reading the
  live table, and one short transaction renames it in (the previous one becomes ``_old``).
- The parser runs in a worker thread and hands over batches through a small bounded queue,
  so memory stays constant and parsing overlaps the database's own work.
- PostgreSQL: ``COPY`` into an UNLOGGED load table, then one ``DISTINCT ON (inn)`` pass builds
  ``_new`` with the newest ``ДатаСост`` per ИНН (ties: the later record) and its primary key.
  SQLite: batched ``INSERT … ON CONFLICT (inn) DO UPDATE`` with the same "newest wins" rule.
- A release that yields no record, or where more than ``max_failed_share`` of the members are
  broken, is refused: swapping it in would wipe good data with a damaged download.
- The slices of the annual sets follow the main registry: with a region, their rows are kept
  only for companies present in ``registry_company``.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, inspect
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.registry.models import RegistryCompany, RegistryHeadcount, RegistryImport, RegistryIncome
from rules.registry.open_data_xml import headcount_reader, income_reader
from rules.registry.release import parse_release_name
from rules.registry.sme_xml import sme_reader, unknown_form_versions
from rules.registry.stream import ReleaseReader, StreamStats

DEFAULT_BATCH = 5000
MAX_FAILED_SHARE = 0.10


class RegistryImportError(Exception):
    """The release cannot be swapped in; the live data is left untouched. Message in Russian."""


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    """How one open-data set maps onto its table."""

    dataset: str
    table: Table
    order_column: str  # the date that decides which duplicate wins
    date_columns: tuple[int, ...]  # positions of dates in a row (SQLite stores ISO text)
    joined_column: int | None  # position of a tuple stored comma-joined


DATASETS: dict[str, DatasetSpec] = {
    "rsmp": DatasetSpec("rsmp", RegistryCompany.__table__, "state_date", (10, 15), 16),  # type: ignore[arg-type]
    "revexp": DatasetSpec("revexp", RegistryIncome.__table__, "as_of", (3,), None),  # type: ignore[arg-type]
    "sshr2019": DatasetSpec("sshr2019", RegistryHeadcount.__table__, "as_of", (2,), None),  # type: ignore[arg-type]
}


@dataclass(frozen=True, slots=True)
class ImportReport:
    dataset: str
    release: str
    region: str | None
    stats: StreamStats
    rows: int
    duplicates: int
    sha256: str
    zip_bytes: int
    seconds: float
    unknown_versions: frozenset[str]


def make_reader(
    dataset: str, path: Path, region: str | None, on_progress: Callable[[StreamStats], None] | None
) -> ReleaseReader[Any]:
    if dataset == "rsmp":
        return sme_reader(path, region=region, on_progress=on_progress)
    if dataset == "revexp":
        return income_reader(path, on_progress=on_progress)
    if dataset == "sshr2019":
        return headcount_reader(path, on_progress=on_progress)
    raise ValueError(f"unknown dataset {dataset!r}")


async def import_release(
    engine: AsyncEngine,
    path: Path | str,
    dataset: str = "rsmp",
    *,
    region: str | None = None,
    batch_size: int = DEFAULT_BATCH,
    on_progress: Callable[[StreamStats], None] | None = None,
    max_failed_share: float = MAX_FAILED_SHARE,
) -> ImportReport:
    """Import one release ZIP and swap it in; raises ``RegistryImportError`` if it must not be."""
    path = Path(path)
    spec = DATASETS[dataset]
    started = time.monotonic()
    digest = asyncio.ensure_future(asyncio.to_thread(_sha256, path))
    reader = make_reader(dataset, path, region if dataset == "rsmp" else None, on_progress)
    writer: _Writer = (
        _PostgresWriter(spec) if engine.dialect.name == "postgresql" else _SqliteWriter(spec, engine.dialect)
    )
    try:
        async with engine.connect() as conn:
            await writer.prepare(conn)
            offered = await _pump(reader, conn, writer, batch_size)
            stats = reader.stats
            try:
                _refuse_if_damaged(stats, max_failed_share)
            except RegistryImportError:
                await writer.discard(conn)
                raise
            await writer.finish(conn, filter_by_registry=region is not None and dataset != "rsmp")
            rows = await writer.count(conn)
            sha256 = await digest
            duplicates = max(offered - rows - writer.filtered, 0)
            stats.docs_filtered_out += writer.filtered
            release = parse_release_name(path)
            record = {
                "dataset": dataset,
                "release": release.file_name,
                "structure": release.structure,
                "form_versions": ",".join(sorted(stats.form_versions)) or None,
                "region": region,
                "state_date": stats.state_date,
                "members": stats.members,
                "members_failed": stats.members_failed,
                "members_skipped": stats.members_skipped,
                "docs_seen": stats.docs_seen,
                "docs_malformed": stats.docs_malformed,
                "docs_filtered_out": stats.docs_filtered_out,
                "docs_kept": stats.docs_kept,
                "duplicates": duplicates,
                "rows": rows,
                "zip_bytes": path.stat().st_size,
                "sha256": sha256,
                "seconds": round(time.monotonic() - started, 3),
                "imported_at": datetime.now(UTC),
            }
            await writer.swap(conn, record)
    finally:
        if not digest.done():
            digest.cancel()
    return ImportReport(
        dataset=dataset,
        release=str(record["release"]),
        region=region,
        stats=stats,
        rows=rows,
        duplicates=duplicates,
        sha256=sha256,
        zip_bytes=path.stat().st_size,
        seconds=time.monotonic() - started,
        unknown_versions=frozenset(unknown_form_versions(stats.form_versions)),
    )


def _refuse_if_damaged(stats: StreamStats, max_failed_share: float) -> None:
    if stats.members == 0:
        raise RegistryImportError("В архиве нет XML-файлов: это не выгрузка ФНС. Данные не изменены.")
    if stats.members_failed > max_failed_share * stats.members:
        raise RegistryImportError(
            f"Повреждено {stats.members_failed} из {stats.members} файлов архива — похоже, архив скачан "
            "не полностью. Данные не изменены; скачайте выгрузку заново."
        )
    if stats.docs_kept == 0:
        raise RegistryImportError(
            f"В выгрузке не нашлось ни одной подходящей записи (прочитано {stats.docs_seen}, "
            f"с ошибками {stats.docs_malformed}). Данные не изменены."
        )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(4 * 1024 * 1024):
            h.update(chunk)
    return h.hexdigest()


async def _pump(reader: Iterable[Any], conn: AsyncConnection, writer: _Writer, batch_size: int) -> int:
    """Parse in this thread and write each batch while the next one is parsed; returns records written.

    A parser thread was tried and measured slower: the GIL hand-offs cost more than they gave.
    Here the driver sends batch *n* and the database works on it while batch *n+1* is parsed;
    at most two batches are in memory. The event loop is blocked while a batch is parsed,
    which is why the import is a command of its own and never runs inside the bot.
    """
    pending: asyncio.Future[None] | None = None
    written = 0
    batch: list[Any] = []
    try:
        for record in reader:
            batch.append(record)
            if len(batch) >= batch_size:
                if pending is not None:
                    await pending
                pending = asyncio.ensure_future(writer.write(conn, batch))
                await asyncio.sleep(0)  # let the driver start sending before we parse on
                written += len(batch)
                batch = []
        if pending is not None:
            await pending
            pending = None
        if batch:
            await writer.write(conn, batch)
            written += len(batch)
    finally:
        if pending is not None and not pending.done():
            pending.cancel()
    return written


class _Writer:
    """One database's way to stage, deduplicate and swap."""

    filtered = 0  # rows dropped by the registry filter of the annual sets

    def __init__(self, spec: DatasetSpec) -> None:
        self.spec = spec
        self.table = spec.table.name
        self.columns = [c.name for c in spec.table.columns]

    def _ddl_columns(self, dialect: Dialect, *, not_null: bool) -> str:
        return ", ".join(
            f"{c.name} {c.type.compile(dialect=dialect)}{' NOT NULL' if not_null and not c.nullable else ''}"
            for c in self.spec.table.columns
        )

    async def prepare(self, conn: AsyncConnection) -> None:
        raise NotImplementedError

    async def discard(self, conn: AsyncConnection) -> None:
        """Drop the staging tables of a refused release (the live table is untouched)."""
        await conn.rollback()
        async with conn.begin():
            for suffix in ("_new", "_load"):
                await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self.table}{suffix}")

    async def write(self, conn: AsyncConnection, batch: Sequence[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    async def finish(self, conn: AsyncConnection, *, filter_by_registry: bool) -> None:
        raise NotImplementedError

    async def count(self, conn: AsyncConnection) -> int:
        result = await conn.exec_driver_sql(f"SELECT count(*) FROM {self.table}_new")
        value = int(result.scalar_one())
        await conn.commit()  # close the implicit read transaction before the next explicit one
        return value

    async def swap(self, conn: AsyncConnection, record: dict[str, Any]) -> None:
        raise NotImplementedError

    async def _registry_has_rows(self, conn: AsyncConnection) -> bool:
        if not await self._has_table(conn, RegistryCompany.__tablename__):
            return False
        result = await conn.exec_driver_sql(f"SELECT 1 FROM {RegistryCompany.__tablename__} LIMIT 1")
        found = result.first() is not None
        await conn.commit()
        return found

    async def _has_table(self, conn: AsyncConnection, name: str) -> bool:
        def check(sync: Connection) -> bool:
            return inspect(sync).has_table(name)

        found = await conn.run_sync(check)
        await conn.commit()  # close the implicit read transaction before the next explicit one
        return found


def _joined(value: Sequence[str]) -> str | None:
    return ",".join(value) or None


class _SqliteWriter(_Writer):
    def __init__(self, spec: DatasetSpec, dialect: Dialect) -> None:
        super().__init__(spec)
        self.dialect = dialect
        new, order = f"{self.table}_new", spec.order_column
        updates = ", ".join(f"{c} = excluded.{c}" for c in self.columns if c != "inn")
        self.upsert = (
            f"INSERT INTO {new} ({', '.join(self.columns)}) VALUES ({', '.join('?' * len(self.columns))}) "
            f"ON CONFLICT (inn) DO UPDATE SET {updates} "
            f"WHERE coalesce(excluded.{order}, '') >= coalesce({new}.{order}, '')"
        )

    async def prepare(self, conn: AsyncConnection) -> None:
        async with conn.begin():
            await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self.table}_new")
            await conn.exec_driver_sql(
                f"CREATE TABLE {self.table}_new ({self._ddl_columns(self.dialect, not_null=True)}, "
                f"CONSTRAINT pk_{self.table} PRIMARY KEY (inn))"
            )

    def _row(self, record: tuple[Any, ...]) -> tuple[Any, ...]:
        row = list(record)
        for i in self.spec.date_columns:
            value = row[i]
            row[i] = value.isoformat() if isinstance(value, date) else None
        if self.spec.joined_column is not None:
            row[self.spec.joined_column] = _joined(row[self.spec.joined_column])
        return tuple(row)

    async def write(self, conn: AsyncConnection, batch: Sequence[tuple[Any, ...]]) -> None:
        rows = [self._row(r) for r in batch]
        async with conn.begin():
            await conn.exec_driver_sql(self.upsert, rows)

    async def finish(self, conn: AsyncConnection, *, filter_by_registry: bool) -> None:
        if filter_by_registry and await self._registry_has_rows(conn):
            async with conn.begin():
                result = await conn.exec_driver_sql(
                    f"DELETE FROM {self.table}_new WHERE inn NOT IN "
                    f"(SELECT inn FROM {RegistryCompany.__tablename__})"
                )
                self.filtered = max(result.rowcount or 0, 0)

    async def swap(self, conn: AsyncConnection, record: dict[str, Any]) -> None:
        live = await self._has_table(conn, self.table)
        async with conn.begin():
            await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self.table}_old")
            if live:
                await conn.exec_driver_sql(f"ALTER TABLE {self.table} RENAME TO {self.table}_old")
            await conn.exec_driver_sql(f"ALTER TABLE {self.table}_new RENAME TO {self.table}")
            await conn.execute(insert(RegistryImport).values(**record))


class _PostgresWriter(_Writer):
    async def prepare(self, conn: AsyncConnection) -> None:
        async with conn.begin():
            await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self.table}_load")
            await conn.exec_driver_sql(
                f"CREATE UNLOGGED TABLE {self.table}_load ({self._ddl_columns(conn.dialect, not_null=False)})"
            )
        raw = await conn.get_raw_connection()
        self.driver: Any = raw.driver_connection

    async def write(self, conn: AsyncConnection, batch: Sequence[tuple[Any, ...]]) -> None:
        j = self.spec.joined_column
        rows = batch if j is None else [(*r[:j], _joined(r[j]), *r[j + 1 :]) for r in batch]
        await self.driver.copy_records_to_table(f"{self.table}_load", records=rows, columns=self.columns)

    async def finish(self, conn: AsyncConnection, *, filter_by_registry: bool) -> None:
        t, cols, order = self.table, ", ".join(self.columns), self.spec.order_column
        keep = ""
        if filter_by_registry and await self._registry_has_rows(conn):
            keep = f"WHERE inn IN (SELECT inn FROM {RegistryCompany.__tablename__})"
        async with conn.begin():
            await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {t}_new")
            # ctid order is the COPY order in a freshly loaded table: on equal dates the later wins.
            await conn.exec_driver_sql(
                f"CREATE TABLE {t}_new AS SELECT DISTINCT ON (inn) {cols} FROM {t}_load {keep} "
                f"ORDER BY inn, {order} DESC NULLS LAST, ctid DESC"
            )
            if keep:
                loaded = await conn.exec_driver_sql(f"SELECT count(DISTINCT inn) FROM {t}_load")
                kept = await conn.exec_driver_sql(f"SELECT count(*) FROM {t}_new")
                self.filtered = int(loaded.scalar_one()) - int(kept.scalar_one())
            await conn.exec_driver_sql(f"ALTER TABLE {t}_new ADD CONSTRAINT pk_{t}_new PRIMARY KEY (inn)")
            for column in self.spec.table.columns:
                if not column.nullable and not column.primary_key:
                    await conn.exec_driver_sql(f"ALTER TABLE {t}_new ALTER COLUMN {column.name} SET NOT NULL")
            await conn.exec_driver_sql(f"DROP TABLE {t}_load")
            await conn.exec_driver_sql(f"ANALYZE {t}_new")  # before the swap, not under its lock

    async def swap(self, conn: AsyncConnection, record: dict[str, Any]) -> None:
        t = self.table
        live = await self._has_table(conn, t)
        async with conn.begin():
            await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {t}_old")
            if live:
                await conn.exec_driver_sql(f"ALTER TABLE {t} RENAME TO {t}_old")
                await conn.exec_driver_sql(f"ALTER TABLE {t}_old RENAME CONSTRAINT pk_{t} TO pk_{t}_old")
            await conn.exec_driver_sql(f"ALTER TABLE {t}_new RENAME TO {t}")
            await conn.exec_driver_sql(f"ALTER TABLE {t} RENAME CONSTRAINT pk_{t}_new TO pk_{t}")
            await conn.execute(insert(RegistryImport).values(**record))
