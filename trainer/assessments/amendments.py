"""Amending an observation or a rating: a new version that supersedes the current one, with a reason, by
its evaluator or an adjudicator while the exercise's record is open; and the page of a record's history."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _, lazy_gettext as _l

from trainer.assessments.access import Capacity, NotStaff, capacity_for
from trainer.assessments.forms import parse_local
from trainer.assessments.models import Observation, ObservationKind, RatingRecord
from trainer.assessments.records import CLOSED_MESSAGE, history, insert_once, submitted, superseded_by
from trainer.assessments.recording import recent_submission_keys
from trainer.assessments.rules import (
    check_explained, check_key, check_kind, check_observed_at, check_rating, check_text, collect, row_id,
)
from trainer.audit.services import record_event
from trainer.auth.policy import parts_with
from trainer.db import utcnow
from trainer.errors import Conflict, Invalid, NotFound
from trainer.extensions import db

KINDS = {"observation": Observation, "rating": RatingRecord}
ALREADY_AMENDED = {
    "observation": _l("This observation was already amended by %(who)s; their version landed first. Nothing of yours "
                      "was saved or lost: your text is still in the form. Review the current version and submit again "
                      "if your change is still needed."),
    "rating": _l("This rating was already amended by %(who)s; their version landed first. Nothing of yours was saved "
                 "or lost: your text is still in the form. Review the current version and submit again if your change "
                 "is still needed."),
}


def _may_amend(cap: Capacity, row) -> None:
    if cap.adjudicator:
        return
    if cap.me is None or cap.me.role not in parts_with("exercise.evaluate"):
        raise NotStaff(cap.exercise.id)
    if row.evaluator_id != cap.me.id:
        raise NotFound()


def _load_record(actor, model, record_id):
    record_id = row_id(record_id)
    row = db.session.get(model, record_id) if record_id is not None else None
    if row is None:
        raise NotFound()
    cap = capacity_for(actor, row.exercise_id)
    return cap, row


def _conflict_if_superseded(model, row, label: str):
    newer = superseded_by(model, row.id)
    if newer is not None:
        who = newer.recorded_by.display_name if newer.recorded_by else _("someone")
        raise Conflict(str(ALREADY_AMENDED[label]) % {"who": who})


def _amendable(actor, model, record_id, submission_key):
    """The record to amend with the actor's capacity and the checked submission key, or the version this
    submission already saved (a retried POST)."""
    cap, old = _load_record(actor, model, record_id)
    _may_amend(cap, old)
    key = check_key(submission_key)
    previous = submitted(model, key, actor)
    if previous is None and not cap.recording_open:
        raise Conflict(str(CLOSED_MESSAGE))
    return cap, old, key, previous


def _amendment_of(old, actor, key: str, reason: str, **changes):
    """The row that supersedes an observation or a rating: the same objective, evaluator and audience, with
    the changes and the reason, recorded now by the actor."""
    return type(old)(
        exercise_id=old.exercise_id, objective_id=old.objective_id, evaluator_id=old.evaluator_id,
        target_participant_id=old.target_participant_id, target_unit_id=old.target_unit_id,
        supersedes_id=old.id, amendment_reason=reason.strip(), submission_key=key,
        recorded_by_id=actor.id, recorded_at=utcnow(), **changes)


def amend_observation(actor, observation_id, *, observed_at, kind, narrative, reason, submission_key) -> Observation:
    """`observed_at` is an aware datetime or the form's local value in the exercise's time zone."""
    cap, old, key, previous = _amendable(actor, Observation, observation_id, submission_key)
    if previous is not None:
        return previous
    if isinstance(observed_at, str):
        observed_at = parse_local(observed_at, cap.exercise.timezone)
    errors = collect(lambda: check_observed_at(observed_at, cap.exercise), lambda: check_kind(kind),
                     lambda: check_text(narrative, "narrative", "narrative", required=True),
                     lambda: check_text(reason, "reason", "amendment_reason", required=True))
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors=errors)
    _conflict_if_superseded(Observation, old, "observation")
    new = _amendment_of(old, actor, key, reason, observed_at=observed_at, kind=ObservationKind(kind).value,
                        narrative=narrative.strip())
    new, created = insert_once(new, key, Observation)
    if created:
        record_event(actor, "assessment.observation.amend", new, supersedes=old.id, reason=reason.strip(),
                     before={"kind": old.kind, "narrative": old.narrative, "observed_at": old.observed_at.isoformat()},
                     after={"kind": new.kind, "narrative": new.narrative, "observed_at": new.observed_at.isoformat()})
    return new


def amend_rating(actor, rating_id, *, rating, narrative, reason, submission_key) -> RatingRecord:
    cap, old, key, previous = _amendable(actor, RatingRecord, rating_id, submission_key)
    if previous is not None:
        return previous
    errors = collect(lambda: check_rating(rating, required=True))
    value = None if errors else check_rating(rating, required=True)
    text = (narrative or "").strip()
    errors += collect(lambda: check_explained(value, text),
                      lambda: check_text(reason, "reason", "amendment_reason", required=True),
                      lambda: check_text(narrative, "narrative", "narrative", required=False))
    if errors:
        raise Invalid(_("Please correct the marked fields."), errors=errors)
    _conflict_if_superseded(RatingRecord, old, "rating")
    new = _amendment_of(old, actor, key, reason, observation_id=old.observation_id, rating=value.value, narrative=text,
                        rated_at=old.rated_at)
    new, created = insert_once(new, key, RatingRecord)
    if created:
        record_event(actor, "assessment.rating.amend", new, supersedes=old.id, reason=reason.strip(),
                     before={"rating": old.rating, "narrative": old.narrative},
                     after={"rating": new.rating, "narrative": new.narrative})
    return new


# --- a record's page ----------------------------------------------------------------------------

@dataclass
class RecordPage:
    """One observation or rating with every version of it, for its author, the adjudicators and the
    managers in scope."""
    cap: Capacity
    row: Observation | RatingRecord
    chain: list
    confirmed_keys: list[str]

    @property
    def head(self):
        return self.chain[-1]

    @property
    def can_amend(self) -> bool:
        """Only the record's evaluator or an adjudicator, and only while the exercise's record is open."""
        cap = self.cap
        return cap.recording_open and (cap.adjudicator or (cap.me is not None and self.head.evaluator_id == cap.me.id))


def get_record_page(actor, kind: str, record_id) -> RecordPage:
    """The page of an observation (kind "observation") or a rating (kind "rating")."""
    model = KINDS[kind]
    cap, row = _load_record(actor, model, record_id)
    if not cap.manager:
        _may_amend(cap, row)
    return RecordPage(cap=cap, row=row, chain=history(model, row), confirmed_keys=recent_submission_keys(cap))
