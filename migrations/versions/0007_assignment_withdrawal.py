"""learning: assignments can be withdrawn (kept, with who withdrew them, when and why)

Revision ID: 0007_assignment_withdrawal
Revises: 0006_certificates
Create Date: 2026-11-26 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_assignment_withdrawal'
down_revision = '0006_certificates'
branch_labels = None
depends_on = None

TABLES = ('module_assignments', 'profile_assignments')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_withdrawn_by_id_users'), 'users',
                                        ['withdrawn_by_id'], ['id'])


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_withdrawn_by_id_users'), type_='foreignkey')
            batch_op.drop_column('withdrawal_reason')
            batch_op.drop_column('withdrawn_by_id')
            batch_op.drop_column('withdrawn_at')
