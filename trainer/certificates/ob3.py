"""Open Badges 3.0 documents: a certificate as an OpenBadgeCredential (1EdTech Open Badges 3.0 on the W3C
Verifiable Credentials Data Model 2.0), the issuer's profile and public keys, and the Bitstring Status List
credential that carries every credential's status (W3C Bitstring Status List v1.0).

The documents are unsigned here; `dataintegrity.add_proof` secures them. Every property used is one the
vendored contexts define, so that all of it is covered by the signature.

Status: the Open Badges 3.0 schema allows one `credentialStatus` object, not the list of two entries
(revocation and suspension) the status-list specification shows. Each credential therefore has one
entry with the purpose "message" and two bits: 0 valid, 1 suspended (screening on hold; reversible),
2 superseded (re-certified: a newer credential replaces it), 3 revoked. A verifier following the
specification reads any value but 0 as "not valid", and the message says why.

Pure module: imports neither Flask nor the database.
"""
from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import uuid
from dataclasses import dataclass, field
from enum import IntEnum

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CID_V1 = "https://www.w3.org/ns/cid/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

# Entries per status list: the minimum Bitstring Status List v1.0 sets for herd privacy (131,072).
LIST_SIZE = 131_072
STATUS_SIZE = 2  # bits per entry
STATUS_PURPOSE = "message"
# How long a verifier may keep a fetched status list before fetching it again (milliseconds).
STATUS_TTL_MS = 300_000


class EntryStatus(IntEnum):
    VALID = 0
    SUSPENDED = 1
    SUPERSEDED = 2
    REVOKED = 3


STATUS_MESSAGES = [{"status": f"0x{s.value:x}", "message": s.name.lower()} for s in EntryStatus]


def timestamp(value: dt.datetime) -> str:
    """An XML Schema dateTime in UTC, to the second: 2026-01-31T12:00:00Z."""
    return value.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def end_of_day(day: dt.date) -> str:
    """The last second of a date (UTC): a certificate is valid through its valid-until date."""
    return f"{day.isoformat()}T23:59:59Z"


def credential_id(verify_url: str) -> str:
    """The credential's id: a URN derived from the certificate's verify address, so that every export of
    one certificate is the same credential and a re-certification is a new one."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, verify_url)}"


def identity_hash(identifier: str, salt: str) -> str:
    """An Open Badges IdentityHash: "sha256$" + hex SHA-256 of the identifier followed by the salt."""
    return "sha256$" + hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()


# --- the parts of a credential -----------------------------------------------------------------------

@dataclass(frozen=True)
class Issuer:
    id: str                 # the HTTPS address of the issuer profile
    name: str
    url: str                # the installation's public address


@dataclass(frozen=True)
class ModuleFact:
    code: str
    version: str | None     # None when the requirement was waived
    title: str
    url: str
    waived: bool = False


@dataclass(frozen=True)
class ExerciseRequirement:
    types: tuple[str, ...]  # HSEEP exercise types, e.g. ("functional", "full_scale")
    within_months: int
    min_outcome: str        # "P" or "S"
    waived: bool = False


@dataclass(frozen=True)
class Achievement:
    id: str
    code: str
    title: str
    modules: tuple[ModuleFact, ...]
    exercise: ExerciseRequirement | None
    screening_required: bool


@dataclass(frozen=True)
class StatusEntry:
    list_url: str
    index: int              # the position in that list
    reference: str          # a page that says the status in words


@dataclass(frozen=True)
class CredentialFacts:
    id: str
    issuer: Issuer
    issued_at: dt.datetime
    valid_until: dt.date | None
    achievement: Achievement
    identity_hash: str
    status: StatusEntry
    names: tuple[str, ...] = field(default_factory=tuple)  # the printed name(s), only if the holder agrees


def _exercise_text(exercise: ExerciseRequirement) -> str:
    kinds = " or ".join(t.replace("_", "-") for t in exercise.types)
    text = (f"An exercise of type {kinds} that ended within the {exercise.within_months} months before the "
            f"date of issue, with an adjudicated outcome of {exercise.min_outcome} or better on the HSEEP "
            "P/S/M/U scale.")
    return text + (" Waived for this holder by a commander." if exercise.waived else "")


def criteria_narrative(achievement: Achievement) -> str:
    """The requirements, in Markdown: each module at the version certified, the exercise, the screening."""
    lines = ["Every module below completed and still valid on the date of issue:", ""]
    for module in achievement.modules:
        if module.waived:
            lines.append(f"- {module.code} {module.title}: waived for this holder by a commander")
        else:
            lines.append(f"- {module.code} {module.title}, version {module.version}")
    if achievement.exercise is not None:
        lines += ["", _exercise_text(achievement.exercise)]
    if achievement.screening_required:
        lines += ["", "Screening cleared."]
    return "\n".join(lines)


def _requirements(achievement: Achievement) -> str:
    parts = ["the required training modules"]
    parts += ["the exercise requirement"] if achievement.exercise is not None else []
    parts += ["cleared screening"] if achievement.screening_required else []
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def achievement_document(achievement: Achievement, issuer: Issuer) -> dict:
    alignments = [{"type": ["Alignment"], "targetCode": m.code, "targetUrl": m.url,
                   "targetName": m.title + (f" (version {m.version})" if m.version else ""),
                   "targetType": "ext:TrainingModule"} for m in achievement.modules]
    document = {
        "id": achievement.id,
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": achievement.title,
        "description": f"Readiness certified against the profile {achievement.code} ({achievement.title}): "
                       + _requirements(achievement) + ".",
        "criteria": {"narrative": criteria_narrative(achievement)},
        "humanCode": achievement.code,
        "inLanguage": "en",
        "creator": {"id": issuer.id, "type": ["Profile"], "name": issuer.name},
    }
    if alignments:
        document["alignment"] = alignments
    return document


def credential_document(facts: CredentialFacts) -> dict:
    """The unsigned OpenBadgeCredential of a certificate."""
    identifiers = [{"type": "IdentityObject", "hashed": True, "identityType": "systemId",
                    "identityHash": facts.identity_hash}]
    identifiers += [{"type": "IdentityObject", "hashed": False, "identityType": "name", "identityHash": name}
                    for name in facts.names]
    title = facts.achievement.title
    document = {
        "@context": [CREDENTIALS_V2, OPEN_BADGES_V3],
        "id": facts.id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Readiness certificate: {title}",
        "description": f"Certified ready for {title} ({facts.achievement.code}) by {facts.issuer.name}.",
        "issuer": {"id": facts.issuer.id, "type": ["Profile"], "name": facts.issuer.name, "url": facts.issuer.url},
        "validFrom": timestamp(facts.issued_at),
        "awardedDate": timestamp(facts.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "achievement": achievement_document(facts.achievement, facts.issuer),
        },
        "credentialStatus": status_entry_document(facts.status),
    }
    if facts.valid_until is not None:
        document["validUntil"] = end_of_day(facts.valid_until)
    return document


def status_entry_document(entry: StatusEntry) -> dict:
    return {"id": f"{entry.list_url}#{entry.index}", "type": "BitstringStatusListEntry",
            "statusPurpose": STATUS_PURPOSE, "statusListIndex": str(entry.index), "statusSize": STATUS_SIZE,
            "statusMessage": STATUS_MESSAGES, "statusListCredential": entry.list_url,
            "statusReference": entry.reference}


# --- the issuer and its keys --------------------------------------------------------------------------

def key_document(key_url: str, controller: str, public_key_multibase: str) -> dict:
    """A Multikey: what the `verificationMethod` of a proof dereferences to."""
    return {"@context": MULTIKEY_V1, "id": key_url, "type": "Multikey", "controller": controller,
            "publicKeyMultibase": public_key_multibase}


def issuer_document(issuer: Issuer, keys: list[tuple[str, str]]) -> dict:
    """The issuer's Open Badges Profile, which is also the controller document of its keys: every key
    ((address, publicKeyMultibase)) ever used is listed, so older credentials still verify."""
    methods = [{"id": url, "type": "Multikey", "controller": issuer.id, "publicKeyMultibase": multibase}
               for url, multibase in keys]
    return {"@context": [CREDENTIALS_V2, OPEN_BADGES_V3, CID_V1], "id": issuer.id, "type": ["Profile"],
            "name": issuer.name, "url": issuer.url, "verificationMethod": methods,
            "assertionMethod": [url for url, _ in keys]}


# --- the status list ------------------------------------------------------------------------------------

def list_number(status_index: int) -> int:
    """The status list (numbered from 1) that holds a certificate's status index."""
    return status_index // LIST_SIZE + 1


def list_position(status_index: int) -> int:
    """The entry in its status list that a status index is."""
    return status_index % LIST_SIZE


def encode_statuses(statuses: dict[int, EntryStatus], size: int = LIST_SIZE) -> str:
    """The `encodedList` of a status list: entry i's STATUS_SIZE bits start at bit i * STATUS_SIZE, the
    first bit being the left-most (most significant) bit of the first byte; GZIP, then multibase base64url."""
    bits = bytearray(size * STATUS_SIZE // 8)
    for index, status in statuses.items():
        if not 0 <= index < size:
            raise ValueError(f"status list index {index} is outside the list")
        for offset in range(STATUS_SIZE):
            if (int(status) >> (STATUS_SIZE - 1 - offset)) & 1:
                position = index * STATUS_SIZE + offset
                bits[position // 8] |= 0x80 >> (position % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def status_list_document(list_url: str, issuer_id: str, statuses: dict[int, EntryStatus],
                         at: dt.datetime) -> dict:
    """The unsigned BitstringStatusListCredential of one list, as of `at`."""
    return {
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": timestamp(at),
        "credentialSubject": {"id": f"{list_url}#list", "type": "BitstringStatusList",
                              "statusPurpose": STATUS_PURPOSE, "encodedList": encode_statuses(statuses),
                              "ttl": STATUS_TTL_MS},
    }
