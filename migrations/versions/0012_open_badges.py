"""certificates: each certificate's entry in the Open Badges status lists, and the holders' choice of
showing their name in their Open Badges

Revision ID: 0012_open_badges
Revises: 0011_audit_anchor
Create Date: 2026-12-07 09:00:00

"""
import math
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0012_open_badges'
down_revision = '0011_audit_anchor'
branch_labels = None
depends_on = None

# Entries per status list (the herd-privacy minimum of Bitstring Status List v1.0); lists are kept at
# most half full, as trainer.certificates.services.status_list does for new certificates.
LIST_SIZE = 131072


def _draw_indexes(count):
    lists = max(1, math.ceil(2 * count / LIST_SIZE))
    return secrets.SystemRandom().sample(range(lists * LIST_SIZE), count)


def upgrade():
    # Added in place (no rebuild of the table: on SQLite a rebuild drops the table, which the status
    # events and replacements that refer to certificates forbid).
    with op.batch_alter_table('certificates', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('status_index', sa.Integer(), nullable=True))

    # Existing certificates get their entry now, at random positions like new ones.
    connection = op.get_bind()
    certificates = sa.table('certificates', sa.column('id', sa.Integer), sa.column('status_index', sa.Integer))
    ids = [row[0] for row in connection.execute(sa.select(certificates.c.id).order_by(certificates.c.id))]
    if ids:
        connection.execute(
            certificates.update().where(certificates.c.id == sa.bindparam('certificate_id'))
            .values(status_index=sa.bindparam('index')),
            [{'certificate_id': cid, 'index': index} for cid, index in zip(ids, _draw_indexes(len(ids)))])

    with op.batch_alter_table('certificates', schema=None, recreate='never') as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_status_index'), ['status_index'], unique=True)

    op.create_table('open_badge_choices',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('include_name', sa.Boolean(), nullable=False),
    sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_open_badge_choices_person_id_people')),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_open_badge_choices'))
    )


def downgrade():
    op.drop_table('open_badge_choices')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_status_index'))
        batch_op.drop_column('status_index')
