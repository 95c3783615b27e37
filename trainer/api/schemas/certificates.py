"""Readiness certificates with their status (valid, expired, superseded, suspended, revoked), computed on
read exactly as the certificate pages compute it."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from trainer.api.schemas.common import CursorArgs, list_of, page_of
from trainer.certificates.models import CertificateStatus

STATUSES = [s.value for s in CertificateStatus]


class CertificatesArgs(CursorArgs):
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "Status as of today."})
    profile = fields.String(validate=validate.Length(min=1, max=60))
    person_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "A serial, a name or a service number."})


class CertificateSchema(ma.Schema):
    id = fields.Integer(required=True)
    serial = fields.String(required=True)
    person_id = fields.Integer(required=True)
    profile_code = fields.String(required=True)
    issued_at = fields.AwareDateTime(required=True)
    issued_on = fields.Date(required=True)
    valid_until = fields.Date(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    supersedes_id = fields.Integer(required=True, allow_none=True)
    verify_url = fields.String(required=True, metadata={"description": "The public verification page."})


class CertificateDetailSchema(CertificateSchema):
    fingerprint = fields.String(required=True, metadata={"description": "Fingerprint of the signed facts."})
    facts = fields.Dict(required=True, metadata={"description": "The certified facts, as signed."})


CertificatePage = page_of(CertificateSchema, "CertificatePage")
CertificateList = list_of(CertificateSchema, "CertificateList")
