"""Personnel pages: search, scope, create, edit with conflicts, transfer and leaving service."""
import datetime as dt

import pytest
from sqlalchemy import select

from trainer.audit.models import AuditEvent
from trainer.db import utc_today
from trainer.errors import Invalid
from trainer.org.models import Person, UnitAssignment
from trainer.org.people import search_people


def events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_search_ignores_accents_and_case_in_native_and_latin_names(db, make_person, make_user, npl_units, make_unit):
    fra = make_unit(nation="FRA", code="FR-GEND")
    lefevre = make_person(unit=fra, family_name="Lefèvre", given_names="Anaïs")
    shrestha = make_person(unit=npl_units["a"], family_name="श्रेष्ठ", given_names="राम",
                           family_name_latin="Shrestha", given_names_latin="Rām")
    make_person(unit=npl_units["a"], family_name="Other", given_names="Person")
    admin = make_user("admin")

    def found(q):
        return [p.id for p in db.session.scalars(search_people(admin, q=q))]

    assert found("lefevre") == [lefevre.id]
    assert found("ANAIS LEFÈVRE") == [lefevre.id]
    assert found("श्रेष्ठ") == [shrestha.id]
    assert found("ram shrestha") == [shrestha.id]
    assert found("nobody") == []


def test_people_list_searches_and_filters_over_http(client, login_as, make_person, make_unit, npl_units):
    make_person(unit=npl_units["a"], family_name="Lefèvre", given_names="Anaïs", screening="hold")
    make_person(unit=npl_units["b"], family_name="Dupont", given_names="Jean", category="police", rank_code="POL-3")
    login_as("training_officer", "nation", nation="NPL")
    page = client.get("/personnel?q=lefevre").get_data(as_text=True)
    assert "Lefèvre" in page and "Dupont" not in page
    page = client.get(f"/personnel?unit={npl_units['b'].id}").get_data(as_text=True)
    assert "Dupont" in page and "Lefèvre" not in page
    page = client.get("/personnel?category=police&screening=hold").get_data(as_text=True)
    assert "Dupont" not in page and "Lefèvre" not in page and "No one matches" in page
    assert client.get("/personnel?unit=abc&page=zz").status_code == 200
    # a unit beyond the officer's reach and one that exists nowhere are both dropped from the filters alike
    foreign = make_unit(nation="FRA", code="FRA-BN")
    for unit_id in (foreign.id, 999999):
        response = client.get(f"/personnel?unit={unit_id}")
        assert response.status_code == 200
        assert "Dupont" in response.get_data(as_text=True) and "Lefèvre" in response.get_data(as_text=True)
    # A NUL byte is refused outright with a clear message, never passed to the database.
    refused = client.get("/personnel?q=le%00fevre&category=%00")
    assert refused.status_code == 400 and "NUL (zero) character" in refused.get_data(as_text=True)
    french = client.application.test_client().get("/login?next=%00", headers={"Accept-Language": "fr"})
    assert french.status_code == 400 and "caractère NUL (zéro)" in french.get_data(as_text=True)


def test_people_list_paginates(client, login_as, make_person, npl_units):
    for i in range(55):
        make_person(unit=npl_units["a"], family_name=f"Name{i:02d}")
    login_as("commander", "nation", nation="NPL")
    first = client.get("/personnel").get_data(as_text=True)
    second = client.get("/personnel?page=2").get_data(as_text=True)
    assert "55 in all" in first
    assert first.count("/personnel/") - second.count("/personnel/") > 0
    assert "Name54" in second and "Name54" not in first


def test_other_nations_records_are_not_found(client, login_as, make_person, npl_units, make_unit):
    stranger = make_person(unit=make_unit(nation="FRA", code="FR-1"), family_name="Étranger")
    own = make_person(unit=npl_units["a"])
    login_as("training_officer", "nation", nation="NPL")
    assert client.get(f"/personnel/{own.id}").status_code == 200
    for url in (f"/personnel/{stranger.id}", f"/personnel/{stranger.id}/edit", f"/personnel/{stranger.id}/transfer"):
        assert client.get(url).status_code == 404
    assert "Étranger" not in client.get("/personnel?status=all").get_data(as_text=True)


def test_unit_scoped_officer_sees_only_the_subtree(client, login_as, make_person, npl_units, make_unit):
    sub = make_unit(nation="NPL", code="NPBATT-A-1", parent=npl_units["a"])
    inside = make_person(unit=sub, family_name="Inside")
    outside = make_person(unit=npl_units["b"], family_name="Outside")
    login_as("training_officer", "unit", unit=npl_units["a"])
    page = client.get("/personnel").get_data(as_text=True)
    assert "Inside" in page and "Outside" not in page
    assert client.get(f"/personnel/{inside.id}").status_code == 200
    assert client.get(f"/personnel/{outside.id}").status_code == 404
    assert client.get(f"/units/{npl_units['b'].id}").status_code == 404
    units = client.get("/units").get_data(as_text=True)
    assert "NPBATT-A-1" in units and "NPBATT-B" not in units


def test_trainee_sees_only_their_own_record(client, login_as, make_person, npl_units):
    me = make_person(unit=npl_units["a"], family_name="Myself")
    other = make_person(unit=npl_units["a"])
    login_as("trainee", "self", person=me)
    assert "Myself" in client.get(f"/personnel/{me.id}").get_data(as_text=True)
    assert client.get(f"/personnel/{other.id}").status_code == 404
    assert client.get("/personnel").status_code == 403
    assert client.get(f"/personnel/{me.id}/edit").status_code == 403


def test_create_person_with_history_and_audit(client, db, login_as, npl_units):
    login_as("training_officer", "nation", nation="NPL")
    response = client.post("/personnel/new", data={
        "unit_id": npl_units["a"].id, "service_number": "NA-5", "family_name": "Gurung", "given_names": "Sita",
        "family_name_latin": "", "given_names_latin": "", "rank_code": "OR-4", "national_rank": "Sergeant",
        "category": "military", "email": "", "screening": "pending", "start_on": "2024-05-01"})
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.scalar(select(Person).where(Person.service_number == "NA-5"))
    assert person.family_name_latin == "Gurung"
    assert [(a.unit_id, a.start_on) for a in person.assignments] == [(npl_units["a"].id, dt.date(2024, 5, 1))]
    assert events(db, "person.create")


def test_create_person_shows_errors_beside_the_fields(client, login_as, npl_units, make_unit):
    fra = make_unit(nation="FRA", code="FR-1")
    login_as("training_officer", "nation", nation="NPL")
    response = client.post("/personnel/new", data={
        "unit_id": fra.id, "service_number": "", "family_name": "X", "given_names": "Y", "rank_code": "ZZ-1",
        "category": "military", "screening": "pending"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="service_number-error"' in page and 'aria-describedby="service_number-help service_number-error"' in page
    response = client.post("/personnel/new", data={
        "unit_id": fra.id, "service_number": "1", "family_name": "X", "given_names": "Y", "rank_code": "OF-1",
        "category": "military", "screening": "pending"})
    assert response.status_code == 422 and 'id="unit_id-error"' in response.get_data(as_text=True)
    response = client.post("/personnel/new", data={
        "unit_id": "x\x00", "service_number": "1\x00", "family_name": "\x00", "given_names": "Y", "rank_code": "OF-1",
        "category": "military", "screening": "pending"})
    assert response.status_code == 400


def test_a_tab_or_an_invisible_code_in_a_name_is_refused_beside_the_field(client, db, login_as, make_person,
                                                                          npl_units):
    person = make_person(unit=npl_units["a"], family_name="Thapa")
    login_as("training_officer", "nation", nation="NPL")
    values = {"service_number": person.service_number, "family_name": "Tha\tpa", "given_names": "Ram",
              "family_name_latin": "Thapa", "given_names_latin": "Ram", "rank_code": person.rank_code,
              "national_rank": "", "category": person.category, "email": "", "screening": person.screening,
              "version": str(person.version)}
    response = client.post(f"/personnel/{person.id}/edit", data=values)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and page.count("Holds a control character") == 1
    assert 'id="family_name-error"' in page
    db.session.expire_all()
    assert person.family_name == "Thapa"
    # a vertical tab pasted from another program is refused the same way (every form's rule, trainer/forms.py)
    response = client.post(f"/personnel/{person.id}/edit", data={**values, "family_name": "Tha\x0bpa"})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("Holds a control character") == 1
    db.session.expire_all()
    assert person.family_name == "Thapa"


def test_a_control_character_stored_before_the_rule_does_not_block_an_edit_of_another_field(client, db, login_as,
                                                                                            make_person, npl_units):
    person = make_person(unit=npl_units["a"], family_name="Thapa", given_names="Ram")
    person.given_names = "Ram\x0b"  # written by an import before control characters were refused
    db.session.commit()
    login_as("training_officer", "nation", nation="NPL")
    values = {"service_number": person.service_number, "family_name": "Thapa", "given_names": "Ram\x0b",
              "family_name_latin": person.family_name_latin or "", "given_names_latin": person.given_names_latin or "",
              "rank_code": person.rank_code, "national_rank": "", "category": person.category,
              "email": "ram.thapa@example.org", "screening": person.screening, "version": str(person.version)}
    response = client.post(f"/personnel/{person.id}/edit", data=values)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    # saved; the page's own clean-up of what it sends drops the invisible code on the way
    assert (person.email, person.given_names) == ("ram.thapa@example.org", "Ram")


def test_duplicate_service_number_is_refused(client, login_as, make_person, npl_units):
    existing = make_person(unit=npl_units["a"], service_number="DUP-1")
    login_as("training_officer", "nation", nation="NPL")
    response = client.post("/personnel/new", data={
        "unit_id": npl_units["b"].id, "service_number": existing.service_number, "family_name": "X",
        "given_names": "Y", "rank_code": "OF-1", "category": "military", "screening": "pending"})
    assert response.status_code == 409
    assert "Already used in this nation" in response.get_data(as_text=True)


def edit_data(person, **overrides):
    data = {f: getattr(person, f) or "" for f in ("service_number", "family_name", "given_names", "family_name_latin",
                                                  "given_names_latin", "rank_code", "national_rank", "category",
                                                  "email", "screening")}
    data["version"] = person.version
    data.update(overrides)
    return data


def test_edit_person_records_before_and_after(client, db, login_as, make_person, npl_units):
    person = make_person(unit=npl_units["a"], family_name="Old")
    login_as("training_officer", "nation", nation="NPL")
    response = client.post(f"/personnel/{person.id}/edit", data=edit_data(person, family_name="New", screening="hold"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).family_name == "New"
    event = events(db, "person.update")[-1]
    assert '"family_name":"Old"' in event.details and '"screening":"hold"' in event.details


def test_stale_edit_gets_a_conflict_and_keeps_what_was_typed(client, db, login_as, make_person, npl_units):
    person = make_person(unit=npl_units["a"], family_name="Original")
    stale = edit_data(person, family_name="Mine, typed carefully")
    login_as("training_officer", "nation", nation="NPL")
    assert client.post(f"/personnel/{person.id}/edit", data=edit_data(person, national_rank="Major")).status_code == 302
    response = client.post(f"/personnel/{person.id}/edit", data=stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this record" in page
    assert 'value="Mine, typed carefully"' in page and "Major" in page
    db.session.expire_all()
    assert db.session.get(Person, person.id).family_name == "Original"


def test_transfer_keeps_history(client, db, login_as, make_person, npl_units):
    person = make_person(unit=npl_units["a"], start_on=dt.date(2024, 1, 1))
    login_as("training_officer", "nation", nation="NPL")
    response = client.post(f"/personnel/{person.id}/transfer",
                           data={"unit_id": npl_units["b"].id, "on": "2025-02-01", "note": "rotation"})
    assert response.status_code == 302
    db.session.expire_all()
    history = db.session.scalars(select(UnitAssignment).where(UnitAssignment.person_id == person.id)
                                 .order_by(UnitAssignment.start_on)).all()
    assert [(h.unit_id, h.start_on, h.end_on) for h in history] == [
        (npl_units["a"].id, dt.date(2024, 1, 1), dt.date(2025, 2, 1)), (npl_units["b"].id, dt.date(2025, 2, 1), None)]
    assert events(db, "person.transfer")
    page = client.get(f"/personnel/{person.id}").get_data(as_text=True)
    assert "NPBATT-A" in page and "NPBATT-B" in page and "rotation" in page
    too_early = client.post(f"/personnel/{person.id}/transfer", data={"unit_id": npl_units["a"].id, "on": "2020-01-01"})
    assert too_early.status_code == 422


def test_transfer_out_of_scope_is_refused(client, login_as, make_person, npl_units):
    person = make_person(unit=npl_units["a"])
    login_as("training_officer", "unit", unit=npl_units["a"])
    response = client.post(f"/personnel/{person.id}/transfer", data={"unit_id": npl_units["b"].id, "on": "2030-01-01"})
    assert response.status_code == 422


def test_a_leaving_or_transfer_date_after_today_or_malformed_is_refused_and_changes_nothing(client, db, login_as,
                                                                                           make_person, npl_units):
    person = make_person(unit=npl_units["a"], family_name="Staying", start_on=dt.date(2020, 1, 1))
    login_as("training_officer", "nation", nation="NPL")
    tomorrow = (utc_today() + dt.timedelta(days=1)).isoformat()   # the officer's zone is UTC
    for url, data, message in (
            (f"/personnel/{person.id}/leave", {"on": "9999-12-31"}, "Enter a date between 1900 and 2199."),
            (f"/personnel/{person.id}/leave", {"on": tomorrow}, "its date cannot be in the future"),
            (f"/personnel/{person.id}/transfer", {"unit_id": npl_units["b"].id, "on": tomorrow},
             "its date cannot be in the future")):
        response = client.post(url, data=data)
        assert response.status_code == 422, (url, data)
        assert message in response.get_data(as_text=True)
    malformed = client.post(f"/personnel/{person.id}/leave", data={"on": "31/12/2025"}).get_data(as_text=True)
    assert "Not a valid date value." in malformed and "This field is required." not in malformed
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.status == "active" and person.unit_id == npl_units["a"].id and person.assignments[-1].end_on is None


def test_today_is_the_recording_officers_day_in_their_zone(db, make_person, make_user, npl_units, monkeypatch):
    """At 08:00 in Fiji it is already the next day there while UTC is still on the day before."""
    from trainer.auth import zones
    from trainer.org.people import mark_left_service

    person = make_person(unit=npl_units["a"], start_on=dt.date(2020, 1, 1))
    officer = make_user("training_officer", "nation", nation="NPL", username="o.fiji")
    officer.timezone = "Pacific/Fiji"
    from trainer.org import people

    moment = dt.datetime(2026, 7, 1, 20, 0, tzinfo=dt.timezone.utc)
    monkeypatch.setattr(zones, "_now", lambda: moment)
    monkeypatch.setattr(people, "utc_today", lambda: moment.date())   # UTC is still on 1 July
    mark_left_service(officer, person, dt.date(2026, 7, 2))        # Fiji's today (UTC+12)
    assert person.status == "left_service"
    other = make_person(unit=npl_units["a"], start_on=dt.date(2020, 1, 1))
    with pytest.raises(Invalid):
        mark_left_service(officer, other, dt.date(2026, 7, 3))     # Fiji's tomorrow


def test_leaving_service_keeps_the_record_as_inactive(client, db, login_as, make_person, npl_units):
    person = make_person(unit=npl_units["a"], family_name="Retiring", start_on=dt.date(2020, 1, 1))
    login_as("training_officer", "nation", nation="NPL")
    assert client.post(f"/personnel/{person.id}/leave", data={"on": "2025-06-30"}).status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.status == "left_service" and person.assignments[-1].end_on == dt.date(2025, 6, 30)
    assert "Retiring" not in client.get("/personnel").get_data(as_text=True)
    assert "Retiring" in client.get("/personnel?status=left_service").get_data(as_text=True)
    assert "left service" in client.get(f"/personnel/{person.id}").get_data(as_text=True)
    assert events(db, "person.left_service")
