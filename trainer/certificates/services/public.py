"""The public verification pages (no sign-in): a certificate found by its serial, what anyone may see of
it, and the rate limit that keeps serials from being tried in bulk."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import OperationalError

from trainer.auth.models import RateEvent
from trainer.auth.scoping import in_scope
from trainer.certificates import serial as serials
from trainer.certificates.models import Certificate, CertificateStatus
from trainer.certificates.services.facts import payload_of
from trainer.certificates.services.keys import signature_ok
from trainer.certificates.services.status import computed_status
from trainer.db import utcnow, write_intent
from trainer.errors import Invalid, NotFound
from trainer.extensions import db

log = logging.getLogger(__name__)


def serial_mistake(exc: serials.InvalidSerial) -> str:
    """What is wrong with a typed serial, in the reader's language."""
    if exc.kind == "length":
        return _("A serial has %(count)s letters and digits and a check character (for example ABCD-EFGH-JKMN-P).",
                 count=serials.BODY_LENGTH)
    if exc.kind == "characters":
        return _("A serial uses only the digits and the letters A-Z except I, L, O and U; its last character may "
                 "also be * ~ $ = or U (found %(found)s).", found=exc.found)
    if exc.kind == "check":
        return _("This serial contains a typing mistake: its check character does not match. Compare it with the "
                 "certificate again.")
    return _("Enter the serial printed on the certificate.")


def find_by_serial(typed: str) -> Certificate:
    try:
        serial = serials.normalise(typed)
    except serials.InvalidSerial as exc:
        message = serial_mistake(exc)
        raise Invalid(message, errors=[("serial", message)]) from exc
    cert = db.session.execute(select(Certificate).where(Certificate.serial == serial)).unique().scalar_one_or_none()
    if cert is None:
        raise NotFound(_("No certificate has this serial. Check it against the certificate and try again."))
    return cert


@dataclass
class PublicView:
    cert: Certificate
    payload: dict
    status: CertificateStatus
    full: bool            # the viewer's scope covers the person: service number, unit, exercises
    authentic: bool
    successor: str | None


def public_view(viewer, cert: Certificate, on: dt.date | None = None) -> PublicView:
    """What the verify page shows of a certificate, with its status on `on` (today): reading writes nothing."""
    full = bool(viewer is not None and getattr(viewer, "is_authenticated", False)
                and in_scope(viewer, "certificate", cert, "anything"))
    successor = db.session.scalar(select(Certificate.serial).where(Certificate.supersedes_id == cert.id))
    return PublicView(cert, payload_of(cert), computed_status(cert, on), full, signature_ok(cert), successor)


def allow_verify_request(address: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit on the verify pages from `address`; False when more than `limit` hits of the last
    `window_seconds` came from it.

    Hits are counted in the database so that every worker sees every hit, in a short transaction of
    the count's own on a connection of its own: the page itself stays a reader that takes no write
    lock and commits nothing. A database too busy to count the hit lets the request through (and says
    so in the log) rather than fail a verification."""
    bucket = f"verify:{address}"[:120]
    now = utcnow()
    since = now - dt.timedelta(seconds=window_seconds)
    token = write_intent.set(True)  # the count's transaction writes: on SQLite it takes the lock at BEGIN
    try:
        with db.engine.begin() as connection:
            connection.execute(delete(RateEvent).where(RateEvent.bucket == bucket, RateEvent.at < since))
            count = connection.scalar(select(func.count()).select_from(RateEvent)
                                      .where(RateEvent.bucket == bucket, RateEvent.at >= since))
            if count >= limit:
                return False
            connection.execute(insert(RateEvent).values(bucket=bucket, at=now))
        return True
    except OperationalError:
        log.warning("the verify rate limit could not count a hit; the request goes ahead", exc_info=True)
        return True
    finally:
        write_intent.reset(token)
