"""Assessments: observations, ratings, adjudication, the after-action report and improvement items."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l

from trainer.audit.descriptions.core import SLOTS, Ref, describes, fill


def _rating(value) -> str:
    """A HSEEP rating: its letter with its name."""
    from trainer.enums import Rating

    try:
        return f"{value} ({Rating(value).label})"
    except ValueError:
        return str(value or "—")


def _audience(e) -> Ref:
    """The training audience: "p12" (a player, by participant) or "u5" (a unit)."""
    key = str(e.details.get("audience") or "")
    if key.startswith("p"):
        return e.ref("participant", key[1:])
    if key.startswith("u"):
        return e.ref("unit", key[1:])
    return Ref(key or "—")


def _exercise(e):
    return e.ref("exercise_code", e.details.get("exercise"))


@describes("assessment.observation.record", _l("Observation recorded"), "assessments")
def observation(e):
    values = {"actor": e.actor, "observation": e.subject("observation"), "number": e.details.get("objective", ""),
              "exercise": _exercise(e), "audience": _audience(e)}
    if e.value("rating"):
        return fill(_("%(actor)s recorded %(observation)s on objective %(number)s of the exercise %(exercise)s for "
                      "%(audience)s, rated %(rating)s.", **SLOTS), rating=_rating(e.value("rating")), **values)
    return fill(_("%(actor)s recorded %(observation)s on objective %(number)s of the exercise %(exercise)s for "
                  "%(audience)s.", **SLOTS), **values)


@describes("assessment.observation.amend", _l("Observation amended"), "assessments")
def observation_amend(e):
    return fill(_("%(actor)s amended an observation; the amendment is %(observation)s. Reason: %(reason)s", **SLOTS),
                actor=e.actor, observation=e.subject("observation"), reason=e.details.get("reason", ""))


@describes("assessment.rating.amend", _l("Rating amended"), "assessments")
def rating_amend(e):
    return fill(_("%(actor)s amended a rating from %(before)s to %(after)s; the amendment is %(rating)s. Reason: "
                  "%(reason)s", **SLOTS), actor=e.actor, before=_rating(e.before.get("rating")),
                after=_rating(e.after.get("rating")), rating=e.subject("rating"), reason=e.details.get("reason", ""))


@describes("assessment.adjudicate", _l("Rating adjudicated"), "assessments")
def adjudicate(e):
    return fill(_("%(actor)s adjudicated objective %(number)s of the exercise %(exercise)s for %(audience)s: "
                  "%(rating)s.", **SLOTS), actor=e.actor, number=e.details.get("objective", ""), exercise=_exercise(e),
                audience=_audience(e), rating=_rating(e.after.get("rating")))


@describes("assessment.aar.summary", _l("After-action report summary edited"), "assessments")
def aar_summary(e):
    return fill(_("%(actor)s edited the executive summary of the after-action report of the exercise %(exercise)s "
                  "(version %(version)s).", **SLOTS), actor=e.actor, exercise=_exercise(e),
                version=e.after.get("version", ""))


@describes("assessment.improvement.create", _l("Improvement item added"), "assessments")
def improvement_create(e):
    return fill(_("%(actor)s added the improvement item %(item)s to the exercise %(exercise)s.", **SLOTS),
                actor=e.actor, item=e.subject("item"), exercise=_exercise(e))


def _item_status(value) -> str:
    from trainer.assessments.models import ImprovementStatus

    try:
        return str(ImprovementStatus(value).label)
    except ValueError:
        return str(value or "—")


@describes("assessment.improvement.update", _l("Improvement item updated"), "assessments")
def improvement_update(e):
    before, after = e.before.get("status"), e.after.get("status")
    if before != after:
        return fill(_("%(actor)s moved the improvement item %(item)s from %(before)s to %(after)s.", **SLOTS),
                    actor=e.actor, item=e.subject("item"), before=_item_status(before), after=_item_status(after))
    return fill(_("%(actor)s edited the improvement item %(item)s.", **SLOTS), actor=e.actor, item=e.subject("item"))


@describes("assessment.demo.seed", _l("Demonstration assessments"), "system")
def demo_assessments(e):
    return fill(_("Demonstration observations (%(count)s), ratings and adjudications were recorded for the exercise "
                  "%(exercise)s.", **SLOTS), count=e.number(e.details.get("observations", 0)),
                exercise=e.subject("exercise"))
