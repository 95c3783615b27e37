"""A stand-in for the readiness engine's answer, for pure PDF tests only: the certified facts of a page are
built from it without a database. Everything else meets the real engine (builders.py)."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from trainer.certificates.services.facts import build_payload
from trainer.org.names import default_name_order
from trainer.readiness.rules import PersonReadiness, RequirementStatus

MODULE_VALID_UNTIL = dt.date(2031, 1, 31)
EXERCISE_VALID_UNTIL = dt.date(2030, 6, 30)


def fake_readiness(person_id: int = 1, profile_code: str = "UN-PDT-MIL") -> PersonReadiness:
    """A ready person's requirements, in the engine's own result types."""
    return PersonReadiness(person_id, profile_code, dt.date(2026, 3, 1), [
        RequirementStatus("module", "HR-01", "met", "Completed 10 Jan 2026", MODULE_VALID_UNTIL,
                          {"completion_id": 1, "module_code": "HR-01", "module_version": "2.1",
                           "completed_on": dt.date(2026, 1, 10), "valid_until": MODULE_VALID_UNTIL}),
        RequirementStatus("module", "PKI-01", "met", "Completed 12 Jan 2026", dt.date(2032, 1, 12),
                          {"completion_id": 2, "module_code": "PKI-01", "module_version": "1.0",
                           "completed_on": dt.date(2026, 1, 12), "valid_until": dt.date(2032, 1, 12)}),
        RequirementStatus("exercise", "exercise", "met", "Outcome S in SHANTI-26", EXERCISE_VALID_UNTIL,
                          # the keys the engine puts in the evidence (rules.exercise_status: one credit row)
                          {"person_id": person_id, "exercise_id": 7, "exercise_code": "SHANTI-26",
                           "exercise_title": "Shanti Prayas command post exercise", "exercise_type": "functional",
                           "rating": "S", "ended_on": "2026-02-01"}),
        RequirementStatus("screening", "screening", "met", "Screening cleared"),
    ])


def certified_facts(given_names: str, family_name: str, given_names_latin: str | None = None,
                    family_name_latin: str | None = None, *, serial: str = "K7QD-3M9X-V2H0-7") -> dict:
    """The payload of a certificate for a person with these names, as issuing builds it."""
    person = SimpleNamespace(order=default_name_order(family_name, given_names),
        given_names=given_names, family_name=family_name, given_names_latin=given_names_latin or given_names,
        family_name_latin=family_name_latin or family_name, rank_code="OF-2", national_rank="Captain",
        category="military", nation_code="NPL", nation=SimpleNamespace(name="Nepal"),
        unit=SimpleNamespace(code="NPBATT-1", name="Nepalese Battalion 1"), service_number="NA-445566")
    return build_payload(person, fake_readiness(), serial=serial,
                         issued_at=dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc),
                         issuer_name="Colonel Issuer", profile_title_text="UN pre-deployment, military individual",
                         supersedes=None)
