"""Exercises: planning, participants, evaluators and the MSEL."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from trainer.audit.descriptions.core import SLOTS, describes, fill
from trainer.audit.descriptions.organisation import fields


def _label(enum, value) -> str:
    """A stored value's label in the reader's language, or the value itself if it is not known."""
    try:
        return str(enum(value).label)
    except ValueError:
        return str(value or "—")


def _status(value) -> str:
    from trainer.exercises.statuses import ExerciseStatus

    return _label(ExerciseStatus, value)


def _exercise(e):
    """The exercise a part belongs to (recorded by its code beside the part)."""
    return e.ref("exercise_code", e.details.get("exercise"))


def _numbered_part(e, sentence: str):
    """A sentence about a numbered part of an exercise (an objective, an inject): who, which number, which exercise."""
    return fill(sentence, actor=e.actor, number=e.value("number", ""), exercise=_exercise(e))


def _participant(e, sentence: str):
    """A sentence about a participant's nomination: who acted, whose nomination, in which exercise."""
    return fill(sentence, actor=e.actor, person=e.subject("participant"), exercise=_exercise(e))


@describes("exercise.create", _l("Exercise created"), "exercises")
def create(e):
    return fill(_("%(actor)s created the exercise %(exercise)s.", **SLOTS), actor=e.actor,
                exercise=e.subject("exercise"))


@describes("exercise.update", _l("Exercise edited"), "exercises")
def update(e):
    return fill(_("%(actor)s edited the exercise %(exercise)s: %(fields)s.", **SLOTS), actor=e.actor,
                exercise=e.subject("exercise"), fields=fields(e.after))


@describes("exercise.status", _l("Exercise status changed"), "exercises")
def status(e):
    return fill(_("%(actor)s moved the exercise %(exercise)s from %(before)s to %(after)s.", **SLOTS), actor=e.actor,
                exercise=e.subject("exercise"), before=_status(e.before.get("status")),
                after=_status(e.after.get("status")))


@describes("exercise.objective.add", _l("Objective added"), "exercises")
def objective_add(e):
    return _numbered_part(e, _("%(actor)s added objective %(number)s to the exercise %(exercise)s.", **SLOTS))


@describes("exercise.objective.remove", _l("Objective removed"), "exercises")
def objective_remove(e):
    return _numbered_part(e, _("%(actor)s removed objective %(number)s from the exercise %(exercise)s.", **SLOTS))


@describes("exercise.evaluator.assign", _l("Evaluator assigned"), "exercises")
def evaluator_assign(e):
    return fill(_("%(actor)s assigned %(evaluator)s to evaluate objective %(number)s of the exercise %(exercise)s.",
                  **SLOTS), actor=e.actor, evaluator=e.ref("person", e.value("evaluator")),
                number=e.value("objective", ""), exercise=_exercise(e))


@describes("exercise.evaluator.unassign", _l("Evaluator assignment removed"), "exercises")
def evaluator_unassign(e):
    return fill(_("%(actor)s removed the assignment of %(evaluator)s from an objective of the exercise %(exercise)s.",
                  **SLOTS), actor=e.actor, evaluator=e.ref("participant", e.value("evaluator")), exercise=_exercise(e))


@describes("exercise.milestones", _l("Planning meetings scheduled"), "exercises")
def milestones(e):
    return fill(_("%(actor)s changed the dates of the planning meetings of the exercise %(exercise)s.", **SLOTS),
                actor=e.actor, exercise=e.subject("exercise"))


def _milestone(value) -> str:
    from trainer.exercises.models import MilestoneKind

    return _label(MilestoneKind, value)


@describes("exercise.milestone_held", _l("Planning meeting held"), "exercises")
def milestone_held(e):
    return fill(_("%(actor)s recorded that the %(milestone)s of the exercise %(exercise)s was held.", **SLOTS),
                actor=e.actor, milestone=_milestone(e.value("kind")), exercise=e.subject("exercise"))


@describes("exercise.milestone_reopened", _l("Planning meeting reopened"), "exercises")
def milestone_reopened(e):
    return fill(_("%(actor)s recorded that the %(milestone)s of the exercise %(exercise)s was not held after all.",
                  **SLOTS), actor=e.actor, milestone=_milestone(e.value("kind")), exercise=e.subject("exercise"))


def _role(value) -> str:
    from trainer.enums import ParticipantRole

    return _label(ParticipantRole, value).lower()


@describes("exercise.participant.nominate", _l("Participant nominated"), "exercises")
def nominate(e):
    return fill(_("%(actor)s nominated %(person)s as %(role)s in the exercise %(exercise)s.", **SLOTS), actor=e.actor,
                person=e.ref("person", e.value("person")), role=_role(e.value("role")), exercise=_exercise(e))


@describes("exercise.participant.confirm", _l("Nomination confirmed"), "exercises")
def confirm(e):
    return _participant(e, _("%(actor)s confirmed the nomination of %(person)s in the exercise %(exercise)s.", **SLOTS))


@describes("exercise.participant.decline", _l("Nomination declined"), "exercises")
def decline(e):
    return _participant(e, _("%(actor)s declined the nomination of %(person)s in the exercise %(exercise)s.", **SLOTS))


@describes("exercise.participant.withdraw", _l("Participant withdrawn"), "exercises")
def withdraw(e):
    return _participant(e, _("%(actor)s withdrew %(person)s from the exercise %(exercise)s.", **SLOTS))


@describes("msel.inject.create", _l("Inject added"), "exercises")
def inject_create(e):
    return _numbered_part(e, _("%(actor)s added inject %(number)s to the MSEL of the exercise %(exercise)s.", **SLOTS))


@describes("msel.inject.update", _l("Inject edited"), "exercises")
def inject_update(e):
    if not e.before:  # recorded before edits kept what they changed
        return _numbered_part(e, _("%(actor)s edited inject %(number)s of the MSEL of the exercise %(exercise)s.",
                                   **SLOTS))
    return fill(_("%(actor)s edited inject %(number)s of the MSEL of the exercise %(exercise)s: %(fields)s.", **SLOTS),
                actor=e.actor, number=e.value("number", ""), exercise=_exercise(e), fields=fields(e.after))


@describes("msel.inject.release", _l("Inject released"), "exercises")
def inject_release(e):
    return _numbered_part(e, _("%(actor)s released inject %(number)s of the exercise %(exercise)s.", **SLOTS))


@describes("msel.inject.skip", _l("Inject skipped"), "exercises")
def inject_skip(e):
    return _numbered_part(e, _("%(actor)s skipped inject %(number)s of the exercise %(exercise)s.", **SLOTS))


@describes("msel.import", _l("MSEL imported"), "exercises")
def msel_import(e):
    count = e.count_of(e.value("injects"))
    return fill(ngettext("%(actor)s imported %(count)s inject into the MSEL of the exercise %(exercise)s.",
                         "%(actor)s imported %(count)s injects into the MSEL of the exercise %(exercise)s.", count,
                         **SLOTS), actor=e.actor, count=e.number(count), exercise=_exercise(e))
