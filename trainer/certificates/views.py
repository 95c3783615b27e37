"""Certificates: lists, the person page, issue, revoke, re-certify, downloads, bulk issue, and the
public verification pages (no sign-in) with the published public keys."""
from __future__ import annotations

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request,
                   url_for)
from flask_login import current_user
from sqlalchemy import select

from trainer.auth.policy import has_ability
from trainer.auth.scoping import get_scoped, scope_condition
from trainer.certificates import bulk, services
from trainer.certificates.forms import BulkForm, IssueForm, RevokeForm, VerifyForm
from trainer.certificates.models import CertificateStatus
from trainer.db import write_intent
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.org.models import Unit

bp = Blueprint("certificates", __name__)


def _flash_errors(error: Invalid) -> None:
    flash(error.message, "danger")
    for field, message in error.errors:
        flash(f"{field}: {message}", "warning")


@bp.route("/certificates/")
def index():
    status = request.args.get("status") or None
    if status and status not in {s.value for s in CertificateStatus}:
        status = None
    query = services.list_certificates(current_user, status=status, profile=request.args.get("profile") or None,
                                       q=request.args.get("q") or None)
    page = db.paginate(query, per_page=25, error_out=False)
    return render_template("certificates/index.html", page=page, status=status, statuses=list(CertificateStatus),
                           profiles=services.profile_choices(), computed_status=services.computed_status,
                           can_issue=has_ability(current_user, "certificate.issue"))


@bp.route("/certificates/<int:certificate_id>")
def detail(certificate_id):
    cert = services.get_certificate(current_user, certificate_id)
    status = services.sync_status(cert)
    db.session.commit()
    return render_template("certificates/detail.html", cert=cert, payload=services.payload_of(cert), status=status,
                           fingerprint=services.payload_fingerprint(cert), verify_url=services.verify_url(cert),
                           can_manage=has_ability(current_user, "certificate.issue")
                           and _in_scope_for_issuers(cert))


def _in_scope_for_issuers(cert) -> bool:
    from trainer.auth.scoping import in_scope

    return in_scope(current_user, "certificate", cert, "certificate.issue")


@bp.route("/certificates/<int:certificate_id>/certificate.pdf")
def download(certificate_id):
    cert = services.get_certificate(current_user, certificate_id)
    pdf = services.render_pdf(cert)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{services.pdf_filename(cert)}"',
        "Cache-Control": "private, no-store"})


@bp.route("/certificates/person/<int:person_id>")
def person(person_id):
    target = get_scoped(current_user, "person", person_id, "certificate.read")
    certificates = db.session.execute(services.list_certificates(current_user, person_id=target.id)).unique().scalars().all()
    return render_template("certificates/person.html", person=target, certificates=certificates,
                           computed_status=services.computed_status,
                           can_issue=has_ability(current_user, "certificate.issue"))


@bp.route("/certificates/person/<int:person_id>/issue", methods=["GET", "POST"])
def issue(person_id):
    target = get_scoped(current_user, "person", person_id, "certificate.issue")
    form = IssueForm()
    form.profile.choices = [("", "Choose…")] + services.profile_choices()
    if request.method == "GET" and request.args.get("profile") in {code for code, _ in form.profile.choices[1:]}:
        form.profile.data = request.args["profile"]  # arriving from the person's readiness page
    reasons = None
    status = 200
    if form.validate_on_submit():
        try:
            cert = services.issue_certificate(current_user, target.id, form.profile.data)
        except Invalid as error:
            db.session.rollback()
            reasons, status = error, 422
        else:
            db.session.commit()
            flash(f"Certificate {cert.serial} issued.", "success")
            return redirect(url_for("certificates.detail", certificate_id=cert.id))
    elif request.method == "POST":
        status = 422
    return render_template("certificates/issue.html", person=target, form=form, reasons=reasons), status


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
def revoke(certificate_id):
    cert = get_scoped(current_user, "certificate", certificate_id, "certificate.issue")
    form = RevokeForm()
    if form.validate_on_submit():
        services.revoke_certificate(current_user, cert.id, form.reason.data)
        db.session.commit()
        flash(f"Certificate {cert.serial} revoked.", "success")
        return redirect(url_for("certificates.detail", certificate_id=cert.id))
    return render_template("certificates/revoke.html", cert=cert, form=form), (422 if request.method == "POST" else 200)


@bp.route("/certificates/<int:certificate_id>/recertify", methods=["POST"])
def recertify(certificate_id):
    cert = get_scoped(current_user, "certificate", certificate_id, "certificate.issue")
    try:
        new = services.recertify(current_user, cert.id)
    except Invalid as error:
        db.session.rollback()
        _flash_errors(error)
        return redirect(url_for("certificates.detail", certificate_id=certificate_id))
    db.session.commit()
    flash(f"Certificate {new.serial} issued; {cert.serial} is now marked as replaced.", "success")
    return redirect(url_for("certificates.detail", certificate_id=new.id))


# --- bulk ----------------------------------------------------------------------------------------

@bp.route("/certificates/bulk", methods=["GET", "POST"])
def bulk_issue():
    form = BulkForm()
    units = db.session.execute(select(Unit).where(scope_condition(current_user, "unit", "certificate.issue"))
                               .order_by(Unit.nation_code, Unit.path).limit(2000)).unique().scalars().all()
    form.unit.choices = [(u.id, f"{u.nation_code} · {u.code} — {u.name}") for u in units]
    form.profile.choices = [("", "Choose…")] + services.profile_choices()
    if form.validate_on_submit():
        batch = bulk.issue_batch(current_user, form.unit.data, form.profile.data)
        db.session.commit()
        flash(f"{batch.total} certificates issued; {len(batch.skipped)} people skipped.", "success")
        return redirect(url_for("certificates.batch", batch_id=batch.id))
    return render_template("certificates/bulk.html", form=form), (422 if request.method == "POST" else 200)


@bp.route("/certificates/batches/<int:batch_id>")
def batch(batch_id):
    found = bulk.get_batch(current_user, batch_id)
    return render_template("certificates/batch.html", batch=found, issued=bulk.list_issued(found))


@bp.route("/certificates/batches/<int:batch_id>/status.json")
def batch_status(batch_id):
    found = bulk.get_batch(current_user, batch_id)
    return jsonify(total=found.total, rendered=found.rendered, skipped=len(found.skipped or []))


def _stream(batch_id: int, generator, mimetype: str, filename: str) -> Response:
    """A streamed download. The generator runs after the view has returned, in application contexts
    of its own, so that it never depends on the request's context."""
    app = current_app._get_current_object()

    def run():
        chunks = generator(batch_id)
        while True:
            # One application context per step: a context pushed across a yield would be popped in
            # whatever context the server (or a client closing early) resumes the generator in.
            with app.app_context():
                write_intent.set(True)  # progress is written while the download streams
                try:
                    chunk = next(chunks)
                except StopIteration:
                    return
            yield chunk

    response = Response(run(), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/certificates/batches/<int:batch_id>/certificates.zip")
def batch_zip(batch_id):
    found = bulk.get_batch(current_user, batch_id)
    name = f"certificates-{found.unit.code}-{found.profile_code}-{found.as_of.isoformat()}.zip"
    db.session.commit()
    return _stream(found.id, bulk.stream_zip, "application/zip", name)


@bp.route("/certificates/batches/<int:batch_id>/certificates.pdf")
def batch_pdf(batch_id):
    found = bulk.get_batch(current_user, batch_id)
    name = f"certificates-{found.unit.code}-{found.profile_code}-{found.as_of.isoformat()}.pdf"
    db.session.commit()
    return _stream(found.id, bulk.stream_merged, "application/pdf", name)


# --- public verification -------------------------------------------------------------------------

def _rate_limited() -> bool:
    write_intent.set(True)
    limit = int(current_app.config.get("VERIFY_RATE_LIMIT_PER_MINUTE", 30))
    allowed = services.allow_request(f"verify:{request.remote_addr or 'unknown'}", limit)
    db.session.commit()
    return not allowed


@bp.route("/verify")
def verify_form():
    form = VerifyForm(request.args)
    if request.args.get("serial"):
        if _rate_limited():
            abort(429)
        try:
            cert = services.find_by_serial(request.args["serial"])
        except Invalid as error:
            form.serial.errors = [error.message]
            return render_template("certificates/verify_form.html", form=form), 422
        return redirect(url_for("certificates.verify", serial=cert.serial))
    return render_template("certificates/verify_form.html", form=form)


@bp.route("/verify/<serial>")
def verify(serial):
    if _rate_limited():
        abort(429)
    try:
        cert = services.find_by_serial(serial)
    except Invalid as error:
        form = VerifyForm(data={"serial": serial})
        form.serial.errors = [error.message]
        return render_template("certificates/verify_form.html", form=form), 404
    view = services.public_view(current_user, cert)
    db.session.commit()
    if cert.serial != serial:
        return redirect(url_for("certificates.verify", serial=cert.serial))
    response = current_app.make_response(render_template("certificates/verify.html", view=view))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/verify/keys.json")
def keys():
    response = jsonify(services.public_keyset())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
