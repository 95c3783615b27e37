"""Offline verification: find the signed envelope embedded in a certificate PDF and check it with
public keys alone. Pure module: imports neither Flask nor the database."""
from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field

from trainer.certificates.signing import Envelope, verify_signature
from trainer.certificates.printed import latin_name, native_name

_EMBEDDED = re.compile(rb"/Type\s*/EmbeddedFile\b")
_OBJ_START = re.compile(rb"\d+\s+\d+\s+obj\b")


def N_(message: str) -> str:
    """Marks a message for translation; it is translated where it is shown."""
    return message


class NoEnvelope(ValueError):
    pass


def extract_envelope(pdf: bytes) -> Envelope:
    """The first embedded certificate envelope in a PDF written by this application."""
    if not pdf.startswith(b"%PDF-"):
        raise NoEnvelope(N_("the file is not a PDF"))
    for match in _EMBEDDED.finditer(pdf):
        starts = list(_OBJ_START.finditer(pdf, max(0, match.start() - 2000), match.start()))
        if not starts:
            continue
        header_start = starts[-1].end()
        stream_kw = pdf.find(b"stream", match.end())
        if stream_kw < 0:
            continue
        dictionary = pdf[header_start:stream_kw]
        length = re.search(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", dictionary)
        if not length:
            continue
        begin = stream_kw + len(b"stream")
        if pdf[begin:begin + 2] == b"\r\n":
            begin += 2
        elif pdf[begin:begin + 1] in (b"\n", b"\r"):
            begin += 1
        data = pdf[begin:begin + int(length.group(1))]
        if b"/FlateDecode" in dictionary:
            try:
                data = zlib.decompress(data)
            except zlib.error as exc:
                raise NoEnvelope(N_("the embedded certificate data is damaged")) from exc
        try:
            return Envelope.from_bytes(data)
        except (ValueError, KeyError) as exc:
            raise NoEnvelope(N_("the embedded certificate data is not in the expected format")) from exc
    raise NoEnvelope(N_("the PDF carries no signed certificate data"))


@dataclass
class OfflineResult:
    authentic: bool
    problem: str = ""
    kid: str = ""
    payload: dict = field(default_factory=dict)


def verify_pdf(pdf: bytes, keys: dict) -> OfflineResult:
    try:
        envelope = extract_envelope(pdf)
    except NoEnvelope as exc:
        return OfflineResult(False, str(exc))
    if envelope.kid not in keys:
        return OfflineResult(False, f"it was signed with key {envelope.kid}, which is not among the trusted public keys",
                             kid=envelope.kid)
    if not verify_signature(keys, envelope.kid, envelope.payload, envelope.signature):
        return OfflineResult(False, "the signature does not match the certified data: the data was altered "
                                    "or the signature is not genuine", kid=envelope.kid)
    try:
        payload = json.loads(envelope.payload)
    except ValueError:
        return OfflineResult(False, "the certified data is not readable", kid=envelope.kid)
    return OfflineResult(True, kid=envelope.kid, payload=payload)


def describe(payload: dict) -> list[str]:
    """What a payload certifies, as lines of text."""
    person = payload.get("person", {})
    native, latin = native_name(person), latin_name(person)
    lines = [
        f"Serial:          {payload.get('serial')}",
        f"Name:            {native}" + (f" ({latin})" if latin and latin != native else ""),
        f"Rank:            {' '.join(p for p in (person.get('national_rank'), person.get('rank_code')) if p)}",
        f"Nation:          {person.get('nation_name', '')} ({person.get('nation_code', '')})",
        f"Unit:            {person.get('unit_name', '')} ({person.get('unit_code', '')})",
        f"Service number:  {person.get('service_number', '')}",
        f"Profile:         {payload.get('profile', {}).get('code')} {payload.get('profile', {}).get('title') or ''}".rstrip(),
        f"Issued:          {payload.get('issued_on')} by {payload.get('issuer', {}).get('name', '')}",
        f"Valid until:     {payload.get('valid_until') or 'no expiry date'}",
    ]
    for module in payload.get("modules", []):
        lines.append(f"Module:          {module.get('code')} v{module.get('version') or '-'} completed "
                     f"{module.get('completed_on') or '-'} valid until {module.get('valid_until') or '-'}"
                     + (" (waived)" if module.get("state") == "waived" else ""))
    for exercise in payload.get("exercises", []):
        lines.append(f"Exercise:        {exercise.get('code') or ''} {exercise.get('title') or ''} outcome "
                     f"{exercise.get('rating') or '-'} ended {exercise.get('ended_on') or '-'}")
    if payload.get("supersedes"):
        lines.append(f"Replaces:        {payload['supersedes']}")
    return lines
