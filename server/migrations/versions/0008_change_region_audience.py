"""Change log region audience: every change row is addressed when written (a user, a region, or a published version for all).

Rows written before this revision are addressed here from the things they name: visit and
assignment rows to the thing's shopper, branch rows to the branch's region, region rows to the
region. Rows naming something that no longer exists stay unaddressed and reach nobody.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _uuid_matches(table: str) -> str:
    """SQL that compares changes.entity_id (a UUID with dashes) with `table`.id on this database."""
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST({table}.id AS VARCHAR) = changes.entity_id"
    return f"{table}.id = replace(changes.entity_id, '-', '')"  # SQLite stores UUIDs as 32 hex digits


def _address_existing_rows() -> None:
    for entity, table in (("visit", "visits"), ("assignment", "assignments")):
        op.execute(f"""UPDATE changes SET audience_user_id = (
            SELECT {table}.shopper_id FROM {table} WHERE {_uuid_matches(table)})
            WHERE entity = '{entity}' AND audience_user_id IS NULL""")
    op.execute("""UPDATE changes SET audience_region_id = (
        SELECT branches.region_id FROM branches WHERE CAST(branches.id AS VARCHAR) = changes.entity_id)
        WHERE entity = 'branch' AND audience_user_id IS NULL""")
    op.execute("""UPDATE changes SET audience_region_id = (
        SELECT regions.id FROM regions WHERE CAST(regions.id AS VARCHAR) = changes.entity_id)
        WHERE entity = 'region' AND audience_user_id IS NULL""")


def upgrade():
    with op.batch_alter_table('changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience_region_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_changes_audience_region_id'), ['audience_region_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_changes_audience_region_id_regions'), 'regions',
                                    ['audience_region_id'], ['id'], ondelete='CASCADE')
    _address_existing_rows()


def downgrade():
    with op.batch_alter_table('changes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_changes_audience_region_id_regions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_changes_audience_region_id'))
        batch_op.drop_column('audience_region_id')
