"""Background jobs (the queue carries their ids; these rows are the truth) and the periodic scheduler's slots.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_ACTIVE = "status IN ('queued', 'running')"


def upgrade():
    op.create_table('jobs',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('dedupe_key', sa.String(length=300), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='job_status', native_enum=False,
                                create_constraint=True, length=32), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('result_name', sa.String(length=300), nullable=True),
    sa.Column('result_filename', sa.String(length=160), nullable=True),
    sa.Column('result_mimetype', sa.String(length=100), nullable=True),
    sa.Column('result_size', sa.Integer(), nullable=True),
    sa.Column('result_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_jobs_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    op.create_index('uq_jobs_active_dedupe_key', 'jobs', ['dedupe_key'], unique=True,
                    sqlite_where=sa.text(_ACTIVE), postgresql_where=sa.text(_ACTIVE))
    op.create_index('ix_jobs_owner_created', 'jobs', ['owner_id', 'created_at'], unique=False)
    op.create_index('ix_jobs_status_heartbeat', 'jobs', ['status', 'heartbeat_at'], unique=False)
    op.create_table('periodic_runs',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('last_slot', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_periodic_runs'))
    )


def downgrade():
    op.drop_table('periodic_runs')
    op.drop_index('ix_jobs_status_heartbeat', table_name='jobs')
    op.drop_index('ix_jobs_owner_created', table_name='jobs')
    op.drop_index('uq_jobs_active_dedupe_key', table_name='jobs', sqlite_where=sa.text(_ACTIVE),
                  postgresql_where=sa.text(_ACTIVE))
    op.drop_table('jobs')
