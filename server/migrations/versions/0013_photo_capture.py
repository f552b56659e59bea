"""Each photo keeps when and where the phone took it (visit format 2): capture time, position and its accuracy.

Photos stored before this revision (and those of phones sending format 1) have none; pages and PDFs then show
nothing for them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 01:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("taken_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("latitude", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("accuracy_m", sa.Double(), nullable=True))


def downgrade():
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_column("accuracy_m")
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
        batch_op.drop_column("taken_at")
