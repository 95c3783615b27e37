"""A holder is told when a certificate is issued to them (alone or in a unit's batch) and when one is revoked,
in their account's own language, once."""
from __future__ import annotations

from sqlalchemy import select

from tests.certificates.builders import PROFILE, issuer


def _notes(db, user):
    from trainer.auth.models import Notification

    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


def test_the_holder_is_told_of_a_certificate_issued_to_them_with_its_serial_and_last_valid_day(
        app, db, make_person, make_user, issue):
    person = make_person()
    account = make_user("trainee", "self", person=person, username="t.holder")
    with app.test_request_context():
        cert = issue(person)
    [note] = _notes(db, account)
    assert note.kind == "certificate" and note.link == f"/certificates/{cert.id}"
    assert note.subject.startswith("Readiness certificate issued: ")
    assert cert.serial in note.body and cert.valid_until.strftime("%d %b %Y") in note.body


def test_a_francophone_holder_reads_it_in_french_and_is_told_once_more_when_it_is_revoked(
        app, db, make_person, make_user, issue):
    from flask_babel import force_locale, gettext

    from trainer.certificates.services.status import revoke_certificate

    person = make_person()
    account = make_user("trainee", "self", person=person, username="t.francophone")
    account.language = "fr"
    db.session.commit()
    with app.test_request_context():
        cert = issue(person)
        revoke_certificate(issuer(db), cert.id, "Issued on a forged screening record")
        db.session.commit()
        with force_locale("fr"):
            revoked = gettext("Readiness certificate revoked: %(serial)s", serial=cert.serial)
    issued_note, revoked_note = _notes(db, account)
    assert issued_note.subject.startswith("Certificat") and cert.serial in issued_note.body
    assert revoked_note.subject == revoked != "Readiness certificate revoked: " + cert.serial
    assert "Issued on a forged screening record" in revoked_note.body


def test_a_units_batch_tells_each_certified_account_once_and_nobody_skipped(
        app, db, make_unit, make_person, make_user, ready):
    from trainer.certificates.bulk import issue_batch

    unit = make_unit(nation="NPL", code="NPBATT-9")
    certified, skipped, no_account = make_person(unit=unit), make_person(unit=unit), make_person(unit=unit)
    ready(certified)
    ready(no_account)
    ready(skipped, modules=("HR-01",))
    told = make_user("trainee", "self", person=certified, username="t.batch")
    not_told = make_user("trainee", "self", person=skipped, username="t.skipped")
    with app.test_request_context():
        batch = issue_batch(issuer(db), unit.id, PROFILE)
        db.session.commit()
    [note] = _notes(db, told)
    assert note.dedupe_key == f"certificate:batch:{batch.id}" and note.link == "/certificates/"
    assert PROFILE in note.body
    assert _notes(db, not_told) == []
