"""Demo accounts are marked, so the admin sees a banner while accounts with a published password exist.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


# In place, never a batch rebuild: on SQLite that drops `users`, which the enforced foreign keys refuse.
def upgrade():
    op.add_column('users', sa.Column('demo', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column('users', 'demo')  # SQLite >= 3.35 drops a column in place
