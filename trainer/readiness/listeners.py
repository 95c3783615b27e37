"""Keeps the readiness intervals and stretches exact, and the cached figures honest, whatever code path records
a change.

ORM inserts, updates and deletes of completions, waivers, exercise credits and modules (a new major version) are
noticed at flush time; the affected people's intervals and readiness stretches are rebuilt in the same
transaction, just before it commits. A new or changed readiness profile rebuilds that profile's stretches for
everyone. A posting, a profile assignment or a unit moved in the tree changes which profiles reach whom
(reach.py): the people concerned get their stretches again. Bulk Core inserts of completions, waivers or credits
(demo data, imports) must call intervals.refresh_people or rebuild_all; bulk statements on postings and profile
assignments are noticed here.

Any of these changes, and any change to people, units or nations (names, screening, the tree), moves the
counter that cached figures are checked against (figures_cache.py), in the same transaction. The units whose
people's readiness moved (the postings of everyone whose stretches were rewritten, whose screening changed or
who was transferred) get their own counter moved, so that their kept figures alone are counted again
(unit_figures.py); a change no unit can be named for moves the epoch every unit's kept figures are checked
against, and leaves its writer to count every unit again once it has committed (recount.py).
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from trainer.readiness import unit_figures

_PENDING_KEY = "readiness_pending_people"
_REBUILD_KEY = "readiness_rebuild_all"
_PROFILES_KEY = "readiness_changed_profiles"
_ASSIGNED_KEY = "readiness_changed_assignments"   # (profile code, unit id, person id)
_MOVED_KEY = "readiness_moved_units"
# Tables whose rows the figures are computed from (bulk statements on them move the counter).
FIGURES_TABLES = frozenset({"people", "unit_assignments", "units", "nations", "completions", "waivers",
                            "exercise_credits", "modules", "readiness_profiles", "profile_assignments",
                            "readiness_intervals", "readiness_states"})
# Of those, the tables whose bulk writers name the people concerned (they must refresh their readiness:
# intervals.refresh_people, which notes them): any other bulk statement leaves no unit's stored figures trusted.
_NAMED_TABLES = frozenset({"completions", "waivers", "exercise_credits", "readiness_intervals", "readiness_states"})


def _models():
    from trainer.org.models import Nation, Person, Unit, UnitAssignment
    from trainer.readiness.models import ExerciseCredit, Waiver

    try:
        from trainer.learning.models import Completion, ProfileAssignment
    except ImportError:  # learning domain not present
        Completion = ProfileAssignment = None
    try:
        from trainer.curricula.models import Module, ReadinessProfile
    except ImportError:
        Module = ReadinessProfile = None
    return Nation, Person, Unit, UnitAssignment, ExerciseCredit, Waiver, Completion, ProfileAssignment, Module, \
        ReadinessProfile


def _collect(session, flush_context):
    from sqlalchemy import inspect

    from trainer.readiness.figures_cache import CHANGED

    (Nation, Person, Unit, UnitAssignment, ExerciseCredit, Waiver, Completion, ProfileAssignment, Module,
     ReadinessProfile) = _models()
    evidence = tuple(m for m in (Waiver, ExerciseCredit, Completion) if m is not None)
    watched = tuple(m for m in (Nation, Person, Unit, UnitAssignment, ProfileAssignment, Module, ReadinessProfile)
                    if m is not None) + evidence
    pending = session.info.setdefault(_PENDING_KEY, set())
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if not isinstance(obj, watched):
            continue
        session.info[CHANGED] = True
        if isinstance(obj, evidence) or isinstance(obj, UnitAssignment):
            pending.add(obj.person_id)
            if isinstance(obj, UnitAssignment):  # the units it leaves and joins
                unit_figures.note_units(session, [obj.unit_id, *inspect(obj).attrs.unit_id.history.deleted])
        elif isinstance(obj, Person):  # screening, category: the units they are posted to
            if obj in session.deleted:
                unit_figures.note_everything(session)
            else:
                unit_figures.note_people(session, [obj.id])
        elif ProfileAssignment is not None and isinstance(obj, ProfileAssignment):
            session.info.setdefault(_ASSIGNED_KEY, set()).add((obj.profile_code, obj.unit_id, obj.person_id))
        elif isinstance(obj, Unit):
            if obj in session.new or obj in session.deleted:  # a unit id is never met with another's figures
                unit_figures.note_units(session, [obj.id])
            elif inspect(obj).attrs.path.history.has_changes():
                session.info.setdefault(_MOVED_KEY, set()).add(obj.id)
        elif Module is not None and isinstance(obj, Module) and obj in session.new:
            session.info[_REBUILD_KEY] = True
        elif ReadinessProfile is not None and isinstance(obj, ReadinessProfile):
            session.info.setdefault(_PROFILES_KEY, set()).add(obj.code)


def _statement(state):
    """Bulk INSERT/UPDATE/DELETE statements run through the session (imports, demo data): those on the figures'
    tables move the counter, and new postings and profile assignments change whom profiles reach."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    name = getattr(getattr(state.statement, "table", None), "name", None)
    if name not in FIGURES_TABLES:
        return
    from trainer.readiness.figures_cache import CHANGED

    info = state.session.info
    info[CHANGED] = True
    if name not in _NAMED_TABLES:
        unit_figures.note_everything(state.session)
    if state.is_insert and name in ("unit_assignments", "profile_assignments"):
        params = state.parameters
        rows = params if isinstance(params, (list, tuple)) else [params or {}]
        for row in rows:
            if name == "unit_assignments" and row.get("person_id") is not None:
                info.setdefault(_PENDING_KEY, set()).add(row["person_id"])
            elif name == "profile_assignments" and row.get("profile_code"):
                info.setdefault(_ASSIGNED_KEY, set()).add((row["profile_code"], row.get("unit_id"),
                                                           row.get("person_id")))


def _reach_changes(session, pending: set) -> set[str]:
    """Add to `pending` the people whose reach the session's changes to profile assignments and the unit tree can
    have moved; returns the profiles now assigned to nobody (which then apply to everyone)."""
    from sqlalchemy import exists, select

    from trainer.readiness import reach

    assigned = session.info.pop(_ASSIGNED_KEY, set())
    moved = session.info.pop(_MOVED_KEY, set())
    everyone = set()
    if assigned:
        from trainer.learning.models import ProfileAssignment as pa

        for code in {code for code, _, _ in assigned}:
            if not session.scalar(select(exists().where(pa.profile_code == code, pa.withdrawn_at.is_(None)))):
                everyone.add(code)
        pending.update(person_id for _, _, person_id in assigned if person_id is not None)
        moved |= {unit_id for code, unit_id, _ in assigned if unit_id is not None and code not in everyone}
    if moved:
        pending.update(reach.people_posted_under(session, moved))
    return everyone


def _apply(session):
    from trainer.readiness import figures_cache, intervals, states

    # Runs when a savepoint is released too (each completion is recorded in one), so that what the transaction reads
    # next is current. commit() flushes only after this hook: flush now so that objects added without an explicit
    # flush are seen too.
    session.flush()
    rebuild = session.info.pop(_REBUILD_KEY, False)
    pending = session.info.pop(_PENDING_KEY, set())
    profiles = session.info.pop(_PROFILES_KEY, set())
    profiles |= _reach_changes(session, pending)
    pending.discard(None)
    if rebuild:
        intervals.rebuild_all()
    else:
        if pending:
            intervals.refresh_people(pending)
        if profiles:
            states.rebuild_all(session, profile_codes=profiles)
    if rebuild or profiles:
        unit_figures.note_everything(session)
    everything = unit_figures.apply(session)
    if session.info.pop(figures_cache.CHANGED, False) or everything:
        figures_cache.bump(session, everything=everything)
    if everything:  # every unit's figures are counted again by the writer, not by the next reader
        from trainer.readiness.recount import everything_asked_today
        from trainer.transactions import after_commit

        after_commit(everything_asked_today, session)


def _forget(session, previous_transaction):
    """The transaction was rolled back: its work goes with it. A savepoint rolled back leaves the transaction, and
    the work it had asked for, as they were (what the savepoint changed is looked at again, harmlessly)."""
    from trainer.readiness.figures_cache import CHANGED
    from trainer.transactions import is_whole_transaction

    if not is_whole_transaction(previous_transaction):
        return

    for key in (_PENDING_KEY, _REBUILD_KEY, _PROFILES_KEY, _ASSIGNED_KEY, _MOVED_KEY, CHANGED):
        session.info.pop(key, None)
    unit_figures.forget(session)


def skip_full_rebuild(session) -> None:
    """Drop a full rebuild the session's changes asked for: for a bulk load that calls intervals.rebuild_all()
    itself when it is done (demo data)."""
    session.info.pop(_REBUILD_KEY, None)


LISTENERS = (("after_flush", _collect), ("before_commit", _apply), ("after_soft_rollback", _forget),
             ("do_orm_execute", _statement))


def register() -> None:
    """Listen to every session's flushes, statements, commits and rollbacks (called by create_app; idempotent)."""
    for name, listener in LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
