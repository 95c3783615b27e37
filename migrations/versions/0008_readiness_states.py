"""readiness: per person and profile, the stretches of dates over which readiness stays the same

Revision ID: 0008_readiness_states
Revises: 0007_assignment_withdrawal
Create Date: 2026-11-27 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_readiness_states'
down_revision = '0007_assignment_withdrawal'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('readiness_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('profile_code', sa.String(length=40), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.Column('ready', sa.Boolean(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('gaps', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_readiness_states_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_readiness_states'))
    )
    with op.batch_alter_table('readiness_states', schema=None) as batch_op:
        batch_op.create_index('ix_readiness_states_lookup', ['profile_code', 'person_id', 'end_on'], unique=False)
        batch_op.create_index('ix_readiness_states_ready', ['profile_code', 'ready', 'end_on'], unique=False)

    # Derived data: computed from the validity intervals and exercise credits already recorded, with the same
    # code that keeps it exact afterwards.
    from trainer.readiness import states
    states.rebuild_all(op.get_bind())


def downgrade():
    with op.batch_alter_table('readiness_states', schema=None) as batch_op:
        batch_op.drop_index('ix_readiness_states_ready')
        batch_op.drop_index('ix_readiness_states_lookup')
    op.drop_table('readiness_states')
