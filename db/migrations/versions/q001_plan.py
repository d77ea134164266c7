"""«Мой план» (issue 17): measures a user put in the plan, their status and the deadline reminder.

Revision ID: q001_plan
Revises: h002_outbox_pace
Create Date: 2026-11-28 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "q001_plan"
down_revision: str | Sequence[str] | None = "h002_outbox_pace"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
Utc = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "plan_items",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("measure_id", sa.String(length=96), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("next_step", sa.Text(), nullable=False),
        sa.Column("documents", Json, nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("fingerprint", sa.String(length=16), nullable=False),
        sa.Column("reminded_for", sa.Date(), nullable=True),
        sa.Column("moved_to_used", sa.Boolean(), nullable=False),
        sa.Column("added_at", Utc, nullable=False),
        sa.Column("updated_at", Utc, nullable=False),
        sa.CheckConstraint("status IN ('collecting', 'applied', 'received', 'rejected')",
                           name=op.f("ck_plan_items_status")),
        sa.ForeignKeyConstraint(["user_id"], ["users.telegram_id"],
                                name=op.f("fk_plan_items_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_items")),
        sa.UniqueConstraint("user_id", "measure_id", name="uq_plan_items_user_measure"),
    )
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_items_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_items_user_id"))
    op.drop_table("plan_items")
