"""Staff workflow: accepted catalogue versions and the alerts sent about measures.

Revision ID: s001_staff
Revises: 0001_bot_core (its own branch, ``staff``: independent of the handoff tables)
Create Date: 2026-11-27 10:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s001_staff"
down_revision: str | Sequence[str] | None = "0001_bot_core"
branch_labels: str | Sequence[str] | None = ("staff",)
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "catalogue_versions",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("bundle_version", sa.String(length=64), nullable=False),
        sa.Column("catalogue_version", sa.String(length=32), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=32), nullable=False),
        sa.Column("measure_count", sa.Integer(), nullable=False),
        sa.Column("accepted_at", Utc, nullable=False),
        sa.Column("accepted_by", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("alerts_queued", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_versions")),
    )
    with op.batch_alter_table("catalogue_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalogue_versions_bundle_version"), ["bundle_version"], unique=False)

    op.create_table(
        "measure_alerts",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("measure_id", sa.String(length=96), nullable=False),
        sa.Column("alert_key", sa.String(length=64), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("version_id", BigId, nullable=True),
        sa.Column("created_at", Utc, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.telegram_id"],
                                name=op.f("fk_measure_alerts_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["catalogue_versions.id"],
                                name=op.f("fk_measure_alerts_version_id_catalogue_versions"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_alerts")),
        sa.UniqueConstraint("user_id", "measure_id", "alert_key", name="uq_measure_alerts_once"),
    )
    with op.batch_alter_table("measure_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measure_alerts_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_measure_alerts_version_id"), ["version_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("measure_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_alerts_version_id"))
        batch_op.drop_index(batch_op.f("ix_measure_alerts_user_id"))
    op.drop_table("measure_alerts")
    with op.batch_alter_table("catalogue_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalogue_versions_bundle_version"))
    op.drop_table("catalogue_versions")
