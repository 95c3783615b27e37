"""readiness: an index that holds, for each profile, the stretches by end date with what the dashboard's count of
gaps reads from them, so that the stretches covering a day are read from the index instead of the whole table

Revision ID: 0016_readiness_states_covering
Revises: 0015_readiness_figures_cache
Create Date: 2026-12-06 12:00:00

"""
from alembic import op


revision = '0016_readiness_states_covering'
down_revision = '0015_readiness_figures_cache'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('readiness_states', schema=None) as batch_op:
        batch_op.create_index('ix_readiness_states_covering',
                              ['profile_code', 'end_on', 'start_on', 'person_id', 'gaps'], unique=False)


def downgrade():
    with op.batch_alter_table('readiness_states', schema=None) as batch_op:
        batch_op.drop_index('ix_readiness_states_covering')
