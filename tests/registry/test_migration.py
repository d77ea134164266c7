"""The Alembic revision of the registry branch creates exactly the tables the importer swaps."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from db.migrate import upgrade
from db.registry import models

TABLES = [models.RegistryCompany, models.RegistryIncome, models.RegistryHeadcount, models.RegistryImport]


def test_migration_matches_the_models(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    engine = sa.create_engine(f"sqlite:///{path}")
    inspector = sa.inspect(engine)
    for model in TABLES:
        table = model.__table__
        columns = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert list(columns) == [c.name for c in table.columns], table.name
        for column in table.columns:
            assert columns[column.name]["nullable"] == column.nullable, (table.name, column.name)
        assert inspector.get_pk_constraint(table.name)["constrained_columns"] == [
            c.name for c in table.primary_key.columns
        ]
    engine.dispose()
