"""readiness: the tables rewritten in place on every change (each unit's kept figures and its counter) leave half of
each page free on PostgreSQL, so that a row's new version fits beside the old one (a HOT update): the old one is
then pruned as the page is read, and neither the table nor its index grows with every change

At 100,000 people, a dozen changes to everyone left `readiness_unit_figures` at 27 MB for 3,000 live rows (1 MB)
and the dashboard's next view read through them; with the free space, every update was HOT and the table stayed
at 2 MB. SQLite has no such setting and rewrites a row where it stands.

Revision ID: 0018_readiness_fillfactor
Revises: 0017_readiness_unit_figures
Create Date: 2026-12-07 14:00:00

"""
from alembic import op


revision = '0018_readiness_fillfactor'
down_revision = '0017_readiness_unit_figures'
branch_labels = None
depends_on = None

TABLES = ('readiness_unit_figures', 'readiness_unit_versions')


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TABLES:
        op.execute(f'ALTER TABLE {table} SET (fillfactor = 50)')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TABLES:
        op.execute(f'ALTER TABLE {table} RESET (fillfactor)')
