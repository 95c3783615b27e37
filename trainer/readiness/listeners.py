"""Keeps the readiness intervals and stretches exact whatever code path records a completion or a waiver.

ORM inserts and updates of completions, waivers, exercise credits and modules (a new major version) are noticed at
flush time; the affected people's intervals and readiness stretches are rebuilt in the same
transaction, just before it commits. A new or changed readiness profile rebuilds that profile's
stretches for everyone. Bulk Core inserts (demo data, imports) must call intervals.refresh_people or rebuild_all.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

_PENDING_KEY = "readiness_pending_people"
_REBUILD_KEY = "readiness_rebuild_all"
_PROFILES_KEY = "readiness_changed_profiles"


def _collect(session, flush_context):
    from trainer.readiness.models import ExerciseCredit, Waiver

    try:
        from trainer.learning.models import Completion
    except ImportError:  # learning domain not present
        Completion = None
    try:
        from trainer.curricula.models import Module, ReadinessProfile
    except ImportError:
        Module = ReadinessProfile = None
    pending = session.info.setdefault(_PENDING_KEY, set())
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, (Waiver, ExerciseCredit)) or (Completion is not None and isinstance(obj, Completion)):
            pending.add(obj.person_id)
        elif Module is not None and isinstance(obj, Module) and obj in session.new:
            session.info[_REBUILD_KEY] = True
        elif ReadinessProfile is not None and isinstance(obj, ReadinessProfile):
            session.info.setdefault(_PROFILES_KEY, set()).add(obj.code)


def _apply(session):
    from trainer.readiness import intervals

    # commit() flushes only after this hook: flush now so that objects added without an explicit
    # flush are seen too.
    session.flush()
    from trainer.readiness import states

    rebuild = session.info.pop(_REBUILD_KEY, False)
    pending = session.info.pop(_PENDING_KEY, set())
    profiles = session.info.pop(_PROFILES_KEY, set())
    if rebuild:
        intervals.rebuild_all()
    else:
        if pending:
            intervals.refresh_people(pending)
        if profiles:
            states.rebuild_all(session, profile_codes=profiles)


def _forget(session):
    session.info.pop(_PENDING_KEY, None)
    session.info.pop(_REBUILD_KEY, None)
    session.info.pop(_PROFILES_KEY, None)


LISTENERS = (("after_flush", _collect), ("before_commit", _apply), ("after_rollback", _forget))


def register() -> None:
    """Listen to every session's flushes, commits and rollbacks (called by create_app; idempotent)."""
    for name, listener in LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
