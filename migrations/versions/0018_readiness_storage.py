"""readiness: storage settings on PostgreSQL for the tables every change rewrites and every first view writes

- Each unit's kept figures and its counter (rewritten in place by every change) leave half of each page free, so
  that a row's new version fits beside the old one (a HOT update): the old one is then pruned as the page is read,
  and neither the table nor its index grows with every change. At 100,000 people, a dozen changes to everyone left
  `readiness_unit_figures` at 27 MB for 3,000 live rows (1 MB) and the dashboard's next view read through them;
  with the free space, every update was HOT and the table stayed at 2 MB.
- A page's cached figures (a whole mission's: about 250 kB of JSON, written by the first view after every change)
  are compressed with LZ4 rather than PostgreSQL's default pglz: 1 ms to write instead of 4 to 5. Kept as they are
  where the server was built without LZ4.

SQLite has no such settings: it rewrites a row where it stands and does not compress.

Revision ID: 0018_readiness_storage
Revises: 0017_readiness_unit_figures
Create Date: 2026-12-07 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018_readiness_storage'
down_revision = '0017_readiness_unit_figures'
branch_labels = None
depends_on = None

REWRITTEN = ('readiness_unit_figures', 'readiness_unit_versions')


def _lz4(bind) -> bool:
    return bool(bind.execute(sa.text(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")).scalar())


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    for table in REWRITTEN:
        op.execute(f'ALTER TABLE {table} SET (fillfactor = 50)')
    if _lz4(bind):
        op.execute('ALTER TABLE readiness_figures ALTER COLUMN figures SET COMPRESSION lz4')


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    for table in REWRITTEN:
        op.execute(f'ALTER TABLE {table} RESET (fillfactor)')
    if _lz4(bind):
        op.execute('ALTER TABLE readiness_figures ALTER COLUMN figures SET COMPRESSION default')
