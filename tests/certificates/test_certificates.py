"""Issuing through the real readiness engine, status, verification (online and offline), scope, rate
limit and bulk issue."""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from urllib.parse import unquote

import pytest

from tests.certificates.builders import PROFILE, bulk_confirmed
from trainer.certificates.models import Certificate, CertificateStatusEvent
from trainer.certificates.services.documents import render_pdf


@pytest.fixture
def pdf_file(tmp_path):
    def write(data: bytes, name="certificate.pdf"):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)
    return write


# --- issuing ---------------------------------------------------------------------------------------

def test_commander_issues_to_a_ready_person_and_downloads_the_pdf(client, login_as, make_person, ready, db):
    person = make_person(nation="NPL", given_names="राम", family_name="थापा", given_names_latin="Ram",
                         family_name_latin="Thapa")
    ready(person)
    login_as("commander", "nation", nation="NPL")
    response = client.post(f"/certificates/person/{person.id}/issue", data={"profile": PROFILE})
    assert response.status_code == 302
    cert = db.session.execute(db.select(Certificate)).scalar_one()
    assert response.headers["Location"].endswith(f"/certificates/{cert.id}")
    pdf = client.get(f"/certificates/{cert.id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    # The UTF-8 file name carries the serial exactly (the plain-ASCII fallback may replace a check
    # symbol such as * that file systems refuse).
    assert pdf.data.startswith(b"%PDF") and cert.serial in unquote(pdf.headers["Content-Disposition"])
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert cert.serial in page and "Valid" in page
    assert 'data-confirm="Issue a new certificate from today' in page  # re-certify asks first


def test_a_person_who_is_not_ready_gets_no_certificate_and_the_reasons_are_shown(client, login_as, make_person, ready,
                                                                                 db):
    person = make_person(nation="NPL")
    ready(person, modules=("HR-01",))  # PKI-01 never completed
    login_as("commander", "nation", nation="NPL")
    response = client.post(f"/certificates/person/{person.id}/issue", data={"profile": PROFILE})
    assert response.status_code == 422
    assert "PKI-01 Peacekeeping intelligence: not completed." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Certificate)) == 0


def test_screening_not_cleared_blocks_issue(client, login_as, make_person, ready, db):
    person = make_person(nation="NPL", screening="pending")
    ready(person)  # every module and the exercise: only the screening is missing
    login_as("commander", "nation", nation="NPL")
    response = client.post(f"/certificates/person/{person.id}/issue", data={"profile": PROFILE})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "cannot be certified" in page and "Screening not yet completed (pending)." in page
    assert "HR-01" not in page  # the modules and the exercise are met
    assert db.session.scalar(db.select(db.func.count()).select_from(Certificate)) == 0


def test_the_engine_refuses_a_person_whose_screening_is_pending_and_nothing_is_written(make_person, make_user, ready,
                                                                                       db):
    from trainer.audit.models import AuditEvent
    from trainer.certificates.services.issuing import issue_certificate
    from trainer.errors import Invalid

    person = make_person(screening="pending")
    ready(person)
    commander = make_user("commander", "nation", nation=person.nation_code)
    audit_before = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    with pytest.raises(Invalid) as refused:
        issue_certificate(commander, person.id, PROFILE)
    assert refused.value.errors == [("screening", "Screening not yet completed (pending).")]
    assert db.session.scalar(db.select(db.func.count()).select_from(Certificate)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == audit_before
    person.screening = "cleared"  # the same person, once cleared, is certified
    db.session.commit()
    assert issue_certificate(commander, person.id, PROFILE).serial


def test_a_second_certificate_for_the_same_profile_must_be_a_recertification(make_person, issue):
    from trainer.errors import Conflict

    person = make_person()
    issue(person)
    with pytest.raises(Conflict, match="Re-certify"):
        issue(person)


def _first_draw_taken(monkeypatch, taken: int):
    """The status-index draw of an issue running at the same time as another: its first draw returns an index
    the other issue has just written (the check that the index was free ran before that issue committed)."""
    from trainer.certificates.services import issuing

    real, draws = issuing.new_status_indexes, []

    def draw(count):
        draws.append(count)
        return [taken, *real(count - 1)] if len(draws) == 1 else real(count)
    monkeypatch.setattr(issuing, "new_status_indexes", draw)
    return draws


def test_an_issue_that_draws_a_status_index_taken_meanwhile_draws_again(make_person, issue, db, monkeypatch):
    from trainer.certificates.services.issuing import issue_certificate
    from tests.certificates.builders import issuer, make_ready

    first = issue(make_person(service_number="NP-1"))
    person = make_person(service_number="NP-2")
    make_ready(db, person)
    draws = _first_draw_taken(monkeypatch, first.status_index)
    cert = issue_certificate(issuer(db), person.id, PROFILE)
    db.session.commit()
    assert len(draws) == 2  # the clash was met, and a second index drawn
    assert cert.status_index not in (None, first.status_index)
    assert [e.status for e in db.session.scalars(db.select(CertificateStatusEvent).where(
        CertificateStatusEvent.certificate_id == cert.id))] == ["valid"]  # its history written once


def test_a_bulk_issue_that_draws_a_status_index_taken_meanwhile_draws_again(make_unit, make_person, make_user,
                                                                            ready, issue, db, monkeypatch):
    from trainer.certificates import bulk

    first = issue(make_person(service_number="NP-1"))
    unit = make_unit(nation="NPL", code="NPL-C9", name="Company 9", kind="company")
    people = [make_person(nation="NPL", unit=unit, service_number=f"NP-C9-{n}") for n in range(3)]
    for person in people:
        ready(person)
    draws = _first_draw_taken(monkeypatch, first.status_index)
    batch = bulk.issue_batch(make_user("commander", "nation", nation="NPL"), unit.id, PROFILE)
    db.session.commit()
    issued = db.session.scalars(db.select(Certificate).where(Certificate.batch_id == batch.id)).all()
    assert batch.total == 3 and sorted(c.person_id for c in issued) == sorted(p.id for p in people)
    indexes = {c.status_index for c in issued}
    assert len(indexes) == 3 and first.status_index not in indexes
    assert draws == [3, 3]  # the whole batch drew again after the clash


def test_an_issue_meeting_taken_indexes_draw_after_draw_is_refused_and_writes_nothing(make_person, issue, db,
                                                                                      monkeypatch):
    from trainer.certificates.services import issuing
    from trainer.errors import Conflict
    from tests.certificates.builders import issuer, make_ready

    first = issue(make_person(service_number="NP-1"))
    person = make_person(service_number="NP-2")
    make_ready(db, person)
    monkeypatch.setattr(issuing, "new_status_indexes", lambda count: [first.status_index] * count)
    with pytest.raises(Conflict, match="issued at the same moment"):
        issuing.issue_certificate(issuer(db), person.id, PROFILE)
    assert db.session.scalar(db.select(db.func.count()).select_from(Certificate)) == 1


def test_recertify_links_the_new_certificate_and_supersedes_the_old(client, login_as, make_person, issue, db):
    person = make_person(nation="NPL")
    old = issue(person)
    login_as("commander", "nation", nation="NPL")
    response = client.post(f"/certificates/{old.id}/recertify")
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.execute(db.select(Certificate).where(Certificate.supersedes_id == old.id)).scalar_one()
    assert json.loads(new.payload)["supersedes"] == old.serial
    page = client.get(f"/verify/{old.serial}").get_data(as_text=True)
    assert "is superseded" in page and new.serial in page
    assert "is valid" in client.get(f"/verify/{new.serial}").get_data(as_text=True)
    # the old payload and signature are untouched
    assert db.session.get(Certificate, old.id).payload == old.payload


def test_a_certificate_is_not_re_certified_for_someone_no_longer_ready_and_the_reasons_are_shown(
        client, login_as, make_person, issue, db):
    person = make_person(nation="NPL")
    cert = issue(person)
    person.screening = "hold"
    db.session.commit()
    login_as("commander", "nation", nation="NPL")
    response = client.post(f"/certificates/{cert.id}/recertify", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == f"/certificates/{cert.id}"
    assert "cannot be certified" in page and "Screening on hold: the person cannot deploy" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Certificate)) == 1


# --- public verification ---------------------------------------------------------------------------

def test_verify_page_shows_public_facts_but_not_service_number_unit_or_exercises(client, make_person, ready, issue):
    person = make_person(given_names="Алексей", family_name="Смирнов", given_names_latin="Aleksei",
                         family_name_latin="Smirnov", service_number="RU-99887")
    evidence = ready(person)
    cert = issue(person)
    page = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    for expected in ("Алексей Смирнов", "Aleksei Smirnov", "OF-2", "Nepal", PROFILE, "HR-01",
                     evidence.completed_on["HR-01"].isoformat(), evidence.valid_until["HR-01"].isoformat(),
                     "is valid"):
        assert expected in page
    for hidden in ("RU-99887", "SHANTI-26", person.unit.code):
        assert hidden not in page


def test_verify_page_shows_restricted_facts_to_a_commander_in_scope(client, login_as, make_person, issue):
    person = make_person(nation="NPL", service_number="NA-123123")
    cert = issue(person)
    login_as("commander", "nation", nation="NPL")
    page = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "NA-123123" in page and "SHANTI-26" in page
    # the signed type code ("functional") reads as the exercise pages name it, in the reader's language
    assert "Functional exercise (FE) / CPX" in page and ">functional<" not in page
    client.post("/language", data={"language": "fr"})
    assert "Exercice fonctionnel" in client.get(f"/certificates/{cert.id}").get_data(as_text=True)


def test_verify_accepts_a_typed_serial_and_explains_typing_mistakes(client, make_person, issue):
    cert = issue(make_person())
    response = client.get("/verify", query_string={"serial": cert.serial.lower().replace("-", " ")})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{cert.serial}")
    wrong = cert.serial[:-1] + ("A" if cert.serial[-1] != "A" else "B")
    response = client.get("/verify", query_string={"serial": wrong})
    assert response.status_code == 422 and "typing mistake" in response.get_data(as_text=True)
    assert client.get("/verify").status_code == 200


def test_revoked_certificate_shows_revoked_and_the_reason_is_required(client, login_as, make_person, issue, db):
    cert = issue(make_person(nation="NPL"))
    login_as("commander", "nation", nation="NPL")
    response = client.post(f"/certificates/{cert.id}/revoke", data={"reason": "", "confirm": "y"})
    assert response.status_code == 422
    response = client.post(f"/certificates/{cert.id}/revoke", data={"reason": "Issued against a forged completion record", "confirm": "y"})
    assert response.status_code == 302
    client.get("/logout")
    page = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "is revoked" in page and "forged completion" not in page
    from trainer.audit.models import AuditEvent

    assert db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "certificate.revoke")).scalar_one()


def _history(db, cert) -> list[str]:
    db.session.expire_all()
    return [e.status for e in db.session.execute(db.select(CertificateStatusEvent)
                                                .where(CertificateStatusEvent.certificate_id == cert.id)
                                                .order_by(CertificateStatusEvent.id)).scalars()]


def test_screening_hold_suspends_at_once_without_saying_why_and_the_daily_run_records_it(client, runner, make_person,
                                                                                        issue, db):
    from trainer.audit.models import AuditEvent

    person = make_person()
    cert = issue(person)
    person.screening = "hold"  # the org domain owns screening changes
    db.session.commit()
    page = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "is suspended" in page
    assert "screening" not in page.lower()
    assert _history(db, cert) == ["valid"]  # reading wrote nothing
    result = runner.invoke(args=["certificates", "record-status"])
    assert result.exit_code == 0 and "Recorded 1 suspension(s) and 0 reinstatement(s)." in result.output
    assert _history(db, cert) == ["valid", "suspended"]
    audited = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "certificate.suspend")).scalar_one()
    assert audited.object_id == str(cert.id) and json.loads(audited.details)["reason"] == "screening on hold"
    assert "Recorded 0 suspension(s)" in runner.invoke(args=["certificates", "record-status"]).output
    assert _history(db, cert) == ["valid", "suspended"]  # a second run adds nothing

    person = db.session.get(type(person), person.id)
    person.screening = "cleared"
    db.session.commit()
    assert "is valid" in client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "1 reinstatement(s)" in runner.invoke(args=["certificates", "record-status"]).output
    assert _history(db, cert) == ["valid", "suspended", "valid"]
    from trainer.audit.services import verify_chain

    assert verify_chain().ok


def test_the_status_shown_is_right_the_day_after_expiry_without_anything_written(client, login_as, make_person, ready,
                                                                                issue, db, monkeypatch):
    from trainer.certificates.services import status

    person = make_person(nation="NPL")
    evidence = ready(person)
    cert = issue(person)
    assert cert.valid_until == evidence.certificate_valid_until
    login_as("commander", "nation", nation="NPL")
    monkeypatch.setattr(status, "today", lambda: cert.valid_until)  # the last day it is valid
    assert "is valid" in client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    monkeypatch.setattr(status, "today", lambda: cert.valid_until + dt.timedelta(days=1))
    assert "is expired" in client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert 'data-status="expired"' in page
    assert 'data-status="expired"' in client.get(f"/certificates/person/{person.id}").get_data(as_text=True)
    assert _history(db, cert) == ["valid"]


def test_reading_certificates_writes_no_row(client, login_as, make_person, issue, db, count_queries, monkeypatch):
    """A certificate page, a person's list, the certificates list and the public verify page are reads:
    whatever the status (here suspended by a screening hold, and past its date) nothing is written; the
    verify page's hit counter (rate_events) is written apart, in its own short transaction."""
    from trainer.certificates.services import status

    person = make_person(nation="NPL")
    cert = issue(person)
    person.screening = "hold"
    db.session.commit()
    monkeypatch.setattr(status, "today", lambda: cert.valid_until + dt.timedelta(days=1))
    login_as("commander", "nation", nation="NPL")
    with count_queries() as queries:
        pages = [client.get(url) for url in (f"/certificates/{cert.id}", f"/certificates/person/{person.id}",
                                             "/certificates/", f"/verify/{cert.serial}",
                                             f"/verify?serial={cert.serial}")]
    assert [page.status_code for page in pages] == [200, 200, 200, 200, 302]
    assert 'data-status="suspended"' in pages[0].get_data(as_text=True)
    assert "is suspended" in pages[3].get_data(as_text=True)
    writes = [statement for statement in queries.statements
              if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "rate_events" not in statement]
    assert writes == []
    assert _history(db, cert) == ["valid"]


def test_unknown_serial_is_404(client):
    from trainer.certificates.serial import check_symbol, format_serial

    body = "ABCDEFGHJKMN"
    assert client.get(f"/verify/{format_serial(body + check_symbol(body))}").status_code == 404


def test_verification_is_rate_limited_per_client_address(app, client, make_person, issue):
    app.config["VERIFY_RATE_LIMIT_PER_MINUTE"] = 3
    cert = issue(make_person())
    codes = [client.get(f"/verify/{cert.serial}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = client.get(f"/verify/{cert.serial}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200


def test_public_keys_are_published(client, make_person, issue):
    cert = issue(make_person())
    keys = client.get("/verify/keys.json").get_json()
    assert cert.key_id in [k["kid"] for k in keys["keys"]]
    assert all(k["kty"] == "OKP" and k["crv"] == "Ed25519" and "d" not in k for k in keys["keys"])


# --- offline verification --------------------------------------------------------------------------

def test_cli_verifies_an_authentic_pdf_with_the_published_keys_alone(client, runner, make_person, issue, pdf_file, tmp_path):
    cert = issue(make_person(given_names="Ngoné", family_name="Diagne", given_names_latin="Ngone",
                             family_name_latin="Diagne"))
    path = pdf_file(render_pdf(cert))
    keys = tmp_path / "keys.json"
    keys.write_text(client.get("/verify/keys.json").get_data(as_text=True))
    result = runner.invoke(args=["certificates", "verify", path, "--keys", str(keys)])
    assert result.exit_code == 0, result.output
    assert "AUTHENTIC" in result.output and cert.serial in result.output and "Ngoné Diagne" in result.output


def test_cli_detects_one_changed_byte_of_the_payload(runner, make_person, issue, pdf_file):
    cert = issue(make_person(given_names="Sita", family_name="Gurung", family_name_latin="Gurung"))
    pdf = render_pdf(cert)
    at = pdf.index(b'"family_name":"Gurung"') + len(b'"family_name":"')
    forged = pdf[:at] + b"K" + pdf[at + 1:]          # Gurung -> Kurung
    assert len(forged) == len(pdf)
    result = runner.invoke(args=["certificates", "verify", pdf_file(forged)])
    assert result.exit_code != 0
    assert "NOT VERIFIED" in result.output and "altered" in result.output
    # a changed date is detected just the same
    signed = f'"valid_until":"{cert.valid_until.isoformat()}"'.encode()
    at = pdf.index(signed) + len(signed) - 2  # the last digit of the day
    later = pdf[:at] + (b"1" if pdf[at:at + 1] != b"1" else b"2") + pdf[at + 1:]
    assert runner.invoke(args=["certificates", "verify", pdf_file(later, "later.pdf")]).exit_code != 0


def test_cli_rejects_keys_of_another_issuer_and_files_without_data(runner, make_person, issue, pdf_file, tmp_path):
    from trainer.certificates.signing import KeyStore

    cert = issue(make_person())
    stranger = KeyStore(tmp_path / "other")
    stranger.ensure_current()
    keys = tmp_path / "other.json"
    keys.write_text(json.dumps(stranger.keyset()))
    result = runner.invoke(args=["certificates", "verify", pdf_file(render_pdf(cert)), "--keys", str(keys)])
    assert result.exit_code != 0 and "not among the trusted public keys" in result.output
    assert runner.invoke(args=["certificates", "verify", pdf_file(b"%PDF-1.4\n%%EOF\n", "empty.pdf")]).exit_code != 0
    assert runner.invoke(args=["certificates", "verify", str(tmp_path / "missing.pdf")]).exit_code != 0


def test_a_changed_visible_name_is_exposed_by_the_verify_page_and_the_cli(client, runner, make_person, issue, pdf_file,
                                                                         tmp_path):
    """A forger who redraws the page with another name but keeps the signed data: the verify page and
    the offline check both give the true name."""
    import subprocess

    from trainer.certificates.pdf import render_certificate
    from trainer.certificates.services.documents import verify_url
    from trainer.certificates.services.facts import payload_fingerprint
    from trainer.certificates.signing import Envelope, unb64u

    cert = issue(make_person(given_names="Sita", family_name="Gurung", given_names_latin="Sita",
                             family_name_latin="Gurung"))
    forged_facts = json.loads(cert.payload)
    forged_facts["person"].update(given_names="Maya", given_names_latin="Maya")
    envelope = Envelope(cert.key_id, cert.payload.encode(), unb64u(cert.signature)).to_bytes()
    forged = render_certificate(forged_facts, envelope=envelope, qr_text=verify_url(cert),
                                fingerprint=payload_fingerprint(cert), verify_url=verify_url(cert))
    path = pdf_file(forged)
    assert "Maya Gurung" in subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
    page = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "Sita Gurung" in page and "Maya" not in page
    result = runner.invoke(args=["certificates", "verify", path])
    assert "Sita Gurung" in result.output and "Maya" not in result.output


def test_rotate_key_keeps_old_certificates_verifiable(runner, make_person, issue, pdf_file):
    cert = issue(make_person())
    result = runner.invoke(args=["certificates", "rotate-key"])
    assert result.exit_code == 0 and "stays published" in result.output
    assert runner.invoke(args=["certificates", "verify", pdf_file(render_pdf(cert))]).exit_code == 0
    newer = issue(make_person())
    assert newer.key_id != cert.key_id


# --- scope -----------------------------------------------------------------------------------------

def test_another_nations_commander_gets_404(client, login_as, make_person, issue):
    cert = issue(make_person(nation="NPL"))
    person = cert.person
    login_as("commander", "nation", nation="FRA")
    for url in (f"/certificates/{cert.id}", f"/certificates/{cert.id}/certificate.pdf",
                f"/certificates/{cert.id}/revoke", f"/certificates/person/{person.id}",
                f"/certificates/person/{person.id}/issue"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/certificates/{cert.id}/recertify").status_code == 404
    assert cert.serial not in client.get("/certificates/").get_data(as_text=True)
    # the public page stays public, without the restricted facts
    page = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert "is valid" in page and person.service_number not in page


def test_trainee_downloads_own_certificates_only(client, make_person, make_user, issue):
    from tests.conftest import login

    mine = issue(make_person(nation="NPL"))
    theirs = issue(make_person(nation="NPL"))
    user = make_user("trainee", "self", person=mine.person)
    login(client, user.username)
    listing = client.get("/certificates/").get_data(as_text=True)
    assert mine.serial in listing and theirs.serial not in listing
    assert client.get(f"/certificates/{mine.id}/certificate.pdf").status_code == 200
    assert client.get(f"/certificates/{theirs.id}/certificate.pdf").status_code == 404
    assert client.post(f"/certificates/{mine.id}/revoke", data={"reason": "trying", "confirm": "y"}).status_code == 403


def test_list_filters_by_status(client, login_as, make_person, issue):
    valid = issue(make_person(nation="NPL"))
    revoked = issue(make_person(nation="NPL"))
    user = login_as("commander", "nation", nation="NPL")
    from trainer.certificates.services.status import revoke_certificate
    from trainer.extensions import db

    revoke_certificate(user, revoked.id, "Duplicate record")
    db.session.commit()
    page = client.get("/certificates/?status=revoked").get_data(as_text=True)
    assert revoked.serial in page and valid.serial not in page
    page = client.get("/certificates/?status=valid").get_data(as_text=True)
    assert valid.serial in page and revoked.serial not in page


# --- bulk ------------------------------------------------------------------------------------------

def test_bulk_issue_streams_a_zip_and_a_merged_pdf_and_lists_who_was_skipped(client, login_as, make_unit, make_person,
                                                                            ready, db, tmp_path):
    import subprocess

    unit = make_unit(nation="NPL", code="NPBATT-1")
    company = make_unit(nation="NPL", code="NPBATT-1-A", parent=unit, kind="company")
    everyone_ready = [make_person(unit=unit), make_person(unit=company), make_person(unit=company)]
    held = make_person(unit=unit, screening="hold")
    missing = make_person(unit=company)
    for person in everyone_ready + [held]:
        ready(person)
    ready(missing, modules=("HR-01",))
    login_as("commander", "nation", nation="NPL")
    response = client.post("/certificates/bulk", data=bulk_confirmed(unit.id))
    assert response.status_code == 302
    batch_url = response.headers["Location"]
    page = client.get(batch_url).get_data(as_text=True)
    assert "<strong>3</strong> certificates issued" in page
    issued_part, skipped_part = page.split(">Skipped<")
    for person in everyone_ready:  # who received one is listed, with the serial
        assert person.full_name_latin in issued_part and person.full_name_latin not in skipped_part
    assert all(c.serial in issued_part for c in Certificate.query.all())
    assert held.full_name_latin in skipped_part and missing.full_name_latin in skipped_part
    assert "PKI-01 Peacekeeping intelligence: not completed." in page
    assert "Screening on hold" in skipped_part

    zipped = client.get(batch_url + "/certificates.zip")
    assert zipped.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(zipped.data))
    names = archive.namelist()
    assert "skipped.csv" in names and len([n for n in names if n.endswith(".pdf")]) == 3
    assert held.service_number in archive.read("skipped.csv").decode("utf-8-sig")
    status = client.get(batch_url + "/status.json").get_json()
    assert status == {"total": 3, "rendered": 3, "skipped": 2}

    merged = client.get(batch_url + "/certificates.pdf")
    path = tmp_path / "merged.pdf"
    path.write_bytes(merged.data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Pages:           3" in info
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    for person in everyone_ready:
        assert person.full_name_latin in text

    # a second run skips those who now hold a certificate
    again = client.post("/certificates/bulk", data=bulk_confirmed(unit.id))
    assert "already holds certificate" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_bulk_download_renders_with_no_transaction_open_so_other_writers_go_ahead(client, login_as, make_unit,
                                                                                 make_person, ready, db, monkeypatch):
    """A second process issuing certificates must not wait behind a download: on SQLite an open write
    transaction holds the database lock, so PDFs are rendered outside any transaction."""
    from trainer.certificates.services import documents

    unit = make_unit(nation="NPL", code="NPBATT-2")
    for _ in range(7):
        ready(make_person(unit=unit))
    login_as("commander", "nation", nation="NPL")
    batch_url = client.post("/certificates/bulk", data=bulk_confirmed(unit.id)).headers["Location"]
    open_during_render = []
    original = documents.render_pdf

    def watched(cert):
        open_during_render.append(db.session().in_transaction())
        return original(cert)

    monkeypatch.setattr(documents, "render_pdf", watched)
    archive = zipfile.ZipFile(io.BytesIO(client.get(batch_url + "/certificates.zip").data))
    assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 7
    assert open_during_render == [False] * 7
    assert client.get(batch_url + "/status.json").get_json()["rendered"] == 7


def test_bulk_issue_audits_each_certificate_in_order_with_as_many_queries_for_twelve_people_as_for_three(
        make_unit, make_person, make_user, ready, issue, db, count_queries):
    """Every certificate of a bulk issue has its own status event and audit event, in the order issued,
    an expired certificate is replaced and marked so, the audit chain still verifies, and the database
    is asked as often for a unit of twelve as for a unit of three (the readiness engine's reads included)."""
    from trainer.audit.models import AuditEvent
    from trainer.audit.services import verify_chain
    from trainer.certificates import bulk
    from trainer.certificates.services.keys import signature_ok

    def bulk_issue(unit, people):
        with count_queries() as queries:
            batch = bulk.issue_batch(commander, unit.id, PROFILE)
        db.session.commit()
        return batch, queries.count

    small, large = make_unit(nation="NPL"), make_unit(nation="NPL")
    commander = make_user("commander", "nation", nation="NPL")
    small_people = [make_person(unit=small) for _ in range(3)]
    large_people = [make_person(unit=large) for _ in range(12)]
    for person in small_people + large_people:
        ready(person)
    expired = [issue(small_people[1]), issue(large_people[5])]
    for cert in expired:
        cert.valid_until = dt.date(2020, 1, 1)
    db.session.commit()

    small_batch, small_queries = bulk_issue(small, small_people)
    large_batch, large_queries = bulk_issue(large, large_people)
    assert (small_batch.total, large_batch.total) == (3, 12)
    assert large_queries == small_queries

    issued = db.session.scalars(db.select(Certificate).where(Certificate.batch_id == large_batch.id)
                                .order_by(Certificate.id)).all()
    names = [c.person.family_name_latin for c in issued]
    assert names == sorted(names)  # issued (and so zipped) in name order
    audited = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "certificate.issue")
                                 .order_by(AuditEvent.seq)).all()[-12:]
    assert [json.loads(e.details)["after"]["serial"] for e in audited] == [c.serial for c in issued]
    assert [e.object_id for e in audited] == [str(c.id) for c in issued]
    for cert in issued:
        assert [e.status for e in cert.events] == ["valid"]
    replaced = db.session.get(Certificate, expired[1].id)
    replacement = next(c for c in issued if c.supersedes_id == replaced.id)
    assert replaced.recorded_status == "superseded"
    assert [e.status for e in replaced.events] == ["valid", "superseded"]
    assert replaced.events[-1].reason == f"replaced by {replacement.serial}"
    assert json.loads(replacement.payload)["supersedes"] == replaced.serial
    assert [e.reason for e in replacement.events] == [f"re-certification of {replaced.serial}"]
    assert all(signature_ok(c) for c in issued)
    assert verify_chain().ok


def test_bulk_issue_for_another_nations_unit_is_404(client, login_as, make_unit):
    unit = make_unit(nation="FRA")
    login_as("commander", "nation", nation="NPL")
    for data in ({"unit": unit.id, "profile": PROFILE}, bulk_confirmed(unit.id)):  # neither previewed nor issued
        assert client.post("/certificates/bulk", data=data).status_code in (404, 422)


def test_bad_input_gets_a_clear_message_and_issues_or_changes_nothing(client, login_as, make_person, make_unit, issue,
                                                                      db):
    person = make_person(nation="NPL")
    french = make_person(nation="FRA")
    cert = issue(make_person(nation="NPL"))
    login_as("commander", "nation", nation="NPL")
    empty = client.post(f"/certificates/person/{person.id}/issue", data={})
    assert empty.status_code == 422 and "invalid-feedback" in empty.get_data(as_text=True)
    assert client.post(f"/certificates/person/{person.id}/issue", data={"profile": "NO-SUCH"}).status_code == 422
    assert client.post(f"/certificates/person/{french.id}/issue", data={"profile": PROFILE}).status_code == 404
    assert client.post("/certificates/person/abc/issue", data={"profile": PROFILE}).status_code == 404
    bulk = client.post("/certificates/bulk", data={"unit": "not-a-unit", "profile": PROFILE})
    assert bulk.status_code == 422 and "invalid-feedback" in bulk.get_data(as_text=True)
    assert client.post("/certificates/bulk", data={}).status_code == 422
    revoke = client.post(f"/certificates/{cert.id}/revoke", data={"reason": "   ", "confirm": "y"})
    assert revoke.status_code == 422
    revoke = client.post(f"/certificates/{cert.id}/revoke", data={"reason": "    a", "confirm": "y"})  # the service's own check
    assert revoke.status_code == 422 and "A reason of at least 5 characters is required." in revoke.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Certificate)) == 1
    assert db.session.get(Certificate, cert.id).revoked_at is None
    # A serial with one character changed: its check character gives it away, on the form and in the address.
    tampered = cert.serial[:-3] + ("Z" if cert.serial[-3] != "Z" else "Y") + cert.serial[-2:]
    for response in (client.get(f"/verify/{tampered}"), client.get("/verify", query_string={"serial": tampered})):
        text = response.get_data(as_text=True)
        assert response.status_code in (404, 422) and ("typing mistake" in text or "No certificate" in text)
        assert person.full_name_latin not in text
    garbage = client.get("/verify/%3Cscript%3E")
    assert garbage.status_code in (404, 422) and "<script>" not in garbage.get_data(as_text=True)
