"""readiness: validity intervals, exercise credits, waivers, deployments, assessed levels

Revision ID: 0005_readiness
Revises: 0004_assessments
Create Date: 2026-11-25 02:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005_readiness'
down_revision = '0004_assessments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('readiness_intervals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('requirement', sa.String(length=40), nullable=False),
    sa.Column('basis', sa.String(length=16), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.Column('cut', sa.String(length=16), nullable=True),
    sa.Column('module_version', sa.String(length=16), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_readiness_intervals_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_readiness_intervals'))
    )
    with op.batch_alter_table('readiness_intervals', schema=None) as batch_op:
        batch_op.create_index('ix_readiness_intervals_person_req', ['person_id', 'requirement', 'start_on'], unique=False)
        batch_op.create_index('ix_readiness_intervals_req_dates', ['requirement', 'start_on', 'end_on'], unique=False)

    op.create_table('exercise_credits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.Column('exercise_code', sa.String(length=40), nullable=False),
    sa.Column('exercise_title', sa.String(length=300), nullable=False),
    sa.Column('exercise_type', sa.String(length=20), nullable=False),
    sa.Column('rating', sa.String(length=1), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=False),
    sa.Column('adjudication_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_exercise_credits_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_credits')),
    sa.UniqueConstraint('person_id', 'exercise_id', 'objective_id', name=op.f('uq_exercise_credits_person_id_exercise_id_objective_id'))
    )
    with op.batch_alter_table('exercise_credits', schema=None) as batch_op:
        batch_op.create_index('ix_exercise_credits_person_ended', ['person_id', 'ended_on'], unique=False)

    op.create_table('waivers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('requirement', sa.String(length=40), nullable=False),
    sa.Column('authority', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_waivers_granted_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_waivers_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_waivers_revoked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waivers'))
    )
    with op.batch_alter_table('waivers', schema=None) as batch_op:
        batch_op.create_index('ix_waivers_person_req', ['person_id', 'requirement'], unique=False)

    op.create_table('deployments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission', sa.String(length=200), nullable=False),
    sa.Column('nation_code', sa.String(length=3), nullable=False),
    sa.Column('profile_code', sa.String(length=80), nullable=False),
    sa.Column('departure_on', sa.Date(), nullable=False),
    sa.Column('return_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_deployments_created_by_id_users')),
    sa.ForeignKeyConstraint(['nation_code'], ['nations.code'], name=op.f('fk_deployments_nation_code_nations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deployments'))
    )
    with op.batch_alter_table('deployments', schema=None) as batch_op:
        batch_op.create_index('ix_deployments_nation_departure', ['nation_code', 'departure_on'], unique=False)

    op.create_table('deployment_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['deployment_id'], ['deployments.id'], name=op.f('fk_deployment_units_deployment_id_deployments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_deployment_units_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deployment_units')),
    sa.UniqueConstraint('deployment_id', 'unit_id', name=op.f('uq_deployment_units_deployment_id_unit_id'))
    )
    with op.batch_alter_table('deployment_units', schema=None) as batch_op:
        batch_op.create_index('ix_deployment_units_unit', ['unit_id'], unique=False)

    op.create_table('deployment_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['deployment_id'], ['deployments.id'], name=op.f('fk_deployment_members_deployment_id_deployments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_deployment_members_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_deployment_members_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deployment_members')),
    sa.UniqueConstraint('deployment_id', 'person_id', name=op.f('uq_deployment_members_deployment_id_person_id'))
    )
    with op.batch_alter_table('deployment_members', schema=None) as batch_op:
        batch_op.create_index('ix_deployment_members_person', ['person_id'], unique=False)

    op.create_table('assessed_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('profile_code', sa.String(length=80), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('computed_level', sa.String(length=8), nullable=False),
    sa.Column('computed_percent', sa.Integer(), nullable=False),
    sa.Column('assessed_level', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('assessed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['users.id'], name=op.f('fk_assessed_levels_assessed_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_assessed_levels_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessed_levels'))
    )
    with op.batch_alter_table('assessed_levels', schema=None) as batch_op:
        batch_op.create_index('ix_assessed_levels_unit_profile', ['unit_id', 'profile_code', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('assessed_levels', schema=None) as batch_op:
        batch_op.drop_index('ix_assessed_levels_unit_profile')
    op.drop_table('assessed_levels')
    with op.batch_alter_table('deployment_members', schema=None) as batch_op:
        batch_op.drop_index('ix_deployment_members_person')
    op.drop_table('deployment_members')
    with op.batch_alter_table('deployment_units', schema=None) as batch_op:
        batch_op.drop_index('ix_deployment_units_unit')
    op.drop_table('deployment_units')
    with op.batch_alter_table('deployments', schema=None) as batch_op:
        batch_op.drop_index('ix_deployments_nation_departure')
    op.drop_table('deployments')
    with op.batch_alter_table('waivers', schema=None) as batch_op:
        batch_op.drop_index('ix_waivers_person_req')
    op.drop_table('waivers')
    with op.batch_alter_table('exercise_credits', schema=None) as batch_op:
        batch_op.drop_index('ix_exercise_credits_person_ended')
    op.drop_table('exercise_credits')
    with op.batch_alter_table('readiness_intervals', schema=None) as batch_op:
        batch_op.drop_index('ix_readiness_intervals_req_dates')
        batch_op.drop_index('ix_readiness_intervals_person_req')
    op.drop_table('readiness_intervals')
