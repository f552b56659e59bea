"""A visit's outcome: why the shopper could not complete it (null = completed) and their comment.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 01:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("outcome_comment", sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("outcome_comment")
        batch_op.drop_column("outcome_reason")
