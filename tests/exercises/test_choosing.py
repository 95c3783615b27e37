"""Choosing from lists instead of typing codes: the time zone (a list that becomes a searchable field), the
nations, units and prerequisite modules (lists of checkboxes, no Ctrl-click), an objective's module, an
inject's recipient and objectives. The codes other callers send are still accepted."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from tests.conftest import login
from trainer.exercises.models import Exercise, Inject

UTC = dt.timezone.utc
START = dt.datetime(2030, 6, 1, 6, 0, tzinfo=UTC)


def test_the_exercise_form_offers_lists_to_choose_from(make_module, make_nation, make_unit, make_user, client, db):
    make_nation("NPL")
    make_nation("FRA")
    make_unit(nation="FRA", code="FRA-BN", name="Bataillon", kind="battalion")
    make_module("HR-01", title={"en": "Human rights in peacekeeping", "fr": "Les droits de l'homme"},
                validity_months=24, audience=())
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    page = client.get("/exercises/new").get_data(as_text=True)
    # nations, units and modules as checkboxes, never a list box that needs Ctrl-click
    assert "multiple" not in page
    assert re.search(r'type="checkbox" name="nation_codes" id="[^"]+" value="FRA"', page)
    assert re.search(r'type="checkbox" name="unit_ids" id="[^"]+" value="\d+"', page) and "FRA FRA-BN — Bataillon" in page
    assert re.search(r'type="checkbox" name="prerequisite_modules" id="[^"]+" value="HR-01"', page)
    assert "HR-01 — Human rights in peacekeeping" in page
    assert 'placeholder="Type to filter the list"' in page
    # the time zone: a list without JavaScript (the script makes it a searchable field), offsets in the labels
    assert re.search(r'<select[^>]* class="form-select[^"]*zone-select[^"]*" id="timezone" name="timezone"', page)
    assert "Asia/Kathmandu (UTC+05:45)" in page


def test_checked_nations_units_and_modules_are_saved_and_shown_first_when_editing(make_exercise, make_nation, make_unit,
                                                                                  make_user, make_module, client, db):
    make_nation("NPL")
    make_nation("FRA")
    unit = make_unit(nation="FRA", code="FRA-BN", kind="battalion")
    make_module("HR-01", title={"en": "Human rights"}, validity_months=24, audience=())
    make_module("PKI-02", title={"en": "Information sharing"}, validity_months=24, audience=())
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    response = client.post("/exercises/new", data={
        "code": "CHOSEN-1", "title": "Chosen", "type": "tabletop", "lead_nation_code": "NPL",
        "nation_codes": ["NPL", "FRA"], "unit_ids": [str(unit.id)], "timezone": "asia/kathmandu",
        "start_local": "2030-06-01T08:00", "end_local": "2030-06-01T17:00", "prerequisite_modules": ["PKI-02", "HR-01"]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    ex = db.session.scalars(select(Exercise).where(Exercise.code == "CHOSEN-1")).one()
    assert ex.timezone == "Asia/Kathmandu"  # typed in lower case, found all the same
    assert sorted(ex.prerequisite_codes) == ["HR-01", "PKI-02"] and ex.nation_codes == ["FRA", "NPL"]
    edit = client.get(f"/exercises/{ex.id}/edit").get_data(as_text=True)
    checked = re.findall(r'name="prerequisite_modules" id="[^"]+" value="([^"]+)" checked', edit)
    assert sorted(checked) == ["HR-01", "PKI-02"]
    nations = re.findall(r'name="nation_codes" id="[^"]+" value="([^"]+)"( checked)?', edit)
    assert [code for code, mark in nations[:2]] == ["FRA", "NPL"] and all(mark for _, mark in nations[:2])
    # typed codes, as other callers send them, are still accepted
    typed = client.post(f"/exercises/{ex.id}/edit", data={
        "code": "CHOSEN-1", "title": "Chosen", "type": "tabletop", "lead_nation_code": "NPL",
        "nation_codes": ["NPL", "FRA"], "timezone": "Asia/Kathmandu", "start_local": "2030-06-01T08:00",
        "end_local": "2030-06-01T17:00", "prerequisite_modules": "HR-01", "version": str(ex.version)})
    assert typed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Exercise, ex.id).prerequisite_codes == ["HR-01"]


def test_an_unknown_time_zone_is_refused_on_the_form(make_nation, make_user, client, db):
    make_nation("NPL")
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    response = client.post("/exercises/new", data={
        "code": "ZONE-1", "title": "Zone", "type": "tabletop", "lead_nation_code": "NPL", "nation_codes": ["NPL"],
        "timezone": "Kathmandoo", "start_local": "2030-06-01T08:00", "end_local": "2030-06-01T17:00"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "is not a known IANA time zone" in page and 'id="timezone-error"' in page


def test_an_objective_module_is_chosen_from_the_list(make_module, make_exercise, make_user, client, db):
    make_module("HR-01", title={"en": "Human rights"}, validity_months=24, audience=())
    ex = make_exercise(lead="NPL", status="planning")
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    page = client.get(f"/exercises/{ex.id}/objectives").get_data(as_text=True)
    assert re.search(r'<select[^>]+id="module_code" name="module_code"', page) and "HR-01 — Human rights" in page
    assert client.post(f"/exercises/{ex.id}/objectives", data={"description": "Protect", "capability": "",
                                                               "module_code": "HR-01"}).status_code == 302


def test_an_inject_is_sent_to_a_recipient_and_tests_objectives_chosen_from_lists(make_exercise, make_unit,
                                                                                 make_person, add_participant,
                                                                                 make_user, client, db):
    unit = make_unit(nation="NOR", code="NOR-COY")
    ex = make_exercise(lead="NPL", nations=("NOR",), start=START, end=START + dt.timedelta(days=1),
                       timezone="Europe/Oslo", objectives=2, status="approved")
    player = add_participant(ex, make_person(nation="NOR", family_name="Hansen", family_name_latin="Hansen"))
    login(client, make_user("training_officer", "nation", nation="NPL").username)
    page = client.get(f"/exercises/{ex.id}/msel/new").get_data(as_text=True)
    assert '<optgroup label="Nations taking part">' in page and '<optgroup label="Units of NOR">' in page
    assert f'value="unit|NOR:{unit.code}"' in page and '<optgroup label="Participants">' in page
    assert f'value="person|NOR:{player.person.service_number}"' in page and "Hansen" in page
    assert 'value="nation|NPL" selected' in page  # the lead nation, until another is chosen
    assert re.search(r'type="checkbox" name="objectives" id="[^"]+" value="2"', page) and "2. Objective 2" in page
    base = {"number": "1", "planned_release": "2030-06-01T09:00", "message": "Crowd at the gate"}
    saved = client.post(f"/exercises/{ex.id}/msel/new", data={**base, "recipient": f"unit|NOR:{unit.code}",
                                                                "objectives": ["1", "2"]})
    assert saved.status_code == 302
    inject = db.session.scalars(select(Inject).where(Inject.exercise_id == ex.id)).one()
    assert inject.to_unit_id == unit.id and [o.number for o in inject.objectives] == [1, 2]
    edit = client.get(f"/exercises/{ex.id}/msel/{inject.id}/edit").get_data(as_text=True)
    assert f'value="unit|NOR:{unit.code}" selected' in edit
    assert len(re.findall(r'name="objectives" id="[^"]+" value="\d" checked', edit)) == 2
    # a recipient that is no longer taking part is refused under the field, with the message kept
    refused = client.post(f"/exercises/{ex.id}/msel/new", data={**base, "number": "2", "recipient": "nation|GBR"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'id="recipient-error"' in text and "GBR is not a nation taking part" in text and "Crowd at the gate" in text
