"""audit: the chain's head row is created here (never by the running app), with the first keyed event and
the head's own HMAC

Revision ID: 0011_audit_anchor
Revises: 0010_question_source_length
Create Date: 2027-01-15 09:00:00

From this revision on, every event is hashed with an HMAC whose key lives outside the database, which a
migration cannot know. So the events already written keep their plain SHA-256 hashes: `keyed_from` is set
to the event after the current head, and the first keyed event links to the last unkeyed one. That
boundary is then written into the first checkpoint, outside the database (run `flask --app wsgi audit
checkpoint` right after upgrading; the first keyed event also writes one).

A database whose events have no head row (an earlier version created the row on first write, so the row
was removed) gets a head at its last event, which is what the earlier `audit verify` accepted. A downgrade keeps the row; events written with the
key then no longer verify with the earlier code.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_audit_anchor'
down_revision = '0010_question_source_length'
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade():
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keyed_from', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('mac', sa.String(length=64), nullable=True))

    conn = op.get_bind()
    head = conn.execute(sa.text("SELECT seq FROM audit_head WHERE id = 1")).first()
    if head is None:
        last = conn.execute(sa.text("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")).first()
        seq, hash_ = (last.seq, last.hash) if last is not None else (0, GENESIS)
        conn.execute(sa.text("INSERT INTO audit_head (id, seq, hash, keyed_from) VALUES (1, :seq, :hash, :keyed)"),
                     {"seq": seq, "hash": hash_, "keyed": seq + 1})
    conn.execute(sa.text("UPDATE audit_head SET keyed_from = seq + 1, mac = NULL"))

    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.alter_column('keyed_from', existing_type=sa.Integer(), nullable=False)


def downgrade():
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('mac')
        batch_op.drop_column('keyed_from')
