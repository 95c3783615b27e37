"""auth: links between accounts and people at the OpenID Connect provider (single sign-on)

Revision ID: 0009_identity_links
Revises: 0008_readiness_states
Create Date: 2026-12-06 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_identity_links'
down_revision = '0008_readiness_states'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('identity_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=True),
    sa.Column('claim', sa.String(length=64), nullable=True),
    sa.Column('claim_value', sa.String(length=320), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('subject IS NOT NULL OR claim_value IS NOT NULL', name=op.f('ck_identity_links_subject_or_claim')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_identity_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_links')),
    sa.UniqueConstraint('issuer', 'claim', 'claim_value', name=op.f('uq_identity_links_issuer_claim_claim_value')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_identity_links_issuer_subject')),
    sa.UniqueConstraint('user_id', 'issuer', name=op.f('uq_identity_links_user_id_issuer'))
    )
    with op.batch_alter_table('identity_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_links_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('identity_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_links_user_id'))

    op.drop_table('identity_links')
