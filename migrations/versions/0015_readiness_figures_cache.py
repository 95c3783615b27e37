"""readiness: a cache of computed readiness figures shared by every app server, valid while a counter of the
changes that can move them stays where it was

Revision ID: 0015_readiness_figures_cache
Revises: 0014_api_tokens
Create Date: 2026-12-08 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015_readiness_figures_cache'
down_revision = '0014_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('readiness_figures_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_readiness_figures_version'))
    )
    op.execute("INSERT INTO readiness_figures_version (id, version) VALUES (1, 0)")
    op.create_table('readiness_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('figures', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_readiness_figures')),
    sa.UniqueConstraint('key', name=op.f('uq_readiness_figures_key'))
    )


def downgrade():
    op.drop_table('readiness_figures')
    op.drop_table('readiness_figures_version')
