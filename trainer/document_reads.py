"""Reads of marked documents, one JSON line each on the "trainer.document_reads" logger and never in the
database (see trainer/exercises/document_reads.py for why and for the line's fields). Both the MSEL download
and the audit log export record their reads here."""
from __future__ import annotations

import datetime as dt
import json
import logging

logger = logging.getLogger("trainer.document_reads")
if logger.level == logging.NOTSET:
    logger.setLevel(logging.INFO)


def record_read(actor, *, document: str, marking: str = "", client_address: str | None = None,
                about: dict | None = None, details: dict | None = None, now: dt.datetime | None = None,
                failure: tuple[logging.Logger, str]) -> None:
    """Write one line recording that `actor` read `document` (of what `about` names, with `details`); never
    raises: a line that cannot be written is reported as `failure` (a logger and its message) instead."""
    try:
        fields = {
            "event": "document.read",
            "at": (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"),
            "user_id": getattr(actor, "id", None),
            "username": getattr(actor, "username", None),
            **(about or {}),
            "document": document,
            "marking": marking,
            "client": client_address,
            **(details or {}),
        }
        logger.info("%s", json.dumps(fields, ensure_ascii=False), extra={"document_read": fields})
    except Exception:  # noqa: BLE001 - a read must never fail because its record could not be written
        failure[0].warning(failure[1], exc_info=True)
