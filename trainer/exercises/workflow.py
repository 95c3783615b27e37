"""The exercise status workflow: which transition exists, and which kind of actor may make it.

Pure module: it imports neither Flask nor the database, and works on status values and sets of actor
kinds (its words are gettext strings, read in the reader's language, in English outside an application).
The actor kinds are decided by trainer.exercises.access:
- "planner": a training officer of the lead nation (or of the whole mission), or an administrator;
- "approver": a commander of the lead nation or of the mission;
- "director": the exercise director (a confirmed participant with that role).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _, lazy_gettext as _l

from trainer.exercises.statuses import ExerciseStatus as S

PLANNER, APPROVER, DIRECTOR = "planner", "approver", "director"


@dataclass(frozen=True)
class Transition:
    source: S
    target: S
    action: str                  # the button label
    refused: str                 # who may make it, as a whole sentence with %(source)s and %(target)s
    actors: frozenset[str]


def _t(source, target, action, refused, *actors):
    return Transition(source, target, action, refused, frozenset(actors))


# Each refusal is a whole sentence, so that every language words it as a whole.
TRANSITIONS: tuple[Transition, ...] = (
    _t(S.DRAFT, S.PLANNING, _l("Start planning"),
       _l("Only a training officer of the lead nation may start planning (%(source)s to %(target)s)."), PLANNER),
    _t(S.PLANNING, S.APPROVED, _l("Approve"),
       _l("Only a commander of the lead nation or of the mission may approve (%(source)s to %(target)s)."), APPROVER),
    _t(S.PLANNING, S.DRAFT, _l("Back to draft"),
       _l("Only a training officer of the lead nation may take the exercise back to draft (%(source)s to %(target)s)."),
       PLANNER),
    _t(S.APPROVED, S.PLANNING, _l("Reopen planning"),
       _l("Only a training officer of the lead nation or a commander of the lead nation or of the mission may "
          "reopen planning (%(source)s to %(target)s)."), PLANNER, APPROVER),
    _t(S.APPROVED, S.IN_CONDUCT, _l("Start conduct (STARTEX)"),
       _l("Only a training officer of the lead nation or the exercise director may start conduct "
          "(%(source)s to %(target)s)."), PLANNER, DIRECTOR),
    _t(S.IN_CONDUCT, S.ENDEX, _l("End exercise (ENDEX)"),
       _l("Only a training officer of the lead nation or the exercise director may end the exercise "
          "(%(source)s to %(target)s)."), PLANNER, DIRECTOR),
    _t(S.ENDEX, S.AAR_DRAFT, _l("Start after-action report"),
       _l("Only a training officer of the lead nation or the exercise director may start the after-action report "
          "(%(source)s to %(target)s)."), PLANNER, DIRECTOR),
    _t(S.AAR_DRAFT, S.AAR_PUBLISHED, _l("Publish after-action report"),
       _l("Only a training officer of the lead nation or the exercise director may publish the after-action report "
          "(%(source)s to %(target)s)."), PLANNER, DIRECTOR),
    _t(S.AAR_PUBLISHED, S.CLOSED, _l("Close"),
       _l("Only a training officer of the lead nation or the exercise director may close the exercise "
          "(%(source)s to %(target)s)."), PLANNER, DIRECTOR),
    _t(S.DRAFT, S.POSTPONED, _l("Postpone"),
       _l("Only a training officer of the lead nation may postpone the exercise (%(source)s to %(target)s)."), PLANNER),
    *(_t(source, S.POSTPONED, _l("Postpone"),
         _l("Only a training officer of the lead nation or a commander of the lead nation or of the mission may "
            "postpone the exercise (%(source)s to %(target)s)."), PLANNER, APPROVER)
      for source in (S.PLANNING, S.APPROVED)),
    _t(S.POSTPONED, S.PLANNING, _l("Resume planning"),
       _l("Only a training officer of the lead nation may resume planning (%(source)s to %(target)s)."), PLANNER),
    _t(S.DRAFT, S.CANCELLED, _l("Cancel"),
       _l("Only a training officer of the lead nation may cancel the exercise (%(source)s to %(target)s)."), PLANNER),
    *(_t(source, S.CANCELLED, _l("Cancel"),
         _l("Only a training officer of the lead nation or a commander of the lead nation or of the mission may "
            "cancel the exercise (%(source)s to %(target)s)."), PLANNER, APPROVER)
      for source in (S.PLANNING, S.APPROVED, S.POSTPONED)),
    _t(S.IN_CONDUCT, S.CANCELLED, _l("Stop and cancel"),
       _l("Only a commander of the lead nation or of the mission or the exercise director may stop and cancel the "
          "exercise (%(source)s to %(target)s)."), APPROVER, DIRECTOR),
)

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


def find(source: str, target: str) -> Transition | None:
    try:
        return _BY_PAIR.get((S(source), S(target)))
    except ValueError:
        return None


def available(source: str, actor_kinds: set[str]) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == S(source) and t.actors & actor_kinds]


def refusal(source: str, target: str, actor_kinds: set[str]) -> str | None:
    """None when the transition is allowed; otherwise the reason, in words."""
    try:
        src, dst = S(source), S(target)
    except ValueError:
        return _("'%(value)s' is not an exercise status.", value=target)
    transition = _BY_PAIR.get((src, dst))
    if transition is None:
        nexts = ", ".join(str(t.target.label) for t in TRANSITIONS if t.source == src)
        if not nexts:
            return _("An exercise cannot go from %(source)s to %(target)s. From %(source)s it can go to: none "
                     "(this is a final status).", source=src.label, target=dst.label)
        return _("An exercise cannot go from %(source)s to %(target)s. From %(source)s it can go to: %(next)s.",
                 source=src.label, target=dst.label, next=nexts)
    if not transition.actors & actor_kinds:
        return str(transition.refused) % {"source": src.label, "target": dst.label}
    return None
