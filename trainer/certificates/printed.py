"""What a certificate page prints for each certified fact, as text: the one place the renderer takes its
lines from and the checker (`certificates verify`) compares a page against. Pure module: imports
neither Flask nor the database.

The page is in English and French, the two working languages of the UN Secretariat, whatever the
interface language: it is a document that travels between nations and is compared, line by line, with
its signed data. Each heading and label reads "English / français"; dates are written the ISO 8601 way
(2026-03-05), which reads the same in both languages and cannot be taken for 3 May. Pages printed before
certificates were bilingual (English only, dates as 05 Mar 2026) still check: see LAYOUTS.
"""
from __future__ import annotations

import datetime as dt
import unicodedata

from trainer.org.names import GIVEN_FIRST, format_name

NO_VALUE = "—"
BILINGUAL, ENGLISH = "bilingual", "english"
# The layouts a page may have been printed in, the current one first.
LAYOUTS = (BILINGUAL, ENGLISH)

# English and French of every word the page prints around the certified facts.
WORDS = {
    "title": ("Readiness certificate", "Certificat de préparation"),
    "profile": ("Readiness profile", "Profil de préparation"),
    "rank": ("Rank", "Grade"),
    "nation": ("Nation", "Pays"),
    "unit": ("Unit", "Unité"),
    "service_number": ("Service number", "Matricule"),
    "modules": ("Modules", "Modules"),
    "module": ("Module", "Module"),
    "version": ("Version", "Version"),
    "completed": ("Completed", "Achevé le"),
    "valid_until": ("Valid until", "Valable jusqu'au"),
    "waived": ("waived", "dispensé"),
    "exercises": ("Exercises", "Exercices"),
    "no_exercise": ("No exercise required by this profile.", "Aucun exercice requis par ce profil."),
    "outcome": ("Outcome", "Résultat"),
    "ended": ("ended", "terminé le"),
    "issued": ("Issued", "Délivré le"),
    "issued_by": ("Issued by", "Délivré par"),
    "serial": ("Serial", "N° de série"),
    "verify_at": ("Verify at", "Vérifier sur"),
    "scan": ("Scan to verify", "Scanner pour vérifier"),
    "replaces": ("Replaces certificate", "Remplace le certificat"),
    "fingerprint": ("Signed data fingerprint (SHA-256)", "Empreinte des données signées (SHA-256)"),
    "key": ("key", "clé"),
}


def word(key: str, layout: str = BILINGUAL) -> str:
    """A heading or label as printed: "English / français" (English alone on the older layout, and where
    both languages write it the same)."""
    english, french = WORDS[key]
    return english if layout == ENGLISH or english == french else f"{english} / {french}"


def fmt_date(value, layout: str = BILINGUAL) -> str:
    if not value:
        return NO_VALUE
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value.isoformat() if layout == BILINGUAL else value.strftime("%d %b %Y")


def _order(person: dict) -> str:
    # Certificates signed before names carried their order printed given names first.
    return person.get("name_order") or GIVEN_FIRST


def native_name(person: dict) -> str:
    """The name in its own script, in the person's order (欧阳明华, not 明华 欧阳)."""
    return format_name(person.get("given_names"), person.get("family_name"), _order(person))


def latin_name(person: dict) -> str:
    return format_name(person.get("given_names_latin"), person.get("family_name_latin"), _order(person))


def profile_line(payload: dict, layout: str = BILINGUAL) -> str:
    profile = payload["profile"]
    return f"{word('profile', layout)}: {profile['code']}" + (f" — {profile['title']}" if profile.get("title") else "")


def person_facts(person: dict, layout: str = BILINGUAL) -> list[tuple[str, str]]:
    """(label, value) of the four columns under the name."""
    rank = " · ".join(p for p in (person.get("national_rank"), person.get("rank_code")) if p)
    return [(word("rank", layout), rank),
            (word("nation", layout), f"{person.get('nation_name') or ''} ({person['nation_code']})"),
            (word("unit", layout), f"{person.get('unit_name') or ''} ({person.get('unit_code') or ''})"),
            (word("service_number", layout), person.get("service_number") or "")]


def module_cells(module: dict, layout: str = BILINGUAL) -> list[str]:
    """The row of one module: code, version, completed on, valid until."""
    code = module["code"] + (f" ({word('waived', layout)})" if module.get("state") == "waived" else "")
    return [code, module.get("version") or NO_VALUE, fmt_date(module.get("completed_on"), layout),
            fmt_date(module.get("valid_until"), layout)]


def module_headings(layout: str = BILINGUAL) -> list[str]:
    return [word(key, layout) for key in ("module", "version", "completed", "valid_until")]


def exercise_lines(exercise: dict, layout: str = BILINGUAL) -> list[str]:
    label = " ".join(p for p in (exercise.get("code"), exercise.get("title")) if p)
    kind = (exercise.get("type") or "").replace("_", "-")
    return [label, f"{word('outcome', layout)} {exercise.get('rating') or NO_VALUE} · {kind} · "
                   f"{word('ended', layout)} {fmt_date(exercise.get('ended_on'), layout)}"]


FOOTER = ("issued", "valid_until", "issued_by", "serial")


def footer_facts(payload: dict, layout: str = BILINGUAL) -> list[tuple[str, str]]:
    """(label, value) of the four columns at the foot of the page, in the order of FOOTER."""
    issuer = payload.get("issuer", {})
    values = [fmt_date(payload["issued_on"], layout), fmt_date(payload.get("valid_until"), layout),
              issuer.get("name") or "", payload["serial"]]
    return [(word(key, layout), value) for key, value in zip(FOOTER, values)]


def verify_line(verify_url: str, layout: str = BILINGUAL) -> str:
    return f"{word('verify_at', layout)} {verify_url}"


def normalise(text: str) -> str:
    """Text as compared: one form of each character (NFC), runs of white space as one space, no space
    at either end (a line's ActualText is its text without surrounding space)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def expected_runs(payload: dict, layout: str = BILINGUAL) -> list[tuple[str, str, list[str]]]:
    """(fact, what the signed data says, the texts the page prints one after another for it) for every
    certified fact printed on the page."""
    person = payload["person"]
    runs = [("native name", native_name(person), [native_name(person)])]
    if latin_name(person) and latin_name(person) != native_name(person):
        runs.append(("Latin name", latin_name(person), [latin_name(person)]))
    facts = ("rank", "nation", "unit", "service number")
    runs += [(fact, value, [label, value]) for fact, (label, value) in zip(facts, person_facts(person, layout))]
    runs.append(("profile", payload["profile"]["code"], [profile_line(payload, layout)]))
    for module in payload.get("modules", []):
        cells = module_cells(module, layout)
        runs.append((f"module {module['code']}", " ".join(cells), cells))
    for exercise in payload.get("exercises", []):
        lines = exercise_lines(exercise, layout)
        runs.append((f"exercise {exercise.get('code') or ''}".strip(), " ".join(lines), lines))
    facts = ("issue date", "valid-until date", "issuer", "serial")
    runs += [(fact, value, [label, value]) for fact, (label, value) in zip(facts, footer_facts(payload, layout))]
    return [(fact, said, [normalise(t) for t in texts]) for fact, said, texts in runs]
