"""Photos are decoded once: their pixels, downscaled renditions, why an upload was refused, when files were removed.

Photos stored before this revision have no rendition; pages and PDFs make one the first time
they need it (server.services.photos.renditions.ensure_renditions), or all at once with
`fieldaudit photos renditions`.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 08:59:51.314763

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('width', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('height', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('page_key', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('thumb_key', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('refused_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
        batch_op.drop_column('refused_reason')
        batch_op.drop_column('thumb_key')
        batch_op.drop_column('page_key')
        batch_op.drop_column('height')
        batch_op.drop_column('width')

