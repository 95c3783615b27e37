"""curricula: a question's source reference may carry its pinpoints (sections, lessons) up to 300 characters

Revision ID: 0010_question_source_length
Revises: 0009_identity_links
Create Date: 2026-12-06 10:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_question_source_length'
down_revision = '0009_identity_links'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questions') as batch_op:
        batch_op.alter_column('source', existing_type=sa.String(length=80), type_=sa.String(length=300),
                              existing_nullable=False)


def downgrade():
    with op.batch_alter_table('questions') as batch_op:
        batch_op.alter_column('source', existing_type=sa.String(length=300), type_=sa.String(length=80),
                              existing_nullable=False)
