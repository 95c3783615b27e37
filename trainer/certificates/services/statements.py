"""Signed status documents: one certificate's status (served at /verify/<serial>/status.json) and the list
of every certificate that is not valid (exported for checkpoints without a connection, like a revocation
list). Both are signed with the current Ed25519 key, so that a copy carried on a stick can be trusted:
`certificates verify FILE.pdf --status FILE_OR_URL` checks the signature before it believes the status."""
from __future__ import annotations

from sqlalchemy import select

from trainer.certificates.models import Certificate, CertificateStatus
from trainer.certificates.services.keys import key_store
from trainer.certificates.services.status import computed_status, status_condition, today
from trainer.certificates.signing import make_statement
from trainer.certificates.verification import STATUS_FORMAT, STATUS_LIST_FORMAT
from trainer.db import utcnow
from trainer.extensions import db
from trainer.org.models import Person

# Listed in the status list: what a checkpoint must refuse (expiry is printed and signed on the certificate).
NOT_VALID = (CertificateStatus.REVOKED, CertificateStatus.SUSPENDED, CertificateStatus.SUPERSEDED)


def _now() -> str:
    return utcnow().replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _signed(body: dict) -> dict:
    store = key_store()
    kid = store.ensure_current()
    return make_statement(kid, store.private_key(kid), body)


def status_document(cert: Certificate) -> dict:
    """The certificate's status now, signed. A suspension does not say why (as on the verify page)."""
    successor = db.session.scalar(select(Certificate.serial).where(Certificate.supersedes_id == cert.id))
    return _signed({"format": STATUS_FORMAT, "serial": cert.serial, "status": computed_status(cert).value,
                    "as_of": _now(), "replaced_by": successor})


def status_list_document() -> dict:
    """Every certificate that is revoked, suspended or replaced, by serial, signed: a serial not listed was
    valid when the list was made, unless its printed valid-until date has passed."""
    on = today()
    statuses = {}
    for status in NOT_VALID:
        rows = db.session.scalars(select(Certificate.serial).join(Person, Person.id == Certificate.person_id)
                                  .where(status_condition(status, on)).order_by(Certificate.serial))
        statuses.update((serial, status.value) for serial in rows)
    return _signed({"format": STATUS_LIST_FORMAT, "as_of": _now(), "statuses": dict(sorted(statuses.items()))})
