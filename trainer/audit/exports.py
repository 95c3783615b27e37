"""The filtered audit log as CSV: one row per event with its description in the reader's language and the
recorded values an investigator needs (the raw details and the chain's hashes).

UTF-8 with a byte order mark, so that spreadsheet programs read every script; text a spreadsheet would
run as a formula is neutralised. Reading the export is a read: it is recorded as one line on the
"trainer.document_reads" logger (as MSEL downloads are), never in the database, so a GET writes nothing.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Iterator

from flask_babel import gettext as _
from sqlalchemy import func, select

from trainer.audit.descriptions import describe_events
from trainer.audit.log import Filters, events_query
from trainer.audit.models import AuditEvent
from trainer.document_reads import record_read
from trainer.extensions import db
from trainer.spreadsheets import neutralise_cell

CHUNK = 500
# At most this many events a file: a wider export is refused with a request to narrow the filters.
EXPORT_LIMIT = 100_000


def export_name(today: dt.date) -> str:
    return f"audit-log-{today.isoformat()}.csv"


def _header() -> list[str]:
    return [_("No."), _("When (UTC)"), _("Account"), _("Action"), _("Description"), _("Action code"),
            _("Object type"), _("Object id"), _("Details"), _("Hash"), _("Previous hash")]


def _line(values: list) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([neutralise_cell(v) for v in values])
    return out.getvalue()


def count_events(actor, filters: Filters) -> int:
    return db.session.scalar(select(func.count()).select_from(events_query(filters).order_by(None).subquery()))


def to_csv(actor, filters: Filters) -> bytes:
    return b"".join(csv_chunks(actor, filters))


def csv_chunks(actor, filters: Filters) -> Iterator[bytes]:
    """The export, a few hundred events at a time (newest first), each described with the names of what it
    mentions read in a few queries."""
    yield ("\ufeff" + _line(_header())).encode("utf-8")
    last_seq = None
    while True:
        query = events_query(filters)
        if last_seq is not None:
            query = query.where(AuditEvent.seq < last_seq)
        rows = db.session.scalars(query.limit(CHUNK)).all()
        if not rows:
            return
        lines = []
        for item in describe_events(actor, rows):
            event = item.event
            lines.append(_line([event.seq, event.at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
                                event.actor_name, item.label, item.sentence.plain(), event.action, event.object_type,
                                event.object_id, event.details, event.hash, event.prev_hash]))
        yield "".join(lines).encode("utf-8")
        last_seq = rows[-1].seq


def log_export_read(actor, *, document: str, filters: Filters, events: int, marking: str = "",
                    client_address: str | None = None, now: dt.datetime | None = None) -> None:
    """One line recording that `actor` downloaded the audit log with these filters; never raises."""
    record_read(actor, document=document, marking=marking, client_address=client_address,
                details={"filters": filters.args(), "events": events}, now=now,
                failure=(logging.getLogger(__name__), "an audit log export could not be recorded"))
