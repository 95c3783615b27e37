"""A stand-in for the readiness engine, so that certificate tests choose who is ready without
building curricula, completions and exercises. It returns the engine's own result types."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from sqlalchemy import Select

from trainer.extensions import db
from trainer.org.models import Person
from trainer.readiness.rules import PersonReadiness, RequirementStatus

MODULE_VALID_UNTIL = dt.date(2031, 1, 31)
EXERCISE_VALID_UNTIL = dt.date(2030, 6, 30)


class FakeEngine:
    def __init__(self):
        self.not_ready: dict[int, str] = {}   # person_id -> reason

    def requirements(self, person: Person, as_of: dt.date) -> list[RequirementStatus]:
        reqs = [
            RequirementStatus("module", "HR-01", "met", "Completed 10 Jan 2026", MODULE_VALID_UNTIL,
                              {"completion_id": 1, "module_code": "HR-01", "module_version": "2.1",
                               "completed_on": dt.date(2026, 1, 10), "valid_until": MODULE_VALID_UNTIL}),
            RequirementStatus("module", "PKI-01", "met", "Completed 12 Jan 2026", dt.date(2032, 1, 12),
                              {"completion_id": 2, "module_code": "PKI-01", "module_version": "1.0",
                               "completed_on": dt.date(2026, 1, 12), "valid_until": dt.date(2032, 1, 12)}),
            RequirementStatus("exercise", "exercise", "met", "Outcome S in SHANTI-26", EXERCISE_VALID_UNTIL,
                              # the keys the engine puts in the evidence (rules.exercise_status: one credit row)
                              {"person_id": person.id, "exercise_id": 7, "exercise_code": "SHANTI-26",
                               "exercise_title": "Shanti Prayas command post exercise", "exercise_type": "functional",
                               "rating": "S", "ended_on": "2026-02-01"}),
        ]
        if person.id in self.not_ready:
            reqs[1] = RequirementStatus("module", "PKI-01", "missing", self.not_ready[person.id], None, None)
        if person.screening == "cleared":
            reqs.append(RequirementStatus("screening", "screening", "met", "Screening cleared"))
        else:
            reqs.append(RequirementStatus("screening", "screening", "on_hold" if person.screening == "hold" else "missing",
                                          f"Screening is {person.screening}"))
        return reqs

    def evaluate_person(self, person_id: int, profile_code: str, as_of: dt.date) -> PersonReadiness:
        person = db.session.get(Person, person_id)
        return PersonReadiness(person_id, profile_code, as_of, self.requirements(person, as_of))

    def evaluate(self, people, profile_code, as_of):
        if isinstance(people, Select):
            ids = [row[0] for row in db.session.execute(people)]
        else:
            ids = list(people)
        return {pid: self.evaluate_person(pid, profile_code, as_of) for pid in ids}

    def member_ids_as_of(self, as_of, unit=None):
        from trainer.readiness.engine import member_ids_as_of

        return member_ids_as_of(as_of, unit=unit)


# --- for pure PDF tests: the certified facts of a page without a database ---------------------------

def fake_readiness(person_id: int = 1, profile_code: str = "UN-PDT-MIL") -> PersonReadiness:
    """A ready person's requirements, in the engine's own result types."""
    person = SimpleNamespace(id=person_id, screening="cleared")
    return PersonReadiness(person_id, profile_code, dt.date(2026, 3, 1),
                           FakeEngine().requirements(person, dt.date(2026, 3, 1)))


def certified_facts(given_names: str, family_name: str, given_names_latin: str | None = None,
                    family_name_latin: str | None = None, *, serial: str = "K7QD-3M9X-V2H0-7") -> dict:
    """The payload of a certificate for a person with these names, as issuing builds it."""
    from trainer.certificates.services import build_payload

    person = SimpleNamespace(
        given_names=given_names, family_name=family_name, given_names_latin=given_names_latin or given_names,
        family_name_latin=family_name_latin or family_name, rank_code="OF-2", national_rank="Captain",
        category="military", nation_code="NPL", nation=SimpleNamespace(name="Nepal"),
        unit=SimpleNamespace(code="NPBATT-1", name="Nepalese Battalion 1"), service_number="NA-445566")
    return build_payload(person, fake_readiness(), serial=serial,
                         issued_at=dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc),
                         issuer_name="Colonel Issuer", profile_title_text="UN pre-deployment, military individual",
                         supersedes=None)
