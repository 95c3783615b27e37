"""curricula and learning: packs, module versions, lessons, questions, readiness profiles,
assignments, lesson progress, knowledge-check attempts, classroom sessions and completions

Revision ID: 0002_curricula_learning
Revises: 0001_foundation
Create Date: 2026-11-25 03:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002_curricula_learning'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('version', sa.String(length=10), nullable=False),
    sa.Column('major', sa.Integer(), nullable=False),
    sa.Column('minor', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('pack_code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('validity_months', sa.Integer(), nullable=False),
    sa.Column('pass_mark', sa.Integer(), nullable=False),
    sa.Column('questions_per_attempt', sa.Integer(), nullable=False),
    sa.Column('retrain_on_major', sa.Boolean(), nullable=False),
    sa.Column('prerequisites', sa.JSON(), nullable=False),
    sa.Column('objectives', sa.JSON(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_modules')),
    sa.UniqueConstraint('code', 'version', name=op.f('uq_modules_code_version'))
    )
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.create_index('ix_modules_code_current', ['code', 'is_current'], unique=False)

    op.create_table('packs',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('module_codes', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_packs'))
    )
    op.create_table('readiness_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=True),
    sa.Column('required_modules', sa.JSON(), nullable=False),
    sa.Column('exercise_types', sa.JSON(), nullable=False),
    sa.Column('exercise_within_months', sa.Integer(), nullable=True),
    sa.Column('exercise_min_outcome', sa.String(length=1), nullable=True),
    sa.Column('screening_required', sa.Boolean(), nullable=False),
    sa.Column('warning_days', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_readiness_profiles')),
    sa.UniqueConstraint('code', name=op.f('uq_readiness_profiles_code'))
    )
    op.create_table('lessons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('body_fr', sa.Text(), nullable=True),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_lessons_module_id_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lessons')),
    sa.UniqueConstraint('module_id', 'slug', name=op.f('uq_lessons_module_id_slug'))
    )
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lessons_module_id'), ['module_id'], unique=False)

    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('stem', sa.JSON(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('must_pass', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_questions_module_id_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    sa.UniqueConstraint('module_id', 'key', name=op.f('uq_questions_module_id_key'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questions_module_id'), ['module_id'], unique=False)

    op.create_table('lesson_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('module_code', sa.String(length=10), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_lesson_progress_lesson_id_lessons')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_lesson_progress_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_progress')),
    sa.UniqueConstraint('person_id', 'lesson_id', name=op.f('uq_lesson_progress_person_id_lesson_id'))
    )
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_progress_lesson_id'), ['lesson_id'], unique=False)

    op.create_table('classroom_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('instructor', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_classroom_sessions_module_id_modules')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_classroom_sessions_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_classroom_sessions_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classroom_sessions'))
    )
    with op.batch_alter_table('classroom_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_classroom_sessions_unit_id'), ['unit_id'], unique=False)

    op.create_table('module_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_code', sa.String(length=10), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(person_id IS NULL) <> (unit_id IS NULL)', name=op.f('ck_module_assignments_one_target')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_module_assignments_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_module_assignments_person_id_people')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_module_assignments_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_assignments'))
    )
    with op.batch_alter_table('module_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_module_assignments_code', ['module_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_module_assignments_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_module_assignments_unit_id'), ['unit_id'], unique=False)

    op.create_table('profile_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_code', sa.String(length=40), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(person_id IS NULL) <> (unit_id IS NULL)', name=op.f('ck_profile_assignments_one_target')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_profile_assignments_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_profile_assignments_person_id_people')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_profile_assignments_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_assignments'))
    )
    with op.batch_alter_table('profile_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_profile_assignments_code', ['profile_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_assignments_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_assignments_unit_id'), ['unit_id'], unique=False)

    op.create_table('completions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('module_code', sa.String(length=10), nullable=False),
    sa.Column('module_version', sa.String(length=10), nullable=False),
    sa.Column('module_major', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=12), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("method IN ('online', 'classroom', 'recognised')", name=op.f('ck_completions_method')),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_completions_module_id_modules')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_completions_person_id_people')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_completions_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['classroom_sessions.id'], name=op.f('fk_completions_session_id_classroom_sessions')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['completions.id'], name=op.f('fk_completions_supersedes_id_completions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completions')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_completions_supersedes_id'))
    )
    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_completions_module_id'), ['module_id'], unique=False)
        batch_op.create_index('ix_completions_module_valid', ['module_code', 'valid_until'], unique=False)
        batch_op.create_index('ix_completions_person_code', ['person_id', 'module_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_completions_session_id'), ['session_id'], unique=False)

    op.create_table('attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('module_code', sa.String(length=10), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('drawn', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('completion_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['completion_id'], ['completions.id'], name=op.f('fk_attempts_completion_id_completions')),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_attempts_module_id_modules')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_attempts_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempts'))
    )
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempts_module_id'), ['module_id'], unique=False)
        batch_op.create_index('ix_attempts_person_started', ['person_id', 'started_at'], unique=False)

    op.create_table('session_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=10), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('completion_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['completion_id'], ['completions.id'], name=op.f('fk_session_attendance_completion_id_completions')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_session_attendance_person_id_people')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_session_attendance_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['classroom_sessions.id'], name=op.f('fk_session_attendance_session_id_classroom_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_attendance')),
    sa.UniqueConstraint('session_id', 'person_id', name=op.f('uq_session_attendance_session_id_person_id'))
    )
    with op.batch_alter_table('session_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_attendance_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('session_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_attendance_person_id'))

    op.drop_table('session_attendance')
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_attempts_person_started')
        batch_op.drop_index(batch_op.f('ix_attempts_module_id'))

    op.drop_table('attempts')
    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_completions_session_id'))
        batch_op.drop_index('ix_completions_person_code')
        batch_op.drop_index('ix_completions_module_valid')
        batch_op.drop_index(batch_op.f('ix_completions_module_id'))

    op.drop_table('completions')
    with op.batch_alter_table('profile_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_assignments_unit_id'))
        batch_op.drop_index(batch_op.f('ix_profile_assignments_person_id'))
        batch_op.drop_index('ix_profile_assignments_code')

    op.drop_table('profile_assignments')
    with op.batch_alter_table('module_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_assignments_unit_id'))
        batch_op.drop_index(batch_op.f('ix_module_assignments_person_id'))
        batch_op.drop_index('ix_module_assignments_code')

    op.drop_table('module_assignments')
    with op.batch_alter_table('classroom_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_classroom_sessions_unit_id'))

    op.drop_table('classroom_sessions')
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_progress_lesson_id'))

    op.drop_table('lesson_progress')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_module_id'))

    op.drop_table('questions')
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lessons_module_id'))

    op.drop_table('lessons')
    op.drop_table('readiness_profiles')
    op.drop_table('packs')
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.drop_index('ix_modules_code_current')

    op.drop_table('modules')
