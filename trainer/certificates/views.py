"""Certificates: lists, the person page, issue, revoke, re-certify, downloads, bulk issue, the public
verification pages (no sign-in) with the published public keys, and the Open Badges exports with their
public issuer profile, keys and status lists."""
from __future__ import annotations

import json
from functools import partial

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _, ngettext
from flask_login import current_user

from trainer.auth.policy import has_ability
from trainer.certificates import bulk, offline_page, printed, skip_reasons
from trainer.certificates.forms import BulkForm, IssueForm, RecertifyForm, RevokeForm, VerifyForm
from trainer.certificates.models import CertificateStatus
from trainer.certificates.services import (
    documents, issuing, keys, openbadges, public, reads, statements, status, status_list,
)
from trainer.db import write_intent
from trainer.errors import Conflict, Invalid
from trainer.forms import apply_errors

bp = Blueprint("certificates", __name__)
# Certified names as the certificate prints them, in the person's own order (欧阳明华, not 明华 欧阳).
bp.add_app_template_global(printed.native_name, "cert_native_name")
bp.add_app_template_global(printed.latin_name, "cert_latin_name")


bp.add_app_template_global(reads.requirement_label, "requirement_label")
# Why a bulk issue skipped someone, in the reader's language (kept as codes and facts, or in words before that).
bp.add_app_template_global(skip_reasons.word, "skip_reason")


@bp.app_template_global("status_label")
def status_label(value) -> str:
    """A recorded status in the reader's words (the history records the value)."""
    try:
        return CertificateStatus(value).label
    except ValueError:
        return str(value)


@bp.app_template_global("exercise_type_label")
def exercise_type_label(value) -> str:
    """A signed exercise type ("functional") in the reader's words; an unknown one as it was signed."""
    from trainer.enums import ExerciseType

    try:
        return ExerciseType(value).label
    except ValueError:
        return str(value or "").replace("_", "-")


@bp.app_template_global("cert_screening")
def screening_label(value) -> str:
    from trainer.org.labels import SCREENING_LABELS, label

    return label(SCREENING_LABELS, value)


@bp.route("/certificates/")
def index():
    sort = request.args.get("sort") if request.args.get("sort") in reads.SORTS else None
    direction = "desc" if request.args.get("dir") == "desc" else "asc"
    page, chosen = reads.page_of_certificates(current_user, status=request.args.get("status") or None,
                                              profile=request.args.get("profile") or None,
                                              q=request.args.get("q") or None,
                                              page=request.args.get("page", 1, type=int),
                                              sort=sort, descending=direction == "desc")
    return render_template("certificates/index.html", page=page, status=chosen, statuses=list(CertificateStatus),
                           profiles=reads.profile_choices(), computed_status=status.computed_status,
                           can_issue=has_ability(current_user, "certificate.issue"), sort=sort, direction=direction)


@bp.route("/certificates/<int:certificate_id>")
def detail(certificate_id):
    found = reads.get_certificate_page(current_user, certificate_id)
    return render_template("certificates/detail.html", cert=found.cert, payload=found.payload, status=found.status,
                           fingerprint=found.fingerprint, verify_url=found.verify_url, can_manage=found.can_manage,
                           badge_name=openbadges.holder_choice(current_user, found.cert),
                           event_reason=status.event_reason)


@bp.route("/certificates/<int:certificate_id>/certificate.pdf")
def download(certificate_id):
    cert = reads.get_certificate(current_user, certificate_id)
    pdf = documents.render_pdf(cert)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{documents.pdf_filename(cert)}"',
        "Cache-Control": "private, no-store"})


@bp.route("/certificates/person/<int:person_id>")
def person(person_id):
    found = reads.get_person_certificates(current_user, person_id)
    return render_template("certificates/person.html", person=found.person, certificates=found.certificates,
                           computed_status=status.computed_status,
                           can_issue=has_ability(current_user, "certificate.issue"))


@bp.route("/certificates/person/<int:person_id>/issue", methods=["GET", "POST"])
def issue(person_id):
    target = reads.get_person_to_certify(current_user, person_id)
    form = IssueForm()
    form.profile.choices = [("", _("Choose…"))] + reads.profile_choices()
    if request.method == "GET" and request.args.get("profile") in {code for code, _label in form.profile.choices[1:]}:
        form.profile.data = request.args["profile"]  # arriving from the person's readiness page
    if not form.validate_on_submit():
        return (render_template("certificates/issue.html", person=target, form=form, refusal=None, warnings=None),
                422 if request.method == "POST" else 200)
    # The warnings confirmed are those shown for this profile; a profile changed since asks again.
    confirmed = bool(form.confirm.data) and form.warned_profile.data == form.profile.data
    try:
        cert = issuing.issue_certificate(current_user, target.id, form.profile.data, confirmed=confirmed)
    except issuing.Unconfirmed as unconfirmed:
        form.warned_profile.data = form.profile.data
        form.confirm.data = False
        return render_template("certificates/issue.html", person=target, form=form, refusal=None,
                               warnings=unconfirmed), 200
    except (Invalid, Conflict) as refusal:
        # Not ready, or already certified: the page says why, with the form as it was. Nothing was written.
        return render_template("certificates/issue.html", person=target, form=form, refusal=refusal,
                               warnings=None), refusal.status
    flash(_("Certificate %(serial)s issued.", serial=cert.serial), "success")
    return redirect(url_for("certificates.detail", certificate_id=cert.id))


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
def revoke(certificate_id):
    cert = reads.get_certificate(current_user, certificate_id, "certificate.issue")
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            status.revoke_certificate(current_user, cert.id, form.reason.data)
        except (Invalid, Conflict) as error:
            apply_errors(form, error)
            cert = reads.get_certificate(current_user, certificate_id, "certificate.issue")
        else:
            flash(_("Certificate %(serial)s revoked.", serial=cert.serial), "success")
            return redirect(url_for("certificates.detail", certificate_id=cert.id))
    return render_template("certificates/revoke.html", cert=cert, form=form), (422 if request.method == "POST" else 200)


@bp.route("/certificates/<int:certificate_id>/recertify", methods=["POST"])
def recertify(certificate_id):
    old = reads.get_certificate(current_user, certificate_id, "certificate.issue")
    old_serial = old.serial
    form = RecertifyForm()
    try:
        new = issuing.recertify(current_user, certificate_id, confirmed=form.validate_on_submit() and form.confirm.data)
    except issuing.Unconfirmed as unconfirmed:
        # Nothing was written: the warnings are shown, and re-certifying asks to confirm them.
        form.confirm.data = False
        return render_template("certificates/recertify.html", cert=old, form=form, warnings=unconfirmed)
    except (Invalid, Conflict) as error:
        # Shown on the certificate's page, each reason under the name of its requirement.
        apply_errors(None, type(error)(error.message, errors=[(reads.requirement_label(key), message)
                                                              for key, message in error.errors]))
        return redirect(url_for("certificates.detail", certificate_id=certificate_id))
    flash(_("Certificate %(serial)s issued; %(old)s is now marked as replaced.", serial=new.serial, old=old_serial),
          "success")
    return redirect(url_for("certificates.detail", certificate_id=new.id))


# --- Open Badges ---------------------------------------------------------------------------------

def _json_ld(document: dict, *, filename: str | None = None, public_cache: bool = False) -> Response:
    response = Response(json.dumps(document, ensure_ascii=False, indent=2) + "\n", mimetype="application/ld+json")
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if public_cache:
        response.headers["Cache-Control"] = "public, max-age=300"
        response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers in a browser fetch these too
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/certificates/<int:certificate_id>/open-badge.json")
def open_badge(certificate_id):
    badge = openbadges.get_open_badge(current_user, certificate_id)
    return _json_ld(badge.credential, filename=badge.filename)


@bp.route("/certificates/<int:certificate_id>/open-badge-name", methods=["POST"])
def open_badge_name(certificate_id):
    include = request.form.get("include_name") == "yes"
    openbadges.choose_name_in_badges(current_user, certificate_id, include)
    flash(_("Your Open Badges now show your name.") if include
          else _("Your Open Badges no longer show your name."), "success")
    return redirect(url_for("certificates.detail", certificate_id=certificate_id))


@bp.route("/openbadges/issuer")
def openbadges_issuer():
    return _json_ld(openbadges.issuer_profile(), public_cache=True)


@bp.route("/openbadges/keys/<kid>")
def openbadges_key(kid):
    return _json_ld(openbadges.key_document(kid), public_cache=True)


@bp.route("/openbadges/status/<list_number>")
def openbadges_status(list_number):
    return _json_ld(status_list.status_list_credential(list_number), public_cache=True)


# --- bulk ----------------------------------------------------------------------------------------

@bp.route("/certificates/bulk", methods=["GET", "POST"])
def bulk_issue():
    """First a preview of the batch (who would be certified, who is skipped and why, who carries a warning),
    then the issue, confirmed from that preview. Nothing is written before the confirmation."""
    form = BulkForm()
    form.unit.choices = [(u.id, f"{u.nation_code} · {u.code} — {u.name}")
                         for u in bulk.list_units_for_bulk_issue(current_user)]
    form.profile.choices = [("", _("Choose…"))] + reads.profile_choices()
    if not form.validate_on_submit():
        return render_template("certificates/bulk.html", form=form, plan=None), (422 if request.method == "POST" else 200)
    chosen = f"{form.unit.data} {form.profile.data}"
    # The issue button confirms the preview shown; a unit or profile changed since then is previewed again.
    confirmed = bool(form.issue.data) and form.previewed.data == chosen
    try:
        if confirmed:
            batch = bulk.issue_batch(current_user, form.unit.data, form.profile.data,
                                     issue_anyway=form.issue_anyway.data or [])
        else:
            plan = bulk.plan_batch(current_user, form.unit.data, form.profile.data)
    except (Invalid, Conflict) as error:
        apply_errors(form, error)
        return render_template("certificates/bulk.html", form=form, plan=None), 422
    if confirmed:
        flash(ngettext("%(num)d certificate issued; %(skipped)s skipped.",
                       "%(num)d certificates issued; %(skipped)s skipped.", batch.total,
                       skipped=ngettext("%(num)d person", "%(num)d people", len(batch.skipped))), "success")
        return redirect(url_for("certificates.batch", batch_id=batch.id))
    form.previewed.data = chosen
    return render_template("certificates/bulk.html", form=form, plan=plan)


@bp.route("/certificates/batches/<int:batch_id>")
def batch(batch_id):
    found = bulk.get_batch(current_user, batch_id)
    return render_template("certificates/batch.html", batch=found, issued=bulk.list_issued(found),
                           warning_days=reads.profile_warning_days(found.profile_code))


@bp.route("/certificates/batches/<int:batch_id>/status.json")
def batch_status(batch_id):
    found = bulk.get_batch(current_user, batch_id)
    return jsonify(total=found.total, rendered=found.rendered, skipped=len(found.skipped or []))


def _stream(batch_id: int, generator, mimetype: str, filename: str) -> Response:
    """A streamed download. The generator runs after the view has returned (and the request's
    transaction has ended), in application contexts of its own, so that it never depends on the
    request's context."""
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
    return _stream(found.id, partial(bulk.stream_zip, language=str(get_locale())), "application/zip", name)


@bp.route("/certificates/batches/<int:batch_id>/certificates.pdf")
def batch_pdf(batch_id):
    found = bulk.get_batch(current_user, batch_id)
    name = f"certificates-{found.unit.code}-{found.profile_code}-{found.as_of.isoformat()}.pdf"
    return _stream(found.id, bulk.stream_merged, "application/pdf", name)


# --- public verification -------------------------------------------------------------------------

def _find_by_serial(serial: str):
    """The certificate a typed serial names (Invalid when none). The public pages count these lookups per client
    address, so that serials cannot be tried in bulk (429 past the limit); signed-in staff who check certificates
    as their work are not counted (nor slowed down by a shared address)."""
    if not has_ability(current_user, "certificate.verify_unlimited"):
        limit = int(current_app.config.get("VERIFY_RATE_LIMIT_PER_MINUTE", 30))
        if not public.allow_verify_request(request.remote_addr or "unknown", limit):
            abort(429)
    return public.find_by_serial(serial)


@bp.route("/verify")
def verify_form():
    form = VerifyForm(request.args)
    if request.args.get("serial"):
        try:
            cert = _find_by_serial(request.args["serial"])
        except Invalid as error:
            form.serial.errors = [error.message]
            return render_template("certificates/verify_form.html", form=form), 422
        return redirect(url_for("certificates.verify", serial=cert.serial))
    return render_template("certificates/verify_form.html", form=form)


@bp.route("/verify/<serial>")
def verify(serial):
    try:
        cert = _find_by_serial(serial)
    except Invalid as error:
        form = VerifyForm(data={"serial": serial})
        form.serial.errors = [error.message]
        return render_template("certificates/verify_form.html", form=form), 404
    if cert.serial != serial:
        return redirect(url_for("certificates.verify", serial=cert.serial))
    view = public.public_view(current_user, cert)
    response = current_app.make_response(render_template("certificates/verify.html", view=view))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/verify/<serial>/status.json")
def status_json(serial):
    """The certificate's status now, signed: for `certificates verify --status` and other programs."""
    try:
        cert = _find_by_serial(serial)
    except Invalid as error:
        return jsonify(error=error.message), 404
    response = jsonify(statements.status_document(cert))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/verify/keys.json", endpoint="keys")
def published_keys():
    response = jsonify(keys.public_keyset())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/verify/keys")
def public_keys():
    return render_template("certificates/keys.html", keyset=keys.public_keyset())


@bp.route("/verify/offline.html")
def offline_verifier():
    """One HTML file that checks a QR token against the published keys in the browser, with no network,
    in the visitor's language: for a checkpoint without a connection."""
    response = current_app.make_response(offline_page.render_offline_verifier(keys.public_keyset()))
    response.mimetype = "text/html"
    response.headers["Content-Disposition"] = 'attachment; filename="trainer-offline-verifier.html"'
    response.headers["Cache-Control"] = "no-store"
    return response
