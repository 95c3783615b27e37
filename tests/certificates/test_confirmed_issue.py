"""A one-click re-certification warns like issuing to one person (a certificate that would lapse within
the profile's warning window, a profile meant for other personnel) and writes nothing until the issuer has
confirmed."""
from __future__ import annotations

import pytest

from trainer.certificates.models import Certificate
from trainer.certificates.services.issuing import Unconfirmed, check_recertify, recertify


def _count(db, model=Certificate) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture
def profile(readiness_profile, db):
    def change(**values):
        for name, value in values.items():
            setattr(readiness_profile, name, value)
        db.session.commit()
        return readiness_profile
    return change


# --- re-certification ---------------------------------------------------------------------------------------------

def test_re_certifying_warns_of_a_short_validity_and_writes_only_once_confirmed(make_person, issue, profile,
                                                                               make_user, db):
    person = make_person(nation="NPL", given_names_latin="Ram", family_name_latin="Thapa")
    old = issue(person)
    profile(warning_days=2000)
    commander = make_user("commander", "nation", nation="NPL")
    [warning] = check_recertify(commander, old.id)
    assert warning.key == "validity" and "2000 days" in warning.message
    with pytest.raises(Unconfirmed) as unconfirmed:
        recertify(commander, old.id)
    assert unconfirmed.value.errors == [("validity", warning.message)]
    db.session.rollback()
    assert _count(db) == 1 and db.session.get(Certificate, old.id).recorded_status == "valid"
    new = recertify(commander, old.id, confirmed=True)
    db.session.commit()
    assert new.supersedes_id == old.id and _count(db) == 2


def test_the_re_certify_button_shows_the_warnings_and_asks_to_confirm(client, login_as, make_person, issue, profile,
                                                                     db):
    officer = make_person(nation="NPL", category="police", given_names_latin="Sita", family_name_latin="Gurung")
    old = issue(officer)
    profile(audience="military")
    login_as("commander", "nation", nation="NPL")

    asked = client.post(f"/certificates/{old.id}/recertify")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Before you re-certify" in page
    assert "Sita Gurung is in the category Police" in page and 'name="confirm"' in page
    assert _count(db) == 1

    done = client.post(f"/certificates/{old.id}/recertify", data={"confirm": "y"})
    assert done.status_code == 302
    assert _count(db) == 2 and db.session.get(Certificate, old.id).recorded_status == "superseded"
