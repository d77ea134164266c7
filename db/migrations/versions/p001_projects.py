"""Project registry and partner search: projects, versions, moderation log, cooperation requests,
blocks, customer-request alerts, standing staff topics (issue 16).

Revision ID: p001_projects
Revises: h002_outbox_pace (the head of the bot/handoff line: projects send through the outbox)
Create Date: 2026-12-03 06:08:15.896933
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'p001_projects'
down_revision: str | Sequence[str] | None = 'h002_outbox_pace'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('staff_topics',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('thread_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_staff_topics'))
    )
    op.create_table('project_blocks',
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('blocked_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.telegram_id'], name=op.f('fk_project_blocks_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('owner_id', 'blocked_id', name=op.f('pk_project_blocks'))
    )
    op.create_table('projects',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=True),
    sa.Column('owner_pseudonym', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('cluster', sa.String(length=32), nullable=False),
    sa.Column('sector', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('seeks', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('offers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('offer_text', sa.Text(), nullable=True),
    sa.Column('site', sa.String(length=200), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('archive_reason', sa.String(length=32), nullable=True),
    sa.Column('card_message_id', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'moderation', 'published', 'archived')", name=op.f('ck_projects_status')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.telegram_id'], name=op.f('fk_projects_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_projects_status_expires', ['status', 'expires_at'], unique=False)

    op.create_table('request_alerts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('request_id', sa.String(length=96), nullable=False),
    sa.Column('request_version', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.telegram_id'], name=op.f('fk_request_alerts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_alerts')),
    sa.UniqueConstraint('user_id', 'request_id', 'request_version', name='uq_request_alerts_once')
    )
    with op.batch_alter_table('request_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_alerts_user_id'), ['user_id'], unique=False)

    op.create_table('cooperation_requests',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('requester_id', sa.BigInteger(), nullable=True),
    sa.Column('requester_pseudonym', sa.String(length=32), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('requester_contact', sa.String(length=160), nullable=True),
    sa.Column('owner_contact', sa.String(length=160), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ticket_id', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'declined', 'mediated', 'closed')", name=op.f('ck_cooperation_requests_status')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_cooperation_requests_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requester_id'], ['users.telegram_id'], name=op.f('fk_cooperation_requests_requester_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperation_requests'))
    )
    with op.batch_alter_table('cooperation_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperation_requests_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_cooperation_requests_requester', ['requester_id', 'created_at'], unique=False)

    op.create_table('project_decisions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=True),
    sa.Column('actor_name', sa.String(length=128), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_decisions_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_decisions'))
    )
    with op.batch_alter_table('project_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_decisions_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_decisions_project_id'), ['project_id'], unique=False)

    op.create_table('project_versions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_versions_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_versions')),
    sa.UniqueConstraint('project_id', 'version', name='uq_project_versions_once')
    )
    with op.batch_alter_table('project_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_versions_project_id'), ['project_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('project_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_versions_project_id'))

    op.drop_table('project_versions')
    with op.batch_alter_table('project_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_decisions_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_decisions_at'))

    op.drop_table('project_decisions')
    with op.batch_alter_table('cooperation_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_cooperation_requests_requester')
        batch_op.drop_index(batch_op.f('ix_cooperation_requests_project_id'))

    op.drop_table('cooperation_requests')
    with op.batch_alter_table('request_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_alerts_user_id'))

    op.drop_table('request_alerts')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_status_expires')
        batch_op.drop_index(batch_op.f('ix_projects_owner_id'))

    op.drop_table('projects')
    op.drop_table('project_blocks')
    op.drop_table('staff_topics')
