"""What a certificate page prints for each certified fact, as text: the one place the renderer takes its
lines from and the checker (`certificates verify`) compares a page against. Pure module: imports
neither Flask nor the database.

The page is in English whatever the interface language: it is a document that travels between nations
and is compared, line by line, with its signed data.
"""
from __future__ import annotations

import datetime as dt
import unicodedata

from trainer.org.names import GIVEN_FIRST, format_name

NO_VALUE = "—"


def fmt_date(value) -> str:
    if not value:
        return NO_VALUE
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value.strftime("%d %b %Y")


def _order(person: dict) -> str:
    # Certificates signed before names carried their order printed given names first.
    return person.get("name_order") or GIVEN_FIRST


def native_name(person: dict) -> str:
    """The name in its own script, in the person's order (欧阳明华, not 明华 欧阳)."""
    return format_name(person.get("given_names"), person.get("family_name"), _order(person))


def latin_name(person: dict) -> str:
    return format_name(person.get("given_names_latin"), person.get("family_name_latin"), _order(person))


def profile_line(payload: dict) -> str:
    profile = payload["profile"]
    return f"Readiness profile: {profile['code']}" + (f" — {profile['title']}" if profile.get("title") else "")


def person_facts(person: dict) -> list[tuple[str, str]]:
    """(label, value) of the four columns under the name."""
    rank = " · ".join(p for p in (person.get("national_rank"), person.get("rank_code")) if p)
    return [("Rank", rank), ("Nation", f"{person.get('nation_name') or ''} ({person['nation_code']})"),
            ("Unit", f"{person.get('unit_name') or ''} ({person.get('unit_code') or ''})"),
            ("Service number", person.get("service_number") or "")]


def module_cells(module: dict) -> list[str]:
    """The row of one module: code, version, completed on, valid until."""
    code = module["code"] + (" (waived)" if module.get("state") == "waived" else "")
    return [code, module.get("version") or NO_VALUE, fmt_date(module.get("completed_on")),
            fmt_date(module.get("valid_until"))]


def exercise_lines(exercise: dict) -> list[str]:
    label = " ".join(p for p in (exercise.get("code"), exercise.get("title")) if p)
    kind = (exercise.get("type") or "").replace("_", "-")
    return [label, f"Outcome {exercise.get('rating') or NO_VALUE} · {kind} · ended {fmt_date(exercise.get('ended_on'))}"]


def footer_facts(payload: dict) -> list[tuple[str, str]]:
    issuer = payload.get("issuer", {})
    return [("Issued", fmt_date(payload["issued_on"])), ("Valid until", fmt_date(payload.get("valid_until"))),
            ("Issued by", issuer.get("name") or ""), ("Serial", payload["serial"])]


def verify_line(verify_url: str) -> str:
    return f"Verify at {verify_url}"


def normalise(text: str) -> str:
    """Text as compared: one form of each character (NFC), runs of white space as one space, no space
    at either end (a line's ActualText is its text without surrounding space)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def expected_runs(payload: dict) -> list[tuple[str, str, list[str]]]:
    """(fact, what the signed data says, the texts the page prints one after another for it) for every
    certified fact printed on the page."""
    person = payload["person"]
    runs = [("native name", native_name(person), [native_name(person)])]
    if latin_name(person) and latin_name(person) != native_name(person):
        runs.append(("Latin name", latin_name(person), [latin_name(person)]))
    runs += [(label.lower(), value, [label, value]) for label, value in person_facts(person)]
    runs.append(("profile", payload["profile"]["code"], [profile_line(payload)]))
    for module in payload.get("modules", []):
        cells = module_cells(module)
        runs.append((f"module {module['code']}", " ".join(cells), cells))
    for exercise in payload.get("exercises", []):
        lines = exercise_lines(exercise)
        runs.append((f"exercise {exercise.get('code') or ''}".strip(), " ".join(lines), lines))
    labels = {"Issued": "issue date", "Valid until": "valid-until date", "Issued by": "issuer", "Serial": "serial"}
    runs += [(labels[label], value, [label, value]) for label, value in footer_facts(payload)]
    return [(fact, said, [normalise(t) for t in texts]) for fact, said, texts in runs]
