"""The names of the objects that audit events mention, read in a few queries per page of events.

Descriptions are written twice: the first time they only say which objects they name (`Names.ref`
records the wish and answers a blank), then every kind of object is read in one query, and the second
time they get the names. An object is named, and linked to its page, only when the reader reaches it
through the scoping helper and the access policy lets them open that page; otherwise it is called by
its kind and number, as an object that no longer exists is.
"""
from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.audit.descriptions.core import Ref
from trainer.auth import policy, scoping
from trainer.extensions import db


def _ints(keys) -> list[int]:
    found = []
    for key in keys:
        try:
            number = int(key)
        except (TypeError, ValueError):
            continue
        if 0 < number < 2**31:
            found.append(number)
    return found


def person_label(person) -> str:
    rank = (person.national_rank or "").strip()
    return f"{rank} {person.display_name}" if rank else person.display_name


class Names:
    def __init__(self, viewer):
        self.viewer = viewer
        self.wanted: dict[str, set] = defaultdict(set)
        self.found: dict[str, dict] = {}
        self.loaded = False

    def ref(self, kind: str, key, fallback: str | None = None) -> Ref:
        """The named object of `kind` (`key` is its id, or its code for modules, profiles and nations); when
        it cannot be named, `fallback` or its kind and number."""
        if key is None or key == "":
            return Ref(fallback or _("unknown"))
        if not self.loaded:
            self.wanted[kind].add(key)
            return Ref("")
        found = self.found.get(kind, {}).get(str(key))
        return found if found is not None else Ref(fallback or UNNAMED[kind](key))

    def _link(self, endpoint: str) -> bool:
        rule = policy.rule_for(endpoint)
        return bool(rule and rule.allows(self.viewer))

    def _scoped(self, kind: str, ability: str):
        return scoping.scope_condition(self.viewer, kind, ability)

    def load(self) -> None:
        for kind, keys in self.wanted.items():
            self.found[kind] = LOADERS[kind](self, keys) if keys else {}
        self.loaded = True

    def make(self, text: str, endpoint: str, **values) -> Ref:
        return Ref(text, endpoint if self._link(endpoint) else None, values)


# --- one loader per kind: {str(key): Ref} ------------------------------------------------------------------

def _users(names: Names, keys) -> dict:
    from trainer.auth.models import User

    rows = db.session.execute(select(User.id, User.display_name, User.username).where(User.id.in_(_ints(keys))))
    return {str(i): names.make(display or username, "auth.admin_user", user_id=i) for i, display, username in rows}


def _people(names: Names, keys) -> dict:
    from trainer.org.models import Person

    people = db.session.scalars(select(Person).where(Person.id.in_(_ints(keys)),
                                                     names._scoped("person", "person.read")))
    return {str(p.id): names.make(person_label(p), "org.person", person_id=p.id) for p in people}


def _units(names: Names, keys) -> dict:
    from trainer.org.models import Unit

    units = db.session.execute(select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_(_ints(keys)),
                                                                          names._scoped("unit", "org.read")))
    return {str(i): names.make(f"{code} ({name})", "org.unit", unit_id=i) for i, code, name in units}


def _nations(names: Names, keys) -> dict:
    from trainer.org.labels import nation_name

    return {str(code): Ref(nation_name(str(code))) for code in keys}


def _exercises(names: Names, keys, *, by_code: bool = False) -> dict:
    from trainer.exercises.models import Exercise

    column = Exercise.code if by_code else Exercise.id
    wanted = [str(k) for k in keys] if by_code else _ints(keys)
    rows = db.session.execute(select(Exercise.id, Exercise.code, Exercise.title).where(
        column.in_(wanted), names._scoped("exercise", "anything")))
    return {str(code if by_code else i): names.make(f"{code} ({title})", "exercises.show", exercise_id=i)
            for i, code, title in rows}


def _certificates(names: Names, keys, *, by_serial: bool = False) -> dict:
    from trainer.certificates.models import Certificate

    column = Certificate.serial if by_serial else Certificate.id
    wanted = [str(k) for k in keys] if by_serial else _ints(keys)
    rows = db.session.execute(select(Certificate.id, Certificate.serial).where(
        column.in_(wanted), names._scoped("certificate", "certificate.read")))
    return {str(serial if by_serial else i): names.make(serial, "certificates.detail", certificate_id=i)
            for i, serial in rows}


def _batches(names: Names, keys) -> dict:
    from trainer.certificates.models import CertificateBatch

    ids = db.session.scalars(select(CertificateBatch.id).where(
        CertificateBatch.id.in_(_ints(keys)), names._scoped("certificate_batch", "certificate.issue")))
    return {str(i): names.make(_("batch no. %(number)s", number=i), "certificates.batch", batch_id=i) for i in ids}


def _deployments(names: Names, keys) -> dict:
    from trainer.readiness.models import Deployment

    rows = db.session.execute(select(Deployment.id, Deployment.mission).where(
        Deployment.id.in_(_ints(keys)), names._scoped("deployment", "deployment.manage")))
    return {str(i): names.make(mission, "readiness.deployment", deployment_id=i) for i, mission in rows}


def _sessions(names: Names, keys) -> dict:
    from trainer.curricula.models import Module
    from trainer.learning.models import ClassroomSession
    from trainer.templating import format_date

    rows = db.session.execute(select(ClassroomSession.id, Module.code, ClassroomSession.held_on)
                              .join(Module, Module.id == ClassroomSession.module_id)
                              .where(ClassroomSession.id.in_(_ints(keys)),
                                     names._scoped("session", "training.record")))
    return {str(i): names.make(_("%(module)s of %(date)s", module=code, date=format_date(held_on)),
                               "learning.session", session_id=i) for i, code, held_on in rows}


def _participants(names: Names, keys) -> dict:
    """A participant is named by their person (the exercise is named beside them by the description)."""
    from trainer.exercises.models import Participant
    from trainer.org.models import Person

    rows = db.session.execute(select(Participant.id, Person).join(Person, Person.id == Participant.person_id)
                              .where(Participant.id.in_(_ints(keys)), names._scoped("person", "person.read")))
    return {str(i): names.make(person_label(p), "org.person", person_id=p.id) for i, p in rows}


def _items(names: Names, keys) -> dict:
    from trainer.assessments.models import ImprovementItem

    rows = db.session.execute(select(ImprovementItem.id, ImprovementItem.finding).where(
        ImprovementItem.id.in_(_ints(keys)), names._scoped("item", "anything")))
    return {str(i): names.make(_short(finding), "assessments.improvement", item_id=i) for i, finding in rows}


def _observations(names: Names, keys) -> dict:
    from trainer.assessments.models import Observation

    ids = db.session.scalars(select(Observation.id).where(Observation.id.in_(_ints(keys)),
                                                          names._scoped("observation", "anything")))
    return {str(i): names.make(_("observation no. %(number)s", number=i), "assessments.observation",
                               observation_id=i) for i in ids}


def _ratings(names: Names, keys) -> dict:
    from trainer.assessments.models import RatingRecord

    ids = db.session.scalars(select(RatingRecord.id).where(RatingRecord.id.in_(_ints(keys)),
                                                           names._scoped("rating", "anything")))
    return {str(i): names.make(_("rating no. %(number)s", number=i), "assessments.rating", rating_id=i)
            for i in ids}


def _modules(names: Names, keys) -> dict:
    from trainer.curricula.models import Module

    codes = set(db.session.scalars(select(Module.code).where(Module.code.in_([str(k) for k in keys]))))
    return {code: names.make(code, "curricula.module", module_code=code) for code in codes}


def _profiles(names: Names, keys) -> dict:
    from trainer.curricula.models import ReadinessProfile

    codes = set(db.session.scalars(select(ReadinessProfile.code).where(
        ReadinessProfile.code.in_([str(k) for k in keys]))))
    return {code: names.make(code, "curricula.profile", profile_code=code) for code in codes}


def _profiles_by_id(names: Names, keys) -> dict:
    from trainer.curricula.models import ReadinessProfile

    rows = db.session.execute(select(ReadinessProfile.id, ReadinessProfile.code).where(
        ReadinessProfile.id.in_(_ints(keys))))
    return {str(i): names.make(code, "curricula.profile", profile_code=code) for i, code in rows}


def _short(text: str, length: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[:length - 1] + "…"


LOADERS = {
    "user": _users, "person": _people, "unit": _units, "nation": _nations,
    "exercise": _exercises, "exercise_code": lambda n, k: _exercises(n, k, by_code=True),
    "certificate": _certificates, "certificate_serial": lambda n, k: _certificates(n, k, by_serial=True),
    "batch": _batches, "deployment": _deployments, "session": _sessions, "participant": _participants,
    "item": _items, "observation": _observations, "rating": _ratings, "module": _modules, "profile": _profiles,
    "profile_id": _profiles_by_id,
}

# How an object is called when it cannot be named: gone, out of the reader's reach, or never recorded.
UNNAMED = {
    "user": lambda key: _("account no. %(number)s", number=key),
    "person": lambda key: _("person no. %(number)s", number=key),
    "unit": lambda key: _("unit no. %(number)s", number=key),
    "nation": str,
    "exercise": lambda key: _("exercise no. %(number)s", number=key),
    "exercise_code": str,
    "certificate": lambda key: _("certificate no. %(number)s", number=key),
    "certificate_serial": str,
    "batch": lambda key: _("batch no. %(number)s", number=key),
    "deployment": lambda key: _("deployment no. %(number)s", number=key),
    "session": lambda key: _("classroom session no. %(number)s", number=key),
    "participant": lambda key: _("participant no. %(number)s", number=key),
    "item": lambda key: _("improvement item no. %(number)s", number=key),
    "observation": lambda key: _("observation no. %(number)s", number=key),
    "rating": lambda key: _("rating no. %(number)s", number=key),
    "module": str,
    "profile": str,
    "profile_id": lambda key: _("readiness profile no. %(number)s", number=key),
}
