"""org: the order a person's names are written in (family name first for Chinese, Japanese, Korean, Hungarian...)

Revision ID: 0013_person_name_order
Revises: 0012_open_badges
Create Date: 2026-12-06 12:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013_person_name_order'
down_revision = '0012_open_badges'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people') as batch_op:
        batch_op.add_column(sa.Column('name_order', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('people') as batch_op:
        batch_op.drop_column('name_order')
