"""The certified facts: the payload that is signed, built from a person and their readiness, and read back."""
from __future__ import annotations

import datetime as dt
import json

from trainer.certificates.canonical import fingerprint
from trainer.certificates.models import Certificate


def _iso(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _evidence(readiness) -> tuple[list[dict], list[dict], list]:
    """(modules, exercises, end dates) of the requirements the person meets."""
    modules, exercises, ends = [], [], []
    for req in readiness.requirements:
        evidence = req.evidence or {}
        if req.valid_until:
            ends.append(req.valid_until)
        if evidence.get("valid_until"):
            ends.append(evidence["valid_until"])
        if req.kind == "module":
            modules.append({"code": req.key, "version": evidence.get("module_version"),
                            "completed_on": _iso(evidence.get("completed_on")),
                            "valid_until": _iso(evidence.get("valid_until") or req.valid_until),
                            "state": "waived" if req.state == "waived" else "met"})
        elif req.kind == "exercise":
            if req.state == "waived" or not evidence:
                exercises.append({"code": None, "title": "Exercise requirement waived", "type": None,
                                  "rating": None, "ended_on": None, "state": "waived",
                                  "valid_until": _iso(req.valid_until)})
            else:
                # The engine's evidence is the credit row: exercise_code, exercise_title, exercise_type.
                exercises.append({"code": evidence.get("exercise_code"), "title": evidence.get("exercise_title"),
                                  "type": evidence.get("exercise_type"), "rating": evidence.get("rating"),
                                  "ended_on": _iso(evidence.get("ended_on")), "state": "met",
                                  "valid_until": _iso(req.valid_until)})
    return modules, exercises, ends


def valid_until_of(readiness) -> dt.date | None:
    """The day a certificate issued on this readiness would end: the earliest end of its evidence."""
    ends = _evidence(readiness)[2]
    return min((d if isinstance(d, dt.date) else dt.date.fromisoformat(d)) for d in ends) if ends else None


def build_payload(person, readiness, *, serial: str, issued_at: dt.datetime, issuer_name: str,
                  profile_title_text: str | None, supersedes: str | None) -> dict:
    """Every fact the certificate certifies; valid until the earliest end of its evidence."""
    modules, exercises, _ends = _evidence(readiness)
    valid_until = valid_until_of(readiness)
    return {
        "format": "trainer-certificate/1",
        "serial": serial,
        "issued_on": issued_at.date().isoformat(),
        "issued_at": issued_at.replace(microsecond=0),
        "valid_until": _iso(valid_until),
        "issuer": {"name": issuer_name},
        "profile": {"code": readiness.profile_code, "title": profile_title_text},
        "person": {
            "given_names": person.given_names, "family_name": person.family_name,
            "given_names_latin": person.given_names_latin, "family_name_latin": person.family_name_latin,
            "name_order": person.order,
            "rank_code": person.rank_code, "national_rank": person.national_rank or "",
            "category": person.category, "nation_code": person.nation_code,
            "nation_name": person.nation.name if person.nation else person.nation_code,
            "unit_code": person.unit.code if person.unit else "", "unit_name": person.unit.name if person.unit else "",
            "service_number": person.service_number,
        },
        "modules": modules,
        "exercises": exercises,
        "supersedes": supersedes,
    }


def payload_of(cert: Certificate) -> dict:
    return json.loads(cert.payload)


def payload_fingerprint(cert: Certificate) -> str:
    return fingerprint(cert.payload.encode("utf-8"))
