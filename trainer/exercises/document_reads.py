"""Reads of marked documents (downloads that carry a classification or releasability marking, such as
the MSEL), recorded on the "trainer.document_reads" logger instead of in the database.

A download is a read. Recording it as an audit event took the database's write lock on every GET:
when sixteen people downloaded MSEL exports at once, a third of the downloads failed with "database
is locked". A log line takes no lock, and recording it can never fail the download: a record that
cannot be written is reported as a warning on this module's own logger and the download goes on.

Each read is one line on the "trainer.document_reads" logger, a JSON object:

    {"event": "document.read", "at": "2030-06-01T06:00:00+00:00", "user_id": 7, "username": "officer.npl",
     "exercise_id": 3, "exercise": "SHIELD-27", "document": "MSEL-SHIELD-27.csv",
     "marking": "UN RESTRICTED // RELEASABLE TO NPL, NOR", "client": "192.0.2.10", "injects": 42}

who (user id and name), which exercise, which document (its file name) and its marking, when (UTC),
and the client address (the proxy's forwarded address when TRAINER_TRUSTED_PROXIES is set). The
same fields are on the log record as `record.document_read` for handlers that keep structure.

The logger is set to INFO here (unless the logging configuration already gave it a level), so the
lines are written whatever the level of the application's other logs; the server's logging
configuration decides where they go (by default they follow the application's log to standard
error; a file handler or the site's log collector keeps them apart).
"""
from __future__ import annotations

import datetime as dt
import logging

from trainer.document_reads import logger, record_read  # noqa: F401  (logger: where the lines go)


def log_document_read(actor, *, exercise, document: str, marking: str = "", client_address: str | None = None,
                      details: dict | None = None, now: dt.datetime | None = None) -> None:
    """Write one line recording that `actor` read `document` of `exercise`; never raises."""
    record_read(actor, document=document, marking=marking, client_address=client_address,
                about={"exercise_id": exercise.id, "exercise": exercise.code}, details=details, now=now,
                failure=(logging.getLogger(__name__), "a document read could not be recorded"))
