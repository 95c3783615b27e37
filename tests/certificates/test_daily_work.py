"""An issuer's daily work: warnings before a certificate that would lapse soon or that does not fit the person,
confirmations before issuing anyway and before revoking, refusals shown on the form that was tried, the list
sorted by its columns, and the public verify pages in the visitor's language."""
from __future__ import annotations

import re

import pytest

from tests.certificates.builders import PROFILE, bulk_confirmed
from trainer.certificates.models import Certificate
from trainer.certificates.services.issuing import Unconfirmed, check_issue, issue_certificate


def _count(db) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Certificate))


# --- warnings and confirmation before issuing -----------------------------------------------------------------

def test_a_certificate_valid_for_less_than_the_warning_window_is_issued_only_once_confirmed(
        client, login_as, make_person, ready, profile, db):
    person = make_person(nation="NPL", given_names_latin="Ram", family_name_latin="Thapa")
    evidence = ready(person)
    profile(warning_days=2000)  # the certificate (valid about 17 months) would lapse inside the window
    login_as("commander", "nation", nation="NPL")

    asked = client.post(f"/certificates/person/{person.id}/issue", data={"profile": PROFILE})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and _count(db) == 0
    assert "Before you issue this certificate" in page
    days = (evidence.certificate_valid_until - evidence.certificate_valid_until.today()).days
    assert f"valid for {days} days only" in page and "2000 days" in page
    assert 'name="confirm"' in page and f'name="warned_profile" type="hidden" value="{PROFILE}"' in page
    assert re.search(rf'<option selected value="{PROFILE}">|<option value="{PROFILE}" selected', page)

    # Ticking the box without having been shown the warnings (no warned profile) asks again.
    again = client.post(f"/certificates/person/{person.id}/issue", data={"profile": PROFILE, "confirm": "y"})
    assert again.status_code == 200 and _count(db) == 0

    issued = client.post(f"/certificates/person/{person.id}/issue",
                         data={"profile": PROFILE, "confirm": "y", "warned_profile": PROFILE})
    assert issued.status_code == 302 and _count(db) == 1


def test_a_profile_meant_for_other_personnel_is_a_warning_the_service_enforces(make_person, ready, profile, db,
                                                                               make_user):
    officer = make_person(nation="NPL", category="police", given_names_latin="Sita", family_name_latin="Gurung")
    ready(officer)
    profile(audience="military")
    commander = make_user("commander", "nation", nation="NPL")
    [warning] = check_issue(commander, officer.id, PROFILE)
    assert warning.key == "audience"
    assert warning.message == (f"{PROFILE} is meant for personnel of the category Military, and Sita Gurung is in "
                               "the category Police.")
    with pytest.raises(Unconfirmed) as unconfirmed:
        issue_certificate(commander, officer.id, PROFILE)
    assert unconfirmed.value.errors == [("audience", warning.message)]
    assert _count(db) == 0
    assert issue_certificate(commander, officer.id, PROFILE, confirmed=True).person_id == officer.id


def test_a_fitting_certificate_valid_beyond_the_window_is_issued_without_a_question(make_person, ready, profile,
                                                                                    make_user):
    soldier = make_person(nation="NPL", category="military")
    ready(soldier)
    profile(audience="military", warning_days=30)
    commander = make_user("commander", "nation", nation="NPL")
    assert check_issue(commander, soldier.id, PROFILE) == []
    assert issue_certificate(commander, soldier.id, PROFILE).person_id == soldier.id


# --- refusals on the page where they were tried ---------------------------------------------------------------

def test_a_second_certificate_for_the_same_profile_is_refused_on_the_issue_form(client, login_as, make_person, issue,
                                                                                 db):
    person = make_person(nation="NPL", given_names_latin="Ram", family_name_latin="Thapa")
    first = issue(person)
    login_as("commander", "nation", nation="NPL")
    response = client.post(f"/certificates/person/{person.id}/issue", data={"profile": PROFILE})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f"Ram Thapa already holds certificate {first.serial} for {PROFILE}. Re-certify it instead" in page
    assert "Issue a certificate to" in page and 'class="cert-issue-form"' in page  # the form, not an error page
    assert re.search(rf'<option selected value="{PROFILE}">|<option value="{PROFILE}" selected', page)
    assert _count(db) == 1


def test_revoking_asks_to_confirm_and_keeps_the_reason_typed(client, login_as, make_person, issue, db):
    cert = issue(make_person(nation="NPL"))
    login_as("commander", "nation", nation="NPL")
    response = client.post(f"/certificates/{cert.id}/revoke", data={"reason": "Completion entered for someone else"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tick this box to confirm the revocation." in page and "Completion entered for someone else" in page
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).revoked_at is None
    done = client.post(f"/certificates/{cert.id}/revoke",
                       data={"reason": "Completion entered for someone else", "confirm": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).revoked_at is not None


def test_the_person_page_offers_issue_a_certificate_to_those_who_may_issue(client, login_as, make_person):
    person = make_person(nation="NPL")
    login_as("commander", "nation", nation="NPL")
    issue_link = f'href="/certificates/person/{person.id}/issue"'
    assert issue_link in client.get(f"/personnel/{person.id}").get_data(as_text=True)
    assert issue_link in client.get(f"/certificates/person/{person.id}").get_data(as_text=True)


def test_the_person_page_offers_no_issue_to_a_training_officer(client, login_as, make_person):
    person = make_person(nation="NPL")
    login_as("training_officer", "nation", nation="NPL")
    page = client.get(f"/personnel/{person.id}")
    assert page.status_code == 200 and f"/certificates/person/{person.id}/issue" not in page.get_data(as_text=True)


# --- the list ---------------------------------------------------------------------------------------------------

def test_the_list_sorts_by_its_columns_and_keeps_its_filters(client, login_as, make_person, issue):
    names = ["Thapa", "Adhikari", "Magar"]
    for family in names:
        issue(make_person(nation="NPL", family_name=family, family_name_latin=family, given_names_latin="Hari"))
    login_as("commander", "nation", nation="NPL")

    def order(query: str) -> list[str]:
        page = client.get(f"/certificates/?{query}").get_data(as_text=True)
        return [n for n in re.findall(r"Hari (\w+)|(\w+) Hari", page) for n in n if n in names]

    assert order("sort=person") == sorted(names)
    assert order("sort=person&dir=desc") == sorted(names, reverse=True)
    assert order("") == list(reversed(names))  # newest first by default
    page = client.get("/certificates/?status=valid&sort=person").get_data(as_text=True)
    # The headings sort the filtered list, the active one marked for assistive technology.
    assert re.search(r'href="/certificates/\?[^"]*sort=issued[^"]*"', page)
    assert all("status=valid" in href for href in re.findall(r'href="(/certificates/\?[^"]*sort=[^"]*)"', page))
    assert 'aria-sort="ascending"' in page and 'class="table table-sm align-middle table-stack cert-list"' in page


# --- the public verify pages follow the visitor's language ---------------------------------------------------

def test_the_verify_page_follows_the_visitors_language_and_the_switcher(client, make_person, issue):
    cert = issue(make_person(nation="NPL"))
    french = client.get(f"/verify/{cert.serial}", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    page = french.get_data(as_text=True)
    assert '<html lang="fr"' in page and "est valable" in page and "is valid" not in page
    english = client.get(f"/verify/{cert.serial}", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="en"' in english and "is valid" in english
    # The switcher's choice wins over the browser's language for the rest of the visit.
    form = client.get("/verify", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    client.post("/language", data={"language": "fr", "next": f"/verify/{cert.serial}",
                                   **({"csrf_token": token.group(1)} if token else {})})
    switched = client.get(f"/verify/{cert.serial}", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="fr"' in switched and "est valable" in switched


def test_a_bulk_issue_flags_the_certificates_that_lapse_within_the_warning_window(client, login_as, make_unit,
                                                                                    make_person, ready, profile):
    unit = make_unit(nation="NPL")
    person = make_person(unit=unit)
    ready(person)
    profile(warning_days=2000)
    login_as("commander", "nation", nation="NPL")
    # Issued anyway after the warning: the batch page still flags the short validity.
    response = client.post("/certificates/bulk", data=bulk_confirmed(unit.id, issue_anyway=[person.id]))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count("lapses within the profile&#39;s warning window of 2000 days") == 1 or \
        page.count("lapses within the profile's warning window of 2000 days") == 1
