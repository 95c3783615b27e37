"""Readiness certificates with their status (valid, expired, superseded, suspended, revoked), computed on
read exactly as the certificate pages compute it."""
from __future__ import annotations

from marshmallow import fields, validate

from trainer.api.schemas.common import AnswerSchema, CursorArgs, list_of, page_of
from trainer.certificates.models import CertificateStatus

STATUSES = [s.value for s in CertificateStatus]


class CertificatesArgs(CursorArgs):
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "Status as of today."})
    profile = fields.String(validate=validate.Length(min=1, max=60))
    person_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "A serial, a name or a service number."})


class CertificateSchema(AnswerSchema):
    id = fields.Integer()
    serial = fields.String()
    person_id = fields.Integer()
    profile_code = fields.String()
    issued_at = fields.AwareDateTime()
    issued_on = fields.Date()
    valid_until = fields.Date(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    supersedes_id = fields.Integer(allow_none=True)
    verify_url = fields.String(metadata={"description": "The public verification page."})


class CertificateDetailSchema(CertificateSchema):
    fingerprint = fields.String(metadata={"description": "Fingerprint of the signed facts."})
    facts = fields.Dict(metadata={"description": "The certified facts, as signed."})


CertificatePage = page_of(CertificateSchema, "CertificatePage")
CertificateList = list_of(CertificateSchema, "CertificateList")
