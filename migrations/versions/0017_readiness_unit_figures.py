"""readiness: each unit's own figures kept between views, with a counter per unit moved by the changes to its
people, so that the first view after a change recomputes the units it touched rather than the whole force

Revision ID: 0017_readiness_unit_figures
Revises: 0016_readiness_states_covering
Create Date: 2026-12-06 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017_readiness_unit_figures'
down_revision = '0016_readiness_states_covering'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('readiness_figures_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('epoch', sa.BigInteger(), server_default='0', nullable=False))
    op.create_table('readiness_unit_versions',
    sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_readiness_unit_versions'))
    )
    op.create_table('readiness_unit_figures',
    sa.Column('profile_code', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('epoch', sa.BigInteger(), nullable=False),
    sa.Column('stamp', sa.BigInteger(), nullable=False),
    sa.Column('figures', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('profile_code', 'unit_id', name=op.f('pk_readiness_unit_figures'))
    )


def downgrade():
    op.drop_table('readiness_unit_figures')
    op.drop_table('readiness_unit_versions')
    with op.batch_alter_table('readiness_figures_version', schema=None) as batch_op:
        batch_op.drop_column('epoch')
