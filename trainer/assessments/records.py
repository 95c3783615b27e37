"""How the append-only records are written and read: a submission lands once, an amendment is a new row
that supersedes the old one, and the current rows are those nothing supersedes."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from trainer.assessments.models import Observation, RatingRecord
from trainer.errors import Conflict, Invalid
from trainer.extensions import db

CONFLICT_MESSAGE = _l("Someone amended this record at the same moment and their change landed first. "
                      "Nothing of yours was saved or lost: your text is still in the form. Review the current "
                      "version and submit again if your change is still needed.")
CLOSED_MESSAGE = _l("The record of this exercise is closed: the after-action report is published.")


def insert_once(row, key: str, model):
    """Insert `row` in a savepoint. Returns (row, True) when inserted, (existing, False) when a row
    with the same submission key already landed (a retried POST), and raises Conflict when a unique
    link (supersedes, first adjudication) was taken by someone else."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
        return row, True
    except IntegrityError:
        existing = db.session.execute(select(model).where(model.submission_key == key)).scalar_one_or_none()
        if existing is not None:
            return existing, False
        raise Conflict(str(CONFLICT_MESSAGE))


def submitted(model, key: str, actor):
    """The observation or rating already saved under this submission key (a retried POST), if any."""
    row = db.session.execute(select(model).where(model.submission_key == key)).scalar_one_or_none()
    if row is not None and row.recorded_by_id not in (None, actor.id):
        raise Invalid(_("This submission key was used by another account. Reload the page and submit again."))
    return row


def current(model):
    """Rows of `model` that no later row supersedes."""
    newer = aliased(model)
    return select(model).where(~exists().where(newer.supersedes_id == model.id))


def superseded_by(model, row_id: int):
    return db.session.execute(select(model).where(model.supersedes_id == row_id)).scalar_one_or_none()


def history(model, row) -> list:
    """Every version of the record, oldest first (the chain through `supersedes_id`)."""
    chain = [row]
    while chain[0].supersedes_id:
        chain.insert(0, db.session.get(model, chain[0].supersedes_id))
    while True:
        newer = superseded_by(model, chain[-1].id)
        if newer is None:
            break
        chain.append(newer)
    return chain


def root_id(model, row) -> int:
    """The id of the record's first version."""
    while row.supersedes_id:
        row = db.session.get(model, row.supersedes_id)
    return row.id


def rating_of(observation: Observation) -> RatingRecord | None:
    """The rating recorded with an observation, if it had one."""
    return db.session.execute(select(RatingRecord).where(RatingRecord.observation_id == observation.id)
                              .order_by(RatingRecord.id)).scalars().first()
