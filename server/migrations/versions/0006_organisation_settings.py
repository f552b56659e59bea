"""Organisation settings (key/value rows) and a stable random pseudonym for every user.

Existing users get distinct random pseudonyms here; new ones get theirs when they are inserted
(server/models/pseudonyms.py), so managers can be shown "Shopper 4821" instead of a name.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:01:43.654776

"""
import random

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _backfill_pseudonyms():
    """Distinct random numbers, from 1..9999 while they are plenty (as models.pseudonyms draws them)."""
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('pseudonym', sa.Integer))
    bind = op.get_bind()
    ids = [row.id for row in bind.execute(sa.select(users.c.id).order_by(users.c.id))]
    highest = 9_999 if len(ids) <= 5_000 else 999_999 if len(ids) <= 500_000 else 2**31 - 1
    numbers = random.SystemRandom().sample(range(1, highest + 1), len(ids))
    for user_id, number in zip(ids, numbers):
        bind.execute(users.update().where(users.c.id == user_id).values(pseudonym=number))


def upgrade():
    op.create_table('organisation_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_organisation_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_organisation_settings'))
    )
    # No batch table rebuild: on SQLite that drops and recreates `users`, which every other table references.
    # ADD COLUMN ... NOT NULL needs a default for the rows already there; the backfill replaces it at once.
    op.add_column('users', sa.Column('pseudonym', sa.Integer(), nullable=False, server_default='0'))
    _backfill_pseudonyms()
    op.create_index(op.f('ix_users_pseudonym'), 'users', ['pseudonym'], unique=True)
    if op.get_bind().dialect.name != 'sqlite':  # SQLite cannot drop a column default without a rebuild
        op.alter_column('users', 'pseudonym', server_default=None)


def downgrade():
    op.drop_index(op.f('ix_users_pseudonym'), table_name='users')
    op.drop_column('users', 'pseudonym')  # SQLite >= 3.35 drops a column in place
    op.drop_table('organisation_settings')
