"""Corrective actions, their history and evidence photos; the branch contact who owns a branch's automatic actions.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = "0016"
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table('corrective_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Uuid(), nullable=True),
    sa.Column('question_key', sa.String(length=64), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('priority', _enum('action_priority', 'low', 'normal', 'high'), nullable=False),
    sa.Column('status', _enum('action_status', 'open', 'in_progress', 'done', 'verified', 'cancelled'),
              nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('source', _enum('action_source', 'manual', 'critical_failure', 'below_target'), nullable=False),
    sa.Column('finding_key', sa.String(length=200), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_corrective_actions_branch_id_branches')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_corrective_actions_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_corrective_actions_owner_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_corrective_actions_visit_id_visits'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_actions')),
    sa.UniqueConstraint('finding_key', name=op.f('uq_corrective_actions_finding_key'))
    )
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_actions_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_visit_id'), ['visit_id'], unique=False)
        batch_op.create_index('ix_corrective_actions_status_due', ['status', 'due_on'], unique=False)

    op.create_table('corrective_action_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('from_value', sa.String(length=200), nullable=False),
    sa.Column('to_value', sa.String(length=200), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['corrective_actions.id'],
                            name=op.f('fk_corrective_action_events_action_id_corrective_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_corrective_action_events_actor_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_action_events'))
    )
    with op.batch_alter_table('corrective_action_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_action_events_action_id'), ['action_id'], unique=False)

    op.create_table('corrective_action_evidence',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('caption', sa.String(length=200), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['corrective_actions.id'],
                            name=op.f('fk_corrective_action_evidence_action_id_corrective_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                            name=op.f('fk_corrective_action_evidence_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_action_evidence'))
    )
    with op.batch_alter_table('corrective_action_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_action_evidence_action_id'), ['action_id'], unique=False)

    op.create_table('branch_contacts',
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_branch_contacts_branch_id_branches'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_branch_contacts_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('branch_id', name=op.f('pk_branch_contacts'))
    )
    with op.batch_alter_table('branch_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_branch_contacts_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('branch_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_branch_contacts_user_id'))
    op.drop_table('branch_contacts')
    with op.batch_alter_table('corrective_action_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrective_action_evidence_action_id'))
    op.drop_table('corrective_action_evidence')
    with op.batch_alter_table('corrective_action_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrective_action_events_action_id'))
    op.drop_table('corrective_action_events')
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_corrective_actions_status_due')
        batch_op.drop_index(batch_op.f('ix_corrective_actions_visit_id'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_owner_id'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_branch_id'))
    op.drop_table('corrective_actions')
