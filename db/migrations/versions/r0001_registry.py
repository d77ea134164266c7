"""ФНС open-data tables: the SME registry, the annual income and headcount sets, import provenance.

Revision ID: r0001_registry
Revises: (root of the `registry` branch)
Create Date: 2026-11-27

The importer replaces ``registry_company``, ``registry_income`` and ``registry_headcount`` by
renaming freshly built ``*_new`` tables in; their columns must stay identical to
``db/registry/models.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "r0001_registry"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("registry",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registry_company",
        sa.Column("inn", sa.String(length=12), nullable=False),
        sa.Column("ogrn", sa.String(length=15), nullable=True),
        sa.Column("subject_kind", sa.SmallInteger(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("short_name", sa.Text(), nullable=True),
        sa.Column("sme_category", sa.SmallInteger(), nullable=True),
        sa.Column("okved_main", sa.String(length=16), nullable=True),
        sa.Column("okved_version", sa.String(length=8), nullable=True),
        sa.Column("region_code", sa.String(length=2), nullable=False),
        sa.Column("locality", sa.Text(), nullable=True),
        sa.Column("included_at", sa.Date(), nullable=True),
        sa.Column("is_new", sa.Boolean(), nullable=True),
        sa.Column("is_social", sa.Boolean(), nullable=True),
        sa.Column("has_innovative_product", sa.Boolean(), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("state_date", sa.Date(), nullable=True),
        sa.Column("okved_extra", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("inn", name=op.f("pk_registry_company")),
    )
    op.create_table(
        "registry_income",
        sa.Column("inn", sa.String(length=12), nullable=False),
        sa.Column("income", sa.Float(), nullable=True),
        sa.Column("expense", sa.Float(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("inn", name=op.f("pk_registry_income")),
    )
    op.create_table(
        "registry_headcount",
        sa.Column("inn", sa.String(length=12), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("inn", name=op.f("pk_registry_headcount")),
    )
    op.create_table(
        "registry_import",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("dataset", sa.String(length=16), nullable=False),
        sa.Column("release", sa.Text(), nullable=False),
        sa.Column("structure", sa.String(length=16), nullable=True),
        sa.Column("form_versions", sa.Text(), nullable=True),
        sa.Column("region", sa.String(length=2), nullable=True),
        sa.Column("state_date", sa.Date(), nullable=True),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("members_failed", sa.Integer(), nullable=False),
        sa.Column("members_skipped", sa.Integer(), nullable=False),
        sa.Column("docs_seen", sa.Integer(), nullable=False),
        sa.Column("docs_malformed", sa.Integer(), nullable=False),
        sa.Column("docs_filtered_out", sa.Integer(), nullable=False),
        sa.Column("docs_kept", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("zip_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_import")),
    )


def downgrade() -> None:
    for table in ("registry_import", "registry_headcount", "registry_income", "registry_company"):
        op.execute(f"DROP TABLE IF EXISTS {table}_new")
        op.execute(f"DROP TABLE IF EXISTS {table}_old")
        op.execute(f"DROP TABLE IF EXISTS {table}_load")
        op.drop_table(table)
