"""Readiness certificates with their status, through the certificate pages' read services."""
from __future__ import annotations

from flask_smorest import Blueprint

from trainer.api import reads
from trainer.api.http import actor, page_response
from trainer.api.schemas import certificates as schemas
from trainer.certificates.services import documents
from trainer.certificates.services import reads as certificate_reads
from trainer.certificates.services.status import computed_status

blp = Blueprint("api_certificates", __name__, url_prefix="/api/v1", description="Readiness certificates.")


def _certificate(cert, status=None) -> dict:
    return {"id": cert.id, "serial": cert.serial, "person_id": cert.person_id, "profile_code": cert.profile_code,
            "issued_at": cert.issued_at, "issued_on": cert.issued_on, "valid_until": cert.valid_until,
            "status": (status or computed_status(cert)).value, "supersedes_id": cert.supersedes_id,
            "verify_url": documents.verify_url(cert)}


@blp.route("/certificates")
@blp.arguments(schemas.CertificatesArgs, location="query")
@blp.response(200, schemas.CertificatePage, headers={"Link": {"schema": {"type": "string"}}})
def list_certificates(args):
    """The certificates in reach, newest first: cursor pages"""
    filters = {name: args.get(name) for name in ("status", "profile", "person_id", "q")}
    rows, next_cursor = reads.certificates_after(actor(), filters, cursor=args.get("cursor"), limit=args["limit"])
    return page_response(schemas.CertificateSchema(many=True).dump([_certificate(c) for c in rows]), next_cursor)


@blp.route("/certificates/<int:certificate_id>")
@blp.response(200, schemas.CertificateDetailSchema)
def get_certificate(certificate_id: int):
    """A certificate: its status today and the facts it certifies, as signed"""
    page = certificate_reads.get_certificate_page(actor(), certificate_id)
    return {**_certificate(page.cert, page.status), "fingerprint": page.fingerprint, "facts": page.payload}


@blp.route("/people/<int:person_id>/certificates")
@blp.response(200, schemas.CertificateList)
def list_person_certificates(person_id: int):
    """A person's certificates, newest first"""
    found = certificate_reads.get_person_certificates(actor(), person_id)
    return {"items": [_certificate(c) for c in found.certificates]}
