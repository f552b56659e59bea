"""Scoped roll-up cache and stored question roll-ups: a mark per region moved by every commit that changes its scores,
the per-day question roll-up (filled here from the stored answers), and a partial index on critical failures.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _fill_question_days() -> None:
    """The rows `fieldaudit scores rebuild` would store (services/scores/question_days.py `computed`)."""
    day = "date(v.finished_at)"  # a DATE on PostgreSQL, an ISO date string on SQLite (what Date stores there)
    op.execute(f"""INSERT INTO question_days (region_id, day, template_version_id, question_key, answered, earned, possible)
        SELECT b.region_id, {day}, v.template_version_id, a.question_key, COUNT(*), SUM(a.earned), SUM(a.possible)
        FROM answers a JOIN visits v ON v.id = a.visit_id JOIN branches b ON b.id = v.branch_id
        WHERE v.status = 'approved' AND a.possible > 0 AND a.earned IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.visit_id = v.id AND p.completed_at IS NULL)
        GROUP BY b.region_id, {day}, v.template_version_id, a.question_key""")


def upgrade():
    op.add_column('regions', sa.Column('rollup_mark', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                       server_default='0', nullable=False))
    op.create_table('question_days',
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('template_version_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=64), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('earned', sa.Double(), nullable=False),
    sa.Column('possible', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_question_days_region_id_regions'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_version_id'], ['template_versions.id'],
                            name=op.f('fk_question_days_template_version_id_template_versions')),
    sa.PrimaryKeyConstraint('region_id', 'day', 'template_version_id', 'question_key', name=op.f('pk_question_days'))
    )
    op.create_index('ix_answers_critical_failure', 'answers', ['visit_id'], unique=False,
                    postgresql_where=sa.text('critical_failure IS true'), sqlite_where=sa.text('critical_failure IS 1'))
    _fill_question_days()


def downgrade():
    op.drop_index('ix_answers_critical_failure', table_name='answers',
                  postgresql_where=sa.text('critical_failure IS true'), sqlite_where=sa.text('critical_failure IS 1'))
    op.drop_table('question_days')
    op.drop_column('regions', 'rollup_mark')  # SQLite >= 3.35 drops a column in place (no table rebuild)
