"""exercises: a version on each MSEL inject, so that two controllers editing the same inject at once are told,
instead of the later save silently replacing the earlier one

Revision ID: 0019_inject_version
Revises: 0018_readiness_storage
Create Date: 2026-12-07 21:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019_inject_version'
down_revision = '0018_readiness_storage'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('msel_injects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('msel_injects', schema=None) as batch_op:
        batch_op.drop_column('version')
