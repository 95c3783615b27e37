"""The Open Badges status lists: each certificate's entry, drawn at issue, and the published Bitstring Status
List credentials, computed when they are read from what the certificates' status is computed from
(revocation, replacement, the holder's screening), so that they are always current and reading one
writes nothing.

Positions: status_index // LIST_SIZE + 1 is the list, status_index % LIST_SIZE the entry in it. Indexes
are drawn at random over as many lists as keep them at most half full, so that a draw rarely meets a
taken index and a position tells nothing of when a certificate was issued.
"""
from __future__ import annotations

import math
import re
import secrets

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from trainer.certificates import ob3
from trainer.certificates.models import Certificate, CertificateStatus
from trainer.certificates.ob3 import list_number
from trainer.certificates.services import openbadges
from trainer.db import utcnow
from trainer.enums import Screening
from trainer.errors import NotFound
from trainer.extensions import db
from trainer.org.models import Person


def new_status_indexes(count: int) -> list[int]:
    """`count` distinct status indexes that no certificate has, at random positions."""
    if count <= 0:
        return []
    issued = db.session.scalar(select(func.count()).select_from(Certificate))
    space = max(1, math.ceil(2 * (issued + count) / ob3.LIST_SIZE)) * ob3.LIST_SIZE
    fresh: set[int] = set()
    while len(fresh) < count:
        candidates = list({secrets.randbelow(space) for _ in range(count - len(fresh))} - fresh)
        taken: set[int] = set()
        for start in range(0, len(candidates), 500):
            chunk = candidates[start:start + 500]
            taken.update(db.session.scalars(select(Certificate.status_index).where(Certificate.status_index.in_(chunk))))
        fresh.update(c for c in candidates if c not in taken)
    return list(fresh)


def list_count() -> int:
    """How many status lists are published: up to the one that holds the highest index (at least one)."""
    highest = db.session.scalar(select(func.max(Certificate.status_index)))
    return 1 if highest is None else list_number(highest)


def list_statuses(number: int) -> dict[int, ob3.EntryStatus]:
    """The entries of list `number` whose status is not "valid", as the certificates' computed status
    gives them today: one query, whatever the number of certificates."""
    start = (number - 1) * ob3.LIST_SIZE
    revoked = Certificate.revoked_at.is_not(None)
    superseded = Certificate.recorded_status == CertificateStatus.SUPERSEDED.value
    hold = Person.screening == Screening.HOLD.value
    rows = db.session.execute(
        select(Certificate.status_index, revoked, superseded, hold)
        .join(Person, Person.id == Certificate.person_id)
        .where(and_(Certificate.status_index >= start, Certificate.status_index < start + ob3.LIST_SIZE),
               or_(revoked, superseded, hold))).all()
    statuses = {}
    for index, is_revoked, is_superseded, _on_hold in rows:
        # The same order as computed_status: revoked, then replaced, then suspended.
        status = (ob3.EntryStatus.REVOKED if is_revoked else
                  ob3.EntryStatus.SUPERSEDED if is_superseded else ob3.EntryStatus.SUSPENDED)
        statuses[index - start] = status
    return statuses


def status_list_credential(number: int | str) -> dict:
    """The signed BitstringStatusListCredential of list `number` (as typed in its address), as of now."""
    number = int(number) if re.fullmatch(r"[0-9]{1,9}", str(number)) else 0
    if not 1 <= number <= list_count():
        raise NotFound(_("There is no such status list."))
    document = ob3.status_list_document(openbadges.status_list_url(number), openbadges.issuer().id,
                                        list_statuses(number), utcnow())
    return openbadges.sign(document)
